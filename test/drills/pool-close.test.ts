/**
 * Fault drills (issue 8): the user disconnects (pool.close()) while work is in flight, and cancels
 * a statement that is still waiting for a connection. Every call must settle with a clear
 * PgError, and nothing may keep running on the server for a pool that is gone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PgPool } from '../../src/pool';
import { startCluster } from '../harness/cluster';
import type { Cluster } from '../harness/cluster';
import { activeStatements, backendsNamed, failsWith, pageOf, settle, stillWorks, until } from './drill-kit';

let cluster: Cluster;
const pools: PgPool[] = [];

before(async () => {
  cluster = await startCluster();
});

after(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await cluster.stop();
});

async function openPool(applicationName: string, options: { maxSize?: number; acquireTimeoutMs?: number } = {}): Promise<PgPool> {
  const pool = await PgPool.open(cluster.config({ applicationName }), options);
  pools.push(pool);
  return pool;
}

/**
 * Resolves with the call's outcome, or with 'still pending' if it has not settled once the server
 * side is done: a promise that never settles would otherwise hang the drill, not fail it.
 */
function settledOrPending<T>(promise: Promise<T>): { state(): 'pending' | 'settled'; result: Promise<T> } {
  let state: 'pending' | 'settled' = 'pending';
  const result = settle(promise);
  result.then(
    () => (state = 'settled'),
    () => (state = 'settled'),
  );
  return { state: () => state, result };
}

describe('pool.close() with work in flight', () => {
  test('a running statement is cancelled on the server, and its call settles with kind closed', { timeout: 30_000 }, async () => {
    const name = 'drill-close-running';
    const pool = await openPool(name);
    const marker = `drill_close_${process.pid}`;
    const running = settledOrPending(pool.execute('s', `SELECT pg_sleep(20), '${marker}'`));
    await until(async () => (await activeStatements(cluster, marker)) === 1, 'the statement to run on the server');

    await pool.close();

    // Nothing of a closed pool keeps running: the backend (and any locks it held) goes away.
    await until(async () => (await backendsNamed(cluster, name)) === 0, 'the backend of the closed pool to go (it kept running pg_sleep)', 5_000);
    // The caller is not left waiting forever: the call ends, and says why.
    await until(() => running.state() === 'settled', 'the in-flight execute to settle after pool.close()', 2_000);
    await failsWith(running.result, 'closed', /closed/);
  });

  test('a session paging through a cursor: the next fetchPage says the pool was closed', async () => {
    const name = 'drill-close-paging';
    const pool = await openPool(name);
    const first = await pool.execute('tab', 'SELECT g FROM generate_series(1, 100000) g');
    assert.equal(pageOf(first).done, false);
    await pool.close();
    await failsWith(pool.fetchPage('tab'), 'closed', /connect again/i);
    await until(async () => (await backendsNamed(cluster, name)) === 0, 'the backends of the closed pool to go');
    // A new pool on the same profile works.
    await stillWorks(await openPool(name));
  });
});

describe('cancel before the statement reaches the server', () => {
  test(
    'cancelling a statement that waits for a connection ends the wait as kind cancelled',
    // A user meets this when every connection is busy and they press Cancel: the wait ends at once.
    { timeout: 30_000 },
    async () => {
      const pool = await openPool('drill-cancel-queued', { maxSize: 1, acquireTimeoutMs: 5_000 });
      await pool.execute('holder', 'SELECT g FROM generate_series(1, 100000) g');
      const waiting = settle(pool.execute('waiter', 'SELECT 1'));
      await until(() => pool.stats().waiting === 1, 'the call to queue for a connection');
      assert.equal(await pool.cancel('waiter'), true, 'cancel() reports that it had something to cancel');
      await failsWith(waiting, 'cancelled');
      assert.equal(pool.sessionInfo('holder')?.cursorOpen, true, "the holder's cursor is untouched");
      await pool.closeQuery('holder');
      await stillWorks(pool, 'waiter');
    },
  );
});
