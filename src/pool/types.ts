/** The shapes the pool hands to callers. Plain data, safe to post to a webview as they are. */
import type { TxStatus } from './connection';
import type { PackedPage } from './packed-page';

export type { PackedPage, TxStatus };

export interface PoolOptions {
  /** Most connections the pool opens; default 10. */
  maxSize?: number;
  /** How long a caller waits for a connection when all are leased; default 10 s. */
  acquireTimeoutMs?: number;
  /** How long opening one connection may take; default 10 s. */
  connectTimeoutMs?: number;
  /** Unleased connections are closed after this long; default 60 s, 0 = never. */
  idleTimeoutMs?: number;
  /**
   * An open cursor holds a transaction, its snapshot and its locks. One untouched this long is
   * closed by the pool; default 5 minutes, 0 = never.
   */
  cursorIdleTimeoutMs?: number;
  /** How the user changes maxSize (e.g. a setting's name), named in `poolExhausted` messages. */
  maxSizeHint?: string;
  /**
   * Non-fatal problems the user should see, e.g. a password file ignored because others can
   * read it (libpq's warning). Never carries a secret. Default: dropped.
   */
  onWarning?: (message: string) => void;
}

export interface ColumnMeta {
  name: string;
  typeOid: number;
  /** `format_type(oid, NULL)`, e.g. "character varying"; "oid 12345" if it could not be looked up. */
  typeName: string;
  /** The type modifier (-1 when none), e.g. for varchar(20) or numeric(10,2). */
  typeModifier: number;
  /** The source table's oid when the column comes straight from one, else null. */
  tableOid: number | null;
  /** The source column's attnum when the column comes straight from a table, else null. */
  columnNumber: number | null;
}

/** Each value exactly as the server printed it; NULL is null. */
export type Row = (string | null)[];

export interface PageResult {
  rows: Row[];
  /** True once the server said there are no more rows; the cursor is then closed. */
  done: boolean;
  /** Rows delivered by this cursor so far, this page included. */
  rowsSoFar: number;
}

/** A page as the pool's reads give it, its rows in the form the read asked for. */
export interface PageOf<T> {
  rows: T;
  /** Rows in the page. */
  count: number;
  done: boolean;
  rowsSoFar: number;
}

/** A page as fetchPackedPage / fetchPackedAt give it: the rows packed as the server's bytes (packed-page.ts). */
export type PackedPageResult = PageOf<PackedPage>;

export interface ActiveCursor {
  columns: ColumnMeta[];
  /**
   * Set for a result kept open as a named cursor (execute's `keepOpen`): page it with
   * `fetchPage(size, name)`, close it with `closeQuery(name)`; later statements leave it open.
   */
  name?: string;
  /**
   * A scroll cursor (execute's `scrollable`, with `name` set): read any rows with
   * `fetchAt(name, offset, count)`, count them with `countRows(name)`.
   */
  scrollable?: boolean;
}

/**
 * Why a session lost its server state before this call: another session needed its idle
 * connection (`reclaimed`). The SETs, temp tables and prepared statements of the session are gone.
 */
export type SessionResetReason = 'reclaimed';

interface OutcomeCommon {
  /** RAISE NOTICE, warnings and other server messages, in order: the first MAX_NOTICES of them. */
  notices: string[];
  /** How many more notices the statement raised than `notices` holds (0 when none were dropped). */
  noticesDropped: number;
  durationMs: number;
  /** The session's transaction state after the call, from the server's ReadyForQuery. */
  txStatus: TxStatus;
  /** Present when the session's server state was reset since its previous call. */
  sessionReset?: SessionResetReason;
  backendPid: number;
}

export type ExecutionOutcome =
  | (OutcomeCommon & { kind: 'rows'; cursor: ActiveCursor; page: PageResult })
  | (OutcomeCommon & { kind: 'command'; command: string; rowCount: number | null });

export interface SessionInfo {
  txStatus: TxStatus;
  /** The protocol cursor (the session's one streaming result) is open; see `openCursors` for named ones. */
  cursorOpen: boolean;
  backendPid: number | null;
  /** A call (execute, fetchPage, export, ...) is in flight. */
  busy: boolean;
  /** The session holds a live connection (its SETs, temp tables and transaction exist on the server). */
  connected: boolean;
  /** Names of the results kept open as named cursors (execute's `keepOpen`). */
  openCursors: string[];
  /**
   * The session's standard_conforming_strings as the server last reported it (on unless it said
   * off): how '\' in a plain string literal is read, which a script splitter must follow.
   */
  standardConformingStrings: boolean;
}

/**
 * What changed in a session, with its state after the change. The host subscribes to these
 * (session.onDidChange) instead of copying or polling the session's state.
 */
export interface SessionChange {
  change:
    /** A call started. */
    | 'busy'
    /** A call ended (its transaction status is in `info`). */
    | 'idle'
    /** The transaction status changed (BEGIN, COMMIT, ROLLBACK, an error inside a transaction). */
    | 'txStatus'
    /** The pool closed the session's cursor (idle too long); `reason` says why, for the user. */
    | 'cursorClosed'
    /** The session's connection died; `reason` is the error message. */
    | 'connectionLost'
    /** The session's server state was reset (its idle connection was given to another session). */
    | 'reset'
    /** The session was released: its handle is finished. */
    | 'released';
  info: SessionInfo;
  reason?: string;
  /** On a `txStatus` change to idle: how the transaction ended, when the server's command tag said (COMMIT, ROLLBACK). */
  ended?: 'committed' | 'rolledBack';
}

/**
 * What a statement sees of its session beyond the login: the role after SET ROLE, the session's
 * own settings (search_path, TimeZone, DateStyle, custom GUCs read by row-level security ...),
 * and whether it has temporary tables (which no other connection can see). Work the pool does
 * for a session on another connection (edits, export) applies the first two with SET LOCAL.
 */
export interface SessionContext {
  /** current_user when it differs from session_user (after SET ROLE), else null. */
  role: string | null;
  /** Settings whose source is the session, as [name, value], in pg_settings' order. */
  settings: [string, string][];
  hasTempTables: boolean;
}

export interface PoolStats {
  total: number;
  leased: number;
  idle: number;
  waiting: number;
}
