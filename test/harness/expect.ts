/** Assertions the pool's tests share: a call fails with a given PgError kind; a condition comes true. */
import assert from 'node:assert/strict';
import { PgError } from '../../src/pool';

/** Awaits a call that must fail with a PgError of `kind` (and a message matching `says`); returns the error. */
export async function rejectsWith(promise: Promise<unknown>, kind: PgError['kind'], says?: RegExp): Promise<PgError> {
  const error = await promise.then(
    (value: unknown) => assert.fail(`expected PgError ${kind}, but the call succeeded with ${JSON.stringify(value)?.slice(0, 200)}`),
    (err: unknown) => err,
  );
  assert.ok(error instanceof PgError, `expected a PgError, got ${String(error)}`);
  assert.equal(error.kind, kind, `expected kind ${kind}, got ${error.kind}: ${error.message}`);
  if (says) assert.match(error.message, says);
  return error;
}

/** Attaches a handler at once, so a rejection that comes before the test awaits it is not unhandled. */
export function settle<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** Polls `check` until it holds; fails the test naming `what` after `timeoutMs` (a hang guard, not a timing assertion). */
export async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`timed out waiting for ${what}`);
}
