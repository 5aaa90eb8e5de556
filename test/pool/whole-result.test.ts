/**
 * Statements a Run sends whose whole result fits the first page (src/pool/whole-result.ts: one
 * Query message, no cursor), against a real server: what the user sees is what the cursor paths
 * gave — rows as the server's text with column metadata, command tags and counts, the session's
 * SET and BEGIN kept, typed errors with their position, notices, cancel — and a statement the
 * parser cannot bound still gets its scroll cursor.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PgError } from '../../src/pool';
import { startCluster } from '../harness/cluster';
import type { Cluster } from '../harness/cluster';
import { until } from '../harness/expect';
import { testPools } from '../harness/pools';

let cluster: Cluster;
const pools = testPools(() => cluster);

before(async () => {
  cluster = await startCluster();
  await cluster.sql(`CREATE TABLE items AS SELECT g AS id, 'item ' || g AS label FROM generate_series(1, 500) g`);
});

after(async () => {
  await pools.closeAll();
  await cluster?.stop();
});

const RUN = { scrollable: true } as const;

describe('a Run of a statement whose result fits the first page', () => {
  test('rows, columns and the done page; nothing left open', async () => {
    const pool = await pools.open('whole-rows');
    const session = pool.session('tab');
    const one = await session.execute('SELECT 1 AS one, NULL::text AS nothing, 12345678901234567890::numeric AS big', RUN);
    assert.ok(one.kind === 'rows');
    assert.deepEqual(one.page.rows, [['1', null, '12345678901234567890']]);
    assert.equal(one.page.done, true);
    assert.equal(one.cursor.name, undefined);
    assert.deepEqual(one.cursor.columns.map((c) => [c.name, c.typeName]), [['one', 'integer'], ['nothing', 'text'], ['big', 'numeric']]);
    assert.equal(session.info().cursorOpen, false);

    const limited = await session.execute('SELECT id, label FROM items ORDER BY id LIMIT 3', RUN);
    assert.ok(limited.kind === 'rows');
    assert.deepEqual(limited.page.rows, [['1', 'item 1'], ['2', 'item 2'], ['3', 'item 3']]);
    assert.ok(limited.cursor.columns[0].tableOid, 'the column still names its table (editable results)');
    assert.equal(limited.cursor.columns[0].columnNumber, 1);

    const values = await session.execute("VALUES (1, 'a'), (2, 'b')", { keepOpen: true });
    assert.ok(values.kind === 'rows');
    assert.deepEqual(values.page.rows, [['1', 'a'], ['2', 'b']]);
    assert.equal(values.page.done, true);
  });

  test('a result the parser cannot bound still gets a scroll cursor', async () => {
    const pool = await pools.open('whole-unbounded');
    const session = pool.session('tab');
    for (const sql of ['SELECT * FROM items ORDER BY id', 'SELECT * FROM items LIMIT 101', 'SELECT generate_series(1, 300)']) {
      const outcome = await session.execute(sql, RUN);
      assert.ok(outcome.kind === 'rows');
      assert.equal(outcome.page.rows.length, 100, sql);
      assert.equal(outcome.page.done, false, sql);
      assert.equal(outcome.cursor.scrollable, true, sql);
    }
  });

  test('commands: tags and counts, the session keeps its SET and BEGIN, notices come back', async () => {
    const pool = await pools.open('whole-commands');
    const session = pool.session('tab');
    const created = await session.execute('CREATE TABLE t (id int PRIMARY KEY, v text)', RUN);
    assert.ok(created.kind === 'command');
    assert.equal(created.command, 'CREATE');
    const inserted = await session.execute("INSERT INTO t SELECT g, 'v' FROM generate_series(1, 7) g", RUN);
    assert.ok(inserted.kind === 'command');
    assert.equal(inserted.command, 'INSERT');
    assert.equal(inserted.rowCount, 7);
    const updated = await session.execute("UPDATE t SET v = 'w' WHERE id > 4", { keepOpen: true });
    assert.ok(updated.kind === 'command');
    assert.equal(updated.rowCount, 3);

    await session.execute("SET application_name = 'whole-tab'", RUN);
    const began = await session.execute('BEGIN', RUN);
    assert.equal(began.txStatus, 'inTransaction');
    assert.equal(session.info().txStatus, 'inTransaction');
    await session.execute('DELETE FROM t WHERE id = 1', RUN);
    const named = await session.execute('SELECT current_setting(\'application_name\') AS app', RUN);
    assert.ok(named.kind === 'rows');
    assert.deepEqual(named.page.rows, [['whole-tab']]);
    const rolledBack = await session.execute('ROLLBACK', RUN);
    assert.equal(rolledBack.txStatus, 'idle');
    const count = await session.execute('SELECT count(*) FROM t', RUN);
    assert.ok(count.kind === 'rows');
    assert.deepEqual(count.page.rows, [['7']]);

    const noticed = await session.execute("DO $$ BEGIN RAISE NOTICE 'hello from DO'; END $$", RUN);
    assert.ok(noticed.notices.some((n) => n.includes('hello from DO')), noticed.notices.join('\n'));
    const returning = await session.execute('DELETE FROM t WHERE id <= 2 RETURNING id', RUN);
    assert.ok(returning.kind === 'rows', 'RETURNING rows come back as rows');
    assert.deepEqual(returning.page.rows.map((r) => r[0]).sort(), ['1', '2']);
    // RETURNING is as many rows as the command touches: paged, never read whole.
    const many = await session.execute("INSERT INTO t SELECT g, 'm' FROM generate_series(100, 399) g RETURNING id", RUN);
    assert.ok(many.kind === 'rows');
    assert.equal(many.page.rows.length, 100);
    assert.equal(many.page.done, false);
    await session.closeQuery();
  });

  test('errors are typed PgError with the position in the statement; cancel stops one', async () => {
    const pool = await pools.open('whole-errors');
    const session = pool.session('tab');
    await assert.rejects(session.execute('SELECT 1 +', RUN), (err: unknown) => {
      assert.ok(err instanceof PgError);
      assert.equal(err.kind, 'query');
      assert.equal(err.code, '42601');
      assert.equal(err.position, 11);
      return true;
    });
    await assert.rejects(session.execute('INSERT INTO missing_table VALUES (1)', RUN), (err: unknown) => {
      assert.ok(err instanceof PgError);
      assert.equal(err.code, '42P01');
      assert.equal(err.position, 13);
      return true;
    });
    // The outcome is watched from the start (it may settle while cancel() is awaited), and the
    // cancel waits for the sleep to run on the server, not for a guessed time.
    const sleeping = assert.rejects(session.execute('DO $$ BEGIN PERFORM pg_sleep(30); END $$', RUN), (err: unknown) => err instanceof PgError && err.kind === 'cancelled');
    await until(async () => (await cluster.sql("SELECT 1 FROM pg_stat_activity WHERE wait_event = 'PgSleep'")).length > 0, 'the sleep running on the server');
    await session.cancel();
    await sleeping;
    const after = await session.execute('SELECT 2', RUN);
    assert.ok(after.kind === 'rows');
    assert.deepEqual(after.page.rows, [['2']]);
  });
});
