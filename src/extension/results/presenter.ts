/**
 * ResultsPresenter for VS Code: one panel per target key (a SQL editor's URI, or a table's "Open
 * data"), created beside the editor on first use and reused for that key's later runs.
 */
import * as vscode from 'vscode';
import { PgError } from '../../pool';
import type { ResultsPresenter, ResultsTarget, StatementRun } from './contract';
import { ResultsPanel } from './panel';

export class ResultsPanels implements ResultsPresenter, vscode.Disposable {
  private readonly panels = new Map<string, ResultsPanel>();
  private readonly closed = new vscode.EventEmitter<string>();
  /** A panel was closed by the user (or disposed): its owner may release the target's session. */
  readonly onDidClosePanel = this.closed.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log?: vscode.LogOutputChannel,
  ) {}

  async showRun(target: ResultsTarget, statements: StatementRun[]): Promise<void> {
    const panel = this.panelFor(target, vscode.ViewColumn.Beside);
    if (!panel.visible) panel.reveal();
    panel.show(target, statements);
  }

  async openTableData(target: ResultsTarget, sql: string): Promise<void> {
    const panel = this.panelFor(target, vscode.ViewColumn.Active);
    panel.reveal();
    // The panel owns the session before its first statement is sent: closing the panel while
    // that statement runs cancels it and releases the session.
    panel.adopt(target);
    let statement: StatementRun;
    try {
      statement = { sql, offset: 0, outcome: await target.session.execute(sql, { scrollable: true }) };
    } catch (err) {
      statement = { sql, offset: 0, error: err instanceof PgError ? err : new PgError('query', (err as Error).message) };
    }
    panel.show(target, [statement], true);
  }

  dispose(key?: string): void {
    if (key === undefined) {
      for (const panel of [...this.panels.values()]) panel.dispose();
      this.closed.dispose();
      return;
    }
    this.panels.get(key)?.dispose();
  }

  /** The panel of a key, if open (for the extension's API and its tests). */
  panel(key: string): ResultsPanel | undefined {
    return this.panels.get(key);
  }

  private panelFor(target: ResultsTarget, column: vscode.ViewColumn): ResultsPanel {
    const existing = this.panels.get(target.key);
    if (existing) return existing;
    const panel = new ResultsPanel(target, this.extensionUri, column, this.log);
    this.panels.set(target.key, panel);
    panel.onDidClose(() => {
      if (this.panels.get(target.key) === panel) this.panels.delete(target.key);
      this.closed.fire(target.key);
    });
    return panel;
  }
}
