/**
 * Format Document / Format Selection for SQL editors through format.ts (sql-formatter's
 * PostgreSQL dialect, each statement kept only if PostgreSQL's parser reads it unchanged).
 * format.ts (and sql-formatter with it) is imported on the first format, not at activation.
 */
import * as vscode from 'vscode';
import { scannerLoaded } from '../sql/scanner';

export class SqlFormatProvider implements vscode.DocumentFormattingEditProvider, vscode.DocumentRangeFormattingEditProvider {
  provideDocumentFormattingEdits(document: vscode.TextDocument, options: vscode.FormattingOptions): Promise<vscode.TextEdit[]> {
    return this.edits(document, options);
  }

  provideDocumentRangeFormattingEdits(document: vscode.TextDocument, range: vscode.Range, options: vscode.FormattingOptions): Promise<vscode.TextEdit[]> {
    const start = document.offsetAt(range.start);
    const end = document.offsetAt(range.end);
    return this.edits(document, options, (e) => e.end > start && e.start < end);
  }

  private async edits(
    document: vscode.TextDocument,
    options: vscode.FormattingOptions,
    keep: (e: { start: number; end: number }) => boolean = () => true,
  ): Promise<vscode.TextEdit[]> {
    if (!scannerLoaded()) return [];
    const { formatEdits } = await import('./format');
    const uppercase = vscode.workspace.getConfiguration('pgExplorer').get<boolean>('format.uppercaseKeywords', true);
    return formatEdits(document.getText(), { tabWidth: options.insertSpaces ? options.tabSize : 2, uppercase })
      .filter(keep)
      .map((e) => vscode.TextEdit.replace(new vscode.Range(document.positionAt(e.start), document.positionAt(e.end)), e.text));
  }
}
