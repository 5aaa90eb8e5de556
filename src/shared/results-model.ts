/**
 * The plain data the results webview shows: runs, statements, result sets, pages, edits.
 * Structural copies of what the pool hands out (src/shared may not import src/pool); the host maps
 * one to the other. Every value is the server's text, NULL is null: nothing here is a JS number
 * or Date that could lose a bigint's digits or a timestamp's time zone.
 */

import type { PackedRows } from './packed-rows';

export type { PackedRows } from './packed-rows';

/** One value as the server printed it; null is SQL NULL (never the empty string). */
export type CellValue = string | null;
export type RowValues = CellValue[];

export interface ColumnView {
  name: string;
  /** `format_type(oid, NULL)`, e.g. "character varying". */
  typeName: string;
  typeOid: number;
  /** Source table oid and attnum, when the column comes straight from a table. */
  tableOid: number | null;
  columnNumber: number | null;
}

export interface PageView {
  /** The page's rows, packed (packed-rows.ts): one string and one Int32Array, not a string per value. */
  packed: PackedRows;
  /** Where the page's first row is in the result (0-based). */
  offset: number;
  /** The server said there are no more rows after this page. */
  done: boolean;
  /** Rows the cursor delivered so far, this page included (forward cursors); offset + count otherwise. */
  rowsSoFar: number;
}

/** A PgError as data (the server's fields stay separate so the panel can show hint and detail). */
export interface ErrorView {
  kind: string;
  message: string;
  code?: string;
  detail?: string;
  hint?: string;
  position?: number;
  where?: string;
}

export interface StatementView {
  index: number;
  /** The statement's text (shortened by the host when very long). */
  sql: string;
  /** Offset of the statement in its document. */
  offset: number;
  status: 'ok' | 'error';
  /** Command tag, e.g. "SELECT", "UPDATE"; with `rowCount` when the server gave one. */
  command?: string;
  rowCount?: number | null;
  /** Rows delivered so far, when the count is not known yet (the cursor still has more). */
  rowsSoFar?: number;
  /** The first notices the statement raised (the pool keeps a bounded number). */
  notices: string[];
  /** How many more it raised than `notices` holds. */
  noticesDropped?: number;
  durationMs?: number;
  error?: ErrorView;
  /** The result set this statement produced, if it returned rows. */
  resultId?: number;
  /** The session lost its SETs / temp tables before this statement (its connection was reclaimed). */
  sessionReset?: string;
}

export interface ResultSetView {
  resultId: number;
  statementIndex: number;
  /** Tab label. */
  title: string;
  columns: ColumnView[];
  firstPage: PageView;
  /** The session's cursor still holds more of this result (only the run's last result set can). */
  pageable: boolean;
  /** Why a result with more rows cannot be paged (e.g. a later statement of the run closed its cursor). */
  notPageableReason?: string;
  /**
   * The result is a scroll cursor: any rows can be read (FetchPageCommand's `offset`) and the rows
   * counted (CountRowsCommand), so the grid holds a window of it, not all of it.
   */
  scrollable?: boolean;
  /**
   * The rows were read inside a transaction: `open` while it lasts (CursorStateParams then says
   * how it ended), or how a later statement of the same run ended it.
   */
  readInTransaction?: TransactionFate;
}

/** A transaction rows were read in: still open, committed, rolled back, or ended without saying how. */
export type TransactionFate = 'open' | 'committed' | 'rolledBack' | 'ended';

export interface RunView {
  /** Unique per run; every later message of the run carries it, so stale replies are dropped. */
  runId: string;
  title: string;
  /** A read-only profile: no edits are offered. */
  readOnly: boolean;
  /** The grid stops loading rows at this many and offers export instead. */
  maxRowsInGrid: number;
  /** The run came from a SQL editor, whose session can EXPLAIN a result's statement (the toolbar's Explain). */
  canExplain?: boolean;
  statements: StatementView[];
  results: ResultSetView[];
  /**
   * The webview was reloaded after the run was shown: the host does not keep rows (it forwards
   * pages and forgets them), so the result sets come without their first pages.
   */
  rowsReleased?: boolean;
}

// -------------------------------------------------------------------------------------------------
// Editing

export type EditabilityView =
  | {
      editable: true;
      /** The table, as shown to the user ("public.orders"). */
      table: string;
      /** Grid column indexes of the row identity (primary key or unique not-null key). */
      keyColumns: number[];
      /** One entry per grid column: generated, identity ALWAYS and system columns are not writable. */
      columns: { writable: boolean; reason?: string }[];
    }
  | { editable: false; reason: string };

export interface CellChange {
  /** Grid column index. */
  column: number;
  /** The value the grid showed when the user changed it: the server compares it to detect conflicts. */
  old: CellValue;
  value: CellValue;
}

export type RowChange =
  | {
      kind: 'update';
      /** Index of the row in the result (loaded order). */
      rowIndex: number;
      /** Values of the key columns, in `keyColumns` order, as loaded. */
      key: CellValue[];
      cells: CellChange[];
    }
  | { kind: 'insert'; tempId: number; cells: { column: number; value: CellValue }[] }
  /** `row`: the values as loaded; the row is deleted only if it still holds them. */
  | { kind: 'delete'; rowIndex: number; key: CellValue[]; row: RowValues };

export interface ChangeSet {
  keyColumns: number[];
  changes: RowChange[];
}

export interface ConflictView {
  /** Index into ChangeSet.changes. */
  changeIndex: number;
  rowIndex: number;
  /** The row as the server has it now (grid column order), or null when it was deleted meanwhile. */
  current: RowValues | null;
  message: string;
}

export type ApplyOutcomeView =
  | {
      kind: 'applied';
      updated: number;
      inserted: number;
      deleted: number;
      /** Rows as stored after the commit (defaults filled in), by change index, when the server returned them. */
      rows: { changeIndex: number; row: RowValues }[];
    }
  | { kind: 'conflict'; conflicts: ConflictView[] }
  /** `changeIndex` and `column` (a grid column): the change and cell the server refused, when known. */
  | { kind: 'failed'; error: ErrorView; changeIndex?: number; column?: number };

export type ExportFormat = 'csv' | 'json';
