/**
 * A result tab's name, from the statement's own words (psql's lexer: strings, quoted names and
 * comments never look like a FROM): a query is named after the first relation of its top-level
 * FROM ("public.orders", "generate_series"), `TABLE t` after t, an EXPLAIN is "EXPLAIN" (never
 * the table it explains), a SHOW "SHOW name", anything else "Result n".
 */
import { PsqlLexer } from '../sql/psql-lexer';
import type { Token } from '../sql/psql-lexer';

/** The statement kinds whose rows come from a top-level FROM. */
const QUERY_WORDS = new Set(['select', 'table', 'values']);
/** What may follow the CTEs of a WITH. */
const MAIN_WORDS = new Set(['select', 'table', 'values', 'insert', 'update', 'delete', 'merge']);

export function resultTitle(sql: string, resultId: number): string {
  const tokens = significantTokens(sql);
  const text = (t: Token): string => sql.slice(t.start, t.end);
  const fallback = `Result ${resultId}`;
  const first = tokens[0];
  if (first?.kind !== 'word') return fallback;
  if (first.word === 'explain') return 'EXPLAIN';
  if (first.word === 'show') {
    const name = tokens[1];
    return name && name.kind !== ';' ? `SHOW ${text(name)}` : 'SHOW';
  }
  let main = 0;
  if (first.word === 'with') {
    // The main statement is the first of its words outside the CTEs' parentheses.
    main = topLevel(tokens).findIndex((i) => i > 0 && MAIN_WORDS.has(tokens[i].word ?? ''));
    if (main < 0) return fallback;
    main = topLevel(tokens)[main];
  }
  const verb = tokens[main].word ?? '';
  if (!QUERY_WORDS.has(verb)) return fallback;
  if (verb === 'values') return 'VALUES';
  if (verb === 'table') return relationAt(tokens, main + 1, text) ?? fallback;
  const from = topLevel(tokens).find((i) => i > main && tokens[i].word === 'from');
  return (from !== undefined ? relationAt(tokens, from + 1, text) : undefined) ?? fallback;
}

function significantTokens(sql: string): Token[] {
  const lexer = new PsqlLexer(sql);
  const out: Token[] = [];
  for (let t = lexer.next(); t && out.length < 10_000; t = lexer.next()) {
    if (t.kind !== 'line-comment' && t.kind !== 'block-comment') out.push(t);
  }
  return out;
}

/** Indexes of the tokens outside any parentheses. */
function topLevel(tokens: Token[]): number[] {
  const out: number[] = [];
  let depth = 0;
  tokens.forEach((t, i) => {
    if (t.kind === '(') depth++;
    else if (t.kind === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0) out.push(i);
  });
  return out;
}

/** `name` or `schema.name` at `i` (quotes dropped where the name needs none), if a name is there. */
function relationAt(tokens: Token[], i: number, text: (t: Token) => string): string | undefined {
  const parts: string[] = [];
  if (tokens[i]?.word === 'only') i++;
  for (let j = i; j < tokens.length; j += 2) {
    const t = tokens[j];
    if (!isName(t, text)) break;
    parts.push(text(t).replace(/^"([a-z_][a-z0-9_$]*)"$/, '$1'));
    const dot = tokens[j + 1];
    if (!dot || text(dot) !== '.') break;
  }
  return parts.length > 0 && parts.length <= 3 ? parts.join('.') : undefined;
}

function isName(t: Token | undefined, text: (t: Token) => string): boolean {
  if (!t) return false;
  return t.kind === 'word' ? !RESERVED_AFTER_FROM.has(t.word ?? '') : t.kind === 'other' && text(t).startsWith('"');
}

/** Words that follow FROM without naming a relation (`FROM LATERAL (…)`). */
const RESERVED_AFTER_FROM = new Set(['lateral', 'rows', 'select', 'values']);
