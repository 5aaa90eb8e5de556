/**
 * What the language features share: the catalog cache, the session view of each tab, and which
 * pool a document completes from (its editor session's, else its binding's pool if one is open;
 * never one opened for completion). Stale catalogs are dropped after a run that changed the
 * schema (DDL), and a tab's session view is re-read after each of its runs.
 */
import * as vscode from 'vscode';
import type { PgPool } from '../../pool';
import type { Connections } from '../connections/connections';
import type { DocumentBindings } from '../editors/bindings';
import type { RunReport } from '../editors/runner';
import type { EditorSessions } from '../editors/sessions';
import { CatalogCache } from './catalog-cache';
import { DEFAULT_SESSION } from './catalog-index';
import type { CatalogIndex, SessionView } from './catalog-index';
import { readSessionView } from './session-view';
import { changedCatalog } from '../sql/catalog-change';

/** A catalog load that takes longer than this is said to be slow in the completion list. */
const SLOW_LOAD_MS = 1_000;

export type LanguageFeature = 'completion' | 'hover' | 'signatureHelp' | 'diagnostics' | 'serverCheck';

const SETTING: Record<LanguageFeature, string> = {
  completion: 'completion.enabled',
  hover: 'hover.enabled',
  signatureHelp: 'hover.enabled',
  diagnostics: 'diagnostics.parse',
  serverCheck: 'diagnostics.serverCheck',
};

export class LanguageState implements vscode.Disposable {
  readonly cache: CatalogCache;
  private readonly views = new Map<string, SessionView>();
  /** Tabs whose session view a run may have changed, read again on the next request that needs it. */
  private readonly staleViews = new Set<string>();
  private readonly reading = new Map<string, Promise<void>>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<vscode.Uri | undefined>();
  /** Fires when a catalog or a tab's session view changed (undefined: every document). */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly sessions: EditorSessions,
    private readonly bindings: DocumentBindings,
    private readonly connections: Connections,
    onDidRun: vscode.Event<RunReport>,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.cache = new CatalogCache((pool, ms, index, schemas) => {
      const { relations, columns } = index.stats();
      const what = schemas ? `the schema${schemas.length > 1 ? 's' : ''} ${schemas.join(', ')} of` : 'the catalog of';
      const lazy = !schemas && index.lazy ? `; large, so columns and functions load per schema: ${index.detailedSchemas().join(', ')} now` : '';
      this.log.info(`Loaded ${what} ${pool.target} for completion in ${Math.round(ms)} ms (${relations} relations, ${columns} columns${lazy}).`);
      this.changed.fire(undefined);
    });
    this.disposables.push(
      onDidRun((report) => this.afterRun(report)),
      sessions.onDidRelease((uri) => this.views.delete(uri.toString())),
      this.changed,
    );
  }

  enabled(feature: LanguageFeature): boolean {
    return vscode.workspace.getConfiguration('pgExplorer').get<boolean>(SETTING[feature], true);
  }

  /** The pool a document completes from, if one is open. */
  poolFor(uri: vscode.Uri): PgPool | undefined {
    const session = this.sessions.get(uri);
    if (session) return session.pool;
    const binding = this.bindings.get(uri);
    return binding ? this.connections.openPool(binding.profileId, binding.database) : undefined;
  }

  /**
   * The catalog as cached now (starting a load if one is due), the tab's session view, whether a
   * later request may know more (`loading`), and what to tell the user when names are missing
   * because the database cannot be reached or is slow (`notice`).
   */
  catalogFor(uri: vscode.Uri): { pool?: PgPool; index?: CatalogIndex; session: SessionView; loading: boolean; notice?: string } {
    const pool = this.poolFor(uri);
    const staleView = this.refreshView(uri);
    const session = this.views.get(uri.toString()) ?? DEFAULT_SESSION;
    if (!pool) {
      const bound = this.bindings.get(uri) !== undefined;
      return { session, loading: false, notice: bound ? 'Not connected: completing keywords only. Run a statement to connect.' : undefined };
    }
    const index = this.cache.peek(pool, session.searchPath);
    // The tab's search_path is what unqualified names resolve through: have it in detail.
    for (const schema of session.searchPath) index?.need(schema);
    const status = this.cache.status(pool);
    const slow = status.loadingForMs !== undefined && status.loadingForMs > SLOW_LOAD_MS;
    const notice =
      status.error !== undefined && status.loadingForMs === undefined
        ? `Not connected (${status.error}): completing keywords${index ? ' and the names loaded before' : ''} only.`
        : slow || (status.loadingForMs !== undefined && !index)
          ? `Still loading the catalog of ${pool.target}: completing keywords${index ? ' and the names loaded before' : ''} for now.`
          : undefined;
    return { pool, index, session, loading: index === undefined || status.loadingForMs !== undefined || index.pending || staleView, notice };
  }

  sessionView(uri: vscode.Uri): SessionView {
    this.refreshView(uri);
    return this.views.get(uri.toString()) ?? DEFAULT_SESSION;
  }

  /**
   * The tab's session view once a read a run made due has finished: what the server check needs,
   * since checking under the view from before the run would report, until the next pass, a temp
   * table the run just created as missing.
   */
  async settledSessionView(uri: vscode.Uri): Promise<SessionView> {
    this.refreshView(uri);
    await this.reading.get(uri.toString());
    return this.views.get(uri.toString()) ?? DEFAULT_SESSION;
  }

  /**
   * Reads the tab's session view again when a run may have changed it, lazily: on the first
   * request that needs it, not after every run, so a run is never followed by a query of ours
   * (and nothing shows in pg_stat_activity unless the user asks for completion). Never awaited by
   * the caller; true while a read is pending (the completion list says it is incomplete).
   */
  private refreshView(uri: vscode.Uri): boolean {
    const key = uri.toString();
    if (!this.staleViews.has(key)) return false;
    if (this.reading.has(key)) return true;
    const session = this.sessions.get(uri);
    if (!session) {
      this.staleViews.delete(key);
      return false;
    }
    const read = readSessionView(session.session)
      .then((view) => {
        this.staleViews.delete(key);
        if (view) this.views.set(key, view);
        this.changed.fire(uri);
      })
      .catch((err: unknown) => {
        // Busy, or the connection went away: keep the last view and try on the next request.
        this.log.debug(`Could not read the session of ${key} for completion: ${(err as Error).message}`);
      })
      .finally(() => this.reading.delete(key));
    this.reading.set(key, read);
    return true;
  }

  /** Drops the cached catalogs of the databases the tree refreshed (all open ones without a profile). */
  forgetCatalogs(which: { profileId?: string; database?: string }): void {
    const profiles = which.profileId !== undefined ? [which.profileId] : this.connections.profileIdsWithPools();
    for (const profileId of profiles) {
      const databases = which.database !== undefined ? [which.database] : this.connections.openDatabases(profileId);
      for (const database of databases) {
        const pool = this.connections.openPool(profileId, database);
        if (pool) this.cache.invalidate(pool);
      }
    }
    this.changed.fire(undefined);
  }

  private afterRun(report: RunReport): void {
    const uri = vscode.Uri.parse(report.uri);
    const session = this.sessions.get(uri);
    if (!session) return;
    if (report.statements.some((s) => s.outcome && changedCatalog(s.sql, s.outcome))) this.cache.invalidate(session.pool);
    this.staleViews.add(uri.toString());
    this.changed.fire(uri);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
