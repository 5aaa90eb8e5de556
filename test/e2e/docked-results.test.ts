/**
 * Results docked under the editors (issue 17, parts 1 and 4) in a real VS Code (code-server +
 * Debian's chromium) against a real cluster: three editors side by side each keep their own
 * results in the one docked view, which follows the active editor; unsaved grid edits survive
 * switching editors; an editor's results go with the editor; a closed view comes back on the next
 * run; after the backend is killed, Messages offers Reconnect and Run again, and both work.
 * `pgExplorer.results.location: beside` (a panel beside the editor) is shown by the SQL editors
 * suite of the extension host (test/extension-host/editor.suite.ts), which changes the setting
 * through the VS Code API: a settings.json written during this run did not reach the extension.
 * Screenshots for the README go to test-results/docked-*.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import type { Cluster } from '../harness/cluster';
import type { Browser, CodeServer } from './harness/code-server';
import { cell, command, editCell, openFile, pick, shot, waitFor, waitText } from './harness/grid-page';
import { closeGridWorkbench, openGridWorkbench } from './harness/grid-workbench';

const DATABASE = 'docked';
const PROFILE = 'Dock cluster';

const FIXTURE = `
CREATE TABLE public.notes (id int PRIMARY KEY, body text);
INSERT INTO public.notes SELECT g, 'note ' || g FROM generate_series(1, 50) g;
CREATE TABLE public.cities (id int PRIMARY KEY, name text);
INSERT INTO public.cities VALUES (1, 'Paris'), (2, 'Dublin'), (3, 'Cork');
`;

describe('results docked under the editors (code-server)', { timeout: 10 * 60_000 }, () => {
  let cluster: Cluster;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    ({ cluster, server, browser, page } = await openGridWorkbench({
      name: 'docked',
      database: DATABASE,
      profile: { id: 'dock-profile', name: PROFILE },
      fixture: FIXTURE,
      workspaceFiles: {
        'notes.sql': 'SELECT id, body FROM notes ORDER BY id;\n',
        'cities.sql': 'SELECT id, name FROM cities ORDER BY id;\n',
        'series.sql': 'SELECT g AS n, g * g AS square FROM generate_series(1, 2000) g;\n',
        'pid.sql': "SELECT pg_backend_pid() AS pid, 'still here' AS says;\n",
      },
    }));
  });

  after(async () => {
    await closeGridWorkbench({ cluster, server, browser, page }, 'docked-last.png');
  });

  /** The docked view's page (one frame, whichever editor's slot it shows). */
  async function dock(timeoutMs = 30_000): Promise<Frame> {
    let found: Frame | undefined;
    await waitFor(
      async () => {
        for (const frame of page.frames()) {
          if (await frame.evaluate(`document.body?.dataset.mode === 'dock'`).catch(() => false)) {
            found = frame;
            return true;
          }
        }
        return false;
      },
      'the docked results view',
      timeoutMs,
    );
    return found as Frame;
  }

  /** Whose results the docked view shows now ("Results: notes.sql"), or its placeholder text. */
  async function showing(frame: Frame): Promise<string> {
    return String(await frame.evaluate(`document.querySelector('.slot')?.dataset.slot ?? document.querySelector('.empty:not([hidden])')?.textContent ?? ''`).catch(() => ''));
  }

  async function run(file: string, firstTime: boolean, options: { ownGroup?: boolean } = {}): Promise<void> {
    await openFile(page, file);
    // Opened in the active group, then moved into a group of its own to the right.
    if (options.ownGroup) await command(page, 'View: Move Editor into Right Group');
    await command(page, 'PG Explorer: Run All Statements');
    if (firstTime) {
      await pick(page, PROFILE);
      await pick(page, DATABASE);
    }
  }

  async function focusEditor(file: string): Promise<void> {
    await page.locator('.tabs-container .tab', { hasText: file }).first().click();
    await page.locator('.tabs-container .tab.active', { hasText: file }).first().waitFor();
  }

  function resultTabsInEditors() {
    return page.locator('.tabs-container .tab', { hasText: /^Results: / });
  }

  it('three editors side by side keep their own results in the one docked view, which follows the active editor', async () => {
    await run('notes.sql', true);
    let grid = await dock();
    await waitFor(async () => (await showing(grid)) === 'Results: notes.sql', 'the notes results docked');
    await waitText(grid, '[data-testid=rows-loaded]', /^50 rows loaded/);
    await run('cities.sql', true, { ownGroup: true });
    await waitFor(async () => (await showing(grid)) === 'Results: cities.sql', 'the cities results docked');
    await waitText(grid, '[data-testid=rows-loaded]', /^3 rows loaded/);
    await run('series.sql', true, { ownGroup: true });
    await waitFor(async () => (await showing(grid)) === 'Results: series.sql', 'the series results docked');
    await waitText(grid, '[data-testid=rows-loaded]', /rows loaded/);
    assert.equal(await cell(grid, 0, 1).innerText(), '1');
    assert.equal(await page.locator('.editor-group-container').count(), 3, 'three editor groups, one per editor');
    // No results tab among the editors: each editor has one results place, the docked view's slot.
    assert.equal(await resultTabsInEditors().count(), 0);
    await shot(page, 'docked-three-editors');

    await focusEditor('notes.sql');
    await waitFor(async () => (await showing(grid)) === 'Results: notes.sql', 'the notes results shown again');
    assert.equal(await cell(grid, 0, 1).innerText(), 'note 1', 'kept, not run again');
    await focusEditor('cities.sql');
    await waitFor(async () => (await showing(grid)) === 'Results: cities.sql', 'the cities results shown again');
    assert.equal(await cell(grid, 2, 1).innerText(), 'Cork');
    // The docked page was never rebuilt on the way.
    grid = await dock();
    assert.equal(await grid.locator('.banner', { hasText: 'reloaded' }).count(), 0);
  });

  it('keeps unsaved grid edits of an editor while another editor is shown', async () => {
    await focusEditor('cities.sql');
    const grid = await dock();
    await waitFor(async () => (await showing(grid)) === 'Results: cities.sql', 'the cities results');
    await waitText(grid, '.edit-status', /Editing public\.cities/);
    await editCell(grid, 0, 1, 'Lyon');
    await waitText(grid, '.edit-status', /1 edited \(pending\)/);
    await focusEditor('series.sql');
    await waitFor(async () => (await showing(grid)) === 'Results: series.sql', 'the series results');
    await focusEditor('cities.sql');
    await waitFor(async () => (await showing(grid)) === 'Results: cities.sql', 'the cities results again');
    assert.equal(await cell(grid, 0, 1).innerText(), 'Lyon', 'the pending edit is still there');
    await waitText(grid, '.edit-status', /1 edited \(pending\)/);
    await grid.locator('[data-action=commit]').click();
    await waitText(grid, '.banner', /Committed: 1 updated/);
    assert.deepEqual(await cluster.sql('SELECT name FROM cities WHERE id = 1', [], DATABASE), [{ name: 'Lyon' }]);
  });

  it("an editor's results go with it, and a closed view comes back on the next run", async () => {
    // Closed by its tab's own close button, as a user would; and the other editors must stay (an
    // Enter in the command palette before its list was filtered once closed all three).
    await focusEditor('series.sql');
    const seriesTab = page.locator('.tabs-container .tab', { hasText: 'series.sql' }).first();
    await seriesTab.hover();
    await seriesTab.locator('.tab-actions .action-label').click();
    await waitFor(async () => (await page.locator('.tabs-container .tab', { hasText: 'series.sql' }).count()) === 0, 'series.sql closed');
    for (const other of ['notes.sql', 'cities.sql']) assert.equal(await page.locator('.tabs-container .tab', { hasText: other }).count(), 1, `${other} still open`);
    await openFile(page, 'series.sql');
    const grid = await dock();
    await waitFor(async () => /No results for series\.sql yet/.test(await showing(grid)), 'no results for the reopened editor');

    // The user closes the panel: the next run brings the docked results back.
    await command(page, 'View: Hide Panel');
    await waitFor(async () => !(await page.locator('.part.panel').isVisible()), 'the panel hidden');
    await command(page, 'PG Explorer: Run All Statements');
    await waitFor(async () => page.locator('.part.panel').isVisible(), 'the panel shown again by the run');
    await waitFor(async () => (await showing(grid)) === 'Results: series.sql', 'the series results docked again');
    await waitText(grid, '[data-testid=rows-loaded]', /rows loaded/);
    // The view came back without taking the focus: typing still goes to the editor.
    assert.equal(await page.locator('.part.editor .monaco-editor.focused').count(), 1, 'the editor keeps the focus');
    assert.equal(await page.locator('.editor-group-container.active .tab.active', { hasText: 'series.sql' }).count(), 1, 'series.sql is the active editor');
  });

  it('after the backend is killed, Messages offers Run again and Reconnect, and both work', async () => {
    await run('pid.sql', true);
    const grid = await dock();
    await waitFor(async () => (await showing(grid)) === 'Results: pid.sql', 'the pid results');
    await waitText(grid, '[data-testid=rows-loaded]', /^1 row loaded/);
    const first = await cell(grid, 0, 0).innerText();
    assert.match(first, /^\d+$/);

    // Killed while idle: the grid learns it at once, Messages says so and what to do.
    await cluster.sql('SELECT pg_terminate_backend($1::int)', [first]);
    await waitFor(async () => (await grid.locator('vscode-tab-header', { hasText: 'connection lost' }).count()) === 1, 'the Messages tab to say the connection was lost');
    await grid.locator('vscode-tab-header', { hasText: 'Messages' }).click();
    await waitText(grid, '.lost-connection', /The connection to the server was lost/);
    await grid.locator('[data-action=reconnect]').click();
    await waitText(grid, '[data-testid=reconnect-status]', /Reconnected \(server process \d+\)/);
    const reconnectedPid = /server process (\d+)/.exec((await grid.locator('[data-testid=reconnect-status]').innerText()) ?? '')?.[1];
    assert.notEqual(reconnectedPid, first);
    await grid.locator('[data-action=run-again]').click();
    await waitText(grid, '[data-testid=rows-loaded]', /^1 row loaded/);
    await waitFor(async () => (await cell(grid, 0, 0).innerText()) === reconnectedPid, 'new rows from the reconnected backend');

    // Killed, then the user runs: the run fails on the lost connection and opens on Messages.
    await cluster.sql('SELECT pg_terminate_backend($1::int)', [reconnectedPid]);
    await waitFor(async () => (await grid.locator('vscode-tab-header', { hasText: 'connection lost' }).count()) === 1, 'the connection lost again');
    await focusEditor('pid.sql');
    await command(page, 'PG Explorer: Run All Statements');
    await waitText(grid, '.messages', /connection to the server was lost/i);
    await waitFor(async () => (await grid.locator('[data-action=run-again]').count()) === 1, 'Run again offered');
    await shot(page, 'docked-connection-lost');
    await grid.locator('[data-action=run-again]').click();
    await waitText(grid, '[data-testid=rows-loaded]', /^1 row loaded/);
    const third = await cell(grid, 0, 0).innerText();
    assert.match(third, /^\d+$/);
    assert.notEqual(third, reconnectedPid, 'rows from a new backend');
    assert.equal(await cell(grid, 0, 1).innerText(), 'still here');
  });
});
