/**
 * Where figure 7's "first run of an editor" goes (issue 15): in one code-server, alternately,
 * (a) Ctrl+Enter in a bound .sql editor with no results panel open, to the first grid row, and
 * (b) a blank webview panel of bench/floor-extension (one script: post ready, draw one row when
 * the host answers), to its row: VS Code's own floor for a webview panel with a handshake.
 * After each, the panel is closed, so every round is a first run.
 *
 *   node --import tsx bench/first-run-breakdown.ts [rounds] [extension folder]
 *
 * Stamps: Date.now() here before the key press; in the webview's document, performance.timeOrigin
 * plus its marks (pgx:script, pgx:ready, pgx:show, pgx:first-frame) and resource timings; in the
 * workbench, the webview iframes' own timeOrigin. All are epoch ms on the machine's one clock.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { SUPERUSER, SUPERUSER_PASSWORD, startCluster } from '../test/harness/cluster';
import { openBrowser, repoRoot, runCommand, startCodeServer, waitForWorkbench } from '../test/e2e/harness/code-server';
import { caretOnLine, delay, openFile, pickConnection, waitFor } from './figures/ui-page';
import { median } from './stats';

const rounds = Number(process.argv[2] ?? 6);
const extension = path.resolve(process.argv[3] ?? repoRoot);
const SQL = 'SELECT * FROM ui_1k;';

interface Timeline {
  total: number;
  stamps: Record<string, number>;
}

/** The webview's inner document (pre/fake.html) that holds `selector`, with its stamps. */
async function webviewTimeline(page: Page, selector: string, pressed: number): Promise<Timeline | undefined> {
  for (const frame of page.frames()) {
    if (!frame.url().includes('fake.html')) continue;
    const found = await frame
      .evaluate<Record<string, number> | null>(
        `(() => {
          if (!document.querySelector(${JSON.stringify(selector)})) return null;
          const t0 = performance.timeOrigin;
          const out = { 'inner doc origin': t0 };
          for (const m of performance.getEntriesByType('mark')) out[m.name] = t0 + m.startTime;
          for (const r of performance.getEntriesByType('resource')) {
            const name = r.name.split('/').pop().split('?')[0];
            out['fetch ' + name + ' start'] = t0 + r.startTime;
            out['fetch ' + name + ' end'] = t0 + r.responseEnd;
          }
          const nav = performance.getEntriesByType('navigation')[0];
          if (nav) { out['inner DOMContentLoaded'] = t0 + nav.domContentLoadedEventEnd; out['inner load'] = t0 + nav.loadEventEnd; }
          return out;
        })()`,
      )
      .catch(() => null);
    if (!found) continue;
    const parent = frame.parentFrame();
    if (parent) {
      const outer = await parent.evaluate<number>('performance.timeOrigin').catch(() => NaN);
      found['outer iframe origin'] = outer;
    }
    const done = found['pgx:first-frame'];
    return { total: done - pressed, stamps: found };
  }
  return undefined;
}

/** Closes the panel beside the SQL editor (the caret goes back into the editor first). */
async function closeEditorTab(page: Page, title: string): Promise<void> {
  await caretOnLine(page, SQL);
  await runCommand(page, 'View: Close Editors in Other Groups');
  await page.locator('.tab', { hasText: title }).first().waitFor({ state: 'detached' });
}

/** PGX_TRACE=FILE: a Chrome trace (devtools.timeline) of the last round of ours, for a look at what the renderer did. */
async function traced<T>(page: Page, file: string | undefined, body: () => Promise<T>): Promise<T> {
  if (!file) return body();
  const cdp = await page.context().newCDPSession(page);
  const events: unknown[] = [];
  cdp.on('Tracing.dataCollected', (e: { value: unknown[] }) => void events.push(...e.value));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'v8.execute', 'loading'] } });
  const result = await body();
  const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.end');
  await done;
  fs.writeFileSync(file, JSON.stringify({ traceEvents: events }));
  return result;
}

async function timed(page: Page, key: string, selector: string, title: string, hostStamps: Map<string, number>, traceFile?: string): Promise<Timeline> {
  await caretOnLine(page, SQL);
  await delay(800);
  hostStamps.clear();
  let pressed = 0;
  let t: Timeline | undefined;
  await traced(page, traceFile, async () => {
    pressed = Date.now();
    await page.keyboard.press(key);
    await waitFor(async () => (t = await webviewTimeline(page, selector, pressed)) !== undefined && !Number.isNaN(t.total), `${selector} drawn`);
  });
  const timeline = t as Timeline;
  for (const [name, at] of hostStamps) timeline.stamps[`host ${name}`] = at;
  timeline.stamps.pressed = pressed;
  await delay(500);
  await closeEditorTab(page, title);
  return timeline;
}

function print(label: string, t: Timeline): void {
  const p = t.stamps.pressed;
  const rows = Object.entries(t.stamps)
    .filter(([, v]) => Number.isFinite(v))
    .sort((a, b) => a[1] - b[1])
    .map(([k, v]) => `    ${String(Math.round(v - p)).padStart(5)}  ${k}`);
  console.log(`${label}: ${Math.round(t.total)} ms\n${rows.join('\n')}`);
}

async function main(): Promise<void> {
  const cluster = await startCluster();
  const secretDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgx-breakdown-'));
  const client = await cluster.admin();
  await client.query(
    `CREATE TABLE ui_1k AS SELECT g AS id, 'row ' || g AS label, (g * 1.5)::numeric AS amount, now() - g * interval '1 minute' AS at FROM generate_series(1, 1000) g`,
  );
  await client.end();
  const pgpass = path.join(secretDir, 'pgpass');
  fs.writeFileSync(pgpass, `${cluster.host}:${cluster.port}:*:${SUPERUSER}:${SUPERUSER_PASSWORD}\n`, { mode: 0o600 });
  const server = await startCodeServer({
    name: 'breakdown',
    extensionDevelopmentPath: extension,
    settings: {
      'pgExplorer.results.location': 'beside',
      'pgExplorer.connections': [
        { id: 'p', name: 'Bench cluster', host: cluster.host, port: cluster.port, database: 'postgres', user: SUPERUSER, auth: 'pgpass', pgpassFile: pgpass, tls: { mode: 'disable' } },
      ],
    },
    workspaceFiles: { 'bench.sql': `${SQL}\n` },
  });
  fs.cpSync(path.join(repoRoot, 'bench', 'floor-extension'), path.join(server.runDir, 'extensions', 'pgx-bench.pgx-floor-0.0.1'), { recursive: true });
  const browser = await openBrowser(server);
  const { page } = browser;
  const hostStamps = new Map<string, number>();
  page.on('console', (message) => {
    const m = /\[pgx-stamp\] (.+?) (\d{13})/.exec(message.text());
    if (m) hostStamps.set(m[1], Number(m[2]));
  });
  try {
    await page.goto(server.url());
    await waitForWorkbench(page);
    await openFile(page, 'bench.sql', SQL);
    await runCommand(page, 'PG Explorer: Change Connection of This Editor');
    await pickConnection(page, 'Bench cluster', 'postgres');
    await delay(1000);
    // One untimed run of each: the pool's first statement, the first webview of the session.
    await timed(page, 'Control+Enter', '.grid-row [data-col="0"]', 'Results: bench.sql', hostStamps);
    await timed(page, 'Control+Alt+Shift+B', '.floor-row', 'Floor', hostStamps);
    const ours: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const order = i % 2 === 0 ? ['ours', 'floor'] : ['floor', 'ours'];
      for (const which of order) {
        const t =
          which === 'ours'
            ? await timed(page, 'Control+Enter', '.grid-row [data-col="0"]', 'Results: bench.sql', hostStamps, i === rounds - 1 ? process.env.PGX_TRACE : undefined)
            : await timed(page, 'Control+Alt+Shift+B', '.floor-row', 'Floor', hostStamps);
        (which === 'ours' ? ours : floor).push(t.total);
        print(`round ${i + 1} ${which}`, t);
      }
    }
    console.log(`ours: median ${Math.round(median(ours))} ms (${ours.map(Math.round).join(', ')})`);
    console.log(`floor: median ${Math.round(median(floor))} ms (${floor.map(Math.round).join(', ')})`);
    await page.screenshot({ path: path.join(repoRoot, 'test-results', 'breakdown.png') });
  } finally {
    await browser.close();
    await server.stop({ removeRunDir: !process.env.PGX_BENCH_KEEP });
    await cluster.stop();
    fs.rmSync(secretDir, { recursive: true, force: true });
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
