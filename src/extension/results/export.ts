/**
 * Exports a whole result (not just the rows the grid loaded) to a file, streamed by the pool's
 * COPY as the session that produced the result (`session.exportResult`): same role, search_path,
 * TimeZone and DateStyle, temp tables included, read-only.
 *
 * The file is opened before COPY is sent (a missing folder or a read-only one fails at once,
 * with nothing sent to the server), written beside the target under a temporary name and renamed
 * at the end: a cancel or an error removes the partial file and leaves the user's existing file
 * as it was. No vscode here.
 */
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PgError } from '../../pool';
import type { CopyFormat, CopyProgress, Session } from '../../pool';

export type ExportProgress = CopyProgress;

export interface ExportRequest {
  session: Session;
  sql: string;
  format: CopyFormat;
  file: string;
  onProgress?: (progress: ExportProgress) => void;
}

export interface ExportHandle {
  /** Settles with the rows and bytes written; rejects with a PgError (kind `cancelled` after cancel()). */
  done: Promise<ExportProgress>;
  cancel(): void;
}

export function startExport(request: ExportRequest): ExportHandle {
  const abort = new AbortController();
  const temp = join(dirname(request.file), `.${basename(request.file)}.${process.pid}.${Date.now()}.part`);

  const done = (async (): Promise<ExportProgress> => {
    let created = false;
    try {
      // 'wx': a new file of our own; fails at once when the folder is missing or not writable.
      const handle = await open(temp, 'wx').catch((err: unknown) => {
        throw unwritable(request.file, err);
      });
      created = true;
      const destination = handle.createWriteStream();
      const progress = await request.session.exportResult({
        sql: request.sql,
        format: request.format,
        destination,
        onProgress: request.onProgress,
        signal: abort.signal,
      });
      if (abort.signal.aborted) throw new PgError('cancelled', 'The export was cancelled.');
      await rename(temp, request.file);
      return progress;
    } catch (err) {
      if (created) await rm(temp, { force: true });
      if (abort.signal.aborted) throw err instanceof PgError && err.kind === 'cancelled' ? err : new PgError('cancelled', 'The export was cancelled.', {}, { cause: err });
      throw err instanceof PgError ? err : new PgError('query', (err as Error).message, {}, { cause: err });
    }
  })();
  return {
    done,
    cancel() {
      abort.abort();
    },
  };
}

function unwritable(file: string, err: unknown): PgError {
  const e = err as NodeJS.ErrnoException;
  const folder = dirname(file);
  const why =
    e.code === 'ENOENT'
      ? `the folder ${folder} does not exist`
      : e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS'
        ? `the folder ${folder} cannot be written to`
        : e.message;
  return new PgError('query', `Cannot export to ${file}: ${why}. Choose another place; nothing was sent to the server.`, {}, { cause: err });
}
