/** Figure 5: eight sessions paging at once against one session alone, in aggregate rows per second. */
import { performance } from 'node:perf_hooks';
import type { PgPool } from '../../src/pool';
import { figure } from '../figure';
import { median } from '../stats';
import type { BenchFigure } from '../types';

const RUNS = 3;
const ROWS_EACH = 250_000;
const SESSIONS = 8;
// LIMIT rather than a WHERE on id: the scan stops after the rows instead of reading the whole table.
const SQL = `SELECT * FROM big LIMIT ${ROWS_EACH}`;

async function drain(pool: PgPool, sessionId: string): Promise<number> {
  const outcome = await pool.execute(sessionId, SQL);
  if (outcome.kind !== 'rows') throw new Error('expected rows');
  let rows = outcome.page.rows.length;
  let done = outcome.page.done;
  while (!done) {
    const page = await pool.fetchPage(sessionId);
    rows += page.rows.length;
    done = page.done;
  }
  return rows;
}

async function aggregateRate(pool: PgPool, sessions: number): Promise<number> {
  const started = performance.now();
  const counts = await Promise.all(Array.from({ length: sessions }, (_, i) => drain(pool, `bench:par:${i}`)));
  const seconds = (performance.now() - started) / 1000;
  const total = counts.reduce((a, b) => a + b, 0);
  if (total !== sessions * ROWS_EACH) throw new Error(`expected ${sessions * ROWS_EACH} rows, got ${total}`);
  return total / seconds;
}

export async function concurrencyFigures(pool: PgPool): Promise<BenchFigure[]> {
  // Opens the eight connections before timing: connecting is not paging.
  await aggregateRate(pool, SESSIONS);
  const one: number[] = [];
  const eight: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    one.push(await aggregateRate(pool, 1));
    eight.push(await aggregateRate(pool, SESSIONS));
  }
  for (let i = 0; i < SESSIONS; i++) await pool.releaseSession(`bench:par:${i}`);
  return [
    figure({
      name: `5. ${SESSIONS} sessions paging at once (aggregate)`,
      value: median(eight),
      unit: 'rows/s',
      baseline: median(one),
      note: `each session drains ${ROWS_EACH.toLocaleString('en')} rows with the default pages, no serialisation; baseline: one session alone`,
    }),
  ];
}
