/**
 * The results panel's host-side work against a real server, without VS Code: streaming export
 * (COPY on a short lease, compared byte for byte with the server's own COPY), the grid's change
 * sets applied all or none with conflicts, and which result of a run can still be paged.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { to as copyTo } from 'pg-copy-streams';
import { MAX_NOTICES, PgPool } from '../../src/pool';
import type { ColumnMeta } from '../../src/pool';
import { applyGridChanges, checkEditability, planChanges } from '../../src/extension/results/edits';
import type { EditableResult } from '../../src/extension/results/edits';
import { startExport } from '../../src/extension/results/export';
import { decodeCopyText } from '../../src/pool/copy';
import { buildRunView } from '../../src/extension/results/run-view';
import { startCluster } from '../harness/cluster';
import type { Cluster } from '../harness/cluster';

let cluster: Cluster;
let pool: PgPool;
let dir: string;

before(async () => {
  cluster = await startCluster();
  await cluster.sql(`
    CREATE TABLE big (id bigint PRIMARY KEY, label text, amount numeric, note text, payload jsonb);
    INSERT INTO big SELECT g, 'row ' || g, (g * 1.5)::numeric,
      CASE WHEN g % 7 = 0 THEN NULL WHEN g % 5 = 0 THEN '' ELSE E'line\\nbreak, "quoted" \\\\ ' || g END,
      jsonb_build_object('g', g, 'big', 12345678901234567890::numeric + g)
    FROM generate_series(1, 100000) g;
    CREATE TABLE people (id int PRIMARY KEY, name text NOT NULL, email text, created timestamptz DEFAULT '2020-01-01 00:00:00+00');
    INSERT INTO people VALUES (1, 'alice', 'a@x'), (2, 'bob', NULL), (3, 'carol', '');
  `);
  pool = await PgPool.open(cluster.config({ applicationName: 'results-host-tests' }));
  dir = mkdtempSync(join(tmpdir(), 'pgx-results-'));
});

after(async () => {
  await pool?.close();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function serverCopy(sql: string): Promise<Buffer> {
  const client = await cluster.admin();
  try {
    const stream = client.query(copyTo(sql));
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  } finally {
    await client.end();
  }
}

describe('export', () => {
  test('CSV of the whole result equals the server COPY output, with progress', async () => {
    const file = join(dir, 'big.csv');
    const seen: number[] = [];
    const handle = startExport({ session: pool.session('export'), sql: 'SELECT * FROM big ORDER BY id;', format: 'csv', file, onProgress: (p) => seen.push(p.rows) });
    const result = await handle.done;
    const expected = await serverCopy('COPY (SELECT * FROM big ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER true)');
    assert.ok(readFileSync(file).equals(expected), 'the file is byte for byte the server COPY output');
    assert.equal(result.rows, 100_000);
    assert.equal(result.bytes, expected.length);
    assert.ok(seen.length > 1, 'progress was reported while streaming');
    assert.ok(seen.every((n, i) => i === 0 || n >= seen[i - 1]));
  });

  test('JSON is an array of the rows as the server renders them (big numbers keep their digits)', async () => {
    const file = join(dir, 'people.json');
    const result = await startExport({ session: pool.session('export'), sql: "SELECT id, name, email, 12345678901234567890.5 AS n, E'tab\\t\\\\' AS t FROM people ORDER BY id", format: 'json', file }).done;
    const text = readFileSync(file, 'utf8');
    assert.equal(result.rows, 3);
    assert.match(text, /"n":12345678901234567890\.5/);
    const rows = JSON.parse(text) as { id: number; name: string; email: string | null; t: string }[];
    assert.deepEqual(rows.map((r) => [r.id, r.name, r.email, r.t]), [
      [1, 'alice', 'a@x', 'tab\t\\'],
      [2, 'bob', null, 'tab\t\\'],
      [3, 'carol', '', 'tab\t\\'],
    ]);
    const empty = join(dir, 'empty.json');
    await startExport({ session: pool.session('export'), sql: 'SELECT 1 WHERE false', format: 'json', file: empty }).done;
    assert.deepEqual(JSON.parse(readFileSync(empty, 'utf8')), []);
  });

  test('cancel stops a long export and leaves an existing file as it was', async () => {
    const file = join(dir, 'slow.csv');
    writeFileSync(file, 'before\n');
    const handle = startExport({
      session: pool.session('export'),
      sql: 'SELECT g, pg_sleep(0.001) FROM generate_series(1, 1000000) g',
      format: 'csv',
      file,
      onProgress: (p) => {
        if (p.rows > 100) handle.cancel();
      },
    });
    await assert.rejects(handle.done, (err: { kind?: string }) => err.kind === 'cancelled');
    assert.equal(readFileSync(file, 'utf8'), 'before\n');
    assert.deepEqual(
      (await import('node:fs')).readdirSync(dir).filter((f) => f.endsWith('.part')),
      [],
      'no temporary file is left behind',
    );
  });

  test('export runs read-only: a data-modifying statement fails and writes nothing', async () => {
    const file = join(dir, 'write.csv');
    await assert.rejects(startExport({ session: pool.session('export'), sql: "INSERT INTO people VALUES (99, 'x') RETURNING *", format: 'csv', file }).done, /cannot be exported: exporting runs its statement again, and it is not a SELECT/);
    assert.equal(existsSync(file), false);
    assert.deepEqual(await cluster.sql('SELECT count(*)::int AS n FROM people WHERE id = 99'), [{ n: 0 }]);
  });

  test('export does not disturb the session cursor it exports', async () => {
    const outcome = await pool.execute('tab-1', 'SELECT id FROM big ORDER BY id');
    assert.equal(outcome.kind, 'rows');
    await startExport({ session: pool.session('export'), sql: 'SELECT id FROM big ORDER BY id', format: 'csv', file: join(dir, 'ids.csv') }).done;
    const page = await pool.fetchPage('tab-1', 10);
    assert.deepEqual(page.rows.map((r) => r[0]), ['101', '102', '103', '104', '105', '106', '107', '108', '109', '110']);
    await pool.releaseSession('tab-1');
  });

  test('an unwritable place fails at once, before anything is sent, and leaves no backend in a transaction', async () => {
    const session = pool.session('export-unwritable');
    for (const [file, why] of [
      [join(dir, 'no-such-folder', 'x.csv'), /the folder .*no-such-folder does not exist/],
      // sysfs refuses new files even to root: a folder that cannot be written to.
      [join('/sys', 'x.csv'), /the folder \/sys cannot be written to/],
    ] as const) {
      await assert.rejects(startExport({ session, sql: 'SELECT * FROM big', format: 'csv', file }).done, (err: Error) => {
        assert.match(err.message, why);
        assert.match(err.message, /nothing was sent to the server/);
        return true;
      });
    }
    assert.deepEqual(
      await cluster.sql("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'results-host-tests' AND state LIKE 'idle in transaction%'"),
      [{ n: 0 }],
    );
  });

  test('COPY text escapes decode', () => {
    assert.equal(decodeCopyText('a\\\\b\\tc\\nd\\015\\x41'), 'a\\b\tc\nd\rA');
  });
});

describe('grid change sets', () => {
  let editable: EditableResult;
  let columns: ColumnMeta[];

  before(async () => {
    const outcome = await pool.execute('people-tab', 'SELECT * FROM people ORDER BY id');
    assert.equal(outcome.kind, 'rows');
    if (outcome.kind !== 'rows') return;
    columns = outcome.cursor.columns;
    const checked = await checkEditability(pool.session('people-tab'), columns, false);
    assert.ok(checked.editable && checked.view.editable);
    editable = checked.editable;
    if (checked.view.editable) assert.deepEqual(checked.view.keyColumns, [0]);
    await pool.releaseSession('people-tab');
  });

  test('read-only profiles and computed results say why they cannot be edited', async () => {
    assert.deepEqual((await checkEditability(pool.session('people-tab'), columns, true)).view, { editable: false, reason: 'The connection profile is read-only.' });
    const computed = await pool.execute('q', 'SELECT id, upper(name) FROM people');
    if (computed.kind !== 'rows') throw new Error('rows expected');
    const view = (await checkEditability(pool.session('people-tab'), computed.cursor.columns, false)).view;
    assert.equal(view.editable, false);
    if (!view.editable) assert.match(view.reason, /computed/);
    await pool.releaseSession('q');
  });

  test('updates of several cells, an insert and a delete commit together', async () => {
    const outcome = await applyGridChanges(pool.session('edits'), editable, {
      keyColumns: [0],
      changes: [
        { kind: 'update', rowIndex: 0, key: ['1'], cells: [{ column: 0, old: '1', value: '10' }, { column: 2, old: 'a@x', value: null }] },
        { kind: 'delete', rowIndex: 1, key: ['2'], row: ['2', 'bob', null, '2020-01-01 00:00:00+00'] },
        { kind: 'insert', tempId: 1, cells: [{ column: 0, value: '4' }, { column: 1, value: 'dave' }, { column: 2, value: '' }] },
      ],
    });
    assert.equal(outcome.kind, 'applied');
    if (outcome.kind !== 'applied') return;
    assert.deepEqual([outcome.updated, outcome.inserted, outcome.deleted], [1, 1, 1]);
    assert.deepEqual(outcome.rows.map((r) => [r.changeIndex, r.row.slice(0, 3)]), [
      [0, ['10', 'alice', null]],
      [2, ['4', 'dave', '']],
    ]);
    assert.equal(outcome.rows[1].row[3], '2020-01-01 00:00:00+00', 'the default came back from the server');
    assert.deepEqual(await cluster.sql('SELECT id, name, email FROM people ORDER BY id'), [
      { id: 3, name: 'carol', email: '' },
      { id: 4, name: 'dave', email: '' },
      { id: 10, name: 'alice', email: null },
    ]);
  });

  test('a row changed by another connection is a conflict with its current values, and nothing is written', async () => {
    await cluster.sql("UPDATE people SET name = 'CAROL' WHERE id = 3");
    const outcome = await applyGridChanges(pool.session('edits'), editable, {
      keyColumns: [0],
      changes: [
        { kind: 'update', rowIndex: 0, key: ['10'], cells: [{ column: 1, old: 'alice', value: 'alicia' }] },
        { kind: 'update', rowIndex: 2, key: ['3'], cells: [{ column: 1, old: 'carol', value: 'caroline' }] },
      ],
    });
    assert.equal(outcome.kind, 'conflict');
    if (outcome.kind !== 'conflict') return;
    assert.equal(outcome.conflicts[0].changeIndex, 1);
    assert.equal(outcome.conflicts[0].rowIndex, 2);
    assert.deepEqual(outcome.conflicts[0].current?.slice(0, 3), ['3', 'CAROL', '']);
    assert.match(outcome.conflicts[0].message, /"name" changed on the server/);
    assert.deepEqual(await cluster.sql('SELECT name FROM people WHERE id = 10'), [{ name: 'alice' }], 'the first change was rolled back');
    // Keep mine: re-applied against the server's value.
    const again = await applyGridChanges(pool.session('edits'), editable, {
      keyColumns: [0],
      changes: [{ kind: 'update', rowIndex: 2, key: ['3'], cells: [{ column: 1, old: 'CAROL', value: 'caroline' }] }],
    });
    assert.equal(again.kind, 'applied');
    assert.deepEqual(await cluster.sql('SELECT name FROM people WHERE id = 3'), [{ name: 'caroline' }]);
  });

  test('a server error fails the whole set with its message', async () => {
    const outcome = await applyGridChanges(pool.session('edits'), editable, {
      keyColumns: [0],
      changes: [{ kind: 'insert', tempId: 1, cells: [{ column: 0, value: '3' }, { column: 1, value: 'dup' }] }],
    });
    assert.equal(outcome.kind, 'failed');
    if (outcome.kind === 'failed') assert.equal(outcome.error.code, '23505');
  });
});

describe('column names are data', () => {
  test('columns named constructor and __proto__ are edited and deleted with their conflict check', async () => {
    await cluster.sql(`CREATE TABLE protos (id int PRIMARY KEY, "constructor" text, "__proto__" text, "hasOwnProperty" text);
      INSERT INTO protos VALUES (1, 'c1', 'p1', 'h1'), (2, 'c2', 'p2', 'h2'), (3, 'c3', 'p3', 'h3')`);
    const session = pool.session('protos-tab');
    const outcome = await session.execute('SELECT * FROM protos ORDER BY id');
    if (outcome.kind !== 'rows') throw new Error('rows expected');
    const checked = await checkEditability(session, outcome.cursor.columns, false);
    assert.ok(checked.editable, 'the table is editable');
    const target = checked.editable;
    const applied = await applyGridChanges(session, target, {
      keyColumns: [0],
      changes: [
        { kind: 'update', rowIndex: 0, key: ['1'], cells: [{ column: 1, old: 'c1', value: 'C1' }, { column: 2, old: 'p1', value: 'P1' }] },
        { kind: 'delete', rowIndex: 1, key: ['2'], row: ['2', 'c2', 'p2', 'h2'] },
      ],
    });
    assert.equal(applied.kind, 'applied');
    if (applied.kind === 'applied') assert.deepEqual(applied.rows, [{ changeIndex: 0, row: ['1', 'C1', 'P1', 'h1'] }]);
    assert.deepEqual(await cluster.sql('SELECT id, "constructor", "__proto__" FROM protos ORDER BY id'), [
      { id: 1, constructor: 'C1', ['__proto__']: 'P1' },
      { id: 3, constructor: 'c3', ['__proto__']: 'p3' },
    ]);
    // The conflict check compares these columns too: a stale __proto__ is a conflict.
    await cluster.sql(`UPDATE protos SET "__proto__" = 'changed' WHERE id = 3`);
    const stale = await applyGridChanges(session, target, {
      keyColumns: [0],
      changes: [{ kind: 'delete', rowIndex: 2, key: ['3'], row: ['3', 'c3', 'p3', 'h3'] }],
    });
    assert.equal(stale.kind, 'conflict');
    if (stale.kind === 'conflict') {
      assert.match(stale.conflicts[0].message, /"__proto__" changed on the server/);
      assert.deepEqual(stale.conflicts[0].current, ['3', 'c3', 'changed', 'h3']);
    }
    assert.deepEqual(await cluster.sql('SELECT count(*)::int AS n FROM protos'), [{ n: 2 }], 'nothing was deleted');
    await session.release();
  });
});

describe('a refused commit names its cell', () => {
  test('an update, an insert value and a NOT NULL the server refused point at the grid cell', async () => {
    await cluster.sql(`CREATE TABLE docs (id int PRIMARY KEY, name text NOT NULL, doc json, n int);
      INSERT INTO docs VALUES (1, 'one', '{}', 1), (2, 'two', '[]', 2)`);
    const session = pool.session('docs-tab');
    const outcome = await session.execute('SELECT * FROM docs ORDER BY id');
    if (outcome.kind !== 'rows') throw new Error('rows expected');
    const target = (await checkEditability(session, outcome.cursor.columns, false)).editable;
    assert.ok(target, 'the table is editable');
    const commit = (changes: Parameters<typeof applyGridChanges>[2]['changes']) => applyGridChanges(session, target, { keyColumns: [0], changes });
    // The second grid change's second cell holds the JSON the server cannot read.
    const update = await commit([
      { kind: 'update', rowIndex: 0, key: ['1'], cells: [{ column: 3, old: '1', value: '10' }] },
      { kind: 'update', rowIndex: 1, key: ['2'], cells: [{ column: 3, old: '2', value: '20' }, { column: 2, old: '[]', value: '{"a": ' }] },
    ]);
    assert.equal(update.kind, 'failed');
    if (update.kind === 'failed') {
      assert.match(update.error.message, /invalid input syntax for type json/);
      assert.deepEqual([update.changeIndex, update.column], [1, 2]);
    }
    const insert = await commit([
      { kind: 'update', rowIndex: 0, key: ['1'], cells: [{ column: 3, old: '1', value: '10' }] },
      { kind: 'insert', tempId: 1, cells: [{ column: 0, value: '3' }, { column: 1, value: 'three' }, { column: 2, value: 'nope' }] },
    ]);
    assert.equal(insert.kind, 'failed');
    if (insert.kind === 'failed') assert.deepEqual([insert.changeIndex, insert.column], [1, 2], `the insert's doc (${insert.error.message})`);
    const notNull = await commit([{ kind: 'insert', tempId: 2, cells: [{ column: 0, value: '4' }, { column: 1, value: null }] }]);
    assert.equal(notNull.kind, 'failed');
    if (notNull.kind === 'failed') assert.deepEqual([notNull.changeIndex, notNull.column], [0, 1], `the insert's name (${notNull.error.message})`);
    assert.deepEqual(await cluster.sql('SELECT id, n FROM docs ORDER BY id'), [{ id: 1, n: 1 }, { id: 2, n: 2 }], 'nothing was written');
    await session.release();
  });
});

describe('planChanges', () => {
  test('several cells of a row become several updates, key columns last, the key following them', () => {
    const target = {
      editable: true as const,
      target: { schema: 's', table: 't' },
      key: ['a', 'b'],
      keyIndexes: [0, 1],
      columns: [{ column: 'a', writable: true }, { column: 'b', writable: true }, { column: 'c', writable: true }],
    };
    const plan = planChanges(target, {
      keyColumns: [0, 1],
      changes: [
        { kind: 'update', rowIndex: 4, key: ['1', 'x'], cells: [{ column: 0, old: '1', value: '2' }, { column: 1, old: 'x', value: 'y' }, { column: 2, old: null, value: 'c' }] },
        { kind: 'delete', rowIndex: 5, key: ['3', 'z'], row: ['3', 'z', null] },
      ],
    });
    assert.deepEqual(plan.changes, [
      { kind: 'update', key: { a: '1', b: 'x' }, column: 'c', value: 'c', expected: null },
      { kind: 'update', key: { a: '1', b: 'x' }, column: 'a', value: '2', expected: '1' },
      { kind: 'update', key: { a: '2', b: 'x' }, column: 'b', value: 'y', expected: 'x' },
      { kind: 'delete', key: { a: '3', b: 'z' }, expected: { a: '3', b: 'z', c: null } },
    ]);
    assert.deepEqual(plan.origin, [0, 0, 0, 1]);
  });
});

describe('run view', () => {
  test('a flood of notices reaches the webview bounded, with a count of the rest', async () => {
    const session = pool.session('notice-flood');
    const outcome = await session.execute(`DO $$ BEGIN FOR i IN 1..5000 LOOP RAISE NOTICE 'n%', i; END LOOP; END $$`);
    const built = buildRunView('r0', { title: 't', readOnly: false, maxRowsInGrid: 1000, cursorOpen: false }, [{ sql: 'DO ...', offset: 0, outcome }]);
    const statement = built.view.statements[0];
    assert.equal(statement.notices.length, MAX_NOTICES);
    assert.equal(statement.noticesDropped, 5000 - MAX_NOTICES);
    assert.ok(JSON.stringify(built.view).length < 50_000, 'the message to the webview stays small');
    await session.release();
  });

  test('only the last statement that ran keeps a pageable cursor; earlier results say why not', async () => {
    const first = await pool.execute('run', 'SELECT g FROM generate_series(1, 500) g');
    const second = await pool.execute('run', 'SELECT g, g * 2 AS twice FROM generate_series(1, 500) g');
    const info = pool.sessionInfo('run');
    const built = buildRunView('r1', { title: 't', readOnly: false, maxRowsInGrid: 1000, cursorOpen: info?.cursorOpen ?? false }, [
      { sql: 'SELECT g FROM generate_series(1, 500) g', offset: 0, outcome: first },
      { sql: 'SELECT g, g * 2 AS twice FROM generate_series(1, 500) g;', offset: 40, outcome: second },
    ]);
    assert.deepEqual(built.view.results.map((r) => r.pageable), [false, true]);
    assert.match(built.view.results[0].notPageableReason ?? '', /later statement/);
    assert.deepEqual([...built.pageable.keys()], [2]);
    assert.equal(built.view.results[1].firstPage.packed.count, 100);
    assert.deepEqual(built.view.results[1].columns.map((c) => [c.name, c.typeName]), [['g', 'integer'], ['twice', 'integer']]);
    await pool.releaseSession('run');
  });
});
