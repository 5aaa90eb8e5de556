/**
 * Figure 1: time to the first rows of `SELECT *` through PgPool.execute against a raw pg-cursor
 * opening the same statement and reading 100 rows, on 2,000,000 rows and on 20,000 rows; and the
 * same after a sort or filter of the grid (the query wrapped by the results panel's
 * sort-filter-sql.ts, quick-filter values as parameters), against pg-cursor on that same SQL.
 */
import { performance } from 'node:perf_hooks';
import type { Client } from 'pg';
import type { PgPool } from '../../src/pool';
import Cursor from 'pg-cursor';
import { buildSortFilterQuery } from '../../src/extension/results/sort-filter-sql';
import { BIG_ROWS, BIG_SQL, SMALL_ROWS, SMALL_SQL, TEXT_TYPES, textCursor } from '../fixtures';
import { figure } from '../figure';
import { median } from '../stats';
import type { BenchFigure } from '../types';

const RUNS = 21;
const WARMUP = 10;
const SESSION = 'bench:first-rows';

/** The fixture tables' columns (bench/fixtures.ts), as the grid would send them. */
const COLUMNS = [
  { name: 'id', typeName: 'integer' },
  { name: 'label', typeName: 'text' },
  { name: 'amount', typeName: 'numeric' },
  { name: 'created', typeName: 'timestamp with time zone' },
  { name: 'note', typeName: 'text' },
];
/** A grid filter on the 2M rows (no sort: the first rows stream) and a sort plus filter on the 20k. */
const BIG_FILTERED = buildSortFilterQuery(BIG_SQL, COLUMNS, { sort: [], where: 'amount > 10', quick: [{ column: 4, op: 'contains', value: 'a' }] });
const SMALL_SORTED = buildSortFilterQuery(SMALL_SQL, COLUMNS, {
  sort: [
    { column: 2, direction: 'desc' },
    { column: 0, direction: 'asc' },
  ],
  where: '',
  quick: [{ column: 4, op: 'contains', value: 'a' }],
});
const PARAMS = new Map<string, string[]>([
  [BIG_FILTERED.sql, BIG_FILTERED.params],
  [SMALL_SORTED.sql, SMALL_SORTED.params],
]);

export async function firstRowsFigures(pool: PgPool, client: Client): Promise<BenchFigure[]> {
  // Each returns the milliseconds until the first 100 rows are in hand; closing the cursor after is not timed.
  const viaPool = async (sql: string): Promise<number> => {
    const started = performance.now();
    const outcome = await pool.execute(SESSION, sql, { params: PARAMS.get(sql) });
    const ms = performance.now() - started;
    if (outcome.kind !== 'rows' || outcome.page.rows.length !== 100) throw new Error('expected a first page of 100 rows');
    await pool.closeQuery(SESSION);
    return ms;
  };
  const raw = async (sql: string): Promise<number> => {
    const started = performance.now();
    const params = PARAMS.get(sql);
    const cursor = client.query(params ? new Cursor<unknown[]>(sql, params, { rowMode: 'array', types: TEXT_TYPES }) : textCursor(sql));
    const rows = await cursor.read(100);
    const ms = performance.now() - started;
    if (rows.length !== 100) throw new Error('expected 100 rows');
    await cursor.close();
    return ms;
  };
  const tables = [BIG_SQL, SMALL_SQL, BIG_FILTERED.sql, SMALL_SORTED.sql];
  // Untimed rounds first: the first Parse of a statement, the pool's first connection and V8's
  // warm-up of these code paths would otherwise land on whichever table is measured first.
  for (let i = 0; i < WARMUP; i++) {
    for (const sql of tables) {
      await viaPool(sql);
      await raw(sql);
    }
  }
  const times = new Map(tables.map((sql) => [sql, { pool: [] as number[], raw: [] as number[] }]));
  // Alternating pool/raw and big/small keeps drift (caches, CPU clock, neighbours) from landing on
  // one side only. Each round also starts at the next table and swaps which side goes first: in a
  // fixed order the pool's read of the 2M-row table always came right after the sort of the
  // filtered 20k one, and what a statement costs just after a heavy one landed on that figure alone.
  for (let i = 0; i < RUNS; i++) {
    for (let k = 0; k < tables.length; k++) {
      const sql = tables[(i + k) % tables.length];
      const t = times.get(sql) ?? { pool: [], raw: [] };
      if (i % 2 === 0) {
        t.pool.push(await viaPool(sql));
        t.raw.push(await raw(sql));
      } else {
        t.raw.push(await raw(sql));
        t.pool.push(await viaPool(sql));
      }
    }
  }
  const medians = (sql: string): { pool: number; raw: number } => {
    const t = times.get(sql) ?? { pool: [0], raw: [0] };
    return { pool: median(t.pool), raw: median(t.raw) };
  };
  const big = medians(BIG_SQL);
  const small = medians(SMALL_SQL);
  const bigFiltered = medians(BIG_FILTERED.sql);
  const smallSorted = medians(SMALL_SORTED.sql);
  await pool.releaseSession(SESSION);
  const rawNote = 'baseline: pg-cursor on one pg.Client, open + read(100), values as text like the pool';
  return [
    figure({
      name: `1. first rows, ${BIG_ROWS.toLocaleString('en')} rows (execute)`,
      value: big.pool,
      unit: 'ms',
      baseline: big.raw,
      target: { of: 'ratio', op: '<=', limit: 1.5 },
      note: `${rawNote}`,
    }),
    figure({
      name: `1. first rows, ${SMALL_ROWS.toLocaleString('en')} rows (execute)`,
      value: small.pool,
      unit: 'ms',
      baseline: small.raw,
      target: { of: 'ratio', op: '<=', limit: 1.5 },
      note: `${rawNote}`,
    }),
    figure({
      name: `1. first rows after a grid filter, ${BIG_ROWS.toLocaleString('en')} rows (execute)`,
      value: bigFiltered.pool,
      unit: 'ms',
      baseline: bigFiltered.raw,
      target: { of: 'ratio', op: '<=', limit: 1.5 },
      note: `${rawNote}, on the same wrapped SQL and parameters (WHERE text + a contains quick filter)`,
    }),
    figure({
      name: `1. first rows after a grid sort + filter, ${SMALL_ROWS.toLocaleString('en')} rows (execute)`,
      value: smallSorted.pool,
      unit: 'ms',
      baseline: smallSorted.raw,
      target: { of: 'ratio', op: '<=', limit: 1.5 },
      note: `${rawNote}, on the same wrapped SQL and parameters (two sort keys + a contains quick filter)`,
    }),
    figure({
      name: '1. first rows, 2M vs 20k rows (execute)',
      value: big.pool,
      unit: 'ms',
      baseline: small.pool,
      // "No larger for 2M than for 20k": a 25% allowance keeps sub-millisecond timer noise from deciding it.
      target: { of: 'ratio', op: '<=', limit: 1.25 },
      note: 'baseline: the same execute on the 20,000-row table; 25% allowed for timer noise',
    }),
  ];
}
