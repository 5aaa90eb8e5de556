/**
 * Splits a SQL script into what psql would send, statement by statement, and the psql
 * meta-commands it holds (which PG Explorer does not run and reports as skipped).
 *
 * psql's rules (src/bin/psql/mainloop.c and psqlscan.l), on the tokens of ./psql-lexer.ts:
 * - `;` ends a statement, except inside parentheses (CREATE RULE ... DO (a; b)) and inside the
 *   BEGIN ... END of a CREATE FUNCTION / PROCEDURE body (BEGIN ATOMIC; CASE ... END counts);
 * - `\;` puts a `;` into the query without ending it: the statements are sent as one string;
 * - `\g` (and `\gx`, `\gset`, ...) ends the statement like `;`, and on its own line sends the
 *   previous statement again; `\r` throws the statement away;
 * - other meta-command lines are not part of the statement around them;
 * - leading whitespace and `--` comments are not sent; a leading `/* *\/` comment is (so
 *   pg_hint_plan's hints reach the server);
 * - COPY ... FROM STDIN (and `\copy ... from stdin`) takes the lines after it up to `\.` as data;
 * - `SET standard_conforming_strings` and its RESET change how the lines after it are lexed, as
 *   psql follows the server's setting (pg_dump writes such a SET at the top of every dump);
 * - at the end of the script, whatever was collected is sent, unterminated quote and all (the
 *   server then reports it).
 *
 * Offsets are UTF-16 indexes into the script (what VS Code's offsetAt uses).
 */
import { metaEffect, skippedNote } from './meta-commands';
import { PsqlLexer } from './psql-lexer';
import type { LexOptions, Token } from './psql-lexer';

export type SplitOptions = LexOptions;

interface Span {
  /** Offset of `text` in the script. */
  start: number;
  /** Offset just past `text`. */
  end: number;
}

/** A statement as psql would send it. */
export interface SqlStatement extends Span {
  kind: 'statement';
  /**
   * The text psql sends, without its terminator: from the first token that is not a `--`
   * comment to the last one. Offsets in it are offsets from `start` in the script: the meta-command
   * lines inside it are blanked to spaces and `\;` reads ` ;`, so a server error position maps
   * straight back to the script.
   */
  text: string;
  /** Offset just past the terminator (`;`, `\g ...`, COPY data), or `end` when it has none. */
  endWithTerminator: number;
  /** Where the whole statement starts, its leading `--` comments included (for the cursor). */
  spanStart: number;
  /**
   * For `a \; b`: the statements of the one query string, each with its own text and offset.
   * The pool runs one statement per call, so the runner sends them in turn.
   */
  parts?: StatementPart[];
  /** COPY ... FROM STDIN: the data lines that follow it in the script, `\.` included. */
  copyData?: Span;
}

export interface StatementPart extends Span {
  text: string;
}

/** A psql meta-command: not sent to the server, reported as skipped. */
export interface SkippedCommand extends Span {
  kind: 'skipped';
  /** The meta-command as written, e.g. `\set`. */
  command: string;
  /** The meta-command line as written (arguments included). */
  text: string;
  endWithTerminator: number;
  /** Where the cursor maps to this entry: for `\r` and `\gdesc`, from the statement it discards. */
  spanStart: number;
  /** What the run reports in Messages. */
  note: string;
}

export type ScriptEntry = SqlStatement | SkippedCommand;

/** psql's statement state (PsqlScanStateData): parenthesis depth, BEGIN depth, first words. */
class StatementState {
  tokens: Token[] = [];
  /** Meta-command lines inside the statement: not part of what is sent. */
  blanks: Token[] = [];
  /** Indexes in `tokens` of the `\;` that separate the statements of one query string. */
  splits: number[] = [];
  parens = 0;
  begins = 0;
  private firstLetters: (string | undefined)[] = [];
  private words = 0;

  /**
   * psql's heuristic for SQL-standard routine bodies: in a statement starting CREATE [OR
   * REPLACE] FUNCTION|PROCEDURE, outside parentheses, BEGIN opens a block, CASE opens one inside
   * a block, END closes one; `;` inside a block does not end the statement.
   */
  word(word: string): void {
    if (this.words === 0) this.firstLetters = [];
    if (['create', 'function', 'procedure', 'or', 'replace'].includes(word) && this.words < 4) this.firstLetters[this.words] = word[0];
    this.words += 1;
    const [a, b, c, d] = this.firstLetters;
    const routine = a === 'c' && (b === 'f' || b === 'p' || (b === 'o' && c === 'r' && (d === 'f' || d === 'p')));
    if (!routine || this.parens > 0) return;
    if (word === 'begin') this.begins += 1;
    else if (word === 'case' && this.begins > 0) this.begins += 1;
    else if (word === 'end' && this.begins > 0) this.begins -= 1;
  }

  /** `\;` starts psql's first-word tracking afresh (a terminating `;` starts a new state). */
  restartWords(): void {
    this.words = 0;
  }

  get atTopLevel(): boolean {
    return this.parens === 0 && this.begins === 0;
  }
}

export function splitScript(script: string, options: SplitOptions = {}): ScriptEntry[] {
  const lexer = new PsqlLexer(script, options);
  const entries: ScriptEntry[] = [];
  let state = new StatementState();
  let lastSent: SqlStatement | undefined;
  const initialStandardStrings = options.standardConformingStrings ?? true;

  const skipped = (token: Token, spanStart = token.start): SkippedCommand => {
    const command = `\\${token.word ?? ''}`;
    const entry: SkippedCommand = {
      kind: 'skipped',
      command,
      text: script.slice(token.start, token.end).trimEnd(),
      start: token.start,
      end: token.end,
      endWithTerminator: token.end,
      spanStart,
      note: skippedNote(token.word ?? ''),
    };
    entries.push(entry);
    return entry;
  };

  /** Ends the statement collected so far (psql sends it, unless it holds nothing but comments). */
  const flush = (terminatorEnd: number | undefined): SqlStatement | undefined => {
    const { tokens, blanks, splits } = state;
    state = new StatementState();
    const whole = assemble(script, tokens, blanks);
    if (!whole) return undefined;
    const statement: SqlStatement = {
      kind: 'statement',
      ...whole,
      endWithTerminator: terminatorEnd ?? whole.end,
      spanStart: tokens[0].start,
    };
    if (splits.length > 0) {
      const bounds = [-1, ...splits, tokens.length];
      statement.parts = bounds
        .slice(1)
        .map((end, i) => assemble(script, tokens.slice(bounds[i] + 1, end), blanks))
        .filter((part): part is StatementPart => part !== undefined);
    }
    entries.push(statement);
    lastSent = statement;
    const setting = standardStringsSet(statement.text);
    if (setting !== undefined) lexer.changeStandardStrings(setting === 'reset' ? initialStandardStrings : setting, statement.end);
    return statement;
  };

  /** `\g` with nothing collected: psql sends the most recent statement again. */
  const sendAgain = (): SqlStatement | undefined => {
    if (!lastSent) return undefined;
    const again = { ...lastSent };
    entries.push(again);
    return again;
  };

  /** COPY data follows a COPY ... FROM STDIN: up to a `\.` line, not lexed as SQL. */
  const skipCopyData = (after: number, holder: { endWithTerminator: number; copyData?: Span }): void => {
    const data = copyDataAfter(script, after);
    if (!data) return;
    holder.copyData = data;
    holder.endWithTerminator = data.end;
    lexer.skipTo(data.end);
  };

  for (let token = lexer.next(); token; token = lexer.next()) {
    if (token.kind === 'meta') {
      const name = token.word ?? '';
      const effect = metaEffect(name);
      if (effect === 'send' || effect === 'send-then-skip') {
        const statement = flush(token.end) ?? sendAgain();
        if (effect === 'send-then-skip') skipped(token);
        if (statement && isCopyFromStdin(statement.text)) skipCopyData(token.end, statement);
      } else if (effect === 'discard') {
        const spanStart = state.tokens[0]?.start ?? token.start;
        state = new StatementState();
        skipped(token, spanStart);
      } else {
        const entry = skipped(token);
        if (state.tokens.length > 0) state.blanks.push(token);
        if (name === 'copy' && /\bfrom\s+stdin\b/i.test(entry.text)) skipCopyData(token.end, entry);
      }
      continue;
    }
    if (token.kind === ';' && state.atTopLevel) {
      const statement = flush(token.end);
      if (statement && isCopyFromStdin(statement.text)) skipCopyData(token.end, statement);
      continue;
    }
    if (token.kind === 'psql-escape' && script[token.start + 1] === ';') {
      state.restartWords();
      if (state.atTopLevel) state.splits.push(state.tokens.length);
    } else if (token.kind === '(') state.parens += 1;
    else if (token.kind === ')') state.parens = Math.max(0, state.parens - 1);
    else if (token.kind === 'word' && token.word) state.word(token.word);
    state.tokens.push(token);
  }
  flush(undefined);
  return entries;
}

/** Only the statements of a script, in order (meta-commands left out). */
export function splitStatements(script: string, options: SplitOptions = {}): SqlStatement[] {
  return splitScript(script, options).filter((e): e is SqlStatement => e.kind === 'statement');
}

/**
 * The text of some tokens as sent: from the first token that is not a `--` comment to the last,
 * with meta-command lines blanked and `\;` / `\:` as ` ;` / ` :` (same length, so offsets hold).
 * Undefined when the tokens hold nothing but (closed) comments and `\;`: psql would send a
 * comment-only query, which does nothing.
 */
function assemble(script: string, tokens: readonly Token[], blanks: readonly Token[]): StatementPart | undefined {
  // An unterminated comment counts: psql sends it, and the server says what is wrong.
  const hasBody = tokens.some(
    (t) => t.unterminated || (t.kind !== 'line-comment' && t.kind !== 'block-comment' && !(t.kind === 'psql-escape' && script[t.start + 1] === ';')),
  );
  if (!hasBody) return undefined;
  const first = tokens.findIndex((t) => t.kind !== 'line-comment');
  const start = tokens[first].start;
  const end = tokens[tokens.length - 1].end;
  const escapes = tokens.filter((t) => t.kind === 'psql-escape' && t.start >= start);
  const inside = blanks.filter((b) => b.end > start && b.start < end);
  if (escapes.length === 0 && inside.length === 0) return { text: script.slice(start, end), start, end };
  const chars = script.slice(start, end).split('');
  for (const t of escapes) chars[t.start - start] = ' ';
  for (const b of inside) {
    for (let i = Math.max(b.start, start); i < Math.min(b.end, end); i += 1) if (chars[i - start] !== '\n') chars[i - start] = ' ';
  }
  return { text: chars.join(''), start, end };
}

/**
 * What a statement does to standard_conforming_strings: `SET [SESSION] ... = on|off` (and TO,
 * quoted, true/false, yes/no, 1/0), `RESET` of it or of ALL, `SET ... TO DEFAULT`. SET LOCAL
 * (undone at the end of the transaction) is left alone.
 */
function standardStringsSet(text: string): boolean | 'reset' | undefined {
  const flat = text.replace(/\s+/g, ' ').trim().toLowerCase();
  if (/^reset (all|standard_conforming_strings)$/.test(flat)) return 'reset';
  const value = /^set (?:session )?standard_conforming_strings ?(?:=|to) ?'?([a-z0-9]+)'?$/.exec(flat)?.[1];
  if (value === undefined) return undefined;
  if (value === 'default') return 'reset';
  if (['on', 'true', 'yes', '1'].includes(value)) return true;
  if (['off', 'false', 'no', '0'].includes(value)) return false;
  return undefined;
}

/** COPY ... FROM STDIN, the form whose data psql reads from the script itself. */
function isCopyFromStdin(text: string): boolean {
  if (!/stdin/i.test(text)) return false;
  const lexer = new PsqlLexer(text);
  const words: string[] = [];
  for (let t = lexer.next(); t; t = lexer.next()) {
    if (t.kind === 'line-comment' || t.kind === 'block-comment') continue;
    words.push(t.kind === 'word' ? (t.word ?? '') : text.slice(t.start, t.end));
  }
  return words[0] === 'copy' && words.some((w, i) => w === 'from' && words[i + 1] === 'stdin');
}

/** The data lines after the line holding `after`, up to and including a line that is `\.`. */
function copyDataAfter(script: string, after: number): Span | undefined {
  const newline = script.indexOf('\n', after);
  if (newline < 0) return undefined;
  const start = newline + 1;
  for (let line = start; line < script.length; ) {
    const next = script.indexOf('\n', line);
    const lineEnd = next < 0 ? script.length : next;
    if (/^\\\.\r?$/.test(script.slice(line, lineEnd))) return { start, end: lineEnd };
    line = lineEnd + 1;
  }
  return { start, end: script.length };
}

/**
 * The entry to run for a cursor at `offset`: the one whose span holds it (terminator and leading
 * comments included; a meta-command inside a statement before the statement), else the last
 * one starting before it (the cursor sits after an entry), else the first.
 */
export function statementAt<T extends ScriptEntry>(entries: readonly T[], offset: number): T | undefined {
  const containing = entries.find((e) => e.spanStart <= offset && offset <= e.endWithTerminator);
  if (containing) return containing;
  const before = entries.filter((e) => e.spanStart <= offset);
  return before.length > 0 ? before[before.length - 1] : entries[0];
}

/** One call of a run: a statement to send, or a meta-command to report as skipped. */
export interface RunStep {
  text: string;
  /** Offset of `text` in the script. */
  start: number;
  /** Set when nothing is sent: the note Messages shows. */
  skipped?: string;
}

/**
 * What the runner does with entries, in order: a `\;` query string runs as its statements, one
 * call each (the pool's cursor protocol takes one statement at a time); COPY FROM STDIN with
 * data in the script is skipped (the editor cannot feed COPY data); meta-commands are skipped.
 */
export function runSteps(entries: readonly ScriptEntry[]): RunStep[] {
  return entries.flatMap((entry): RunStep[] => {
    if (entry.kind === 'skipped') return [{ text: entry.text, start: entry.start, skipped: entry.note }];
    if (entry.copyData) {
      return [{ text: entry.text, start: entry.start, skipped: 'COPY ... FROM STDIN with its data in the script skipped: PG Explorer cannot send COPY data from an editor; run the script with psql' }];
    }
    return (entry.parts ?? [entry]).map((p) => ({ text: p.text, start: p.start }));
  });
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
