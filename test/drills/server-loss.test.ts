/**
 * Fault drills (issue 8): the server goes away under the pool. A backend terminated mid-cursor,
 * and the whole server restarted (pg_ctl restart -m fast) while sessions are idle and while one is
 * paging. Each ends with a clear PgError, committed data intact, and a pool that works after.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PgPool } from '../../src/pool';
import { startCluster } from '../harness/cluster';
import type { Cluster } from '../harness/cluster';
import { failsWith, pageOf, stillWorks } from './drill-kit';

let cluster: Cluster;
const pools: PgPool[] = [];

before(async () => {
  cluster = await startCluster();
  await cluster.sql("CREATE TABLE ledger AS SELECT g AS id, 'entry ' || g AS label FROM generate_series(1, 50000) g");
});

after(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await cluster.stop();
});

async function openPool(options: { maxSize?: number } = {}): Promise<PgPool> {
  const pool = await PgPool.open(cluster.config(), options);
  pools.push(pool);
  return pool;
}

/** What a user is told after a lost connection: it was lost, state is gone, run again. */
const LOST = /connection to the server was lost.*run the statement again/is;

describe('backend terminated mid-cursor', () => {
  test('the next fetchPage fails connectionLost, the pages already shown stay valid, the next execute works', async () => {
    const pool = await openPool();
    const first = await pool.execute('tab', 'SELECT id, label FROM ledger ORDER BY id');
    const page1 = pageOf(first);
    assert.equal(page1.done, false);
    const page2 = await pool.fetchPage('tab');
    assert.deepEqual(page2.rows[0], ['101', 'entry 101']);

    // Another connection ends the backend; the drill does not wait for the pool to notice, as a
    // user clicking "more rows" right after would not.
    await cluster.sql('SELECT pg_terminate_backend($1, 5000)', [first.backendPid]);
    await failsWith(pool.fetchPage('tab'), 'connectionLost', LOST);
    assert.equal(pool.sessionInfo('tab')?.cursorOpen, false);
    await failsWith(pool.fetchPage('tab'), 'noCursor', /run the statement again/i);

    // Nothing the user already has changed under them.
    assert.deepEqual(page1.rows[0], ['1', 'entry 1']);
    assert.equal(page2.rowsSoFar, 1_100);

    const again = await pool.execute('tab', 'SELECT count(*) FROM ledger');
    assert.deepEqual(pageOf(again).rows, [['50000']]);
    assert.notEqual(again.backendPid, first.backendPid);
    await stillWorks(pool);
  });
});

describe('server restarted', () => {
  test('while sessions are idle: each attached session is told once (connectionLost), then works; a new session just works', async () => {
    const pool = await openPool();
    await pool.execute('a', "SET search_path = 'a_state'");
    await pool.execute('b', 'CREATE TEMP TABLE scratch (x int)');
    await pool.execute('writer', "INSERT INTO ledger VALUES (50001, 'committed before the restart')");

    cluster.restart();

    for (const session of ['a', 'b']) {
      const lost = await failsWith(pool.execute(session, 'SELECT 1'), 'connectionLost', LOST);
      assert.match(lost.message, /session state/i);
    }
    // Told once: the session's state is gone and it says so, it does not fail forever.
    assert.deepEqual(pageOf(await pool.execute('a', 'SHOW search_path')).rows, [['"$user", public']]);
    await failsWith(pool.execute('b', 'SELECT * FROM scratch'), 'query', /scratch/);
    // A committed row survives a fast restart.
    assert.deepEqual(pageOf(await pool.execute('fresh', 'SELECT label FROM ledger WHERE id = 50001')).rows, [['committed before the restart']]);
    await stillWorks(pool);
    assert.ok(pool.stats().total <= 10);
  });

  test('while one session is paging: its next page fails connectionLost, an idle one is told once, both work after', async () => {
    const pool = await openPool();
    await pool.execute('idle', 'SELECT 1');
    const first = await pool.execute('pager', 'SELECT id FROM ledger ORDER BY id');
    assert.equal(pageOf(first).done, false);
    await pool.fetchPage('pager');
    // An open transaction's uncommitted row must not appear after the restart.
    await pool.execute('tx', 'BEGIN');
    await pool.execute('tx', "INSERT INTO ledger VALUES (60000, 'never committed')");

    cluster.restart();

    await failsWith(pool.fetchPage('pager'), 'connectionLost', LOST);
    await failsWith(pool.fetchPage('pager'), 'noCursor');
    await failsWith(pool.execute('idle', 'SELECT 1'), 'connectionLost', LOST);
    const lostTx = await failsWith(pool.execute('tx', 'COMMIT'), 'connectionLost', LOST);
    assert.match(lostTx.message, /transaction/i, 'the user is told the open transaction is gone');

    const again = await pool.execute('pager', 'SELECT id FROM ledger ORDER BY id');
    assert.deepEqual(pageOf(again).rows[0], ['1']);
    assert.deepEqual(pageOf(await pool.execute('idle', 'SELECT count(*) FROM ledger WHERE id = 60000')).rows, [['0']]);
    assert.equal(pool.sessionInfo('tx')?.txStatus, 'idle');
    await stillWorks(pool);
  });
});
