/**
 * The session handle (issue: one session handle, a sealed pool, results that act as the session
 * that made them), each behaviour against a real server: events instead of polling, edits and
 * export as the session (role, search_path, TimeZone, temp tables, row-level security by a
 * session setting), exports that fail cleanly, cancels that never reach another statement, and
 * notices that cannot flood the host.
 */
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { MAX_NOTICES, PgPool } from '../../src/pool';
import type { ExecutionOutcome, PageResult, PoolOptions, Session, SessionChange } from '../../src/pool';
import { startCluster } from '../harness/cluster';
import type { Cluster } from '../harness/cluster';
import { testPools } from '../harness/pools';
import { rejectsWith, settle, until } from '../harness/expect';

let cluster: Cluster;
const pools = testPools(() => cluster);

before(async () => {
  cluster = await startCluster();
  await cluster.sql(`
    CREATE ROLE viewer NOLOGIN;
    CREATE SEQUENCE counter;
    CREATE ROLE tenant_user NOLOGIN;
    CREATE TABLE items (id int PRIMARY KEY, label text, at timestamptz);
    INSERT INTO items VALUES (1, 'one', '2024-01-01 00:00:00+00'), (2, 'two', NULL);
    GRANT SELECT ON items TO viewer;
    CREATE SCHEMA s2;
    CREATE TABLE public.t (v text);
    CREATE TABLE s2.t (v text);
    INSERT INTO public.t VALUES ('public row');
    INSERT INTO s2.t VALUES ('s2 row 1'), ('s2 row 2');
    CREATE TABLE tenant_rows (id int PRIMARY KEY, tenant text NOT NULL, note text);
    INSERT INTO tenant_rows VALUES (1, 'a', 'of a'), (2, 'b', 'of b'), (3, 'a', 'also of a');
    ALTER TABLE tenant_rows ENABLE ROW LEVEL SECURITY;
    CREATE POLICY by_tenant ON tenant_rows USING (tenant = current_setting('app.tenant', true));
    GRANT SELECT, UPDATE ON tenant_rows TO tenant_user;
  `);
});

after(async () => {
  await pools.closeAll();
  await cluster.stop();
});

const openPool = (name: string, options: PoolOptions = {}): Promise<PgPool> => pools.open(name, options);

function rows(outcome: ExecutionOutcome): PageResult {
  assert.equal(outcome.kind, 'rows', `expected rows, got ${outcome.kind}`);
  return (outcome as Extract<ExecutionOutcome, { kind: 'rows' }>).page;
}

/** Collects what a session reports. */
function record(session: Session): SessionChange[] {
  const seen: SessionChange[] = [];
  session.onDidChange((c) => seen.push(c));
  return seen;
}

/** A Writable that keeps what it is given, or fails after `failAfter` bytes. */
function sink(failAfter = Infinity): Writable & { text(): string } {
  const chunks: Buffer[] = [];
  let bytes = 0;
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > failAfter) return callback(Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' }));
      chunks.push(chunk);
      callback();
    },
  });
  return Object.assign(stream, { text: () => Buffer.concat(chunks).toString('utf8') });
}

/** Backends of a pool (by application_name) that sit in a transaction or still run a COPY. */
async function stuckBackends(applicationName: string): Promise<unknown[]> {
  return cluster.sql(
    `SELECT pid, state, query FROM pg_stat_activity
     WHERE application_name = $1 AND (state LIKE 'idle in transaction%' OR query ILIKE 'COPY%' AND state = 'active')`,
    [applicationName],
  );
}

describe('events instead of polling', () => {
  test('busy and idle around every call; txStatus on BEGIN and COMMIT; released at the end', async () => {
    const pool = await openPool('events-basic');
    const session = pool.session('tab');
    assert.equal(pool.session('tab'), session, 'one handle per session id');
    const seen = record(session);
    await session.execute('SELECT 1');
    await session.execute('BEGIN');
    assert.equal(session.info().txStatus, 'inTransaction');
    await session.execute('COMMIT');
    await session.release();
    assert.deepEqual(
      seen.map((c) => c.change),
      ['busy', 'idle', 'busy', 'idle', 'txStatus', 'busy', 'idle', 'txStatus', 'released'],
    );
    const tx = seen.filter((c) => c.change === 'txStatus').map((c) => c.info.txStatus);
    assert.deepEqual(tx, ['inTransaction', 'idle']);
    assert.equal(seen[0].info.busy, true);
    assert.equal(seen[1].info.busy, false);
  });

  test('a transaction that ends says how: committed, rolled back, or a failed one whose COMMIT rolled it back', async () => {
    const pool = await openPool('events-tx-ended');
    const session = pool.session('tab');
    const seen = record(session);
    await session.execute('BEGIN');
    await session.execute('COMMIT');
    await session.execute('BEGIN');
    await session.execute('ROLLBACK');
    await session.execute('BEGIN');
    await rejectsWith(session.execute('SELECT 1 / 0'), 'query');
    await session.execute('COMMIT');
    const ends = seen.filter((c) => c.change === 'txStatus').map((c) => `${c.info.txStatus}${c.ended ? ` ${c.ended}` : ''}`);
    assert.deepEqual(ends, ['inTransaction', 'idle committed', 'inTransaction', 'idle rolledBack', 'inTransaction', 'failed', 'idle rolledBack']);
    await session.release();
  });

  test('the idle-cursor timer tells the session why it closed the cursor', async () => {
    const pool = await openPool('events-idle-cursor', { cursorIdleTimeoutMs: 300 });
    const session = pool.session('tab');
    const seen = record(session);
    rows(await session.execute('SELECT g FROM generate_series(1, 1000) g'));
    assert.equal(session.info().cursorOpen, true);
    await until(() => seen.some((c) => c.change === 'cursorClosed'), 'a cursorClosed event');
    const closed = seen.find((c) => c.change === 'cursorClosed');
    assert.match(closed?.reason ?? '', /closed after 300 ms without a fetch/);
    assert.equal(closed?.info.cursorOpen, false);
    await rejectsWith(session.fetchPage(), 'noCursor', /without a fetch/);
  });

  test('a backend terminated while the session is idle is reported at once, and its next call says so', async () => {
    const pool = await openPool('events-lost');
    const session = pool.session('tab');
    const seen = record(session);
    await session.execute('BEGIN');
    const pid = session.info().backendPid;
    await cluster.sql('SELECT pg_terminate_backend($1)', [pid]);
    await until(() => seen.some((c) => c.change === 'connectionLost'), 'a connectionLost event');
    assert.equal(seen.find((c) => c.change === 'connectionLost')?.info.connected, false);
    await rejectsWith(session.execute('SELECT 1'), 'connectionLost');
    rows(await session.execute('SELECT 1'));
  });

  test("a backend terminated during the extension's own background read: the user's next call still says the connection was lost", async () => {
    const pool = await openPool('events-lost-background');
    const session = pool.session('tab');
    const seen = record(session);
    await session.execute("SET application_name = 'lost in the background'");
    const pid = session.info().backendPid;
    const read = settle(session.execute('SELECT pg_sleep(30)', { background: true }));
    await until(async () => (await cluster.sql("SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active'", [pid])).length === 1, 'the background read running');
    await cluster.sql('SELECT pg_terminate_backend($1)', [pid]);
    await rejectsWith(read, 'connectionLost');
    assert.ok(seen.some((c) => c.change === 'connectionLost'), 'a connectionLost event');
    // Not quietly on a new connection: the SET (and a transaction, temp tables) died with the backend.
    await rejectsWith(session.execute('SELECT 1'), 'connectionLost');
    rows(await session.execute('SELECT 1'));
  });
});

describe('edits act as the session that produced the result', () => {
  test('after SET ROLE viewer (SELECT only) the result is read-only and a write is refused by the server', async () => {
    const pool = await openPool('as-role');
    const session = pool.session('tab');
    await session.execute('SET ROLE viewer');
    const outcome = await session.execute('SELECT id, label FROM items ORDER BY id');
    if (outcome.kind !== 'rows') throw new Error('rows expected');
    const e = await session.editabilityOfResult(outcome.cursor.columns);
    assert.equal(e.editable, false);
    if (!e.editable) assert.match(e.reason, /Role "viewer" may only read "public"."items"/);
    // The login role (a superuser) could write; the session's role cannot.
    const asLogin = await pool.editabilityOfResult(outcome.cursor.columns);
    assert.equal(asLogin.editable, true);
    await rejectsWith(
      session.applyChanges({ schema: 'public', table: 'items' }, [{ kind: 'update', key: { id: '1' }, column: 'label', value: 'uno', expected: 'one' }]),
      'query',
      /permission denied/,
    );
    assert.deepEqual(await cluster.sql('SELECT label FROM items WHERE id = 1'), [{ label: 'one' }]);
  });

  test("a timestamptz typed without an offset means the tab's TimeZone", async () => {
    const pool = await openPool('as-timezone');
    const session = pool.session('tab');
    await session.execute("SET TimeZone = 'Asia/Tokyo'");
    rows(await session.execute('SELECT id, at FROM items ORDER BY id'));
    const outcome = await session.applyChanges({ schema: 'public', table: 'items' }, [
      { kind: 'update', key: { id: '2' }, column: 'at', value: '2024-06-01 09:00:00', expected: null },
    ]);
    assert.equal(outcome.kind, 'applied');
    if (outcome.kind === 'applied' && 'kind' in outcome.results[0] && outcome.results[0].kind === 'updated') {
      assert.equal(outcome.results[0].row.at, '2024-06-01 09:00:00+09', 'shown back in the tab zone');
    }
    const [{ utc }] = await cluster.sql<{ utc: string }>("SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS utc FROM items WHERE id = 2");
    assert.equal(utc, '2024-06-01 00:00');
  });

  test('row-level security driven by a session setting applies to edits', async () => {
    const pool = await openPool('as-rls');
    const session = pool.session('tab');
    await session.execute("SET app.tenant = 'a'");
    await session.execute('SET ROLE tenant_user');
    assert.deepEqual(rows(await session.execute('SELECT id FROM tenant_rows ORDER BY id')).rows, [['1'], ['3']]);
    const mine = await session.applyChanges({ schema: 'public', table: 'tenant_rows' }, [
      { kind: 'update', key: { id: '1' }, column: 'note', value: 'edited by a', expected: 'of a' },
    ]);
    assert.equal(mine.kind, 'applied');
    // Tenant b's row is invisible to this session: the edit finds no row, and nothing is written.
    const theirs = await session.applyChanges({ schema: 'public', table: 'tenant_rows' }, [
      { kind: 'update', key: { id: '2' }, column: 'note', value: 'hijacked', expected: 'of b' },
    ]);
    assert.equal(theirs.kind, 'conflict');
    if (theirs.kind === 'conflict') {
      assert.equal(theirs.outcome.kind, 'notFound');
      assert.equal(theirs.current, null);
    }
    assert.deepEqual(await cluster.sql('SELECT id, note FROM tenant_rows ORDER BY id'), [
      { id: 1, note: 'edited by a' },
      { id: 2, note: 'of b' },
      { id: 3, note: 'also of a' },
    ]);
  });

  test('a conflict carries the row as it is on the server now', async () => {
    const pool = await openPool('as-conflict');
    const session = pool.session('tab');
    rows(await session.execute('SELECT * FROM items ORDER BY id'));
    await cluster.sql("UPDATE items SET label = 'ONE' WHERE id = 1");
    const outcome = await session.applyChanges({ schema: 'public', table: 'items' }, [
      { kind: 'update', key: { id: '1' }, column: 'label', value: 'uno', expected: 'one' },
    ]);
    assert.equal(outcome.kind, 'conflict');
    if (outcome.kind === 'conflict') assert.deepEqual(outcome.current, { id: '1', label: 'ONE', at: '2024-01-01 00:00:00+00' });
    await cluster.sql("UPDATE items SET label = 'one' WHERE id = 1");
  });
});

describe('export acts as the session that produced the result', () => {
  test("after SET search_path = s2, the export writes s2.t's rows", async () => {
    const pool = await openPool('export-search-path');
    const session = pool.session('tab');
    await session.execute('SET search_path = s2');
    rows(await session.execute('SELECT v FROM t'));
    const out = sink();
    const progress = await session.exportResult({ sql: 'SELECT v FROM t ORDER BY v', format: 'csv', destination: out });
    assert.equal(out.text(), 'v\ns2 row 1\ns2 row 2\n');
    assert.equal(progress.rows, 2);
    assert.equal(session.info().cursorOpen, false, 'the result was read to the end');
  });

  test('after SET ROLE viewer the export runs as viewer', async () => {
    const pool = await openPool('export-role');
    const session = pool.session('tab');
    await session.execute('SET ROLE viewer');
    const out = sink();
    await session.exportResult({ sql: 'SELECT current_user AS who, count(*) AS n FROM items', format: 'csv', destination: out });
    assert.equal(out.text(), 'who,n\nviewer,2\n');
    const refused = sink();
    await rejectsWith(session.exportResult({ sql: 'SELECT * FROM tenant_rows', format: 'csv', destination: refused }), 'query', /permission denied/);
  });

  test("a temp-table result is exported from the tab's own session; refused while its cursor is open", async () => {
    const pool = await openPool('export-temp');
    const session = pool.session('tab');
    await session.execute('CREATE TEMP TABLE scratch AS SELECT g AS n FROM generate_series(1, 500) g');
    rows(await session.execute('SELECT n FROM scratch ORDER BY n'));
    assert.equal(session.info().cursorOpen, true);
    await rejectsWith(
      session.exportResult({ sql: 'SELECT n FROM scratch ORDER BY n', format: 'csv', destination: sink() }),
      'query',
      /temporary tables, which only its own connection can see/,
    );
    await session.closeQuery();
    const out = sink();
    const progress = await session.exportResult({ sql: 'SELECT n FROM scratch ORDER BY n', format: 'csv', destination: out });
    assert.equal(progress.rows, 500);
    assert.ok(out.text().startsWith('n\n1\n2\n3\n'));
    // Inside the tab's own transaction: the export is read-only and leaves the transaction as it was.
    await session.execute('BEGIN');
    await session.execute('INSERT INTO scratch VALUES (501)');
    const inTx = sink();
    await session.exportResult({ sql: 'SELECT count(*) FROM scratch', format: 'csv', destination: inTx });
    assert.equal(inTx.text(), 'count\n501\n', 'it sees the uncommitted row');
    await rejectsWith(
      session.exportResult({ sql: "SELECT nextval('counter') FROM scratch", format: 'csv', destination: sink() }),
      'query',
      /read-only transaction/,
    );
    assert.equal(session.info().txStatus, 'inTransaction', "the tab's transaction goes on");
    assert.deepEqual(rows(await session.execute('SELECT count(*) FROM scratch')).rows, [['501']]);
    await session.execute('ROLLBACK');
  });

  test('only a plain SELECT / VALUES / TABLE is run again', async () => {
    const pool = await openPool('export-plain');
    const session = pool.session('tab');
    for (const [sql, why] of [
      ["INSERT INTO t VALUES ('x') RETURNING *", /not a SELECT/],
      ['WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d', /contains a DELETE/],
      ['SELECT * FROM t FOR UPDATE', /locks rows/],
      ['SELECT * INTO copy_of_t FROM t', /creates a table/],
      ['SELECT 1; SELECT 2', /2 statements/],
    ] as const) {
      await rejectsWith(session.exportResult({ sql, format: 'csv', destination: sink() }), 'query', why);
    }
    assert.deepEqual(await cluster.sql('SELECT count(*)::int AS n FROM public.t'), [{ n: 1 }]);
    for (const sql of ['VALUES (1), (2)', 'TABLE t', 'SELECT 1 UNION ALL SELECT 2', 'WITH x AS (SELECT 1) SELECT * FROM x']) {
      await session.exportResult({ sql, format: 'csv', destination: sink() });
    }
  });
});

describe('a failed export ends at once, with nothing left in a transaction', () => {
  test('a full disk (/dev/full) ends the export with a clear error and no backend in a transaction', async () => {
    const pool = await openPool('export-disk-full');
    const session = pool.session('tab');
    await rejectsWith(
      session.exportResult({ sql: 'SELECT g, repeat(\'x\', 100) FROM generate_series(1, 200000) g', format: 'csv', destination: createWriteStream('/dev/full') }),
      'query',
      /disk is full/,
    );
    await until(async () => (await stuckBackends('export-disk-full')).length === 0, 'no backend left in a transaction or COPY');
    rows(await session.execute('SELECT 1'));
  });

  test('a write error part-way and a cancel each end the export; the pool goes on', async () => {
    const pool = await openPool('export-midway', { maxSize: 1 });
    const session = pool.session('tab');
    const out = sink(64 * 1024);
    await rejectsWith(
      session.exportResult({ sql: 'SELECT g, repeat(\'y\', 100) FROM generate_series(1, 500000) g', format: 'json', destination: out }),
      'query',
      /writing the file failed \(EIO/,
    );
    await until(async () => (await stuckBackends('export-midway')).length === 0, 'no backend left in a transaction or COPY');
    const abort = new AbortController();
    const cancelled = session.exportResult({
      sql: 'SELECT g, pg_sleep(0.0005) FROM generate_series(1, 1000000) g',
      format: 'csv',
      destination: sink(),
      signal: abort.signal,
      onProgress: (p) => {
        if (p.rows > 50) abort.abort();
      },
    });
    await rejectsWith(cancelled, 'cancelled');
    await until(async () => (await stuckBackends('export-midway')).length === 0, 'no backend left after the cancel');
    // maxSize 1: the only connection was closed or cleaned, never left stuck.
    assert.deepEqual(rows(await session.execute('SELECT 42')).rows, [['42']]);
  });
});

describe('cancel never reaches another statement', () => {
  test('releasing a session while its statement runs cancels the statement', { timeout: 30_000 }, async () => {
    const pool = await openPool('release-running');
    const session = pool.session('tab');
    const running = session.execute('SELECT pg_sleep(60)');
    running.catch(() => undefined);
    await until(
      async () => (await cluster.sql("SELECT 1 FROM pg_stat_activity WHERE application_name = 'release-running' AND wait_event = 'PgSleep'")).length > 0,
      'the sleep running on the server',
    );
    await session.release();
    await rejectsWith(running, 'cancelled');
  });

  test('cancels racing completion, many rounds: the next session on the same connection is never cancelled', async () => {
    const pool = await openPool('cancel-race', { maxSize: 1 });
    for (let round = 0; round < 150; round++) {
      const a = pool.session(`a-${round}`);
      // Either way is fine for this statement: done, or cancelled.
      const running = a.execute(`SELECT pg_sleep(${(round % 5) * 0.0005})`).catch(() => undefined);
      // Fired while the statement runs or just as it ends: the race the pool must win.
      await new Promise((r) => setImmediate(r));
      await a.cancel().catch(() => false);
      await running;
      await a.release();
      const b = pool.session(`b-${round}`);
      const outcome = await b.execute('SELECT pg_sleep(0.002), 1');
      assert.deepEqual(rows(outcome).rows.map((r) => r[1]), ['1'], `round ${round}: the next statement ran`);
      await b.release();
    }
  });
});

describe('several results of a run stay pageable (keepOpen)', () => {
  test('three row statements around an UPDATE, each paged to its end, interleaved', async () => {
    const pool = await openPool('keep-open');
    const session = pool.session('tab');
    const a = await session.execute('SELECT g FROM generate_series(1, 2500) g', { keepOpen: true });
    await session.execute("UPDATE items SET label = label WHERE id = 1");
    const b = await session.execute('SELECT g * 2 AS twice FROM generate_series(1, 1200) g;', { keepOpen: true });
    const c = await session.execute('VALUES (1), (2), (3)', { keepOpen: true });
    assert.ok(a.kind === 'rows' && b.kind === 'rows' && c.kind === 'rows');
    assert.ok(a.cursor.name && b.cursor.name, 'the unfinished results are named cursors');
    assert.equal(c.cursor.name, undefined, 'a result that fit its first page holds nothing');
    assert.equal(c.page.done, true);
    assert.deepEqual(session.info().openCursors.sort(), [a.cursor.name, b.cursor.name].sort());
    const seen = new Map<string, string[]>([[a.cursor.name, a.page.rows.map((r) => r[0] ?? '')], [b.cursor.name, b.page.rows.map((r) => r[0] ?? '')]]);
    const open = new Set([a.cursor.name, b.cursor.name]);
    while (open.size > 0) {
      for (const name of [...open]) {
        const page = await session.fetchPage(700, name);
        seen.get(name)?.push(...page.rows.map((r) => r[0] ?? ''));
        if (page.done) open.delete(name);
      }
    }
    assert.deepEqual(seen.get(a.cursor.name), Array.from({ length: 2500 }, (_, i) => String(i + 1)));
    assert.deepEqual(seen.get(b.cursor.name), Array.from({ length: 1200 }, (_, i) => String((i + 1) * 2)));
    assert.deepEqual(session.info().openCursors, []);
    await rejectsWith(session.fetchPage(10, a.cursor.name), 'noCursor', /read to the end/);
    // WITH HOLD outside a transaction: nothing stays open on the server between pages.
    assert.equal(session.info().txStatus, 'idle');
  });

  test("inside the user's transaction the cursor ends with it; an error points into the user's statement", async () => {
    const pool = await openPool('keep-open-tx');
    const session = pool.session('tab');
    await session.execute('BEGIN');
    const a = await session.execute('SELECT g FROM generate_series(1, 500) g', { keepOpen: true });
    assert.ok(a.kind === 'rows' && a.cursor.name);
    assert.equal((await session.fetchPage(100, a.cursor.name)).rows[0][0], '101');
    await session.execute('COMMIT');
    assert.deepEqual(session.info().openCursors, []);
    await rejectsWith(session.fetchPage(100, a.cursor.name), 'noCursor', /transaction it was read in ended/);
    const error = await rejectsWith(session.execute('SELECT nosuch FROM items', { keepOpen: true }), 'query', /nosuch/);
    assert.equal(error.position, 8, 'the position is in the statement as the user wrote it');
  });

  test('closeQuery closes one named cursor and leaves the others', async () => {
    const pool = await openPool('keep-open-close');
    const session = pool.session('tab');
    const a = await session.execute('SELECT g FROM generate_series(1, 500) g', { keepOpen: true });
    const b = await session.execute('SELECT g FROM generate_series(1, 500) g', { keepOpen: true });
    assert.ok(a.kind === 'rows' && b.kind === 'rows' && a.cursor.name && b.cursor.name);
    await session.closeQuery(a.cursor.name);
    assert.deepEqual(session.info().openCursors, [b.cursor.name]);
    await rejectsWith(session.fetchPage(10, a.cursor.name), 'noCursor', /you closed it/);
    assert.equal((await session.fetchPage(10, b.cursor.name)).rows[0][0], '101');
    await session.release();
    assert.deepEqual(
      await cluster.sql("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'keep-open-close' AND state <> 'idle'"),
      [{ n: 0 }],
    );
  });
});

describe('notices are bounded', () => {
  test('a DO block raising 1,000,000 notices: the first ones kept, the rest counted, the host alive', async () => {
    const pool = await openPool('notices');
    const session = pool.session('tab');
    global.gc?.();
    const before = process.memoryUsage().rss;
    const outcome = await session.execute(`DO $$ BEGIN FOR i IN 1..1000000 LOOP RAISE NOTICE 'notice %', i; END LOOP; END $$`);
    const growth = process.memoryUsage().rss - before;
    assert.equal(outcome.kind, 'command');
    assert.equal(outcome.notices.length, MAX_NOTICES);
    assert.equal(outcome.notices[0], 'NOTICE: notice 1');
    assert.equal(outcome.noticesDropped, 1_000_000 - MAX_NOTICES);
    assert.ok(growth < 64 * 1024 * 1024, `RSS grew ${Math.round(growth / 1024 / 1024)} MB`);
    rows(await session.execute('SELECT 1'));
  });
});
