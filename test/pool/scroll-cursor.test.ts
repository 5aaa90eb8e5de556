/**
 * Results read at any row (execute's `scrollable`: a SCROLL cursor), against a real server: the
 * first page at once, any offset, the last rows, the count, inside the user's transaction and in
 * the pool's own, closing, a cancelled read, and what a statement that is not a plain query gets instead.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startCluster } from '../harness/cluster';
import type { Cluster } from '../harness/cluster';
import { rejectsWith, settle, until } from '../harness/expect';
import { testPools } from '../harness/pools';

let cluster: Cluster;
const pools = testPools(() => cluster);

before(async () => {
  cluster = await startCluster();
  await cluster.sql(`
    CREATE TABLE nums AS SELECT g AS id, 'row ' || g AS label, CASE WHEN g % 10 = 0 THEN NULL ELSE g * 1.5 END AS amount
      FROM generate_series(1, 200000) g;
    ALTER TABLE nums ADD PRIMARY KEY (id);
    CREATE TABLE log (id serial PRIMARY KEY, v int);
    CREATE VIEW slow AS SELECT g, pg_sleep(0.01)::text AS nap FROM generate_series(1, 100000) g;
  `);
});

after(async () => {
  await pools.closeAll();
  await cluster?.stop();
});

/** Backends of `app` inside a transaction, as the server sees them. */
async function openTransactions(app: string): Promise<number> {
  const rows = await cluster.sql<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = '${app}' AND xact_start IS NOT NULL`);
  return rows[0].n;
}

describe('a scrollable result', () => {
  test('first page, any offset, the last rows and the count, values as the server printed them', async () => {
    const pool = await pools.open('scroll-basic');
    const session = pool.session('tab');
    const outcome = await session.execute('SELECT * FROM nums ORDER BY id', { scrollable: true });
    assert.ok(outcome.kind === 'rows');
    assert.equal(outcome.cursor.scrollable, true);
    const name = outcome.cursor.name;
    assert.ok(name);
    assert.deepEqual(outcome.page.rows[0], ['1', 'row 1', '1.5']);
    assert.equal(outcome.page.rows.length, 100);
    assert.equal(outcome.page.done, false);
    // The session does not look like the user's transaction, but like a cursor holding one.
    assert.equal(session.info().txStatus, 'idle');
    assert.equal(outcome.txStatus, 'idle');
    assert.equal(session.info().cursorOpen, true);
    assert.deepEqual(session.info().openCursors, [name]);

    const middle = await session.fetchAt(name, 99_999, 3);
    assert.deepEqual(middle.rows.map((r) => r[0]), ['100000', '100001', '100002']);
    assert.equal(middle.rows[0][2], null, 'NULL stays null');
    assert.equal(middle.done, false);
    // Back to the start: any row can be read again.
    assert.deepEqual((await session.fetchAt(name, 0, 2)).rows.map((r) => r[0]), ['1', '2']);

    assert.equal(await session.countRows(name), 200_000);
    const last = await session.fetchAt(name, 199_998, 5);
    assert.deepEqual(last.rows.map((r) => r[0]), ['199999', '200000']);
    assert.equal(last.done, true);
    assert.equal(last.rowsSoFar, 200_000);
    // Past the end: nothing, and the cursor is still there.
    assert.deepEqual((await session.fetchAt(name, 250_000, 5)).rows, []);
    assert.deepEqual((await session.fetchAt(name, 5, 1)).rows[0][0], '6');
    // fetchPage still reads forward from what was read so far.
    const forward = await session.fetchPage(10, name);
    assert.equal(forward.rows.length, 0, 'the furthest row read was the last');
    await session.release();
  });

  test("the pool's own transaction ends with the cursor: closeQuery, the next statement, release", async () => {
    const app = 'scroll-own-tx';
    const pool = await pools.open(app);
    const session = pool.session('tab');
    const a = await session.execute('SELECT id FROM nums', { scrollable: true });
    assert.ok(a.kind === 'rows' && a.cursor.name);
    assert.equal(await openTransactions(app), 1, 'the cursor holds a transaction while open');
    await session.closeQuery(a.cursor.name);
    assert.equal(await openTransactions(app), 0);
    assert.equal(session.info().cursorOpen, false);
    await rejectsWith(session.fetchAt(a.cursor.name, 0, 1), 'noCursor', /closed/);

    const b = await session.execute('SELECT id FROM nums', { scrollable: true });
    assert.ok(b.kind === 'rows' && b.cursor.name);
    // The next statement replaces the result; its own effects are committed, never left in our transaction.
    const insert = await session.execute('INSERT INTO log (v) VALUES (1)');
    assert.equal(insert.txStatus, 'idle');
    assert.equal(await openTransactions(app), 0);
    assert.deepEqual(await cluster.sql('SELECT v FROM log'), [{ v: 1 }]);
    await rejectsWith(session.fetchAt(b.cursor.name, 0, 1), 'noCursor', /later statement/);

    await session.execute('SELECT id FROM nums', { scrollable: true });
    await session.release();
    assert.equal(await openTransactions(app), 0);
  });

  test("inside the user's transaction the cursor lives in it, and the transaction stays the user's", async () => {
    const app = 'scroll-user-tx';
    const pool = await pools.open(app);
    const session = pool.session('tab');
    await session.execute('BEGIN');
    await session.execute('INSERT INTO log (v) VALUES (2)');
    const a = await session.execute('SELECT id FROM nums WHERE id > 199990', { scrollable: true, pageSize: 3 });
    assert.ok(a.kind === 'rows' && a.cursor.name);
    assert.equal(session.info().txStatus, 'inTransaction', "it is the user's transaction");
    assert.equal(session.info().cursorOpen, false, 'the cursor holds no transaction of its own');
    assert.equal(await session.countRows(a.cursor.name), 10);
    assert.deepEqual((await session.fetchAt(a.cursor.name, 9, 5)).rows, [['200000']]);
    await session.closeQuery(a.cursor.name);
    assert.equal(session.info().txStatus, 'inTransaction', 'closing it leaves the transaction open');
    await session.execute('ROLLBACK');
    assert.deepEqual(await cluster.sql('SELECT count(*)::int AS n FROM log WHERE v = 2'), [{ n: 0 }]);
    await session.release();
  });

  test('a result that fits its first page keeps nothing open; other statements run as before', async () => {
    const app = 'scroll-small';
    const pool = await pools.open(app);
    const session = pool.session('tab');
    const small = await session.execute('SELECT id FROM nums WHERE id <= 5', { scrollable: true });
    assert.ok(small.kind === 'rows');
    assert.equal(small.page.done, true);
    assert.equal(small.cursor.name, undefined);
    assert.equal(await openTransactions(app), 0);
    // Not a plain query: the forward cursor, as without the option.
    const returning = await session.execute('INSERT INTO log (v) SELECT g FROM generate_series(1, 300) g RETURNING id', { scrollable: true });
    assert.ok(returning.kind === 'rows');
    assert.equal(returning.cursor.scrollable, undefined);
    assert.equal(returning.cursor.name, undefined);
    await session.closeQuery();
    // An error points into the user's statement, and leaves no transaction behind.
    const error = await rejectsWith(session.execute('SELECT nosuch FROM nums', { scrollable: true }), 'query', /nosuch/);
    assert.equal(error.position, 8);
    assert.equal(session.info().txStatus, 'idle');
    assert.equal(await openTransactions(app), 0);
    // Parameters are passed as parameters.
    const p = await session.execute('SELECT id, label FROM nums WHERE label = $1 OR id > $2', { scrollable: true, params: ['row 7', '199000'], pageSize: 1 });
    assert.ok(p.kind === 'rows' && p.cursor.name);
    assert.equal(await session.countRows(p.cursor.name), 1001);
    assert.deepEqual((await session.fetchAt(p.cursor.name, 1000, 1)).rows, [['200000', 'row 200000']]);
    await session.release();
  });

  /** Waits until `app`'s backend runs a FETCH on the server, then cancels it through the session. */
  async function cancelWhileFetching(app: string, session: { cancel(): Promise<boolean> }): Promise<void> {
    await until(async () => {
      const rows = await cluster.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = '${app}' AND state = 'active' AND query LIKE '%FETCH%'`,
      );
      return rows[0].n > 0;
    }, 'the FETCH to run on the server');
    assert.equal(await session.cancel(), true);
  }

  test("a cancelled read of a cursor in the pool's own transaction says cancelled, and leaves no transaction behind", { timeout: 60_000 }, async () => {
    const app = 'scroll-cancel-own';
    const pool = await pools.open(app);
    const session = pool.session('tab');
    const a = await session.execute('SELECT * FROM slow', { scrollable: true, pageSize: 5 });
    assert.ok(a.kind === 'rows' && a.cursor.name);
    // Fetch all's read: thousands of rows at 10 ms each, cancelled part-way.
    const reading = settle(session.fetchAt(a.cursor.name, 5, 10_000));
    await cancelWhileFetching(app, session);
    const error = await rejectsWith(reading, 'cancelled', /cancelled.*run the statement again/i);
    assert.doesNotMatch(error.message, /transaction is aborted|ROLLBACK/);
    assert.equal(session.info().txStatus, 'idle', 'the pool rolled back its own transaction');
    assert.equal(session.info().cursorOpen, false);
    assert.equal(await openTransactions(app), 0);
    // The cursor went with the transaction: a later read says why, not "transaction is aborted".
    await rejectsWith(session.fetchAt(a.cursor.name, 0, 1), 'noCursor', /cancelled/);
    // The same through fetchPage (the forward read of the same cursor).
    const b = await session.execute('SELECT * FROM slow', { scrollable: true, pageSize: 5 });
    assert.ok(b.kind === 'rows' && b.cursor.name);
    const forward = settle(session.fetchPage(10_000, b.cursor.name));
    await cancelWhileFetching(app, session);
    await rejectsWith(forward, 'cancelled', /cancelled/);
    assert.equal(session.info().txStatus, 'idle');
    assert.equal(await openTransactions(app), 0);
    // The session goes on.
    const next = await session.execute('SELECT 1 AS one');
    assert.ok(next.kind === 'rows');
    assert.deepEqual(next.page.rows, [['1']]);
    await session.release();
  });

  test("a cancelled read inside the user's transaction says cancelled, and that their transaction failed", { timeout: 60_000 }, async () => {
    const app = 'scroll-cancel-user';
    const pool = await pools.open(app);
    const session = pool.session('tab');
    await session.execute('BEGIN');
    await session.execute('INSERT INTO log (v) VALUES (-3)');
    const a = await session.execute('SELECT * FROM slow', { scrollable: true, pageSize: 5 });
    assert.ok(a.kind === 'rows' && a.cursor.name);
    const reading = settle(session.fetchAt(a.cursor.name, 5, 10_000));
    await cancelWhileFetching(app, session);
    await rejectsWith(reading, 'cancelled', /cancelled.*aborted your transaction.*ROLLBACK/);
    // The user's transaction is theirs to end: failed, not rolled back behind their back.
    assert.equal(session.info().txStatus, 'failed');
    assert.deepEqual(
      await cluster.sql(`SELECT state FROM pg_stat_activity WHERE application_name = '${app}'`),
      [{ state: 'idle in transaction (aborted)' }],
      'the server holds it, aborted',
    );
    await rejectsWith(session.fetchAt(a.cursor.name, 0, 1), 'noCursor', /cancelled/);
    await session.execute('ROLLBACK');
    assert.equal(session.info().txStatus, 'idle');
    assert.deepEqual(await cluster.sql('SELECT count(*)::int AS n FROM log WHERE v = -3'), [{ n: 0 }]);
    await session.release();
  });
});
