/**
 * The host's side of sorting and filtering a result: check that its query can be wrapped, build
 * the wrapped query, and run it on the tab's own session (so paging, the transaction, the role and
 * the settings are the ones the result was made with). The panel then shows the outcome in place of
 * the result set it answers. No vscode here.
 */
import { PgError } from '../../pool';
import type { ColumnMeta, Session } from '../../pool';
import type { SortFilterSpec } from '../../shared/protocol';
import type { StatementRun } from './contract';
import { buildSortFilterQuery, composedRefusal, wrapRefusal } from './sort-filter-sql';

/** A result that was sorted or filtered remembers the query it came from: a new spec wraps that one. */
export interface SortFilterBase {
  sql: string;
  columns: ColumnMeta[];
  /** Why it cannot be wrapped; undefined when it can (checked once, by the server's parser). */
  refusal: Promise<string | undefined>;
}

export function sortFilterBase(sql: string, columns: ColumnMeta[]): SortFilterBase {
  const refusal = wrapRefusal(sql).catch((err: unknown) => `the query could not be checked (${(err as Error).message}).`);
  return { sql, columns, refusal };
}

export type SortFilterRun =
  | { kind: 'ran'; statement: StatementRun; params: string[] }
  /** Nothing was sent: the base cannot be wrapped, or the spec does not make one plain query. */
  | { kind: 'refused'; error: PgError };

/** Runs `base` again, sorted and filtered by `spec`, on `session` (which closes its open cursor). */
export async function runSortFilter(session: Session, base: SortFilterBase, spec: SortFilterSpec): Promise<SortFilterRun> {
  const refusal = await base.refusal;
  if (refusal) return { kind: 'refused', error: new PgError('query', refusal) };
  let built;
  try {
    built = buildSortFilterQuery(base.sql, base.columns, spec);
  } catch (err) {
    return { kind: 'refused', error: new PgError('query', (err as Error).message) };
  }
  const why = await composedRefusal(built.sql);
  if (why) return { kind: 'refused', error: new PgError('query', why) };
  const statement: StatementRun = { sql: built.sql, offset: 0 };
  try {
    statement.outcome = await session.execute(built.sql, { params: built.params, scrollable: true });
  } catch (err) {
    statement.error = err instanceof PgError ? err : new PgError('query', (err as Error).message);
  }
  return { kind: 'ran', statement, params: built.params };
}
