/**
 * The caller's handle on one session: everything a results tab or an editor does with its line
 * of work, and `onDidChange` for what the pool does to it unasked (the idle timer closing its
 * cursor, a lost connection, a reset). Like the client node-postgres' `pool.connect()` returns,
 * except that the pool keeps the connection: the handle is a name plus the calls, and holds no
 * state of its own that could go stale.
 */
import type { CopyProgress, CopyRequest } from './copy';
import type { ApplyOutcome, ResultColumnMeta, ResultEditability, RowChange, TableRef } from './edit';
import { Emitter } from './event';
import { DETACHED_INFO } from './session';
import type { Event } from './event';
import type { ExecuteOptions } from './pool';
import type { ExecutionOutcome, PackedPageResult, PageResult, SessionChange, SessionInfo } from './types';

/** What a handle needs of its pool (PgPool implements it; the handle never sees a connection). */
export interface SessionOwner {
  execute(sessionId: string, sql: string, options?: ExecuteOptions): Promise<ExecutionOutcome>;
  fetchPage(sessionId: string, pageSize?: number, cursorName?: string): Promise<PageResult>;
  closeQuery(sessionId: string, cursorName?: string): Promise<void>;
  fetchAt(sessionId: string, cursorName: string, offset: number, count: number): Promise<PageResult>;
  fetchPackedPage(sessionId: string, pageSize?: number, cursorName?: string): Promise<PackedPageResult>;
  fetchPackedAt(sessionId: string, cursorName: string, offset: number, count: number): Promise<PackedPageResult>;
  countRows(sessionId: string, cursorName: string): Promise<number>;
  cancel(sessionId: string): Promise<boolean>;
  releaseSession(sessionId: string): Promise<void>;
  reconnect(sessionId: string): Promise<SessionInfo>;
  sessionInfo(sessionId: string): SessionInfo | undefined;
  editabilityOfResult(columns: ResultColumnMeta[], asSession?: string): Promise<ResultEditability>;
  applyChanges(target: TableRef, changes: RowChange[], asSession?: string): Promise<ApplyOutcome>;
  exportResult(sessionId: string, request: CopyRequest): Promise<CopyProgress>;
}

export type ExportRequest = CopyRequest;


export class Session {
  private readonly changed = new Emitter<SessionChange>();
  /** Fires after every change of the session's state; `info` is the state after it. */
  readonly onDidChange: Event<SessionChange> = this.changed.event;

  constructor(
    private readonly owner: SessionOwner,
    readonly id: string,
  ) {}

  /** Runs one statement; a row-returning one opens the session's cursor and returns its first page. */
  execute(sql: string, options?: ExecuteOptions): Promise<ExecutionOutcome> {
    return this.owner.execute(this.id, sql, options);
  }

  /** The next page of the open result, or of the result kept open as cursor `cursorName`. */
  fetchPage(pageSize?: number, cursorName?: string): Promise<PageResult> {
    return this.owner.fetchPage(this.id, pageSize, cursorName);
  }

  /** Closes the open result (or the one kept open as `cursorName`). */
  closeQuery(cursorName?: string): Promise<void> {
    return this.owner.closeQuery(this.id, cursorName);
  }

  /** Rows `offset` (0-based) .. `offset + count - 1` of the scroll cursor `cursorName` (execute's `scrollable`). */
  fetchAt(cursorName: string, offset: number, count: number): Promise<PageResult> {
    return this.owner.fetchAt(this.id, cursorName, offset, count);
  }

  /** fetchPage with the rows packed as the server's bytes, as the results grid takes them. */
  fetchPackedPage(pageSize?: number, cursorName?: string): Promise<PackedPageResult> {
    return this.owner.fetchPackedPage(this.id, pageSize, cursorName);
  }

  /** fetchAt with the rows packed as the server's bytes. */
  fetchPackedAt(cursorName: string, offset: number, count: number): Promise<PackedPageResult> {
    return this.owner.fetchPackedAt(this.id, cursorName, offset, count);
  }

  /** How many rows the scroll cursor `cursorName` has; the first call reads the whole result on the server. */
  countRows(cursorName: string): Promise<number> {
    return this.owner.countRows(this.id, cursorName);
  }

  cancel(): Promise<boolean> {
    return this.owner.cancel(this.id);
  }

  /** Ends the session: its cursor closed, its transaction rolled back, its connection reset and freed. */
  release(): Promise<void> {
    return this.owner.releaseSession(this.id);
  }

  /** After a lost connection: a fresh connection now (the old one's transaction and SETs are gone). */
  reconnect(): Promise<SessionInfo> {
    return this.owner.reconnect(this.id);
  }

  info(): SessionInfo {
    return this.owner.sessionInfo(this.id) ?? DETACHED_INFO;
  }

  /** Whether a result of this session can be edited, checked as this session's role. */
  editabilityOfResult(columns: ResultColumnMeta[]): Promise<ResultEditability> {
    return this.owner.editabilityOfResult(columns, this.id);
  }

  /** Applies the changes all or none, as this session: its role, search_path, TimeZone, settings. */
  applyChanges(target: TableRef, changes: RowChange[]): Promise<ApplyOutcome> {
    return this.owner.applyChanges(target, changes, this.id);
  }

  /**
   * Writes the whole result of `request.sql` (run again: one plain SELECT / VALUES / TABLE) to
   * `request.destination`, as this session: on a short lease with its context applied, or on its
   * own connection when it has temporary tables.
   */
  exportResult(request: ExportRequest): Promise<CopyProgress> {
    return this.owner.exportResult(this.id, request);
  }

  /** @internal The pool reports a change. */
  fire(change: SessionChange): void {
    this.changed.fire(change);
  }

  /** @internal The pool is done with this handle (released, or the pool closed). */
  finish(change: SessionChange): void {
    this.changed.fire(change);
    this.changed.dispose();
  }
}
