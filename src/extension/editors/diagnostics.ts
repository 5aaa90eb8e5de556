/**
 * Server errors as editor diagnostics: the error's position (1-based, in characters of the
 * statement that was sent) is mapped through the statement's offset in the document.
 */
import * as vscode from 'vscode';
import type { PgError } from '../../pool';
import { positionToOffset } from '../sql/splitter';

export interface SentStatement {
  text: string;
  /** Offset of `text` in the document. */
  start: number;
}

export function diagnosticFor(document: vscode.TextDocument, statement: SentStatement, error: PgError): vscode.Diagnostic {
  let range: vscode.Range;
  if (error.position !== undefined && error.position > 0) {
    const at = document.positionAt(statement.start + positionToOffset(statement.text, error.position));
    range = document.getWordRangeAtPosition(at, /[\w$]+|"[^"]*"|'[^']*'|\S/) ?? new vscode.Range(at, at.translate(0, 1));
  } else {
    // No position: underline the statement's first line.
    const first = document.positionAt(statement.start);
    const lineEnd = document.lineAt(first.line).range.end;
    const statementEnd = document.positionAt(statement.start + statement.text.length);
    range = new vscode.Range(first, statementEnd.isBefore(lineEnd) ? statementEnd : lineEnd);
  }
  const parts = [error.message];
  if (error.detail) parts.push(`DETAIL: ${error.detail}`);
  if (error.hint) parts.push(`HINT: ${error.hint}`);
  const diagnostic = new vscode.Diagnostic(range, parts.join('\n'), vscode.DiagnosticSeverity.Error);
  diagnostic.source = 'PostgreSQL';
  if (error.code) diagnostic.code = error.code;
  return diagnostic;
}
