/**
 * The SQL editor's language features, registered for `sql` documents: completion (triggered on
 * `.` and as you type), hover, signature help, syntax errors as you type, the server check (Parse only), the outline, go to
 * definition (DDL), Format Document, and the state they share. Nothing here loads a catalog on activation:
 * the first request for a document with an open pool does.
 */
import * as vscode from 'vscode';
import type { Connections } from '../connections/connections';
import type { DocumentBindings } from '../editors/bindings';
import type { RunReport } from '../editors/runner';
import type { EditorSessions } from '../editors/sessions';
import { SqlCompletionProvider } from './completion-provider';
import { SqlHoverProvider, SqlSignatureHelpProvider } from './hover-provider';
import { DDL_SCHEME, DdlContentProvider, SqlDefinitionProvider } from './definition';
import { SqlFormatProvider } from './format-provider';
import { SqlOutlineProvider } from './outline';
import { ServerCheck } from './server-check';
import { LanguageState } from './state';
import { SyntaxDiagnostics } from './syntax-diagnostics';

const SQL: vscode.DocumentSelector = [{ language: 'sql' }];

export interface LanguageDeps {
  sessions: EditorSessions;
  bindings: DocumentBindings;
  connections: Connections;
  onDidRun: vscode.Event<RunReport>;
  /** The tree's Refresh: the completion catalog of those databases is loaded again too. */
  onDidRefreshTree?: vscode.Event<{ profileId?: string; database?: string }>;
  log: vscode.LogOutputChannel;
}

export function registerLanguageFeatures(deps: LanguageDeps): vscode.Disposable[] {
  const state = new LanguageState(deps.sessions, deps.bindings, deps.connections, deps.onDidRun, deps.log);
  const refreshing = deps.onDidRefreshTree?.((which) => state.forgetCatalogs(which));
  const serverCheck = new ServerCheck(state);
  const formatter = new SqlFormatProvider();
  return [
    state,
    ...(refreshing ? [refreshing] : []),
    vscode.languages.registerCompletionItemProvider(SQL, new SqlCompletionProvider(state), '.', '"'),
    vscode.languages.registerHoverProvider(SQL, new SqlHoverProvider(state)),
    vscode.languages.registerSignatureHelpProvider(SQL, new SqlSignatureHelpProvider(state), { triggerCharacters: ['(', ','], retriggerCharacters: [','] }),
    vscode.languages.registerDocumentSymbolProvider(SQL, new SqlOutlineProvider()),
    vscode.languages.registerDocumentFormattingEditProvider(SQL, formatter),
    vscode.languages.registerDocumentRangeFormattingEditProvider(SQL, formatter),
    vscode.languages.registerDefinitionProvider(SQL, new SqlDefinitionProvider(state)),
    vscode.workspace.registerTextDocumentContentProvider(DDL_SCHEME, new DdlContentProvider(state)),
    new SyntaxDiagnostics(state, serverCheck),
    serverCheck,
  ];
}
