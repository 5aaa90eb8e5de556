/**
 * A document's statements for the language features: split once per document version by the
 * scanner-based splitter, with psql meta-command lines (`\set`, `\d`, `\i`) blanked first so they
 * are neither statements nor errors. Blanking keeps every offset where it was.
 *
 * A large document (over LARGE_DOCUMENT_CHARS, e.g. a 10 MB dump) is never split whole on the
 * typing path: completion, hover and signature help split a window of lines around the cursor
 * (a statement longer than the window is seen from the window's start), and the syntax pass,
 * the server check and the outline leave it alone (syntax-diagnostics.ts says so in one line).
 */
import type * as vscode from 'vscode';
import { splitStatements } from '../sql/splitter';
import type { SqlStatement } from '../sql/splitter';

/** Replaces each line whose first non-blank character is a backslash by spaces of the same length. */
export function maskMetaCommands(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(/^([ \t]*\\[^\n]*)$/gm, (line) => ' '.repeat(line.length));
}

const cache = new WeakMap<vscode.TextDocument, { version: number; statements: SqlStatement[] }>();

export function statementsOf(document: vscode.TextDocument): SqlStatement[] {
  const known = cache.get(document);
  if (known && known.version === document.version) return known.statements;
  const statements = splitStatements(maskMetaCommands(document.getText()));
  cache.set(document, { version: document.version, statements });
  return statements;
}

/**
 * The statement a cursor is typing: the one containing it, or the unterminated one it follows;
 * after a `;` a new, empty statement starts. Returns its start and its text up to the cursor at least.
 */
export function statementForCursor(text: string, statements: readonly SqlStatement[], offset: number): { start: number; text: string } {
  let found: SqlStatement | undefined;
  for (const s of statements) {
    if (s.start > offset) break;
    found = s;
  }
  if (!found || (found.endWithTerminator > found.end && offset >= found.endWithTerminator)) return { start: offset, text: '' };
  return { start: found.start, text: text.slice(found.start, Math.max(offset, found.end)) };
}

/** Documents longer than this (in UTF-16 code units) are large; splitting 10 MB whole takes ~1 s here. */
export const LARGE_DOCUMENT_CHARS = 1_000_000;
/** The window of a large document split around the cursor. */
const WINDOW_BEFORE = 64_000;
const WINDOW_AFTER = 16_000;

export function documentLength(document: vscode.TextDocument): number {
  return document.offsetAt(document.lineAt(document.lineCount - 1).range.end);
}

export function isLarge(document: vscode.TextDocument): boolean {
  return documentLength(document) > LARGE_DOCUMENT_CHARS;
}

/** The statement a cursor is in (or typing), with offsets in the document, split as cheaply as the document's size allows. */
export interface CursorStatement {
  /** What statementForCursor gives: the statement being typed, at least up to the cursor. */
  start: number;
  text: string;
  /** The statement that contains the offset, terminator excluded, if any. */
  whole?: { start: number; end: number; text: string };
}

export function cursorStatement(document: vscode.TextDocument, offset: number): CursorStatement {
  let base = 0;
  let text: string;
  let statements: SqlStatement[];
  const length = documentLength(document);
  if (length <= LARGE_DOCUMENT_CHARS) {
    text = document.getText();
    statements = statementsOf(document);
  } else {
    const from = document.positionAt(Math.max(0, offset - WINDOW_BEFORE)).line;
    const to = document.positionAt(Math.min(length, offset + WINDOW_AFTER)).line + 1;
    // Built from the document's own ranges: this module stays loadable without VS Code (the tests' parse-check imports it).
    const end = to < document.lineCount ? document.lineAt(to).range.start : document.lineAt(document.lineCount - 1).range.end;
    const range = document.lineAt(from).range.with({ end });
    base = document.offsetAt(range.start);
    text = document.getText(range);
    statements = splitStatements(maskMetaCommands(text));
  }
  const local = offset - base;
  const typing = statementForCursor(text, statements, local);
  const whole = statements.find((s) => s.start <= local && local <= s.end);
  return {
    start: base + typing.start,
    text: typing.text,
    whole: whole ? { start: base + whole.start, end: base + whole.end, text: whole.text } : undefined,
  };
}
