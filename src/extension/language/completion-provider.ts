/**
 * The SQL editor's CompletionItemProvider: the statement under the cursor through the context
 * engine, the database's catalog as cached now (never waiting for the network: while it loads the
 * list says it is incomplete, so VS Code asks again, and an item says when the database cannot be
 * reached or is slow), and the tab's session view.
 */
import * as vscode from 'vscode';
import { scannerLoaded } from '../sql/scanner';
import { suggest } from './completion';
import type { Suggestion, SuggestionKind } from './completion';
import { contextAt } from './context';
import { cursorStatement } from './documents';
import type { LanguageState } from './state';

const KINDS: Record<SuggestionKind, vscode.CompletionItemKind> = {
  column: vscode.CompletionItemKind.Field,
  relation: vscode.CompletionItemKind.Class,
  view: vscode.CompletionItemKind.Interface,
  schema: vscode.CompletionItemKind.Module,
  function: vscode.CompletionItemKind.Function,
  type: vscode.CompletionItemKind.TypeParameter,
  keyword: vscode.CompletionItemKind.Keyword,
  cte: vscode.CompletionItemKind.Struct,
  alias: vscode.CompletionItemKind.Variable,
};

export class SqlCompletionProvider implements vscode.CompletionItemProvider {
  constructor(private readonly state: LanguageState) {}

  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionList | undefined {
    if (!scannerLoaded() || !this.state.enabled('completion')) return undefined;
    const offset = document.offsetAt(position);
    const statement = cursorStatement(document, offset);
    const context = contextAt(statement.text, offset - statement.start);
    const { index, session, loading, notice } = this.state.catalogFor(document.uri);
    const start = document.positionAt(statement.start + context.prefixStart);
    const range = new vscode.Range(start, position);
    const items = suggest(context, index, session).map((s) => toItem(s, range));
    if (notice && context.kind !== 'none') items.push(noticeItem(notice, context.prefix, range));
    // Pending schema details (a large catalog) make the list incomplete: the next keystroke asks again.
    return new vscode.CompletionList(items, loading || (index?.pending ?? false));
  }
}

/**
 * Why names are missing (not connected, a slow server), as the last item of the list: it matches
 * whatever was typed and inserts it unchanged, so choosing it by accident changes nothing.
 */
function noticeItem(notice: string, prefix: string, range: vscode.Range): vscode.CompletionItem {
  const item = new vscode.CompletionItem(notice.startsWith('Not connected') ? 'PG Explorer: not connected' : 'PG Explorer: catalog loading…', vscode.CompletionItemKind.Issue);
  item.detail = notice;
  item.documentation = notice;
  item.insertText = prefix;
  item.filterText = prefix;
  item.range = range;
  item.sortText = '~';
  return item;
}

function toItem(s: Suggestion, range: vscode.Range): vscode.CompletionItem {
  const item = new vscode.CompletionItem(s.label, KINDS[s.kind]);
  item.insertText = s.insertText;
  item.filterText = s.insertText;
  item.range = range;
  item.sortText = `${s.sortText}${s.label}`;
  if (s.detail) item.detail = s.detail;
  if (s.documentation) item.documentation = s.documentation;
  return item;
}
