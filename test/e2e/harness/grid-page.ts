/**
 * Page objects of the results grid in code-server, shared by the e2e files that drive it: the
 * schema tree, the results webview's frame and cells, quick inputs, waiting, screenshots. The
 * ones that name the connection come from `gridPage(where)`.
 */
import * as path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { to as copyTo } from 'pg-copy-streams';
import type { Cluster } from '../../harness/cluster';
import { delay, resultsDir, runCommand } from './code-server';

/** The helpers that know which profile and database the test's tree shows. */
export function gridPage(where: { profile: string; database: string }): {
  openData(page: Page, group: string, name: string, timeoutMs?: number): Promise<Frame>;
  serverCopy(cluster: Cluster, sql: string): Promise<Buffer>;
} {
  async function openData(page: Page, group: string, name: string, timeoutMs = 20_000): Promise<Frame> {
    // Clicking the view container of a visible view would hide the side bar again.
    if (!(await treeRow(page, where.profile).first().isVisible())) await page.locator('.activitybar [aria-label^="PG Explorer"]').first().click();
    await expand(page, where.profile);
    await expand(page, where.database);
    await expand(page, 'public');
    await expand(page, group);
    const row = treeRow(page, name);
    await row.waitFor({ state: 'visible', timeout: 20_000 });
    // The row's inline "Open Data" action (the same command as its context menu entry).
    await clickPastHovers(page, row.first());
    await row.hover();
    await row.locator('.action-label[aria-label*="Open Data"]').click();
    return gridFrame(page, name, timeoutMs);
  }

  async function serverCopy(cluster: Cluster, sql: string): Promise<Buffer> {
    const client = await cluster.admin(where.database);
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of client.query(copyTo(sql))) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    } finally {
      await client.end();
    }
  }

  return { openData, serverCopy };
}

export function treeRow(page: Page, label: string) {
  return page.locator('.monaco-list-row[role=treeitem]').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) });
}

export async function expand(page: Page, label: string): Promise<void> {
  const row = treeRow(page, label).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  if ((await row.getAttribute('aria-expanded')) !== 'true') await clickPastHovers(page, row);
  await waitFor(async () => (await row.getAttribute('aria-expanded')) === 'true', `${label} expanded`);
}

/**
 * Click, dismissing whatever floats over the target first: on a loaded machine a hover card or a
 * notification's context view can open over the tree row between two attempts and take the click.
 */
export async function clickPastHovers(page: Page, target: Locator, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await target.click({ timeout: 5_000 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await page.keyboard.press('Escape');
      await page.mouse.move(1, 1);
    }
  }
}

/**
 * Right-click `target` and choose `item` from its context menu, again from the start when the menu
 * swallowed the click (a Monaco menu can ignore a click that lands while it is still opening) and
 * `opened` does not appear. The menu is closed whatever happens, so it cannot block the next test.
 */
export async function chooseFromContextMenu(page: Page, target: Locator, item: string, opened: Locator, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await clickPastHovers(page, target.first(), Math.max(5_000, deadline - Date.now()));
    await target.first().click({ button: 'right' });
    const entry = page.locator('.monaco-menu .action-label', { hasText: item }).first();
    try {
      await entry.waitFor({ state: 'visible', timeout: 5_000 });
      await entry.click({ timeout: 5_000 });
      await opened.waitFor({ state: 'visible', timeout: 5_000 });
      return;
    } catch (error) {
      if (await opened.isVisible()) return;
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw error;
    }
  }
}

/** The webview frame (two iframes deep) whose result tab names the table. */
export async function gridFrame(page: Page, table: string, timeoutMs = 20_000, names?: { editorTab: string; resultTab: string }): Promise<Frame> {
  const editorTab = names?.editorTab ?? `public.${table}`;
  const resultTab = names?.resultTab ?? `public.${table}`;
  // Bring the table's panel to the front (panels of one editor group share the space).
  const tab = page.locator('.tabs-container .tab', { hasText: editorTab }).first();
  await tab.waitFor({ state: 'visible', timeout: timeoutMs });
  await tab.click();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      const found = await frame
        .evaluate(
          `[...document.querySelectorAll('vscode-tab-header')].some((h) => h.textContent.trim() === ${JSON.stringify(resultTab)}) && !!document.querySelector('.grid')`,
        )
        .catch(() => false);
      if (found) return frame;
    }
    await delay(200);
  }
  throw new Error(`no results panel for ${table}`);
}

export function cell(grid: Frame, row: number, col: number) {
  return grid.locator(`.grid-cell[data-row="${row}"][data-col="${col}"]`);
}

export async function editCell(grid: Frame, row: number, col: number, value: string): Promise<void> {
  await cell(grid, row, col).dblclick();
  const input = grid.locator('.cell-editor');
  await input.waitFor();
  await input.fill(value);
  await input.press('Enter');
  await waitFor(async () => (await cell(grid, row, col).innerText()) === value, `cell ${row},${col} shows ${value}`);
}

export async function waitText(frame: Frame, selector: string, pattern: RegExp, timeoutMs = 20_000): Promise<void> {
  let last = '';
  await waitFor(
    async () => {
      last = String(await frame.evaluate(`document.querySelector(${JSON.stringify(selector)})?.textContent ?? 'MISSING ' + (document.querySelector('.footer')?.outerHTML ?? 'no footer')`).catch((err: Error) => err.message));
      return pattern.test(last);
    },
    () => `${selector} to match ${pattern} (last: ${JSON.stringify(last)})`,
    timeoutMs,
  );
}

export async function waitFor(check: () => Promise<boolean>, what: string | (() => string), timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await delay(100);
  }
  throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
}

/** runCommand, after any quick input still closing has gone (F1 is lost while one is open). */
export async function command(page: Page, title: string): Promise<void> {
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' }).catch(() => undefined);
  await runCommand(page, title);
}

export async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+p');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  // Enter opens the focused row. Until the typed name is applied, the list still shows the recently
  // opened files with another one focused (a file closed a moment ago is among them, not first).
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).first().waitFor();
}

export async function pick(page: Page, label: string): Promise<void> {
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: new RegExp(`^${label}`) }).first();
  await row.waitFor({ state: 'visible', timeout: 20_000 });
  await row.click();
}

export async function readClipboard(page: Page): Promise<string> {
  return String(await page.evaluate(`navigator.clipboard.readText()`).catch(() => ''));
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(resultsDir, `${name}.png`) });
}

export function header(grid: Frame, col: number) {
  return grid.locator(`.grid-hcell[data-col="${col}"]`);
}

/** The first `rows` cells of a column, as shown. */
export async function column(grid: Frame, col: number, rows: number): Promise<string[]> {
  const out: string[] = [];
  for (let r = 0; r < rows; r++) out.push(await cell(grid, r, col).innerText());
  return out;
}
