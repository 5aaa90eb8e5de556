/**
 * The pool behind Debian's pgbouncer, in transaction and in session pooling: paging two
 * sessions, cancel by protocol CancelRequest, errors with SQLSTATE and position, the
 * DISCARD ALL between sessions and the type-name query, and what happens to startup settings
 * (read-only profiles) that pgbouncer refuses or drops.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PgPool } from '../../src/pool';
import type { ExecutionOutcome, PgConfig, PoolOptions } from '../../src/pool';
import { startCluster } from '../harness/cluster';
import type { Cluster } from '../harness/cluster';
import { BOUNCER_DB, canRunPgbouncer, startPgbouncer } from '../harness/pgbouncer';
import type { Pgbouncer, PoolMode } from '../harness/pgbouncer';
import { cancelsSleep, firstValue, rejectsWith, rowsOf } from './helpers';

const skip = canRunPgbouncer();
const RO_PW = 'read-only-role-pw-31';

let cluster: Cluster;
/** ignore_startup_parameters = extra_float_digits (pgbouncer refuses `options`). */
let bouncer: Pgbouncer;
/** ignore_startup_parameters = extra_float_digits,options (pgbouncer drops `options`). */
let dropping: Pgbouncer;
const pools: PgPool[] = [];

before(async () => {
  if (skip) return;
  cluster = await startCluster();
  await cluster.sql('CREATE TABLE numbers (n int PRIMARY KEY)');
  await cluster.sql('INSERT INTO numbers SELECT generate_series(1, 1000)');
  await cluster.sql(`CREATE ROLE ro_user LOGIN PASSWORD '${RO_PW}'; GRANT SELECT ON numbers TO ro_user`);
  await cluster.sql('ALTER ROLE ro_user SET default_transaction_read_only = on');
  // Settled one by one, so that after() can stop whichever started when the other failed.
  const [b, d] = await Promise.allSettled([
    startPgbouncer(cluster, { users: { ro_user: RO_PW } }),
    startPgbouncer(cluster, { users: { ro_user: RO_PW }, ignoreStartupParameters: 'extra_float_digits,options' }),
  ]);
  if (b.status === 'fulfilled') bouncer = b.value;
  if (d.status === 'fulfilled') dropping = d.value;
  for (const result of [b, d]) if (result.status === 'rejected') throw result.reason;
});

after(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await Promise.all([bouncer?.stop(), dropping?.stop()]);
  await cluster?.stop();
});

function through(b: Pgbouncer, mode: PoolMode, overrides: Partial<PgConfig> = {}): PgConfig {
  return cluster.config({ host: b.host, port: b.port, database: BOUNCER_DB[mode], ...overrides });
}

async function open(config: PgConfig, options: PoolOptions = {}): Promise<PgPool> {
  const pool = await PgPool.open(config, { maxSize: 4, ...options });
  pools.push(pool);
  return pool;
}

function values(outcome: ExecutionOutcome | { rows: (string | null)[][] }): string[] {
  const rows = 'kind' in outcome ? rowsOf(outcome).rows : outcome.rows;
  return rows.map((r) => r[0] ?? 'NULL');
}

const range = (from: number, to: number, times = 1): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => String((from + i) * times));

for (const mode of ['transaction', 'session'] as const) {
  describe(`through pgbouncer, ${mode} pooling`, { skip }, () => {
    test('two sessions page their cursors in turn, each on its own server connection', async () => {
      const pool = await open(through(bouncer, mode));
      const a = await pool.execute('a', 'SELECT n FROM numbers ORDER BY n', { pageSize: 100 });
      const b = await pool.execute('b', 'SELECT n * 10 FROM numbers ORDER BY n', { pageSize: 100 });
      assert.deepEqual(values(a), range(1, 100));
      assert.deepEqual(values(b), range(1, 100, 10));
      assert.deepEqual(values(await pool.fetchPage('a', 200)), range(101, 300));
      assert.deepEqual(values(await pool.fetchPage('b', 200)), range(101, 300, 10));
      const restA = await pool.fetchPage('a', 1000);
      assert.deepEqual(values(restA), range(301, 1000));
      assert.equal(restA.done, true);
      assert.equal((await pool.fetchPage('b', 1000)).rowsSoFar, 1000);
    });

    test('an explicit transaction with a cursor inside it, then COMMIT', async () => {
      const pool = await open(through(bouncer, mode));
      await pool.execute('s', 'BEGIN');
      const first = await pool.execute('s', 'SELECT n FROM numbers WHERE n <= 30 ORDER BY n', { pageSize: 10 });
      assert.deepEqual(values(first), range(1, 10));
      assert.deepEqual(values(await pool.fetchPage('s', 20)), range(11, 30));
      const commit = await pool.execute('s', 'COMMIT');
      assert.equal(commit.kind, 'command');
      assert.equal(commit.txStatus, 'idle');
    });

    test('a scroll cursor reads any row and counts, in the transaction it pins, and lets the connection go when closed', async () => {
      const pool = await open(through(bouncer, mode));
      const session = pool.session('scroll');
      const first = await session.execute('SELECT n FROM numbers ORDER BY n', { scrollable: true, pageSize: 10 });
      assert.ok(first.kind === 'rows' && first.cursor.name);
      assert.deepEqual(values(first), range(1, 10));
      // Another session meanwhile: the scroll cursor's transaction keeps its server connection.
      assert.deepEqual(values(await pool.execute('other', 'SELECT 7')), ['7']);
      assert.equal(await session.countRows(first.cursor.name), 1000);
      assert.deepEqual(values(await session.fetchAt(first.cursor.name, 995, 10)), range(996, 1000));
      assert.deepEqual(values(await session.fetchAt(first.cursor.name, 500, 2)), range(501, 502));
      await session.closeQuery(first.cursor.name);
      assert.equal(session.info().cursorOpen, false);
      assert.equal((await session.execute('SELECT 1')).txStatus, 'idle');
      await session.release();
    });

    test('cancel of pg_sleep(30) by CancelRequest ends it as kind cancelled', async () => {
      const pool = await open(through(bouncer, mode, { applicationName: `bouncer-cancel-${mode}` }));
      await cancelsSleep(pool, cluster);
    });

    test('errors carry SQLSTATE and position', async () => {
      const pool = await open(through(bouncer, mode));
      const missing = await rejectsWith(pool.execute('s', 'SELECT * FROM no_such_table'), 'query');
      assert.equal(missing.code, '42P01');
      assert.equal(missing.position, 15);
      const division = await rejectsWith(pool.execute('s', 'SELECT 1 / (n - n) FROM numbers'), 'query');
      assert.equal(division.code, '22012');
      assert.equal(await firstValue(pool, 's', 'SELECT 2'), '2', 'the session goes on after an error');
    });

    test('DISCARD ALL between sessions keeps the connection, and column type names resolve', async () => {
      const pool = await open(through(bouncer, mode), { maxSize: 1 });
      const outcome = await pool.execute('first', "SELECT 1::int4 AS a, now() AS b, 'x'::varchar(5) AS c");
      assert.equal(outcome.kind, 'rows');
      assert.deepEqual(
        (outcome as Extract<ExecutionOutcome, { kind: 'rows' }>).cursor.columns.map((c) => c.typeName),
        ['integer', 'timestamp with time zone', 'character varying'],
      );
      await pool.releaseSession('first');
      // Had DISCARD ALL failed, the pool would have dropped the connection instead.
      assert.deepEqual(pool.stats(), { total: 1, leased: 0, idle: 1, waiting: 0 });
      assert.equal(await firstValue(pool, 'second', 'SELECT 3'), '3');
      assert.equal(pool.stats().total, 1);
    });

    test('startup settings pgbouncer refuses: kind config saying why', async () => {
      const error = await rejectsWith(
        PgPool.open({ ...through(bouncer, mode), startupSettings: { default_transaction_read_only: 'on' } }),
        'config',
      );
      assert.match(error.message, /refused the profile's startup settings \(unsupported startup parameter: options\)/);
      assert.match(error.message, /ignore_startup_parameters/);
    });

    test('startup settings pgbouncer drops silently: refused, never a writable "read-only" profile', async () => {
      const error = await rejectsWith(
        PgPool.open({ ...through(dropping, mode), startupSettings: { default_transaction_read_only: 'on' } }),
        'config',
      );
      assert.match(error.message, /did not apply the profile's startup settings: default_transaction_read_only=on \(it is off\)/);
    });

    test('a role the server keeps read-only works through a pgbouncer that drops options', async () => {
      const config = through(dropping, mode, { user: 'ro_user', auth: { kind: 'password', password: RO_PW } });
      const pool = await open({ ...config, startupSettings: { default_transaction_read_only: 'on' } });
      assert.equal(await firstValue(pool, 's', 'SELECT count(*) FROM numbers'), '1000');
      const error = await rejectsWith(pool.execute('s', 'DELETE FROM numbers'), 'query');
      assert.equal(error.code, '25006');
    });
  });
}
