/**
 * The read-only query and the explain, on an AgentSession (database.ts opened it inside
 * `BEGIN READ ONLY` and rolls it back). Rows are read page by page from the session's cursor
 * until the row cap or the byte cap is reached, so the model never gets, and the host never
 * holds, more than the caps allow (one page aside). Values stay the server's text.
 */
import { PgError } from '../../pool';
import type { ColumnMeta, Row } from '../../pool';
import type { AgentSession } from './database';

export interface QueryCaps {
  maxRows: number;
  maxResultBytes: number;
}

export type QueryOutcome =
  | {
      kind: 'rows';
      columns: Pick<ColumnMeta, 'name' | 'typeName'>[];
      rows: Row[];
      /** Why rows were left out: the row cap, or the byte cap (`bytes` with no rows: the first row alone is too big). */
      cut?: 'rows' | 'bytes';
    }
  | { kind: 'command'; command: string; rowCount: number | null }
  | { kind: 'error'; error: PgError };

/** Pages are small: past the caps, every row read is wasted. */
const MAX_PAGE = 500;

/** Bytes a row takes in the result text (one JSON array per line). */
export function rowBytes(row: Row): number {
  return Buffer.byteLength(JSON.stringify(row), 'utf8') + 1;
}

/** Runs one statement and collects its rows within the caps; a server error is an outcome, not a throw. */
export async function runCapped(session: AgentSession, sql: string, caps: QueryCaps): Promise<QueryOutcome> {
  try {
    // One row past the cap tells "exactly maxRows" from "more than maxRows".
    const first = await session.execute(sql, { pageSize: Math.min(caps.maxRows + 1, MAX_PAGE) });
    if (first.kind === 'command') return { kind: 'command', command: first.command, rowCount: first.rowCount };
    const columns = first.cursor.columns.map((c) => ({ name: c.name, typeName: c.typeName }));
    const rows: Row[] = [];
    let bytes = 0;
    let page = first.page;
    for (;;) {
      for (const row of page.rows) {
        if (rows.length === caps.maxRows) return { kind: 'rows', columns, rows, cut: 'rows' };
        const size = rowBytes(row);
        if (bytes + size > caps.maxResultBytes) return { kind: 'rows', columns, rows, cut: 'bytes' };
        bytes += size;
        rows.push(row);
      }
      if (page.done) return { kind: 'rows', columns, rows };
      page = await session.fetchPage(Math.min(caps.maxRows + 1 - rows.length, MAX_PAGE));
    }
  } catch (err) {
    if (err instanceof PgError && (err.kind === 'query' || err.kind === 'cancelled')) return { kind: 'error', error: err };
    throw err;
  }
}
