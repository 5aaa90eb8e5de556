/**
 * The tree notices DDL run from an editor: after a run whose statements changed the catalog
 * (sql/catalog-change.ts: by command tag, or by the statement's first words where the tag hides
 * it, as CREATE TABLE AS reports SELECT), the cached
 * tree of that database is dropped and redrawn, so what the editor made shows without a Refresh.
 */
import type { StatementRun } from '../results/contract';
import { changedCatalog } from '../sql/catalog-change';

/** Whether any statement that ran without an error may have changed what the tree shows. */
export function ranDdl(statements: StatementRun[]): boolean {
  return statements.some((s) => s.outcome !== undefined && changedCatalog(s.sql, s.outcome));
}
