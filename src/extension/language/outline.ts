/**
 * The outline (document symbols) of a SQL document: one entry per statement, named by its first
 * line and kinded by what it does, so a long script can be navigated from the Outline view and
 * breadcrumbs.
 */
import * as vscode from 'vscode';
import { scannerLoaded } from '../sql/scanner';
import { isLarge, statementsOf } from './documents';

const KIND: [RegExp, vscode.SymbolKind][] = [
  [/^(create|alter)\s+(or\s+replace\s+)?(function|procedure)/i, vscode.SymbolKind.Function],
  [/^(create|alter|drop)\s/i, vscode.SymbolKind.Class],
  [/^(insert|update|delete|merge|copy|truncate)\b/i, vscode.SymbolKind.Event],
  [/^(select|with|values|table|explain)\b/i, vscode.SymbolKind.Field],
];

export class SqlOutlineProvider implements vscode.DocumentSymbolProvider {
  provideDocumentSymbols(document: vscode.TextDocument): vscode.DocumentSymbol[] {
    // A large document (a dump) would be split whole on every edit: no outline for it.
    if (!scannerLoaded() || isLarge(document)) return [];
    return statementsOf(document).map((s) => {
      const firstLine = s.text.split('\n')[0].trim();
      const name = firstLine.length > 80 ? `${firstLine.slice(0, 79)}…` : firstLine;
      const kind = KIND.find(([re]) => re.test(s.text))?.[1] ?? vscode.SymbolKind.Object;
      const range = new vscode.Range(document.positionAt(s.start), document.positionAt(s.endWithTerminator));
      const selection = new vscode.Range(range.start, document.positionAt(s.start + s.text.split('\n')[0].length));
      return new vscode.DocumentSymbol(name || 'statement', '', kind, range, selection);
    });
  }
}
