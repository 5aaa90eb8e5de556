/**
 * Sorting and filtering on the server in a real VS Code (code-server + Debian's chromium) against a
 * real cluster: a header sort (shift-click for a second column) paged to the end in order, a quick
 * filter from a cell whose value holds quotes and a backslash, an edit after a filter with its
 * conflict check, the filter bar's own WHERE text, and a typed query that cannot be wrapped saying
 * why. Screenshots for the README go to test-results/sort-*.png and filter-*.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Cluster } from '../harness/cluster';
import type { Browser, CodeServer } from './harness/code-server';
import { cell, column, command, editCell, gridFrame, gridPage, header, openFile, pick, readClipboard, shot, waitFor, waitText } from './harness/grid-page';
import { closeGridWorkbench, openGridWorkbench } from './harness/grid-workbench';

const DATABASE = 'sorting';
const PROFILE = 'Sort cluster';
const { openData } = gridPage({ profile: PROFILE, database: DATABASE });
const ROWS = 12_000;
const TRICKY = "O'Brien \\ x";

const FIXTURE = `
CREATE TABLE public.ranked (id int PRIMARY KEY, grp int NOT NULL, label text);
INSERT INTO public.ranked SELECT g, (g * 7919) % 13, 'label ' || g FROM generate_series(1, ${ROWS}) g;
CREATE TABLE public.customers (id int PRIMARY KEY, name text, city text, balance numeric(10,2));
INSERT INTO public.customers VALUES
  (1, 'Ada', 'Paris', 120.50), (2, $q$${TRICKY}$q$, 'Dublin', 80), (3, 'O''Brien', 'Cork', 15.25),
  (4, 'Grace', NULL, 999.99), (5, 'Linus', 'Helsinki', 0), (6, 'x \\ y', 'Dublin', 42);
ANALYZE;
`;

describe('sort and filter on the server (code-server)', { timeout: 10 * 60_000 }, () => {
  let cluster: Cluster;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    ({ cluster, server, browser, page } = await openGridWorkbench({
      name: 'sort-filter',
      database: DATABASE,
      profile: { id: 'sort-profile', name: PROFILE },
      fixture: FIXTURE,
      settings: {
        'workbench.colorTheme': 'Default Dark Modern',
      },
      workspaceFiles: {
        'typed.sql': 'SELECT g AS n, g % 3 AS m, g AS n FROM generate_series(1, 3000) g;\n',
        'update.sql': 'UPDATE customers SET balance = balance + 1 WHERE id = 5 RETURNING id, balance;\n',
      },
      clipboard: true,
    }));
  });

  after(async () => {
    await closeGridWorkbench({ cluster, server, browser, page }, 'sort-filter-last.png');
  });

  it('sorts by a header click, shift-click adds a second column, and the order holds paged to the end', async () => {
    const grid = await openData(page, 'Tables', 'ranked');
    await waitText(grid, '[data-testid=rows-loaded]', /rows loaded/);
    await waitFor(async () => (await header(grid, 1).getAttribute('class'))?.includes('sortable') ?? false, 'the header to offer sorting');
    // grp descending (two clicks), then id ascending as the second key (shift-click).
    await header(grid, 1).click();
    await waitText(grid, '[data-testid=sort-summary]', /sorted by grp ▲/);
    await header(grid, 1).click();
    await waitText(grid, '[data-testid=sort-summary]', /sorted by grp ▼$/);
    await header(grid, 0).click({ modifiers: ['Shift'] });
    await waitText(grid, '[data-testid=sort-summary]', /sorted by grp ▼, id ▲/);
    await waitFor(async () => (await header(grid, 1).locator('[data-testid=sort-mark]').textContent()) === '▼1', 'grp marked first, descending');
    assert.equal(await header(grid, 0).locator('[data-testid=sort-mark]').textContent(), '▲2');
    assert.equal(await header(grid, 1).getAttribute('aria-sort'), 'descending');
    await waitFor(async () => (await cell(grid, 0, 1).innerText()) === '12', 'the highest group first');
    await waitText(grid, '.edit-status', /Editing public\.ranked/);
    await shot(page, 'sort-multi-column');

    // Page to the end: every later page comes from the same sorted cursor.
    await waitText(grid, '.footer', /more available/);
    await grid.locator('[data-action=fetch-all]').click();
    await waitText(grid, '.footer', new RegExp(`${ROWS.toLocaleString('en-US')} rows loaded.*all rows`), 60_000);
    await grid.locator('.grid').focus();
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Control+c');
    const expected = await cluster.sql<{ id: number; grp: number; label: string }>('SELECT id, grp, label FROM ranked ORDER BY grp DESC, id', [], DATABASE);
    const want = ['id\tgrp\tlabel', ...expected.map((r) => `${r.id}\t${r.grp}\t${r.label}`)].join('\n');
    let got = '';
    await waitFor(async () => (got = await readClipboard(page)) === want, () => `all ${ROWS} rows in the server's order on the clipboard (got ${got.length} chars)`, 30_000);

    // A third click on grp takes it out of the sort; id alone remains.
    await header(grid, 1).click({ modifiers: ['Shift'] });
    await waitText(grid, '[data-testid=sort-summary]', /sorted by id ▲$/);
  });

  it("filters by a cell's quick filter whose value holds quotes and a backslash, then edits with the conflict check", async () => {
    const grid = await openData(page, 'Tables', 'customers');
    await waitText(grid, '[data-testid=rows-loaded]', /^6 rows loaded/);
    await waitFor(async () => (await cell(grid, 1, 1).innerText()) === TRICKY, 'the tricky value in the grid');
    await cell(grid, 1, 1).click({ button: 'right' });
    const menu = grid.locator('[data-testid=cell-menu]');
    await menu.waitFor();
    const items = await menu.locator('.cell-menu-item').allTextContents();
    assert.deepEqual(items, [`Filter: name = ${TRICKY}`, `Filter: name <> ${TRICKY}`, `Filter: name contains ${TRICKY}`, 'Filter: name IS NULL', 'Filter: name IS NOT NULL']);
    await shot(page, 'filter-quick-menu');
    await menu.locator('[data-op=eq]').click();
    await waitText(grid, '[data-testid=rows-loaded]', /^1 row loaded/);
    assert.equal(await cell(grid, 0, 1).innerText(), TRICKY);
    assert.equal(await grid.locator('[data-testid=quick-filter]').textContent(), `name = ${TRICKY}×`);
    // The value went as a parameter: the SQL that ran holds $1, not the value.
    const ran = (await grid.locator('.filter-input').getAttribute('title')) ?? '';
    assert.match(ran, /q\."name" = \$1::text/);
    assert.ok(!ran.includes('Brien'), ran);

    // Still editable after the filter (re-checked on the filtered result): commit, then a conflict.
    await waitText(grid, '.edit-status', /Editing public\.customers/);
    await editCell(grid, 0, 2, 'Galway');
    await grid.locator('[data-action=commit]').click();
    await waitText(grid, '.banner', /Committed: 1 updated/);
    assert.deepEqual(await cluster.sql('SELECT city FROM customers WHERE id = 2', [], DATABASE), [{ city: 'Galway' }]);
    await cluster.sql("UPDATE customers SET city = 'Limerick' WHERE id = 2", [], DATABASE);
    await editCell(grid, 0, 2, 'Sligo');
    await grid.locator('[data-action=commit]').click();
    await waitText(grid, '.banner', /Nothing was written/);
    assert.match(await grid.locator('.conflict').innerText(), /city=Limerick/);
    assert.deepEqual(await cluster.sql('SELECT city FROM customers WHERE id = 2', [], DATABASE), [{ city: 'Limerick' }]);
    // Sorting now would drop the pending edit: refused with a note.
    await header(grid, 0).click();
    await waitText(grid, '[data-testid=filter-error]', /Commit or discard your pending changes first/);
    await grid.locator('[data-action=discard]').click();

    // Contains, with the quick filter removed and the filter bar's own WHERE text added.
    await grid.locator('.chip-remove').click();
    await waitText(grid, '[data-testid=rows-loaded]', /^6 rows loaded/);
    await grid.locator('.filter-input').fill("balance > 40 AND coalesce(city, '') <> 'Paris'");
    await grid.locator('.filter-input').press('Enter');
    await waitText(grid, '[data-testid=rows-loaded]', /^3 rows loaded/);
    await header(grid, 3).click();
    await waitText(grid, '[data-testid=sort-summary]', /sorted by balance ▲/);
    await waitFor(async () => (await cell(grid, 0, 3).innerText()) === '42.00', 'the smallest balance first');
    assert.deepEqual(await column(grid, 1, 3), ['x \\ y', TRICKY, 'Grace']);
    // A quick filter joins the WHERE text (both apply) and the sort stays.
    await cell(grid, 0, 1).click({ button: 'right' });
    await grid.locator('[data-testid=cell-menu] [data-op=notNull]').click();
    await waitText(grid, '[data-testid=quick-filter]', /^name IS NOT NULL/);
    await waitFor(async () => /AND q\."name" IS NOT NULL\nORDER BY "balance" ASC$/.test((await grid.locator('.filter-input').getAttribute('title')) ?? ''), 'the SQL with both filters and the sort');
    assert.match((await grid.locator('[data-testid=rows-loaded]').textContent()) ?? '', /^3 rows loaded/);
    await shot(page, 'filter-bar');

    // A filter the server rejects: said in the bar, the rows stay.
    await grid.locator('.filter-input').fill('no_such_column = 1');
    await grid.locator('.filter-input').press('Enter');
    await waitText(grid, '[data-testid=filter-error]', /no_such_column/);
    assert.match((await grid.locator('[data-testid=rows-loaded]').textContent()) ?? '', /^3 rows loaded/);
    // One that is not an expression is refused before anything is sent.
    await grid.locator('.filter-input').fill('true) AS x; DELETE FROM customers; SELECT (1');
    await grid.locator('.filter-input').press('Enter');
    await waitText(grid, '[data-testid=filter-error]', /must be one SQL expression/);
    assert.deepEqual(await cluster.sql('SELECT count(*)::int AS n FROM customers', [], DATABASE), [{ n: 6 }]);
  });

  it('sorts a typed SELECT by position when two output columns share a name, and says why an UPDATE cannot be sorted', async () => {
    await openFile(page, 'typed.sql');
    await command(page, 'PG Explorer: Run All Statements');
    await pick(page, PROFILE);
    await pick(page, DATABASE);
    const grid = await gridFrame(page, 'generate_series', 30_000, { editorTab: 'typed.sql', resultTab: 'generate_series' });
    await waitFor(async () => (await header(grid, 2).getAttribute('class'))?.includes('sortable') ?? false, 'the header to offer sorting');
    await header(grid, 2).click();
    await header(grid, 2).click();
    await waitText(grid, '[data-testid=sort-summary]', /sorted by n ▼/);
    await waitFor(async () => (await cell(grid, 0, 0).innerText()) === '3000', 'the third column (n) descending');
    assert.match((await grid.locator('.filter-input').getAttribute('title')) ?? '', /ORDER BY 3 DESC/);

    await openFile(page, 'update.sql');
    await command(page, 'PG Explorer: Run All Statements');
    await pick(page, PROFILE);
    await pick(page, DATABASE);
    const updated = await gridFrame(page, 'update', 30_000, { editorTab: 'update.sql', resultTab: 'Result 1' });
    await waitText(updated, '[data-testid=sort-note]', /No sort or filter: only a single plain SELECT, VALUES or TABLE is run again to sort or filter it, and it is not a SELECT/);
    assert.match((await header(updated, 0).getAttribute('title')) ?? '', /Cannot sort/);
    await header(updated, 0).click();
    assert.equal(await updated.locator('[data-testid=sort-mark]').count(), 0, 'nothing was sorted');
    await shot(page, 'sort-refused-update');
    assert.deepEqual(await cluster.sql('SELECT balance::text AS b FROM customers WHERE id = 5', [], DATABASE), [{ b: '1.00' }], 'the UPDATE ran once');
  });
});
