/**
 * Pages packed as the server's bytes (fetchPackedPage / fetchPackedAt), what the results grid
 * posts to its webview, against a real server: every value the same as the rows of strings other
 * callers get, NULL apart from '', text in any script, on every path a page comes by (the
 * session's portal, a named cursor of a multi-statement run, a scroll cursor read anywhere), and
 * node-postgres' own queries on the same connection untouched by the parser keeping bytes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Parser } from 'pg-protocol/dist/parser';
import { startCluster } from '../harness/cluster';
import type { Cluster } from '../harness/cluster';
import { testPools } from '../harness/pools';
import { unpackRows } from '../../src/shared/packed-rows';
import type { PackedRows } from '../../src/shared/packed-rows';

let cluster: Cluster;
const pools = testPools(() => cluster);

/** Values that differ as bytes and as UTF-16: multibyte, astral, empty, NULL, long, a NUL-free control char. */
const SAMPLE = `SELECT g AS id,
  CASE g % 5 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2 THEN 'é😀 ' || g WHEN 3 THEN repeat('x', 40 + g % 50) ELSE E'tab\\tline\\n' || g END AS label,
  (g * 1.5)::numeric(20,2) AS amount, '2026-12-02 10:00:00+00'::timestamptz + g * interval '1 second' AS at,
  (12345678901234567 + g)::bigint AS big
  FROM generate_series(1, 30000) g ORDER BY g`;

before(async () => {
  cluster = await startCluster();
  await cluster.sql('SET TIME ZONE UTC');
});

after(async () => {
  await pools.closeAll();
  await cluster?.stop();
});

/** The packed page as the webview will see it: a structured clone of what the host posts. */
function asReceived(rows: PackedRows): PackedRows {
  const clone = structuredClone(rows);
  assert.ok(clone.bytes instanceof Uint8Array && clone.ends instanceof Int32Array);
  // Exact-size buffers: postMessage sends a typed array's whole ArrayBuffer.
  assert.equal(rows.bytes.byteLength, rows.bytes.buffer.byteLength);
  assert.equal(rows.ends.byteLength, rows.ends.buffer.byteLength);
  return clone;
}

describe('packed pages', () => {
  test('the parser keeps DataRow bytes once the driver is loaded', async () => {
    const pool = await pools.open('packed-parser');
    await pool.execute('p', 'SELECT 1');
    assert.equal((Parser.prototype as unknown as { pgxKeepsBytes?: true }).pgxKeepsBytes, true);
  });

  test('the session cursor: packed pages hold the same values as rows of strings', async () => {
    const pool = await pools.open('packed-portal');
    const strings = await pool.execute('s', SAMPLE);
    const packed = await pool.execute('p', SAMPLE);
    assert.ok(strings.kind === 'rows' && packed.kind === 'rows');
    assert.deepEqual(packed.page.rows, strings.page.rows);
    let total = packed.page.rows.length;
    for (;;) {
      const a = await pool.fetchPage('s', 7_000);
      const b = await pool.fetchPackedPage('p', 7_000);
      assert.equal(b.count, a.rows.length);
      assert.equal(b.rowsSoFar, a.rowsSoFar);
      assert.equal(b.done, a.done);
      assert.deepEqual(unpackRows(asReceived(b.rows)), a.rows);
      total += b.count;
      if (a.done) break;
    }
    assert.equal(total, 30_000);
    const some = (await pool.execute('p', "SELECT NULL::text AS n, '' AS e, 'é😀' AS u")) ;
    assert.ok(some.kind === 'rows');
    assert.deepEqual(some.page.rows, [[null, '', 'é😀']]);
  });

  test('a scroll cursor read anywhere, and past its end', async () => {
    const pool = await pools.open('packed-scroll');
    const session = pool.session('tab');
    const outcome = await session.execute(SAMPLE, { scrollable: true });
    assert.ok(outcome.kind === 'rows' && outcome.cursor.name);
    const name = outcome.cursor.name;
    for (const [offset, count] of [[29_990, 50], [0, 3], [12_345, 10_000], [100, 1]] as const) {
      const a = await session.fetchAt(name, offset, count);
      const b = await session.fetchPackedAt(name, offset, count);
      assert.equal(b.count, a.rows.length, `rows at ${offset}`);
      assert.equal(b.done, a.done);
      assert.deepEqual(unpackRows(asReceived(b.rows)), a.rows, `values at ${offset}`);
    }
    const last = await session.fetchPackedAt(name, 29_990, 50);
    assert.equal(last.count, 10);
    assert.equal(last.done, true);
    assert.deepEqual(unpackRows(last.rows).map((r) => r[0]), Array.from({ length: 10 }, (_, i) => String(29_991 + i)));
    // Forward from where the grid stands, as Fetch all reads.
    const next = await session.fetchPackedPage(5, name);
    assert.ok(next.count <= 5);
    // node-postgres' own queries on the same connection still get strings.
    assert.deepEqual((await session.execute("SELECT 'é' AS v, NULL AS n")).kind, 'rows');
  });

  test('a packed read that fails on the server says why, and the session goes on', async () => {
    const pool = await pools.open('packed-error');
    const session = pool.session('tab');
    const outcome = await session.execute('SELECT g, 1 / (g - 5000) AS q FROM generate_series(1, 10000) g', { scrollable: true });
    assert.ok(outcome.kind === 'rows' && outcome.cursor.name);
    await assert.rejects(session.fetchPackedAt(outcome.cursor.name, 4_900, 1_000), /division by zero/);
    // The cursor went with its transaction; the wire is clean for the next statement.
    assert.equal(session.info().txStatus, 'idle');
    const next = await session.execute("SELECT 'after' AS v");
    assert.ok(next.kind === 'rows');
    assert.deepEqual(next.page.rows, [['after']]);
  });

  test('a named cursor of a multi-statement run', async () => {
    const pool = await pools.open('packed-declared');
    const session = pool.session('tab');
    const outcome = await session.execute(SAMPLE, { keepOpen: true });
    assert.ok(outcome.kind === 'rows' && outcome.cursor.name);
    const name = outcome.cursor.name;
    const reference = await pool.execute('ref', SAMPLE);
    assert.ok(reference.kind === 'rows');
    const all = [...reference.page.rows];
    for (let page = await pool.fetchPage('ref', 5_000); ; page = await pool.fetchPage('ref', 5_000)) {
      all.push(...page.rows);
      if (page.done) break;
    }
    let at = outcome.page.rows.length;
    for (;;) {
      const b = await session.fetchPackedPage(9_000, name);
      assert.deepEqual(unpackRows(b.rows), all.slice(at, at + b.count));
      at += b.count;
      assert.equal(b.rowsSoFar, at);
      if (b.done) break;
    }
    assert.equal(at, 30_000);
  });
});
