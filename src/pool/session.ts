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
import type { StatementCursor } from './exec';
import type { ColumnMeta, SessionResetReason } from './types';

export interface OpenCursor {
  statement: StatementCursor;
  columns: ColumnMeta[];
  /** Pages fetched so far, to grow the default page size. */
  pages: number;
  idleTimer?: NodeJS.Timeout;
}

export class Session {
  connection: PooledConnection | undefined;
  cursor: OpenCursor | undefined;
  /** The call in flight, if any; settles (never rejects) when the call ends. */
  inFlight: Promise<void> | undefined;
  lastUsed = Date.now();
  /** Set when a CancelRequest was sent for the call in flight, to tell it from a statement_timeout. */
  cancelRequested = false;
  /** Reported on the session's next outcome. */
  pendingReset: SessionResetReason | undefined;
  /** Why the last cursor was closed by the pool rather than by the caller. */
  cursorClosedReason: string | undefined;

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
      !this.connection.broken &&
      this.connection.txStatus === 'idle'
    );
  }

  clearCursor(): void {
    if (this.cursor?.idleTimer) clearTimeout(this.cursor.idleTimer);
    this.cursor = undefined;
  }
}
