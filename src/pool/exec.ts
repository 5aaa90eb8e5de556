/**
 * Statements on one connection through a server-side cursor (pg-cursor): the first page comes
 * back at once, further pages on demand, every value as the server's text.
 */
import Cursor from 'pg-cursor';
import type { FieldDef } from 'pg';
import type { PooledConnection } from './connection';
import type { TypeNameCache } from './type-names';
import type { ColumnMeta, Row } from './types';

/** Keeps every value as the text the server sent: no Number, BigInt or Date on the way. */
const TEXT_TYPES = { getTypeParser: () => (value: string) => value };

/** pg-cursor's internals that the typings do not declare. */
interface CursorInternals {
  state: string;
  _result: { fields: FieldDef[]; command: string | null; rowCount: number | null };
}

export interface OpenedStatement {
  /** Null once the statement has completed (all rows read, or no rows to read). */
  cursor: StatementCursor | null;
  columns: ColumnMeta[] | null;
  firstRows: Row[];
  command: string;
  rowCount: number | null;
}

/** A cursor with its end-of-statement signal; reading past the end yields no rows. */
export class StatementCursor {
  done = false;
  rowsSoFar = 0;
  private readonly ended: Promise<void>;

  constructor(
    readonly cursor: Cursor<Row>,
    private readonly connection: PooledConnection,
  ) {
    // 'end' fires on the ReadyForQuery that follows the statement (after the last row, an error or
    // close), which is when the session's transaction status is current again.
    // After an ErrorResponse the client stops routing messages to the cursor, so its 'end' never
    // comes: the error handler (run while the ErrorResponse is parsed, before the ReadyForQuery
    // that follows) listens for that ReadyForQuery on the wire instead.
    this.ended = new Promise<void>((resolve) => {
      const unsubscribe = connection.onBroken(() => resolve());
      const finish = (): void => {
        unsubscribe();
        resolve();
      };
      cursor.once('end', finish);
      cursor.once('error', () => connection.wire.once('readyForQuery', finish));
    });
  }

  private get internals(): CursorInternals {
    return this.cursor as unknown as CursorInternals;
  }

  get fields(): FieldDef[] {
    return this.internals._result.fields;
  }

  get command(): string | null {
    return this.internals._result.command;
  }

  get rowCount(): number | null {
    return this.internals._result.rowCount;
  }

  /** Resolves when the server has sent ReadyForQuery for this statement. */
  untilEnded(): Promise<void> {
    return this.ended;
  }

  async read(count: number): Promise<Row[]> {
    if (this.done) return [];
    let rows: Row[];
    try {
      rows = await this.cursor.read(count);
    } catch (err) {
      this.done = true;
      // Wait for the server's ReadyForQuery so the transaction status reflects the error.
      await this.untilEnded();
      throw err;
    }
    this.rowsSoFar += rows.length;
    if (rows.length < count || this.internals.state === 'done') this.done = true;
    return rows;
  }

  async close(): Promise<void> {
    if (this.connection.broken) return;
    await this.cursor.close();
    this.done = true;
  }
}

export async function openStatement(
  connection: PooledConnection,
  sql: string,
  params: unknown[] | undefined,
  firstPageSize: number,
  typeNames: TypeNameCache,
): Promise<OpenedStatement> {
  const cursor = new Cursor<Row>(sql, params as unknown[] | undefined, { rowMode: 'array', types: TEXT_TYPES });
  const statement = new StatementCursor(connection.client.query(cursor), connection);
  const firstRows = await statement.read(firstPageSize);
  const fields = statement.fields;
  if (fields.length === 0) {
    // No row description: a command (INSERT, SET, BEGIN, ...). read() returned after ReadyForQuery.
    return { cursor: null, columns: null, firstRows: [], command: statement.command ?? '', rowCount: statement.rowCount };
  }
  if (statement.done) {
    // The connection is free again: name any types the cache does not know yet.
    await typeNames.resolve(connection.client, fields.map((f) => f.dataTypeID));
  }
  return {
    cursor: statement.done ? null : statement,
    columns: fields.map((f) => columnMeta(f, typeNames)),
    firstRows,
    command: statement.command ?? 'SELECT',
    rowCount: statement.rowCount,
  };
}

function columnMeta(field: FieldDef, typeNames: TypeNameCache): ColumnMeta {
  return {
    name: field.name,
    typeOid: field.dataTypeID,
    typeName: typeNames.nameOf(field.dataTypeID) ?? `oid ${field.dataTypeID}`,
    typeModifier: field.dataTypeModifier,
    tableOid: field.tableID || null,
    columnNumber: field.columnID || null,
  };
}
