/**
 * Shared pieces of the fault drills: how a drill checks the error a user would see, and that the
 * pool still works after.
 */
import assert from 'node:assert/strict';
import type { ExecutionOutcome, PageResult, PgPool } from '../../src/pool';
import type { Cluster } from '../harness/cluster';

export function pageOf(outcome: ExecutionOutcome): PageResult {
  assert.equal(outcome.kind, 'rows', `expected rows, got ${outcome.kind}`);
  return (outcome as Extract<ExecutionOutcome, { kind: 'rows' }>).page;
}

/** The pool answers a fresh statement on `sessionId` (a following execute succeeds). */
export async function stillWorks(pool: PgPool, sessionId = 'after-the-fault'): Promise<ExecutionOutcome> {
  const outcome = await pool.execute(sessionId, "SELECT 'still here' AS alive");
  assert.deepEqual(pageOf(outcome).rows, [['still here']]);
  return outcome;
}

/**
 * Waits for a condition the server reaches on its own (a backend starting a statement, going
 * away). Polls; this never asserts how long anything took, it only gives up on a hang.
 */
export async function backendsNamed(cluster: Cluster, applicationName: string): Promise<number> {
  const rows = await cluster.sql<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
  return Number(rows[0].n);
}

/** The server is running `marker`'s statement (state active) on as many backends as expected. */
export async function activeStatements(cluster: Cluster, marker: string): Promise<number> {
  const rows = await cluster.sql<{ n: string }>(
    "SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1 AND pid <> pg_backend_pid()",
    [`%${marker}%`],
  );
  return Number(rows[0].n);
}

export { rejectsWith as failsWith, settle, until } from '../harness/expect';
