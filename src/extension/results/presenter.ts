/**
 * ResultsPresenter for VS Code: one results place per target key, made on first use and reused
 * for that key's later runs, so an editor never has two. A SQL editor's results go where
 * `pgExplorer.results.location` says at each run: its slot of the docked results view (dock.ts,
 * the default) or a panel beside it (a changed setting moves them at the editor's next run).
 * "Open data" of a table is a tab of its own in the active editor group either way (it belongs
 * to no editor).
 */
import * as vscode from 'vscode';
import { PgError } from '../../pool';
import type { ResultsPresenter, ResultsTarget, StatementRun } from './contract';
import { ResultsDock } from './dock';
import { ResultsPanel } from './panel';
import { PanelHost, resultsLocation } from './results-host';

export class ResultsPanels implements ResultsPresenter, vscode.Disposable {
  private readonly panels = new Map<string, ResultsPanel>();
  /** Where each key's panel was placed: the docked view, beside the editor, or the active group. */
  private readonly places = new Map<string, vscode.ViewColumn | 'dock'>();
  private readonly dock: ResultsDock;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log?: vscode.LogOutputChannel,
  ) {
    this.dock = new ResultsDock(extensionUri);
  }

  prepareRun(target: ResultsTarget): void {
    this.placeRun(target);
  }

  async showRun(target: ResultsTarget, statements: StatementRun[]): Promise<void> {
    this.placeRun(target).show(target, statements);
  }

  /**
   * The target's results place where the setting says now, on screen: every run brings its
   * results back, the docked view too if it was hidden or closed. When the setting changed since
   * the place was made, the old place closes first (its run is replaced by this one anyway, and
   * the session is the editor's), so no run shows in the old place on its way out.
   */
  private placeRun(target: ResultsTarget): ResultsPanel {
    const where = resultsLocation() === 'beside' ? vscode.ViewColumn.Beside : 'dock';
    const placedElsewhere = this.panels.get(target.key);
    if (placedElsewhere && this.places.get(target.key) !== where) {
      this.panels.delete(target.key);
      placedElsewhere.dispose();
    }
    const panel = this.panelFor(target, where);
    if (!panel.visible) panel.reveal();
    return panel;
  }

  async openTableData(target: ResultsTarget, sql: string): Promise<void> {
    // Run again (after a lost connection) opens the table's data again, in the same tab.
    const table = target;
    target = { ...table, runAgain: () => this.openTableData(table, sql) };
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
      this.dock.dispose();
      return;
    }
    this.panels.get(key)?.dispose();
  }

  /** The panel of a key, if open (for the extension's API and its tests). */
  panel(key: string): ResultsPanel | undefined {
    return this.panels.get(key);
  }

  private panelFor(target: ResultsTarget, where: vscode.ViewColumn | 'dock'): ResultsPanel {
    const existing = this.panels.get(target.key);
    if (existing) return existing;
    const host = where === 'dock' ? this.dock.slot(target.key, target.title) : new PanelHost(this.extensionUri, target.title, where);
    const panel = new ResultsPanel(target, host, this.log);
    this.panels.set(target.key, panel);
    this.places.set(target.key, where);
    panel.onDidClose(() => {
      if (this.panels.get(target.key) === panel) {
        this.panels.delete(target.key);
        this.places.delete(target.key);
      }
    });
    return panel;
  }
}
