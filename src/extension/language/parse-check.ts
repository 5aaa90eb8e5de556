/**
 * Syntax errors of a script from PostgreSQL's own parser (libpg-query's parseSync), one per
 * statement that does not parse, at the position the parser names. No VS Code: the diagnostics
 * provider, its tests and the bench call it alike.
 *
 * The script is split (psql's lexer, fast) and each statement parsed alone, so every error shows,
 * not only the first. The verdict is remembered per statement text, so a pass after an edit parses
 * only the statements the edit changed: parsing 5,000 lines whole took ~107 ms a pass, over the
 * 50 ms a pass may take while the user types.
 */
import { parseSync } from '../sql/scanner';
import { positionToOffset, splitStatements } from '../sql/splitter';
import { maskMetaCommands } from './documents';

export interface SyntaxProblem {
  message: string;
  /** UTF-16 offset of the error in the script. */
  offset: number;
  /** Offsets of the statement it is in. */
  statementStart: number;
  statementEnd: number;
}

interface ParseFailure {
  message?: string;
  sqlDetails?: { message?: string; cursorPosition?: number };
}

/** The parser's verdict on one text: undefined when it parses, else its message and local offset. */
function verdict(text: string): { message: string; offset: number } | undefined {
  try {
    parseSync(text);
    return undefined;
  } catch (err) {
    const failure = err as ParseFailure;
    const message = shortNear(failure.sqlDetails?.message ?? failure.message ?? 'syntax error');
    const at = failure.sqlDetails?.cursorPosition;
    // The parser's position counts code points from 0; "at end of input" errors point past the text.
    return { message, offset: at === undefined ? 0 : positionToOffset(text, at + 1) };
  }
}

/**
 * An unterminated quote or comment makes the parser quote the whole rest of the script after
 * "at or near": keep its first line, shortened, so the message stays one readable line.
 */
function shortNear(message: string): string {
  return message.replace(/ at or near "([\s\S]*)"$/, (all, near: string) => {
    const first = near.split('\n')[0];
    return first.length > 40 || first !== near ? ` at or near "${first.slice(0, 40)}…"` : all;
  });
}

/** Verdicts per statement text, kept between passes (bounded). */
export class SyntaxChecker {
  private known = new Map<string, { message: string; offset: number } | null>();

  problems(script: string): SyntaxProblem[] {
    const pass = this.pass(script);
    for (;;) {
      const step = pass.next();
      if (step.done) return step.value;
    }
  }

  /**
   * The same pass in slices of at most `sliceMs` of parsing, yielding to the event loop between
   * them, so a first pass over a long script never holds up the extension host; undefined when
   * `current()` says a newer pass made this one moot. Verdicts found so far are kept either way.
   */
  async problemsInSlices(script: string, current: () => boolean, sliceMs = 15): Promise<SyntaxProblem[] | undefined> {
    const pass = this.pass(script);
    let deadline = performance.now() + sliceMs;
    for (;;) {
      const step = pass.next();
      if (step.done) return step.value;
      if (performance.now() < deadline) continue;
      await new Promise((resolve) => setImmediate(resolve));
      if (!current()) return undefined;
      deadline = performance.now() + sliceMs;
    }
  }

  /** Yields after each statement it had to parse. */
  private *pass(script: string): Generator<void, SyntaxProblem[]> {
    const masked = maskMetaCommands(script);
    if (masked.trim() === '') return [];
    const next = new Map<string, { message: string; offset: number } | null>();
    const problems: SyntaxProblem[] = [];
    for (const statement of splitStatements(masked)) {
      let found = this.known.get(statement.text);
      if (found === undefined) {
        found = verdict(statement.text) ?? null;
        this.known.set(statement.text, found);
        yield;
      }
      next.set(statement.text, found);
      if (found) problems.push({ message: found.message, offset: statement.start + found.offset, statementStart: statement.start, statementEnd: statement.end });
    }
    this.known = next;
    return problems;
  }
}

export function syntaxProblems(script: string): SyntaxProblem[] {
  return new SyntaxChecker().problems(script);
}
