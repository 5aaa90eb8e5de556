/**
 * Figure 2: draining the 2,000,000-row result through the pool's page path, each page turned
 * into the message the host would post to the webview, against a raw pg-cursor reading pages of
 * 5,000 and against psql's COPY to /dev/null.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Client } from 'pg';
import type { PackedPageResult, PageResult, PgPool } from '../../src/pool';
import type { Cluster } from '../../test/harness/cluster';
import { SUPERUSER_PASSWORD } from '../../test/harness/cluster';
import { BIG_ROWS, BIG_SQL, textCursor } from '../fixtures';
import { figure } from '../figure';
import { median } from '../stats';
import type { BenchFigure } from '../types';
import { MESSAGE_NOTE, pageMessage, serialiseMessage } from '../message';

const RUNS = 5;
const SESSION = 'bench:drain';

/** Other later-page schedules measured beside the default (100, 1,000, then 5,000); the first page stays 100. */
const SCHEDULES: number[][] = [[10_000], [20_000]];

export interface DrainResult {
  figures: BenchFigure[];
  /** Printed under the table: what the message form was. */
  messageNote: string;
}

/**
 * Drains the result through execute + fetchPage. `laterPages` overrides the pool's default sizes
 * (the last one repeats); undefined keeps the pool's own schedule (100, 1,000, then 5,000).
 */
export async function drainThroughPool(
  pool: PgPool,
  sessionId: string,
  sql: string,
  laterPages?: number[],
  serialise = true,
): Promise<{ rows: number; bytes: number }> {
  const outcome = await pool.execute(sessionId, sql);
  if (outcome.kind !== 'rows') throw new Error('expected rows');
  const post = (page: PageResult | PackedPageResult): number => (serialise ? serialiseMessage(pageMessage(sessionId, page)) : 0);
  let bytes = post(outcome.page);
  let rows = outcome.page.rows.length;
  let done = outcome.page.done;
  for (let i = 0; !done; i++) {
    const size = laterPages ? laterPages[Math.min(i, laterPages.length - 1)] : undefined;
    // With a message, pages packed as the host asks for them; without, the rows of strings other callers get.
    const page = serialise ? await pool.fetchPackedPage(sessionId, size) : await pool.fetchPage(sessionId, size);
    rows += Array.isArray(page.rows) ? page.rows.length : page.rows.count;
    done = page.done;
    // What postMessage would cost: the host serialises the whole message (structured clone does the same walk).
    bytes += post(page);
  }
  return { rows, bytes };
}

/**
 * Like drainThroughPool with messages, but asks for the next page before serialising the current
 * one, as a host could: the server and the socket work while this thread builds the message.
 */
async function drainPipelined(pool: PgPool, sessionId: string, sql: string): Promise<number> {
  const outcome = await pool.execute(sessionId, sql);
  if (outcome.kind !== 'rows') throw new Error('expected rows');
  let page: PageResult | PackedPageResult = outcome.page;
  let rows = page.rows.length;
  for (;;) {
    // fetchPackedPage writes its Execute to the socket before it first awaits, so the request is
    // out before the synchronous serialisation below starts.
    const next: Promise<PackedPageResult> | undefined = page.done ? undefined : pool.fetchPackedPage(sessionId);
    serialiseMessage(pageMessage(sessionId, page));
    if (!next) break;
    const packed: PackedPageResult = await next;
    rows += packed.count;
    page = packed;
  }
  return rows;
}

async function drainRaw(client: Client, sql: string, pageSize: number): Promise<number> {
  const cursor = client.query(textCursor(sql));
  let rows = 0;
  for (;;) {
    const page = await cursor.read(pageSize);
    rows += page.length;
    if (page.length < pageSize) break;
  }
  await cursor.close();
  return rows;
}

function copyWithPsql(cluster: Cluster, table: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const devNull = fs.openSync('/dev/null', 'w');
    const child = spawn(
      '/usr/bin/psql',
      ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(cluster.port), '-U', 'postgres', '-d', 'postgres', '-c', `COPY ${table} TO STDOUT`],
      { stdio: ['ignore', devNull, 'pipe'], env: { ...process.env, PGPASSWORD: SUPERUSER_PASSWORD } },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      fs.closeSync(devNull);
      if (code === 0) resolve();
      else reject(new Error(`psql COPY failed (${String(code)}): ${stderr}`));
    });
  });
}

/** Rows per second of wall time, and microseconds of this process's CPU time per row. */
async function drainRate(rows: number, fn: () => Promise<number>): Promise<{ rate: number; cpuUsPerRow: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const got = await fn();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  if (got !== rows) throw new Error(`expected ${rows} rows, got ${got}`);
  return { rate: rows / seconds, cpuUsPerRow: (used.user + used.system) / rows };
}

export async function drainFigures(pool: PgPool, client: Client, cluster: Cluster): Promise<DrainResult> {
  const messageNote = MESSAGE_NOTE;
  const viaPool = (laterPages?: number[], serialise = true) => async (): Promise<number> =>
    (await drainThroughPool(pool, SESSION, BIG_SQL, laterPages, serialise)).rows;
  const variants: { key: string; drain: () => Promise<number> }[] = [
    { key: 'raw', drain: () => drainRaw(client, BIG_SQL, 5_000) },
    { key: 'pool', drain: viaPool() },
    { key: 'bare', drain: viaPool(undefined, false) },
    { key: 'pipelined', drain: () => drainPipelined(pool, SESSION, BIG_SQL) },
    {
      key: 'copy',
      drain: async () => {
        await copyWithPsql(cluster, 'big');
        return BIG_ROWS;
      },
    },
    ...SCHEDULES.map((schedule) => ({ key: `schedule:${schedule.join(',')}`, drain: viaPool(schedule) })),
  ];
  const rates = new Map<string, number[]>(variants.map((v) => [v.key, []]));
  const cpu = new Map<string, number[]>(variants.map((v) => [v.key, []]));
  // Every variant once per round, in a rotated order: on a shared machine the load changes from
  // minute to minute, and this spreads it over all variants instead of the last ones measured.
  for (let round = 0; round < RUNS; round++) {
    for (let i = 0; i < variants.length; i++) {
      const variant = variants[(i + round) % variants.length];
      const measured = await drainRate(BIG_ROWS, variant.drain);
      rates.get(variant.key)?.push(measured.rate);
      cpu.get(variant.key)?.push(measured.cpuUsPerRow);
    }
  }
  const rate = (key: string): number => median(rates.get(key) ?? []);
  const cpuPerRow = (key: string): number => median(cpu.get(key) ?? []);
  // Round by round, each variant against the raw drain of the same round: how far apart the runs were.
  const spread = (key: string): string => {
    const own = rates.get(key) ?? [];
    const raw = rates.get('raw') ?? [];
    const ratios = own.map((r, i) => r / raw[i]);
    return `per-round ratios ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}x`;
  };
  const poolRate = rate('pool');
  const rawRate = rate('raw');
  const figures: BenchFigure[] = [
    figure({
      name: '2. drain 2M rows, default pages + message, as the results host reads (vs pg-cursor 5,000)',
      value: rate('pipelined'),
      unit: 'rows/s',
      baseline: rawRate,
      target: { of: 'ratio', op: '>=', limit: 0.95 },
      note: `page N+1 is requested before page N is serialised, as Fetch all does (src/extension/results/panel.ts), so the server works while the host does; baseline: pg-cursor read(5000) until the end, values as text, no serialisation; ${spread('pipelined')}. ${messageNote}`,
    }),
    figure({
      name: '2. drain 2M rows, default pages + message, one page at a time',
      value: poolRate,
      unit: 'rows/s',
      baseline: rawRate,
      note: `each page requested only after the previous one was serialised (how the host read before it prefetched); ${spread('pool')}`,
    }),
    figure({
      name: '2. drain 2M rows, default pages, no message (vs pg-cursor 5,000)',
      value: rate('bare'),
      unit: 'rows/s',
      baseline: rawRate,
      note: `the pool's page path alone, to tell its cost from the message's; ${spread('bare')}`,
    }),
    figure({
      name: '2. client CPU per row, default pages + message (vs pg-cursor 5,000)',
      value: cpuPerRow('pool'),
      unit: 'us/row',
      baseline: cpuPerRow('raw'),
      note: "this process's CPU time (user + system) per row drained: steadier than wall time on a busy machine, and the server's share is not in it",
    }),
    figure({
      name: '2. client CPU per row, default pages, no message (vs pg-cursor 5,000)',
      value: cpuPerRow('bare'),
      unit: 'us/row',
      baseline: cpuPerRow('raw'),
      note: 'as above, without building and serialising the message',
    }),
    ...SCHEDULES.map((schedule) =>
      figure({
        name: `2. drain 2M rows, pages 100 then ${schedule.map((n) => n.toLocaleString('en')).join(', ')} + message`,
        value: rate(`schedule:${schedule.join(',')}`),
        unit: 'rows/s',
        baseline: rawRate,
        note: `another page schedule for comparison (via fetchPackedPage(id, size)); the first page stays 100, so figure 1 is unaffected; ${spread(`schedule:${schedule.join(',')}`)}`,
      }),
    ),
    figure({
      name: '2. drain 2M rows, default pages + message, as the results host reads (vs psql COPY)',
      value: rate('pipelined'),
      unit: 'rows/s',
      baseline: rate('copy'),
      note: 'baseline: psql -c "COPY big TO STDOUT" > /dev/null, psql start-up included',
    }),
  ];
  await pool.releaseSession(SESSION);
  return { figures, messageNote };
}
