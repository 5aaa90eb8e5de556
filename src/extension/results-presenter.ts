/**
 * The one place where the results panel is wired into the host. The panel class lives in
 * src/extension/results/ (it implements ResultsPresenter); SQL editors and the schema tree only
 * ever see the ResultsPresenter interface they are given here.
 *
 * While no panel class is exported, runs still happen (sessions, transactions, diagnostics,
 * history and the status-bar summary work) and "Open data" says the panel is not available.
 */
import type * as vscode from 'vscode';
import type { ResultsPresenter } from './results/contract';

export function createResultsPresenter(_context: vscode.ExtensionContext, _log: vscode.LogOutputChannel): ResultsPresenter | undefined {
  return undefined;
}
