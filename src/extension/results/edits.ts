/**
 * The grid's edits on the host: whether a result may be edited (the session's
 * editabilityOfResult), and a ChangeSet of the webview (grid column indexes) turned into the
 * pool's row changes (column names), applied all or none as the session that produced the
 * result. A conflict comes back from the pool with the row as the server has it now, so the user
 * sees what changed. Column names are data: rows keyed by them are read with Object.hasOwn, so a
 * column named `constructor` or `__proto__` is a column like any other. No vscode here.
 */
import type { ApplyOutcome, ColumnMeta, InsertedRow, ResultEditability, RowChange, RowKey, Session, UpdateOutcome } from '../../pool';
import { PgError, quoteIdent } from '../../pool';
import type { ApplyOutcomeView, ChangeSet, ConflictView, EditabilityView, RowValues } from '../../shared/protocol';
import { errorView } from './run-view';

export type EditableResult = Extract<ResultEditability, { editable: true }>;

export async function checkEditability(
  session: Session,
  columns: ColumnMeta[],
  readOnly: boolean,
): Promise<{ view: EditabilityView; editable?: EditableResult }> {
  if (readOnly) return { view: { editable: false, reason: 'The connection profile is read-only.' } };
  let e: ResultEditability;
  try {
    e = await session.editabilityOfResult(columns);
  } catch (err) {
    return { view: { editable: false, reason: `Could not check whether the result can be edited: ${(err as Error).message}` } };
  }
  if (!e.editable) return { view: { editable: false, reason: e.reason } };
  return {
    view: {
      editable: true,
      table: `${quoteIdent(e.target.schema)}.${quoteIdent(e.target.table)}`,
      keyColumns: e.keyIndexes,
      columns: e.columns.map((c) => (c.reason ? { writable: c.writable, reason: c.reason } : { writable: c.writable })),
    },
    editable: e,
  };
}

interface Planned {
  changes: RowChange[];
  /** For each pool change, the grid change it came from. */
  origin: number[];
  /** For each pool change, the grid column it writes (an update writes one cell; inserts and deletes none alone). */
  cells: (number | undefined)[];
}

/**
 * Grid changes -> pool changes. A row's several edited cells become several updates of that row;
 * key columns go last and the key follows them, so a changed key still finds its row.
 */
export function planChanges(target: EditableResult, set: ChangeSet): Planned {
  const names = target.columns.map((c) => c.column);
  const keyOf = (values: (string | null)[]): RowKey => Object.fromEntries(target.key.map((name, i) => [name, values[i]]));
  const changes: RowChange[] = [];
  const origin: number[] = [];
  const written: (number | undefined)[] = [];
  set.changes.forEach((change, index) => {
    if (change.kind === 'insert') {
      changes.push({ kind: 'insert', columns: change.cells.map((c) => ({ column: columnName(names, c.column), value: c.value })) });
      origin.push(index);
      written.push(undefined);
    } else if (change.kind === 'delete') {
      // A Map, then own properties: `expected.__proto__ = v` would set no column at all.
      const expected = new Map<string, string | null>();
      names.forEach((name, i) => {
        if (!expected.has(name)) expected.set(name, change.row[i] ?? null);
      });
      changes.push({ kind: 'delete', key: keyOf(change.key), expected: Object.fromEntries(expected) });
      origin.push(index);
      written.push(undefined);
    } else {
      const key = keyOf(change.key);
      const isKey = (col: number): boolean => target.key.includes(columnName(names, col));
      const cells = [...change.cells].sort((a, b) => Number(isKey(a.column)) - Number(isKey(b.column)));
      for (const cell of cells) {
        const column = columnName(names, cell.column);
        changes.push({ kind: 'update', key: { ...key }, column, value: cell.value, expected: cell.old });
        origin.push(index);
        written.push(cell.column);
        if (Object.hasOwn(key, column)) key[column] = cell.value;
      }
    }
  });
  return { changes, origin, cells: written };
}

export async function applyGridChanges(session: Session, target: EditableResult, set: ChangeSet): Promise<ApplyOutcomeView> {
  let plan: Planned;
  try {
    plan = planChanges(target, set);
  } catch (err) {
    return { kind: 'failed', error: errorView(err as Error) };
  }
  let outcome: ApplyOutcome;
  try {
    outcome = await session.applyChanges(target.target, plan.changes);
  } catch (err) {
    return { kind: 'failed', error: errorView(err as Error), ...refusedCell(target, set, plan, err as Partial<PgError>) };
  }
  if (outcome.kind === 'applied') return appliedView(target, set, plan, outcome.results);
  const changeIndex = plan.origin[outcome.index];
  const change = set.changes[changeIndex];
  const rowIndex = change && change.kind !== 'insert' ? change.rowIndex : -1;
  const current = outcome.current ? gridRow(target, outcome.current) : null;
  const conflict: ConflictView = { changeIndex, rowIndex, current, message: conflictMessage(outcome.outcome) };
  return { kind: 'conflict', conflicts: [conflict] };
}

/**
 * Which grid change, and which of its cells, the server refused: an update writes one cell; for an
 * insert, the server names the column (a NOT NULL or check violation), or the parameter it could
 * not read ("unnamed portal parameter $2", the insert's second value), else the row alone.
 */
function refusedCell(target: EditableResult, set: ChangeSet, plan: Planned, error: Partial<PgError>): { changeIndex?: number; column?: number } {
  const poolIndex = error.changeIndex;
  if (poolIndex === undefined || plan.origin[poolIndex] === undefined) return {};
  const changeIndex = plan.origin[poolIndex];
  const change = set.changes[changeIndex];
  const written = plan.cells[poolIndex];
  if (written !== undefined) return { changeIndex, column: written };
  if (change?.kind !== 'insert') return { changeIndex };
  const byName = error.column !== undefined ? change.cells.find((c) => target.columns[c.column]?.column === error.column) : undefined;
  if (byName) return { changeIndex, column: byName.column };
  const parameter = /parameter \$(\d+)/.exec(error.where ?? '');
  const byParameter = parameter ? change.cells[Number(parameter[1]) - 1] : undefined;
  return byParameter ? { changeIndex, column: byParameter.column } : { changeIndex };
}

function appliedView(target: EditableResult, set: ChangeSet, plan: Planned, results: (UpdateOutcome | InsertedRow)[]): ApplyOutcomeView {
  const rows = new Map<number, RowValues>();
  results.forEach((result, i) => {
    const changeIndex = plan.origin[i];
    const record = 'kind' in result ? (result.kind === 'updated' ? result.row : undefined) : result.row;
    // The last write of a grid change holds the row as stored after all of it.
    if (record) rows.set(changeIndex, gridRow(target, record));
  });
  let updated = 0;
  let inserted = 0;
  let deleted = 0;
  for (const c of set.changes) {
    if (c.kind === 'update') updated++;
    else if (c.kind === 'insert') inserted++;
    else deleted++;
  }
  return {
    kind: 'applied',
    updated,
    inserted,
    deleted,
    rows: [...rows.entries()].filter(([i]) => set.changes[i]?.kind !== 'delete').map(([changeIndex, row]) => ({ changeIndex, row })),
  };
}

/** A row keyed by column name, in the grid's column order. */
function gridRow(target: EditableResult, record: Record<string, string | null>): RowValues {
  return target.columns.map((c) => (Object.hasOwn(record, c.column) ? (record[c.column] ?? null) : null));
}

function conflictMessage(outcome: UpdateOutcome): string {
  if (outcome.kind === 'notFound') return 'The row was deleted on the server (or its key changed) since it was loaded';
  if (outcome.kind === 'conflict') {
    const show = (v: string | null): string => (v === null ? 'NULL' : JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v));
    return `${quoteIdent(outcome.column)} changed on the server: you saw ${show(outcome.expected)}, it is now ${show(outcome.current)}`;
  }
  return 'The row changed on the server';
}

function columnName(names: string[], col: number): string {
  const name = names[col];
  if (name === undefined) throw new PgError('query', `The result has no column ${col + 1}.`);
  return name;
}
