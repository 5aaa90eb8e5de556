/**
 * The pool's contract (issue: the session-leasing pool), each behaviour against a real server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PgPool } from '../../src/pool';
import type { ExecutionOutcome, PageResult, PoolOptions } from '../../src/pool';
import { startCluster } from '../harness/cluster';
import { rejectsWith, settle, until } from '../harness/expect';
import type { Cluster } from '../harness/cluster';
import { testPools } from '../harness/pools';

let cluster: Cluster;
const pools = testPools(() => cluster);

before(async () => {
  cluster = await startCluster();
  await cluster.sql('CREATE TABLE numbers (n int PRIMARY KEY, label text)');
  await cluster.sql("INSERT INTO numbers SELECT g, 'row ' || g FROM generate_series(1, 1000) g");
});

after(async () => {
  await pools.closeAll();
  await cluster.stop();
});

const openPool = (name: string, options: PoolOptions = {}): Promise<PgPool> => pools.open(name, options);

function rowsOf(outcome: ExecutionOutcome): PageResult {
  assert.equal(outcome.kind, 'rows', `expected rows, got ${outcome.kind}`);
  return (outcome as Extract<ExecutionOutcome, { kind: 'rows' }>).page;
}

async function firstValue(pool: PgPool, session: string, sql: string): Promise<string | null> {
  return rowsOf(await pool.execute(session, sql)).rows[0][0];
}

async function backendsNamed(name: string): Promise<number> {
  const rows = await cluster.sql<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [name]);
  return Number(rows[0].n);
}

describe('1. leasing', () => {
  test('SET, temp tables and an open transaction stay with their session and are never seen by another', async () => {
    const pool = await openPool('leasing-state');
    await pool.execute('a', "SET application_name = 'leasing-state'");
    await pool.execute('a', "SET work_mem = '7MB'");
    await pool.execute('a', 'CREATE TEMP TABLE scratch AS SELECT 42 AS answer');
    await pool.execute('a', 'BEGIN');
    await pool.execute('a', "INSERT INTO numbers VALUES (5001, 'uncommitted')");

    assert.equal(await firstValue(pool, 'a', 'SHOW work_mem'), '7MB');
    assert.equal(await firstValue(pool, 'a', 'SELECT answer::text FROM scratch'), '42');
    assert.equal(await firstValue(pool, 'a', 'SELECT count(*) FROM numbers WHERE n = 5001'), '1');

    assert.equal(await firstValue(pool, 'b', 'SHOW work_mem'), '4MB');
    await rejectsWith(pool.execute('b', 'SELECT * FROM scratch'), 'query');
    assert.equal(await firstValue(pool, 'b', 'SELECT count(*) FROM numbers WHERE n = 5001'), '0');
    assert.notEqual(pool.sessionInfo('a')?.backendPid, pool.sessionInfo('b')?.backendPid);
    await pool.execute('a', 'ROLLBACK');
  });

  test('a released connection serves a new session, reset so the new session sees none of the old state', async () => {
    const pool = await openPool('leasing-reuse', { maxSize: 1 });
    await pool.execute('a', "SET search_path = 'old_state'");
    const pid = pool.sessionInfo('a')?.backendPid;
    await pool.releaseSession('a');
    assert.equal(pool.sessionInfo('a'), undefined);
    assert.equal(pool.stats().idle, 1);
    assert.equal(await firstValue(pool, 'b', 'SHOW search_path'), '"$user", public');
    assert.equal(pool.sessionInfo('b')?.backendPid, pid);
  });

  test('when all are leased, the session idle longest with no cursor or transaction is reclaimed, and told so', async () => {
    const pool = await openPool('leasing-reclaim', { maxSize: 2 });
    await pool.execute('oldest', "SET search_path = 'oldest_path'");
    await pool.execute('newer', 'SELECT 1');
    const outcome = await pool.execute('third', 'SELECT 3');
    assert.equal(outcome.sessionReset, undefined);
    assert.equal(pool.stats().total, 2);
    assert.equal(pool.sessionInfo('newer')?.backendPid !== null, true);

    // The oldest session lost its connection: its next outcome says so, and its SET is gone.
    const next = await pool.execute('oldest', 'SHOW search_path');
    assert.equal(next.sessionReset, 'reclaimed');
    assert.deepEqual(rowsOf(next).rows, [['"$user", public']]);
    assert.ok(pool.stats().total <= 2);
  });

  test('with no reclaimable session the caller waits, then gets poolExhausted naming the limit', async () => {
    const pool = await openPool('leasing-exhausted', { maxSize: 2, acquireTimeoutMs: 300, maxSizeHint: 'the setting pgExplorer.maxConnections' });
    await pool.execute('cursor', 'SELECT n FROM numbers', { pageSize: 10 });
    await pool.execute('tx', 'BEGIN');
    const error = await rejectsWith(pool.execute('third', 'SELECT 1'), 'poolExhausted');
    assert.match(error.message, /All 2 connections/);
    assert.match(error.message, /raise the connection limit \(the setting pgExplorer\.maxConnections, now 2\)/);
    assert.equal(pool.stats().total, 2);
    // The holders keep what they hold.
    assert.equal(pool.sessionInfo('cursor')?.cursorOpen, true);
    assert.equal(pool.sessionInfo('tx')?.txStatus, 'inTransaction');

    // A waiter is served as soon as a holder lets go.
    const waiting = settle(pool.execute('fourth', 'SELECT 4'));
    await until(async () => pool.stats().waiting === 1, 'the caller to wait');
    await pool.execute('tx', 'COMMIT');
    assert.deepEqual(rowsOf(await waiting).rows, [['4']]);
  });
});

describe('2. cursors', () => {
  test('a row-returning statement pages through a server-side cursor on the same connection', async () => {
    const pool = await openPool('cursor-paging');
    const outcome = await pool.execute('s', 'SELECT n FROM numbers ORDER BY n', { pageSize: 300 });
    const first = rowsOf(outcome);
    assert.equal(first.rows.length, 300);
    assert.equal(first.done, false);
    assert.equal(first.rows[0][0], '1');
    assert.equal(pool.sessionInfo('s')?.cursorOpen, true);
    const pid = pool.sessionInfo('s')?.backendPid;
    // The cursor is a portal on that backend: the server shows its transaction open.
    const [activity] = await cluster.sql<{ open: boolean }>('SELECT xact_start IS NOT NULL AS open FROM pg_stat_activity WHERE pid = $1', [pid]);
    assert.equal(activity.open, true);

    const second = await pool.fetchPage('s', 600);
    assert.deepEqual([second.rows.length, second.done, second.rowsSoFar], [600, false, 900]);
    assert.equal(second.rows[0][0], '301');
    const third = await pool.fetchPage('s', 600);
    assert.deepEqual([third.rows.length, third.done, third.rowsSoFar], [100, true, 1000]);
    assert.equal(third.rows[99][0], '1000');
    assert.equal(pool.sessionInfo('s')?.cursorOpen, false);
    assert.equal(pool.sessionInfo('s')?.backendPid, pid);
    await rejectsWith(pool.fetchPage('s'), 'noCursor');
  });

  test('closeQuery closes the cursor and ends its transaction', async () => {
    const pool = await openPool('cursor-close');
    await pool.execute('s', 'SELECT n FROM numbers', { pageSize: 10 });
    const pid = pool.sessionInfo('s')?.backendPid;
    await pool.closeQuery('s');
    assert.equal(pool.sessionInfo('s')?.cursorOpen, false);
    const [activity] = await cluster.sql<{ state: string }>('SELECT state FROM pg_stat_activity WHERE pid = $1', [pid]);
    assert.equal(activity.state, 'idle');
    const error = await rejectsWith(pool.fetchPage('s'), 'noCursor');
    assert.match(error.message, /Run the statement again/);
  });

  test('a new execute in the same session closes the previous cursor first', async () => {
    const pool = await openPool('cursor-replace');
    await pool.execute('s', 'SELECT n FROM numbers ORDER BY n', { pageSize: 10 });
    const outcome = await pool.execute('s', "SELECT 'second'", { pageSize: 10 });
    assert.deepEqual(rowsOf(outcome).rows, [['second']]);
    await rejectsWith(pool.fetchPage('s'), 'noCursor');
  });

  test('two sessions page through two cursors interleaved, each getting exactly its own rows in order', async () => {
    const pool = await openPool('cursor-interleave');
    const evens = rowsOf(await pool.execute('evens', 'SELECT n FROM numbers WHERE n % 2 = 0 ORDER BY n', { pageSize: 50 }));
    const odds = rowsOf(await pool.execute('odds', 'SELECT n FROM numbers WHERE n % 2 = 1 ORDER BY n', { pageSize: 50 }));
    const seen = { evens: evens.rows.map((r) => Number(r[0])), odds: odds.rows.map((r) => Number(r[0])) };
    let done = { evens: evens.done, odds: odds.done };
    while (!done.evens || !done.odds) {
      for (const s of ['evens', 'odds'] as const) {
        if (done[s]) continue;
        const page = await pool.fetchPage(s, 50);
        seen[s].push(...page.rows.map((r) => Number(r[0])));
        done = { ...done, [s]: page.done };
      }
    }
    assert.deepEqual(seen.evens, Array.from({ length: 500 }, (_, i) => 2 * (i + 1)));
    assert.deepEqual(seen.odds, Array.from({ length: 500 }, (_, i) => 2 * i + 1));
  });

  test('default page sizes: a small first page, larger later pages', async () => {
    const pool = await openPool('cursor-defaults');
    const first = rowsOf(await pool.execute('s', 'SELECT g FROM generate_series(1, 10000) g'));
    assert.equal(first.rows.length, 100);
    assert.equal((await pool.fetchPage('s')).rows.length, 1000);
    assert.equal((await pool.fetchPage('s')).rows.length, 5000);
    const last = await pool.fetchPage('s');
    assert.deepEqual([last.rows.length, last.done, last.rowsSoFar], [3900, true, 10000]);
  });

  test('column metadata names the type and the source table column', async () => {
    const pool = await openPool('cursor-columns');
    const outcome = await pool.execute('s', 'SELECT n, label, n + 1 AS computed FROM numbers LIMIT 1');
    assert.equal(outcome.kind, 'rows');
    if (outcome.kind !== 'rows') return;
    const [tableOid] = await cluster.sql<{ oid: number }>("SELECT 'numbers'::regclass::oid AS oid");
    assert.deepEqual(
      outcome.cursor.columns.map((c) => [c.name, c.typeName, c.tableOid, c.columnNumber]),
      [
        ['n', 'integer', tableOid.oid, 1],
        ['label', 'text', tableOid.oid, 2],
        ['computed', 'integer', null, null],
      ],
    );
  });
});

describe('3. values are the server text', () => {
  test('bigint, numeric, timestamptz, bytea and NULL come back exactly as printed', async () => {
    const pool = await openPool('values');
    await pool.execute('s', "SET TimeZone = 'Asia/Kathmandu'");
    const outcome = await pool.execute(
      's',
      `SELECT 9007199254740993::bigint, 1.10::numeric, '2024-02-29 12:34:56.789012+00'::timestamptz,
              '\\x00ff10'::bytea, NULL::text, ''::text, 'NULL'::text, '1e400'::numeric::text,
              '{1,NULL,"a b"}'::text[], '{"b": 1, "a": [1.50]}'::jsonb, 1.5::float8 / 3`,
    );
    assert.deepEqual(rowsOf(outcome).rows[0], [
      '9007199254740993',
      '1.10',
      '2024-02-29 18:19:56.789012+05:45',
      '\\x00ff10',
      null,
      '',
      'NULL',
      '1' + '0'.repeat(400),
      '{1,NULL,"a b"}',
      '{"a": [1.50], "b": 1}',
      '0.5',
    ]);
  });

  test('parameters go in as values, not spliced into the text', async () => {
    const pool = await openPool('params');
    const outcome = await pool.execute('s', 'SELECT $1::text, $2::bigint + 1, $3::text IS NULL', {
      params: ["it's'; DROP TABLE numbers; --", '9007199254740993', null],
    });
    assert.deepEqual(rowsOf(outcome).rows[0], ["it's'; DROP TABLE numbers; --", '9007199254740994', 't']);
  });
});

describe('4. transactions', () => {
  test('BEGIN, work and COMMIT across calls; txStatus after each call comes from the server', async () => {
    const pool = await openPool('tx-commit');
    const statuses: string[] = [];
    for (const sql of ['BEGIN', "INSERT INTO numbers VALUES (7001, 'tx')", 'SELECT 1', 'COMMIT']) {
      statuses.push((await pool.execute('s', sql)).txStatus);
    }
    assert.deepEqual(statuses, ['inTransaction', 'inTransaction', 'inTransaction', 'idle']);
    const insert = await pool.execute('s', "INSERT INTO numbers VALUES (7002, 'x'), (7003, 'y')");
    assert.deepEqual(insert.kind === 'command' && [insert.command, insert.rowCount], ['INSERT', 2]);
    assert.deepEqual(await cluster.sql('SELECT n FROM numbers WHERE n IN (7001, 7002, 7003) ORDER BY n'), [{ n: 7001 }, { n: 7002 }, { n: 7003 }]);
  });

  test('an error inside a transaction leaves it failed, and the next error says to roll back', async () => {
    const pool = await openPool('tx-failed');
    await pool.execute('s', 'BEGIN');
    await rejectsWith(pool.execute('s', 'SELECT 1/0'), 'query');
    assert.equal(pool.sessionInfo('s')?.txStatus, 'failed');
    const error = await rejectsWith(pool.execute('s', 'SELECT 1'), 'query');
    assert.equal(error.code, '25P02');
    assert.match(error.message, /ROLLBACK/);
    const rollback = await pool.execute('s', 'ROLLBACK');
    assert.equal(rollback.txStatus, 'idle');
    assert.equal(await firstValue(pool, 's', 'SELECT 2'), '2');
  });
});

describe('5. cancel', () => {
  test('cancel ends a running pg_sleep as kind cancelled, and the session stays usable', { timeout: 20_000 }, async () => {
    const pool = await openPool('cancel');
    assert.equal(await pool.cancel('s'), false, 'nothing to cancel yet');
    await pool.execute('s', "SET search_path = 'kept_after_cancel'");
    const running = settle(pool.execute('s', 'SELECT pg_sleep(30)'));
    const pid = pool.sessionInfo('s')?.backendPid;
    await until(async () => {
      const rows = await cluster.sql<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE pid = $1 AND state = 'active'", [pid]);
      return rows[0].n === '1';
    }, 'pg_sleep to start');
    assert.equal(await pool.cancel('s'), true);
    const error = await rejectsWith(running, 'cancelled');
    assert.equal(error.code, '57014');
    assert.equal(await firstValue(pool, 's', 'SHOW search_path'), 'kept_after_cancel');
    assert.equal(pool.sessionInfo('s')?.backendPid, pid);
  });
});

describe('6. errors', () => {
  test('a query error carries SQLSTATE, 1-based position, detail, hint and the constraint', async () => {
    const pool = await openPool('errors');
    const missing = await rejectsWith(pool.execute('s', 'SELECT nosuch FROM numbers'), 'query');
    assert.equal(missing.code, '42703');
    assert.equal(missing.position, 8);

    const duplicate = await rejectsWith(pool.execute('s', "INSERT INTO numbers VALUES (1, 'dup')"), 'query');
    assert.equal(duplicate.code, '23505');
    assert.equal(duplicate.constraint, 'numbers_pkey');
    assert.equal(duplicate.table, 'numbers');
    assert.equal(duplicate.detail, 'Key (n)=(1) already exists.');

    const hinted = await rejectsWith(pool.execute('s', 'SELECT lenght($1::text)', { params: ['x'] }), 'query');
    assert.equal(hinted.code, '42883');
    assert.match(hinted.hint ?? '', /No function matches/);
  });

  test('connection failures have kinds: config, connect, auth', async () => {
    await rejectsWith(PgPool.open(cluster.config({ port: 0 })), 'config');
    const wrong = await rejectsWith(PgPool.open(cluster.config({ auth: { kind: 'password', password: 'not-the-password' } })), 'auth');
    assert.equal(wrong.code, '28P01');
    assert.doesNotMatch(wrong.message + JSON.stringify(wrong), /not-the-password/);
    const closedPort = await rejectsWith(PgPool.open(cluster.config({ port: 1 }), { connectTimeoutMs: 2_000 }), 'connect');
    assert.match(closedPort.message, /127\.0\.0\.1:1/);
    const noDb = await rejectsWith(PgPool.open(cluster.config({ database: 'no_such_db' })), 'connect');
    assert.equal(noDb.code, '3D000');
  });

  test('a closed pool refuses calls with kind closed', async () => {
    const pool = await openPool('closed');
    await pool.execute('s', 'SELECT 1');
    await pool.close();
    await rejectsWith(pool.execute('s', 'SELECT 1'), 'closed');
    await rejectsWith(pool.fetchPage('s'), 'closed');
    assert.equal(await backendsNamed('closed'), 0);
  });
});

describe('7. connection loss', () => {
  test('a terminated idle session fails its next call with connectionLost, then works on a fresh connection', async () => {
    const pool = await openPool('loss-idle');
    await pool.execute('s', "SET search_path = 'lost_state'");
    const pid = pool.sessionInfo('s')?.backendPid;
    await cluster.sql('SELECT pg_terminate_backend($1)', [pid]);
    await until(async () => pool.stats().total === 0, 'the pool to notice');
    const error = await rejectsWith(pool.execute('s', 'SELECT 1'), 'connectionLost');
    assert.match(error.message, /session state/);
    const outcome = await pool.execute('s', 'SHOW search_path');
    assert.deepEqual(rowsOf(outcome).rows, [['"$user", public']]);
    assert.notEqual(outcome.backendPid, pid);
  });

  test('a backend terminated during a statement fails that call with connectionLost; the next works', async () => {
    const pool = await openPool('loss-running');
    await pool.execute('s', 'SELECT 1');
    const pid = pool.sessionInfo('s')?.backendPid;
    const running = settle(pool.execute('s', 'SELECT pg_sleep(30)'));
    await until(async () => {
      const rows = await cluster.sql<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE pid = $1 AND state = 'active'", [pid]);
      return rows[0].n === '1';
    }, 'pg_sleep to start');
    await cluster.sql('SELECT pg_terminate_backend($1)', [pid]);
    await rejectsWith(running, 'connectionLost');
    assert.equal(await firstValue(pool, 's', 'SELECT 5'), '5');
    assert.equal(pool.stats().total, 1);
  });

  test('a backend terminated mid-cursor fails the next fetchPage with connectionLost', async () => {
    const pool = await openPool('loss-cursor');
    await pool.execute('s', 'SELECT n FROM numbers', { pageSize: 10 });
    await cluster.sql('SELECT pg_terminate_backend($1)', [pool.sessionInfo('s')?.backendPid]);
    await until(async () => pool.stats().total === 0, 'the pool to notice');
    await rejectsWith(pool.fetchPage('s'), 'connectionLost');
    await rejectsWith(pool.fetchPage('s'), 'noCursor');
    assert.equal(await firstValue(pool, 's', 'SELECT 6'), '6');
  });
});

describe('8. one call at a time per session, sessions in parallel', () => {
  test('a second call while one is in flight is refused with sessionBusy; the first completes', async () => {
    const pool = await openPool('busy');
    const first = settle(pool.execute('s', 'SELECT pg_sleep(0.3), 1'));
    const error = await rejectsWith(pool.execute('s', 'SELECT 2'), 'sessionBusy');
    assert.match(error.message, /still running/);
    await rejectsWith(pool.fetchPage('s'), 'sessionBusy');
    assert.equal(rowsOf(await first).rows[0][1], '1');
    assert.equal(await firstValue(pool, 's', 'SELECT 3'), '3');
  });

  test('calls on different sessions run at the same time on the server', { timeout: 20_000 }, async () => {
    const pool = await openPool('parallel');
    const marker = 'parallel_marker_' + process.pid;
    const runs = ['a', 'b', 'c'].map((s) => settle(pool.execute(s, `SELECT pg_sleep(3), '${marker}'`)));
    await until(async () => {
      const rows = await cluster.sql<{ n: string }>(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1 AND application_name = 'parallel'",
        [`%${marker}%`],
      );
      return rows[0].n === '3';
    }, 'three statements active at once');
    await Promise.all(['a', 'b', 'c'].map((s) => pool.cancel(s)));
    await Promise.all(runs.map((r) => r.catch(() => undefined)));
  });
});

describe('9. no leaks', () => {
  test('1,000 execute/close cycles over 50 sessions with maxSize 5 leave at most 5 backends', { timeout: 120_000 }, async () => {
    const pool = await openPool('leaks', { maxSize: 5 });
    const workers = Array.from({ length: 10 }, async (_, w) => {
      for (let i = w; i < 1000; i += 10) {
        const session = `session-${i % 50}`;
        const outcome = await pool.execute(session, 'SELECT n FROM numbers', { pageSize: 5 });
        assert.equal(rowsOf(outcome).rows.length, 5);
        await pool.closeQuery(session);
      }
    });
    await Promise.all(workers);
    const backends = await backendsNamed('leaks');
    assert.ok(backends <= 5, `${backends} backends`);
    assert.equal(pool.stats().total, backends);
    assert.equal(pool.stats().waiting, 0);
    for (let i = 0; i < 50; i++) await pool.releaseSession(`session-${i}`);
    assert.deepEqual(pool.stats(), { total: backends, leased: 0, idle: backends, waiting: 0 });
    const idleInTx = await cluster.sql<{ n: string }>(
      "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'leaks' AND state <> 'idle'",
    );
    assert.equal(idleInTx[0].n, '0');
    await pool.close();
    await until(async () => (await backendsNamed('leaks')) === 0, 'all backends to go');
  });

  test('releaseSession rolls back an open transaction and closes the cursor', async () => {
    const pool = await openPool('release', { maxSize: 1 });
    await pool.execute('s', 'BEGIN');
    await pool.execute('s', "INSERT INTO numbers VALUES (8001, 'never committed')");
    await pool.execute('s', 'SELECT n FROM numbers', { pageSize: 1 });
    await pool.releaseSession('s');
    assert.deepEqual(pool.stats(), { total: 1, leased: 0, idle: 1, waiting: 0 });
    assert.deepEqual(await cluster.sql('SELECT n FROM numbers WHERE n = 8001'), []);
  });
});

describe('10. forgotten cursors', () => {
  test('a cursor untouched for cursorIdleTimeoutMs is closed, releasing its transaction; fetchPage says why', async () => {
    const pool = await openPool('forgotten', { cursorIdleTimeoutMs: 300 });
    await pool.execute('s', 'SELECT n FROM numbers', { pageSize: 10 });
    const pid = pool.sessionInfo('s')?.backendPid;
    await until(async () => {
      const [row] = await cluster.sql<{ state: string }>('SELECT state FROM pg_stat_activity WHERE pid = $1', [pid]);
      return row.state === 'idle';
    }, 'the cursor transaction to end');
    assert.equal(pool.sessionInfo('s')?.cursorOpen, false);
    const error = await rejectsWith(pool.fetchPage('s'), 'noCursor');
    assert.match(error.message, /without a fetch/);
    assert.match(error.message, /cursorIdleTimeoutMs/);
    // A fetch keeps a cursor alive; cursorIdleTimeoutMs 0 never closes.
    const keep = await openPool('kept', { cursorIdleTimeoutMs: 0 });
    await keep.execute('s', 'SELECT n FROM numbers', { pageSize: 10 });
    await new Promise((r) => setTimeout(r, 400));
    assert.equal((await keep.fetchPage('s', 10)).rows.length, 10);
  });
});
