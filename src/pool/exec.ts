/**
 * Statements on one connection through a protocol portal (portal.ts): the first page comes back
 * with the statement's own round trip, further pages on demand, every value as the server's text.
 */
import type { FieldDef } from 'pg';
import type { PooledConnection } from './connection';
import { RowList } from './packed-page';
import type { RowSink } from './packed-page';
import { Portal } from './portal';
import type { TypeNameCache } from './type-names';
import type { ColumnMeta, Row } from './types';

export interface OpenedStatement<T = Row[]> {
  /** Null once the statement has completed (all rows read, or no rows to read). */
  cursor: StatementCursor | null;
  columns: ColumnMeta[] | null;
  /** The first page, as the sink gave it (rows of strings unless asked otherwise). */
  firstRows: T;
  /** How many rows the first page holds. */
  firstCount: number;
  command: string;
  rowCount: number | null;
}

/**
 * Outside a transaction block, the Sync after CommandComplete commits the statement's implicit
 * transaction, and that commit can fail (a deferred constraint): the first page waits for it,
 * except for statements whose tag says they read (a read's commit fails only when a function it
 * called wrote with deferred checks, or under SERIALIZABLE; that rare failure is reported on the
 * session's call in flight or next one, as a warning: PooledConnection.noteLateFailure). Inside a block, Sync commits
 * nothing and the status stays 'inTransaction', so every result may be handed over at once.
 */
const READ_TAGS = new Set(['SELECT', 'FETCH', 'SHOW', 'VALUES', 'TABLE']);

/** A portal with its end-of-statement signal; reading past the end yields no rows. */
export class StatementCursor {
  done = false;
  rowsSoFar = 0;
  /** Rows in the last page read. */
  lastCount = 0;
  private readonly ended: Promise<void>;

  constructor(
    private readonly portal: Portal,
    private readonly connection: PooledConnection,
  ) {
    // Settles on the statement's ReadyForQuery, or when the connection breaks (none will come).
    const unsubscribe = connection.onBroken((err) => portal.abandon(err));
    this.ended = portal.ended.then(unsubscribe);
  }

  get fields(): FieldDef[] {
    return this.portal.fields;
  }

  get command(): string | null {
    return this.portal.command;
  }

  get rowCount(): number | null {
    return this.portal.rowCount;
  }

  get answeredEarly(): boolean {
    return this.portal.answeredEarly;
  }

  /** Resolves when the server has sent ReadyForQuery for this statement. */
  untilEnded(): Promise<void> {
    return this.ended;
  }

  /** The first page (sent with the statement itself), from the sink the portal was made with. */
  async first<T>(sink: RowSink<T>): Promise<T> {
    await this.guarded(this.portal.firstPage());
    return this.took(sink);
  }

  /** The next `count` rows, as `sink` gives them (none past the end). */
  async readInto<T>(count: number, sink: RowSink<T>): Promise<T> {
    if (this.done) return sink.take();
    await this.guarded(this.portal.read(count, sink));
    return this.took(sink);
  }

  async close(): Promise<void> {
    if (this.connection.broken) return;
    await this.portal.close();
    this.done = true;
  }

  private async guarded(answered: Promise<void>): Promise<void> {
    try {
      await answered;
    } catch (err) {
      this.done = true;
      throw err;
    }
  }

  private took<T>(sink: RowSink<T>): T {
    this.lastCount = sink.count;
    this.rowsSoFar += sink.count;
    if (this.portal.step !== 'suspended') this.done = true;
    return sink.take();
  }
}

export function openStatement(
  connection: PooledConnection,
  sql: string,
  params: unknown[] | undefined,
  firstPageSize: number,
  typeNames: TypeNameCache,
): Promise<OpenedStatement> {
  return openStatementInto(connection, sql, params, firstPageSize, typeNames, new RowList());
}

/** openStatement with the first page in `sink` (a packed page for the grid). */
export async function openStatementInto<T>(
  connection: PooledConnection,
  sql: string,
  params: unknown[] | undefined,
  firstPageSize: number,
  typeNames: TypeNameCache,
  sink: RowSink<T>,
): Promise<OpenedStatement<T>> {
  const inBlock = connection.txStatus === 'inTransaction';
  const portal = new Portal(
    sink,
    sql,
    (params ?? []).map((value) => connection.prepareValue(value)),
    firstPageSize,
    (command) => inBlock || READ_TAGS.has(command),
    (err) => connection.noteLateFailure(err),
  );
  const statement = new StatementCursor(portal, connection);
  (connection.client as unknown as { query(submittable: Portal): unknown }).query(portal);
  const firstRows = await statement.first(sink);
  const firstCount = statement.lastCount;
  const fields = statement.fields;
  if (fields.length === 0) {
    // No row description: a command (INSERT, SET, BEGIN, ...). Answered after ReadyForQuery.
    return { cursor: null, columns: null, firstRows, firstCount: 0, command: statement.command ?? '', rowCount: statement.rowCount };
  }
  if (statement.done) {
    // The connection is free again (or will be at ReadyForQuery): name any types the cache does not know yet.
    await typeNames.resolve(connection.client, fields.map((f) => f.dataTypeID));
  }
  return {
    cursor: statement.done ? null : statement,
    columns: fields.map((f) => columnMeta(f, typeNames)),
    firstRows,
    firstCount,
    command: statement.command ?? 'SELECT',
    rowCount: statement.rowCount,
  };
}

export function columnMeta(field: FieldDef, typeNames: TypeNameCache): ColumnMeta {
  return {
    name: field.name,
    typeOid: field.dataTypeID,
    typeName: typeNames.nameOf(field.dataTypeID) ?? `oid ${field.dataTypeID}`,
    typeModifier: field.dataTypeModifier,
    tableOid: field.tableID || null,
    columnNumber: field.columnID || null,
  };
}
