/**
 * A document's statements for the language features: split once per document version by the
 * scanner-based splitter, with psql meta-command lines (`\set`, `\d`, `\i`) blanked first so they
 * are neither statements nor errors. Blanking keeps every offset where it was.
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
