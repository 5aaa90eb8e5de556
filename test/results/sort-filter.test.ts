/**
 * Sorting and filtering on the server, host side: the wrapped query's text (quoting, parameters,
 * positions for duplicate names), which queries are wrapped and which refused (the server's own
 * parser), and the built SQL run on a real cluster through a session, values with quotes and
 * backslashes included.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PgPool } from '../../src/pool';
import type { ExecutionOutcome } from '../../src/pool';
import { runSortFilter, sortFilterBase } from '../../src/extension/results/sort-filter';
import { buildSortFilterQuery, composedRefusal, wrapRefusal } from '../../src/extension/results/sort-filter-sql';
import { EMPTY_SORT_FILTER } from '../../src/shared/sort-filter-model';
import type { SortFilterSpec } from '../../src/shared/sort-filter-model';
import { startCluster } from '../harness/cluster';
import type { Cluster } from '../harness/cluster';

const COLUMNS = [
  { name: 'id', typeName: 'integer' },
  { name: 'Odd "name"', typeName: 'text' },
  { name: 'amount', typeName: 'numeric' },
];

const spec = (s: Partial<SortFilterSpec>): SortFilterSpec => ({ ...EMPTY_SORT_FILTER, ...s });

describe('sort and filter SQL', () => {
  it('wraps the query unchanged, quotes names, and orders by them in the order given', () => {
    const built = buildSortFilterQuery('SELECT * FROM t;  ', COLUMNS, spec({ sort: [{ column: 1, direction: 'desc' }, { column: 0, direction: 'asc' }] }));
    assert.equal(built.sql, 'SELECT * FROM (\nSELECT * FROM t\n) AS q\nORDER BY "Odd ""name""" DESC, "id" ASC');
    assert.deepEqual(built.params, []);
  });

  it('orders by position when two output columns share a name', () => {
    const columns = [
      { name: 'id', typeName: 'integer' },
      { name: 'id', typeName: 'integer' },
    ];
    assert.match(buildSortFilterQuery('SELECT 1 AS id, 2 AS id', columns, spec({ sort: [{ column: 1, direction: 'asc' }] })).sql, /ORDER BY 2 ASC$/);
    assert.throws(() => buildSortFilterQuery('SELECT 1 AS id, 2 AS id', columns, spec({ quick: [{ column: 0, op: 'isNull' }] })), /two columns named id: give one an alias/);
  });

  it('puts the WHERE text on lines of its own and quick-filter values in parameters cast to the type', () => {
    const value = `O'Brien \\ x"); DROP TABLE t; --`;
    const built = buildSortFilterQuery(
      'TABLE t',
      COLUMNS,
      spec({
        where: 'amount > 1 -- a comment',
        quick: [
          { column: 1, op: 'eq', value },
          { column: 2, op: 'ne', value: '1.50' },
          { column: 1, op: 'contains', value: '%_' },
          { column: 0, op: 'notNull' },
        ],
      }),
    );
    assert.equal(
      built.sql,
      [
        'SELECT * FROM (',
        'TABLE t',
        ') AS q',
        'WHERE (',
        'amount > 1 -- a comment',
        ')',
        '  AND q."Odd ""name""" = $1::text',
        '  AND q."amount" <> $2::numeric',
        '  AND strpos(q."Odd ""name"""::text, $3::text) > 0',
        '  AND q."id" IS NOT NULL',
      ].join('\n'),
    );
    assert.deepEqual(built.params, [value, '1.50', '%_']);
    assert.ok(!built.sql.includes('Brien'), 'no value is pasted into the SQL');
  });

  it('compares as text a column whose type the pool could not name', () => {
    const built = buildSortFilterQuery('SELECT x FROM t', [{ name: 'x', typeName: 'oid 123456' }], spec({ quick: [{ column: 0, op: 'eq', value: 'a' }] }));
    assert.match(built.sql, /q\."x"::text = \$1::text$/);
  });

  it('refuses what it cannot build, saying what to do', () => {
    assert.throws(() => buildSortFilterQuery('TABLE t', COLUMNS, spec({ sort: [{ column: 7, direction: 'asc' }] })), /no column 8/);
    assert.throws(() => buildSortFilterQuery('TABLE t', COLUMNS, spec({ quick: [{ column: 0, op: 'eq' }] })), /needs a value; use IS NULL/);
  });

  it('wraps only a single plain SELECT / VALUES / TABLE', async () => {
    for (const sql of ['SELECT * FROM t ORDER BY id', 'VALUES (1), (2)', 'TABLE t', 'WITH x AS (SELECT 1) SELECT * FROM x UNION SELECT 2', 'SELECT 1;']) {
      assert.equal(await wrapRefusal(sql), undefined, sql);
    }
    const refusals: [string, RegExp][] = [
      ['UPDATE t SET a = 1 RETURNING *', /^only a single plain SELECT, VALUES or TABLE is run again to sort or filter it, and it is not a SELECT.*UpdateStmt/],
      ['WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d', /it contains a DELETE/],
      ['SELECT * FROM t FOR UPDATE', /locks rows/],
      ['SELECT 1; SELECT 2', /2 statements, not one/],
      ['SELECT * INTO t2 FROM t', /creates a table/],
      ['EXPLAIN SELECT 1', /not a SELECT/],
    ];
    for (const [sql, why] of refusals) assert.match((await wrapRefusal(sql)) ?? '', why, sql);
  });

  it('refuses a filter that is not one expression before anything is sent', async () => {
    const broke = buildSortFilterQuery('TABLE t', COLUMNS, spec({ where: 'true) AS x; DELETE FROM t; SELECT (1' }));
    assert.match((await composedRefusal(broke.sql)) ?? '', /The filter must be one SQL expression.*Nothing was run/);
    const fine = buildSortFilterQuery('TABLE t', COLUMNS, spec({ where: 'id > 1 -- note', quick: [{ column: 1, op: 'eq', value: "it's" }] }));
    assert.equal(await composedRefusal(fine.sql), undefined);
  });
});

describe('sort and filter on a real server', { timeout: 120_000 }, () => {
  let cluster: Cluster;
  let pool: PgPool;

  before(async () => {
    cluster = await startCluster();
    await cluster.sql(`CREATE TABLE people (id int PRIMARY KEY, name text, amount numeric(6,2));
      INSERT INTO people VALUES (1, 'O''Brien \\ x', 1.50), (2, 'plain', 2), (3, NULL, 1.5), (4, 'O''Brien', 10), (5, 'a%_b', NULL)`);
    pool = await PgPool.open(cluster.config({ applicationName: 'sort-filter' }));
  });

  after(async () => {
    await pool?.close();
    await cluster?.stop();
  });

  const ids = (o: ExecutionOutcome): string[] => (o.kind === 'rows' ? o.page.rows.map((r) => String(r[0])) : []);

  async function run(sql: string, s: Partial<SortFilterSpec>): Promise<string[]> {
    const session = pool.session('tab');
    const first = await session.execute(sql);
    assert.equal(first.kind, 'rows');
    const base = sortFilterBase(sql, first.kind === 'rows' ? first.cursor.columns : []);
    const outcome = await runSortFilter(session, base, spec(s));
    assert.equal(outcome.kind, 'ran', outcome.kind === 'refused' ? outcome.error.message : '');
    if (outcome.kind !== 'ran') return [];
    if (outcome.statement.error) throw outcome.statement.error;
    assert.ok(outcome.statement.outcome);
    return ids(outcome.statement.outcome);
  }

  it('sorts by several columns, NULLs where PostgreSQL puts them', async () => {
    assert.deepEqual(await run('SELECT * FROM people ORDER BY id', { sort: [{ column: 2, direction: 'desc' }, { column: 0, direction: 'desc' }] }), ['5', '4', '2', '3', '1']);
  });

  it('finds a value with quotes and a backslash through a parameter, and compares numerics by value', async () => {
    assert.deepEqual(await run('SELECT * FROM people', { quick: [{ column: 1, op: 'eq', value: "O'Brien \\ x" }] }), ['1']);
    assert.deepEqual(await run('SELECT * FROM people', { quick: [{ column: 2, op: 'eq', value: '1.5' }], sort: [{ column: 0, direction: 'asc' }] }), ['1', '3']);
    assert.deepEqual(await run('SELECT * FROM people', { quick: [{ column: 1, op: 'contains', value: '%_' }] }), ['5']);
    assert.deepEqual(await run('SELECT * FROM people', { quick: [{ column: 1, op: 'contains', value: "O'B" }, { column: 1, op: 'ne', value: "O'Brien" }] }), ['1']);
    assert.deepEqual(await run('SELECT * FROM people ORDER BY id', { quick: [{ column: 1, op: 'isNull' }] }), ['3']);
  });

  it("runs the user's WHERE text as written, with the quick filters", async () => {
    assert.deepEqual(
      await run('VALUES (1, \'a\'), (2, \'b\'), (3, NULL)', { where: "column2 IS NOT NULL -- not the NULL one", quick: [{ column: 0, op: 'ne', value: '1' }] }),
      ['2'],
    );
  });

  it('keeps the source table and column of each output column, so edits still know the row', async () => {
    const session = pool.session('tab');
    const sql = 'SELECT * FROM people ORDER BY id';
    const first = await session.execute(sql);
    assert.equal(first.kind, 'rows');
    if (first.kind !== 'rows') return;
    const outcome = await runSortFilter(session, sortFilterBase(sql, first.cursor.columns), spec({ sort: [{ column: 1, direction: 'asc' }] }));
    assert.equal(outcome.kind, 'ran');
    const wrapped = outcome.kind === 'ran' ? outcome.statement.outcome : undefined;
    assert.ok(wrapped?.kind === 'rows');
    assert.deepEqual(
      wrapped.cursor.columns.map((c) => [c.tableOid, c.columnNumber]),
      first.cursor.columns.map((c) => [c.tableOid, c.columnNumber]),
    );
    assert.ok(first.cursor.columns.every((c) => c.tableOid !== null && c.tableOid > 0));
  });

  it('refuses to wrap a data-modifying statement and sends nothing', async () => {
    const session = pool.session('tab');
    const sql = 'UPDATE people SET amount = amount + 1 WHERE id = 2 RETURNING *';
    const first = await session.execute(sql);
    assert.equal(first.kind, 'rows');
    const outcome = await runSortFilter(session, sortFilterBase(sql, first.kind === 'rows' ? first.cursor.columns : []), spec({ sort: [{ column: 0, direction: 'asc' }] }));
    assert.equal(outcome.kind, 'refused');
    assert.match(outcome.kind === 'refused' ? outcome.error.message : '', /single plain SELECT/);
    assert.deepEqual(await cluster.sql('SELECT amount::text AS a FROM people WHERE id = 2'), [{ a: '3.00' }], 'the UPDATE ran once, not twice');
  });
});
