/** A row as the pending changes name it: a loaded row by index, a new row by its temporary id. */
export type RowRef = { kind: 'loaded'; index: number } | { kind: 'new'; tempId: number };

/** What the last commit did, for the banner; `focus` is the display cell to show (a conflict, a refused value). */
export interface CommitReport {
  kind: 'ok' | 'warn' | 'error';
  text: string;
  focus?: { row: number; col: number };
}

/**
 * One result set as the webview holds it: its rows (RowStore), its pending edits, whether and why
 * it can be edited, and where paging stands. Display rows put the pending new rows first, then the
 * loaded rows. Pure data: no DOM, no messaging.
 */
import type { ApplyOutcomeView, CellValue, ChangeSet, ColumnView, EditabilityView, ResultSetView, RowValues } from '../../src/shared/results-model';
import { PendingChanges } from './pending-changes';
import { RowStore } from './row-store';
import { packRows, revivePacked } from '../../src/shared/packed-rows';
import type { PackedRows } from '../../src/shared/packed-rows';

export class ResultState {
  readonly store: RowStore;
  readonly pending: PendingChanges;
  editability: EditabilityView = { editable: false, reason: 'Checking whether the result can be edited…' };
  /** More rows exist on the server that this grid could still page in. */
  more: boolean;
  /** The server has rows the grid will never page (a later statement closed the cursor, or the cap). */
  notPageableReason?: string;
  fetching = false;
  fetchingAll = false;
  fetchError?: string;
  fetchMs = 0;
  /** Rows the cursor delivered so far (may exceed store.length past the cap). */
  rowsSoFar: number;
  /** A scroll cursor: the store holds a window of the result, rows are read where the grid looks. */
  readonly scrollable: boolean;
  /** The range asked for and not answered yet (scroll cursors; one at a time). */
  requested: { offset: number; count: number } | undefined;
  /** A count was asked for (Ctrl+End, or the scrollbar dragged to the bottom) and not answered yet. */
  counting = false;
  /** Where to go once the count arrives. */
  afterCount: 'end' | undefined;
  /** The change the server refused in the last commit: its row, and its cell when known. */
  refused?: { row: RowRef; col?: number; message: string };

  constructor(
    readonly view: ResultSetView,
    cap: number,
    readonly statementMs: number,
  ) {
    this.scrollable = view.scrollable === true && view.pageable;
    this.store = new RowStore(cap, this.scrollable);
    this.pending = new PendingChanges(view.columns.length);
    const first = revivePacked(view.firstPage.packed);
    if (this.scrollable) {
      this.store.put(0, first);
      if (view.firstPage.done) this.store.setTotal(first.count);
    } else {
      this.store.append(first);
    }
    this.rowsSoFar = view.firstPage.rowsSoFar;
    this.more = view.pageable && !view.firstPage.done;
    if (!view.firstPage.done && !view.pageable) this.notPageableReason = view.notPageableReason;
  }

  get columns(): ColumnView[] {
    return this.view.columns;
  }

  get canEdit(): boolean {
    return this.editability.editable;
  }

  /**
   * A page arrived: a forward cursor's is appended (what fits under the cap); a scroll cursor's
   * lands at its `offset`, and a last page tells the total.
   */
  addPage(rows: PackedRows | RowValues[], done: boolean, rowsSoFar: number, elapsedMs: number, continuing = false, offset?: number): void {
    const page = Array.isArray(rows) ? packRows(rows, this.columns.length) : revivePacked(rows);
    if (this.scrollable) {
      const at = offset ?? rowsSoFar - page.count;
      this.store.put(at, page);
      if (done) this.store.setTotal(at + page.count);
    } else {
      this.store.append(page);
    }
    this.rowsSoFar = rowsSoFar;
    this.fetchMs += elapsedMs;
    this.fetchError = undefined;
    if (done) this.more = false;
    if (this.requested && this.requested.offset === offset) {
      // The answer to a range the viewport asked for: Fetch all's state is not its business.
      this.requested = undefined;
      return;
    }
    this.requested = undefined;
    // During "fetch all" the host goes on reading: the next page is already on its way.
    this.fetching = continuing && !done;
    if (!this.fetching) this.fetchingAll = false;
  }

  get displayCount(): number {
    return this.pending.newRows.length + this.store.length;
  }

  /** Display row -> a new (uncommitted) row, or a loaded row's index. */
  locate(displayRow: number): { kind: 'new'; tempId: number; index: number } | { kind: 'loaded'; index: number } {
    const fresh = this.pending.newRows;
    if (displayRow < fresh.length) return { kind: 'new', tempId: fresh[displayRow].tempId, index: displayRow };
    return { kind: 'loaded', index: displayRow - fresh.length };
  }

  /** The total is known: every row of the result has its place in the grid. */
  setTotal(total: number): void {
    this.store.setTotal(total);
    this.more = false;
    this.counting = false;
  }

  /** Whether a display row's values are here (a scroll cursor's may still be on their way). */
  isLoaded(displayRow: number): boolean {
    const at = this.locate(displayRow);
    return at.kind === 'new' || this.store.has(at.index);
  }

  /** What the grid draws for a cell; `edited` when a pending change sits there. */
  cell(displayRow: number, col: number): { value: CellValue; edited: boolean; isDefault: boolean } {
    const at = this.locate(displayRow);
    if (at.kind === 'new') {
      const v = this.pending.newRows[at.index].values[col];
      return { value: v === undefined ? null : v, edited: v !== undefined, isDefault: v === undefined };
    }
    const loaded = this.store.value(at.index, col) ?? null;
    return {
      value: this.pending.displayValue(at.index, col, loaded),
      edited: this.pending.isCellEdited(at.index, col),
      isDefault: false,
    };
  }

  /** Sets a cell from the grid (a loaded row's or a new row's). */
  setCell(displayRow: number, col: number, value: CellValue): void {
    const at = this.locate(displayRow);
    // Typing into the refused cell is the fix being tried: the mark has said what it had to.
    if (this.refusedAt(displayRow, col)) this.refused = undefined;
    if (at.kind === 'new') this.pending.setNewCell(at.tempId, col, value);
    else {
      this.store.pin(at.index);
      this.pending.setCell(at.index, col, this.store.value(at.index, col) ?? null, value);
    }
  }

  /** Whether a column may be written (generated and identity-always columns may not). */
  columnWritable(col: number): boolean {
    const e = this.editability;
    return e.editable && (e.columns[col]?.writable ?? false);
  }

  /** Values for the copy: what the grid shows (pending values included). */
  valuesOf(displayRows: number[], fromCol: number, toCol: number): CellValue[][] {
    return displayRows.map((r) => {
      const out: CellValue[] = [];
      for (let c = fromCol; c <= toCol; c++) out.push(this.cell(r, c).value);
      return out;
    });
  }

  /** The display row of a loaded or new row now (new rows come first), or undefined when it is gone. */
  displayRowOf(ref: RowRef): number | undefined {
    if (ref.kind === 'loaded') return ref.index < this.store.length ? this.pending.newRows.length + ref.index : undefined;
    const i = this.pending.newRows.findIndex((r) => r.tempId === ref.tempId);
    return i < 0 ? undefined : i;
  }

  /** Whether the last commit's refused change is this cell (or this row, when the server named no cell). */
  refusedAt(displayRow: number, col?: number): boolean {
    const r = this.refused;
    if (!r || this.displayRowOf(r.row) !== displayRow) return false;
    return col === undefined || r.col === col;
  }

  /** "row 12" or "new row +1", as the row numbers show it. */
  rowLabel(ref: RowRef): string {
    if (ref.kind === 'loaded') return `row ${ref.index + 1}`;
    const i = this.pending.newRows.findIndex((r) => r.tempId === ref.tempId);
    return `new row +${i + 1}`;
  }

  /** Drops pending changes and the last commit's marks. */
  discard(): void {
    this.pending.discard();
    this.refused = undefined;
  }

  /**
   * The host's answer to a commit of `set`: applied (the store takes the rows as stored, the
   * pending changes go), a conflict (marked on its row), or refused by the server (nothing was
   * written; the change, and the cell when known, is marked).
   */
  applyOutcome(set: ChangeSet, outcome: ApplyOutcomeView): CommitReport {
    this.refused = undefined;
    if (outcome.kind === 'applied') {
      const removed: number[] = [];
      const added: CellValue[][] = [];
      for (const { changeIndex, row } of outcome.rows) {
        const change = set.changes[changeIndex];
        if (!change) continue;
        if (change.kind === 'update') this.store.replace(change.rowIndex, row);
        else if (change.kind === 'insert') added.push(row);
      }
      for (const change of set.changes) if (change.kind === 'delete') removed.push(change.rowIndex);
      this.pending.discard();
      this.store.remove(removed);
      this.store.prepend(added);
      return { kind: 'ok', text: `Committed: ${outcome.updated} updated, ${outcome.inserted} inserted, ${outcome.deleted} deleted.` };
    }
    if (outcome.kind === 'conflict') {
      this.pending.setConflicts(outcome.conflicts);
      const c = outcome.conflicts[0];
      return {
        kind: 'warn',
        text: `Nothing was written: ${c ? c.message : 'a row changed on the server'}. Keep yours or take the server's value.`,
        ...(c ? { focus: { row: c.rowIndex + this.pending.newRows.length, col: 0 } } : {}),
      };
    }
    const e = outcome.error;
    const why = `${e.message}${e.detail ? ` (${e.detail})` : ''}`;
    const change = outcome.changeIndex !== undefined ? set.changes[outcome.changeIndex] : undefined;
    if (!change) return { kind: 'error', text: `Nothing was written: ${why}` };
    const row: RowRef = change.kind === 'insert' ? { kind: 'new', tempId: change.tempId } : { kind: 'loaded', index: change.rowIndex };
    const col = outcome.column;
    this.refused = { row, ...(col !== undefined ? { col } : {}), message: why };
    const where = `${this.rowLabel(row)}${col !== undefined && this.columns[col] ? `, column ${this.columns[col].name}` : ''}`;
    const at = this.displayRowOf(row);
    return { kind: 'error', text: `Nothing was written: the server refused ${where}: ${why}`, ...(at !== undefined ? { focus: { row: at, col: col ?? 0 } } : {}) };
  }
}
