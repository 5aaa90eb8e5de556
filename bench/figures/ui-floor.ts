/**
 * VS Code's own floor under figures 7 and 8, measured with bench/floor-extension (an extension
 * that does nothing but what VS Code needs): how long a blank webview panel takes to draw one row
 * after a handshake like the grid's, in the same code-server as ours; and how long VS Code takes
 * from its activation log line to an empty extension's one log line, in a code-server of its own.
 * Both are read the same way as ours, so the bench can print ours beside the floor. And the floor
 * of Fetch all: the same pages' bytes posted to a blank webview, in the same code-server.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { FETCH_ALL_PAGE_SIZE } from '../../src/extension/results/paging';
import { PgPool } from '../../src/pool';
import type { Cluster } from '../../test/harness/cluster';
import { openBrowser, repoRoot, startCodeServer, waitForWorkbench } from '../../test/e2e/harness/code-server';
import { delay, openFile, waitFor } from './ui-page';

const FLOOR_SOURCE = path.join(repoRoot, 'bench', 'floor-extension');
export const FLOOR_ID = 'pgx-bench.pgx-floor';
/** The floor's blank panel opens with this key in a .sql editor (bench/floor-extension/package.json). */
export const FLOOR_KEY = 'Control+Alt+Shift+B';
export const FLOOR_TITLE = 'Floor';

/**
 * Copies the floor extension into a code-server's extensions folder (before the workbench is
 * opened). `activateOn: 'command'`: only when its command runs, so it does not activate beside
 * ours when the .sql file opens (figure 8 is read in that run).
 */
export function installFloor(extensionsDir: string, activateOn: 'sql' | 'command'): void {
  const target = path.join(extensionsDir, `${FLOOR_ID}-0.0.1`);
  fs.cpSync(FLOOR_SOURCE, target, { recursive: true });
  if (activateOn === 'command') {
    const pkgFile = path.join(target, 'package.json');
    const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(pkgFile, JSON.stringify({ ...pkg, activationEvents: [] }, null, 2));
  }
}

/**
 * The performance marks (epoch ms: timeOrigin + startTime) of the webview document that holds
 * `selector` and has the mark `pgx:first-frame`, or undefined. Our grid and the floor page both
 * mark pgx:first-frame in the animation frame after they drew their first run.
 */
export function webviewMarks(page: Page, selector: string): Promise<Record<string, number> | undefined> {
  return inWebviews<Record<string, number>>(
    page,
    `(() => {
      if (!document.querySelector(${JSON.stringify(selector)})) return null;
      const out = {};
      for (const m of performance.getEntriesByType('mark')) out[m.name] = performance.timeOrigin + m.startTime;
      // The webview's document before VS Code wrote the page into it (pre/fake.html).
      out['pgx:document'] = performance.timeOrigin;
      return out['pgx:first-frame'] === undefined ? null : out;
    })()`,
  );
}

/** `expression` evaluated in each webview document (VS Code's pre/fake.html frames): the first answer that is not null. */
async function inWebviews<T>(page: Page, expression: string): Promise<T | undefined> {
  for (const frame of page.frames()) {
    if (!frame.url().includes('fake.html')) continue;
    const got = await frame.evaluate<T | null>(expression).catch(() => null);
    if (got !== null) return got;
  }
  return undefined;
}

/** Key press to the floor's first frame, then its panel closed again. */
export async function timedFloor(page: Page, focusEditor: () => Promise<void>, closeBeside: () => Promise<void>): Promise<number> {
  await focusEditor();
  const pressed = Date.now();
  await page.keyboard.press(FLOOR_KEY);
  let marks: Record<string, number> | undefined;
  await waitFor(async () => (marks = await webviewMarks(page, '.floor-row')) !== undefined, 'the blank webview to draw its row');
  await delay(300);
  await closeBeside();
  return Math.round((marks as Record<string, number>)['pgx:first-frame'] - pressed);
}

/** A code-server with only the floor extension, activated by opening a .sql file; its run folder's logs. */
export async function floorActivationRun(): Promise<{ runDir: string; stop: () => Promise<void> }> {
  const server = await startCodeServer({ name: 'bench-floor', workspaceFiles: { 'floor.sql': 'SELECT 1;\n' } });
  installFloor(path.join(server.runDir, 'extensions'), 'sql');
  const browser = await openBrowser(server);
  const stop = async (): Promise<void> => {
    await browser.close();
    await server.stop({ removeRunDir: !process.env.PGX_BENCH_KEEP });
  };
  try {
    await browser.page.goto(server.url());
    await waitForWorkbench(browser.page);
    await openFile(browser.page, 'floor.sql', 'SELECT 1;');
    const logsRoot = path.join(server.runDir, 'user-data', 'logs');
    await waitFor(async () => {
      const files = fs.existsSync(logsRoot) ? (fs.readdirSync(logsRoot, { recursive: true }) as string[]) : [];
      return files.some((f) => f.endsWith(path.join(FLOOR_ID, 'PG Explorer Floor.log')) && /activated in/.test(fs.readFileSync(path.join(logsRoot, f), 'utf8')));
    }, "the floor extension's activation line");
    return { runDir: server.runDir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The floor's Fetch all runs with this key in a .sql editor (bench/floor-extension/package.json). */
export const FLOOR_BYTES_KEY = 'Control+Alt+Shift+Y';
/** Where the floor extension reads the page sizes it posts (a file of the workspace). */
export const FLOOR_PAGES_FILE = 'floor-pages.json';

/**
 * The sizes ([bytes, ends]) of the pages figure 7's Fetch all posts: the same table read as the
 * grid's Fetch all reads it (a scroll cursor, FETCH_ALL_PAGE_SIZE rows a page from `from`).
 */
export async function fetchAllPageSizes(cluster: Cluster, table: string, from: number): Promise<[number, number][]> {
  const pool = await PgPool.open(cluster.config(), { maxSize: 1 });
  try {
    const session = pool.session('floor-sizes');
    const outcome = await session.execute(`SELECT * FROM ${table}`, { scrollable: true });
    if (outcome.kind !== 'rows' || !outcome.cursor.name) throw new Error(`${table}: no scroll cursor`);
    const sizes: [number, number][] = [];
    for (let offset = from; ; ) {
      const page = await session.fetchPackedAt(outcome.cursor.name, offset, FETCH_ALL_PAGE_SIZE);
      if (page.count > 0) sizes.push([page.rows.bytes.byteLength, page.rows.ends.length]);
      offset += page.count;
      if (page.done) break;
    }
    return sizes;
  } finally {
    await pool.close();
  }
}

/**
 * The floor's Fetch all: a blank webview panel takes the same pages' bytes, posted one at a time
 * as fetchLoop does; ms from the first post to the last page's arrival (the webview's stamp).
 */
export async function timedFloorBytes(page: Page, focusEditor: () => Promise<void>, closeBeside: () => Promise<void>): Promise<number> {
  await focusEditor();
  await page.keyboard.press(FLOOR_BYTES_KEY);
  let ms: string | undefined;
  await waitFor(
    async () => (ms = await inWebviews<string>(page, `document.querySelector('.floor-bytes-done')?.dataset.ms ?? null`)) !== undefined,
    "the blank webview to take Fetch all's bytes",
    120_000,
  );
  await closeBeside();
  return Number(ms);
}
