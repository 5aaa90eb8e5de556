/**
 * The results grid in a real VS Code (code-server + Debian's chromium through playwright-core)
 * against a real cluster: Open data of a 100,000-row table, paging to the bottom with a bounded
 * DOM, editing (commit, conflict, insert, delete), cancel, and export compared with the server's
 * own COPY. Screenshots go to test-results/results-*.png.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import type { Cluster } from '../harness/cluster';
import { delay } from './harness/code-server';
import type { Browser, CodeServer } from './harness/code-server';
import { cell, chooseFromContextMenu, command, editCell, expand, gridFrame, gridPage, openFile, pick, readClipboard, shot, treeRow, waitFor, waitText } from './harness/grid-page';
import { closeGridWorkbench, openGridWorkbench } from './harness/grid-workbench';

const DATABASE = 'grid';
const PROFILE = 'Grid cluster';
const { openData, serverCopy } = gridPage({ profile: PROFILE, database: DATABASE });
/** Above big's 100,000 rows, below huge's 200,000. */
const ROW_CAP = 150_000;

const FIXTURE = `
CREATE TABLE public.big (id bigint PRIMARY KEY, label text, amount numeric(12,2), note text, doc jsonb, raw bytea);
INSERT INTO public.big
SELECT g, 'row ' || g, g * 1.25,
       CASE WHEN g % 10 = 0 THEN NULL WHEN g % 10 = 5 THEN '' ELSE 'note ' || g END,
       CASE WHEN g = 3 THEN '{"nested": {"big": 12345678901234567890, "list": [1, 2, 3]}, "text": "${'long '.repeat(80)}"}'::jsonb END,
       CASE WHEN g = 3 THEN '\\x48656c6c6f'::bytea END
FROM generate_series(1, 100000) g;
CREATE TABLE public.people (id int PRIMARY KEY, name text NOT NULL, email text);
INSERT INTO public.people VALUES (1, 'alice', 'a@x'), (2, 'bob', NULL), (3, 'carol', ''), (4, 'dave', 'd@x');
CREATE TABLE public.huge (id int PRIMARY KEY);
INSERT INTO public.huge SELECT g FROM generate_series(1, 200000) g;
DO $$ BEGIN
  EXECUTE 'CREATE TABLE public.wide (id int PRIMARY KEY, ' || (SELECT string_agg(format('c%s int', g), ', ') FROM generate_series(2, 500) g) || ')';
  EXECUTE 'INSERT INTO public.wide SELECT r, ' || (SELECT string_agg(format('r * %s', g), ', ') FROM generate_series(2, 500) g) || ' FROM generate_series(1, 1000) r';
END $$;
CREATE VIEW public.slow AS SELECT g, pg_sleep(0.02)::text AS nap FROM generate_series(1, 100000) g;
ANALYZE;
`;

describe('results grid (code-server)', { timeout: 12 * 60_000 }, () => {
  let cluster: Cluster;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  const cspViolations: string[] = [];

  before(async () => {
    ({ cluster, server, browser, page } = await openGridWorkbench({
      name: 'results',
      database: DATABASE,
      profile: { id: 'grid-profile', name: PROFILE },
      fixture: FIXTURE,
      settings: {
        // The save dialog as a quick input the test can type a path into.
        'files.simpleDialog.enable': true,
        'workbench.colorTheme': 'Default Dark Modern',
        'pgExplorer.results.maxRowsInGrid': ROW_CAP,
      },
      workspaceFiles: {
        'broken.sql': 'SELECT 1;\nSELECT 1 / 0 AS boom;\nSELECT 2;\n',
        // Fault drill (issue 8): one 100 MB value in a result.
        'hundred.sql': "SELECT 1 AS id, repeat('x', 100 * 1024 * 1024) AS v;\n",
        'three.sql': [
          'SELECT g AS a FROM generate_series(1, 3000) g;',
          'SELECT g AS b FROM generate_series(1, 2500) g;',
          'SELECT g AS c FROM generate_series(1, 2000) g;',
          '',
        ].join('\n'),
        'multi.sql': [
          'SELECT id, name FROM people ORDER BY id;',
          'UPDATE people SET email = email WHERE id = 1;',
          "DO $$ BEGIN RAISE NOTICE 'hello from the run'; END $$;",
          'SELECT g AS n, g * 2 AS twice FROM generate_series(1, 5000) g;',
          '',
        ].join('\n'),
      },
      clipboard: true,
      // Console messages of every frame, the webviews' included: a CSP violation shows up here.
      onBrowser: (b) =>
        b.page.on('console', (message) => {
          if (/Content Security Policy|Refused to (load|execute|apply)/i.test(message.text())) cspViolations.push(message.text());
        }),
    }));
  });

  after(async () => {
    await closeGridWorkbench({ cluster, server, browser, page }, 'results-last.png');
  });

  it('opens a 100,000-row table and reaches its bottom by the scrollbar, rows in order, a bounded DOM', async () => {
    const grid = await openData(page, 'Tables', 'big');
    // The first page shows at once; being near its end, the grid asks for the next page right away.
    await waitText(grid, '[data-testid=rows-loaded]', /^1,100 rows loaded/);
    await waitText(grid, '.footer', /more available/);
    assert.match(await grid.locator('.footer').innerText(), /holds a transaction/);
    const headers = await grid.locator('.grid-hcell').allInnerTexts();
    assert.match(headers[0], /id\s+bigint/);
    assert.match(headers[2], /amount\s+numeric/);
    // NULL is drawn apart from the empty string.
    assert.equal(await cell(grid, 9, 3).innerText(), 'NULL');
    assert.match((await cell(grid, 9, 3).getAttribute('class')) ?? '', /\bnull\b/);
    assert.equal(await cell(grid, 4, 3).innerText(), '');
    assert.doesNotMatch((await cell(grid, 4, 3).getAttribute('class')) ?? '', /\bnull\b/);
    await shot(page, 'results-table-data');

    let maxRows = 0;
    for (let step = 0; step < 400; step++) {
      const state = (await grid.evaluate(`(() => {
        const g = document.querySelector('.grid');
        g.scrollTop = g.scrollHeight;
        const rows = [...document.querySelectorAll('.grid-row')];
        const pairs = rows.map((r) => [r.querySelector('.grid-rownum')?.textContent ?? '', r.querySelector('[data-col="0"]')?.textContent ?? '']);
        return { count: rows.length, pairs, footer: document.querySelector('.footer')?.textContent ?? '' };
      })()`)) as { count: number; pairs: [string, string][]; footer: string };
      maxRows = Math.max(maxRows, state.count);
      // Row n holds id n: rows arrived in order, none missing or repeated.
      for (const [label, id] of state.pairs) if (id) assert.equal(id, label);
      // The scrollbar at the bottom from far above reaches the true end: the rows are counted.
      if (/of 100,000/.test(state.footer)) break;
      await delay(50);
    }
    const footer = await grid.locator('.footer').innerText();
    assert.match(footer, /of 100,000/, 'the grid knows the whole result without loading it');
    assert.match(footer, /holds a transaction/, 'the scroll cursor stays open: any row can still be read');
    assert.ok(maxRows > 10 && maxRows < 120, `DOM rows stayed bounded (max ${maxRows})`);
    // The last pages came in after the last scroll: scroll to the bottom once more.
    await grid.evaluate(`document.querySelector('.grid').scrollTop = 1e9`);
    await waitFor(
      async () =>
        (await grid.evaluate(`(() => {
          const rows = [...document.querySelectorAll('.grid-row')];
          return rows.map((r) => r.querySelector('[data-col="0"]')?.textContent ?? '').filter(Boolean).pop();
        })()`)) === '100000',
      'the last row, id 100000, at the bottom',
    );
    await shot(page, 'results-scrolled-to-end');
    // Keyboard: Ctrl+Home goes back to the first row; Shift+Down selects, Ctrl+C copies.
    await grid.locator('.grid').focus();
    await page.keyboard.press('Control+Home');
    await waitFor(async () => (await cell(grid, 0, 0).getAttribute('class'))?.includes('focused') ?? false, 'focus on row 1');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowRight');
    assert.equal(await grid.locator('.grid-cell.selected').count(), 6);
    await page.keyboard.press('Control+c');
    await waitFor(async () => (await readClipboard(page)) === 'id\tlabel\n1\trow 1\n2\trow 2\n3\trow 3', 'the selection as TSV on the clipboard');
    await page.keyboard.press('PageDown');
    const afterPage = await grid.evaluate(`document.querySelector('.grid-cell.focused')?.dataset.row`);
    assert.ok(Number(afterPage) > 10, `Page Down moved a screen (to row ${String(afterPage)})`);

    // Column resize: drag the label column's right edge.
    // Header cells are redrawn with the grid: measure the current one each time.
    const headerWidth = async (): Promise<number> => {
      let width = 0;
      await waitFor(async () => {
        width = Number(await grid.evaluate(`document.querySelector('.grid-hcell[data-col="1"]')?.getBoundingClientRect().width ?? 0`));
        return width > 0;
      }, 'the label header');
      return width;
    };
    const before = await headerWidth();
    const box = { x: 0, y: 0, width: 0, height: 0 };
    await waitFor(async () => {
      const found = await grid.locator('.col-resize[data-resize="1"]').boundingBox().catch(() => null);
      if (found) Object.assign(box, found);
      return found !== null;
    }, 'the resize handle');
    const handle = box;
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + 80, handle.y + handle.height / 2, { steps: 5 });
    await page.mouse.up();
    let width = 0;
    let cellWidth = 0;
    await waitFor(
      async () => {
        width = await headerWidth();
        cellWidth = (await cell(grid, Number(afterPage), 1).boundingBox().catch(() => null))?.width ?? 0;
        return Math.abs(width - before - 77) < 6 && Math.round(cellWidth) === Math.round(width);
      },
      () => `the column and its cells to grow by the drag (${before} -> header ${width}, cell ${cellWidth})`,
    );
  });

  it('shows long values cut in the cell and whole in the viewer (JSON pretty-printed, bytea as hex)', async () => {
    const grid = await gridFrame(page, 'big');
    await grid.evaluate(`document.querySelector('.grid').scrollTop = 0`);
    await cell(grid, 2, 4).locator('.more').click();
    const viewer = grid.locator('.viewer-text');
    await viewer.waitFor();
    const text = await viewer.inputValue();
    assert.match(text, /^\{\n {2}"text": "long long/);
    assert.match(text, /\n {2}"nested": \{\n {4}"big"/);
    assert.match(text, /"big": 12345678901234567890/);
    await shot(page, 'results-value-viewer');
    await page.keyboard.press('Escape');
    await cell(grid, 2, 5).dblclick();
    // The table is editable, so a double click edits; the viewer opens with Shift+Enter.
    await page.keyboard.press('Escape');
    await grid.locator('.grid').focus();
    await page.keyboard.press('Shift+Enter');
    await viewer.waitFor();
    assert.match(await viewer.inputValue(), /\\x48656c6c6f|^\\x/);
    await page.keyboard.press('Escape');
    await grid.evaluate(`document.querySelector('.grid').scrollTop = 22 * 5000`);
  });

  it('edits a cell and commits it', async () => {
    const grid = await openData(page, 'Tables', 'people');
    await waitText(grid, '[data-testid=rows-loaded]', /^4 rows loaded/);
    await waitText(grid, '.edit-status', /Editing/);
    await editCell(grid, 0, 1, 'alicia');
    assert.match((await cell(grid, 0, 1).getAttribute('class')) ?? '', /edited/);
    await waitText(grid, '.edit-status', /1 edited/);
    await shot(page, 'results-pending-edit');
    await grid.locator('[data-action=commit]').click();
    await waitText(grid, '.banner', /Committed: 1 updated/);
    assert.deepEqual(await cluster.sql('SELECT name FROM people WHERE id = 1', [], DATABASE), [{ name: 'alicia' }]);
  });

  it('shows a conflict when another connection changed the row first, writing nothing; keep mine re-applies', async () => {
    const grid = await gridFrame(page, 'people');
    await cluster.sql("UPDATE people SET name = 'BOB' WHERE id = 2", [], DATABASE);
    await editCell(grid, 1, 1, 'robert');
    await grid.locator('[data-action=commit]').click();
    await waitText(grid, '.banner', /Nothing was written/);
    const conflict = grid.locator('.conflict');
    await conflict.waitFor();
    assert.match(await conflict.innerText(), /"name" changed on the server/);
    assert.match(await conflict.innerText(), /name=BOB/);
    assert.deepEqual(await cluster.sql('SELECT name FROM people WHERE id = 2', [], DATABASE), [{ name: 'BOB' }]);
    await shot(page, 'results-conflict');
    await grid.locator('[data-action=keep-mine]').click();
    await grid.locator('[data-action=commit]').click();
    await waitText(grid, '.banner', /Committed: 1 updated/);
    assert.deepEqual(await cluster.sql('SELECT name FROM people WHERE id = 2', [], DATABASE), [{ name: 'robert' }]);
  });

  it('inserts a row and deletes rows', async () => {
    const grid = await gridFrame(page, 'people');
    await grid.locator('[data-action=add-row]').click();
    await waitFor(async () => (await grid.locator('.grid-row.row-new').count()) === 1, 'a new row');
    await editCell(grid, 0, 0, '5');
    await editCell(grid, 0, 1, 'eve');
    // Select the row of carol (id 3, now display row 3 under the new row) and mark it deleted.
    await grid.locator('.grid-rownum', { hasText: /^3$/ }).click();
    await grid.locator('[data-action=delete-rows]').click();
    await waitFor(async () => (await grid.locator('.grid-row.row-deleted').count()) === 1, 'a row marked deleted');
    await waitText(grid, '.edit-status', /1 new, 1 deleted/);
    await shot(page, 'results-insert-delete');
    await grid.locator('[data-action=commit]').click();
    await waitText(grid, '.banner', /Committed: 0 updated, 1 inserted, 1 deleted/);
    assert.deepEqual(await cluster.sql('SELECT id, name, email FROM people ORDER BY id', [], DATABASE), [
      { id: 1, name: 'alicia', email: 'a@x' },
      { id: 2, name: 'robert', email: null },
      { id: 4, name: 'dave', email: 'd@x' },
      { id: 5, name: 'eve', email: null },
    ]);
    assert.equal(await grid.locator('.grid-row.row-new').count(), 0);
  });

  it('exports the whole table as CSV, equal to the server COPY output', async () => {
    const grid = await gridFrame(page, 'big');
    // The panel was hidden behind the people panel: its rows and scroll position are still there.
    assert.match((await grid.locator('.footer').textContent()) ?? '', /of 100,000/);
    assert.equal(await grid.evaluate(`document.querySelector('.grid').scrollTop`), 22 * 5000);
    const file = path.join(server.workspace, 'big-export.csv');
    await grid.locator('[data-action=export-csv]').click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    // The dialog fills in its default name a moment after it shows: type the path once it is settled.
    await waitFor(async () => {
      await input.fill(file);
      await delay(300);
      return (await input.inputValue()) === file;
    }, 'the save dialog to take the path');
    await page.keyboard.press('Enter');
    await waitText(grid, '.footer', /CSV export done, 100,000 rows/, 60_000);
    await shot(page, 'results-export-done');
    const expected = await serverCopy(cluster, 'COPY (SELECT * FROM public.big ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER true)');
    assert.ok(fs.readFileSync(file).equals(expected), 'the exported file is the server COPY output');
  });

  it('exports a table from the tree (context menu > Export Data), equal to COPY ... TO STDOUT', async () => {
    if (!(await treeRow(page, PROFILE).first().isVisible())) await page.locator('.activitybar [aria-label^="PG Explorer"]').first().click();
    await expand(page, PROFILE);
    await expand(page, DATABASE);
    await expand(page, 'public');
    await expand(page, 'Tables');
    const row = treeRow(page, 'people').first();
    await row.waitFor({ state: 'visible' });
    const csv = page.locator('.quick-input-list .monaco-list-row', { hasText: 'CSV' }).first();
    await chooseFromContextMenu(page, row, 'Export Data…', csv);
    await csv.click();
    const file = path.join(server.workspace, 'people-from-tree.csv');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await waitFor(async () => {
      await input.fill(file);
      await delay(300);
      return (await input.inputValue()) === file;
    }, 'the save dialog to take the path');
    await page.keyboard.press('Enter');
    await waitFor(async () => fs.existsSync(file), 'the exported file', 30_000);
    await shot(page, 'tree-export-done');
    const expected = await serverCopy(cluster, 'COPY (SELECT * FROM public.people ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER true)');
    assert.ok(fs.readFileSync(file).equals(expected), 'the exported file is the server COPY output');
    assert.equal(fs.readdirSync(server.workspace).filter((f) => f.endsWith('.part')).length, 0, 'no partial file is left');
  });

  it('stops holding rows at the row cap and offers export instead', async () => {
    const grid = await openData(page, 'Tables', 'huge');
    await waitText(grid, '.footer', /more available/);
    await grid.locator('[data-action=fetch-all]').click();
    await waitText(grid, '.footer', /Row cap \(150,000\) reached/, 60_000);
    const footer = (await grid.locator('.footer').textContent()) ?? '';
    assert.match(footer, /^150,000 rows loaded/);
    assert.equal(await grid.locator('.footer [data-action=fetch-all]').count(), 0);
    assert.equal(await grid.locator('.footer [data-action=export-csv]').count(), 1);
    await shot(page, 'results-row-cap');
    await grid.locator('.footer [data-action=close-cursor]').click();
    await waitFor(async () => !/holds a transaction/.test((await grid.locator('.footer').textContent()) ?? ''), 'the cursor closed');
  });

  it('cancels a long fetch', async () => {
    const grid = await openData(page, 'Views', 'slow', 30_000);
    await waitText(grid, '[data-testid=rows-loaded]', /rows loaded/, 30_000);
    await grid.locator('[data-action=fetch-all]').click();
    await grid.locator('[data-action=cancel]').click();
    await waitText(grid, '.footer', /cancelled/, 30_000);
    await shot(page, 'results-cancelled');
    const active = await cluster.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND query LIKE '%slow%' AND state = 'active' AND pid <> pg_backend_pid()",
      [DATABASE],
    );
    assert.equal(active[0].n, 0, 'nothing is left running on the server');
  });

  it('shows every result set of a run as a tab, and every statement under Messages', async () => {
    await openFile(page, 'multi.sql');
    await command(page, 'PG Explorer: Run All Statements');
    await pick(page, PROFILE);
    await pick(page, DATABASE);
    const grid = await gridFrame(page, 'people', 30_000, { editorTab: 'multi.sql', resultTab: '1: people' });
    const tabs = await grid.locator('vscode-tab-header').allTextContents();
    assert.deepEqual(tabs.map((t) => t.trim()), ['1: people', '2: generate_series', 'Messages']);
    await grid.locator('vscode-tab-header', { hasText: '2: generate_series' }).click();
    await waitText(grid, '[data-testid=rows-loaded]', /rows loaded/);
    assert.match((await grid.locator('.read-only').textContent()) ?? '', /computed|not a column of a table/);
    await grid.locator('vscode-tab-header', { hasText: 'Messages' }).click();
    const messages = grid.locator('.messages');
    await messages.waitFor();
    const text = (await messages.textContent()) ?? '';
    assert.match(text, /UPDATE.*1 row/);
    assert.match(text, /NOTICE: hello from the run/);
    assert.equal(await grid.locator('.statement').count(), 4);
    await shot(page, 'results-messages');
    assert.match(text, /SELECT\s*100\+ rows/, 'the pageable result says more rows may come');
    await grid.locator('vscode-tab-header', { hasText: '2: generate_series' }).click();
    await waitText(grid, '.footer', /more available/);
    // A result of a run of several statements is a named cursor: it holds no transaction.
    assert.match((await grid.locator('.footer').textContent()) ?? '', /server keeps the rest of this result/);
    await grid.locator('[data-action=close-cursor]').click();
    await waitFor(async () => !/server keeps the rest/.test((await grid.locator('.footer').textContent()) ?? ''), 'the cursor closed');
    assert.match((await grid.locator('.footer').textContent()) ?? '', /you closed the cursor/);
  });

  it('pages every result set of a three-statement run to its end, earlier ones included', async () => {
    await openFile(page, 'three.sql');
    await command(page, 'PG Explorer: Run All Statements');
    await pick(page, PROFILE);
    await pick(page, DATABASE);
    const grid = await gridFrame(page, 'three', 30_000, { editorTab: 'three.sql', resultTab: '1: generate_series' });
    const tabs = (await grid.locator('vscode-tab-header').allTextContents()).map((t) => t.trim());
    assert.deepEqual(tabs, ['1: generate_series', '2: generate_series', '3: generate_series', 'Messages']);
    // The last first, then the earlier ones: paging an earlier result must not lose it.
    for (const [tab, total, first] of [['3: generate_series', '2,000', '1'], ['1: generate_series', '3,000', '1'], ['2: generate_series', '2,500', '1']] as const) {
      await grid.locator('vscode-tab-header', { hasText: tab }).click();
      await waitText(grid, '.footer', /more available/);
      await grid.locator('[data-action=fetch-all]').click();
      await waitText(grid, '[data-testid=rows-loaded]', new RegExp(`^${total} rows loaded`), 60_000);
      assert.doesNotMatch((await grid.locator('.footer').textContent()) ?? '', /more available|closed its cursor/);
      assert.equal(await cell(grid, 0, 0).innerText(), first);
    }
    await shot(page, 'results-three-paged');
    assert.deepEqual(
      // The Open Data tabs of the tests before keep their scroll cursors (and their transactions) open on purpose.
      await cluster.sql("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND state LIKE 'idle in transaction%' AND query NOT LIKE '%pgx_scroll_%'", [DATABASE]),
      [{ n: 0 }],
      'no transaction is left open by the run',
    );
  });

  it('says so when a reloaded panel lost its rows, and never re-runs the query', async () => {
    const old = await gridFrame(page, 'people');
    await command(page, 'Developer: Reload Webviews');
    await waitFor(async () => old.isDetached(), 'the old webview page to go');
    const grid = await gridFrame(page, 'people');
    await waitText(grid, '.banner', /The panel was reloaded/);
    await waitText(grid, '.edit-status', /Editing public\.people/);
    // Nothing ran again: the grid is empty rather than refilled.
    assert.match((await grid.locator('.footer').textContent()) ?? '', /^0 rows loaded/);
  });

  it('loads everything under its Content-Security-Policy (nothing refused)', () => {
    assert.deepEqual(cspViolations, []);
  });

  it('keeps a 500-column result to the columns in view', async () => {
    const grid = await openData(page, 'Tables', 'wide');
    await waitText(grid, '[data-testid=rows-loaded]', /rows loaded/);
    const before = await grid.locator('.grid-hcell').count();
    assert.ok(before > 3 && before < 40, `header cells in the DOM: ${before}`);
    assert.ok((await grid.locator('.grid-row').first().locator('.grid-cell').count()) < 40);
    await grid.evaluate(`document.querySelector('.grid').scrollLeft = 1e9`);
    await waitFor(async () => (await grid.locator('.grid-hcell .col-name').allTextContents()).includes('c500'), 'the last column in view');
    assert.ok((await grid.locator('.grid-hcell').count()) < 40);
    await shot(page, 'results-wide');
  });

  it('shows a failing statement under Messages with the server error', async () => {
    await openFile(page, 'broken.sql');
    await command(page, 'PG Explorer: Run All Statements');
    await pick(page, PROFILE);
    await pick(page, DATABASE);
    // The editor's results are docked in the panel (pgExplorer.results.location "panel"), not a tab
    // among the editors: with the editor active, its results are the docked view's.
    const tab = page.locator('.tabs-container .tab', { hasText: 'broken.sql' }).first();
    await tab.waitFor({ state: 'visible', timeout: 30_000 });
    await tab.click();
    let frame: Frame | undefined;
    await waitFor(async () => {
      for (const f of page.frames()) {
        const found = await f.evaluate(`[...document.querySelectorAll('.statement')].some((s) => s.textContent.includes('1 / 0'))`).catch(() => false);
        if (found) frame = f;
      }
      return frame !== undefined;
    }, 'the Messages of broken.sql');
    assert.ok(frame);
    const text = (await frame.locator('.messages').textContent()) ?? '';
    assert.match(text, /division by zero \(SQLSTATE 22012\)/);
    assert.equal(await frame.locator('.statement').count(), 2, 'the run stopped at the error');
    assert.match((await frame.locator('vscode-tab-header').allTextContents()).join('|'), /Messages \(1 error\)/);
    await shot(page, 'results-error');
  });

  it('shows a single 100 MB value cut in its cell, and the host carries on', { timeout: 180_000 }, async () => {
    await openFile(page, 'hundred.sql');
    await command(page, 'PG Explorer: Run All Statements');
    await pick(page, PROFILE);
    await pick(page, DATABASE);
    // The editor's results are docked in the panel (pgExplorer.results.location "panel"), not a tab
    // among the editors: with the editor active, its results are the docked view's.
    const tab = page.locator('.tabs-container .tab', { hasText: 'hundred.sql' }).first();
    await tab.waitFor({ state: 'visible', timeout: 120_000 });
    await tab.click();
    let grid: Frame | undefined;
    await waitFor(async () => {
      for (const f of page.frames()) {
        if ((await f.locator('.grid-cell[data-row="0"][data-col="1"]').count().catch(() => 0)) > 0) grid = f;
      }
      return grid !== undefined;
    }, 'the 100 MB row in the grid', 120_000);
    assert.ok(grid);
    const shown = await cell(grid, 0, 1).innerText();
    // Cut in the cell: the DOM holds a short prefix, not 100 MB.
    assert.match(shown, /^x{100,}/);
    assert.ok(shown.length < 1_000, `the cell holds ${shown.length} characters`);
    await waitText(grid, '[data-testid=rows-loaded]', /^1 row/);
    await shot(page, 'results-100mb-value');
    // The host is alive: the next test runs statements through it.
  });

  it('follows the light and high contrast themes', async () => {
    await gridFrame(page, 'big');
    for (const [theme, className, name] of [
      [/light modern/i, 'vs', 'results-theme-light'],
      [/dark high contrast/i, 'hc-black', 'results-theme-high-contrast'],
      [/dark modern/i, 'vs-dark', 'results-theme-dark'],
    ] as const) {
      // Not runCommand: its first match can be "Browse Color Themes in Marketplace", offline here.
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').fill('>Preferences: Color Theme');
      await page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: /^Preferences: Color Theme$/ }) }).first().click();
      await delay(300);
      // The list is virtualized: filter it so the theme is among the rendered rows.
      await page.locator('.quick-input-widget input').fill(theme.source.replace(/\\/g, ''));
      await delay(300);
      const rows = page.locator('.quick-input-list .monaco-list-row');
      await rows.first().waitFor({ state: 'visible' });
      const labels = await page.locator('.quick-input-list .monaco-list-row .label-name').allTextContents();
      const index = labels.findIndex((l) => theme.test(l));
      assert.ok(index >= 0, `no ${String(theme)} among ${JSON.stringify(labels)}`);
      await page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: labels[index] }) }).first().click();
      let classes = '';
      await waitFor(
        async () => {
          classes = String(await page.evaluate(`document.querySelector('.monaco-workbench')?.className ?? ''`));
          return classes.split(/\s+/).includes(className);
        },
        () => `the ${String(theme)} theme (workbench classes: ${classes})`,
      );
      await delay(500);
      await shot(page, name);
    }
  });
});
