/**
 * The tokens psql's own lexer (src/bin/psql/psqlscan.l and psqlscanslash.l) tells apart, for
 * splitting scripts the way psql does. Only what decides where a statement ends is distinguished:
 * words, `;`, parentheses, comments, the backslash forms and meta-command lines; every other
 * token (strings, quoted identifiers, dollar quotes, numbers, operators) is `other`, one token
 * per quote or character run, so a `;` inside it is never seen.
 *
 * Why not PostgreSQL's scanner (libpg-query's scanSync)? It is the server's lexer, not psql's: it
 * throws on spans the server refuses (`E'\u061'`, `2x`, `""`, `0x`) where psql just sends the
 * statement, it cannot lex with standard_conforming_strings off, and it knows nothing of psql's
 * backslash lines. The rules below are psql's; test/splitter-psql.test.ts holds them to psql.
 *
 * Offsets are UTF-16 indexes into the script, as VS Code's offsetAt counts.
 */

export type TokenKind =
  /** An identifier or keyword (psql's `{identifier}`); `word` holds it lower-cased. */
  | 'word'
  | ';'
  | '('
  | ')'
  /** `-- ...` up to the end of the line. */
  | 'line-comment'
  /** `/* ... *\/`, nested. */
  | 'block-comment'
  /** psql's `\;` or `\:`: the character goes to the server, the backslash does not. */
  | 'psql-escape'
  /** A backslash meta-command with its arguments (`\set x 1`, `\g`, `\i file`). */
  | 'meta'
  | 'other';

export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  /** Lower-cased text of a `word`; the command name of a `meta` as written (`g`, `set`, `dT`). */
  word?: string;
  /** A quote or comment still open at the end of the script (the server reads it to the end). */
  unterminated?: boolean;
}

export interface LexOptions {
  /**
   * The session's standard_conforming_strings (psql follows the server's setting): off, a
   * backslash escapes the next character in plain '' strings, as in E'' strings. Default on.
   */
  standardConformingStrings?: boolean;
}

/** Meta-commands that take the rest of the line verbatim (psql's OT_WHOLE_LINE), `\\` included. */
const WHOLE_LINE_COMMANDS = new Set(['!', 'copy', 'h', 'help', 'sf', 'sf+', 'sv', 'sv+', 'ef', 'ev']);

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
/** psql's ident_start: letters, `_` and every non-ASCII character (bytes \200-\377 in UTF-8). */
const isIdentStart = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c.charCodeAt(0) >= 0x80;
const isDigit = (c: string): boolean => c >= '0' && c <= '9';
/** psql's ident_cont: ident_start, digits and `$`. */
const isIdentCont = (c: string): boolean => isIdentStart(c) || isDigit(c) || c === '$';

/** A lexer the splitter drives token by token, so that it can skip COPY data (`skipTo`). */
export class PsqlLexer {
  private pos = 0;
  private standardStrings: boolean;
  /** A new standard_conforming_strings and the offset it applies from. */
  private pendingStandardStrings: { on: boolean; from: number } | undefined;

  constructor(
    private readonly script: string,
    options: LexOptions = {},
  ) {
    this.standardStrings = options.standardConformingStrings ?? true;
  }

  /**
   * The script changed standard_conforming_strings (SET / RESET). psql reads the setting when
   * it starts a line, so the change applies from the line after `offset`.
   */
  changeStandardStrings(on: boolean, offset: number): void {
    this.pendingStandardStrings = { on, from: this.lineEnd(offset) + 1 };
  }

  /** Continues lexing at `offset` (after COPY ... FROM STDIN data, which is not SQL). */
  skipTo(offset: number): void {
    this.pos = Math.max(this.pos, offset);
  }

  /** The next token, or undefined at the end of the script. Whitespace is skipped. */
  next(): Token | undefined {
    const s = this.script;
    while (this.pos < s.length && isSpace(s[this.pos])) this.pos += 1;
    if (this.pos >= s.length) return undefined;
    if (this.pendingStandardStrings && this.pos >= this.pendingStandardStrings.from) {
      this.standardStrings = this.pendingStandardStrings.on;
      this.pendingStandardStrings = undefined;
    }
    const start = this.pos;
    const c = s[start];
    const c2 = s[start + 1] ?? '';

    if (c === '-' && c2 === '-') return this.take('line-comment', start, this.lineEnd(start));
    if (c === '/' && c2 === '*') return this.blockComment(start);
    if (c === ';' || c === '(' || c === ')') return this.take(c, start, start + 1);
    if (c === '\\') return this.backslash(start);
    if (c === "'") return this.quoted(start, start + 1, this.standardStrings ? 'standard' : 'escape');
    if (c === '"') return this.identifier(start, start + 1);
    if (c === '$') return this.dollar(start);

    const lower = c.toLowerCase();
    if (c2 === "'") {
      // E'..' escape strings, B'..' and X'..' bit strings, N'..' national strings (a plain string).
      if (lower === 'e') return this.quoted(start, start + 2, 'escape');
      if (lower === 'b' || lower === 'x') return this.quoted(start, start + 2, 'bits');
      if (lower === 'n') return this.quoted(start, start + 2, this.standardStrings ? 'standard' : 'escape');
    }
    if (lower === 'u' && c2 === '&') {
      // U&'..' has no backslash escapes whatever the setting; U&".." is a quoted identifier.
      if (s[start + 2] === "'") return this.quoted(start, start + 3, 'standard');
      if (s[start + 2] === '"') return this.identifier(start, start + 3);
    }
    if (isIdentStart(c)) {
      let end = start + 1;
      while (end < s.length && isIdentCont(s[end])) end += 1;
      return { kind: 'word', start, end: (this.pos = end), word: s.slice(start, end).toLowerCase() };
    }
    if (isDigit(c)) {
      // A number, and (from PostgreSQL 15) the "trailing junk" glued to it (`2x`, `0x`): one
      // token, so a quote right after it (`1e'x'`) is a plain string, not an E'' prefix.
      let end = start + 1;
      while (end < s.length && (isDigit(s[end]) || s[end] === '.' || s[end] === '_')) end += 1;
      if (end < s.length && isIdentStart(s[end])) while (end < s.length && isIdentCont(s[end])) end += 1;
      return this.take('other', start, end);
    }
    return this.take('other', start, start + 1);
  }

  private take(kind: TokenKind, start: number, end: number, unterminated = false): Token {
    this.pos = end;
    return unterminated ? { kind, start, end, unterminated } : { kind, start, end };
  }

  /** Offset of the end of the line holding `from` (the newline itself is not included). */
  private lineEnd(from: number): number {
    const s = this.script;
    let end = from;
    while (end < s.length && s[end] !== '\n' && s[end] !== '\r') end += 1;
    return end;
  }

  private blockComment(start: number): Token {
    const s = this.script;
    let depth = 0;
    let i = start;
    while (i < s.length) {
      if (s[i] === '/' && s[i + 1] === '*') {
        depth += 1;
        i += 2;
      } else if (s[i] === '*' && s[i + 1] === '/') {
        depth -= 1;
        i += 2;
        if (depth === 0) return this.take('block-comment', start, i);
      } else i += 1;
    }
    return this.take('block-comment', start, s.length, true);
  }

  /**
   * A string from `bodyStart` (just past the opening quote). `''` is a quote in every kind but
   * bit strings; in escape strings a backslash also takes the next character. psql lexes line by
   * line and never sees SQL's string continuation (`'a'` newline `'b'`): a closing quote ends the
   * string, and so it does here (the server may then read the script differently; psql decides
   * what is sent).
   */
  private quoted(start: number, bodyStart: number, kind: 'standard' | 'escape' | 'bits'): Token {
    const s = this.script;
    let i = bodyStart;
    while (i < s.length) {
      const c = s[i];
      if (c === '\\' && kind === 'escape') i += 2;
      else if (c === "'" && s[i + 1] === "'" && kind !== 'bits') i += 2;
      else if (c === "'") return this.take('other', start, i + 1);
      else i += 1;
    }
    return this.take('other', start, s.length, true);
  }

  /** A quoted identifier: `""` is a quote inside it. */
  private identifier(start: number, bodyStart: number): Token {
    const s = this.script;
    let i = bodyStart;
    while (i < s.length) {
      if (s[i] === '"' && s[i + 1] === '"') i += 2;
      else if (s[i] === '"') return this.take('other', start, i + 1);
      else i += 1;
    }
    return this.take('other', start, s.length, true);
  }

  /**
   * `$tag$ ... $tag$` (tag optional: letters, digits not first, `_`, non-ASCII) runs to the
   * first identical delimiter. `$1` is a parameter and a lone `$` an ordinary character.
   */
  private dollar(start: number): Token {
    const s = this.script;
    let i = start + 1;
    if (i < s.length && isIdentStart(s[i])) {
      i += 1;
      while (i < s.length && (isIdentStart(s[i]) || isDigit(s[i]))) i += 1;
    }
    if (s[i] !== '$') {
      if (i === start + 1 && isDigit(s[i] ?? '')) {
        while (i < s.length && isDigit(s[i])) i += 1;
        return this.take('other', start, i);
      }
      return this.take('other', start, start + 1);
    }
    const delimiter = s.slice(start, i + 1);
    const close = s.indexOf(delimiter, i + 1);
    if (close < 0) return this.take('other', start, s.length, true);
    return this.take('other', start, close + delimiter.length);
  }

  /**
   * A backslash outside quotes: `\;` and `\:` put the character into the query; anything else
   * is a meta-command. Its name runs to whitespace or the next backslash (`\\` is the command
   * named `\`, which psql rejects, throwing the rest of the line away). Its arguments run to the
   * end of the line, except that an unquoted `\\` ends them and SQL goes on after it (psql's
   * "\set x 1 \\ select 1;"). Quotes in arguments ('..' with backslash escapes, "..", `..`)
   * hide a `\\`.
   */
  private backslash(start: number): Token {
    const s = this.script;
    const next = s[start + 1] ?? '';
    if (next === ';' || next === ':') return this.take('psql-escape', start, start + 2);
    let nameEnd = Math.min(start + 2, s.length);
    if (next !== '\\') while (nameEnd < s.length && !isSpace(s[nameEnd]) && s[nameEnd] !== '\\') nameEnd += 1;
    const name = s.slice(start + 1, nameEnd);
    const lineEnd = this.lineEnd(start);
    const token = (end: number): Token => {
      this.pos = end;
      return { kind: 'meta', start, end, word: name };
    };
    if (name === '\\' || name === '' || WHOLE_LINE_COMMANDS.has(name)) return token(lineEnd);
    let i = nameEnd;
    while (i < lineEnd) {
      const c = s[i];
      if (c === '\\' && s[i + 1] === '\\') return token(i + 2);
      if (c === "'" || c === '"' || c === '`') {
        i += 1;
        while (i < lineEnd && s[i] !== c) i += c === "'" && s[i] === '\\' ? 2 : 1;
      }
      i += 1;
    }
    return token(lineEnd);
  }
}
