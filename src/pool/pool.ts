/**
 * PgPool: up to `maxSize` connections to one database, leased to named sessions. A session keeps
 * its connection from its first call until it is released (or reclaimed while idle), so its SETs,
 * temp tables, transaction and cursor stay on one wire. Connections between sessions are reset
 * with DISCARD ALL, so no session ever sees another's state.
 */
import { performance } from 'node:perf_hooks';
import { describeTarget, validateConfig } from './config';
import type { PgConfig, Route } from './config';
import { openProfileConnection } from './connect';
import * as catalog from './catalog';
import { checkStatement } from './check';
import type { CheckOptions } from './check';
import { PooledConnection } from './connection';
import { copyOut } from './copy';
import { closeDeclared, declareCursor, fetchCursor } from './declared-cursor';
import { closeScrollCursor, countRows, declareScrollCursor, fetchAtInto } from './scroll-cursor';
import { PackedPageBuilder, RowList } from './packed-page';
import type { RowSink } from './packed-page';
import type { DeclaredCursor } from './declared-cursor';
import type { CopyProgress, CopyRequest } from './copy';
import { PgError, toQueryError } from './errors';
import { openStatement } from './exec';
import * as edit from './edit';
import { getDdl, getSchemaDdl } from './ddl';
import type { DdlOptions } from './ddl';
import * as introspect from './introspect';
import { refuseReadOnlyEscapes } from './read-only-guard';
import { DETACHED_INFO, LOGIN_CONTEXT, SessionState } from './session';
import { Session } from './session-handle';
import type { SessionOwner } from './session-handle';
import { applyContext, collectCustomSettingNames, mayChangeContext, readContext } from './session-context';
import { whyNotPlainQuery } from './statement-kind';
import { cachedVerdict, readVerdict } from './statement-verdict';
import { checkParameters, checkStatementText } from './statement-text';
import { SshTunnel } from './tunnel';
import { TypeNameCache } from './type-names';
import { runWhole } from './whole-result';
import type { ExecutionOutcome, PackedPageResult, PageOf, PageResult, PoolOptions, PoolStats, SessionChange, SessionContext, SessionInfo } from './types';

/** The schema tree's own session. The colon keeps it from ever equalling a UUID. */
export const BROWSER_SESSION_ID = 'pg-explorer:browser';

const DEFAULTS = {
  maxSize: 10,
  acquireTimeoutMs: 10_000,
  connectTimeoutMs: 10_000,
  idleTimeoutMs: 60_000,
  cursorIdleTimeoutMs: 5 * 60_000,
  onWarning: () => undefined,
  maxSizeHint: 'maxSize',
} satisfies Required<PoolOptions>;

/**
 * Default page sizes: a small first page shows rows at once; later pages grow so that draining
 * a large result is not dominated by round trips (measured in bench/).
 */
export const FIRST_PAGE_SIZE = 100;
const LATER_PAGE_SIZES = [1_000, 5_000];
const MAX_PAGE_SIZE = 100_000;

export interface ExecuteOptions {
  params?: unknown[];
  /** Rows in the first page; default 100. */
  pageSize?: number;
  /**
   * The extension's own short read in a user's session (e.g. its search_path for completion): it
   * fails at once if the session is busy, a user's call that comes meanwhile waits for it instead
   * of being refused, and the session's listeners hear nothing of it.
   */
  background?: boolean;
  /**
   * Keep this result pageable while later statements of the session run (a run of several
   * statements): a plain SELECT / VALUES / TABLE without parameters is declared as a named cursor
   * (declared-cursor.ts); anything else runs as usual.
   */
  keepOpen?: boolean;
  /**
   * Let the caller read this result at any row (`fetchAt`, `countRows`): a plain SELECT / VALUES /
   * TABLE is declared as a SCROLL cursor (scroll-cursor.ts); anything else runs as usual. The
   * cursor stays open until closed, the session's next statement, or the idle timer.
   */
  scrollable?: boolean;
}

export class PgPool implements SessionOwner {
  private readonly sessions = new Map<string, SessionState>();
  /** Handles given out by session(id), until the session is released. */
  private readonly handles = new Map<string, Session>();
  private readonly connections = new Set<PooledConnection>();
  private readonly idle: PooledConnection[] = [];
  private readonly idleTimers = new Map<PooledConnection, NodeJS.Timeout>();
  private readonly typeNames = new TypeNameCache();
  private readonly options: Required<PoolOptions>;
  private opening = 0;
  private waiting = 0;
  private wakeups: (() => void)[] = [];
  private closed = false;
  private anonymousLeases = 0;
  /** Numbers the named cursors of keepOpen results (unique in the pool, so in every session). */
  private declaredCursors = 0;
  /** The profile's SSH hop, opened on the first connection and again after it drops. */
  private tunnel: SshTunnel | undefined;

  private constructor(
    readonly config: PgConfig,
    options: PoolOptions,
  ) {
    this.options = { ...DEFAULTS, ...stripUndefined(options) };
    if (!Number.isInteger(this.options.maxSize) || this.options.maxSize < 1) {
      throw new PgError('config', `maxSize must be a whole number of at least 1 (got ${String(options.maxSize)}).`);
    }
  }

  /** Opens a pool and one connection, so bad settings fail here with a clear error. */
  static async open(config: PgConfig, options: PoolOptions = {}): Promise<PgPool> {
    validateConfig(config);
    const pool = new PgPool(config, options);
    try {
      const first = await pool.openConnection();
      pool.toIdle(first);
    } catch (err) {
      // Nobody gets this pool: close what it opened (the SSH tunnel).
      await pool.close();
      throw err;
    }
    return pool;
  }

  get target(): string {
    return describeTarget(this.config);
  }

  /**
   * The handle of the session named `id` (the same handle until the session is released). The
   * session itself starts with its first call; `onDidChange` tells what happens to it.
   */
  session(id: string): Session {
    if (this.closed) throw closedError();
    let handle = this.handles.get(id);
    if (!handle) {
      handle = new Session(this, id);
      this.handles.set(id, handle);
    }
    return handle;
  }

  // ---------------------------------------------------------------------------------------------
  // Statements and pages

  /**
   * Runs one statement in the session. A row-returning statement opens a cursor (closing the
   * session's previous one) and returns the first page; anything else returns its command tag.
   * A session runs one call at a time: a second execute or fetchPage while one is in flight is
   * refused with `sessionBusy` (the caller decides whether to wait, cancel or tell the user).
   */
  async execute(sessionId: string, sql: string, options: ExecuteOptions = {}): Promise<ExecutionOutcome> {
    const pageSize = checkPageSize(options.pageSize ?? FIRST_PAGE_SIZE);
    checkStatementText(sql);

    // Read-only profiles: refuse a statement that would turn read-only off, before anything is sent.
    if (this.config.readOnly) await refuseReadOnlyEscapes(sql);

    checkParameters(options.params);
    const session = this.sessionFor(sessionId);
    const noParams = (options.params?.length ?? 0) === 0;
    // A Run's options (a cursor kept open, or one to scroll): the statement is read once, and what fits the first page runs whole.
    const read = options.keepOpen === true || (options.scrollable === true && !options.background) ? (cachedVerdict(sql) ?? (await readVerdict(sql))) : undefined;
    const plain = read !== undefined && read.notPlain === undefined;
    const whole = read !== undefined && noParams && read.rowBound !== null && read.rowBound <= pageSize;
    const keepOpen = !whole && options.keepOpen === true && noParams && plain;
    const scrollable = !whole && !keepOpen && options.scrollable === true && !options.background && plain;
    return this.run(
      session,
      async () => {
        // A background read never closes the user's result, nor takes the news of a reset.
        if (options.background && (session.cursor || hasScrollCursor(session) || session.pendingReset || !session.connection || session.connection.broken)) {
          throw new PgError('sessionBusy', 'The session has an open result (or no connection yet); the background read is skipped.');
        }
        const started = performance.now();
        // The session's own wire when it has one (no await: a statement of one round trip pays for each).
        const current = session.connection;
        const connection = current && !current.broken ? current : await this.attach(session);
        const sessionReset = session.pendingReset;
        session.pendingReset = undefined;
        if (session.cursor) await this.closeCursor(session);
        // A scroll cursor is the session's current result, as the protocol cursor is: the next statement ends it.
        if (!options.background && session.declared.size > 0) {
          await this.closeScrollCursors(session, 'a later statement of the session replaced it. Run the statement again to see it.');
        }
        session.cursorClosedReason = undefined;
        session.lastCommand = undefined;
        try {
          // Read before the statement: once it leaves a cursor open, the wire cannot be asked.
          if (session.contextStale) await this.refreshContext(session, connection);
          const common = (notices: string[], dropped: number) => ({
            notices,
            noticesDropped: dropped,
            durationMs: performance.now() - started,
            txStatus: reportedTxStatus(session, connection),
            backendPid: connection.backendPid,
            ...(sessionReset ? { sessionReset } : {}),
          });
          if (keepOpen) {
            const { value: declared, notices, dropped } = await connection.collectingNotices(() =>
              declareCursor(connection, `pgx_result_${++this.declaredCursors}`, sql, pageSize, this.typeNames),
            );
            if (!declared.page.done) {
              session.declared.set(declared.cursor.name, declared.cursor);
              this.armDeclaredIdleTimer(session, declared.cursor);
            }
            const page: PageResult = { rows: declared.page.rows, done: declared.page.done, rowsSoFar: declared.page.rows.length };
            const cursor = declared.page.done ? { columns: declared.page.columns } : { columns: declared.page.columns, name: declared.cursor.name };
            return { kind: 'rows', cursor, page, ...common(notices, dropped) };
          }
          if (scrollable) {
            const { value: declared, notices, dropped } = await connection.collectingNotices(() =>
              declareScrollCursor(connection, `pgx_scroll_${++this.declaredCursors}`, sql, options.params, pageSize, this.typeNames),
            );
            const page: PageResult = { rows: declared.page.rows, done: declared.page.done, rowsSoFar: declared.page.rows.length };
            if (declared.page.done) {
              // All of it came at once: nothing to scroll to, and no transaction is kept for it.
              await closeScrollCursor(connection, declared.cursor);
              return { kind: 'rows', cursor: { columns: declared.page.columns }, page, ...common(notices, dropped) };
            }
            session.declared.set(declared.cursor.name, declared.cursor);
            this.armDeclaredIdleTimer(session, declared.cursor);
            const cursor = { columns: declared.page.columns, name: declared.cursor.name, scrollable: true };
            return { kind: 'rows', cursor, page, ...common(notices, dropped) };
          }
          // What fits the first page as one Query message (whole-result.ts), anything else through a portal.
          const { value: opened, notices, dropped } = await connection.collectingNotices(() =>
            whole ? runWhole(connection, sql, this.typeNames) : openStatement(connection, sql, options.params, pageSize, this.typeNames),
          );
          session.lastCommand = opened.command;
          // COMMIT / ROLLBACK close the cursors declared inside the transaction (not WITH HOLD ones).
          if (connection.txStatus === 'idle') session.dropDeclared('the transaction it was read in ended. Run the statement again to see it.', (c) => !c.hold);
          if (mayChangeContext(sql, opened.command)) {
            session.contextStale = true;
            collectCustomSettingNames(sql, session.customSettingNames);
          }
          if (!opened.columns) {
            return { kind: 'command', command: opened.command, rowCount: opened.rowCount, ...common(notices, dropped) };
          }
          if (opened.cursor) {
            session.cursor = { statement: opened.cursor, columns: opened.columns, pages: 1 };
            this.armCursorIdleTimer(session);
          }
          const page: PageResult = { rows: opened.firstRows, done: opened.cursor === null, rowsSoFar: opened.firstRows.length };
          return { kind: 'rows', cursor: { columns: opened.columns }, page, ...common(notices, dropped) };
        } catch (err) {
          throw this.callFailed(session, connection, err);
        }
      },
      { background: options.background === true },
    );
  }

  /** The next page of the session's open cursor (or of its named cursor `cursorName`), on the same connection. */
  async fetchPage(sessionId: string, pageSize?: number, cursorName?: string): Promise<PageResult> {
    const page = await this.fetchPageInto(sessionId, pageSize, cursorName, () => new RowList());
    return { rows: page.rows, done: page.done, rowsSoFar: page.rowsSoFar };
  }

  /**
   * fetchPage with the rows as one packed page of the server's bytes (packed-page.ts): what the
   * results grid posts to its webview, with no string made per value on the way.
   */
  async fetchPackedPage(sessionId: string, pageSize?: number, cursorName?: string): Promise<PackedPageResult> {
    return this.fetchPageInto(sessionId, pageSize, cursorName, (width) => new PackedPageBuilder(width));
  }

  private fetchPageInto<T>(sessionId: string, pageSize: number | undefined, cursorName: string | undefined, sink: (width: number) => RowSink<T>): Promise<PageOf<T>> {
    const session = this.sessionFor(sessionId);
    if (cursorName !== undefined) return this.fetchDeclared(session, cursorName, pageSize, sink);
    return this.run(session, async () => {
      const connection = session.connection;
      if (connection?.broken) throw this.lost(session, connection, connection.brokenReason);
      const open = session.cursor;
      if (!open || !connection) {
        throw new PgError(
          'noCursor',
          session.cursorClosedReason ??
            'This session has no open result to page through: it was read to the end or closed. Run the statement again.',
        );
      }
      if (open.idleTimer) clearTimeout(open.idleTimer);
      const size = checkPageSize(pageSize ?? LATER_PAGE_SIZES[Math.min(open.pages - 1, LATER_PAGE_SIZES.length - 1)]);
      try {
        const rows = await open.statement.readInto(size, sink(open.statement.fields.length));
        open.pages += 1;
        const done = open.statement.done;
        if (done) session.clearCursor();
        else this.armCursorIdleTimer(session);
        return { rows, count: open.statement.lastCount, done, rowsSoFar: open.statement.rowsSoFar };
      } catch (err) {
        session.clearCursor();
        throw this.callFailed(session, connection, err);
      }
    });
  }

  /**
   * Closes the session's cursor (ending the implicit transaction it holds), or its named cursor
   * `cursorName`. Waits for a call in flight.
   */
  async closeQuery(sessionId: string, cursorName?: string): Promise<void> {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    while (session.inFlight) await session.inFlight;
    if (cursorName !== undefined) {
      const declared = session.declared.get(cursorName);
      if (!declared) return;
      await this.run(session, async () => {
        session.dropDeclared('you closed it. Run the statement again to see the rest.', (c) => c === declared);
        const connection = session.connection;
        if (connection) await closeNamed(connection, declared).catch((err: unknown) => {
          throw this.callFailed(session, connection, err);
        });
      });
      return;
    }
    if (!session.cursor) return;
    await this.run(session, () => this.closeCursor(session));
  }

  private fetchDeclared<T>(session: SessionState, name: string, pageSize: number | undefined, sink: (width: number) => RowSink<T>): Promise<PageOf<T>> {
    return this.run(session, async () => {
      const connection = session.connection;
      if (connection?.broken) throw this.lost(session, connection, connection.brokenReason);
      const declared = session.declared.get(name);
      if (!declared || !connection) {
        throw new PgError('noCursor', `This result is closed: ${session.declaredClosedReasons.get(name) ?? 'it was read to the end or closed. Run the statement again.'}`);
      }
      if (declared.idleTimer) clearTimeout(declared.idleTimer);
      // FETCH needs the wire: a protocol cursor still open on it (a later result) is closed first.
      if (session.cursor) {
        session.cursorClosedReason = 'another result of the run was paged, which needed the connection. Run the statement again to see the rest.';
        await this.closeCursor(session);
        this.report(session, 'cursorClosed', session.cursorClosedReason);
      }
      const size = checkPageSize(pageSize ?? LATER_PAGE_SIZES[Math.min(declared.pages - 1, LATER_PAGE_SIZES.length - 1)]);
      try {
        if (declared.scroll) {
          let page;
          try {
            page = await fetchAtInto(connection, declared, declared.rowsSoFar, size, sink(declared.columns.length));
          } catch (err) {
            throw await this.scrollReadFailed(session, connection, declared, err);
          }
          this.armDeclaredIdleTimer(session, declared);
          return { rows: page.rows, count: page.count, done: page.done, rowsSoFar: declared.rowsSoFar };
        }
        const page = await fetchCursor(connection, declared, size, this.typeNames, sink(declared.columns.length));
        if (page.done) session.dropDeclared('it was read to the end.', (c) => c === declared);
        else this.armDeclaredIdleTimer(session, declared);
        return { rows: page.rows, count: page.count, done: page.done, rowsSoFar: declared.rowsSoFar };
      } catch (err) {
        throw this.callFailed(session, connection, err);
      }
    });
  }

  /** A named cursor untouched for cursorIdleTimeoutMs is closed, as the protocol cursor is. */
  private armDeclaredIdleTimer(session: SessionState, declared: DeclaredCursor): void {
    const timeout = this.options.cursorIdleTimeoutMs;
    if (timeout <= 0) return;
    if (declared.idleTimer) clearTimeout(declared.idleTimer);
    declared.idleTimer = setTimeout(() => {
      if (session.declared.get(declared.name) !== declared || this.closed) return;
      if (session.busy) return this.armDeclaredIdleTimer(session, declared);
      const reason =
        `it was closed after ${formatDuration(timeout)} without a fetch, to free what the server kept for it (cursorIdleTimeoutMs). ` +
        'Run the statement again to see it.';
      void this.run(session, async () => {
        session.dropDeclared(reason, (c) => c === declared);
        if (session.connection) await closeNamed(session.connection, declared);
      })
        .catch(() => undefined)
        .then(() => this.report(session, 'cursorClosed', reason));
    }, timeout);
    declared.idleTimer.unref();
  }

  /**
   * Sends a protocol CancelRequest for the session's running statement, over the same route as
   * its connection; a call still waiting for a connection ends at once as `cancelled`. Returns
   * false when the session has nothing running.
   */
  async cancel(sessionId: string): Promise<boolean> {
    const session = this.sessions.get(sessionId);
    return session ? this.cancelSession(session) : false;
  }

  private async cancelSession(session: SessionState): Promise<boolean> {
    if (!session.busy) return false;
    session.cancelRequested = true;
    const connection = session.connection;
    if (!connection) {
      // Still waiting for a connection: end the wait; the statement never reaches the server.
      this.wake();
      return true;
    }
    if (connection.broken) return false;
    try {
      await connection.cancel();
    } catch (err) {
      throw new PgError('connect', `Could not send the cancel request to ${this.target}: ${(err as Error).message}`);
    }
    return true;
  }

  /**
   * After a lost connection: drops the session's broken wire (its transaction, SETs and temp
   * tables died with the backend), without the error a next statement would otherwise throw, and
   * opens a fresh one now, so the user learns at once whether the server is back. A live
   * connection is kept as it is. Returns the session's state on the new wire.
   */
  async reconnect(sessionId: string): Promise<SessionInfo> {
    const session = this.sessionFor(sessionId);
    return this.run(session, async () => {
      const current = session.connection;
      if (current?.broken) {
        session.connection = undefined;
        session.clearCursor();
        session.dropDeclared('the connection to the server was lost.');
        this.discard(current);
      }
      await this.attach(session);
      return infoOf(session);
    });
  }

  /** Closes the session's cursor, rolls back its open transaction and frees its connection. */
  async releaseSession(sessionId: string): Promise<void> {
    const session = this.sessions.get(sessionId);
    const handle = this.handles.get(sessionId);
    this.handles.delete(sessionId);
    if (!session) {
      handle?.finish({ change: 'released', info: DETACHED_INFO });
      return;
    }
    // New calls under this id start a new session from here on.
    this.sessions.delete(sessionId);
    if (session.busy) {
      // The session is out of the map already: cancel it by itself, not by its id.
      await this.cancelSession(session).catch(() => false);
      while (session.inFlight) await session.inFlight;
    }
    const open = session.cursor;
    session.clearCursor();
    // DISCARD ALL (recycle) closes them on the server.
    session.dropDeclared('the session was released.');
    const connection = session.connection;
    session.connection = undefined;
    if (connection) {
      // The cursor's portal must be closed before ROLLBACK can even be sent on this wire.
      const closed = await open?.statement.close().then(() => true, () => false);
      if (closed === false) this.discard(connection);
      else await this.recycle(connection);
    }
    this.wake();
    handle?.finish({ change: 'released', info: DETACHED_INFO });
  }

  sessionInfo(sessionId: string): SessionInfo | undefined {
    const session = this.sessions.get(sessionId);
    if (!session) return undefined;
    return infoOf(session);
  }

  stats(): PoolStats {
    const idle = this.idle.length;
    const total = this.connections.size;
    return { total, leased: total - idle, idle, waiting: this.waiting };
  }

  /** Ends every connection. The server rolls back what was open. Later calls fail with `closed`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Statements in flight are cancelled on the server first: ending the socket alone leaves the
    // backend running (and holding its locks) until the statement finishes.
    const running = [...this.sessions.values()].filter((s) => s.busy && s.connection && !s.connection.broken);
    await Promise.all(
      running.map((s) => {
        s.cancelRequested = true;
        return s.connection?.cancel().catch(() => undefined);
      }),
    );
    for (const session of this.sessions.values()) session.clearCursor();
    this.sessions.clear();
    for (const handle of this.handles.values()) handle.finish({ change: 'released', info: DETACHED_INFO, reason: 'The connection pool was closed.' });
    this.handles.clear();
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    this.wake();
    const all = [...this.connections];
    this.connections.clear();
    this.idle.length = 0;
    await Promise.all(all.map((c) => c.close()));
    await this.tunnel?.close();
  }

  // ---------------------------------------------------------------------------------------------
  // Introspection (introspect.ts): thin methods that delegate, over BROWSER_SESSION_ID

  listDatabases(): Promise<introspect.DbSummary[]> {
    return this.browse((client) => introspect.listDatabases(client));
  }

  /** pg_catalog, information_schema, pg_toast and pg_temp_* only with `includeSystem`. */
  listSchemas(options: { includeSystem?: boolean } = {}): Promise<introspect.SchemaSummary[]> {
    return this.browse((client) => introspect.listSchemas(client, options));
  }

  listRelations(schema: string): Promise<introspect.Relation[]> {
    return this.browse((client) => introspect.listRelations(client, schema));
  }

  schemaContents(schema: string, filter: introspect.SchemaFilter = {}): Promise<introspect.SchemaContents> {
    return this.browse((client) => introspect.schemaContents(client, schema, filter));
  }

  describeRelation(schema: string, name: string): Promise<introspect.RelationDescription> {
    return this.browse((client) => introspect.describeRelation(client, schema, name));
  }

  listExtensions(): Promise<introspect.Extension[]> {
    return this.browse((client) => introspect.listExtensions(client));
  }

  /** Every column of every relation (system schemas only with `includeSystem`), for autocomplete. */
  listAllColumns(options: { includeSystem?: boolean } = {}): Promise<introspect.ColumnSummary[]> {
    return this.browse((client) => introspect.listAllColumns(client, options));
  }

  /** CREATE text for one object; `options` picks one overload of a function or procedure. */
  getDdl(kind: introspect.DdlKind, schema: string, name: string, options: DdlOptions = {}): Promise<string> {
    return this.browse((client) => getDdl(client, kind, schema, name, options));
  }

  /** The whole schema's DDL, in an order that applies on an empty database. */
  getSchemaDdl(schema: string): Promise<string> {
    return this.browse((client) => getSchemaDdl(client, schema));
  }

  /** The catalog the SQL editor completes from (catalog.ts): a fixed number of queries. */
  loadCatalog(options: catalog.CatalogOptions = {}): Promise<catalog.CatalogSnapshot> {
    return this.browse((client) => catalog.loadCatalog(client, options));
  }

  /**
   * Parse-only server check of one statement (check.ts): the server's error, or undefined. Never
   * runs it. `searchPath`: resolve names as a tab with that search_path would.
   */
  async checkStatement(sql: string, options: CheckOptions = {}): Promise<PgError | undefined> {
    checkStatementText(sql);
    return this.browse((client) => checkStatement(client, sql, options));
  }

  /** The last introspection call queued on the browser session. */
  private browsing: Promise<unknown> = Promise.resolve();

  /**
   * Introspection calls queue on the browser session instead of failing with `sessionBusy`: the
   * tree expands several nodes at once, and each call is short.
   */
  private browse<T>(fn: (client: PooledConnection['client']) => Promise<T>): Promise<T> {
    const call = this.browsing.then(() => this.withSessionConnection(BROWSER_SESSION_ID, (connection) => fn(connection.client)));
    this.browsing = call.catch(() => undefined);
    return call;
  }

  // ---------------------------------------------------------------------------------------------
  // Editing (edit.ts): thin methods that delegate, each on a short lease of its own

  /**
   * The statement "Open Data" runs for a table: every row, in the order of its row identity when
   * it has one, so the rows come in a stable order that an index scan delivers at once (a
   * cursor's plan favours the first rows).
   */
  async tableDataSql(target: edit.TableRef): Promise<string> {
    const e = await this.editability(target).catch(() => undefined);
    const order = e?.editable ? ` ORDER BY ${e.key.map(edit.quoteIdent).join(', ')}` : '';
    return `SELECT * FROM ${edit.quoteIdent(target.schema)}.${edit.quoteIdent(target.table)}${order}`;
  }

  /**
   * REFRESH MATERIALIZED VIEW [CONCURRENTLY] on a session of its own (released after), so a long
   * refresh never queues behind a tab; `signal` cancels it on the server.
   */
  async refreshMaterializedView(target: edit.TableRef, options: { concurrently?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    const session = this.session(`pg-explorer:refresh:${++this.anonymousLeases}`);
    const onAbort = (): void => void session.cancel().catch(() => false);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await session.execute(
        `REFRESH MATERIALIZED VIEW ${options.concurrently ? 'CONCURRENTLY ' : ''}${edit.quoteIdent(target.schema)}.${edit.quoteIdent(target.table)}`,
      );
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      await session.release();
    }
  }

  /** Whether rows of the table can be edited here: its row identity columns, or why not. */
  editability(target: edit.TableRef): Promise<edit.Editability> {
    return this.withShortLease((connection) => edit.editability(connection, target));
  }

  /**
   * Whether a result's rows can be edited in place (one table, its row identity selected, and the
   * privileges to change it). `asSession`: checked as that session's role, with its settings.
   */
  async editabilityOfResult(columns: edit.ResultColumnMeta[], asSession?: string): Promise<edit.ResultEditability> {
    const context = asSession === undefined ? undefined : await this.contextOf(asSession);
    return this.withShortLease(async (connection) => {
      if (!context) return edit.editabilityOfResult(connection, columns);
      await connection.query('BEGIN TRANSACTION READ ONLY');
      try {
        await applyContext(connection.client, context);
        return await edit.editabilityOfResult(connection, columns);
      } finally {
        await connection.query('ROLLBACK').catch(() => undefined);
      }
    });
  }

  /** Sets one cell if it still holds `expected`; else `conflict` with its current value, nothing written. */
  updateCell(target: edit.TableRef, key: edit.RowKey, column: string, newValue: string | null, expected: string | null): Promise<edit.UpdateOutcome> {
    return this.withShortLease((connection) => edit.updateCell(connection, target, key, column, newValue, expected));
  }

  insertRow(target: edit.TableRef, columns: edit.InsertColumnInput[]): Promise<edit.InsertedRow> {
    return this.withShortLease((connection) => edit.insertRow(connection, target, columns));
  }

  /** Deletes the row if the columns in `expected` still hold those values; `updated` carries the deleted row. */
  deleteRow(target: edit.TableRef, key: edit.RowKey, expected?: edit.RowValues): Promise<edit.UpdateOutcome> {
    return this.withShortLease((connection) => edit.deleteRow(connection, target, key, expected));
  }

  /**
   * Applies the changes in order in one transaction: all, or none (a conflict or an error undoes
   * the batch). `asSession`: as that session (its role, search_path, TimeZone, DateStyle and
   * other settings, by SET LOCAL), so the result's tab and its edits see the same rules.
   */
  async applyChanges(target: edit.TableRef, changes: edit.RowChange[], asSession?: string): Promise<edit.ApplyOutcome> {
    const context = asSession === undefined ? undefined : await this.contextOf(asSession);
    return this.withShortLease((connection) => edit.applyChanges(connection, target, changes, context));
  }

  // ---------------------------------------------------------------------------------------------
  // Export (copy.ts)

  /**
   * Writes the whole result of a plain query to `request.destination` with COPY, as the session
   * `sessionId`: on a short lease with its role and settings applied (so the tab can go on
   * paging), or, when the session has temporary tables (which no other connection sees), on the
   * session's own connection, serialised with its calls. Never re-runs anything but one plain
   * SELECT / VALUES / TABLE, and always in a read-only transaction.
   */
  async exportResult(sessionId: string, request: CopyRequest): Promise<CopyProgress> {
    const notPlain = await whyNotPlainQuery(request.sql);
    if (notPlain) {
      throw new PgError(
        'query',
        `This result cannot be exported: exporting runs its statement again, and ${notPlain}. ` +
          'Export a SELECT of the rows instead (for example from the table, or a CTE that reads them).',
      );
    }
    const context = await this.contextOf(sessionId);
    if (!context.hasTempTables) {
      const outcome = await this.withShortLease(async (connection) => {
        await connection.query('BEGIN TRANSACTION READ ONLY');
        await applyContext(connection.client, context);
        try {
          const progress = await copyOut(connection, request);
          await connection.query('COMMIT');
          return { progress };
        } catch (err) {
          // A COPY that failed part-way leaves nothing worth keeping: the lease's connection is
          // closed (the server ends the backend and its transaction), never recycled. The error
          // is the export's own, not a lost connection's, so it is returned past the lease.
          await connection.close();
          return { error: err instanceof PgError ? err : toQueryError(err, { cancelRequested: false }) };
        }
      });
      if ('error' in outcome) throw outcome.error;
      return outcome.progress;
    }
    const session = this.sessions.get(sessionId);
    if (!session?.connection || session.busy || session.cursor || hasScrollCursor(session)) {
      throw new PgError(
        'query',
        "This tab's session has temporary tables, which only its own connection can see, and that connection is busy " +
          'with an open result. Read the result to the end or close its cursor, then export again.',
      );
    }
    return this.run(session, async () => {
      const connection = await this.attach(session);
      const inTransaction = connection.txStatus !== 'idle';
      if (connection.txStatus === 'failed') {
        throw new PgError('query', "This tab's transaction has failed: roll it back before exporting.");
      }
      try {
        // Inside the tab's own transaction a savepoint keeps the export from touching it.
        await connection.query(inTransaction ? 'SAVEPOINT pg_explorer_export; SET LOCAL transaction_read_only = on' : 'BEGIN TRANSACTION READ ONLY');
        let progress: CopyProgress;
        try {
          progress = await copyOut(connection, request);
        } finally {
          if (!connection.broken) await connection.query(inTransaction ? 'ROLLBACK TO SAVEPOINT pg_explorer_export; RELEASE SAVEPOINT pg_explorer_export' : 'ROLLBACK');
        }
        return progress;
      } catch (err) {
        throw this.callFailed(session, connection, err);
      }
    });
  }

  /** The session's context, read from its connection now when the wire is free and it may have changed. */
  private async contextOf(sessionId: string): Promise<SessionContext> {
    const session = this.sessions.get(sessionId);
    if (!session?.connection) return LOGIN_CONTEXT;
    if (session.contextStale && !session.busy && !session.cursor && !session.connection.broken) {
      await this.run(session, async () => {
        const connection = await this.attach(session);
        await this.refreshContext(session, connection).catch((err: unknown) => {
          throw this.callFailed(session, connection, err);
        });
      }, { background: true }).catch(() => undefined);
    }
    return session.context;
  }

  private async refreshContext(session: SessionState, connection: PooledConnection): Promise<void> {
    // Any statement in a failed transaction fails: the context is read after the ROLLBACK instead.
    if (connection.txStatus === 'failed') return;
    session.context = await readContext(connection.client, session.customSettingNames);
    session.contextStale = false;
  }

  // ---------------------------------------------------------------------------------------------
  // Connection access for the pool's other modules (introspection, editing)

  /** Runs `fn` on the session's connection, as one call of that session (closing its cursor first). */
  private async withSessionConnection<T>(sessionId: string, fn: (connection: PooledConnection) => Promise<T>): Promise<T> {
    const session = this.sessionFor(sessionId);
    return this.run(session, async () => {
      const connection = await this.attach(session);
      session.pendingReset = undefined;
      if (session.cursor) await this.closeCursor(session);
      await this.closeScrollCursors(session, 'an edit on the session\'s own connection needed it. Run the statement again to see it.');
      try {
        return await fn(connection);
      } catch (err) {
        throw this.callFailed(session, connection, err);
      }
    });
  }

  /**
   * Runs `fn` on a connection of its own, leased for the call and returned after, so that short
   * work (an edit) never queues behind a session's open cursor. A transaction left open is rolled back.
   */
  private async withShortLease<T>(fn: (connection: PooledConnection) => Promise<T>): Promise<T> {
    const session = new SessionState(`pg-explorer:lease:${++this.anonymousLeases}`);
    this.sessions.set(session.id, session);
    try {
      return await this.run(session, async () => {
        const connection = await this.attach(session);
        try {
          return await fn(connection);
        } catch (err) {
          throw this.callFailed(session, connection, err);
        }
      });
    } finally {
      await this.releaseSession(session.id);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Sessions

  private sessionFor(sessionId: string): SessionState {
    if (this.closed) throw closedError();
    let session = this.sessions.get(sessionId);
    if (!session) {
      session = new SessionState(sessionId);
      this.sessions.set(sessionId, session);
    }
    return session;
  }

  /** One call at a time per session; `inFlight` settles when the call ends, whatever its result. */
  private async run<T>(session: SessionState, call: () => Promise<T>, options: { background?: boolean } = {}): Promise<T> {
    if (this.closed) throw closedError();
    // The user's call waits for the extension's own short background read instead of failing.
    while (session.busy && session.backgroundInFlight && !options.background) await session.inFlight;
    if (this.closed) throw closedError();
    if (session.busy) {
      throw new PgError(
        'sessionBusy',
        'A statement is still running in this session. Wait for it to finish or cancel it, then try again.',
      );
    }
    let settle!: () => void;
    session.inFlight = new Promise<void>((resolve) => (settle = resolve));
    session.backgroundInFlight = options.background === true;
    session.cancelRequested = false;
    if (!options.background) this.report(session, 'busy');
    try {
      // A CancelRequest still on its way must land before this call's statement is sent, or it
      // could stop the wrong statement. (Awaited only then: most calls have none to wait for.)
      const cancelling = session.connection?.cancelInFlight;
      if (cancelling) await cancelling;
      return await call();
    } finally {
      const background = session.backgroundInFlight;
      session.inFlight = undefined;
      session.backgroundInFlight = false;
      if (!background) session.lastUsed = Date.now();
      settle();
      this.wake();
      if (!background) this.report(session, 'idle');
    }
  }

  /** Tells the session's handle (if any) what changed; a transaction status change is its own event too. */
  private report(session: SessionState, change: SessionChange['change'], reason?: string): void {
    const handle = this.handles.get(session.id);
    if (!handle || this.sessions.get(session.id) !== session) return;
    const info = infoOf(session);
    handle.fire(reason === undefined ? { change, info } : { change, info, reason });
    if (change === 'idle' && info.txStatus !== session.reportedTxStatus) {
      const was = session.reportedTxStatus;
      session.reportedTxStatus = info.txStatus;
      // The server's own word on how it ended: COMMIT of a failed transaction answers ROLLBACK.
      const ended = info.txStatus !== 'idle' ? undefined : was === 'failed' || session.lastCommand === 'ROLLBACK' ? 'rolledBack' : session.lastCommand === 'COMMIT' ? 'committed' : undefined;
      handle.fire(ended ? { change: 'txStatus', info, ended } : { change: 'txStatus', info });
    }
  }

  /** The session's connection, leasing one if it has none. */
  private async attach(session: SessionState): Promise<PooledConnection> {
    const current = session.connection;
    if (current?.broken) throw this.lost(session, current, current.brokenReason);
    if (current) return current;
    const connection = await this.acquire(session);
    session.connection = connection;
    // A connection fresh from the pool (or reset) is in the login's context.
    session.context = LOGIN_CONTEXT;
    session.contextStale = false;
    return connection;
  }

  /** Closes the session's scroll cursors (ending the pool's own transaction), saying why to a later read. */
  private async closeScrollCursors(session: SessionState, reason: string): Promise<void> {
    const scrolls = [...session.declared.values()].filter((c) => c.scroll);
    if (scrolls.length === 0) return;
    session.dropDeclared(reason, (c) => scrolls.includes(c));
    const connection = session.connection;
    if (!connection) return;
    for (const cursor of scrolls) {
      try {
        await closeScrollCursor(connection, cursor);
      } catch (err) {
        throw this.callFailed(session, connection, err);
      }
    }
  }

  /** Rows `offset` .. `offset + count - 1` of the scroll cursor `cursorName` (execute's `scrollable`). */
  fetchAt(sessionId: string, cursorName: string, offset: number, count: number): Promise<PageResult> {
    return this.fetchAtInto(sessionId, cursorName, offset, count, () => new RowList()).then(({ rows, done, rowsSoFar }) => ({ rows, done, rowsSoFar }));
  }

  /** fetchAt with the rows as one packed page of the server's bytes (see fetchPackedPage). */
  fetchPackedAt(sessionId: string, cursorName: string, offset: number, count: number): Promise<PackedPageResult> {
    return this.fetchAtInto(sessionId, cursorName, offset, count, (width) => new PackedPageBuilder(width));
  }

  private fetchAtInto<T>(sessionId: string, cursorName: string, offset: number, count: number, sink: (width: number) => RowSink<T>): Promise<PageOf<T>> {
    const session = this.sessionFor(sessionId);
    if (!Number.isInteger(offset) || offset < 0) throw new PgError('config', `offset must be a whole number of at least 0 (got ${String(offset)}).`);
    const size = checkPageSize(count);
    return this.withScrollCursor(session, cursorName, async (connection, cursor) => {
      const page = await fetchAtInto(connection, cursor, offset, size, sink(cursor.columns.length));
      return { rows: page.rows, count: page.count, done: page.done, rowsSoFar: offset + page.count };
    });
  }

  /** The number of rows of the scroll cursor `cursorName`: read to the end on the server the first time. */
  countRows(sessionId: string, cursorName: string): Promise<number> {
    const session = this.sessionFor(sessionId);
    return this.withScrollCursor(session, cursorName, (connection, cursor) => countRows(connection, cursor));
  }

  private withScrollCursor<T>(session: SessionState, name: string, fn: (connection: PooledConnection, cursor: DeclaredCursor) => Promise<T>): Promise<T> {
    return this.run(session, async () => {
      const connection = session.connection;
      if (connection?.broken) throw this.lost(session, connection, connection.brokenReason);
      const declared = session.declared.get(name);
      if (!declared?.scroll || !connection) {
        throw new PgError('noCursor', `This result is closed: ${session.declaredClosedReasons.get(name) ?? 'it was closed. Run the statement again.'}`);
      }
      if (declared.idleTimer) clearTimeout(declared.idleTimer);
      try {
        const value = await fn(connection, declared);
        this.armDeclaredIdleTimer(session, declared);
        return value;
      } catch (err) {
        throw await this.scrollReadFailed(session, connection, declared, err);
      }
    });
  }

  /**
   * A scroll cursor's read failed. A server error inside a transaction block aborts the block, so
   * the cursor is gone with it: it is dropped, the pool's own transaction is rolled back (the
   * user's stays theirs to end), and a cancel is told as one, never as the aborted transaction
   * the next read would meet. node-postgres rejects at ErrorResponse, before ReadyForQuery, so
   * `txStatus` is not yet 'failed' here: the statement sent next waits for it.
   */
  private async scrollReadFailed(session: SessionState, connection: PooledConnection, declared: DeclaredCursor, err: unknown): Promise<PgError> {
    const error = this.callFailed(session, connection, err);
    if (connection.broken || error.kind === 'connectionLost' || error.kind === 'closed' || error.code === undefined) return error;
    const own = declared.scroll?.ownTransaction === true;
    const cancelled = error.kind === 'cancelled';
    session.dropDeclared(
      cancelled
        ? 'its read was cancelled, which ended the transaction it was read in. Run the statement again to see the rest.'
        : `reading it failed (${error.message}), which ended the transaction it was read in. Run the statement again to see it.`,
      (c) => c === declared,
    );
    // ROLLBACK ends the pool's own transaction; an empty statement only waits for ReadyForQuery,
    // so the session reports the user's transaction as failed when this call ends.
    await connection.client.query(own ? 'ROLLBACK' : '').catch(() => undefined);
    if (!cancelled) return error;
    const message = own
      ? 'The fetch was cancelled. The rows shown stay; the rest of the result went with its cursor: run the statement again to see it.'
      : 'The fetch was cancelled, which aborted your transaction and closed the cursor: run ROLLBACK to continue, then run the statement again to see the rest.';
    return new PgError('cancelled', message, { code: error.code }, { cause: err });
  }

  private async closeCursor(session: SessionState): Promise<void> {
    const open = session.cursor;
    session.clearCursor();
    if (!open || !session.connection) return;
    try {
      await open.statement.close();
    } catch (err) {
      throw this.callFailed(session, session.connection, err);
    }
  }

  private armCursorIdleTimer(session: SessionState): void {
    const open = session.cursor;
    const timeout = this.options.cursorIdleTimeoutMs;
    if (!open || timeout <= 0) return;
    if (open.idleTimer) clearTimeout(open.idleTimer);
    open.idleTimer = setTimeout(() => {
      if (session.cursor !== open || this.closed) return;
      if (session.busy) return this.armCursorIdleTimer(session);
      session.cursorClosedReason =
        `The result was closed after ${formatDuration(timeout)} without a fetch, to release the transaction, ` +
        'snapshot and locks its cursor held (cursorIdleTimeoutMs). Run the statement again to see it.';
      void this.run(session, () => this.closeCursor(session))
        .catch(() => undefined)
        .then(() => this.report(session, 'cursorClosed', session.cursorClosedReason));
    }, timeout);
    open.idleTimer.unref();
  }

  /** Maps a failed call's error; a broken connection is dropped from the session and the pool. */
  private callFailed(session: SessionState, connection: PooledConnection, err: unknown): PgError {
    if (this.closed) return closedError();
    if (connection.broken) return this.lost(session, connection, err);
    const error = toQueryError(err, { cancelRequested: session.cancelRequested });
    if (error.kind === 'connectionLost') return this.lost(session, connection, err);
    return error;
  }

  private lost(session: SessionState, connection: PooledConnection, cause: unknown): PgError {
    const wasAttached = session.connection === connection;
    // A background read keeps the broken wire, so the user's next call still says it was lost.
    if (wasAttached && !session.backgroundInFlight) session.connection = undefined;
    session.clearCursor();
    session.dropDeclared('the connection to the server was lost.');
    this.discard(connection);
    const error = toQueryError(cause ?? new Error('Connection terminated unexpectedly'), { cancelRequested: false });
    const lostError =
      error.kind === 'connectionLost'
        ? error
        : new PgError('connectionLost', `The connection to the server was lost (${error.message}). Run the statement again to reconnect.`, {}, { cause });
    if (wasAttached) this.report(session, 'connectionLost', lostError.message);
    return lostError;
  }

  // ---------------------------------------------------------------------------------------------
  // Connections

  private async acquire(forSession: SessionState): Promise<PooledConnection> {
    const deadline = Date.now() + this.options.acquireTimeoutMs;
    for (;;) {
      if (this.closed) throw closedError();
      if (forSession.cancelRequested) {
        throw new PgError('cancelled', 'The statement was cancelled while it waited for a free connection; it never ran.');
      }
      const idle = this.takeIdle();
      if (idle) return idle;
      if (this.connections.size + this.opening < this.options.maxSize) return this.openConnection();
      const reclaimed = await this.reclaim(forSession);
      if (reclaimed) return reclaimed;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw this.exhausted();
      this.waiting += 1;
      try {
        await this.nextChange(remaining);
      } finally {
        this.waiting -= 1;
      }
    }
  }

  private takeIdle(): PooledConnection | undefined {
    for (;;) {
      const connection = this.idle.pop();
      if (!connection) return undefined;
      const timer = this.idleTimers.get(connection);
      if (timer) clearTimeout(timer);
      this.idleTimers.delete(connection);
      if (!connection.broken) return connection;
    }
  }

  /** Takes the connection of the session idle longest with no cursor and no transaction. */
  private async reclaim(forSession: SessionState): Promise<PooledConnection | undefined> {
    let victim: SessionState | undefined;
    for (const session of this.sessions.values()) {
      if (session === forSession || !session.reclaimable) continue;
      if (!victim || session.lastUsed < victim.lastUsed) victim = session;
    }
    const connection = victim?.connection;
    if (!victim || !connection) return undefined;
    victim.connection = undefined;
    victim.pendingReset = 'reclaimed';
    this.report(victim, 'reset', 'Its idle connection was given to another session: its SET values and temporary tables are gone.');
    try {
      await connection.cancelSettled();
      await connection.query('DISCARD ALL');
      return connection;
    } catch {
      this.discard(connection);
      return undefined;
    }
  }

  private async openConnection(): Promise<PooledConnection> {
    this.opening += 1;
    try {
      const route = await this.route();
      const connection = await openProfileConnection(this.config, route, {
        connectTimeoutMs: this.options.connectTimeoutMs,
        target: this.target,
        onWarning: this.options.onWarning,
      }).catch((err: unknown) => {
        throw this.tunnel?.explainFailure(err) ?? err;
      });
      if (this.closed) {
        await connection.close();
        throw closedError();
      }
      connection.onBroken((err) => {
        this.discard(connection);
        this.wake();
        // A session idle on this wire learns of it now, not at its next call.
        // It keeps the broken wire, so that its next call says the connection was lost (its
        // transaction and SETs are gone) instead of quietly running on a new one.
        for (const session of this.sessions.values()) {
          if (session.connection === connection && !session.busy && !this.closed) {
            this.report(session, 'connectionLost', `The connection to the server was lost (${err.message}).`);
          }
        }
      });
      this.connections.add(connection);
      await this.typeNames.ensureLoaded(connection.client).catch(() => undefined);
      return connection;
    } finally {
      this.opening -= 1;
    }
  }

  /** Where sockets go: the server itself, or channels on the profile's SSH connection (opened here). */
  private route(): Promise<Route> {
    const { host, port, ssh } = this.config;
    if (!ssh) return Promise.resolve({ host, port });
    this.tunnel ??= new SshTunnel(ssh, { host, port }, { connectTimeoutMs: this.options.connectTimeoutMs });
    return this.tunnel.open();
  }

  /** Returns a connection to the idle list clean (no cursor, no transaction, no session state), or drops it. */
  private async recycle(connection: PooledConnection): Promise<void> {
    if (connection.broken || this.closed) {
      this.discard(connection);
      return;
    }
    try {
      await connection.cancelSettled();
      if (connection.txStatus !== 'idle') await connection.query('ROLLBACK');
      await connection.query('DISCARD ALL');
      this.toIdle(connection);
    } catch {
      this.discard(connection);
    }
  }

  private toIdle(connection: PooledConnection): void {
    if (this.closed || connection.broken) return this.discard(connection);
    this.idle.push(connection);
    const timeout = this.options.idleTimeoutMs;
    if (timeout > 0) {
      const timer = setTimeout(() => {
        const index = this.idle.indexOf(connection);
        if (index < 0) return;
        this.idle.splice(index, 1);
        this.discard(connection);
      }, timeout);
      timer.unref();
      this.idleTimers.set(connection, timer);
    }
    this.wake();
  }

  private discard(connection: PooledConnection): void {
    const timer = this.idleTimers.get(connection);
    if (timer) clearTimeout(timer);
    this.idleTimers.delete(connection);
    const index = this.idle.indexOf(connection);
    if (index >= 0) this.idle.splice(index, 1);
    if (this.connections.delete(connection)) void connection.close();
  }

  private nextChange(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeups.push(done);
    });
  }

  /** Something changed (a connection freed or dropped, a call ended): waiters look again. */
  private wake(): void {
    const wakeups = this.wakeups;
    this.wakeups = [];
    for (const wakeup of wakeups) wakeup();
  }

  private exhausted(): PgError {
    const { maxSize, acquireTimeoutMs, maxSizeHint } = this.options;
    return new PgError(
      'poolExhausted',
      `All ${maxSize} connections to ${this.target} are held by sessions with an open result or transaction ` +
        `(waited ${formatDuration(acquireTimeoutMs)}). Close a results tab or finish its transaction, ` +
        `or raise the connection limit (${maxSizeHint}, now ${maxSize}).`,
    );
  }
}


function infoOf(session: SessionState): SessionInfo {
  const connection = session.connection && !session.connection.broken ? session.connection : undefined;
  return {
    txStatus: connection ? reportedTxStatus(session, connection) : 'idle',
    // A scroll cursor in the pool's own transaction holds one as the protocol cursor does.
    cursorOpen: connection !== undefined && (session.cursor !== undefined || ownsTransaction(session)),
    backendPid: connection?.backendPid ?? null,
    busy: session.busy && !session.backgroundInFlight,
    connected: connection !== undefined,
    openCursors: connection ? [...session.declared.keys()] : [],
    standardConformingStrings: connection?.parameter('standard_conforming_strings') !== 'off',
  };
}

function hasScrollCursor(session: SessionState): boolean {
  if (session.declared.size === 0) return false;
  return [...session.declared.values()].some((c) => c.scroll);
}

/** The session holds a transaction the pool opened for a scroll cursor (not the user's). */
function ownsTransaction(session: SessionState): boolean {
  if (session.declared.size === 0) return false;
  return [...session.declared.values()].some((c) => c.scroll?.ownTransaction === true);
}

/** The transaction status the caller sees: the pool's own transaction (a scroll cursor's) is not the user's. */
function reportedTxStatus(session: SessionState, connection: PooledConnection): SessionInfo['txStatus'] {
  return connection.txStatus === 'inTransaction' && ownsTransaction(session) ? 'idle' : connection.txStatus;
}

function closeNamed(connection: PooledConnection, cursor: DeclaredCursor): Promise<void> {
  return cursor.scroll ? closeScrollCursor(connection, cursor) : closeDeclared(connection, cursor.name);
}

function closedError(): PgError {
  return new PgError('closed', 'The connection pool was closed (disconnected). Connect again to continue.');
}

function checkPageSize(size: number): number {
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new PgError('config', `pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE} (got ${String(size)}).`);
  }
  return size;
}

function formatDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1_000 === 0) return `${ms / 1_000} s`;
  return `${ms} ms`;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
