/**
 * Splits a SQL script into statements with PostgreSQL's own lexer (libpg-query's scanSync, the
 * server's scanner compiled to WASM), so dollar quotes, E'' and standard strings, quoted
 * identifiers, nested block comments and line comments never hide or invent a `;`.
 *
 * On top of the tokens we apply psql's two rules for semicolons that do not end a statement:
 * inside parentheses (CREATE RULE ... DO (a; b)), and inside the BEGIN ... END of a SQL-standard
 * function body (CREATE FUNCTION ... BEGIN ATOMIC ...; END).
 *
 * Offsets are UTF-16 indexes into the script (what VS Code's offsetAt uses); the scanner reports
 * UTF-8 byte offsets, which are converted here.
 */
import { loadModule, scanSync } from 'libpg-query';
import type { ScanToken } from 'libpg-query';

export interface SqlStatement {
  /** The statement as sent to the server: its tokens from the first to the last, without the `;`. */
  text: string;
  /** Offset of `text` in the script. */
  start: number;
  /** Offset just past `text`. */
  end: number;
  /** Offset just past the terminating `;`, or `end` when the statement has none. */
  endWithTerminator: number;
}

let loading: Promise<void> | undefined;
let loaded = false;

/** Loads the WASM scanner once; `splitStatements` needs it. */
export function loadScanner(): Promise<void> {
  loading ??= loadModule().then(() => {
    loaded = true;
  });
  return loading;
}

export function scannerLoaded(): boolean {
  return loaded;
}

interface Token {
  start: number;
  end: number;
  /** Lower-cased text of a word token, `;`, `(` or `)`; undefined for other tokens. */
  word?: string;
  comment: boolean;
}

export function splitStatements(script: string): SqlStatement[] {
  const { tokens, unterminatedFrom } = scanScript(script);
  const statements: SqlStatement[] = [];
  let current: Token[] = [];
  let parens = 0;
  let atomicDepth = 0;

  const flush = (terminatorEnd: number | undefined): void => {
    const body = current.filter((t) => !t.comment);
    if (body.length > 0) {
      const start = current[0].start;
      const end = current[current.length - 1].end;
      statements.push({ text: script.slice(start, end), start, end, endWithTerminator: terminatorEnd ?? end });
    }
    current = [];
    parens = 0;
    atomicDepth = 0;
  };

  for (const token of tokens) {
    if (token.word === ';' && parens === 0 && atomicDepth === 0) {
      flush(token.end);
      continue;
    }
    if (token.word === '(') parens += 1;
    else if (token.word === ')') parens = Math.max(0, parens - 1);
    else if (token.word && isRoutineDefinition(current)) {
      const previous = lastWord(current);
      if (token.word === 'atomic' && previous === 'begin') atomicDepth += 1;
      else if (atomicDepth > 0 && token.word === 'case') atomicDepth += 1;
      else if (atomicDepth > 0 && token.word === 'end') atomicDepth -= 1;
    }
    current.push(token);
  }
  if (unterminatedFrom !== undefined) {
    // An unterminated quote or comment runs to the end of the script, as the server would read it.
    current.push({ start: unterminatedFrom, end: script.trimEnd().length, comment: false });
  }
  flush(undefined);
  return statements;
}

/**
 * The statement to run for a cursor at `offset`: the one containing it (its `;` included), else
 * the last one starting before it (the cursor sits after a statement), else the first.
 */
export function statementAt(statements: readonly SqlStatement[], offset: number): SqlStatement | undefined {
  const containing = statements.find((s) => s.start <= offset && offset <= s.endWithTerminator);
  if (containing) return containing;
  const before = statements.filter((s) => s.start <= offset);
  return before.length > 0 ? before[before.length - 1] : statements[0];
}

/**
 * The UTF-16 offset in `text` of a server error position (1-based, counted in characters, i.e.
 * code points).
 */
export function positionToOffset(text: string, position: number): number {
  let index = 0;
  for (let chars = 1; chars < position && index < text.length; chars += 1) {
    const code = text.charCodeAt(index);
    index += code >= 0xd800 && code <= 0xdbff ? 2 : 1;
  }
  return Math.min(index, text.length);
}

function isRoutineDefinition(tokens: readonly Token[]): boolean {
  const words = tokens.filter((t) => !t.comment && t.word).slice(0, 4).map((t) => t.word);
  if (words[0] !== 'create') return false;
  const kind = words[1] === 'or' && words[2] === 'replace' ? words[3] : words[1];
  return kind === 'function' || kind === 'procedure';
}

function lastWord(tokens: readonly Token[]): string | undefined {
  for (let i = tokens.length - 1; i >= 0; i -= 1) {
    if (!tokens[i].comment) return tokens[i].word;
  }
  return undefined;
}

/**
 * Tokens of the script. The scanner refuses a script with an unterminated quote or comment
 * (without saying where); we then keep the longest prefix that ends in a real `;` and report
 * where the unterminated rest starts.
 */
function scanScript(script: string): { tokens: Token[]; unterminatedFrom?: number } {
  if (!loaded) throw new Error('The SQL scanner is not loaded yet (loadScanner).');
  const whole = tryScan(script);
  if (whole) return { tokens: whole };
  for (let i = script.lastIndexOf(';'); i >= 0; i = script.lastIndexOf(';', i - 1)) {
    const prefix = tryScan(script.slice(0, i + 1));
    const last = prefix?.[prefix.length - 1];
    if (last && last.word === ';' && last.start === i) {
      const rest = script.slice(i + 1);
      const lead = rest.length - rest.trimStart().length;
      return { tokens: prefix, unterminatedFrom: i + 1 + lead };
    }
    if (i === 0) break;
  }
  const lead = script.length - script.trimStart().length;
  return { tokens: [], unterminatedFrom: lead < script.length ? lead : undefined };
}

function tryScan(script: string): Token[] | undefined {
  let raw: ScanToken[];
  try {
    raw = scanSync(script).tokens;
  } catch {
    return undefined;
  }
  const toIndex = byteToIndex(script);
  return raw.map((t) => {
    const start = toIndex(t.start);
    const end = toIndex(t.end);
    const comment = t.tokenName === 'SQL_COMMENT' || t.tokenName === 'C_COMMENT';
    const text = script.slice(start, end);
    const word = comment ? undefined : /^[A-Za-z_;()]/.test(text) ? text.toLowerCase() : undefined;
    return { start, end, word, comment };
  });
}

/** Maps UTF-8 byte offsets of `text` to UTF-16 indexes. */
function byteToIndex(text: string): (byte: number) => number {
  let ascii = true;
  for (let i = 0; i < text.length; i += 1) {
    if (text.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return (byte) => byte;
  const map = new Map<number, number>();
  let byte = 0;
  let index = 0;
  for (const ch of text) {
    map.set(byte, index);
    const cp = ch.codePointAt(0) ?? 0;
    byte += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    index += ch.length;
  }
  map.set(byte, index);
  return (b) => map.get(b) ?? index;
}
