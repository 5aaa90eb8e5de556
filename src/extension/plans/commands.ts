/** The plan view's commands: Explain, Explain Analyze, Compare Plans. */
import * as vscode from 'vscode';
import type { Connections } from '../connections/connections';
import type { DocumentBindings } from '../editors/bindings';
import type { EditorSessions } from '../editors/sessions';
import type { ProfileStore } from '../profiles/store';
import { Explainer } from './explainer';
import type { CompareArgs, ExplainArgs } from './explainer';

export function registerPlanCommands(
  context: vscode.ExtensionContext,
  store: ProfileStore,
  connections: Connections,
  bindings: DocumentBindings,
  sessions: EditorSessions,
  log: vscode.LogOutputChannel,
): vscode.Disposable[] {
  const explainer = new Explainer(context, store, connections, bindings, sessions, log);
  return [
    explainer,
    vscode.commands.registerCommand('pgExplorer.explain', (arg?: vscode.Uri | ExplainArgs) => explainer.explain(false, arg)),
    vscode.commands.registerCommand('pgExplorer.explainAnalyze', (arg?: vscode.Uri | ExplainArgs) => explainer.explain(true, arg)),
    vscode.commands.registerCommand('pgExplorer.comparePlans', (arg?: vscode.Uri | CompareArgs) => explainer.compare(arg)),
  ];
}
