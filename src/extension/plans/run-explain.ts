/**
 * Runs one EXPLAIN on an editor's own session, so its search_path, temp tables, SETs and open
 * transaction apply. EXPLAIN ANALYZE of a statement that is not a plain query runs it for real, so
 * it goes inside BEGIN ... ROLLBACK, or, when the session is already in a transaction, between a
 * SAVEPOINT and ROLLBACK TO SAVEPOINT, which leaves the user's transaction as it was.
 */
import { PgError, whyNotPlainQuery } from '../../pool';
import type { Session } from '../../pool';
import type { ExplainOption } from '../../shared/plan-protocol';
import { explainSql } from './explain-sql';
import type { RollbackKind } from './explain-sql';

const SAVEPOINT = 'pgx_explain_analyze';

/** The server's version number, once per session handle (a session stays on one server). */
const versions = new WeakMap<Session, { num: number; text: string }>();

export async function serverVersion(session: Session): Promise<{ num: number; text: string }> {
  const known = versions.get(session);
  if (known) return known;
  const outcome = await session.execute("SELECT current_setting('server_version_num'), current_setting('server_version')");
  const row = outcome.kind === 'rows' ? outcome.page.rows[0] : undefined;
  const version = { num: Number(row?.[0] ?? 0), text: row?.[1] ?? 'unknown' };
  versions.set(session, version);
  return version;
}

/**
 * Why EXPLAIN ANALYZE of `statement` must be rolled back (what it is), or undefined for a plain
 * read. The pool's parser decides (libpg-query, the server's grammar).
 */
export async function whyRollBack(statement: string): Promise<string | undefined> {
  const reason = await whyNotPlainQuery(statement);
  return reason === undefined ? undefined : nameTheKind(reason);
}

/** The parser names a top-level statement by its node ("(UpdateStmt)"): say it as the user wrote it. */
const TOP_LEVEL: Record<string, string> = {
  InsertStmt: 'it is an INSERT',
  UpdateStmt: 'it is an UPDATE',
  DeleteStmt: 'it is a DELETE',
  MergeStmt: 'it is a MERGE',
  CreateTableAsStmt: 'it is CREATE TABLE AS (or CREATE MATERIALIZED VIEW), which creates a table',
  ExecuteStmt: 'it is EXECUTE of a prepared statement, which may change data',
  DeclareCursorStmt: 'it is DECLARE CURSOR',
};

export function nameTheKind(reason: string): string {
  const node = /\((\w+)\)$/.exec(reason)?.[1];
  return (node && TOP_LEVEL[node]) ?? reason;
}

/** How a rollback would be done on this session now; refuses a failed transaction. */
export function rollbackKindFor(session: Session): RollbackKind {
  const status = session.info().txStatus;
  if (status === 'failed') {
    throw new Error("This editor's transaction has failed: roll it back (status bar) before running EXPLAIN ANALYZE.");
  }
  return status === 'inTransaction' ? 'savepoint' : 'transaction';
}

export interface ExplainRun {
  json: string;
  rolledBack?: RollbackKind;
}

/** Runs the EXPLAIN and returns its JSON text; `rollback` wraps it as described above. */
export async function runExplain(session: Session, statement: string, options: readonly ExplainOption[], rollback: RollbackKind | undefined): Promise<ExplainRun> {
  const sql = explainSql(statement, options);
  if (!rollback) return { json: await explainText(session, sql) };
  const [begin, undo] =
    rollback === 'savepoint' ? [`SAVEPOINT ${SAVEPOINT}`, `ROLLBACK TO SAVEPOINT ${SAVEPOINT}`] : ['BEGIN', 'ROLLBACK'];
  await session.execute(begin);
  try {
    const json = await explainText(session, sql);
    return { json, rolledBack: rollback };
  } finally {
    // Also after an error: the savepoint (or transaction) is undone either way.
    await session.execute(undo);
    if (rollback === 'savepoint') await session.execute(`RELEASE SAVEPOINT ${SAVEPOINT}`);
  }
}

async function explainText(session: Session, sql: string): Promise<string> {
  const outcome = await session.execute(sql);
  if (outcome.kind !== 'rows') throw new PgError('query', 'EXPLAIN returned no rows.');
  if (!outcome.page.done) await session.closeQuery();
  // FORMAT JSON prints one row with one value; a big plan may come in several rows on old servers.
  const text = outcome.page.rows.map((r) => r[0] ?? '').join('\n');
  if (!text) throw new PgError('query', 'EXPLAIN returned an empty plan.');
  return text;
}
