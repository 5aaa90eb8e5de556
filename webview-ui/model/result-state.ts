/**
 * One result set as the webview holds it: its rows (RowStore), its pending edits, whether and why
 * it can be edited, and where paging stands. Display rows put the pending new rows first, then the
 * loaded rows. Pure data: no DOM, no messaging.
 */
import type { CellValue, ColumnView, EditabilityView, ResultSetView, RowValues } from '../../src/shared/results-model';
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
}
