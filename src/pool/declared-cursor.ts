/**
 * Results that stay pageable while later statements of the session run: a plain query declared
 * as a named SQL cursor (DECLARE ... CURSOR FOR), paged with FETCH. Several can be open at once,
 * each closed on its own. pg-cursor's protocol portal holds the wire until it is closed, so it
 * serves one result at a time; these do not hold the wire between pages.
 *
 * Outside a transaction block the cursor is WITH HOLD: the server computes the whole result when
 * DECLARE's own transaction ends and keeps it (in memory, spilling to temp files) until CLOSE, so
 * no transaction, snapshot or lock stays open between pages. Inside the user's transaction it is a
 * plain cursor, which the transaction's end closes.
 */
import type { PooledConnection } from './connection';
import { copyBody } from './copy';
import { quoteIdent } from './edit';
import { PgError, toQueryError } from './errors';
import { openStatementInto } from './exec';
import { RowList } from './packed-page';
import type { RowSink } from './packed-page';
import type { TypeNameCache } from './type-names';
import type { ColumnMeta, Row } from './types';

export interface DeclaredCursor {
  name: string;
  columns: ColumnMeta[];
  rowsSoFar: number;
  pages: number;
  /** WITH HOLD: survives the end of transactions; otherwise the transaction's end closes it. */
  hold: boolean;
  /** A SCROLL cursor (scroll-cursor.ts), read at any row. */
  scroll?: {
    /** The pool opened the transaction it lives in (BEGIN) and ends it when the cursor closes. */
    ownTransaction: boolean;
    /** The number of rows, once known (counted, or read to the end). */
    total: number | null;
    /** The row (1-based) the cursor stands on; -1 when unknown. */
    position: number;
  };
  idleTimer?: NodeJS.Timeout;
}

export interface FetchedPage<T = Row[]> {
  rows: T;
  /** Rows in `rows`. */
  count: number;
  columns: ColumnMeta[];
  /** Fewer rows than asked for came back: the cursor is read to the end (and closed). */
  done: boolean;
}

/** DECLAREs `sql` as cursor `name` and FETCHes its first page. */
export async function declareCursor(
  connection: PooledConnection,
  name: string,
  sql: string,
  pageSize: number,
  typeNames: TypeNameCache,
): Promise<{ cursor: DeclaredCursor; page: FetchedPage }> {
  const hold = connection.txStatus === 'idle';
  const prefix = `DECLARE ${quoteIdent(name)} NO SCROLL CURSOR ${hold ? 'WITH HOLD ' : ''}FOR `;
  try {
    await connection.client.query(prefix + copyBody(sql));
  } catch (err) {
    throw positionedInStatement(err, prefix.length);
  }
  const cursor: DeclaredCursor = { name, columns: [], rowsSoFar: 0, pages: 0, hold };
  const page = await fetchCursor(connection, cursor, pageSize, typeNames, new RowList());
  return { cursor, page };
}

/** The next `count` rows, as `sink` gives them; a cursor read to the end is closed on the server at once. */
export async function fetchCursor<T>(connection: PooledConnection, cursor: DeclaredCursor, count: number, typeNames: TypeNameCache, sink: RowSink<T>): Promise<FetchedPage<T>> {
  // One more row than asked for lets the FETCH complete, so the reply says whether it was all.
  const fetched = await openStatementInto(connection, `FETCH FORWARD ${count} FROM ${quoteIdent(cursor.name)}`, undefined, count + 1, typeNames, sink);
  if (fetched.columns) cursor.columns = fetched.columns;
  cursor.rowsSoFar += fetched.firstCount;
  cursor.pages += 1;
  const done = fetched.firstCount < count;
  if (done) await closeDeclared(connection, cursor.name);
  return { rows: fetched.firstRows, count: fetched.firstCount, columns: cursor.columns, done };
}

export async function closeDeclared(connection: PooledConnection, name: string): Promise<void> {
  // A failed transaction refuses CLOSE too; its ROLLBACK closes the cursor anyway.
  if (connection.broken || connection.txStatus === 'failed') return;
  await connection.client.query(`CLOSE ${quoteIdent(name)}`);
}

/** The server's error position counts the DECLARE prefix: give it back in the user's statement. */
function positionedInStatement(err: unknown, prefixLength: number): unknown {
  const error = err instanceof PgError ? err : toQueryError(err, { cancelRequested: false });
  if (error.kind !== 'query' || error.position === undefined) return err;
  const { kind, message, code, detail, hint, schema, table, column, constraint, severity, where } = error;
  const position = error.position > prefixLength ? error.position - prefixLength : undefined;
  return new PgError(kind, message, { code, detail, hint, position, schema, table, column, constraint, severity, where }, { cause: err });
}
