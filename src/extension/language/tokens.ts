/**
 * Tokens of one statement for the context engine, from PostgreSQL's own scanner (libpg-query's
 * scanSync, loaded by sql/splitter.ts). Statements being typed are often unfinished: an
 * unterminated quote or comment makes the scanner refuse the whole text, so the text is then cut
 * where the unterminated part starts and that part becomes one `open` token.
 *
 * Offsets are UTF-16 indexes into the statement (the scanner's UTF-8 byte offsets converted).
 */
import { scanSync } from '../sql/scanner';

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'param' | 'op' | 'punct' | 'comment' | 'open';

export interface Token {
  kind: TokenKind;
  /** The source text of the token. */
  text: string;
  /** For words and quoted identifiers: the name the server sees (folded or unquoted). Lower-cased text otherwise. */
  name: string;
  start: number;
  end: number;
  /** The scanner's keyword kind: 0 not a keyword, 1 unreserved, 2 column name, 3 type/function name, 4 reserved. */
  keyword: number;
}

const PUNCT = new Set(['(', ')', ',', ';', '.', '[', ']', '::', ':']);

export function tokenize(text: string): Token[] {
  const scanned = tryScan(text);
  if (scanned) return scanned;
  const open = unterminatedStart(text);
  const before = open > 0 ? (tryScan(text.slice(0, open)) ?? []) : [];
  const rest = text.slice(open);
  const kind: TokenKind = 'open';
  before.push({ kind, text: rest, name: rest.startsWith('"') ? unquote(rest, false) : rest.toLowerCase(), start: open, end: text.length, keyword: 0 });
  return before;
}

/** Where the unterminated quote, quoted identifier, dollar quote or comment begins. */
function unterminatedStart(text: string): number {
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      if (end < 0) return i;
      i = end + 1;
    } else if (c === '/' && next === '*') {
      let depth = 1;
      let j = i + 2;
      while (j < text.length && depth > 0) {
        if (text.startsWith('/*', j)) {
          depth += 1;
          j += 2;
        } else if (text.startsWith('*/', j)) {
          depth -= 1;
          j += 2;
        } else j += 1;
      }
      if (depth > 0) return i;
      i = j;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      for (;;) {
        const close = text.indexOf(c, j);
        if (close < 0) return i;
        if (text[close + 1] === c) j = close + 2;
        else {
          j = close + 1;
          break;
        }
      }
      i = j;
    } else if (c === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 64));
      if (tag && !/[A-Za-z0-9_]/.test(text[i - 1] ?? '')) {
        const close = text.indexOf(tag[0], i + tag[0].length);
        if (close < 0) return i;
        i = close + tag[0].length;
      } else i += 1;
    } else i += 1;
  }
  return text.length;
}

function tryScan(text: string): Token[] | undefined {
  let raw: ReturnType<typeof scanSync>['tokens'];
  try {
    raw = scanSync(text).tokens;
  } catch {
    return undefined;
  }
  const toIndex = byteToIndex(text);
  return raw.map((t) => {
    const start = toIndex(t.start);
    const end = toIndex(t.end);
    const source = text.slice(start, end);
    return { kind: kindOf(t.tokenName, source), text: source, name: nameOf(t.tokenName, source), start, end, keyword: t.keywordKind };
  });
}

function kindOf(tokenName: string, source: string): TokenKind {
  switch (tokenName) {
    case 'SQL_COMMENT':
    case 'C_COMMENT':
      return 'comment';
    case 'SCONST':
    case 'USCONST':
    case 'BCONST':
    case 'XCONST':
      return 'string';
    case 'ICONST':
    case 'FCONST':
      return 'number';
    case 'PARAM':
      return 'param';
    case 'IDENT':
      return source.startsWith('"') || /^u&"/i.test(source) ? 'quoted' : 'word';
    case 'TYPECAST':
      return 'punct';
    default:
      if (/^[A-Za-z_\u0080-\uffff]/.test(source)) return 'word';
      if (PUNCT.has(source)) return 'punct';
      if (source.startsWith("'") || /^[eEnN]'/.test(source) || source.startsWith('$')) return 'string';
      return 'op';
  }
}

function nameOf(tokenName: string, source: string): string {
  if (tokenName === 'IDENT' && source.startsWith('"')) return unquote(source, true);
  return source.toLowerCase();
}

/** The name inside a quoted identifier; `closed` when the closing quote is there. */
export function unquote(source: string, closed: boolean): string {
  const inner = source.slice(1, closed ? -1 : undefined);
  return inner.replace(/""/g, '"');
}

/** Maps UTF-8 byte offsets of `text` to UTF-16 indexes. */
function byteToIndex(text: string): (byte: number) => number {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return (byte) => byte;
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
