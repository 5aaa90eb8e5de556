/** Commands of SQL editors: run, run all, cancel, commit / rollback, change connection, history. */
import * as vscode from 'vscode';
import type { Connections } from '../connections/connections';
import { pickHistoryEntry } from '../history/history';
import type { QueryHistory } from '../history/history';
import type { ProfileStore } from '../profiles/store';
import type { DocumentBindings } from './bindings';
import { chooseBinding } from './runner';
import type { SqlRunner } from './runner';
import type { EditorSessions } from './sessions';

export function registerEditorCommands(
  store: ProfileStore,
  connections: Connections,
  bindings: DocumentBindings,
  sessions: EditorSessions,
  runner: SqlRunner,
  history: QueryHistory,
): vscode.Disposable[] {
  /** The editor a command acts on: the given document's visible editor, else the active SQL editor. */
  const editorFor = (uri?: vscode.Uri): vscode.TextEditor | undefined => {
    if (uri instanceof vscode.Uri) return vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
    const active = vscode.window.activeTextEditor;
    return active?.document.languageId === 'sql' ? active : undefined;
  };
  const documentUri = (uri?: vscode.Uri): vscode.Uri | undefined => (uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri);

  return [
    vscode.commands.registerCommand('pgExplorer.runStatement', (uri?: vscode.Uri) => {
      const editor = editorFor(uri);
      return editor ? runner.runCurrent(editor) : undefined;
    }),
    vscode.commands.registerCommand('pgExplorer.runAll', (uri?: vscode.Uri) => {
      const editor = editorFor(uri);
      return editor ? runner.runAll(editor.document) : undefined;
    }),
    vscode.commands.registerCommand('pgExplorer.cancelQuery', (uri?: vscode.Uri) => {
      const target = documentUri(uri);
      return target ? runner.cancel(target) : false;
    }),
    vscode.commands.registerCommand('pgExplorer.commit', (uri?: vscode.Uri) => {
      const target = documentUri(uri);
      return target ? runner.endTransaction(target, 'COMMIT') : undefined;
    }),
    vscode.commands.registerCommand('pgExplorer.rollback', (uri?: vscode.Uri) => {
      const target = documentUri(uri);
      return target ? runner.endTransaction(target, 'ROLLBACK') : undefined;
    }),
    vscode.commands.registerCommand('pgExplorer.transactionActions', async (uri?: vscode.Uri) => {
      const target = documentUri(uri);
      const session = target ? sessions.get(target) : undefined;
      if (!target || !session) return;
      const items = session.txStatus === 'failed' ? ['Rollback'] : ['Commit', 'Rollback'];
      const picked = await vscode.window.showQuickPick(items, { placeHolder: session.txStatus === 'failed' ? 'The transaction failed' : 'A transaction is open' });
      if (picked) await runner.endTransaction(target, picked === 'Commit' ? 'COMMIT' : 'ROLLBACK');
    }),
    vscode.commands.registerCommand('pgExplorer.changeConnection', async (uri?: vscode.Uri) => {
      const target = documentUri(uri);
      if (target) await chooseBinding(store, connections, bindings, target);
    }),
    vscode.commands.registerCommand('pgExplorer.showHistory', async (arg?: string | { profileId: string }) => {
      let profileId = typeof arg === 'string' ? arg : arg?.profileId;
      const active = vscode.window.activeTextEditor;
      profileId ??= active ? bindings.get(active.document.uri)?.profileId : undefined;
      if (!profileId) {
        const picked = await vscode.window.showQuickPick(store.list().map((p) => ({ label: p.name, id: p.id })), { placeHolder: 'History of which connection?' });
        profileId = picked?.id;
      }
      const profile = profileId ? store.get(profileId) : undefined;
      if (!profile) return;
      const entry = await pickHistoryEntry(history, profile.id, profile.name);
      if (!entry) return;
      const document = await vscode.workspace.openTextDocument({ language: 'sql', content: entry.sql });
      await bindings.set(document.uri, { profileId: profile.id, database: entry.database });
      await vscode.window.showTextDocument(document, { preview: false });
    }),
  ];
}
