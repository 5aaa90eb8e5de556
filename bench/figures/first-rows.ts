/**
 * Figure 1: time to the first rows of `SELECT *` through PgPool.execute against a raw pg-cursor
 * opening the same statement and reading 100 rows, on 2,000,000 rows and on 20,000 rows.
 */
import { performance } from 'node:perf_hooks';
import type { Client } from 'pg';
import type { PgPool } from '../../src/pool';
import { BIG_ROWS, BIG_SQL, SMALL_ROWS, SMALL_SQL, textCursor } from '../fixtures';
import { figure } from '../figure';
import { median } from '../stats';
import type { BenchFigure } from '../types';

const RUNS = 21;
const WARMUP = 10;
const SESSION = 'bench:first-rows';

export async function firstRowsFigures(pool: PgPool, client: Client): Promise<BenchFigure[]> {
  // Each returns the milliseconds until the first 100 rows are in hand; closing the cursor after is not timed.
  const viaPool = async (sql: string): Promise<number> => {
    const started = performance.now();
    const outcome = await pool.execute(SESSION, sql);
    const ms = performance.now() - started;
    if (outcome.kind !== 'rows' || outcome.page.rows.length !== 100) throw new Error('expected a first page of 100 rows');
    await pool.closeQuery(SESSION);
    return ms;
  };
  const raw = async (sql: string): Promise<number> => {
    const started = performance.now();
    const cursor = client.query(textCursor(sql));
    const rows = await cursor.read(100);
    const ms = performance.now() - started;
    if (rows.length !== 100) throw new Error('expected 100 rows');
    await cursor.close();
    return ms;
  };
  const tables = [BIG_SQL, SMALL_SQL];
  // Untimed rounds first: the first Parse of a statement, the pool's first connection and V8's
  // warm-up of these code paths would otherwise land on whichever table is measured first.
  for (let i = 0; i < WARMUP; i++) {
    for (const sql of tables) {
      await viaPool(sql);
      await raw(sql);
    }
  }
  const times = new Map(tables.map((sql) => [sql, { pool: [] as number[], raw: [] as number[] }]));
  // Alternating pool/raw and big/small keeps drift (caches, CPU clock, neighbours) from landing on one side only.
  for (let i = 0; i < RUNS; i++) {
    for (const sql of tables) {
      const t = times.get(sql) ?? { pool: [], raw: [] };
      t.pool.push(await viaPool(sql));
      t.raw.push(await raw(sql));
    }
  }
  const medians = (sql: string): { pool: number; raw: number } => {
    const t = times.get(sql) ?? { pool: [0], raw: [0] };
    return { pool: median(t.pool), raw: median(t.raw) };
  };
  const big = medians(BIG_SQL);
  const small = medians(SMALL_SQL);
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
