/**
 * A result the caller can read at any row: a plain query declared as a SCROLL cursor, read with
 * `MOVE ABSOLUTE n` + `FETCH FORWARD k` (one round trip) and counted with `MOVE ALL` (its command
 * tag is the number of rows it passed). The grid uses it to show the last row of a 2,000,000-row
 * result without loading what lies between.
 *
 * A SCROLL cursor needs a transaction block (WITH HOLD would compute the whole result before the
 * first row). Inside the user's transaction the cursor lives in it, and the transaction's end
 * closes it. Outside one the pool opens a transaction of its own (`BEGIN`), as pg-cursor's portal
 * holds an implicit one, and ends it (`COMMIT`, what the portal's Sync does) when the cursor
 * closes; the session reports that transaction as a cursor, never as the user's. A read that fails
 * (a cancel included) aborts the transaction either way, and the cursor with it: the pool drops
 * the cursor and rolls back its own transaction (pool.ts, scrollReadFailed).
 *
 * What it costs the server: a plan that cannot scan backward gets a Material node on top (the
 * rows read so far are kept in a tuplestore, spilling to temp files past work_mem); reading the
 * last row, or counting, reads everything before it once.
 */
import type { PooledConnection } from './connection';
import { copyBody } from './copy';
import type { DeclaredCursor, FetchedPage } from './declared-cursor';
import { quoteIdent } from './edit';
import { PgError, toQueryError } from './errors';
import { openStatement } from './exec';
import type { RowSink } from './packed-page';
import { simpleQueryInto } from './simple-query';
import type { TypeNameCache } from './type-names';

/** DECLAREs `sql` as SCROLL cursor `name` (opening the pool's own transaction when none is open) and reads its first page. */
export async function declareScrollCursor(
  connection: PooledConnection,
  name: string,
  sql: string,
  params: unknown[] | undefined,
  pageSize: number,
  typeNames: TypeNameCache,
): Promise<{ cursor: DeclaredCursor; page: FetchedPage }> {
  const ownTransaction = connection.txStatus === 'idle';
  const prefix = `DECLARE ${quoteIdent(name)} SCROLL CURSOR FOR `;
  const hasParams = (params?.length ?? 0) > 0;
  try {
    if (ownTransaction && !hasParams) {
      // One round trip: the simple protocol takes both statements in one message.
      await connection.client.query(`BEGIN; ${prefix}${copyBody(sql)}`);
    } else {
      if (ownTransaction) await connection.client.query('BEGIN');
      await connection.client.query(prefix + copyBody(sql), params);
    }
  } catch (err) {
    // pg rejects at the ErrorResponse, before the ReadyForQuery that says the transaction failed,
    // so txStatus may still read idle here: our own BEGIN ran, so roll back whatever it says.
    if (ownTransaction && !connection.broken) await connection.client.query('ROLLBACK').catch(() => undefined);
    throw positioned(err, ownTransaction && !hasParams ? 'BEGIN; '.length + prefix.length : prefix.length);
  }
  const cursor: DeclaredCursor = { name, columns: [], rowsSoFar: 0, pages: 0, hold: false, scroll: { ownTransaction, total: null, position: 0 } };
  // The first read names the columns and their types, as any statement's first page does.
  const first = await openStatement(connection, `FETCH FORWARD ${pageSize + 1} FROM ${quoteIdent(name)}`, undefined, pageSize + 2, typeNames);
  cursor.columns = first.columns ?? [];
  const done = took(cursor, 0, pageSize, first.firstRows.length);
  return { cursor, page: { rows: first.firstRows.slice(0, pageSize), count: Math.min(pageSize, first.firstRows.length), columns: cursor.columns, done } };
}

/**
 * Rows `offset` (0-based) to `offset + count - 1`. `done` says the result ends within them, which
 * also gives its total, as `sink` gives them (rows of strings, or a packed page for the grid).
 * The cursor stays open whatever was read: any row can be read again.
 */
export async function fetchAtInto<T>(connection: PooledConnection, cursor: DeclaredCursor, offset: number, count: number, sink: RowSink<T>): Promise<FetchedPage<T>> {
  const scroll = scrollOf(cursor);
  const name = quoteIdent(cursor.name);
  // MOVE ABSOLUTE n leaves the cursor on row n (1-based), so the FETCH starts at row n + 1; both
  // go in one simple-protocol message, one round trip (its values are the server's text too).
  // One more row than asked for tells, without a count, whether the result goes on.
  const move = scroll.position === offset ? '' : `MOVE ABSOLUTE ${offset} IN ${name}; `;
  await simpleQueryInto(connection, `${move}FETCH FORWARD ${count + 1} FROM ${name}`, sink);
  const fetched = sink.count;
  const done = took(cursor, offset, count, fetched);
  return { rows: sink.take(count), count: Math.min(count, fetched), columns: cursor.columns, done };
}

/** Books a read of `fetched` rows (up to count + 1 from `offset`) on the cursor; true when the result ends within them. */
function took(cursor: DeclaredCursor, offset: number, count: number, fetched: number): boolean {
  const scroll = scrollOf(cursor);
  const done = fetched <= count;
  // The cursor now stands on the last row the FETCH read, or past the end (then where is unknown
  // to MOVE's arithmetic here: -1 makes the next read MOVE first).
  scroll.position = done ? -1 : offset + fetched;
  if (done) scroll.total = offset + fetched;
  cursor.rowsSoFar = Math.max(cursor.rowsSoFar, offset + Math.min(count, fetched));
  cursor.pages += 1;
  return done;
}

/** The number of rows: `MOVE ALL` from the start reads the whole result on the server (once; then it is known). */
export async function countRows(connection: PooledConnection, cursor: DeclaredCursor): Promise<number> {
  const scroll = scrollOf(cursor);
  if (scroll.total !== null) return scroll.total;
  const name = quoteIdent(cursor.name);
  // From where the cursor stands: MOVE FORWARD ALL counts the rows after it.
  const result = await connection.client.query(`MOVE FORWARD ALL IN ${name}`);
  const total = scroll.position + (result.rowCount ?? 0);
  scroll.total = total;
  scroll.position = -1;
  return total;
}

/** Closes the cursor, and ends the pool's own transaction when it opened one (COMMIT, as a portal's Sync does). */
export async function closeScrollCursor(connection: PooledConnection, cursor: DeclaredCursor): Promise<void> {
  if (connection.broken) return;
  const own = cursor.scroll?.ownTransaction === true;
  if (connection.txStatus === 'failed') {
    // Only ROLLBACK is taken in a failed transaction; the user's own failed one is theirs to end.
    if (own) await connection.client.query('ROLLBACK');
    return;
  }
  if (connection.txStatus === 'idle') return;
  await connection.client.query(`CLOSE ${quoteIdent(cursor.name)}${own ? '; COMMIT' : ''}`);
}

function scrollOf(cursor: DeclaredCursor): NonNullable<DeclaredCursor['scroll']> {
  if (!cursor.scroll) throw new PgError('noCursor', `The result ${cursor.name} cannot be read at any row (it is not a scroll cursor).`);
  return cursor.scroll;
}

/** The server's error position counts the prefix: give it back in the user's statement. */
function positioned(err: unknown, prefixLength: number): unknown {
  const error = err instanceof PgError ? err : toQueryError(err, { cancelRequested: false });
  if (error.kind !== 'query' || error.position === undefined) return error;
  const { kind, message, code, detail, hint, schema, table, column, constraint, severity, where } = error;
  const position = error.position > prefixLength ? error.position - prefixLength : undefined;
  return new PgError(kind, message, { code, detail, hint, position, schema, table, column, constraint, severity, where }, { cause: err });
}
