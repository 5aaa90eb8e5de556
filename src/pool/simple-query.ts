/**
 * One simple-protocol Query message whose rows go to a sink (packed-page.ts): a scroll cursor's
 * `MOVE ABSOLUTE n; FETCH FORWARD k` read in one round trip, its rows kept as the server's bytes
 * when the sink packs them, and a Run's statement whose whole result fits its first page
 * (whole-result.ts). pg's own Query would decode every value and call a type parser on it.
 *
 * Like the Portal, it settles at ReadyForQuery, also after an error: node-postgres rejects its own
 * queries at the ErrorResponse, before the ReadyForQuery that tells the transaction failed, and the
 * pool reads the transaction status right after a failed read (scroll-cursor.ts).
 */
import type { FieldDef } from 'pg';
import type { PooledConnection } from './connection';
import type { DataRowMessage, RowSink } from './packed-page';
import { readCommandTag } from './portal';

/** What the last statement of the message said of itself (its rows are in the sink). */
export interface SimpleQueryAnswer {
  /** Its row description; empty for a command. */
  fields: FieldDef[];
  command: string | null;
  rowCount: number | null;
}

interface QueryConnection {
  query(text: string): void;
  sendCopyFail(message: string): void;
  once(event: 'readyForQuery', listener: () => void): void;
}

class SimpleQueryInto {
  readonly answer: SimpleQueryAnswer = { fields: [], command: null, rowCount: null };
  private error: unknown;
  private settled = false;
  private resolve!: () => void;
  private reject!: (err: unknown) => void;
  readonly done = new Promise<void>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });

  constructor(
    private readonly text: string,
    private readonly sink: RowSink<unknown>,
  ) {}

  submit(connection: QueryConnection): void {
    connection.query(this.text);
  }

  handleRowDescription(msg: { fields: FieldDef[] }): void {
    this.answer.fields = msg.fields;
  }

  /** Synchronously, while pg dispatches the message: a RawDataRow's bytes are good only then. */
  handleDataRow(msg: DataRowMessage): void {
    this.sink.add(msg);
  }

  handleCommandComplete(msg: { text: string }): void {
    Object.assign(this.answer, readCommandTag(msg.text));
  }

  handleEmptyQuery(): void {}

  handleCopyInResponse(connection: QueryConnection): void {
    connection.sendCopyFail('COPY FROM STDIN needs its data in the same run; use psql, or COPY FROM a server-side file');
  }

  handleCopyData(): void {}

  handleReadyForQuery(): void {
    this.finish();
  }

  /** An ErrorResponse (the ReadyForQuery that follows goes to nobody in pg: wait for it on the wire), or a socket error. */
  handleError(err: unknown, connection?: QueryConnection): void {
    this.error ??= err;
    if (connection) connection.once('readyForQuery', () => this.finish());
  }

  /** The connection broke: no ReadyForQuery will come. */
  abandon(err: unknown): void {
    this.error ??= err;
    this.finish();
  }

  private finish(): void {
    if (this.settled) return;
    this.settled = true;
    if (this.error !== undefined) this.reject(this.error);
    else this.resolve();
  }
}

/** Runs `text` (one or more statements) on the connection; the rows of its statements go to `sink` (take them from it). */
export async function simpleQueryInto(connection: PooledConnection, text: string, sink: RowSink<unknown>): Promise<SimpleQueryAnswer> {
  const query = new SimpleQueryInto(text, sink);
  const unsubscribe = connection.onBroken((err) => query.abandon(err));
  try {
    (connection.client as unknown as { query(submittable: SimpleQueryInto): unknown }).query(query);
    await query.done;
  } finally {
    unsubscribe();
  }
  return query.answer;
}
