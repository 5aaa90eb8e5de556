/**
 * Whether a statement that ran may have changed the catalog: the one rule the completion catalog
 * (language/state.ts) and the tree (tree/ddl-watch.ts) both refresh by. By command tag (DO: a block
 * may run DDL), or by the first words after leading comments where the tag hides it (CREATE TABLE
 * AS and SELECT INTO report SELECT).
 */
const DDL_TAGS = new Set(['CREATE', 'ALTER', 'DROP', 'COMMENT', 'GRANT', 'REVOKE', 'SECURITY', 'IMPORT', 'REFRESH', 'REINDEX', 'DO']);
const DDL_START = /^(create|alter|drop|comment|grant|revoke|security\s+label|import\s+foreign|refresh|do\b|select\b[\s\S]*\binto\b)/i;

export function changedCatalog(sql: string, outcome: { kind: string; command?: string }): boolean {
  const tag = outcome.kind === 'command' ? outcome.command?.split(/\s+/)[0]?.toUpperCase() : undefined;
  return (tag !== undefined && DDL_TAGS.has(tag)) || DDL_START.test(withoutLeadingComments(sql));
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
