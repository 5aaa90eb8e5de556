/**
 * Sorting and filtering a result on the server, as both sides of postMessage see it. The grid
 * says what the user asked for (columns by index, a WHERE text, quick filters with their values);
 * the host builds the SQL: identifiers quoted, quick-filter values passed as parameters.
 */

export type SortDirection = 'asc' | 'desc';

export interface SortKey {
  /** Grid column index (0-based). */
  column: number;
  direction: SortDirection;
}

/** The quick filters of a cell's context menu. */
export type QuickFilterOp = 'eq' | 'ne' | 'isNull' | 'notNull' | 'contains';

export interface QuickFilter {
  column: number;
  op: QuickFilterOp;
  /** The cell's value as the server printed it (eq, ne, contains); sent as a parameter, never pasted. */
  value?: string;
}

export interface SortFilterSpec {
  /** In order of precedence: the first key sorts first. */
  sort: SortKey[];
  /** The user's own WHERE expression, sent as written ('' for none). */
  where: string;
  quick: QuickFilter[];
}

export const EMPTY_SORT_FILTER: SortFilterSpec = { sort: [], where: '', quick: [] };

export function isEmptySortFilter(spec: SortFilterSpec): boolean {
  return spec.sort.length === 0 && spec.where.trim() === '' && spec.quick.length === 0;
}
