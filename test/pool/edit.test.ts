/**
 * Safe row editing (issue 5), against a real server: row identity, conflict detection under
 * concurrent change, all-or-nothing batches, server errors, and an exact round trip of values of
 * many types through tricky identifiers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client } from 'pg';
import { PgError, PgPool, quoteIdent } from '../../src/pool';
import type { ExecutionOutcome, PoolOptions, Row, RowValues, TableRef, UpdateOutcome } from '../../src/pool';
import { startCluster } from '../harness/cluster';
import type { Cluster } from '../harness/cluster';

let cluster: Cluster;
let pool: PgPool;
const pools: PgPool[] = [];
const clients: Client[] = [];

const S = 'edit';
const t = (table: string): TableRef => ({ schema: S, table });

before(async () => {
  cluster = await startCluster();
  pool = await openPool('edit-tests');
});

after(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  await Promise.all(pools.map((p) => p.close()));
  await cluster.stop();
});

async function openPool(name: string, options: PoolOptions = {}, user?: { user: string; password: string }): Promise<PgPool> {
  const config = cluster.config({
    applicationName: name,
    ...(user ? { user: user.user, auth: { kind: 'password', password: user.password } } : {}),
  });
  const opened = await PgPool.open(config, options);
  pools.push(opened);
  return opened;
}

async function admin(): Promise<Client> {
  const client = await cluster.admin();
  clients.push(client);
  return client;
}

/** Runs setup SQL (several statements) as the superuser. */
async function setup(sql: string): Promise<void> {
  await cluster.sql(sql);
}

/** Rows as the user sees them in the grid: through pool.execute, values as the server's text. */
async function read(sql: string, session = 'reader', target = pool): Promise<{ columns: string[]; rows: Row[] }> {
  const outcome: ExecutionOutcome = await target.execute(session, sql, { pageSize: 10_000 });
  assert.equal(outcome.kind, 'rows');
  const rows = outcome as Extract<ExecutionOutcome, { kind: 'rows' }>;
  assert.ok(rows.page.done);
  return { columns: rows.cursor.columns.map((c) => c.name), rows: rows.page.rows };
}

async function records(sql: string, session = 'reader'): Promise<RowValues[]> {
  const { columns, rows } = await read(sql, session);
  return rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]])));
}

async function rejects(promise: Promise<unknown>): Promise<PgError> {
  const error = await promise.then(
    () => assert.fail('expected a PgError, but the call succeeded'),
    (err: unknown) => err,
  );
  assert.ok(error instanceof PgError, `expected a PgError, got ${String(error)}`);
  return error;
}

/** Waits (by polling, bounded by count) until `n` backends of the app wait on a lock. */
async function untilWaitingOnLock(applicationName: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const rows = await cluster.sql<{ n: string }>(
      "SELECT count(*)::text AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
      [applicationName],
    );
    if (rows[0].n === '1') return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail('the edit never waited for the row lock');
}

// -------------------------------------------------------------------------------------------------

describe('row identity (editability)', () => {
  before(async () => {
    await setup(`
      CREATE SCHEMA ${S};
      CREATE TABLE ${S}.pk (id int PRIMARY KEY, name text);
      CREATE TABLE ${S}.pk2 (a int, b text, v text, PRIMARY KEY (b, a));
      CREATE TABLE ${S}.uniq (code text NOT NULL, other text UNIQUE, v text);
      CREATE UNIQUE INDEX uniq_code ON ${S}.uniq (code);
      CREATE TABLE ${S}.nullable_uniq (code text UNIQUE, v text);
      CREATE TABLE ${S}.partial_uniq (code text NOT NULL, v text);
      CREATE UNIQUE INDEX ON ${S}.partial_uniq (code) WHERE v IS NOT NULL;
      CREATE TABLE ${S}.expr_uniq (code text NOT NULL, v text);
      CREATE UNIQUE INDEX ON ${S}.expr_uniq (lower(code));
      CREATE TABLE ${S}.nokey (name text, v text);
      INSERT INTO ${S}.nokey VALUES ('same', 'x'), ('same', 'x');
      CREATE VIEW ${S}.v AS SELECT * FROM ${S}.pk;
      CREATE MATERIALIZED VIEW ${S}.mv AS SELECT * FROM ${S}.pk;
      CREATE FOREIGN DATA WRAPPER dummy;
      CREATE SERVER nowhere FOREIGN DATA WRAPPER dummy;
      CREATE FOREIGN TABLE ${S}.ft (id int) SERVER nowhere;
      CREATE TABLE ${S}.parent (id int PRIMARY KEY, v text);
      CREATE TABLE ${S}.child () INHERITS (${S}.parent);
      CREATE TABLE ${S}.parted (id int, region text, v text, PRIMARY KEY (id, region)) PARTITION BY LIST (region);
      CREATE TABLE ${S}.parted_eu PARTITION OF ${S}.parted FOR VALUES IN ('eu');
      CREATE TABLE ${S}.incl (id int, extra int, v text, UNIQUE (id) INCLUDE (extra));
      ALTER TABLE ${S}.incl ALTER id SET NOT NULL;
    `);
  });

  test('a primary key, in index order, is the row identity', async () => {
    assert.deepEqual(await pool.editability(t('pk')), { editable: true, key: ['id'] });
    assert.deepEqual(await pool.editability(t('pk2')), { editable: true, key: ['b', 'a'] });
  });

  test('without a primary key, a unique index on NOT NULL columns (INCLUDE columns left out)', async () => {
    assert.deepEqual(await pool.editability(t('uniq')), { editable: true, key: ['code'] });
    assert.deepEqual(await pool.editability(t('incl')), { editable: true, key: ['id'] });
  });

  test('partitioned tables and their partitions are editable', async () => {
    assert.deepEqual(await pool.editability(t('parted')), { editable: true, key: ['id', 'region'] });
    assert.deepEqual(await pool.editability(t('parted_eu')), { editable: true, key: ['id', 'region'] });
    await pool.insertRow(t('parted'), [{ column: 'id', value: '1' }, { column: 'region', value: 'eu' }, { column: 'v', value: 'a' }]);
    const outcome = await pool.updateCell(t('parted'), { id: '1', region: 'eu' }, 'v', 'b', 'a');
    assert.equal(outcome.kind, 'updated');
    assert.deepEqual((await read(`SELECT v FROM ${S}.parted_eu`)).rows, [['b']]);
  });

  test('no usable key: read-only, and the reason says why', async () => {
    for (const name of ['nullable_uniq', 'partial_uniq', 'expr_uniq', 'nokey']) {
      const result = await pool.editability(t(name));
      assert.equal(result.editable, false, name);
      assert.match((result as { reason: string }).reason, /no primary key and no unique index on NOT NULL columns/, name);
    }
  });

  test('views, materialized views, foreign tables, inheritance parents, catalogs and missing tables are read-only', async () => {
    const reasons: Record<string, RegExp> = {
      v: /is a view/,
      mv: /is a materialized view/,
      ft: /is a foreign table/,
      parent: /inheritance child tables/,
      missing: /There is no table "edit"\."missing"/,
    };
    for (const [name, reason] of Object.entries(reasons)) {
      const result = await pool.editability(t(name));
      assert.equal(result.editable, false, name);
      assert.match((result as { reason: string }).reason, reason, name);
    }
    const catalog = await pool.editability({ schema: 'pg_catalog', table: 'pg_class' });
    assert.equal(catalog.editable, false);
  });

  test('a temporary table belongs to its session: read-only for edits, which run on their own connection', async () => {
    await pool.execute('temp-tab', 'CREATE TEMP TABLE scratch (id int PRIMARY KEY)');
    const { rows } = await read('SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()', 'temp-tab');
    const result = await pool.editability({ schema: rows[0][0] as string, table: 'scratch' });
    assert.equal(result.editable, false);
    assert.match((result as { reason: string }).reason, /is a temporary table/);
    const outcome = await pool.execute('temp-tab', 'SELECT * FROM scratch');
    assert.equal(outcome.kind, 'rows');
    const ofResult = await pool.editabilityOfResult((outcome as Extract<ExecutionOutcome, { kind: 'rows' }>).cursor.columns);
    assert.match((ofResult as { reason: string }).reason, /is a temporary table/);
    await pool.releaseSession('temp-tab');
  });

  test('an edit of a table without row identity is refused and changes nothing (never every matching row)', async () => {
    const error = await rejects(pool.updateCell(t('nokey'), { name: 'same' }, 'v', 'y', 'x'));
    assert.equal(error.kind, 'query');
    assert.match(error.message, /no primary key/);
    const viewError = await rejects(pool.updateCell(t('v'), { id: '1' }, 'name', 'y', null));
    assert.match(viewError.message, /is a view/);
    assert.deepEqual((await read(`SELECT v FROM ${S}.nokey`)).rows, [['x'], ['x']]);
  });

  test('a key must name exactly the identity columns', async () => {
    await setup(`INSERT INTO ${S}.pk2 VALUES (1, 'b', 'v')`);
    const partial = await rejects(pool.updateCell(t('pk2'), { a: '1' }, 'v', 'w', 'v'));
    assert.match(partial.message, /lacks "b"/);
    const extra = await rejects(pool.updateCell(t('pk2'), { a: '1', b: 'b', v: 'v' }, 'v', 'w', 'v'));
    assert.match(extra.message, /"v" is not part of the row identity/);
    const unknown = await rejects(pool.updateCell(t('pk2'), { a: '1', b: 'b' }, 'nope', 'w', 'v'));
    assert.equal(unknown.code, '42703');
    assert.deepEqual((await read(`SELECT v FROM ${S}.pk2`)).rows, [['v']]);
  });
});

describe('editability of a result (for the grid)', () => {
  before(async () => {
    await setup(`
      CREATE TABLE ${S}.res (id int PRIMARY KEY, name text, twice int GENERATED ALWAYS AS (id * 2) STORED,
                             serial int GENERATED ALWAYS AS IDENTITY);
      INSERT INTO ${S}.res (id, name) VALUES (1, 'one');
      CREATE TABLE ${S}.other (id int PRIMARY KEY, res_id int);
      INSERT INTO ${S}.other VALUES (10, 1);
      CREATE VIEW ${S}.res_view AS SELECT id, name FROM ${S}.res;
    `);
  });

  async function of(sql: string) {
    const outcome = await pool.execute('grid', sql);
    assert.equal(outcome.kind, 'rows');
    return pool.editabilityOfResult((outcome as Extract<ExecutionOutcome, { kind: 'rows' }>).cursor.columns);
  }

  test('one table with its key selected: editable, with key indexes and per-column writability', async () => {
    const result = await of(`SELECT name, twice, serial, id FROM ${S}.res`);
    assert.deepEqual(result, {
      editable: true,
      target: { schema: S, table: 'res' },
      key: ['id'],
      keyIndexes: [3],
      columns: [
        { column: 'name', writable: true },
        { column: 'twice', writable: false, reason: '"twice" is a generated column: the server computes it.' },
        { column: 'serial', writable: false, reason: '"serial" is an identity column (GENERATED ALWAYS): the server assigns it.' },
        { column: 'id', writable: true },
      ],
    });
  });

  test('an aliased column still maps to its table column', async () => {
    const result = await of(`SELECT id AS "Key", name AS label FROM ${S}.res`);
    assert.equal(result.editable, true);
    assert.deepEqual((result as { columns: { column: string }[] }).columns.map((c) => c.column), ['id', 'name']);
  });

  test('a system column (ctid) is shown but never written, and is no row identity', async () => {
    const result = await of(`SELECT ctid, id, name FROM ${S}.res`);
    assert.equal(result.editable, true);
    const editable = result as Extract<typeof result, { editable: true }>;
    assert.deepEqual(editable.columns[0], { column: 'ctid', writable: false, reason: '"ctid" is a system column.' });
    assert.deepEqual(editable.keyIndexes, [1]);
  });

  test('read-only results say why', async () => {
    const cases: [string, RegExp][] = [
      [`SELECT name FROM ${S}.res`, /does not include "id"/],
      [`SELECT id, upper(name) FROM ${S}.res`, /"upper" is computed/],
      [`SELECT r.id, o.id FROM ${S}.res r JOIN ${S}.other o ON o.res_id = r.id`, /several tables \("edit"\."res", "edit"\."other"\)|several tables \("edit"\."other", "edit"\."res"\)/],
      [`SELECT * FROM ${S}.res_view`, /is a view/],
      [`SELECT a.id, a.name, b.name FROM ${S}.res a JOIN ${S}.res b ON b.id = a.id + 1`, /"name" of "edit"\."res" appears more than once .*self-join/],
      [`SELECT 1 AS one`, /"one" is computed/],
    ];
    for (const [sql, reason] of cases) {
      const result = await of(sql);
      assert.equal(result.editable, false, sql);
      assert.match((result as { reason: string }).reason, reason, sql);
    }
  });
});

// -------------------------------------------------------------------------------------------------

describe('cell updates and conflict detection', () => {
  before(async () => {
    await setup(`
      CREATE TABLE ${S}.people (id bigint PRIMARY KEY, name text, score numeric, doc json, x xml, p point, at timestamptz, tags int[]);
      INSERT INTO ${S}.people VALUES
        (9007199254740993, 'Ann', 1.0, '{"a":1}', '<a>1</a>', '(1,2)', '2024-01-01 12:00:00+00', '{1,2}'),
        (2, 'Bob', 2, '[1, 2]', '<b/>', '(0,0)', '2024-06-01 00:00:00+00', '{}');
    `);
  });

  const people = t('people');
  const ann = { id: '9007199254740993' };

  test('an update with the value last seen writes and returns the row as stored', async () => {
    const outcome = await pool.updateCell(people, ann, 'name', 'Anna', 'Ann');
    assert.equal(outcome.kind, 'updated');
    assert.equal((outcome as { row: RowValues }).row.name, 'Anna');
    assert.equal((outcome as { row: RowValues }).row.id, '9007199254740993');
    assert.deepEqual((await read(`SELECT name FROM ${S}.people WHERE id = 9007199254740993`)).rows, [['Anna']]);
  });

  test('an update whose expected value is stale is a conflict with the current value, and writes nothing', async () => {
    const outcome = await pool.updateCell(people, ann, 'name', 'Zed', 'Ann');
    assert.deepEqual(outcome, { kind: 'conflict', column: 'name', expected: 'Ann', current: 'Anna' });
    assert.deepEqual((await read(`SELECT name FROM ${S}.people WHERE id = 9007199254740993`)).rows, [['Anna']]);
  });

  test('a row that is gone is notFound', async () => {
    assert.deepEqual(await pool.updateCell(people, { id: '9007199254740992' }, 'name', 'x', 'Ann'), { kind: 'notFound' });
    assert.deepEqual(await pool.updateCell(people, { id: null }, 'name', 'x', 'Ann'), { kind: 'notFound' });
  });

  test('NULL, the empty string and the string "NULL" are three different values', async () => {
    let outcome = await pool.updateCell(people, { id: '2' }, 'name', null, 'Bob');
    assert.equal(outcome.kind, 'updated');
    assert.deepEqual(await pool.updateCell(people, { id: '2' }, 'name', 'x', ''), { kind: 'conflict', column: 'name', expected: '', current: null });
    assert.deepEqual(await pool.updateCell(people, { id: '2' }, 'name', 'x', 'NULL'), { kind: 'conflict', column: 'name', expected: 'NULL', current: null });
    outcome = await pool.updateCell(people, { id: '2' }, 'name', '', null);
    assert.equal(outcome.kind, 'updated');
    assert.deepEqual(await pool.updateCell(people, { id: '2' }, 'name', 'x', null), { kind: 'conflict', column: 'name', expected: null, current: '' });
    outcome = await pool.updateCell(people, { id: '2' }, 'name', 'NULL', '');
    assert.equal(outcome.kind, 'updated');
    assert.deepEqual((await read(`SELECT name, name IS NULL FROM ${S}.people WHERE id = 2`)).rows, [['NULL', 'f']]);
    outcome = await pool.updateCell(people, { id: '2' }, 'name', 'Bob', 'NULL');
    assert.equal(outcome.kind, 'updated');
  });

  test('values are compared typed: numeric 1.0 equals 1.00, a timestamptz equals itself in any TimeZone, arrays by element', async () => {
    assert.equal((await pool.updateCell(people, ann, 'score', '2.5', '1.00')).kind, 'updated');
    assert.equal((await pool.updateCell(people, ann, 'at', '2025-01-01 00:00:00+00', '2024-01-01 17:30:00+05:30')).kind, 'updated');
    assert.equal((await pool.updateCell(people, ann, 'tags', '{3}', '{ 1 , 2 }')).kind, 'updated');
    const stale = await pool.updateCell(people, ann, 'score', '9', '2.6');
    assert.deepEqual(stale, { kind: 'conflict', column: 'score', expected: '2.6', current: '2.5' });
  });

  test('types without equality (json, xml, point) are compared as the server\'s text', async () => {
    // json keeps its input text: '{"a": 1}' is not what the user saw.
    assert.deepEqual(await pool.updateCell(people, ann, 'doc', '{}', '{"a": 1}'), { kind: 'conflict', column: 'doc', expected: '{"a": 1}', current: '{"a":1}' });
    assert.equal((await pool.updateCell(people, ann, 'doc', '{"b": [1, 2.50]}', '{"a":1}')).kind, 'updated');
    assert.deepEqual((await read(`SELECT doc FROM ${S}.people WHERE id = 9007199254740993`)).rows, [['{"b": [1, 2.50]}']]);
    assert.equal((await pool.updateCell(people, ann, 'x', '<c>"q"</c>', '<a>1</a>')).kind, 'updated');
    assert.equal((await pool.updateCell(people, ann, 'p', '(3.5,-4)', '(1,2)')).kind, 'updated');
    assert.equal((await pool.updateCell(people, ann, 'p', '(0,0)', '(1,2)')).kind, 'conflict');
  });

  test('another connection changes the row between read and update: conflict, its change kept', async () => {
    const shown = (await records(`SELECT * FROM ${S}.people WHERE id = 2`))[0];
    const other = await admin();
    await other.query(`UPDATE ${S}.people SET name = 'Bobby' WHERE id = 2`);
    const outcome = await pool.updateCell(people, { id: '2' }, 'name', 'Robert', shown.name);
    assert.deepEqual(outcome, { kind: 'conflict', column: 'name', expected: 'Bob', current: 'Bobby' });
    assert.deepEqual((await read(`SELECT name FROM ${S}.people WHERE id = 2`)).rows, [['Bobby']]);
  });

  test('a change committed while the edit waits for the row lock is seen: conflict, nothing overwritten', async () => {
    const editPool = await openPool('edit-lock-wait');
    const other = await admin();
    await other.query('BEGIN');
    await other.query(`UPDATE ${S}.people SET name = 'Theirs' WHERE id = 2`);
    const pending = editPool.updateCell(people, { id: '2' }, 'name', 'Mine', 'Bobby');
    await untilWaitingOnLock('edit-lock-wait');
    await other.query('COMMIT');
    assert.deepEqual(await pending, { kind: 'conflict', column: 'name', expected: 'Bobby', current: 'Theirs' });
    assert.deepEqual((await read(`SELECT name FROM ${S}.people WHERE id = 2`)).rows, [['Theirs']]);
  });

  test('a delete checks the values seen the same way, also when the change lands during the lock wait', async () => {
    await setup(`INSERT INTO ${S}.people (id, name, score) VALUES (3, 'Cy', 7), (4, 'Di', 8)`);
    const shown = (await records(`SELECT * FROM ${S}.people WHERE id = 3`))[0];
    const other = await admin();
    await other.query(`UPDATE ${S}.people SET score = 7.5 WHERE id = 3`);
    assert.deepEqual(await pool.deleteRow(people, { id: '3' }, shown), { kind: 'conflict', column: 'score', expected: '7', current: '7.5' });
    assert.deepEqual((await read(`SELECT name FROM ${S}.people WHERE id = 3`)).rows, [['Cy']]);

    const editPool = await openPool('delete-lock-wait');
    const seen = (await records(`SELECT * FROM ${S}.people WHERE id = 4`))[0];
    await other.query('BEGIN');
    await other.query(`UPDATE ${S}.people SET name = 'Dee' WHERE id = 4`);
    const pending = editPool.deleteRow(people, { id: '4' }, seen);
    await untilWaitingOnLock('delete-lock-wait');
    await other.query('COMMIT');
    assert.deepEqual(await pending, { kind: 'conflict', column: 'name', expected: 'Di', current: 'Dee' });
    assert.deepEqual((await read(`SELECT name FROM ${S}.people WHERE id = 4`)).rows, [['Dee']]);

    const fresh = (await records(`SELECT * FROM ${S}.people WHERE id = 4`))[0];
    const deleted = await pool.deleteRow(people, { id: '4' }, fresh);
    assert.deepEqual(deleted, { kind: 'updated', row: fresh });
    assert.deepEqual((await read(`SELECT count(*) FROM ${S}.people WHERE id = 4`)).rows, [['0']]);
    assert.deepEqual(await pool.deleteRow(people, { id: '4' }), { kind: 'notFound' });
  });

  test('a row held by a transaction left open is an error after lock_timeout, not a hang', async () => {
    const impatient = await PgPool.open(cluster.config({ applicationName: 'edit-impatient', startupSettings: { lock_timeout: '300ms' } }));
    pools.push(impatient);
    const other = await admin();
    await other.query('BEGIN');
    await other.query(`UPDATE ${S}.people SET name = 'Held' WHERE id = 2`);
    const error = await rejects(impatient.updateCell(people, { id: '2' }, 'name', 'Mine', 'Theirs'));
    assert.equal(error.code, '55P03');
    assert.match(error.message, /locked by another transaction that is still open/);
    assert.match(error.hint ?? '', /Commit or roll back the transaction/);
    await other.query('ROLLBACK');
    assert.deepEqual((await read(`SELECT name FROM ${S}.people WHERE id = 2`)).rows, [['Theirs']]);
  });

  test('edits run on a short lease of their own, not behind a tab\'s open cursor', async () => {
    await setup(`CREATE TABLE ${S}.many (id int PRIMARY KEY, v text); INSERT INTO ${S}.many SELECT g, 'v' || g FROM generate_series(1, 500) g`);
    const small = await openPool('edit-short-lease', { maxSize: 2, acquireTimeoutMs: 5_000 });
    const first = await small.execute('tab-a', `SELECT * FROM ${S}.many ORDER BY id`, { pageSize: 10 });
    assert.equal(first.kind, 'rows');
    assert.equal(small.sessionInfo('tab-a')?.cursorOpen, true);
    const outcome = await small.updateCell(t('many'), { id: '400' }, 'v', 'edited', 'v400');
    assert.equal(outcome.kind, 'updated');
    assert.equal(small.sessionInfo('tab-a')?.cursorOpen, true, 'the tab keeps its cursor');
    const next = await small.fetchPage('tab-a', 10);
    assert.deepEqual(next.rows[0], ['11', 'v11']);
    assert.deepEqual((await read(`SELECT v FROM ${S}.many WHERE id = 400`)).rows, [['edited']]);
  });
});

// -------------------------------------------------------------------------------------------------

describe('inserts, generated and identity columns', () => {
  before(async () => {
    await setup(`
      CREATE TABLE ${S}.gen (
        id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        n int GENERATED BY DEFAULT AS IDENTITY,
        price numeric NOT NULL,
        qty int DEFAULT 3,
        total numeric GENERATED ALWAYS AS (price * qty) STORED,
        note text DEFAULT 'none'
      );
    `);
  });

  const gen = t('gen');

  test('defaults are used when asked and the stored row comes back', async () => {
    const { row } = await pool.insertRow(gen, [{ column: 'price', value: '2.50' }, { column: 'qty', useDefault: true }, { column: 'id', useDefault: true }]);
    assert.deepEqual(row, { id: '1', n: '1', price: '2.50', qty: '3', total: '7.50', note: 'none' });
    const explicit = await pool.insertRow(gen, [{ column: 'price', value: '1' }, { column: 'n', value: '42' }, { column: 'note', value: null }]);
    assert.deepEqual(explicit.row, { id: '2', n: '42', price: '1', qty: '3', total: '3', note: null });
  });

  test('generated and identity ALWAYS columns are never written', async () => {
    const intoIdentity = await rejects(pool.insertRow(gen, [{ column: 'id', value: '100' }, { column: 'price', value: '1' }]));
    assert.equal(intoIdentity.code, '428C9');
    assert.equal(intoIdentity.column, 'id');
    assert.match(intoIdentity.message, /"id" is an identity column \(GENERATED ALWAYS\)/);
    const intoGenerated = await rejects(pool.updateCell(gen, { id: '1' }, 'total', '0', '7.50'));
    assert.equal(intoGenerated.code, '428C9');
    assert.match(intoGenerated.message, /"total" is a generated column/);
    const updateIdentity = await rejects(pool.updateCell(gen, { id: '1' }, 'id', '5', '1'));
    assert.match(updateIdentity.message, /"id" is an identity column/);
    assert.deepEqual((await read(`SELECT id, total FROM ${S}.gen ORDER BY id`)).rows, [['1', '7.50'], ['2', '3']]);
  });

  test('a generated column follows an update of its inputs', async () => {
    const outcome = await pool.updateCell(gen, { id: '1' }, 'qty', '4', '3');
    assert.equal(outcome.kind, 'updated');
    assert.equal((outcome as { row: RowValues }).row.total, '10.00');
  });

  test('a value too long for varchar(n) is an error, never silently cut', async () => {
    await setup(`CREATE TABLE ${S}.short (id int PRIMARY KEY, code varchar(3), flag char(2)); INSERT INTO ${S}.short VALUES (1, 'abc', 'xy')`);
    const error = await rejects(pool.updateCell(t('short'), { id: '1' }, 'code', 'abcdef', 'abc'));
    assert.equal(error.code, '22001');
    const error2 = await rejects(pool.insertRow(t('short'), [{ column: 'id', value: '2' }, { column: 'flag', value: 'xyz' }]));
    assert.equal(error2.code, '22001');
    assert.deepEqual((await read(`SELECT * FROM ${S}.short`)).rows, [['1', 'abc', 'xy']]);
  });
});

// -------------------------------------------------------------------------------------------------

describe('server errors and all-or-nothing batches', () => {
  before(async () => {
    await setup(`
      CREATE TABLE ${S}.acct (id int PRIMARY KEY, email text UNIQUE, balance numeric CONSTRAINT balance_nonneg CHECK (balance >= 0), owner text);
      INSERT INTO ${S}.acct VALUES (1, 'a@x', 10, 'alice'), (2, 'b@x', 20, 'bob'), (3, 'c@x', 30, 'alice');
      CREATE TABLE ${S}.orders (id int PRIMARY KEY, acct int NOT NULL REFERENCES ${S}.acct (id));
      CREATE FUNCTION ${S}.no_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.owner = 'frozen' THEN
          RAISE EXCEPTION 'account % is frozen', NEW.id USING DETAIL = 'Frozen accounts cannot be edited.', HINT = 'Unfreeze it first.';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER no_frozen BEFORE UPDATE ON ${S}.acct FOR EACH ROW EXECUTE FUNCTION ${S}.no_frozen();
    `);
  });

  const acct = t('acct');
  const snapshot = () => read(`SELECT * FROM ${S}.acct ORDER BY id`);

  test('constraint violations come back as PgError with constraint and detail', async () => {
    const before = await snapshot();
    const check = await rejects(pool.updateCell(acct, { id: '1' }, 'balance', '-1', '10'));
    assert.equal(check.kind, 'query');
    assert.equal(check.code, '23514');
    assert.equal(check.constraint, 'balance_nonneg');
    const unique = await rejects(pool.updateCell(acct, { id: '1' }, 'email', 'b@x', 'a@x'));
    assert.equal(unique.code, '23505');
    assert.equal(unique.constraint, 'acct_email_key');
    assert.equal(unique.detail, 'Key (email)=(b@x) already exists.');
    const fk = await rejects(pool.insertRow(t('orders'), [{ column: 'id', value: '1' }, { column: 'acct', value: '99' }]));
    assert.equal(fk.code, '23503');
    assert.equal(fk.constraint, 'orders_acct_fkey');
    assert.match(fk.detail ?? '', /Key \(acct\)=\(99\) is not present/);
    const notNull = await rejects(pool.insertRow(t('orders'), [{ column: 'id', value: '2' }, { column: 'acct', value: null }]));
    assert.equal(notNull.code, '23502');
    assert.equal(notNull.column, 'acct');
    const trigger = await rejects(pool.updateCell(acct, { id: '2' }, 'owner', 'frozen', 'bob'));
    assert.equal(trigger.message, 'account 2 is frozen');
    assert.equal(trigger.detail, 'Frozen accounts cannot be edited.');
    assert.equal(trigger.hint, 'Unfreeze it first.');
    assert.deepEqual(await snapshot(), before);
  });

  test('a batch applies in one transaction', async () => {
    const outcome = await pool.applyChanges(acct, [
      { kind: 'update', key: { id: '1' }, column: 'balance', value: '15', expected: '10' },
      { kind: 'insert', columns: [{ column: 'id', value: '4' }, { column: 'email', value: 'd@x' }, { column: 'balance', value: '0' }] },
      { kind: 'delete', key: { id: '4' }, expected: { email: 'd@x' } },
      { kind: 'update', key: { id: '1' }, column: 'balance', value: '10', expected: '15.0' },
    ]);
    assert.equal(outcome.kind, 'applied');
    const results = (outcome as { results: unknown[] }).results;
    assert.deepEqual(results[1], { row: { id: '4', email: 'd@x', balance: '0', owner: null } });
    assert.deepEqual(results[2], { kind: 'updated', row: { id: '4', email: 'd@x', balance: '0', owner: null } });
    assert.deepEqual((await read(`SELECT id, balance FROM ${S}.acct ORDER BY id`)).rows, [['1', '10'], ['2', '20'], ['3', '30']]);
  });

  test('a batch whose third change fails leaves every row as it was', async () => {
    const before = await snapshot();
    const error = await rejects(
      pool.applyChanges(acct, [
        { kind: 'update', key: { id: '1' }, column: 'balance', value: '5', expected: '10' },
        { kind: 'insert', columns: [{ column: 'id', value: '5' }, { column: 'email', value: 'e@x' }, { column: 'balance', value: '1' }] },
        { kind: 'update', key: { id: '2' }, column: 'email', value: 'a@x', expected: 'b@x' },
        { kind: 'delete', key: { id: '3' } },
      ]),
    );
    assert.equal(error.code, '23505');
    assert.equal(error.constraint, 'acct_email_key');
    assert.match(error.message, /change 3 of 4; nothing was applied/);
    assert.deepEqual(await snapshot(), before);
  });

  test('a deferred constraint that fails at COMMIT rejects the batch, and nothing is applied', async () => {
    await setup(`
      CREATE TABLE ${S}.nodes (id int PRIMARY KEY, parent int REFERENCES ${S}.nodes (id) DEFERRABLE INITIALLY DEFERRED);
      INSERT INTO ${S}.nodes VALUES (1, NULL);
    `);
    const error = await rejects(
      pool.applyChanges(t('nodes'), [
        { kind: 'insert', columns: [{ column: 'id', value: '2' }, { column: 'parent', value: '3' }] },
        { kind: 'update', key: { id: '1' }, column: 'parent', value: '2', expected: null },
      ]),
    );
    assert.equal(error.code, '23503');
    assert.equal(error.constraint, 'nodes_parent_fkey');
    assert.deepEqual((await read(`SELECT * FROM ${S}.nodes`)).rows, [['1', null]]);
  });

  test('a conflict anywhere in a batch applies nothing and says which change', async () => {
    const before = await snapshot();
    const outcome = await pool.applyChanges(acct, [
      { kind: 'update', key: { id: '1' }, column: 'balance', value: '1', expected: '10' },
      { kind: 'delete', key: { id: '3' }, expected: { owner: 'alice', balance: '30.00' } },
      { kind: 'update', key: { id: '2' }, column: 'owner', value: 'x', expected: 'robert' },
    ]);
    assert.ok(outcome.kind === 'conflict');
    const { current, ...rest } = outcome;
    assert.deepEqual(rest, { kind: 'conflict', index: 2, outcome: { kind: 'conflict', column: 'owner', expected: 'robert', current: 'bob' } });
    assert.equal(current?.owner, 'bob', 'the conflict carries the row as it is on the server now');
    assert.equal(current?.id, '2');
    const gone = await pool.applyChanges(acct, [
      { kind: 'insert', columns: [{ column: 'id', value: '6' }] },
      { kind: 'update', key: { id: '77' }, column: 'owner', value: 'x', expected: null },
    ]);
    assert.deepEqual(gone, { kind: 'conflict', index: 1, outcome: { kind: 'notFound' }, current: null });
    assert.deepEqual(await snapshot(), before);
  });

  test('permission denied and row-level security come back as PgError, and nothing is applied', async () => {
    await setup(`
      CREATE ROLE viewer LOGIN PASSWORD 'viewer-pw';
      GRANT USAGE ON SCHEMA ${S} TO viewer;
      GRANT SELECT ON ${S}.acct TO viewer;
      CREATE ROLE alice LOGIN PASSWORD 'alice-pw';
      GRANT USAGE ON SCHEMA ${S} TO alice;
      GRANT SELECT, INSERT, UPDATE, DELETE ON ${S}.acct TO alice;
      ALTER TABLE ${S}.acct ENABLE ROW LEVEL SECURITY;
      CREATE POLICY own ON ${S}.acct USING (owner = current_user) WITH CHECK (owner = current_user);
      CREATE POLICY viewer_sees_all ON ${S}.acct FOR SELECT TO viewer USING (true);
    `);
    const before = await snapshot();
    const viewer = await openPool('edit-viewer', {}, { user: 'viewer', password: 'viewer-pw' });
    const denied = await rejects(viewer.updateCell(acct, { id: '1' }, 'balance', '0', '10'));
    assert.equal(denied.code, '42501');
    assert.match(denied.message, /permission denied for table acct/);

    const alice = await openPool('edit-alice', {}, { user: 'alice', password: 'alice-pw' });
    const escape = await rejects(alice.updateCell(acct, { id: '1' }, 'owner', 'bob', 'alice'));
    assert.equal(escape.code, '42501');
    assert.match(escape.message, /row-level security/);
    // Bob's row is invisible to alice: it is not there for her.
    assert.deepEqual(await alice.updateCell(acct, { id: '2' }, 'balance', '0', '20'), { kind: 'notFound' });
    const batch = await rejects(
      alice.applyChanges(acct, [
        { kind: 'update', key: { id: '1' }, column: 'balance', value: '11', expected: '10' },
        { kind: 'insert', columns: [{ column: 'id', value: '9' }, { column: 'owner', value: 'bob' }] },
      ]),
    );
    assert.equal(batch.code, '42501');
    assert.deepEqual(await snapshot(), before);
    // And what she may do, she can.
    assert.equal((await alice.updateCell(acct, { id: '1' }, 'balance', '11', '10')).kind, 'updated');
  });
});

// -------------------------------------------------------------------------------------------------

/** Sets a property as its own, also one named `__proto__` (plain assignment would set the prototype). */
function put(row: RowValues, name: string, value: string | null): void {
  Object.defineProperty(row, name, { value, enumerable: true, writable: true, configurable: true });
}

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

describe('round trip of values of every type through tricky identifiers', () => {
  const schema = 'My "Schema" ü';
  const table = 'Odd "Name" select 🐘';
  const target: TableRef = { schema, table };
  const q = `${quoteIdent(schema)}.${quoteIdent(table)}`;
  const rand = random(0x5eed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];

  const textAlphabet = ['a', 'Z', ' ', "'", '"', '\\', '\n', '\r\n', '\t', '🐘', 'ü', '😀', 'NULL', ',', '{', '}', '$$', '--', '%', '\u00a0'];
  const randomText = (): string => Array.from({ length: Math.floor(rand() * 12) }, () => pick(textAlphabet)).join('');
  const randomDigits = (n: number): string => {
    let s = String(1 + Math.floor(rand() * 9));
    for (let i = 1; i < n; i++) s += String(Math.floor(rand() * 10));
    return s;
  };
  const randomNumeric = (): string => {
    const sign = rand() < 0.3 ? '-' : '';
    const fraction = rand() < 0.6 ? `.${String(Math.floor(rand() * 1e6)).padStart(6, '0')}` : '';
    return `${sign}${randomDigits(1 + Math.floor(rand() * 30))}${fraction}`;
  };
  const randomBigint = (): string => {
    const n = BigInt.asIntN(64, (BigInt(Math.floor(rand() * 2 ** 32)) << 32n) | BigInt(Math.floor(rand() * 2 ** 32)));
    return n.toString();
  };
  const randomBytea = (): string =>
    `\\x${Array.from({ length: Math.floor(rand() * 8) }, () => Math.floor(rand() * 256).toString(16).padStart(2, '0')).join('')}`;

  /** Column name -> [SQL type, values generator]; every value is already in the server's output form. */
  const columns: [string, string, () => string][] = [
    ['select', 'bigint', () => pick([randomBigint(), '9007199254740993', '-9223372036854775808', '9223372036854775807'])],
    ['With Space', 'numeric', () => pick([randomNumeric(), '1.000', '0.000000000000000000000000000001', 'NaN'])],
    ['Ünï"code"', 'real', () => pick(['3.4028235e+38', '1.1754944e-38', '0.1', '-0', '1.5', 'Infinity', 'NaN'])],
    ['UPPER', 'double precision', () => pick(['0.1', '1e+300', '1.7976931348623157e+308', '5e-324', '-0', '3.141592653589793', '-Infinity'])],
    ['order', 'timestamp with time zone', () => pick(['2024-02-29 23:59:59.123456+05:45', '1999-12-31 18:15:00+05:45', 'infinity', '-infinity'])],
    ['user', 'date', () => pick(['2024-02-29', '0001-01-01 BC', '9999-12-31', 'infinity'])],
    ['a""b', 'interval', () => pick(['1 year 2 mons 3 days 04:05:06.789', '-3 days +01:00:00', '00:00:00', '178000000 years', '-00:00:00.000001'])],
    ['__proto__', 'uuid', () => pick(['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '00000000-0000-0000-0000-000000000000'])],
    ['emoji 🐘', 'bytea', randomBytea],
    ['json', 'json', () => pick(['{"a" : [1, 2.50, "x"]}', '"\\u00e9 \\" quote"', '[]', 'null', '{"k":"line\\nbreak"}'])],
    ['JSONB col', 'jsonb', () => pick(['{"b": 1, "aa": [1, 2.50, null]}', '"é 🐘"', '[]', 'null', '{"": ""}'])],
    ['int[]', 'integer[]', () => pick(['{1,NULL,-3}', '{}', '{{1,2},{3,4}}'])],
    ['text[]', 'text[]', () => pick(['{"a\\"b","c,d",NULL,"NULL",""}', '{ü,🐘,"a b","\\\\"}', '{}'])],
    ['mood', `${quoteIdent(schema)}."Mood ""x"""`, () => pick(['happy', 'so "so"', 'ünï 🐘'])],
    ['positive', `${quoteIdent(schema)}."pos num"`, () => pick(['1.50', '99999999999999999999.000001'])],
    ['text "col"', 'text', () => pick([randomText(), '', 'NULL', "O'Brien \\ \"quoted\"\nline 2 🐘"])],
    ['char', 'character(4)', () => pick(['ab  ', '🐘ü" ', '    '])],
    ['bit', 'bit(5)', () => pick(['10110', '00000'])],
    ['chars', 'character(2)[]', () => pick(['{"a ",xy}', '{}'])],
    ['varchar(6)', 'character varying(6)', () => pick(['', 'NULL', "'\\\n🐘"])],
    ['xml', 'xml', () => pick(['<a b="1">x &amp; y</a>', 'plain text'])],
    ['point', 'point', () => pick(['(1.5,-2)', '(0,0)'])],
  ];

  before(async () => {
    await setup(`
      CREATE SCHEMA ${quoteIdent(schema)};
      CREATE TYPE ${quoteIdent(schema)}."Mood ""x""" AS ENUM ('happy', 'so "so"', 'ünï 🐘');
      CREATE DOMAIN ${quoteIdent(schema)}."pos num" AS numeric CHECK (VALUE > 0);
      CREATE TABLE ${q} (
        "Key ""K""" text NOT NULL,
        "ORDER" bigint NOT NULL,
        ${columns.map(([name, type]) => `${quoteIdent(name)} ${type}`).join(',\n        ')},
        PRIMARY KEY ("Key ""K""", "ORDER")
      );
    `);
  });

  test('what is written is what the server then returns (insert, update, delete with expected values)', async () => {
    const session = 'round-trip';
    // The grid's session shows timestamptz in its own TimeZone; edits run elsewhere and must still match.
    await pool.execute(session, "SET TimeZone = 'Asia/Kathmandu'");
    assert.deepEqual(await pool.editability(target), { editable: true, key: ['Key "K"', 'ORDER'] });

    const rowCount = 12;
    const generated: RowValues[] = [];
    for (let i = 0; i < rowCount; i++) {
      const row: RowValues = { 'Key "K"': `${randomText()}#${i}`, ORDER: (9007199254740993n + BigInt(i)).toString() };
      for (const [name, , make] of columns) put(row, name, rand() < 0.15 ? null : make());
      generated.push(row);
    }
    const ordered = `SELECT * FROM ${q} ORDER BY "ORDER"`;
    const readBack = async (): Promise<RowValues[]> => {
      const { columns: names, rows } = await read(ordered, session);
      return rows.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]])));
    };

    const inserted = await pool.applyChanges(
      target,
      generated.map((row) => ({ kind: 'insert' as const, columns: Object.entries(row).map(([column, value]) => ({ column, value })) })),
    );
    assert.equal(inserted.kind, 'applied');
    for (const [i, result] of (inserted as { results: unknown[] }).results.entries()) {
      const stored = (result as { row: RowValues }).row;
      for (const [name, value] of Object.entries(generated[i])) {
        if (name !== 'order') assert.equal(stored[name], value, `insert returned ${name} of row ${i}`);
      }
    }
    assert.deepEqual(await readBack(), generated);
    const grid = await pool.execute(session, ordered);
    assert.equal(grid.kind, 'rows');
    const ofResult = await pool.editabilityOfResult((grid as Extract<ExecutionOutcome, { kind: 'rows' }>).cursor.columns);
    assert.equal(ofResult.editable, true, JSON.stringify(ofResult));
    assert.deepEqual((ofResult as Extract<typeof ofResult, { editable: true }>).target, target);
    assert.deepEqual((ofResult as Extract<typeof ofResult, { editable: true }>).keyIndexes, [0, 1]);

    // Every cell to a new value, expected = what the grid showed (timestamptz in Kathmandu time).
    const shown = await readBack();
    const updated = shown.map((row) => {
      const next: RowValues = { ...row };
      for (const [name, , make] of columns) put(next, name, rand() < 0.15 ? null : make());
      return next;
    });
    const changes = shown.flatMap((row, i) =>
      columns.map(([name]) => ({
        kind: 'update' as const,
        key: { 'Key "K"': row['Key "K"'], ORDER: row.ORDER },
        column: name,
        value: updated[i][name],
        expected: row[name],
      })),
    );
    const outcome = await pool.applyChanges(target, changes);
    assert.equal(outcome.kind, 'applied', JSON.stringify(outcome));
    assert.deepEqual(await readBack(), updated);

    // Key values change too: the key column itself is editable.
    const rekey = await pool.updateCell(target, { 'Key "K"': updated[0]['Key "K"'], ORDER: updated[0].ORDER }, 'Key "K"', 'new "key" 🐘', updated[0]['Key "K"']);
    assert.equal(rekey.kind, 'updated');
    updated[0]['Key "K"'] = 'new "key" 🐘';

    // Deletes that expect every column as shown: all match, all rows go.
    const deletes = (await readBack()).map((row) => ({ kind: 'delete' as const, key: { 'Key "K"': row['Key "K"'], ORDER: row.ORDER }, expected: row }));
    const deleted = await pool.applyChanges(target, deletes);
    assert.equal(deleted.kind, 'applied', JSON.stringify(deleted));
    for (const [i, result] of (deleted as { results: UpdateOutcome[] }).results.entries()) {
      assert.equal(result.kind, 'updated');
      assert.equal((result as { row: RowValues }).row.ORDER, updated[i].ORDER);
    }
    assert.deepEqual(await readBack(), []);
  });
});
