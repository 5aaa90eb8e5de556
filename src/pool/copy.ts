/**
 * COPY ... TO STDOUT on one connection (pg-copy-streams), written to a caller's stream, with the
 * one rule that keeps the wire sound: a COPY that did not finish is never left behind. When the
 * destination fails (a write error, a full disk) or the caller aborts, the server is sent a
 * CancelRequest and the rest of the COPY is drained into the void, so that the connection sees
 * the server's error and its ReadyForQuery; if that does not come in time, the connection is
 * closed. pg-copy-streams pauses the socket while nobody reads: without the drain, the ROLLBACK
 * that follows would wait behind the unfinished COPY forever.
 *
 * - CSV is the server's own CSV (COPY ... FORMAT csv, HEADER): what `psql \copy` would write.
 * - JSON is an array of objects built by the server (row_to_json), so numbers keep every digit.
 */
import { Transform } from 'node:stream';
import type { Readable, TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { to as copyTo } from 'pg-copy-streams';
import type { PooledConnection } from './connection';
import { PgError } from './errors';

export type CopyFormat = 'csv' | 'json';

export interface CopyProgress {
  rows: number;
  bytes: number;
}

export interface CopyRequest {
  /** The statement whose rows are written: one plain SELECT / VALUES / TABLE. */
  sql: string;
  format: CopyFormat;
  /** Where the bytes go (a file the caller opened, so an unwritable path failed before COPY was sent). */
  destination: Writable;
  onProgress?: (progress: CopyProgress) => void;
  /** Aborting ends the export with a `cancelled` error. */
  signal?: AbortSignal;
}

/** How long a cancelled COPY may take to end before its connection is closed instead. */
const DRAIN_TIMEOUT_MS = 5_000;

/** The statement as the body of COPY ( ... ): trailing semicolons dropped, a newline before ) ends a trailing -- comment. */
export function copyBody(sql: string): string {
  const body = sql.replace(/[\s;]+$/, '');
  if (body.length === 0) throw new PgError('query', 'There is no statement to export.');
  return body;
}

export function copyStatement(sql: string, format: CopyFormat): string {
  const body = copyBody(sql);
  return format === 'csv'
    ? `COPY (${body}\n) TO STDOUT WITH (FORMAT csv, HEADER true)`
    : `COPY (SELECT pg_catalog.row_to_json(q) FROM (${body}\n) AS q) TO STDOUT`;
}

/**
 * Runs the COPY on `connection` (inside the transaction the caller opened) into the request's
 * destination. On failure the connection is either clean again (the server ended the COPY with
 * an error; the caller rolls back) or closed (`connection.broken`).
 */
export async function copyOut(connection: PooledConnection, request: CopyRequest): Promise<CopyProgress> {
  const progress: CopyProgress = { rows: 0, bytes: 0 };
  if (request.signal?.aborted) throw cancelledError();
  const source: Readable = connection.client.query(copyTo(copyStatement(request.sql, request.format)));
  const frame = request.format === 'csv' ? new CsvCounter(progress, request.onProgress) : new JsonFramer(progress, request.onProgress);
  // The server's end (rows, or its error) is awaited apart from the writing, so that a failed
  // destination never stops the socket from being read.
  let serverEnded = false;
  const serverDone = new Promise<void>((resolve, reject) => {
    source.once('end', resolve);
    source.once('error', reject);
  }).finally(() => {
    serverEnded = true;
  });
  serverDone.catch(() => undefined);
  const abort = new AbortController();
  const onAbort = (): void => abort.abort();
  request.signal?.addEventListener('abort', onAbort, { once: true });
  // The pipeline reports the frame's errors; this keeps a write racing its failure from throwing.
  frame.on('error', () => undefined);
  source.on('data', (chunk: Buffer) => {
    if (!frame.destroyed && !frame.write(chunk)) source.pause();
  });
  frame.on('drain', () => source.resume());
  source.once('end', () => frame.end());
  const written = pipeline(frame, request.destination, { signal: abort.signal });
  written.catch(() => undefined);
  try {
    await Promise.all([serverDone, written]);
    return progress;
  } catch (err) {
    if (!serverEnded) await abandon(connection, source, serverDone);
    else frame.destroy();
    if (request.signal?.aborted) throw cancelledError(err);
    throw asExportError(err);
  } finally {
    request.signal?.removeEventListener('abort', onAbort);
  }
}

/** Ends a COPY nobody will read: cancel it on the server, drain what still comes, or close the wire. */
async function abandon(connection: PooledConnection, source: Readable, serverDone: Promise<void>): Promise<void> {
  source.removeAllListeners('data');
  source.on('data', () => undefined);
  source.resume();
  const settled = serverDone.then(
    () => true,
    () => true,
  );
  await connection.cancel().catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), DRAIN_TIMEOUT_MS);
  });
  const ended = await Promise.race([settled, timedOut]);
  clearTimeout(timer);
  if (!ended) await connection.close();
}

function asExportError(err: unknown): PgError {
  if (err instanceof PgError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOSPC') return new PgError('query', 'The export stopped: the disk is full. Free some space or choose another place, then export again.', {}, { cause: err });
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return new PgError('query', `The export stopped: the file cannot be written (${e.message}).`, {}, { cause: err });
  if (e?.code?.startsWith('E')) return new PgError('query', `The export stopped: writing the file failed (${e.message}).`, {}, { cause: err });
  const code = (err as { code?: string })?.code;
  if (code && /^[0-9A-Z]{5}$/.test(code)) return new PgError('query', (err as Error).message, { code }, { cause: err });
  return new PgError('query', (err as Error)?.message ?? String(err), {}, { cause: err });
}

export function cancelledError(cause?: unknown): PgError {
  return new PgError('cancelled', 'The export was cancelled.', {}, { cause });
}

/** Passes CSV through, counting records (a newline outside quotes ends one; the header is not a row). */
class CsvCounter extends Transform {
  private inQuotes = false;
  private header = true;

  constructor(
    private readonly progress: CopyProgress,
    private readonly report?: (p: CopyProgress) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    // Quotes and newlines are single bytes in UTF-8 and never part of a multi-byte character.
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === 0x22) this.inQuotes = !this.inQuotes;
      else if (b === 0x0a && !this.inQuotes) {
        if (this.header) this.header = false;
        else this.progress.rows++;
      }
    }
    this.progress.bytes += chunk.length;
    this.report?.(this.progress);
    callback(null, chunk);
  }
}

/** COPY text lines of row_to_json output -> a JSON array, one object per line. */
class JsonFramer extends Transform {
  private rest = '';
  private first = true;
  // A chunk can end inside a multi-byte character.
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    private readonly progress: CopyProgress,
    private readonly report?: (p: CopyProgress) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const text = this.rest + this.decoder.write(chunk);
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    let out = this.first ? '[' : '';
    this.first = false;
    for (const line of lines) {
      out += `${this.progress.rows === 0 ? '\n' : ',\n'}${decodeCopyText(line)}`;
      this.progress.rows++;
    }
    this.send(out, callback);
  }

  override _flush(callback: TransformCallback): void {
    this.rest += this.decoder.end();
    let out = this.first ? '[' : '';
    if (this.rest) {
      out += `${this.progress.rows === 0 ? '\n' : ',\n'}${decodeCopyText(this.rest)}`;
      this.progress.rows++;
    }
    out += this.progress.rows === 0 ? ']\n' : '\n]\n';
    this.send(out, callback);
  }

  private send(text: string, callback: TransformCallback): void {
    const buffer = Buffer.from(text, 'utf8');
    this.progress.bytes += buffer.length;
    this.report?.(this.progress);
    callback(null, buffer);
  }
}

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** Undoes COPY's text-format escaping of one field (backslash sequences, octal and hex bytes). */
export function decodeCopyText(field: string): string {
  if (!field.includes('\\')) return field;
  return field.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, seq: string) => {
    if (seq[0] === 'x' && seq.length > 1) return String.fromCharCode(Number.parseInt(seq.slice(1), 16));
    if (/^[0-7]/.test(seq)) return String.fromCharCode(Number.parseInt(seq, 8));
    return ESCAPES[seq] ?? seq;
  });
}
