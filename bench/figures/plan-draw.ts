/**
 * Figure 9: a ~500-node plan drawn by the plan webview. The real bundle (dist/plan-webview.js)
 * and stylesheet run in Debian's headless chromium (playwright-core) on a plain page that stands
 * in for VS Code's webview frame (acquireVsCodeApi records what the page posts); the plan is
 * EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) of a UNION ALL of 125 joins captured from the bench
 * cluster. The value is the webview's own measure: from the plan message's arrival to the laid-out
 * DOM (parse, model, DOM, layout), reported in its `plan/drawn` message. code-server is not
 * started: what it adds (postMessage across two iframes) does not depend on the plan's size.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { chromium } from 'playwright-core';
import { PlansNotification } from '../../src/shared/plan-protocol';
import type { PlanEntry } from '../../src/shared/plan-protocol';
import { BIG_PLAN_BRANCHES, PLAN_FIXTURE, unionOfJoins } from '../../test/plans/plan-fixtures';
import { SUPERUSER, SUPERUSER_PASSWORD } from '../../test/harness/cluster';
import type { Cluster } from '../../test/harness/cluster';
import { figure } from '../figure';
import { median } from '../stats';
import type { BenchFigure } from '../types';

const ROUNDS = 15;
const root = path.resolve(__dirname, '..', '..');

export async function planDrawFigures(cluster: Cluster, log: (m: string) => void): Promise<BenchFigure[]> {
  const bundle = path.join(root, 'dist', 'plan-webview.js');
  if (!fs.existsSync(bundle)) throw new Error('dist/plan-webview.js is missing: run npm run build first');
  await cluster.sql('CREATE DATABASE plans');
  await cluster.sql(PLAN_FIXTURE, [], 'plans');
  const client = new Client({ host: '127.0.0.1', port: cluster.port, database: 'plans', user: SUPERUSER, password: SUPERUSER_PASSWORD });
  await client.connect();
  let json: string;
  try {
    // The server's text, as the pool hands it to the host (no JSON parser on the way).
    const result = await client.query<Record<string, string>>({ text: `EXPLAIN (FORMAT JSON, ANALYZE, BUFFERS) ${unionOfJoins(BIG_PLAN_BRANCHES)}`, types: { getTypeParser: () => (v: string) => v } });
    json = result.rows[0]['QUERY PLAN'];
  } finally {
    await client.end();
  }
  const nodes = (json.match(/"Node Type"/g) ?? []).length;
  log(`captured a ${nodes}-node plan (${Math.round(json.length / 1024)} KiB of JSON)`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgx-plan-bench-'));
  const page = path.join(dir, 'plan.html');
  fs.writeFileSync(
    page,
    `<!DOCTYPE html><html><head><meta charset="UTF-8"><link rel="stylesheet" href="file://${path.join(root, 'media', 'plan.css')}"></head>
<body><div id="app"></div>
<script>window.__posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => undefined, setState: () => {} });</script>
<script src="file://${bundle}"></script></body></html>`,
  );
  const browser = await chromium.launch({
    executablePath: process.env.PGX_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const inPage: number[] = [];
  const toFrame: number[] = [];
  const phases: { parseMs: number; domMs: number; layoutMs: number }[] = [];
  let drawnNodes = 0;
  try {
    const tab = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await tab.goto(`file://${page}`);
    for (let round = 0; round <= ROUNDS; round++) {
      const plan: PlanEntry = { id: `plan-${round}`, sql: 'bench', options: ['ANALYZE', 'BUFFERS'], ranAt: Date.now(), json, serverVersion: 'bench' };
      const message = PlansNotification.message({ editor: 'bench.sql', plans: [plan], show: plan.id });
      // A string: bench/ is type-checked without the DOM library.
      const measured = (await tab.evaluate(
        `new Promise((resolve) => {
          const before = window.__posted.length;
          const started = performance.now();
          window.postMessage(${JSON.stringify(message)}, '*');
          const wait = () => {
            const drawn = window.__posted.slice(before).find((m) => m.method === 'plan/drawn');
            if (!drawn) return setTimeout(wait, 0);
            requestAnimationFrame(() => resolve({ ms: drawn.params.ms, phases: drawn.params.phases, nodes: drawn.params.nodes, error: drawn.params.error, frame: performance.now() - started }));
          };
          wait();
        })`,
      )) as { ms: number; phases: { parseMs: number; domMs: number; layoutMs: number }; nodes: number; error?: string; frame: number };
      if (measured.error) throw new Error(`the plan webview could not draw the plan: ${measured.error}`);
      drawnNodes = measured.nodes;
      // Round 0 warms the page's JIT up; it is left out as a warm editor would be.
      if (round === 0) continue;
      inPage.push(measured.ms);
      phases.push(measured.phases);
      toFrame.push(measured.frame);
    }
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return [
    figure({
      name: `9. plan view, ${drawnNodes}-node plan drawn (message to laid-out DOM)`,
      value: median(inPage),
      unit: 'ms',
      baseline: null,
      target: { of: 'value', op: '<', limit: 500 },
      note:
        `the real dist/plan-webview.js in headless chromium, ${ROUNDS} draws after one warm-up; EXPLAIN (ANALYZE, BUFFERS) of a UNION ALL of ${BIG_PLAN_BRANCHES} joins, ` +
        `${Math.round(json.length / 1024)} KiB of JSON; from the message's arrival to the laid-out DOM, parse and ranking included (range ${Math.min(...inPage).toFixed(1)}-${Math.max(...inPage).toFixed(1)} ms; medians: JSON and model ${median(phases.map((p) => p.parseMs)).toFixed(1)} ms, ` +
        `DOM ${median(phases.map((p) => p.domMs)).toFixed(1)} ms, layout ${median(phases.map((p) => p.layoutMs)).toFixed(1)} ms); ` +
        `from postMessage to the next animation frame: median ${median(toFrame).toFixed(1)} ms`,
    }),
  ];
}
