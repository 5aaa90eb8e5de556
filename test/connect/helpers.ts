/** Small assertions shared by the connection tests. */
import assert from 'node:assert/strict';
import { PgError } from '../../src/pool';
import type { ExecutionOutcome, PageResult, PgPool } from '../../src/pool';
import type { Cluster } from '../harness/cluster';
import { rejectsWith, until } from '../harness/expect';

export function rowsOf(outcome: ExecutionOutcome): PageResult {
  assert.equal(outcome.kind, 'rows', `expected rows, got ${outcome.kind}`);
  return (outcome as Extract<ExecutionOutcome, { kind: 'rows' }>).page;
}

export async function firstValue(pool: PgPool, session: string, sql: string): Promise<string | null> {
  return rowsOf(await pool.execute(session, sql)).rows[0][0];
}

export function throwsWith(fn: () => unknown, kind: PgError['kind']): PgError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof PgError, `expected a PgError, got ${String(error)}`);
    assert.equal(error.kind, kind, `expected kind ${kind}, got ${error.kind}: ${error.message}`);
    return error;
  }
  return assert.fail(`expected PgError ${kind}, but nothing was thrown`);
}

/** The error as a user or a log would see it: message, stack and every enumerable field. */
export function everythingShown(error: Error): string {
  return `${error.message}\n${error.stack ?? ''}\n${JSON.stringify(error)}`;
}

/**
 * Runs pg_sleep(30) in session `s`, cancels it once the server shows it active, and checks that it
 * ended as kind `cancelled` (SQLSTATE 57014) and that the session still works. Without a working
 * CancelRequest the sleep would finish and the call succeed, failing the check.
 */
export async function cancelsSleep(pool: PgPool, cluster: Cluster): Promise<void> {
  // Awaited later: the rejection may come before the cancel call returns.
  const running = rejectsWith(pool.execute('s', 'SELECT pg_sleep(30)'), 'cancelled');
  await until(async () => {
    // 'active' comes with Parse already; a cancel that lands before Execute is ignored by the
    // server. The PgSleep wait event means the sleep itself is running.
    const rows = await cluster.sql(
      "SELECT 1 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' AND state = 'active' AND wait_event = 'PgSleep'",
    );
    return rows.length > 0;
  }, 'pg_sleep to start');
  assert.equal(await pool.cancel('s'), true);
  assert.equal((await running).code, '57014');
  assert.equal(await firstValue(pool, 's', 'SELECT 1'), '1');
}

export { rejectsWith, until };
