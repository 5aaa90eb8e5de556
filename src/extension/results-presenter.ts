/**
 * The one place where the results panel is wired into the host. The panel class lives in
 * src/extension/results/ (it implements ResultsPresenter); SQL editors and the schema tree only
 * ever see the ResultsPresenter interface they are given here.
 */
import type * as vscode from 'vscode';
import type { ResultsPresenter } from './results/contract';
import { ResultsPanels } from './results/presenter';

export function createResultsPresenter(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): ResultsPresenter | undefined {
  const panels = new ResultsPanels(context.extensionUri, log);
  context.subscriptions.push(panels);
  return panels;
}
