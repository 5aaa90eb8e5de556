/**
 * One wire to the server: a node-postgres Client plus what the pool needs to know about it
 * (transaction status, broken or not, the notices of the call in flight). It never throws
 * driver errors: everything leaves as PgError.
 */
import type { Client, ClientConfig } from 'pg';

/** The fields of a server notice that we show (pg-protocol's NoticeMessage). */
interface NoticeMessage {
  message?: string;
  severity?: string;
  detail?: string;
  hint?: string;
}
import { sendCancelRequest } from './cancel';
import type { Route } from './config';
import { PgError, toConnectError, toQueryError } from './errors';

export type TxStatus = 'idle' | 'inTransaction' | 'failed';

/** Notices kept per statement; the rest are counted ("and N more"). */
export const MAX_NOTICES = 200;

interface NoticeSink {
  notices: string[];
  dropped: number;
}

let nextConnectionId = 1;

/** What the pool takes from node-postgres at run time: its Client and its parameter serialisation. */
interface Driver {
  Client: typeof Client;
  prepareValue(value: unknown): string | Buffer | null;
}

/**
 * node-postgres loads with the first connection, not with the extension: its module graph (which
 * also pulls in Node's fetch implementation) is a large part of what activation would cost.
 */
let driver: Promise<Driver> | undefined;
function loadDriver(): Promise<Driver> {
  driver ??= import('./pg-driver').then(({ pg }) => ({
    Client: pg.Client,
    // pg's own (what its Query uses): Buffers as they are, Dates in local time, arrays as literals, objects as JSON.
    prepareValue: (pg as unknown as { utils: { prepareValue(value: unknown): string | Buffer | null } }).utils.prepareValue,
  }));
  return driver;
}

export class PooledConnection {
  readonly id = nextConnectionId++;
  /** Set when the socket died or the server terminated the backend: the connection is never reused. */
  broken = false;
  brokenReason?: Error;
  private noticeSink: NoticeSink | undefined;
  private cancelling: Promise<void> | undefined;
  /** A failed implicit commit noticed between calls (noteLateFailure), told with the next call's notices. */
  private lateFailure: string | undefined;
  private readonly onBrokenListeners = new Set<(err: Error) => void>();

  private constructor(
    readonly client: Client,
    readonly route: Route,
    /** The server's ParameterStatus reports (standard_conforming_strings, TimeZone, ...), kept current. */
    private readonly parameters: Map<string, string>,
    /** A statement parameter as node-postgres sends it (text, or a Buffer for bytea). */
    readonly prepareValue: (value: unknown) => string | Buffer | null,
  ) {
    client.on('error', (err: Error) => this.markBroken(err));
    client.on('end', () => this.markBroken(new Error('Connection terminated')));
    client.on('notice', (msg: NoticeMessage) => {
      const sink = this.noticeSink;
      if (!sink) return;
      if (sink.notices.length < MAX_NOTICES) sink.notices.push(formatNotice(msg));
      else sink.dropped += 1;
    });
  }

  static async open(clientConfig: ClientConfig, route: Route, target: string, beforeConnect?: (client: Client) => void): Promise<PooledConnection> {
    const pg = await loadDriver();
    const client = new pg.Client(clientConfig);
    // A failure after connect() rejected must not surface as an unhandled 'error' event.
    client.on('error', () => undefined);
    // pg's Client drops ParameterStatus; the startup ones come before connect() resolves.
    const parameters = new Map<string, string>();
    (client as unknown as { connection: { on(event: 'parameterStatus', l: (m: { parameterName: string; parameterValue: string }) => void): void } }).connection.on(
      'parameterStatus',
      (m) => parameters.set(m.parameterName, m.parameterValue),
    );
    // connect.ts watches the server's authentication request (require_auth, channel_binding).
    beforeConnect?.(client);
    try {
      await client.connect();
    } catch (err) {
      void client.end().catch(() => undefined);
      throw toConnectError(err, target);
    }
    return new PooledConnection(client, route, parameters, pg.prepareValue);
  }

  /** node-postgres' protocol connection (an EventEmitter of backend messages). */
  get wire(): { once(event: 'readyForQuery', listener: () => void): void } {
    return (this.client as unknown as { connection: { once(event: 'readyForQuery', listener: () => void): void } }).connection;
  }

  get backendPid(): number {
    return (this.client as unknown as { processID: number }).processID;
  }

  private get secretKey(): number {
    return (this.client as unknown as { secretKey: number }).secretKey;
  }

  /** A setting the server reports as it changes (ParameterStatus), e.g. standard_conforming_strings. */
  parameter(name: string): string | undefined {
    return this.parameters.get(name);
  }

  /** The status of the server's last ReadyForQuery message. */
  get txStatus(): TxStatus {
    const status = (this.client as unknown as { getTransactionStatus(): string | null }).getTransactionStatus();
    if (status === 'T') return 'inTransaction';
    if (status === 'E') return 'failed';
    return 'idle';
  }

  /** Calls `listener` once if the connection breaks; returns a function that unsubscribes. */
  onBroken(listener: (err: Error) => void): () => void {
    if (this.broken) {
      listener(this.brokenReason ?? new Error('Connection terminated'));
      return () => undefined;
    }
    this.onBrokenListeners.add(listener);
    return () => this.onBrokenListeners.delete(listener);
  }

  private markBroken(err: Error): void {
    if (this.broken) return;
    this.broken = true;
    this.brokenReason = err;
    for (const listener of [...this.onBrokenListeners]) listener(err);
    this.onBrokenListeners.clear();
  }

  /**
   * Collects RAISE NOTICE and friends while `fn` runs: the first MAX_NOTICES, and a count of the
   * rest, so a loop that raises a million notices costs the host a counter, not a million strings.
   */
  async collectingNotices<T>(fn: () => Promise<T>): Promise<{ value: T; notices: string[]; dropped: number }> {
    const sink: NoticeSink = { notices: this.lateFailure ? [this.lateFailure] : [], dropped: 0 };
    this.lateFailure = undefined;
    this.noticeSink = sink;
    try {
      const value = await fn();
      return { value, notices: sink.notices, dropped: sink.dropped };
    } finally {
      this.noticeSink = undefined;
    }
  }

  /**
   * Sends a protocol CancelRequest for whatever this connection is running. Until the server has
   * taken it (closed the cancel socket), `cancelSettled()` waits: the pool sends nothing else on
   * this wire before then, so a late cancel cannot stop the next statement, nor another session's.
   */
  cancel(): Promise<void> {
    const sent = sendCancelRequest(this.route, this.backendPid, this.secretKey);
    const settled = sent.catch(() => undefined);
    this.cancelling = settled;
    void settled.then(() => {
      if (this.cancelling === settled) this.cancelling = undefined;
    });
    return sent;
  }

  /** Resolves once no CancelRequest for this connection is on its way. */
  cancelSettled(): Promise<void> {
    return this.cancelling ?? Promise.resolve();
  }

  /** What `cancelSettled()` waits for, or undefined when no CancelRequest is on its way (nothing to await). */
  get cancelInFlight(): Promise<void> | undefined {
    return this.cancelling;
  }

  /**
   * The implicit commit of a statement already answered (exec.ts hands a read's first page over
   * at CommandComplete) failed: what it changed was rolled back. Told as a warning among the
   * notices of the call in flight, or of the next one.
   */
  noteLateFailure(err: unknown): void {
    const text = `WARNING: the previous statement's commit failed, so what it changed was rolled back: ${toQueryError(err, { cancelRequested: false }).message}`;
    if (this.noticeSink) this.noticeSink.notices.push(text);
    else this.lateFailure = text;
  }

  async query(sql: string): Promise<void> {
    if (this.broken) throw new PgError('connectionLost', 'The connection is closed.');
    await this.client.query(sql);
  }

  async close(): Promise<void> {
    // Through markBroken, so a statement still waiting on this wire settles instead of hanging.
    this.markBroken(new Error('Connection closed by the pool'));
    await this.client.end().catch(() => undefined);
  }
}

function formatNotice(msg: NoticeMessage): string {
  const severity = msg.severity ?? 'NOTICE';
  const detail = msg.detail ? `\nDETAIL: ${msg.detail}` : '';
  const hint = msg.hint ? `\nHINT: ${msg.hint}` : '';
  return `${severity}: ${msg.message ?? ''}${detail}${hint}`;
}

/** Loads node-postgres ahead of the first connection (after activation), so the first Run does not wait for it. */
export function preloadDriver(): Promise<void> {
  return loadDriver().then(() => undefined);
}
