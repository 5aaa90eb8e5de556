/**
 * The status bar of the active SQL editor: its connection (click to change it, marked with the
 * profile's colour), and its session's transaction state with Commit and Rollback.
 */
import * as vscode from 'vscode';
import { themeColorId } from '../profiles/profile';
import type { ProfileStore } from '../profiles/store';
import type { DocumentBindings } from './bindings';
import type { EditorSessions } from './sessions';

export class EditorStatus implements vscode.Disposable {
  private readonly connection = vscode.window.createStatusBarItem('pgExplorer.connection', vscode.StatusBarAlignment.Left, 100);
  private readonly transaction = vscode.window.createStatusBarItem('pgExplorer.transaction', vscode.StatusBarAlignment.Left, 99);
  private readonly commit = vscode.window.createStatusBarItem('pgExplorer.commit', vscode.StatusBarAlignment.Left, 98);
  private readonly rollback = vscode.window.createStatusBarItem('pgExplorer.rollback', vscode.StatusBarAlignment.Left, 97);
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly store: ProfileStore,
    private readonly bindings: DocumentBindings,
    private readonly sessions: EditorSessions,
  ) {
    this.connection.name = 'PG Explorer: connection';
    this.connection.command = 'pgExplorer.changeConnection';
    this.transaction.name = 'PG Explorer: transaction';
    this.commit.name = 'PG Explorer: commit';
    this.commit.text = '$(check) Commit';
    this.commit.command = 'pgExplorer.commit';
    this.commit.tooltip = 'COMMIT the open transaction of this editor';
    this.rollback.name = 'PG Explorer: rollback';
    this.rollback.text = '$(discard) Rollback';
    this.rollback.command = 'pgExplorer.rollback';
    this.rollback.tooltip = 'ROLLBACK the open transaction of this editor';
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh()),
      bindings.onDidChange(() => this.refresh()),
      sessions.onDidChange(() => this.refresh()),
      store.onDidChange(() => this.refresh()),
    );
    this.refresh();
  }

  refresh(): void {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'sql') {
      for (const item of [this.connection, this.transaction, this.commit, this.rollback]) item.hide();
      return;
    }
    const uri = editor.document.uri;
    const binding = this.bindings.get(uri);
    const profile = binding ? this.store.get(binding.profileId) : undefined;
    if (binding && profile) {
      this.connection.text = `${profile.readOnly ? '$(lock)' : '$(database)'} ${profile.name}/${binding.database}`;
      this.connection.tooltip = `This editor runs on ${profile.name}, database ${binding.database}${profile.readOnly ? ' (read-only)' : ''}. Click to change.`;
      this.connection.color = profile.color ? new vscode.ThemeColor(themeColorId(profile.color)) : undefined;
    } else {
      this.connection.text = '$(plug) Choose PostgreSQL connection';
      this.connection.tooltip = 'Bind this editor to a connection and database';
      this.connection.color = undefined;
    }
    this.connection.show();

    const session = this.sessions.get(uri);
    if (!session) {
      this.transaction.hide();
      this.commit.hide();
      this.rollback.hide();
      return;
    }
    if (session.running) {
      this.transaction.text = '$(sync~spin) Running… $(debug-stop)';
      this.transaction.tooltip = 'A statement is running in this editor. Click to cancel it.';
      this.transaction.command = 'pgExplorer.cancelQuery';
      this.transaction.backgroundColor = undefined;
    } else if (session.txStatus === 'inTransaction') {
      this.transaction.text = '$(git-commit) In transaction';
      this.transaction.tooltip = 'A transaction is open in this editor: commit or roll it back.';
      this.transaction.command = 'pgExplorer.transactionActions';
      this.transaction.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else if (session.txStatus === 'failed') {
      this.transaction.text = '$(error) Transaction failed';
      this.transaction.tooltip = 'The transaction of this editor failed: roll it back to continue.';
      this.transaction.command = 'pgExplorer.transactionActions';
      this.transaction.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else {
      this.transaction.text = '$(circle-outline) Idle';
      this.transaction.tooltip = 'No transaction is open in this editor (each statement commits on its own).';
      this.transaction.command = undefined;
      this.transaction.backgroundColor = undefined;
    }
    this.transaction.show();
    const open = !session.running && session.txStatus !== 'idle';
    if (open && session.txStatus === 'inTransaction') this.commit.show();
    else this.commit.hide();
    if (open) this.rollback.show();
    else this.rollback.hide();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    for (const item of [this.connection, this.transaction, this.commit, this.rollback]) item.dispose();
  }
}
