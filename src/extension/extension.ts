/**
 * The VS Code host's entry point: wires profiles, pools, the schema tree, SQL editors and the
 * results panel together, and returns the extension's API (run events, for other extensions and
 * the extension-host tests).
 */
import * as vscode from 'vscode';
import { registerAgentTools } from './agent/register';
import type { AgentTools } from './agent/register';
import { Connections } from './connections/connections';
import { DocumentBindings } from './editors/bindings';
import type { Binding } from './editors/bindings';
import { registerEditorCommands } from './editors/commands';
import { SqlRunner } from './editors/runner';
import type { RunReport } from './editors/runner';
import { EditorSessions } from './editors/sessions';
import { EditorStatus } from './editors/status';
import { QueryHistory } from './history/history';
import { registerPlanCommands } from './plans/commands';
import { registerLanguageFeatures } from './language/language';
import { ConsentPrompt, registerProfileCommands } from './profiles/commands';
import type { Consent } from './profiles/consent';
import { ProfileStore } from './profiles/store';
import { preloadDriver } from '../pool';
import { createResultsPresenter } from './results-presenter';
import { loadTiming } from './load-timing';
import { loadScanner } from './sql/scanner';
import { registerTreeCommands } from './tree/commands';
import { ranDdl } from './tree/ddl-watch';
import { registerTreeExport } from './tree/export-data';
import { registerMaterializedViewCommands } from './tree/materialized-view';
import { SCHEMA_VIEW_ID, SchemaTreeProvider } from './tree/provider';

export type { RunReport };

export type { Binding };

/** What activate returns: for other extensions that open SQL for the user, and for the extension-host tests. */
export interface PgExplorerApi {
  /** Fires after each run from a SQL editor, with what every statement did. */
  readonly onDidRun: vscode.Event<RunReport>;
  /** The pool session id of a document's editor session, if it has one. */
  sessionId(uri: vscode.Uri): string | undefined;
  /** Binds a SQL document to a profile and database (what the status-bar picker does). */
  bindDocument(uri: vscode.Uri, binding: Binding): Promise<void>;
  /** The schema explorer: its data (to walk nodes) and its view (to reveal them). */
  readonly schemaTree: { provider: vscode.TreeDataProvider<unknown>; view: vscode.TreeView<unknown> };
  /** The agent tools' prepare step (their confirmations), which VS Code does not show under tests. */
  readonly agentTools: Pick<AgentTools, 'prepare'>;
  /**
   * Only when VS Code runs the extension's tests (ExtensionMode.Test): answer the questions the
   * profile commands ask (consent.ts) instead of a person. Absent for other extensions.
   */
  readonly testing?: { answerConsent(answer: ((consent: Consent) => boolean) | undefined): void };
}

let shutdown: (() => Promise<void>) | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<PgExplorerApi> {
  const started = performance.now();
  const calledAt = Date.now();
  const log = vscode.window.createOutputChannel('PG Explorer', { log: true });
  context.subscriptions.push(log);

  const store = new ProfileStore(context.secrets, log);
  const consent = new ConsentPrompt();
  const connections = new Connections(store, log);
  const bindings = new DocumentBindings(context.workspaceState);
  const sessions = new EditorSessions(connections, bindings, store, log);
  const history = new QueryHistory(context.globalState);
  const presenter = createResultsPresenter(context, log);
  const runner = new SqlRunner(store, connections, bindings, sessions, history, presenter, log);
  const status = new EditorStatus(store, bindings, sessions);
  const tree = new SchemaTreeProvider(store, connections);
  const treeView = vscode.window.createTreeView(SCHEMA_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  const agentTools = registerAgentTools(store, connections, bindings, log);

  // deactivate() releases sessions (rolling back) and closes pools before these are disposed.
  context.subscriptions.push(
    store,
    connections,
    bindings,
    sessions,
    runner,
    status,
    tree,
    treeView,
    ...registerProfileCommands(store, connections, bindings, log, consent, context.extensionUri),
    ...registerEditorCommands(store, connections, bindings, sessions, runner, history),
    ...registerTreeCommands(tree, store, connections, bindings, presenter, log),
    ...registerTreeExport(connections, log),
    ...registerMaterializedViewCommands(tree, connections),
    runner.onDidRun((report) => {
      if (ranDdl(report.statements)) tree.refreshDatabase(report.profileId, report.database);
    }),
    ...agentTools.disposables,
    ...registerPlanCommands(context, store, connections, bindings, sessions, log),
    ...registerLanguageFeatures({ sessions, bindings, connections, onDidRun: runner.onDidRun, onDidRefreshTree: tree.onDidRefresh, log }),
    // An untitled document's name (Untitled-1) is reused by the next one: forget its binding.
    vscode.workspace.onDidCloseTextDocument((document) => {
      if (document.uri.scheme === 'untitled' && bindings.get(document.uri)) void bindings.set(document.uri, undefined);
    }),
  );
  shutdown = async () => {
    await sessions.releaseAll();
    await connections.closeAll();
  };
  // The scanner's WASM (only identifier quoting asks it which words are keywords; until it is
  // loaded every name is quoted) is compiled after activation, not during it; so is the database
  // driver, which the bundle does not evaluate until a connection is opened.
  setTimeout(() => {
    void loadScanner().catch((err: unknown) => log.warn(`The SQL scanner did not load: ${(err as Error).message}`));
    void preloadDriver().catch((err: unknown) => log.warn(`The database driver did not load: ${(err as Error).message}`));
  }, 0);
  // bench/ reads this line (with VS Code's own activation log) for the activation figure.
  log.info(`PG Explorer activated in ${Math.round(performance.now() - started)} ms${loadTiming(calledAt)}.`);
  return {
    onDidRun: runner.onDidRun,
    sessionId: (uri) => sessions.get(uri)?.id,
    bindDocument: (uri, binding) => bindings.set(uri, binding),
    schemaTree: { provider: tree as vscode.TreeDataProvider<unknown>, view: treeView as vscode.TreeView<unknown> },
    agentTools: { prepare: (name, input) => agentTools.prepare(name, input) },
    ...(context.extensionMode === vscode.ExtensionMode.Test ? { testing: { answerConsent: (answer) => consent.answerWith(answer) } } : {}),
  };
}

/** Closes every session (rolling back open transactions), pool and SSH tunnel. */
export async function deactivate(): Promise<void> {
  await shutdown?.();
  shutdown = undefined;
}
