/**
 * The grid's uncommitted edits: changed cells, new rows and rows marked for deletion. Commit sends
 * them all as one ChangeSet (the host applies all or none); Discard drops them. A conflict (the
 * row changed on the server since it was loaded) is held per row with the server's current values
 * until the user keeps theirs (re-applied against the new value) or takes the server's.
 * Pure data: no DOM, no messaging.
 */
import type { CellValue, ChangeSet, ConflictView, RowChange, RowValues } from '../../src/shared/results-model';

interface CellEdit {
  old: CellValue;
  value: CellValue;
}

export interface NewRow {
  tempId: number;
  /** Per column: a value, or undefined to let the server fill in the default. */
  values: (CellValue | undefined)[];
}

export interface RowConflict {
  current: RowValues | null;
  message: string;
}

export type RowState = 'clean' | 'edited' | 'deleted' | 'conflict';

export class PendingChanges {
  private readonly edits = new Map<number, Map<number, CellEdit>>();
  private readonly deletes = new Set<number>();
  private inserts: NewRow[] = [];
  private readonly conflicts = new Map<number, RowConflict>();
  private nextTempId = 1;

  constructor(readonly columnCount: number) {}

  get isEmpty(): boolean {
    return this.edits.size === 0 && this.deletes.size === 0 && this.inserts.length === 0;
  }

  /** Counts for the toolbar ("2 edited, 1 new, 3 deleted"). */
  get summary(): { edited: number; inserted: number; deleted: number; conflicts: number } {
    return { edited: this.edits.size, inserted: this.inserts.length, deleted: this.deletes.size, conflicts: this.conflicts.size };
  }

  get newRows(): readonly NewRow[] {
    return this.inserts;
  }

  /**
   * Sets a loaded row's cell. `loaded` is the value the grid holds for it; setting a cell back to
   * that value removes the edit.
   */
  setCell(rowIndex: number, column: number, loaded: CellValue, value: CellValue): void {
    this.checkColumn(column);
    let row = this.edits.get(rowIndex);
    const existing = row?.get(column);
    const old = existing ? existing.old : loaded;
    if (value === old) {
      row?.delete(column);
      if (row && row.size === 0) this.edits.delete(rowIndex);
      return;
    }
    if (!row) {
      row = new Map();
      this.edits.set(rowIndex, row);
    }
    row.set(column, { old, value });
  }

  /** What the grid shows for a loaded cell: the pending value if edited, else the loaded one. */
  displayValue(rowIndex: number, column: number, loaded: CellValue): CellValue {
    const edit = this.edits.get(rowIndex)?.get(column);
    return edit ? edit.value : loaded;
  }

  isCellEdited(rowIndex: number, column: number): boolean {
    return this.edits.get(rowIndex)?.has(column) ?? false;
  }

  rowState(rowIndex: number): RowState {
    if (this.conflicts.has(rowIndex)) return 'conflict';
    if (this.deletes.has(rowIndex)) return 'deleted';
    if (this.edits.has(rowIndex)) return 'edited';
    return 'clean';
  }

  conflictOf(rowIndex: number): RowConflict | undefined {
    return this.conflicts.get(rowIndex);
  }

  /** Marks rows for deletion, or unmarks them when all of them are marked already. */
  toggleDelete(rowIndexes: number[]): void {
    const allMarked = rowIndexes.every((i) => this.deletes.has(i));
    for (const i of rowIndexes) {
      if (allMarked) this.deletes.delete(i);
      else this.deletes.add(i);
    }
  }

  addRow(): NewRow {
    const row: NewRow = { tempId: this.nextTempId++, values: new Array<CellValue | undefined>(this.columnCount).fill(undefined) };
    this.inserts.push(row);
    return row;
  }

  setNewCell(tempId: number, column: number, value: CellValue | undefined): void {
    this.checkColumn(column);
    const row = this.inserts.find((r) => r.tempId === tempId);
    if (!row) throw new RangeError(`no new row ${tempId}`);
    row.values[column] = value;
  }

  removeNewRows(tempIds: number[]): void {
    const drop = new Set(tempIds);
    this.inserts = this.inserts.filter((r) => !drop.has(r.tempId));
  }

  discard(): void {
    this.edits.clear();
    this.deletes.clear();
    this.inserts = [];
    this.conflicts.clear();
  }

  /**
   * The changes to send, in a stable order (updates and deletes by row, then inserts). `rowAt`
   * gives a loaded row's values, for the key of the row as it was loaded.
   */
  toChangeSet(keyColumns: number[], rowAt: (rowIndex: number) => RowValues | undefined): ChangeSet {
    const changes: RowChange[] = [];
    const loaded = (rowIndex: number): RowValues => {
      const row = rowAt(rowIndex);
      if (!row) throw new RangeError(`row ${rowIndex} is not loaded`);
      return row;
    };
    const keyOf = (rowIndex: number): CellValue[] => keyColumns.map((c) => loaded(rowIndex)[c]);
    const rows = [...new Set([...this.edits.keys(), ...this.deletes])].sort((a, b) => a - b);
    for (const rowIndex of rows) {
      if (this.deletes.has(rowIndex)) {
        // A row both edited and deleted is only deleted.
        changes.push({ kind: 'delete', rowIndex, key: keyOf(rowIndex), row: [...loaded(rowIndex)] });
        continue;
      }
      const cells = [...(this.edits.get(rowIndex) ?? new Map<number, CellEdit>()).entries()]
        .sort(([a], [b]) => a - b)
        .map(([column, edit]) => ({ column, old: edit.old, value: edit.value }));
      changes.push({ kind: 'update', rowIndex, key: keyOf(rowIndex), cells });
    }
    for (const row of this.inserts) {
      const cells = row.values.flatMap((value, column) => (value === undefined ? [] : [{ column, value }]));
      changes.push({ kind: 'insert', tempId: row.tempId, cells });
    }
    return { keyColumns: [...keyColumns], changes };
  }

  /** Records the conflicts the server reported (nothing was written). */
  setConflicts(conflicts: ConflictView[]): void {
    this.conflicts.clear();
    for (const c of conflicts) this.conflicts.set(c.rowIndex, { current: c.current, message: c.message });
  }

  /**
   * Keep mine: the user's values stay and are re-applied against the server's current ones
   * (which become the row's loaded values). Returns the row to put in the store, or undefined when
   * the row is gone on the server (then there is nothing to keep an update against).
   */
  keepMine(rowIndex: number): RowValues | undefined {
    const conflict = this.conflicts.get(rowIndex);
    if (!conflict) return undefined;
    this.conflicts.delete(rowIndex);
    const current = conflict.current;
    if (!current) {
      this.edits.delete(rowIndex);
      this.deletes.delete(rowIndex);
      return undefined;
    }
    const edits = this.edits.get(rowIndex);
    if (edits) {
      for (const [column, edit] of edits) {
        if (current[column] === edit.value) edits.delete(column);
        else edits.set(column, { old: current[column], value: edit.value });
      }
      if (edits.size === 0) this.edits.delete(rowIndex);
    }
    return current;
  }

  /** Take the server's: drop the user's changes to the row; returns the server's row (null: deleted there). */
  takeServers(rowIndex: number): RowValues | null | undefined {
    const conflict = this.conflicts.get(rowIndex);
    if (!conflict) return undefined;
    this.conflicts.delete(rowIndex);
    this.edits.delete(rowIndex);
    this.deletes.delete(rowIndex);
    return conflict.current;
  }

  private checkColumn(column: number): void {
    if (!Number.isInteger(column) || column < 0 || column >= this.columnCount) throw new RangeError(`no column ${column}`);
  }
}
