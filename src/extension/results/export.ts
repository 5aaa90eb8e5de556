/**
 * Exports a whole result (not just the rows the grid loaded) to a file, streamed: the statement
 * runs again inside COPY (...) TO STDOUT (pg-copy-streams) on a short lease of its own, so the
 * tab's cursor is not disturbed, in a READ ONLY transaction, so exporting can never write.
 *
 * - CSV is the server's own CSV (COPY ... FORMAT csv, HEADER): what `psql \copy` would write.
 * - JSON is an array of objects built by the server (row_to_json), so numbers keep every digit.
 *
 * The file is written beside the target under a temporary name and renamed at the end: a cancel or
 * an error leaves the user's existing file as it was. No vscode here.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { to as copyTo } from 'pg-copy-streams';
import type { PgPool } from '../../pool';
import { PgError } from '../../pool';
import type { ExportFormat } from '../../shared/protocol';

export interface ExportProgress {
  rows: number;
  bytes: number;
}

export interface ExportRequest {
  pool: PgPool;
  sql: string;
  format: ExportFormat;
  file: string;
  onProgress?: (progress: ExportProgress) => void;
}

export interface ExportHandle {
  /** Settles with the rows and bytes written; rejects with a PgError (kind `cancelled` after cancel()). */
  done: Promise<ExportProgress>;
  cancel(): void;
}

/** The statement as the body of COPY ( ... ): trailing semicolons dropped, a newline before ) ends a trailing -- comment. */
export function copyBody(sql: string): string {
  const body = sql.replace(/[\s;]+$/, '');
  if (body.length === 0) throw new PgError('query', 'There is no statement to export.');
  return body;
}

export function copyStatement(sql: string, format: ExportFormat): string {
  const body = copyBody(sql);
  return format === 'csv'
    ? `COPY (${body}\n) TO STDOUT WITH (FORMAT csv, HEADER true)`
    : `COPY (SELECT pg_catalog.row_to_json(q) FROM (${body}\n) AS q) TO STDOUT`;
}

export function startExport(request: ExportRequest): ExportHandle {
  let cancelled = false;
  let cancelNow: (() => void) | undefined;
  const temp = join(dirname(request.file), `.${basename(request.file)}.${process.pid}.${Date.now()}.part`);
  const progress: ExportProgress = { rows: 0, bytes: 0 };

  const done = (async (): Promise<ExportProgress> => {
    try {
      await request.pool.withShortLease(async (connection) => {
        if (cancelled) throw cancelledError();
        cancelNow = () => void connection.cancel().catch(() => undefined);
        await connection.query('BEGIN TRANSACTION READ ONLY');
        const source = connection.client.query(copyTo(copyStatement(request.sql, request.format)));
        const frame = request.format === 'csv' ? new CsvCounter(progress, request.onProgress) : new JsonFramer(progress, request.onProgress);
        try {
          await pipeline(source, frame, createWriteStream(temp));
        } catch (err) {
          throw cancelled ? cancelledError(err) : err;
        }
        await connection.query('COMMIT');
      });
      if (cancelled) throw cancelledError();
      await rename(temp, request.file);
      return { ...progress };
    } catch (err) {
      await rm(temp, { force: true });
      if (cancelled) throw cancelledError(err);
      throw err instanceof PgError ? err : new PgError('query', (err as Error).message, {}, { cause: err });
    }
  })();
  return {
    done,
    cancel() {
      cancelled = true;
      cancelNow?.();
    },
  };
}

function cancelledError(cause?: unknown): PgError {
  return new PgError('cancelled', 'The export was cancelled.', {}, { cause });
}

/** Passes CSV through, counting records (a newline outside quotes ends one; the header is not a row). */
class CsvCounter extends Transform {
  private inQuotes = false;
  private header = true;

  constructor(
    private readonly progress: ExportProgress,
    private readonly report?: (p: ExportProgress) => void,
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
    private readonly progress: ExportProgress,
    private readonly report?: (p: ExportProgress) => void,
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
