/**
 * What the footer says about the session and the exports, derived each time from the current
 * run, the session's last reported state (CursorStateParams, which follows the session's own
 * events) and the exports' progress: never a note kept from an earlier run or result. Pure.
 */
import type { CursorStateParams, ExportProgressParams, TransactionFate } from '../../src/shared/protocol';

export interface SessionNote {
  text: string;
  /** The Close cursor button is offered (something is open to close). */
  closable: boolean;
  /** Close only this result's named cursor (else every cursor of the run). */
  resultId?: number;
}

/**
 * The note about what the session holds for the shown result: the protocol cursor's
 * transaction, a named cursor the server keeps, or the session's own open transaction.
 */
export function sessionNote(cursor: CursorStateParams | undefined, resultId: number | undefined): SessionNote | undefined {
  if (!cursor) return undefined;
  // A result of a run of several statements is a named cursor: no transaction, but the server
  // keeps the rest of the result for it until it is read or closed.
  const kept = resultId !== undefined && !!cursor.openResultIds?.includes(resultId) && !cursor.cursorOpen;
  if (cursor.cursorOpen) return { text: 'The open cursor holds a transaction (its snapshot and locks) until it is read to the end or closed.', closable: true };
  if (kept) return { text: 'The server keeps the rest of this result until it is read to the end or closed.', closable: true, resultId };
  if (cursor.inTransaction) return { text: 'The session is inside a transaction.', closable: false };
  return undefined;
}

/** What became of the transaction a result's rows were read in: their own fate, or the session's news since. */
export function transactionFate(readInTransaction: TransactionFate | undefined, cursor: CursorStateParams | undefined): TransactionFate | undefined {
  if (readInTransaction !== 'open') return readInTransaction;
  return cursor?.transactionEnded ?? 'open';
}

/** Rows that may show what no longer exists: read in a transaction that was rolled back (or ended unsaid). */
export function staleRowsNote(fate: TransactionFate | undefined): string | undefined {
  if (fate === 'rolledBack') {
    return 'Rolled back: these rows were read inside a transaction that was rolled back, so what it changed is not in the database. Run the statement again to see what is stored.';
  }
  if (fate === 'ended') return 'These rows were read inside a transaction that has ended. Run the statement again to see what is stored.';
  return undefined;
}

export interface ExportNote {
  exportId: number;
  text: string;
  state: ExportProgressParams['state'];
  /** Whether a Cancel is offered. */
  running: boolean;
}

/**
 * The exports the footer mentions under a result: its own (running or finished), and any other
 * export still running (it can be cancelled from here). A finished export of another result or
 * of an earlier run is not mentioned: its message would describe rows that are not shown.
 */
export function exportNotes(exports: Iterable<ExportProgressParams>, runId: string | undefined, resultId: number | undefined): ExportNote[] {
  const notes: ExportNote[] = [];
  for (const x of exports) {
    const own = x.runId === runId && x.resultId === resultId;
    if (!own && x.state !== 'running') continue;
    const what = `${x.format.toUpperCase()} export${own ? '' : ' of another result'}`;
    const progress = `${x.rows.toLocaleString('en-US')} rows, ${formatBytes(x.bytes)}`;
    const end =
      x.state === 'running' ? `: ${progress}…` : x.state === 'done' ? ` done, ${progress} to ${x.file ?? 'the file'}` : x.state === 'cancelled' ? ' cancelled' : ` failed: ${x.message ?? ''}`;
    notes.push({ exportId: x.exportId, text: `${what}${end}`, state: x.state, running: x.state === 'running' });
  }
  return notes;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
