/**
 * One statement as an extended-protocol portal, written for the round trips it costs.
 *
 * Parse, Bind, Describe and Execute(first page) leave in one write, followed by Flush rather than
 * Sync, so the server answers with the first page and waits: PortalSuspended keeps the portal (and
 * the implicit or explicit transaction it runs in) for later pages, each an Execute + Flush.
 *
 * When the server answers CommandComplete instead (the whole result fitted), Close + Sync end the
 * portal. If waiting for their ReadyForQuery could not change what the caller is told
 * (`answerAtComplete`, decided by exec.ts), the first page is handed over at once: the caller
 * does not wait for the second round trip, though node-postgres holds the session's next
 * statement until that ReadyForQuery is in (so a pgbouncer in transaction mode sees a clean
 * transaction boundary). Writing the next statement behind the Sync in one write (pipelining)
 * was tried and hung through pgbouncer in transaction mode (test/connect/pgbouncer.test.ts).
 *
 * node-postgres runs any object with `submit(connection)` as a query and routes the backend's
 * replies to its handle* methods (how pg-cursor works, which this replaces); values stay the
 * server's text because no type parser is called: each DataRow goes to the read's sink
 * (packed-page.ts), as strings or as the server's bytes.
 */
import type { FieldDef } from 'pg';
import type { DataRowMessage, RowSink } from './packed-page';

/** The part of node-postgres' protocol connection a portal writes to (pg/lib/connection.js). */
interface ProtocolConnection {
  stream: { cork(): void; uncork(): void };
  parse(message: { text: string; types: number[] }): void;
  bind(message: { portal: string; values: (string | Buffer | null)[] }): void;
  describe(message: { type: 'P'; name: string }): void;
  execute(message: { portal: string; rows: number }): void;
  close(message: { type: 'P'; name: string }): void;
  flush(): void;
  sync(): void;
  sendCopyFail(message: string): void;
  once(event: 'readyForQuery', listener: () => void): void;
}

type Step =
  /** Parse..Execute sent, or a later Execute: rows are coming. */
  | 'running'
  /** PortalSuspended: more rows on request. */
  | 'suspended'
  /** CommandComplete (or an error) seen, Sync sent, ReadyForQuery not yet. */
  | 'finishing'
  /** ReadyForQuery seen (or the connection is gone): nothing more will come. */
  | 'ended';

const COMMAND_TAG = /^([A-Za-z]+)(?: (\d+))?(?: (\d+))?/;

/** A CommandComplete tag ("INSERT 0 3", "SELECT 5", "CREATE TABLE") as its command and row count, as pg's Result reads it. */
export function readCommandTag(text: string): { command: string | null; rowCount: number | null } {
  const match = COMMAND_TAG.exec(text);
  if (!match) return { command: null, rowCount: null };
  const count = match[3] ?? match[2];
  return { command: match[1], rowCount: count === undefined ? null : Number(count) };
}

let nextPortalId = 1;

export class Portal {
  fields: FieldDef[] = [];
  command: string | null = null;
  rowCount: number | null = null;
  step: Step = 'running';
  /** The first page was handed over at CommandComplete, before ReadyForQuery. */
  answeredEarly = false;
  private readonly name = `pgx_${nextPortalId++}`;
  private connection: ProtocolConnection | undefined;
  private pending: { resolve(): void; reject(err: unknown): void } | undefined;
  private error: unknown;
  private syncSent = false;
  private resolveEnded!: () => void;
  /** Settles when the server has sent ReadyForQuery for this statement (or the connection broke). */
  readonly ended = new Promise<void>((resolve) => (this.resolveEnded = resolve));

  constructor(
    /** Where the rows of the page being read go (the first page's; read() names each later one's). */
    private sink: RowSink<unknown>,
    private readonly text: string,
    private readonly values: (string | Buffer | null)[],
    private readonly firstPageSize: number,
    /** Whether, for this command tag, the first page may be handed over at CommandComplete. */
    private readonly answerAtComplete: (command: string) => boolean,
    /** An error that came after the first page was handed over (a failed implicit commit). */
    private readonly onLateError: (err: unknown) => void,
  ) {}

  /** Resolves when the first page (the Execute sent with the statement) is in the constructor's sink. */
  firstPage(): Promise<void> {
    return this.awaitRows();
  }

  /** The next `count` rows, into `sink` (resolves when they are in); none once the statement has completed. */
  read(count: number, sink: RowSink<unknown>): Promise<void> {
    if (this.step !== 'suspended' || !this.connection) return this.step === 'ended' && this.error ? Promise.reject(this.error) : Promise.resolve();
    this.sink = sink;
    this.step = 'running';
    const connection = this.connection;
    this.write(() => {
      connection.execute({ portal: this.name, rows: count });
      connection.flush();
    });
    return this.awaitRows();
  }

  /** Closes a suspended portal (Close + Sync) and waits for ReadyForQuery; after completion, just waits. */
  async close(): Promise<void> {
    if (this.step === 'suspended' && this.connection) {
      const connection = this.connection;
      this.step = 'finishing';
      this.write(() => {
        connection.close({ type: 'P', name: this.name });
        connection.sync();
      });
      this.syncSent = true;
    }
    await this.ended;
  }

  /** The connection is gone: nothing more will come. */
  abandon(err: unknown): void {
    if (this.step === 'ended') return;
    this.error ??= err;
    this.end();
  }

  // --- node-postgres' Submittable -------------------------------------------------------------

  submit(connection: ProtocolConnection): void {
    this.connection = connection;
    this.write(() => this.writeStatement(connection));
  }

  handleRowDescription(msg: { fields: FieldDef[] }): void {
    this.fields = msg.fields;
  }

  /** Synchronously, while pg dispatches the message: a RawDataRow's bytes are good only then. */
  handleDataRow(msg: DataRowMessage): void {
    this.sink.add(msg);
  }

  handlePortalSuspended(): void {
    this.step = 'suspended';
    this.settle();
  }

  handleCommandComplete(msg: { text: string }): void {
    const tag = readCommandTag(msg.text);
    if (tag.command !== null) {
      this.command = tag.command;
      if (tag.rowCount !== null) this.rowCount = tag.rowCount;
    }
    this.step = 'finishing';
    if (this.fields.length > 0 && this.answerAtComplete(this.command ?? '')) {
      this.answeredEarly = true;
      this.settle();
    }
    this.sync();
  }

  handleEmptyQuery(): void {
    this.command = '';
    this.step = 'finishing';
    this.sync();
  }

  /** COPY FROM STDIN has no data to send here: refuse it on the wire, and the server answers with an error. */
  handleCopyInResponse(connection: ProtocolConnection): void {
    connection.sendCopyFail('COPY FROM STDIN needs its data in the same run; use psql, or COPY FROM a server-side file');
  }

  /** COPY TO STDOUT through a statement: the data is not kept (export uses copy.ts). */
  handleCopyData(): void {}

  handleReadyForQuery(): void {
    this.end();
  }

  /**
   * node-postgres forgets the query in flight on an ErrorResponse, so the ReadyForQuery that
   * follows goes to nobody: listen for it on the wire. A socket error comes here too, via the
   * client, with no ReadyForQuery to follow (the pool's broken-connection hook calls abandon()).
   */
  handleError(err: unknown): void {
    if (this.step === 'ended') return;
    if (this.answeredEarly) this.onLateError(err);
    this.error ??= err;
    const connection = this.connection;
    if (connection && !this.syncSent) {
      connection.sync();
      this.syncSent = true;
    }
    this.step = 'finishing';
    connection?.once('readyForQuery', () => this.end());
  }

  // --------------------------------------------------------------------------------------------

  private writeStatement(connection: ProtocolConnection): void {
    connection.parse({ text: this.text, types: [] });
    connection.bind({ portal: this.name, values: this.values });
    connection.describe({ type: 'P', name: this.name });
    connection.execute({ portal: this.name, rows: this.firstPageSize });
    connection.flush();
  }

  /** After CommandComplete / EmptyQuery: Close + Sync end the portal and its implicit transaction. */
  private sync(): void {
    const connection = this.connection;
    if (!connection || this.syncSent) return;
    this.write(() => this.writeSync(connection));
  }

  private writeSync(connection: ProtocolConnection): void {
    if (this.syncSent) return;
    connection.close({ type: 'P', name: this.name });
    connection.sync();
    this.syncSent = true;
  }

  private end(): void {
    this.step = 'ended';
    this.settle();
    this.resolveEnded();
  }

  private awaitRows(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      // Already answered (a page that came before anyone asked, or the end).
      if (this.step === 'suspended' || this.step === 'ended' || (this.answeredEarly && this.step === 'finishing')) this.settle();
    });
  }

  /** Tells the read waiting that its rows are in the sink (or gives it the error). */
  private settle(): void {
    const pending = this.pending;
    if (!pending) return;
    if (this.error !== undefined) {
      if (this.step !== 'ended') return; // rejected at ReadyForQuery, when the transaction status is current
      this.pending = undefined;
      pending.reject(this.error);
      return;
    }
    this.pending = undefined;
    pending.resolve();
  }

  /** One write (one segment on the wire) for the messages `fn` sends. */
  private write(fn: () => void): void {
    const stream = this.connection?.stream;
    stream?.cork();
    try {
      fn();
    } finally {
      stream?.uncork();
    }
  }
}
