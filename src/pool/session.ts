/**
 * A session is a caller's named line of work (an editor, a results tab, the schema tree). It
 * holds at most one connection and at most one open cursor, and runs one call at a time.
 *
 * States, by what it holds:
 *   detached  no connection (new, released, reclaimed, or its connection was lost)
 *   attached  a connection, no open cursor
 *   paging    a connection and an open cursor (which holds an implicit or explicit transaction)
 * `busy` is orthogonal: a call (execute, fetchPage) is in flight.
 */
import type { PooledConnection } from './connection';
import type { DeclaredCursor } from './declared-cursor';
import type { StatementCursor } from './exec';
import type { ColumnMeta, SessionContext, SessionInfo, SessionResetReason, TxStatus } from './types';

/** What a session that holds nothing looks like (not started yet, released, or its pool closed). */
export const DETACHED_INFO: SessionInfo = {
  txStatus: 'idle',
  cursorOpen: false,
  backendPid: null,
  busy: false,
  connected: false,
  openCursors: [],
  standardConformingStrings: true,
};

/** A fresh connection's context: the login role, no session settings, no temp tables. */
export const LOGIN_CONTEXT: SessionContext = { role: null, settings: [], hasTempTables: false };

export interface OpenCursor {
  statement: StatementCursor;
  columns: ColumnMeta[];
  /** Pages fetched so far, to grow the default page size. */
  pages: number;
  idleTimer?: NodeJS.Timeout;
}

export class SessionState {
  connection: PooledConnection | undefined;
  cursor: OpenCursor | undefined;
  /** The call in flight is the extension's own background read (ExecuteOptions.background). */
  backgroundInFlight = false;
  /** The call in flight, if any; settles (never rejects) when the call ends. */
  inFlight: Promise<void> | undefined;
  lastUsed = Date.now();
  /** Set when a CancelRequest was sent for the call in flight, to tell it from a statement_timeout. */
  cancelRequested = false;
  /** Reported on the session's next outcome. */
  pendingReset: SessionResetReason | undefined;
  /** Why the last cursor was closed by the pool rather than by the caller. */
  cursorClosedReason: string | undefined;
  /**
   * The session's role, settings and temp tables as last read from its connection. `contextStale`
   * is set after a statement that may have changed them (SET, RESET, DO, COMMIT, ...); the pool
   * reads them again before the session's next statement, so they are current whenever a cursor
   * is open and the wire cannot be asked.
   */
  context: SessionContext = LOGIN_CONTEXT;
  contextStale = false;
  /** Custom settings (app.tenant ...) the session's statements named: pg_settings does not list them. */
  readonly customSettingNames = new Set<string>();
  /** Named cursors (results kept pageable while later statements run), by name. */
  readonly declared = new Map<string, DeclaredCursor>();
  /** Why a named cursor went away without its caller closing it (the transaction ended, idle). */
  readonly declaredClosedReasons = new Map<string, string>();
  /** The transaction status last reported to listeners. */
  reportedTxStatus: TxStatus = 'idle';
  /** The command tag of the session's last statement (COMMIT, ROLLBACK ...): how a transaction ended. */
  lastCommand: string | undefined;

  constructor(readonly id: string) {}

  get busy(): boolean {
    return this.inFlight !== undefined;
  }

  /** Reclaimable: holds a connection but no cursor, no transaction and no call in flight. */
  get reclaimable(): boolean {
    return (
      this.connection !== undefined &&
      !this.busy &&
      this.cursor === undefined &&
      this.declared.size === 0 &&
      !this.connection.broken &&
      this.connection.txStatus === 'idle'
    );
  }

  clearCursor(): void {
    if (this.cursor?.idleTimer) clearTimeout(this.cursor.idleTimer);
    this.cursor = undefined;
  }

  /** Forgets named cursors (the server closed them, or the connection is gone), saying why. */
  dropDeclared(reason: string, which: (c: DeclaredCursor) => boolean = () => true): void {
    if (this.declared.size === 0) return;
    for (const cursor of [...this.declared.values()]) {
      if (!which(cursor)) continue;
      if (cursor.idleTimer) clearTimeout(cursor.idleTimer);
      this.declared.delete(cursor.name);
      this.declaredClosedReasons.set(cursor.name, reason);
    }
  }
}
