/**
 * The tree notices DDL run from an editor: after a run whose statements changed the catalog
 * (CREATE / ALTER / DROP / COMMENT / GRANT / REVOKE / REFRESH ... by command tag, or by the
 * statement's first word where the tag hides it, as CREATE TABLE AS reports SELECT), the cached
 * tree of that database is dropped and redrawn, so what the editor made shows without a Refresh.
 */
import type { StatementRun } from '../results/contract';

const DDL_TAGS = new Set(['CREATE', 'ALTER', 'DROP', 'COMMENT', 'GRANT', 'REVOKE', 'SECURITY', 'REFRESH', 'IMPORT', 'REINDEX']);
const DDL_START = /^\s*(create|alter|drop|comment|grant|revoke|security\s+label|refresh|import\s+foreign)\b/i;

/** Whether any statement that ran without an error may have changed what the tree shows. */
export function ranDdl(statements: StatementRun[]): boolean {
  return statements.some((s) => {
    if (!s.outcome) return false;
    const tag = s.outcome.kind === 'command' ? s.outcome.command.split(/\s+/)[0]?.toUpperCase() : undefined;
    return (tag !== undefined && DDL_TAGS.has(tag)) || DDL_START.test(withoutLeadingComments(s.sql));
  });
}

function withoutLeadingComments(sql: string): string {
  let rest = sql;
  for (;;) {
    const trimmed = rest.trimStart();
    if (trimmed.startsWith('--')) rest = trimmed.slice(trimmed.indexOf('\n') + 1 || trimmed.length);
    else if (trimmed.startsWith('/*')) rest = trimmed.slice(trimmed.indexOf('*/') + 2 || trimmed.length);
    else return trimmed;
  }
}
