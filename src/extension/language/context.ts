/**
 * The context engine: what fits at a cursor in one statement, complete or not. It knows no
 * catalog and no VS Code: it reads the statement's tokens and says which kind of name is wanted
 * (a relation, a column, a member of `x.`, a type, a column of `INSERT INTO t (`, a keyword),
 * which relations are in scope at the cursor (aliases, CTEs with their columns, subqueries in
 * FROM with their output columns, and the scopes of enclosing queries), and which call the
 * cursor is inside (for signature help). The catalog is applied by completion.ts.
 *
 * The shape is PostgreSQL's: parentheses nest queries; a query block is the text at one depth
 * between set operators; FROM / JOIN / UPDATE / INTO / USING introduce relations.
 */
import { tokenize } from './tokens';
import type { Token } from './tokens';

/** A relation as written: `name` or `schema.name`, names as the server sees them. */
export interface RelationName {
  schema?: string;
  name: string;
}

/** One output column of a derived table: a name, or `*` / `alias.*` over that query's own scope. */
export type DerivedColumn = { name: string } | { star: true; qualifier?: string; scope: Source[] };

/** Something in FROM that has columns. */
export type Source =
  | { kind: 'relation'; alias?: string; relation: RelationName }
  | { kind: 'derived'; alias: string; columns: DerivedColumn[] };

export type ContextKind = 'relation' | 'column' | 'member' | 'type' | 'insertColumns' | 'keyword' | 'none';

export interface CallContext {
  /** The function's name as written (`schema.name` or `name`). */
  name: RelationName;
  /** 0-based index of the argument the cursor is in. */
  argument: number;
  /** Offset of the `(`. */
  open: number;
}

export interface CompletionContext {
  kind: ContextKind;
  /** The part of a name typed so far (what an item replaces), and where it starts. */
  prefix: string;
  prefixStart: number;
  /** Whether the typed part opened a quoted identifier (`"My Ta`). */
  prefixQuoted: boolean;
  /** `member`: the names before the dot (`x` of `x.`, `s` `t` of `s.t.`). */
  qualifier: string[];
  /** Sources in scope, nearest query first; CTE names usable as relations. */
  sources: Source[];
  ctes: Map<string, DerivedColumn[]>;
  /** `insertColumns`: the target of INSERT INTO. */
  target?: RelationName;
  /** The innermost call around the cursor. */
  call?: CallContext;
}

/** Keywords that end a FROM list at the same depth. */
const FROM_END = new Set([
  'where', 'group', 'having', 'window', 'order', 'limit', 'offset', 'fetch', 'for', 'returning', 'union',
  'intersect', 'except', 'set', 'values', 'select', 'on', 'using', 'when', 'into', 'do', 'then', 'with',
]);
const JOIN_WORDS = new Set(['join', 'inner', 'left', 'right', 'full', 'outer', 'cross', 'natural', 'lateral']);
/** Clause keywords after which the cursor wants an expression (columns, functions). */
const EXPRESSION_CLAUSES = new Set([
  'select', 'where', 'on', 'by', 'having', 'returning', 'set', 'when', 'then', 'else', 'and', 'or', 'not',
  'distinct', 'all', 'values', 'case', 'between', 'in', 'like', 'ilike', 'is', 'limit', 'offset', 'any', 'some',
]);
const RELATION_WORDS = new Set(['from', 'join', 'update', 'into', 'table', 'only', 'truncate']);
const CLAUSES = new Set([
  'select', 'from', 'join', 'where', 'on', 'group', 'order', 'having', 'returning', 'set', 'into', 'update',
  'values', 'limit', 'offset', 'window', 'using', 'with', 'delete', 'insert', 'table', 'by', 'create', 'alter',
  'drop', 'merge', 'when', 'then', 'conflict', 'truncate',
]);
/** Words that may follow a relation in FROM without being its alias. */
const NOT_ALIAS = new Set([...FROM_END, ...JOIN_WORDS, 'as', 'tablesample', 'natural', 'returning', 'default']);

interface Frame {
  /** Index of the `(` token, -1 for the statement itself. */
  open: number;
  /** Index just past the matching `)` (or the token count). */
  close: number;
}

/** The engine over one statement's tokens; one instance per request. */
class Statement {
  readonly tokens: Token[];
  /** Comments, kept apart: nothing is completed inside one. */
  readonly comments: Token[];
  /** For each token index of `(`, the index of its `)` (or tokens.length). */
  private readonly match = new Map<number, number>();
  /** For each token, the index of the innermost `(` containing it (-1 at top level). */
  private readonly parent: number[];

  constructor(text: string) {
    const all = tokenize(text);
    this.tokens = all.filter((t) => t.kind !== 'comment');
    this.comments = all.filter((t) => t.kind === 'comment');
    const stack: number[] = [];
    this.parent = new Array<number>(this.tokens.length);
    this.tokens.forEach((t, i) => {
      this.parent[i] = stack.length > 0 ? stack[stack.length - 1] : -1;
      if (t.text === '(') stack.push(i);
      else if (t.text === ')') {
        const open = stack.pop();
        if (open !== undefined) {
          this.match.set(open, i);
          this.parent[i] = this.parent[open];
        }
      }
    });
    for (const open of stack) this.match.set(open, this.tokens.length);
  }

  frameOf(open: number): Frame {
    return { open, close: open < 0 ? this.tokens.length : (this.match.get(open) ?? this.tokens.length) };
  }

  /** Indexes of the tokens directly in a frame (nested parentheses skipped, the `(` kept). */
  direct(frame: Frame): number[] {
    const out: number[] = [];
    for (let i = frame.open + 1; i < frame.close; i += 1) {
      out.push(i);
      if (this.tokens[i].text === '(') i = this.match.get(i) ?? this.tokens.length;
    }
    return out;
  }

  isWord(i: number): boolean {
    const t = this.tokens[i];
    return t !== undefined && (t.kind === 'word' || t.kind === 'quoted');
  }

  /** A word that can be a name here: quoted, or not a reserved keyword. */
  isName(i: number): boolean {
    const t = this.tokens[i];
    return t !== undefined && (t.kind === 'quoted' || (t.kind === 'word' && t.keyword !== 4 && !NOT_ALIAS.has(t.name)));
  }

  /** Reads `a.b.c` starting at token `i`; returns the parts and the index after. */
  dotted(i: number): { parts: string[]; next: number } {
    const parts: string[] = [];
    let j = i;
    while (this.isWord(j)) {
      parts.push(this.tokens[j].name);
      if (this.tokens[j + 1]?.text === '.' && this.isWord(j + 2)) j += 2;
      else {
        j += 1;
        break;
      }
    }
    return { parts, next: j };
  }

  /** The direct tokens of the query block (between set operators) that contains token `at`. */
  block(frame: Frame, at: number): number[] {
    const direct = this.direct(frame);
    let start = 0;
    let end = direct.length;
    for (let k = 0; k < direct.length; k += 1) {
      const word = this.tokens[direct[k]].name;
      if (this.tokens[direct[k]].kind !== 'word') continue;
      if (word === 'union' || word === 'intersect' || word === 'except') {
        if (direct[k] < at) start = k + 1;
        else if (end === direct.length) end = k;
      }
    }
    return direct.slice(start, end);
  }

  /** The sources in FROM / JOIN / UPDATE / INTO / USING of a block. */
  sources(block: number[]): Source[] {
    const out: Source[] = [];
    let inFrom = false;
    for (let k = 0; k < block.length; k += 1) {
      const i = block[k];
      const t = this.tokens[i];
      const word = t.kind === 'word' ? t.name : undefined;
      if (word === 'from' || word === 'join' || word === 'update' || word === 'into' || (word === 'using' && this.tokens[i + 1]?.text !== '(')) {
        inFrom = true;
        const parsed = this.tableRef(block, k + 1, word === 'into');
        if (parsed.source) out.push(parsed.source);
        k = parsed.next - 1;
      } else if (t.text === ',' && inFrom) {
        const parsed = this.tableRef(block, k + 1);
        if (parsed.source) out.push(parsed.source);
        k = parsed.next - 1;
      } else if (word && (FROM_END.has(word) || word === 'on')) {
        inFrom = word === 'on' ? inFrom : false;
        if (word === 'on') {
          // skip the join condition up to the next JOIN or comma at this depth
          let m = k + 1;
          while (m < block.length && !(this.tokens[block[m]].kind === 'word' && (JOIN_WORDS.has(this.tokens[block[m]].name) || FROM_END.has(this.tokens[block[m]].name))) && this.tokens[block[m]].text !== ',') m += 1;
          k = m - 1;
        }
      }
    }
    return out;
  }

  /** One FROM item at block position `k`: `[ONLY|LATERAL] name [AS] [alias]` or `(subquery) [AS] alias`. */
  private tableRef(block: number[], k: number, insertTarget = false): { source?: Source; next: number } {
    while (k < block.length && ['only', 'lateral'].includes(this.tokens[block[k]].name) && this.tokens[block[k]].kind === 'word') k += 1;
    if (k >= block.length) return { next: k };
    const i = block[k];
    const t = this.tokens[i];
    if (t.text === '(') {
      const inner = this.frameOf(i);
      const aliased = this.alias(block, k + 1);
      if (!aliased.alias) return { next: aliased.next };
      const columns = aliased.columns ?? this.outputColumns(inner);
      return { source: { kind: 'derived', alias: aliased.alias, columns }, next: aliased.next };
    }
    if (!this.isWord(i) || (t.kind === 'word' && t.keyword === 4)) return { next: k };
    const { parts, next } = this.dotted(i);
    let m = block.indexOf(next);
    if (m < 0) m = block.findIndex((b) => b >= next);
    if (m < 0) m = block.length;
    // A function in FROM (`generate_series(1, 3) g`): its output is unknown, its alias still binds.
    if (this.tokens[block[m]]?.text === '(' && !insertTarget) {
      const aliased = this.alias(block, m + 1);
      return { source: aliased.alias ? { kind: 'derived', alias: aliased.alias, columns: aliased.columns ?? [{ name: aliased.alias }] } : undefined, next: aliased.next };
    }
    const aliased = this.alias(block, m);
    const relation: RelationName = parts.length >= 2 ? { schema: parts[parts.length - 2], name: parts[parts.length - 1] } : { name: parts[0] };
    return { source: { kind: 'relation', alias: aliased.alias, relation }, next: aliased.next };
  }

  /** `[AS] alias [(col, ...)]` at block position `k`. */
  private alias(block: number[], k: number): { alias?: string; columns?: DerivedColumn[]; next: number } {
    let m = k;
    const asWord = this.tokens[block[m]]?.kind === 'word' && this.tokens[block[m]].name === 'as';
    if (asWord) m += 1;
    const i = block[m];
    if (i === undefined || !(this.isName(i) || (asWord && this.isWord(i)))) return { next: m };
    const alias = this.tokens[i].name;
    m += 1;
    if (this.tokens[block[m]]?.text === '(') {
      const list = this.direct(this.frameOf(block[m])).filter((j) => this.isWord(j)).map((j) => ({ name: this.tokens[j].name }));
      return { alias, columns: list, next: m + 1 };
    }
    return { alias, next: m };
  }

  /** The output columns of the query in a frame (a subquery or a CTE body). */
  outputColumns(frame: Frame): DerivedColumn[] {
    const direct = this.direct(frame);
    const firstBlockEnd = direct.findIndex((i) => this.tokens[i].kind === 'word' && ['union', 'intersect', 'except'].includes(this.tokens[i].name));
    const block = firstBlockEnd < 0 ? direct : direct.slice(0, firstBlockEnd);
    const ctes = this.ctes(block, new Map());
    const selectAt = block.findIndex((i) => this.tokens[i].kind === 'word' && this.tokens[i].name === 'select');
    if (selectAt < 0) {
      const values = block.findIndex((i) => this.tokens[i].name === 'values');
      if (values >= 0 && this.tokens[block[values + 1]]?.text === '(') {
        const count = this.direct(this.frameOf(block[values + 1])).filter((i) => this.tokens[i].text === ',').length + 1;
        return Array.from({ length: count }, (_, n) => ({ name: `column${n + 1}` }));
      }
      return [];
    }
    const scope = this.sources(block).map((s) => expandCte(s, ctes));
    const items: number[][] = [[]];
    for (let k = selectAt + 1; k < block.length; k += 1) {
      const t = this.tokens[block[k]];
      if (t.kind === 'word' && (t.name === 'from' || t.name === 'into' || FROM_END.has(t.name))) break;
      if (t.kind === 'word' && (t.name === 'distinct' || t.name === 'all') && items[items.length - 1].length === 0) continue;
      if (t.text === ',') items.push([]);
      else items[items.length - 1].push(block[k]);
    }
    const out: DerivedColumn[] = [];
    for (const item of items) {
      if (item.length === 0) continue;
      const last = this.tokens[item[item.length - 1]];
      if (last.text === '*') {
        const qualifier = item.length >= 3 && this.tokens[item[item.length - 2]].text === '.' ? this.tokens[item[item.length - 3]].name : undefined;
        out.push({ star: true, qualifier, scope });
      } else if (item.length >= 2 && this.isWord(item[item.length - 1]) && (this.tokens[item[item.length - 2]].name === 'as' || this.isValueEnd(item[item.length - 2]))) {
        out.push({ name: last.name });
      } else if (this.isWord(item[item.length - 1])) {
        out.push({ name: last.name });
      } else if (last.text === ')' || this.tokens[item[item.length - 1]].text === '(') {
        // f(x): the column is named after the function.
        const first = this.tokens[item[0]];
        if (this.isWord(item[0])) out.push({ name: this.tokens[item[this.tokens[item[1]]?.text === '.' ? 2 : 0]]?.name ?? first.name });
      }
    }
    return out;
  }

  /** Whether token `i` ends a value (so a following word is an alias without AS). */
  private isValueEnd(i: number): boolean {
    const t = this.tokens[i];
    return t.text === ')' || t.kind === 'string' || t.kind === 'number' || t.kind === 'quoted' || (t.kind === 'word' && t.keyword !== 4);
  }

  /** CTEs of `WITH` at the start of a block, added to `into`. */
  ctes(block: number[], into: Map<string, DerivedColumn[]>): Map<string, DerivedColumn[]> {
    const withAt = block.findIndex((i) => this.tokens[i].kind === 'word' && this.tokens[i].name === 'with');
    if (withAt < 0) return into;
    let k = withAt + 1;
    if (this.tokens[block[k]]?.name === 'recursive') k += 1;
    while (k < block.length && this.isWord(block[k])) {
      const name = this.tokens[block[k]].name;
      k += 1;
      let explicit: DerivedColumn[] | undefined;
      if (this.tokens[block[k]]?.text === '(') {
        explicit = this.direct(this.frameOf(block[k])).filter((j) => this.isWord(j)).map((j) => ({ name: this.tokens[j].name }));
        k += 1;
      }
      if (this.tokens[block[k]]?.name !== 'as') break;
      k += 1;
      while (['not', 'materialized'].includes(this.tokens[block[k]]?.name ?? '')) k += 1;
      if (this.tokens[block[k]]?.text !== '(') break;
      into.set(name, explicit ?? this.outputColumns(this.frameOf(block[k])));
      k += 1;
      if (this.tokens[block[k]]?.text !== ',') break;
      k += 1;
    }
    return into;
  }
}

function expandCte(source: Source, ctes: Map<string, DerivedColumn[]>): Source {
  if (source.kind === 'relation' && !source.relation.schema) {
    const columns = ctes.get(source.relation.name);
    if (columns) return { kind: 'derived', alias: source.alias ?? source.relation.name, columns };
  }
  return source;
}

/**
 * The completion context at `offset` (UTF-16, in `text`, one statement).
 */
export function contextAt(text: string, offset: number): CompletionContext {
  const st = new Statement(text);
  const tokens = st.tokens;
  const base: CompletionContext = { kind: 'keyword', prefix: '', prefixStart: offset, prefixQuoted: false, qualifier: [], sources: [], ctes: new Map() };
  // The token the cursor is inside of (strings and numbers: nothing to complete there).
  const inside = tokens.findIndex((t) => t.start < offset && offset < t.end);
  if (inside >= 0 && !['word', 'quoted', 'open'].includes(tokens[inside].kind)) return { ...base, kind: 'none' };
  // A line comment runs to its newline, which the token leaves out: the cursor at its end is inside too.
  if (st.comments.some((t) => t.start < offset && (offset < t.end || (offset === t.end && t.text.startsWith('--'))))) return { ...base, kind: 'none' };
  const touching = tokens.findIndex((t) => t.start < offset && offset <= t.end && (t.kind === 'word' || t.kind === 'quoted' || t.kind === 'open'));
  let prefixIndex: number | undefined;
  if (touching >= 0) {
    const t = tokens[touching];
    if (t.kind === 'open' && !t.text.startsWith('"')) return { ...base, kind: 'none' };
    if (t.kind === 'quoted' && offset === t.end) return { ...base, kind: 'none' };
    prefixIndex = touching;
    base.prefixStart = t.start;
    base.prefixQuoted = t.text.startsWith('"');
    base.prefix = base.prefixQuoted ? t.name.slice(0, Math.max(0, offset - t.start - 1)) : t.text.slice(0, offset - t.start);
  }
  let at = prefixIndex ?? tokens.findIndex((t) => t.start >= offset);
  if (at < 0) at = tokens.length;
  // `prev`: the last token before the prefix (or before the cursor).
  const prev = at - 1;
  // The frame: innermost parenthesis containing the cursor.
  let frameOpen = -1;
  for (let i = prev; i >= 0; i -= 1) {
    if (tokens[i].text === '(') {
      const close = st.frameOf(i).close;
      if (close >= at || close === tokens.length) {
        frameOpen = i;
        break;
      }
    }
  }
  // Scope: this frame's block, then the enclosing ones (correlated subqueries see outer names).
  const ctes = new Map<string, DerivedColumn[]>();
  const sources: Source[] = [];
  const chain: number[] = [];
  for (let open = frameOpen; ; ) {
    chain.push(open);
    if (open < 0) break;
    let up = -1;
    for (let i = open - 1; i >= 0; i -= 1) {
      if (tokens[i].text === '(' && st.frameOf(i).close > open) {
        up = i;
        break;
      }
    }
    open = up;
  }
  // CTEs first, outermost last so inner ones shadow (Map keeps the first set).
  const blocks = chain.map((open) => st.block(st.frameOf(open), Math.max(prev, open + 1)));
  for (const block of blocks) st.ctes(block, ctes);
  for (const block of blocks) for (const s of st.sources(block)) sources.push(expandCte(s, ctes));
  base.sources = sources;
  base.ctes = ctes;
  base.call = callAt(st, frameOpen, prev);

  const p = tokens[prev];
  if (!p) return base;
  // `x.` / `s.t.`
  if (p.text === '.') {
    const qualifier: string[] = [];
    let i = prev;
    while (tokens[i]?.text === '.' && st.isWord(i - 1)) {
      qualifier.unshift(tokens[i - 1].name);
      i -= 2;
    }
    return { ...base, kind: qualifier.length > 0 ? 'member' : 'none', qualifier };
  }
  if (p.text === '::') return { ...base, kind: 'type' };
  const frame = st.frameOf(frameOpen);
  const direct = st.direct(frame).filter((i) => i <= prev);
  // INSERT INTO t ( | : t's columns. CREATE TABLE t ( name | : a type.
  if (frameOpen >= 0) {
    const before = tokens.slice(0, frameOpen).filter((t) => t.kind !== 'comment');
    const words = before.map((t) => (t.kind === 'word' ? t.name : t.text));
    const n = words.length;
    const intoAt = words.lastIndexOf('into');
    if (intoAt >= 0 && words[intoAt - 1] === 'insert' && words.slice(intoAt + 1).every((w, j) => j % 2 === 1 ? w === '.' : true) && n - intoAt <= 4) {
      const parts = before.slice(intoAt + 1).filter((t) => t.text !== '.').map((t) => t.name);
      const target = parts.length >= 2 ? { schema: parts[0], name: parts[1] } : { name: parts[0] };
      if (p.text === '(' || p.text === ',') return { ...base, kind: 'insertColumns', target };
      return { ...base, kind: 'keyword' };
    }
    const tableAt = words.lastIndexOf('table');
    if (tableAt >= 0 && words.slice(0, tableAt).includes('create') && chain.length === 2) {
      const lastSep = direct.reduce((acc, i) => (tokens[i].text === ',' ? i : acc), frameOpen);
      const wordsSince = direct.filter((i) => i > lastSep);
      if (wordsSince.length === 1 && st.isWord(wordsSince[0])) return { ...base, kind: 'type' };
      return { ...base, kind: 'keyword' };
    }
  }
  const pw = p.kind === 'word' ? p.name : undefined;
  if (pw && RELATION_WORDS.has(pw)) {
    if (pw === 'into' && tokens.slice(0, prev).some((t) => t.name === 'select') && !tokens.slice(0, prev).some((t) => t.name === 'insert')) return base;
    return { ...base, kind: 'relation' };
  }
  if (pw === 'using' && tokens[prev - 1] && tokens.slice(0, prev).some((t) => t.name === 'merge' || t.name === 'delete')) return { ...base, kind: 'relation' };
  // The clause the cursor is in: the last clause keyword at this depth.
  let clause: string | undefined;
  for (let k = direct.length - 1; k >= 0; k -= 1) {
    const t = tokens[direct[k]];
    if (t.kind === 'word' && CLAUSES.has(t.name)) {
      clause = t.name;
      break;
    }
  }
  if (p.text === ',') {
    if (clause === 'from') return { ...base, kind: 'relation' };
    return { ...base, kind: 'column' };
  }
  if (p.text === '(' || (p.kind === 'op' && p.text !== '*') || p.text === '[') return { ...base, kind: 'column' };
  if (p.text === '*' && clause !== 'select') return { ...base, kind: 'column' };
  if (pw && EXPRESSION_CLAUSES.has(pw)) return { ...base, kind: 'column' };
  if (frameOpen >= 0 && clause === undefined && (p.text === '(' || p.text === ',')) return { ...base, kind: 'column' };
  return base;
}

/** The innermost function call around the cursor: a `(` directly after a name. */
function callAt(st: Statement, frameOpen: number, prev: number): CallContext | undefined {
  const tokens = st.tokens;
  for (let open = frameOpen; open >= 0; ) {
    const before = tokens[open - 1];
    const keywordNotCall = before && before.kind === 'word' && before.keyword === 4 && !['left', 'right'].includes(before.name);
    const relationBefore = ['into', 'table', 'from', 'join', 'update', 'exists', 'references', 'on'].includes(tokens[open - 2]?.name ?? '') || tokens[open - 2]?.text === '.' && ['into', 'table', 'from', 'join', 'update', 'references'].includes(tokens[open - 4]?.name ?? '');
    if (before && st.isWord(open - 1) && !keywordNotCall && !relationBefore && !['in', 'values', 'as', 'exists', 'any', 'all', 'some', 'using'].includes(before.name)) {
      const name: RelationName = tokens[open - 2]?.text === '.' && st.isWord(open - 3) ? { schema: tokens[open - 3].name, name: before.name } : { name: before.name };
      const commas = st.direct(st.frameOf(open)).filter((i) => i <= prev && tokens[i].text === ',').length;
      return { name, argument: commas, open: tokens[open].start };
    }
    let up = -1;
    for (let i = open - 1; i >= 0; i -= 1) {
      if (tokens[i].text === '(' && st.frameOf(i).close > open) {
        up = i;
        break;
      }
    }
    open = up;
  }
  return undefined;
}

/** The name at `offset` for hover and go to definition: its qualifier and whether a call follows. */
export interface NameAt {
  parts: string[];
  /** Index in `parts` of the part under the cursor. */
  index: number;
  start: number;
  end: number;
  isCall: boolean;
  context: CompletionContext;
}

export function nameAt(text: string, offset: number): NameAt | undefined {
  const st = new Statement(text);
  const tokens = st.tokens;
  const i = tokens.findIndex((t) => t.start <= offset && offset <= t.end && (t.kind === 'word' || t.kind === 'quoted'));
  if (i < 0) return undefined;
  let first = i;
  while (tokens[first - 1]?.text === '.' && st.isWord(first - 2)) first -= 2;
  let last = i;
  while (tokens[last + 1]?.text === '.' && st.isWord(last + 2)) last += 2;
  const parts: string[] = [];
  for (let k = first; k <= last; k += 2) parts.push(tokens[k].name);
  const context = contextAt(text, tokens[first].start);
  return { parts, index: (i - first) / 2, start: tokens[i].start, end: tokens[i].end, isCall: tokens[last + 1]?.text === '(', context };
}
