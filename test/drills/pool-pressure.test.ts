/**
 * Fault drills (issue 8): more sessions than connections, many short lives, and a cancel among
 * busy neighbours. Each ends with what the contract promises and a pool that works after.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PgPool } from '../../src/pool';
import type { ExecutionOutcome, PoolOptions } from '../../src/pool';
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

async function openPool(applicationName: string, options: PoolOptions): Promise<PgPool> {
  const pool = await PgPool.open(cluster.config({ applicationName }), options);
  pools.push(pool);
  return pool;
}

/** Leaves a cursor open: more rows than the first page. */
const LONG_RESULT = 'SELECT g FROM generate_series(1, 100000) g';
const MAX = 3;

describe('maxSize + 5 sessions at once', () => {
  test('sessions holding cursors keep them; the extras get poolExhausted naming the limit', async () => {
    const pool = await openPool('pressure-cursors', { maxSize: MAX, acquireTimeoutMs: 300 });
    const ids = Array.from({ length: MAX + 5 }, (_, i) => `tab-${i}`);
    const results = await Promise.allSettled(ids.map((id) => pool.execute(id, LONG_RESULT)));

    const holders = ids.filter((_, i) => results[i].status === 'fulfilled');
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    assert.equal(holders.length, MAX, 'as many sessions get a cursor as there are connections');
    assert.equal(refused.length, 5);
    for (const reason of refused) {
      await failsWith(Promise.reject(reason), 'poolExhausted', new RegExp(`maxSize, now ${MAX}`));
      await failsWith(Promise.reject(reason), 'poolExhausted', /Close a results tab or finish its transaction/);
    }
    // Nothing the holders had was taken: each pages on where it was.
    for (const id of holders) {
      assert.equal(pool.sessionInfo(id)?.cursorOpen, true);
      const page = await pool.fetchPage(id);
      assert.equal(page.rows[0][0], '101');
      assert.equal(page.rowsSoFar, 1_100);
    }
    assert.equal(pool.stats().total, MAX);

    // Once a holder closes its result, a refused session gets through by reclaiming it ...
    const [closing, ...stillHolding] = holders;
    await pool.closeQuery(closing);
    const latecomer = ids.find((id) => !holders.includes(id)) ?? assert.fail('no refused session');
    assert.deepEqual(pageOf(await pool.execute(latecomer, 'SELECT 1')).rows, [['1']]);
    // ... and the reclaimed session is told its state was reset when it comes back.
    const back = await pool.execute(closing, 'SELECT 2');
    assert.equal(back.sessionReset, 'reclaimed');
    for (const id of stillHolding) assert.equal(pool.sessionInfo(id)?.cursorOpen, true);
    assert.equal(pool.stats().total, MAX);
  });

  test('extras succeed by reclaiming idle sessions (no cursor, no transaction), which are told sessionReset', async () => {
    const pool = await openPool('pressure-reclaim', { maxSize: MAX, acquireTimeoutMs: 10_000 });
    const idle = ['idle-0', 'idle-1', 'idle-2'];
    for (const [i, id] of idle.entries()) await pool.execute(id, `SET work_mem = '${i + 5}MB'`);
    // One session in a transaction is never reclaimed, whatever the pressure.
    await pool.execute('idle-2', 'BEGIN');

    const extras = Array.from({ length: 5 }, (_, i) => `extra-${i}`);
    const outcomes: ExecutionOutcome[] = await Promise.all(extras.map((id) => pool.execute(id, 'SHOW work_mem')));
    for (const outcome of outcomes) {
      assert.deepEqual(pageOf(outcome).rows, [['4MB']], "a reclaimed connection carries none of its old session's SETs");
    }
    assert.ok(pool.stats().total <= MAX);
    assert.equal(pool.sessionInfo('idle-2')?.txStatus, 'inTransaction');

    for (const id of ['idle-0', 'idle-1']) {
      const back = await pool.execute(id, 'SHOW work_mem');
      assert.equal(back.sessionReset, 'reclaimed');
      assert.deepEqual(pageOf(back).rows, [['4MB']]);
    }
    const kept = await pool.execute('idle-2', 'SHOW work_mem');
    assert.equal(kept.sessionReset, undefined);
    assert.deepEqual(pageOf(kept).rows, [['7MB']]);
    await pool.execute('idle-2', 'ROLLBACK');
    await stillWorks(pool);
  });
});

describe('many short lives', () => {
  test('1,000 execute/close cycles, each closed with its result still open, leave no backend after pool.close()', { timeout: 60_000 }, async () => {
    // The default application_name, as the extension uses it.
    const pool = await PgPool.open(cluster.config(), { maxSize: 4 });
    pools.push(pool);
    let cycle = 0;
    const workers = Array.from({ length: 4 }, async () => {
      while (cycle < 1_000) {
        const id = `tab-${cycle++}`;
        const outcome = await pool.execute(id, 'SELECT g FROM generate_series(1, 500) g');
        assert.equal(pageOf(outcome).done, false);
        await pool.releaseSession(id);
      }
    });
    await Promise.all(workers);
    assert.ok(pool.stats().total <= 4);
    assert.equal(pool.stats().leased, 0);
    const busy = await cluster.sql<{ n: string }>(
      "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'PG Explorer' AND state <> 'idle'",
    );
    assert.equal(busy[0].n, '0', 'no backend left in a transaction or running');
    await pool.close();
    await until(async () => (await backendsNamed(cluster, 'PG Explorer')) === 0, "every 'PG Explorer' backend to go");
  });

  test('100 pools opened, used and closed (connect / disconnect) leave no backend behind', { timeout: 60_000 }, async () => {
    const name = 'drill-pool-cycles';
    for (let i = 0; i < 100; i++) {
      const pool = await PgPool.open(cluster.config({ applicationName: name }), { maxSize: 2 });
      // One session leaves a cursor open and one a transaction: close() must end both.
      await pool.execute('tab', 'SELECT g FROM generate_series(1, 500) g');
      await pool.execute('tx', 'BEGIN');
      await pool.close();
    }
    await until(async () => (await backendsNamed(cluster, name)) === 0, 'every backend of the closed pools to go');
  });
});

describe('cancel under load', () => {
  test('cancelling one pg_sleep among several ends only it, as kind cancelled; the others complete', { timeout: 30_000 }, async () => {
    const pool = await openPool('pressure-cancel', { maxSize: 6 });
    const marker = `drill_cancel_${process.pid}`;
    const others = ['w1', 'w2', 'w3', 'w4'].map((id) => settle(pool.execute(id, `SELECT pg_sleep(2), '${marker}', '${id}'`)));
    const victim = settle(pool.execute('victim', `SELECT pg_sleep(60), '${marker}'`));
    await until(async () => (await activeStatements(cluster, marker)) === 5, 'all five statements to run on the server');

    assert.equal(await pool.cancel('victim'), true);
    const error = await failsWith(victim, 'cancelled', /cancelled/);
    assert.equal(error.code, '57014');
    for (const [i, run] of others.entries()) {
      assert.deepEqual(pageOf(await run).rows, [['', marker, `w${i + 1}`]]);
    }
    const again = await pool.execute('victim', 'SELECT 3');
    assert.deepEqual(pageOf(again).rows, [['3']]);
    await stillWorks(pool);
  });
});
