/**
 * `npm run bench`: starts a throwaway cluster, fills a 2,000,000-row table server-side, measures
 * each figure of issue 8 beside a baseline measured in the same run, prints the table and writes
 * bench/results/latest.json and the generated part of BENCHMARKS.md.
 *
 *   npm run bench                       all figures
 *   npm run bench -- --only=1,2         some figures (JSON and BENCHMARKS.md still rewritten)
 *   npm run bench -- --report-only      reprint and rebuild BENCHMARKS.md from the saved JSON
 *
 * Never run from tests: timings are facts to read, not assertions.
 */
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { PgPool } from '../src/pool';
import { SUPERUSER, SUPERUSER_PASSWORD } from '../test/harness/cluster';
import type { Cluster } from '../test/harness/cluster';
import { concurrencyFigures } from './figures/concurrency';
import { drainFigures } from './figures/drain';
import { firstRowsFigures } from './figures/first-rows';
import { memoryFigures } from './figures/memory';
import { packageFigures } from './figures/package';
import { planDrawFigures } from './figures/plan-draw';
import { roundTripFigures } from './figures/round-trips';
import { uiFigures } from './figures/ui';
import { figure } from './figure';
import { runIntrospectionBench } from './introspect';
import { languageFigures } from './language';
import { fillTables, serverVersion, startBenchCluster } from './fixtures';
import { machineInfo } from './machine';
import { RESULTS_JSON, reportFromSaved, textTable, updateBenchmarksMd, writeResults } from './report';
import * as fs from 'node:fs';
import type { BenchFigure } from './types';

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Figure 4: the introspection figures of bench/introspect.ts (also runnable on its own). */
async function introspectionFigures(): Promise<BenchFigure[]> {
  try {
    return await runIntrospectionBench((m) => log(`  introspection: ${m}`));
  } catch (err) {
    return [figure({ name: '4. introspection', value: null, unit: 'ms', baseline: null, note: `failed: ${(err as Error).message.split('\n')[0]}` })];
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--report-only')) {
    console.log(reportFromSaved());
    return;
  }
  const onlyArg = process.argv.find((a) => a.startsWith('--only='));
  const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : undefined;
  const wanted = (n: string): boolean => !only || only.has(n);

  const started = performance.now();
  const loadAtStart = os.loadavg()[0];
  const notes: string[] = [];
  const figures: BenchFigure[] = [];
  let cluster: Cluster | undefined;
  let pool: PgPool | undefined;
  let client: Client | undefined;
  try {
    log('starting a throwaway cluster and filling the tables');
    cluster = await startBenchCluster();
    await fillTables(cluster);
    const version = await serverVersion(cluster);
    pool = await PgPool.open(cluster.config(), { maxSize: 10 });
    client = new Client({ host: '127.0.0.1', port: cluster.port, database: 'postgres', user: SUPERUSER, password: SUPERUSER_PASSWORD });
    await client.connect();

    if (wanted('1')) {
      log('figure 1: time to first rows');
      figures.push(...(await firstRowsFigures(pool, client)));
    }
    if (wanted('2')) {
      log('figure 2: draining 2M rows');
      const drain = await drainFigures(pool, client, cluster);
      figures.push(...drain.figures);
      notes.push(drain.messageNote);
    }
    if (wanted('3')) {
      log('figure 3: memory while draining (child processes)');
      figures.push(...(await memoryFigures(cluster.port)));
    }
    if (wanted('4')) {
      log('figure 4: introspection');
      figures.push(...(await introspectionFigures()));
    }
    if (wanted('5')) {
      log('figure 5: eight sessions at once');
      figures.push(...(await concurrencyFigures(pool)));
    }
    if (wanted('6')) {
      log('figure 6: 10,000 x SELECT 1');
      figures.push(...(await roundTripFigures(pool, client, cluster)));
    }
    if (wanted('7')) {
      log('figure 7: the results grid in code-server');
      figures.push(...(await uiFigures(cluster, (m) => log(`  ui: ${m}`))));
    }
    if (wanted('8')) {
      log('figure 8: .vsix size and activation');
      figures.push(...(await packageFigures()));
    }
    if (wanted('9')) {
      log('figure 9: a 500-node plan drawn by the plan webview (chromium)');
      figures.push(...(await planDrawFigures(cluster, (m) => log(`  plan: ${m}`))));
    }
    if (wanted('10')) {
      log('figure 10: the SQL editor (catalog cache, completion, syntax pass)');
      figures.push(...(await languageFigures((m) => log(`  language: ${m}`))));
    }
    if (only && fs.existsSync(RESULTS_JSON)) {
      // --only: the figures not run this time keep their saved values, so the table stays whole.
      // A figure measured now replaces its saved row even when another figure's run measured it
      // (figure 7's code-server run also reads figure 8's activation).
      const measured = figures.splice(0);
      const fresh = new Set(measured.map((f) => f.name));
      const saved = (JSON.parse(fs.readFileSync(RESULTS_JSON, 'utf8')) as BenchFigure[]).filter((f) => !only.has(f.name.split('.')[0]) && !fresh.has(f.name));
      figures.push(...[...saved, ...measured].sort((a, b) => Number(a.name.split('.')[0]) - Number(b.name.split('.')[0])));
      notes.push(`Figures ${[...only].join(', ')} were measured in this run; the others are kept from the previous full run.`);
    }
    if (wanted('7')) {
      notes.push('Figure 7 runs in code-server (the web build of VS Code, on Node 24) driven by headless Debian chromium through playwright-core, sharing the machine with the cluster.');
    }
    const machine = machineInfo(version);
    const load = { start: Math.round(loadAtStart * 10) / 10, end: Math.round(os.loadavg()[0] * 10) / 10 };
    if (Math.max(load.start, load.end) > machine.cores / 2) {
      // Two runs on a busy machine can differ by tens of percent; say so beside the numbers.
      notes.push(
        `Other work was running on this machine (1-minute load average ${load.start} at the start, ${load.end} at the end, ` +
          `on ${machine.cores} cores): absolute figures are noisy; the ratios, measured alternately, are the safer reading.`,
      );
    }
    const run = {
      ...machine,
      loadAverage: load,
      date: new Date().toISOString(),
      durationS: Math.round((performance.now() - started) / 1000),
      notes,
    };
    writeResults(figures, run);
    updateBenchmarksMd(figures, run);
    console.log(textTable(figures, run));
  } finally {
    await pool?.close();
    await client?.end().catch(() => undefined);
    await cluster?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
