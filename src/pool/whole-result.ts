/**
 * Statements whose whole result is known, from the parser's tree, to fit the first page: they
 * need no cursor, so they go as one simple-protocol Query message and cost one round trip, with
 * the server's ReadyForQuery (its implicit commit included) in the same reply.
 *
 * A portal (exec.ts) costs two: Parse..Execute + Flush, then Close + Sync once it completed,
 * whose ReadyForQuery the session's next statement waits for; a scroll or held cursor costs
 * three or four (BEGIN + DECLARE, FETCH, CLOSE + COMMIT). Only what the tree bounds goes here:
 *
 * - a command that returns no rows (DML without RETURNING, DDL, SET, BEGIN / COMMIT, ...);
 * - a plain query bounded by its own text: `LIMIT n` / `FETCH FIRST n ROWS ONLY` with a constant
 *   n (not WITH TIES), a VALUES list of n rows, or a SELECT without FROM, set operation or any
 *   function call (one row at most: no set-returning function can be in it).
 *
 * Values stay the server's text (no type parser runs), as everywhere in the pool. The parser is
 * the server's own (libpg-query); a text it reads as one statement is sent unchanged.
 */
import type { PooledConnection } from './connection';
import { columnMeta } from './exec';
import type { OpenedStatement } from './exec';
import { RowList } from './packed-page';
import { simpleQueryInto } from './simple-query';
import { findInTree } from './statement-kind';
import type { ReadStatement } from './statement-kind';
import type { TypeNameCache } from './type-names';

/** Statement kinds that never return rows (a RETURNING list is checked apart). */
const NO_ROWS = new Set([
  'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'TransactionStmt', 'VariableSetStmt', 'CreateStmt',
  'CreateTableAsStmt', 'IndexStmt', 'AlterTableStmt', 'DropStmt', 'TruncateStmt', 'CommentStmt', 'GrantStmt',
  'GrantRoleStmt', 'ViewStmt', 'CreateFunctionStmt', 'DoStmt', 'CreateSchemaStmt', 'RenameStmt', 'VacuumStmt',
  'LockStmt', 'CreateSeqStmt', 'AlterSeqStmt', 'CreateExtensionStmt', 'DefineStmt', 'CompositeTypeStmt',
  'CreateEnumStmt', 'CreateTrigStmt', 'NotifyStmt', 'ListenStmt', 'UnlistenStmt', 'CreateRoleStmt', 'AlterRoleStmt',
  'DropRoleStmt', 'AlterOwnerStmt', 'CreatePolicyStmt', 'AlterPolicyStmt', 'RefreshMatViewStmt', 'ReindexStmt',
  'ClusterStmt', 'CheckPointStmt', 'CreateDomainStmt', 'AlterDomainStmt', 'AlterFunctionStmt', 'AlterObjectSchemaStmt',
  'AlterDefaultPrivilegesStmt', 'AlterEnumStmt', 'RuleStmt', 'CreatedbStmt', 'DropdbStmt', 'PrepareStmt', 'DeallocateStmt',
]);

/**
 * The most rows the whole result of `read` can have, from its text alone: 0 for a command that
 * returns none; null when the text does not bound it (or it is not one statement).
 */
export function wholeRowBound(read: ReadStatement): number | null {
  const stmt = read.stmt;
  if (!stmt) return null;
  const kind = Object.keys(stmt)[0];
  const node = stmt[kind] as Record<string, unknown> | undefined;
  // RETURNING rows are as many as the rows the command touches: unbounded. (libpg-query 18 reads
  // it as returningClause, { exprs }; the PostgreSQL 17 grammar as returningList.)
  if (kind !== 'SelectStmt') return NO_ROWS.has(kind) && !hasItems(node?.returningList) && node?.returningClause === undefined ? 0 : null;
  if (read.notPlain !== undefined || !node) return null;
  return rowBound(node);
}

/** The most rows a plain SELECT / VALUES can return, from its text alone; null when unbounded or unknown. */
function rowBound(select: Record<string, unknown>): number | null {
  const bounds: number[] = [];
  const limit = select.limitCount as { A_Const?: { ival?: { ival?: number } } } | undefined;
  if (limit && select.limitOption === 'LIMIT_OPTION_COUNT' && limit.A_Const?.ival) bounds.push(limit.A_Const.ival.ival ?? 0);
  const setOperation = select.op !== undefined && select.op !== 'SETOP_NONE';
  if (!setOperation && !hasItems(select.fromClause)) {
    if (hasItems(select.valuesLists)) bounds.push((select.valuesLists as unknown[]).length);
    else if (!callsAFunction(select)) bounds.push(1);
  }
  return bounds.length > 0 ? Math.min(...bounds) : null;
}

/** Any FuncCall in the tree (a set-returning function would make rows of one SELECT). */
function callsAFunction(root: unknown): boolean {
  return findInTree(root, (key) => (key === 'FuncCall' ? true : undefined)) === true;
}

function hasItems(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

/** Runs `sql` as one Query message and reads its whole result: a statement already done (no cursor). */
export async function runWhole(connection: PooledConnection, sql: string, typeNames: TypeNameCache): Promise<OpenedStatement> {
  const rows = new RowList();
  const { fields, command, rowCount } = await simpleQueryInto(connection, sql, rows);
  if (fields.length === 0) return { cursor: null, columns: null, firstRows: [], firstCount: 0, command: command ?? '', rowCount };
  const oids = fields.map((f) => f.dataTypeID);
  // Known types (nearly always) cost no await: a statement of one round trip pays for each.
  if (!typeNames.knowsAll(oids)) await typeNames.resolve(connection.client, oids);
  const firstRows = rows.take();
  return { cursor: null, columns: fields.map((f) => columnMeta(f, typeNames)), firstRows, firstCount: firstRows.length, command: command ?? 'SELECT', rowCount };
}
