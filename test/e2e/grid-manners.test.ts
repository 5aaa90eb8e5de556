/**
 * Issue 17, parts 2 and 3, in a real VS Code (code-server + Debian's chromium) against a real
 * cluster. Grid manners: columns fit their content on first show (a URL, a timestamp whole; a long
 * JSON value to the bound), numbers right-aligned, Tab / Shift+Tab between cells, Enter edits,
 * the cell menu (copy value, copy row, view, set NULL, filters), the viewer wraps and is offered
 * from the cell editor, new rows show DEFAULT, a refused commit marks its cell. Honest status:
 * after Rollback no transaction note and the rows are called rolled back; a finished export's
 * message does not stay under a new result; an EXPLAIN's tab is "EXPLAIN"; a seven-statement
 * script failing at its sixth says "6 of 7". Screenshots for the README go to test-results/grid-*.png.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import type { Cluster } from '../harness/cluster';
import { delay } from './harness/code-server';
import type { Browser, CodeServer } from './harness/code-server';
import { cell, column, command, editCell, gridFrame, gridPage, header, openFile, pick, readClipboard, shot, waitFor, waitText } from './harness/grid-page';
import { closeGridWorkbench, openGridWorkbench } from './harness/grid-workbench';

const DATABASE = 'manners';
const PROFILE = 'Manners cluster';
const { openData } = gridPage({ profile: PROFILE, database: DATABASE });
const URL_VALUE = 'https://example.com/item?id=12345&ref=mail';
const STAMP = '2026-12-02 08:10:13.123456+00';

const FIXTURE = `
CREATE TABLE public.links (
  id bigint PRIMARY KEY, url text, created timestamptz, doc json, amount numeric(12,2), ratio double precision,
  note text DEFAULT 'from default'
);
INSERT INTO public.links VALUES
  (1, '${URL_VALUE}', '${STAMP}', '{"text": "${'long words wrap in the viewer '.repeat(12)}", "n": 12345678901234567890}', 1234.50, 0.125, 'first'),
  (2, 'https://example.com/', '2026-01-01 00:00:00+00', '[]', 7, 2, NULL),
  (3, NULL, NULL, NULL, NULL, NULL, 'third');
CREATE TABLE public.accounts (id int PRIMARY KEY, owner text NOT NULL);
INSERT INTO public.accounts VALUES (1, 'ada'), (2, 'grace');
ANALYZE;
`;

describe('grid manners and honest status (code-server)', { timeout: 12 * 60_000 }, () => {
  let cluster: Cluster;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    ({ cluster, server, browser, page } = await openGridWorkbench({
      name: 'grid-manners',
      database: DATABASE,
      profile: { id: 'manners-profile', name: PROFILE },
      fixture: FIXTURE,
      settings: {
        'files.simpleDialog.enable': true,
        'workbench.colorTheme': 'Default Dark Modern',
      },
      workspaceFiles: {
        'tx.sql': "BEGIN;\nUPDATE accounts SET owner = 'changed in the transaction' WHERE id = 1;\nSELECT * FROM accounts ORDER BY id;\n",
        'explain.sql': 'EXPLAIN SELECT * FROM links WHERE id > 1;\n',
        'seven.sql': [
          'CREATE TEMP TABLE s (n int);',
          'INSERT INTO s VALUES (1);',
          'INSERT INTO s VALUES (2);',
          "DO $$ BEGIN RAISE NOTICE 'three; and a semicolon'; END $$;",
          'INSERT INTO s VALUES (4);',
          'SELECT 1 / 0 AS sixth;',
          'SELECT * FROM s;',
          '',
        ].join('\n'),
      },
      clipboard: true,
    }));
  });

  after(async () => {
    await closeGridWorkbench({ cluster, server, browser, page }, 'grid-manners-last.png');
  });

  const textAlign = (grid: Frame, row: number, col: number) =>
    grid.evaluate(`getComputedStyle(document.querySelector('.grid-cell[data-row="${row}"][data-col="${col}"]')).textAlign`) as Promise<string>;
  /** Whether the cell shows its whole text (nothing cut by the column's width). */
  const fits = (grid: Frame, row: number, col: number) =>
    grid.evaluate(`(() => { const c = document.querySelector('.grid-cell[data-row="${row}"][data-col="${col}"]'); return c.scrollWidth <= c.clientWidth; })()`) as Promise<boolean>;
  const headerWidth = async (grid: Frame, col: number) => Math.round((await header(grid, col).boundingBox())?.width ?? 0);
  const focused = async (grid: Frame) => {
    const at = grid.locator('.grid-cell.focused');
    return [Number(await at.getAttribute('data-row')), Number(await at.getAttribute('data-col'))];
  };

  it('sizes columns to the header and the first page within bounds, and right-aligns numbers by type', async () => {
    const grid = await openData(page, 'Tables', 'links');
    await waitText(grid, '[data-testid=rows-loaded]', /^3 rows loaded/);
    await waitText(grid, '.edit-status', /Editing/);
    assert.equal(await cell(grid, 0, 1).innerText(), URL_VALUE);
    assert.ok(await fits(grid, 0, 1), 'the URL is not cut off');
    assert.ok(await fits(grid, 0, 2), 'the timestamp is not cut off');
    assert.equal(await headerWidth(grid, 3), 400, 'a long JSON value stops at the upper bound');
    assert.ok((await headerWidth(grid, 0)) < 120, 'the id column stays narrow');
    for (const col of [0, 4, 5]) assert.equal(await textAlign(grid, 0, col), 'right', `column ${col} (a number) is right-aligned`);
    for (const col of [1, 2, 3, 6]) assert.notEqual(await textAlign(grid, 0, col), 'right', `column ${col} is not a number`);
    await shot(page, 'grid-fit-columns');
  });

  it('keeps a width the user dragged when the result is sorted', async () => {
    const grid = await gridFrame(page, 'links');
    const before = await headerWidth(grid, 2);
    const handle = await grid.locator('.grid-hcell[data-col="2"] .col-resize').boundingBox();
    assert.ok(handle);
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + 60, handle.y + handle.height / 2, { steps: 5 });
    await page.mouse.up();
    await waitFor(async () => (await headerWidth(grid, 2)) - before > 40, 'the drag to widen the column');
    const dragged = await headerWidth(grid, 2);
    await waitFor(async () => (await header(grid, 0).getAttribute('class'))?.includes('sortable') ?? false, 'the header to offer sorting');
    await header(grid, 0).click();
    await waitText(grid, '[data-testid=sort-summary]', /sorted by id/);
    await waitText(grid, '.edit-status', /Editing/);
    let width = 0;
    await waitFor(async () => (width = await headerWidth(grid, 2)) > 0, 'the sorted result drawn');
    assert.equal(width, dragged, 'the dragged width stays after the sort');
    // Back to unsorted (ascending, descending, none).
    await header(grid, 0).click();
    await waitText(grid, '[data-testid=sort-summary]', /sorted by id ▼/);
    await header(grid, 0).click();
    await waitFor(async () => (await grid.locator('[data-testid=sort-summary]').count()) === 0 || !/sorted/.test((await grid.locator('[data-testid=sort-summary]').textContent()) ?? ''), 'no sort');
    await waitText(grid, '[data-testid=rows-loaded]', /^3 rows loaded/);
  });

  it('moves between cells with Tab and Shift+Tab (wrapping rows, never leaving the grid), and Enter edits', async () => {
    const grid = await gridFrame(page, 'links');
    // The sort re-ran the query: its editability is checked again.
    await waitText(grid, '.edit-status', /Editing/);
    await cell(grid, 0, 5).click();
    await page.keyboard.press('Tab');
    assert.deepEqual(await focused(grid), [0, 6]);
    await page.keyboard.press('Tab');
    assert.deepEqual(await focused(grid), [1, 0], 'Tab at the end of a row goes on to the next row');
    await page.keyboard.press('Shift+Tab');
    assert.deepEqual(await focused(grid), [0, 6]);
    assert.equal(await grid.evaluate(`document.activeElement?.classList.contains('grid')`), true, 'the focus stayed in the grid');
    await page.keyboard.press('Enter');
    const input = grid.locator('.cell-editor');
    await input.waitFor();
    await input.fill('typed');
    await page.keyboard.press('Tab');
    await waitFor(async () => (await input.count()) === 0, 'the editor to close');
    assert.equal(await cell(grid, 0, 6).innerText(), 'typed');
    assert.deepEqual(await focused(grid), [1, 0], 'Tab in the editor commits and moves on');
    await grid.locator('[data-action=discard]').click();
    await waitFor(async () => (await cell(grid, 0, 6).innerText()) === 'first', 'the edit discarded');
  });

  it('offers copy value, copy row, view and set NULL in the cell menu, and the viewer wraps', async () => {
    const grid = await gridFrame(page, 'links');
    await waitText(grid, '.edit-status', /Editing/);
    await cell(grid, 0, 1).click({ button: 'right' });
    const menu = grid.locator('[data-testid=cell-menu]');
    await menu.waitFor();
    const actions = (await menu.locator('.cell-menu-action').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    assert.deepEqual(actions, ['Copy value', 'Copy row', 'View value Shift+Enter', 'Set NULL']);
    assert.ok((await menu.locator('.cell-menu-item').count()) > 0, 'the quick filters follow');
    await shot(page, 'grid-cell-menu');
    await page.keyboard.press('Escape');
    // View: the JSON, pretty-printed and wrapped (no sideways scrolling).
    await cell(grid, 0, 3).click({ button: 'right' });
    await menu.locator('[data-action=cell-view-value]').click();
    const viewer = grid.locator('.viewer-text');
    await viewer.waitFor();
    assert.match(await viewer.inputValue(), /"n": 12345678901234567890/);
    assert.equal(await grid.evaluate(`getComputedStyle(document.querySelector('.viewer-text')).whiteSpace`), 'pre-wrap');
    assert.equal(await grid.evaluate(`(() => { const a = document.querySelector('.viewer-text'); return a.scrollWidth <= a.clientWidth; })()`), true, 'no line runs off the side');
    await shot(page, 'grid-viewer-wrapped');
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
    // The cell editor offers the viewer too (the way to Shift+Enter is on screen).
    await cell(grid, 1, 1).click();
    await page.keyboard.press('Enter');
    await grid.locator('.cell-editor').waitFor();
    await grid.locator('.cell-editor-expand').click();
    await viewer.waitFor();
    assert.equal(await viewer.inputValue(), 'https://example.com/');
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
    // Set NULL from the menu is a pending edit like any other.
    await cell(grid, 0, 6).click({ button: 'right' });
    await menu.locator('[data-action=cell-set-null]').click();
    await waitFor(async () => (await cell(grid, 0, 6).innerText()) === 'NULL', 'the cell set to NULL');
    assert.match((await cell(grid, 0, 6).getAttribute('class')) ?? '', /\bedited\b/);
    await grid.locator('[data-action=discard]').click();
  });

  it('marks the cell whose value the server refused, and says so, writing nothing', async () => {
    const grid = await gridFrame(page, 'links');
    await editCell(grid, 1, 5, '3.5');
    await editCell(grid, 1, 3, '{"a": ');
    await grid.locator('[data-action=commit]').click();
    await waitText(grid, '.banner', /Nothing was written: the server refused row 2, column doc: invalid input syntax for type json/);
    await waitFor(async () => /\brefused\b/.test((await cell(grid, 1, 3).getAttribute('class')) ?? ''), 'the refused cell marked');
    assert.doesNotMatch((await cell(grid, 1, 5).getAttribute('class')) ?? '', /\brefused\b/, 'only that cell');
    await waitText(grid, '[data-testid=refused-cell]', /Commit refused at row 2, column doc/);
    await shot(page, 'grid-refused-cell');
    assert.deepEqual(await cluster.sql('SELECT ratio FROM links WHERE id = 2', [], DATABASE), [{ ratio: 2 }], 'nothing was written');
    await editCell(grid, 1, 3, '{"a": 1}');
    assert.doesNotMatch((await cell(grid, 1, 3).getAttribute('class')) ?? '', /\brefused\b/);
    await grid.locator('[data-action=commit]').click();
    await waitText(grid, '.banner', /Committed: 1 updated/);
    assert.equal(await grid.locator('[data-testid=refused-cell]').count(), 0);
  });

  it("shows DEFAULT in a new row's cells until typed, and the server's default after the commit", async () => {
    const grid = await gridFrame(page, 'links');
    await grid.locator('[data-action=add-row]').click();
    await waitFor(async () => (await grid.locator('.grid-row.row-new').count()) === 1, 'a new row');
    for (const col of [0, 1, 6]) {
      assert.equal(await cell(grid, 0, col).innerText(), 'DEFAULT');
      assert.match((await cell(grid, 0, col).getAttribute('class')) ?? '', /\bdefault\b/);
    }
    await editCell(grid, 0, 0, '4');
    assert.doesNotMatch((await cell(grid, 0, 0).getAttribute('class')) ?? '', /\bdefault\b/);
    await shot(page, 'grid-new-row-default');
    await grid.locator('[data-action=commit]').click();
    await waitText(grid, '.banner', /Committed: 0 updated, 1 inserted/);
    assert.equal(await cell(grid, 0, 6).innerText(), 'from default', 'the row as stored');
    assert.deepEqual(await cluster.sql('SELECT note, url FROM links WHERE id = 4', [], DATABASE), [{ note: 'from default', url: null }]);
  });

  it("does not keep a finished export's message under a new result", async () => {
    const grid = await gridFrame(page, 'links');
    const file = path.join(server.workspace, 'links.csv');
    await grid.locator('.toolbar [data-action=export-csv]').click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await waitFor(async () => {
      await input.fill(file);
      await delay(300);
      return (await input.inputValue()) === file;
    }, 'the save dialog to take the path');
    await page.keyboard.press('Enter');
    await waitText(grid, '.footer', /CSV export done, 4 rows/, 60_000);
    // Open Data again: a new run in the same panel.
    const again = await openData(page, 'Tables', 'links');
    await waitText(again, '[data-testid=rows-loaded]', /^4 rows loaded/);
    await delay(500);
    assert.doesNotMatch((await again.locator('.footer').textContent()) ?? '', /export/i);
  });

  it('after Rollback drops the transaction note and says the rows shown were rolled back', async () => {
    await openFile(page, 'tx.sql');
    await command(page, 'PG Explorer: Run All Statements');
    await pick(page, PROFILE);
    await pick(page, DATABASE);
    const grid = await gridFrame(page, 'accounts', 30_000, { editorTab: 'tx.sql', resultTab: 'accounts' });
    await waitText(grid, '.footer', /The session is inside a transaction/);
    assert.equal(await cell(grid, 0, 1).innerText(), 'changed in the transaction');
    assert.ok(await fits(grid, 0, 1), 'the value fits its column');
    assert.equal(await grid.locator('[data-testid=stale-rows]').count(), 0);
    await page.locator('.tabs-container .tab', { hasText: 'tx.sql' }).first().click();
    await command(page, 'PG Explorer: Rollback Transaction');
    await waitText(grid, '[data-testid=stale-rows]', /^Rolled back: these rows were read inside a transaction that was rolled back/);
    assert.doesNotMatch((await grid.locator('.footer').textContent()) ?? '', /inside a transaction\./);
    assert.deepEqual(await cluster.sql('SELECT owner FROM accounts WHERE id = 1', [], DATABASE), [{ owner: 'ada' }]);
    await shot(page, 'grid-rolled-back');
  });

  it('names an EXPLAIN result "EXPLAIN", and opens a read-only cell in the viewer on double-click', async () => {
    await openFile(page, 'explain.sql');
    await command(page, 'PG Explorer: Run All Statements');
    await pick(page, PROFILE);
    await pick(page, DATABASE);
    const grid = await gridFrame(page, 'explain', 30_000, { editorTab: 'explain.sql', resultTab: 'EXPLAIN' });
    const tabs = (await grid.locator('vscode-tab-header').allTextContents()).map((t) => t.trim());
    assert.deepEqual(tabs, ['EXPLAIN', 'Messages']);
    await cell(grid, 0, 0).dblclick();
    const viewer = grid.locator('.viewer-text');
    await viewer.waitFor();
    assert.match(await viewer.inputValue(), /Scan on links/);
    await page.keyboard.press('Escape');
  });

  // Last: reading the clipboard from the workbench page can take the focus out of the webview.
  it('copies a value and a row from the cell menu', async () => {
    const grid = await gridFrame(page, 'links');
    const menu = grid.locator('[data-testid=cell-menu]');
    const row = (await column(grid, 0, 4)).indexOf('2');
    assert.ok(row >= 0);
    await cell(grid, row, 1).click({ button: 'right' });
    await menu.locator('[data-action=cell-copy-value]').click();
    await waitFor(async () => (await readClipboard(page)) === 'https://example.com/', 'the value on the clipboard');
    await cell(grid, row, 0).click({ button: 'right' });
    await menu.locator('[data-action=cell-copy-row]').click();
    await waitFor(async () => (await readClipboard(page)).startsWith('id\turl\tcreated\tdoc\tamount\tratio\tnote\n2\thttps://example.com/\t'), 'the row as TSV');
  });

  it('says "statement 6 of 7 failed" for a seven-statement script that fails at its sixth', async () => {
    await openFile(page, 'seven.sql');
    await command(page, 'PG Explorer: Run All Statements');
    await pick(page, PROFILE);
    await pick(page, DATABASE);
    const status = page.locator('.statusbar');
    let last = '';
    await waitFor(async () => /statement 6 of 7 failed \(5 ran before it, 1 not run\)/.test((last = (await status.textContent()) ?? '')), () => `the status bar (${last})`);
  });
});
