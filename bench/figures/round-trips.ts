/** Figure 6: 10,000 `SELECT 1` through execute on one session against client.query on one connection. */
import type { Client } from 'pg';
import type { PgPool } from '../../src/pool';
import { textCursor } from '../fixtures';
import { figure } from '../figure';
import { median, timed } from '../stats';
import type { BenchFigure } from '../types';

const STATEMENTS = 10_000;
const RUNS = 3;
const SESSION = 'bench:select1';

export async function roundTripFigures(pool: PgPool, client: Client): Promise<BenchFigure[]> {
  const viaPool = async (): Promise<void> => {
    for (let i = 0; i < STATEMENTS; i++) {
      const outcome = await pool.execute(SESSION, 'SELECT 1');
      if (outcome.kind !== 'rows' || outcome.page.rows[0]?.[0] !== '1') throw new Error('SELECT 1 gave no 1');
    }
  };
  const raw = async (): Promise<void> => {
    for (let i = 0; i < STATEMENTS; i++) {
      const result = await client.query({ text: 'SELECT 1', rowMode: 'array' });
      if (result.rows.length !== 1) throw new Error('SELECT 1 gave no row');
    }
  };
  // The pool runs every statement through a cursor (Parse/Bind/Describe/Execute/Flush, then Close
  // and Sync once the statement completes): two round trips where the simple protocol needs one.
  // This second baseline shows how much of the ratio is that protocol choice rather than the pool.
  const rawCursor = async (): Promise<void> => {
    for (let i = 0; i < STATEMENTS; i++) {
      const cursor = client.query(textCursor('SELECT 1'));
      const rows = await cursor.read(100);
      if (rows.length !== 1) throw new Error('SELECT 1 gave no row');
      await cursor.close();
    }
  };
  // Warm both paths (JIT, the session's connection) before timing.
  await pool.execute(SESSION, 'SELECT 1');
  await client.query('SELECT 1');
  const poolMs: number[] = [];
  const rawMs: number[] = [];
  const cursorMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    poolMs.push((await timed(viaPool)).ms);
    rawMs.push((await timed(raw)).ms);
    cursorMs.push((await timed(rawCursor)).ms);
  }
  await pool.releaseSession(SESSION);
  return [
    figure({
      name: `6. ${STATEMENTS.toLocaleString('en')} x SELECT 1 (execute)`,
      value: median(poolMs),
      unit: 'ms',
      baseline: median(rawMs),
      target: { of: 'ratio', op: '<=', limit: 1.2 },
      note: 'baseline: client.query("SELECT 1") (simple protocol) on one pg.Client, awaited one by one',
    }),
    figure({
      name: `6. ${STATEMENTS.toLocaleString('en')} x SELECT 1 (execute vs raw pg-cursor)`,
      value: median(poolMs),
      unit: 'ms',
      baseline: median(cursorMs),
      note: 'baseline: pg-cursor open + read(100) + close per statement on one pg.Client: the protocol the pool uses, without the pool',
    }),
  ];
}
