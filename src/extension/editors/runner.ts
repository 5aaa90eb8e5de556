/**
 * Runs SQL from editors in the document's own session: the selection or the statement under the
 * cursor (Run), or every statement in order, stopping at the first error (Run all). Rows go to
 * the results panel through ResultsPresenter; errors become diagnostics; notices go to the
 * profile's output channel; every statement run goes to the profile's history.
 */
import * as vscode from 'vscode';
import { PgError } from '../../pool';
import type { ExecutionOutcome, PgPool } from '../../pool';
import type { Connections } from '../connections/connections';
import type { QueryHistory } from '../history/history';
import { describeProfile } from '../profiles/profile';
import type { ProfileStore } from '../profiles/store';
import type { ResultsPresenter, ResultsTarget, StatementRun } from '../results/contract';
import { runSteps, splitScript, statementAt } from '../sql/splitter';
import type { Binding, DocumentBindings } from './bindings';
import { diagnosticFor } from './diagnostics';
import { summarizeRun } from './run-summary';
import type { EditorSession, EditorSessions } from './sessions';

/** What one run did, for the extension's API (onDidRun) and its tests. */
export interface RunReport {
  uri: string;
  sessionId: string;
  profileId: string;
  database: string;
  statements: StatementRun[];
  /** True when the user cancelled (the statement that was running has kind `cancelled`). */
  cancelled: boolean;
}

interface PlannedStatement {
  text: string;
  start: number;
  /** A psql meta-command (or COPY data) the run reports in Messages instead of sending. */
  skipped?: string;
}

export class SqlRunner implements vscode.Disposable {
  private readonly ran = new vscode.EventEmitter<RunReport>();
  readonly onDidRun = this.ran.event;
  readonly diagnostics = vscode.languages.createDiagnosticCollection('pgExplorer');
  private readonly disposables: vscode.Disposable[] = [];
  /** Documents whose run the user cancelled: a run-all stops before its next statement too. */
  private readonly cancelRequested = new Set<string>();

  constructor(
    private readonly store: ProfileStore,
    private readonly connections: Connections,
    private readonly bindings: DocumentBindings,
    private readonly sessions: EditorSessions,
    private readonly history: QueryHistory,
    private readonly presenter: ResultsPresenter | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      // A diagnostic points at text that was sent; once the text changes it may point anywhere.
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.diagnostics.delete(e.document.uri);
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => this.diagnostics.delete(doc.uri)),
      sessions.onDidRelease((uri) => presenter?.dispose(uri.toString())),
    );
  }

  /** Runs the selection, else the statement under the cursor. */
  async runCurrent(editor: vscode.TextEditor): Promise<RunReport | undefined> {
    const document = editor.document;
    const selection = editor.selection;
    let planned: PlannedStatement[];
    if (!selection.isEmpty) {
      const start = document.offsetAt(selection.start);
      planned = runSteps(splitScript(document.getText(selection), this.splitOptions(document))).map((s) => ({ ...s, start: start + s.start }));
    } else {
      const entry = statementAt(splitScript(document.getText(), this.splitOptions(document)), document.offsetAt(selection.active));
      planned = entry ? runSteps([entry]) : [];
    }
    return this.run(document, planned);
  }

  /** Runs every statement of the document in order, stopping at the first error. */
  async runAll(document: vscode.TextDocument): Promise<RunReport | undefined> {
    return this.run(document, runSteps(splitScript(document.getText(), this.splitOptions(document))));
  }

  /**
   * How the script is lexed: psql follows the server's standard_conforming_strings, so does the
   * splitter, from the editor's session when it has one (a new session starts with the default, on).
   */
  private splitOptions(document: vscode.TextDocument): { standardConformingStrings: boolean } {
    return { standardConformingStrings: this.sessions.get(document.uri)?.session.info().standardConformingStrings ?? true };
  }

  /** Cancels the statement running in the document's session. */
  async cancel(uri: vscode.Uri): Promise<boolean> {
    const session = this.sessions.get(uri);
    if (!session?.running) return false;
    this.cancelRequested.add(uri.toString());
    return session.session.cancel().catch((err: unknown) => {
      void vscode.window.showErrorMessage(`Could not cancel: ${(err as Error).message}`);
      return false;
    });
  }

  /** COMMIT or ROLLBACK in the document's session. */
  async endTransaction(uri: vscode.Uri, command: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    const session = this.sessions.get(uri);
    if (!session) {
      void vscode.window.showInformationMessage('This editor has no session: nothing to commit or roll back.');
      return;
    }
    try {
      await session.session.execute(command);
      vscode.window.setStatusBarMessage(`PG Explorer: ${command === 'COMMIT' ? 'committed' : 'rolled back'}`, 4_000);
    } catch (err) {
      const error = toPgError(err);
      void vscode.window.showErrorMessage(`${command} failed: ${error.message}`);
    }
  }

  private async run(document: vscode.TextDocument, planned: PlannedStatement[]): Promise<RunReport | undefined> {
    if (planned.every((s) => s.skipped !== undefined)) {
      void vscode.window.showInformationMessage(planned[0]?.skipped ?? 'There is no SQL statement to run here.');
      return undefined;
    }
    const binding = this.bindings.get(document.uri) ?? (await chooseBinding(this.store, this.connections, this.bindings, document.uri));
    if (!binding) return undefined;
    const profile = this.store.get(binding.profileId);
    if (!profile) {
      void vscode.window.showErrorMessage('The connection this editor was bound to no longer exists. Choose another one.');
      await this.bindings.set(document.uri, undefined);
      return undefined;
    }
    let session: EditorSession;
    try {
      session = await this.sessions.open(document.uri, binding);
    } catch (err) {
      void vscode.window.showErrorMessage(`Could not connect to ${profile.name}: ${toPgError(err).message}`);
      return undefined;
    }
    if (session.running) {
      void vscode.window.showWarningMessage('A statement is still running in this editor. Wait for it or cancel it first.');
      return undefined;
    }

    this.diagnostics.delete(document.uri);
    const target = (): ResultsTarget => ({
      key: document.uri.toString(),
      title: `Results: ${basename(document.uri)}`,
      session: session.session,
      readOnly: profile.readOnly === true,
      // Messages' Run again (after a lost connection): the same statement texts, in this editor.
      runAgain: () => this.run(document, planned),
    });
    // The results place loads its page while the statements run (the first run of an editor
    // creates its webview): nothing of the run waits for it.
    this.presenter?.prepareRun(target());
    const notices = this.connections.noticeChannel(profile);
    const statements: StatementRun[] = [];
    let cancelled = false;
    let failure: { statement: PlannedStatement; error: PgError } | undefined;
    this.sessions.setRunning(session, true);
    this.cancelRequested.delete(document.uri.toString());
    try {
      await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `${profile.name}/${binding.database}`,
          cancellable: true,
        },
        async (progress, token) => {
          const cancelling = token.onCancellationRequested(() => void this.cancel(document.uri));
          try {
            const several = planned.filter((p) => p.skipped === undefined).length > 1;
            for (const [index, statement] of planned.entries()) {
              if (token.isCancellationRequested || this.cancelRequested.has(document.uri.toString())) {
                cancelled = true;
                break;
              }
              if (statement.skipped !== undefined) {
                statements.push({ sql: statement.text, offset: statement.start, skipped: statement.skipped });
                continue;
              }
              progress.report({ message: `${planned.length > 1 ? `${index + 1}/${planned.length}: ` : ''}${firstLine(statement.text)}` });
              try {
                // In a run of several statements every result is kept open as a named cursor, so
                // each stays pageable whichever the user pages first (the grid pages the tab it
                // shows at once). A single statement streams through the protocol cursor.
                const outcome = await session.session.execute(statement.text, several ? { keepOpen: true } : { scrollable: true });
                statements.push({ sql: statement.text, offset: statement.start, outcome });
                this.report(outcome, notices, profile.name);
              } catch (err) {
                const error = toPgError(err);
                statements.push({ sql: statement.text, offset: statement.start, error });
                if (error.kind === 'cancelled') cancelled = true;
                failure = { statement, error };
                break;
              }
            }
          } finally {
            cancelling.dispose();
          }
        },
      );
    } finally {
      this.cancelRequested.delete(document.uri.toString());
      this.sessions.setRunning(session, false);
    }

    if (failure) this.showFailure(document, failure.statement, failure.error, notices);
    void this.history.add(
      binding.profileId,
      statements.filter((s) => s.skipped === undefined).map((s) => ({ sql: s.sql, database: binding.database, ranAt: Date.now(), ok: s.error === undefined })),
    );
    // The editor may have closed while it ran (its session released): no panel for it then.
    if (this.presenter && this.sessions.get(document.uri) === session) {
      await this.presenter
        .showRun(target(), statements)
        .catch((err: unknown) => this.log.error(`The results panel failed: ${(err as Error).message}`));
    }
    vscode.window.setStatusBarMessage(`PG Explorer: ${summarizeRun(statements, planned.filter((p) => p.skipped === undefined).length)}`, 8_000);
    const report: RunReport = { uri: document.uri.toString(), sessionId: session.id, profileId: binding.profileId, database: binding.database, statements, cancelled };
    this.ran.fire(report);
    return report;
  }

  private report(outcome: ExecutionOutcome, notices: vscode.OutputChannel, profileName: string): void {
    for (const notice of outcome.notices) notices.appendLine(notice);
    if (outcome.noticesDropped > 0) notices.appendLine(`… and ${outcome.noticesDropped} more notices (only the first ${outcome.notices.length} are kept).`);
    if (outcome.sessionReset === 'reclaimed') {
      const message =
        `The session of this editor on ${profileName} was reset: its connection was given to another session while idle, ` +
        'so its SET values, temporary tables and prepared statements are gone.';
      notices.appendLine(message);
      void vscode.window.showWarningMessage(message);
    }
  }

  private showFailure(document: vscode.TextDocument, statement: PlannedStatement, error: PgError, notices: vscode.OutputChannel): void {
    if (error.kind === 'cancelled') {
      void vscode.window.showInformationMessage('The statement was cancelled.');
      return;
    }
    notices.appendLine(`ERROR: ${error.message}${error.code ? ` (SQLSTATE ${error.code})` : ''}`);
    if (error.kind === 'query' || error.kind === 'readOnly') this.diagnostics.set(document.uri, [diagnosticFor(document, statement, error)]);
    const hint = error.hint ? ` Hint: ${error.hint}` : '';
    void vscode.window.showErrorMessage(`${error.message}${hint}`);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.diagnostics.dispose();
    this.ran.dispose();
  }
}

/**
 * Asks which profile and database a document should run against, and remembers the answer.
 */
export async function chooseBinding(
  store: ProfileStore,
  connections: Connections,
  bindings: DocumentBindings,
  uri: vscode.Uri,
): Promise<Binding | undefined> {
  const profiles = store.list();
  if (profiles.length === 0) {
    const add = 'Add Connection';
    const answer = await vscode.window.showInformationMessage('There is no PostgreSQL connection yet.', add);
    if (answer === add) await vscode.commands.executeCommand('pgExplorer.addConnection');
    return undefined;
  }
  const current = bindings.get(uri);
  const picked = await vscode.window.showQuickPick(
    profiles.map((p) => ({ label: p.name, description: describeProfile(p), detail: p.id === current?.profileId ? 'current' : undefined, profile: p })),
    { title: 'Run this editor against…', placeHolder: 'Choose a connection' },
  );
  if (!picked) return undefined;
  let database = picked.profile.database;
  try {
    const pool = await connections.pool(picked.profile.id);
    const names = await listDatabaseNames(pool);
    if (names.length > 1) {
      const db = await vscode.window.showQuickPick(
        names.map((name) => ({ label: name, description: name === picked.profile.database ? 'default' : undefined })),
        { title: `Database on ${picked.profile.name}` },
      );
      if (!db) return undefined;
      database = db.label;
    }
  } catch (err) {
    void vscode.window.showErrorMessage(`Could not connect to ${picked.profile.name}: ${toPgError(err).message}`);
    return undefined;
  }
  const binding = { profileId: picked.profile.id, database };
  await bindings.set(uri, binding);
  return binding;
}

async function listDatabaseNames(pool: PgPool): Promise<string[]> {
  return (await pool.listDatabases()).filter((d) => d.allowConnections && !d.isTemplate).map((d) => d.name);
}

export function toPgError(err: unknown): PgError {
  return err instanceof PgError ? err : new PgError('query', err instanceof Error ? err.message : String(err));
}

function firstLine(sql: string): string {
  const line = sql.split('\n').find((l) => l.trim() !== '' && !l.trim().startsWith('--')) ?? sql;
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

function basename(uri: vscode.Uri): string {
  return uri.path.split('/').pop() ?? uri.path;
}
