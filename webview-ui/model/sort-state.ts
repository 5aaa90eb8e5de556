/**
 * What the user asked of one result's sort and filter, before and after the host answers. A header
 * click cycles that column ascending -> descending -> none; a shift-click adds the column to the
 * sort (or cycles it in place) instead of replacing it. The spec goes to the host whole: the host
 * runs the result's own query again, wrapped. Pure data: no DOM, no messaging.
 */
import type { CellValue, ColumnView } from '../../src/shared/results-model';
import { EMPTY_SORT_FILTER } from '../../src/shared/sort-filter-model';
import type { QuickFilter, QuickFilterOp, SortFilterSpec, SortKey } from '../../src/shared/sort-filter-model';

/** The next sort after a header click on `column` (`add`: shift was held). */
export function cycleSort(sort: SortKey[], column: number, add: boolean): SortKey[] {
  const at = sort.findIndex((k) => k.column === column);
  const current = at >= 0 ? sort[at] : undefined;
  const next: SortKey | undefined = !current ? { column, direction: 'asc' } : current.direction === 'asc' ? { column, direction: 'desc' } : undefined;
  if (!add) return next ? [next] : [];
  if (!current) return [...sort, { column, direction: 'asc' }];
  return next ? sort.map((k, i) => (i === at ? next : k)) : sort.filter((_, i) => i !== at);
}

/** The header's mark for a column: ▲ / ▼, with its place in the order when several columns sort. */
export function sortMark(sort: SortKey[], column: number): string {
  const at = sort.findIndex((k) => k.column === column);
  if (at < 0) return '';
  const arrow = sort[at].direction === 'asc' ? '▲' : '▼';
  return sort.length > 1 ? `${arrow}${at + 1}` : arrow;
}

/** The quick filters a cell's context menu offers for its value (= and <> need a value, not NULL). */
export function quickFiltersFor(column: number, value: CellValue): QuickFilter[] {
  if (value === null) return [{ column, op: 'isNull' }, { column, op: 'notNull' }];
  return [
    { column, op: 'eq', value },
    { column, op: 'ne', value },
    { column, op: 'contains', value },
    { column, op: 'isNull' },
    { column, op: 'notNull' },
  ];
}

const OP_TEXT: Record<QuickFilterOp, string> = { eq: '=', ne: '<>', contains: 'contains', isNull: 'IS NULL', notNull: 'IS NOT NULL' };

/** A quick filter as a person reads it ("name = O'Brien"); values shortened, never SQL. */
export function describeQuickFilter(filter: QuickFilter, columns: ColumnView[]): string {
  const name = columns[filter.column]?.name ?? `column ${filter.column + 1}`;
  if (filter.value === undefined) return `${name} ${OP_TEXT[filter.op]}`;
  const value = filter.value.length > 40 ? `${filter.value.slice(0, 40)}…` : filter.value;
  return `${name} ${OP_TEXT[filter.op]} ${value}`;
}

/**
 * One result's sort and filter: `applied` is what the grid shows now (the host's last answer),
 * `pending` what was sent and not answered yet; `sortable` false with `reason` when the host
 * cannot wrap the result's query.
 */
export class SortFilterState {
  applied: SortFilterSpec = EMPTY_SORT_FILTER;
  pending: SortFilterSpec | undefined;
  /** undefined until the host says. */
  sortable: boolean | undefined;
  reason?: string;
  /** The last attempt's error (a bad filter), shown in the filter bar until the next attempt. */
  error?: string;
  /** The SQL that ran for `applied`. */
  sql?: string;

  /** The spec the next request starts from: the one in flight if any, else the shown one. */
  get current(): SortFilterSpec {
    return this.pending ?? this.applied;
  }

  get busy(): boolean {
    return this.pending !== undefined;
  }

  /** Why a sort or filter cannot be asked for now, or undefined when it can. */
  blocked(pendingEdits: boolean): string | undefined {
    if (this.sortable === undefined) return 'Checking whether this result can be sorted…';
    if (!this.sortable) return this.reason ?? 'This result cannot be sorted or filtered.';
    if (pendingEdits) return 'Commit or discard your pending changes first: sorting or filtering loads the rows again.';
    return undefined;
  }

  sortBy(column: number, add: boolean): SortFilterSpec {
    const c = this.current;
    return { ...c, sort: cycleSort(c.sort, column, add) };
  }

  withWhere(where: string): SortFilterSpec {
    return { ...this.current, where };
  }

  withQuick(filter: QuickFilter): SortFilterSpec {
    const c = this.current;
    // The same column and operator again replaces the earlier value rather than piling up.
    const others = c.quick.filter((q) => !(q.column === filter.column && q.op === filter.op));
    return { ...c, quick: [...others, filter] };
  }

  withoutQuick(index: number): SortFilterSpec {
    const c = this.current;
    return { ...c, quick: c.quick.filter((_, i) => i !== index) };
  }

  cleared(): SortFilterSpec {
    return EMPTY_SORT_FILTER;
  }

  /** A request went out. */
  send(spec: SortFilterSpec): void {
    this.pending = spec;
    this.error = undefined;
  }

  /** The host answered `spec`: shown when it ran, kept back with its error when it did not. */
  answered(spec: SortFilterSpec, ok: boolean, detail: { sql?: string; error?: string }): void {
    if (this.pending && sameSpec(this.pending, spec)) this.pending = undefined;
    if (ok) {
      this.applied = spec;
      this.sql = detail.sql;
      this.error = undefined;
    } else {
      this.error = detail.error ?? 'The query failed.';
    }
  }
}

export function sameSpec(a: SortFilterSpec, b: SortFilterSpec): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
