/** Figure 3: growth of the process's resident memory while draining all 2,000,000 rows. */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { BIG_ROWS } from '../fixtures';
import { figure } from '../figure';
import { median } from '../stats';
import type { BenchFigure } from '../types';

const RUNS = 2;
const MB = 1024 * 1024;

interface ChildResult {
  startRss: number;
  peakRss: number;
  rows: number;
}

function runChild(mode: 'pool' | 'raw', port: number): Promise<ChildResult> {
  const script = path.join(__dirname, '..', 'rss-child.ts');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', '--import', 'tsx', script, mode, String(port)], { maxBuffer: 1024 * 1024, timeout: 180_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`rss child (${mode}) failed: ${err.message}\n${stderr}`));
      const parsed = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ChildResult;
      if (parsed.rows !== BIG_ROWS) return reject(new Error(`rss child (${mode}) read ${parsed.rows} rows`));
      resolve(parsed);
    });
  });
}

export async function memoryFigures(port: number): Promise<BenchFigure[]> {
  const poolGrowth: number[] = [];
  const rawGrowth: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const p = await runChild('pool', port);
    poolGrowth.push((p.peakRss - p.startRss) / MB);
    const r = await runChild('raw', port);
    rawGrowth.push((r.peakRss - r.startRss) / MB);
  }
  return [
    figure({
      name: '3. RSS growth draining 2M rows (pool + message)',
      value: median(poolGrowth),
      unit: 'MB',
      baseline: median(rawGrowth),
      target: { of: 'value', op: '<', limit: 64 },
      note: 'peak minus start RSS in a fresh process; baseline: pg-cursor read(5000) drain, no serialisation',
    }),
  ];
}
