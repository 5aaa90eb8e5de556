/** Small assertions shared by the connection tests. */
import assert from 'node:assert/strict';
import { PgError } from '../../src/pool';
import type { ExecutionOutcome, PageResult, PgPool } from '../../src/pool';

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

export async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`timed out waiting for ${what}`);
}

export { rejectsWith } from '../harness/expect';
