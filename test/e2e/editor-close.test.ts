/**
 * Closing a SQL editor whose session has an open transaction (issue: the workbench, "no silent
 * surprises"), driven through the workbench UI with no test hooks (VS Code refuses modal dialogs
 * while extension tests or the smoke-test driver run): the user is asked first, and Commit,
 * Rollback and Keep Open each do what they say on the server.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { SUPERUSER, startCluster } from '../harness/cluster';
import type { Cluster } from '../harness/cluster';
import { until } from '../harness/expect';
import { delay, ensureExtensionBuilt, installExtension, openBrowser, resultsDir, runCommand, startCodeServer, waitForWorkbench } from './harness/code-server';
import type { Browser, CodeServer } from './harness/code-server';

const PROFILE = 'Close cluster';

describe('closing an editor with an open transaction asks first (code-server)', { timeout: 6 * 60_000 }, () => {
  let cluster: Cluster;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let passed = false;

  before(async () => {
    ensureExtensionBuilt();
    cluster = await startCluster({ hbaFirst: ['host all all 127.0.0.1/32 trust'] });
    await cluster.sql('CREATE TABLE marks (v text)');
    const profile = { id: 'close-profile', name: PROFILE, host: '127.0.0.1', port: cluster.port, database: 'postgres', user: SUPERUSER, auth: 'none', tls: { mode: 'disable' } };
    server = await startCodeServer({
      name: 'close',
      settings: { 'pgExplorer.connections': [profile] },
      workspaceFiles: {
        'commit.sql': "BEGIN;\nINSERT INTO marks VALUES ('committed');\n",
        'rollback.sql': "BEGIN;\nINSERT INTO marks VALUES ('rolled back');\n",
        'keep.sql': "BEGIN;\nINSERT INTO marks VALUES ('kept open');\n",
      },
    });
    installExtension(path.join(server.runDir, 'extensions'));
    browser = await openBrowser(server);
    page = browser.page;
    await page.goto(server.url());
    await waitForWorkbench(page);
    fs.mkdirSync(resultsDir, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.stop({ removeRunDir: passed });
    await cluster?.stop();
  });

  /** Opens a workspace file, runs it all (choosing the profile), and waits for its transaction on the server. */
  async function runInTransaction(file: string): Promise<void> {
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill(file);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: file }).first().waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');
    const editor = page.locator('.monaco-editor .view-lines').first();
    await editor.waitFor({ state: 'visible' });
    await editor.click();
    await page.keyboard.press('Control+Shift+Enter');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: PROFILE }).first().click();
    await until(async () => (await inTransaction()) === 1, `the transaction of ${file} on the server`, 30_000);
  }

  async function inTransaction(): Promise<number> {
    const rows = await cluster.sql<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'idle in transaction'");
    return rows[0].n;
  }

  async function marks(): Promise<string[]> {
    return (await cluster.sql<{ v: string }>('SELECT v FROM marks ORDER BY v')).map((r) => r.v);
  }

  async function closeAndAnswer(answer: string, screenshot?: string): Promise<string> {
    await runCommand(page, 'View: Close Editor');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    const text = await dialog.innerText();
    if (screenshot) await page.screenshot({ path: path.join(resultsDir, `${screenshot}.png`) });
    await dialog.getByRole('button', { name: answer, exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    return text;
  }

  it('Commit commits, Rollback rolls back, Cancel reopens the editor with its transaction', async () => {
    await runInTransaction('commit.sql');
    const asked = await closeAndAnswer('Commit', 'close-with-transaction');
    assert.match(asked, /commit\.sql was closed with an open transaction on Close cluster\/postgres/);
    await until(async () => (await marks()).includes('committed'), 'the commit');
    assert.equal(await inTransaction(), 0);

    await runInTransaction('rollback.sql');
    await closeAndAnswer('Rollback');
    await until(async () => (await inTransaction()) === 0, 'the rollback');
    assert.deepEqual(await marks(), ['committed']);

    await runInTransaction('keep.sql');
    const kept = await closeAndAnswer('Cancel');
    assert.match(kept, /Cancel reopens the editor with its session and transaction/);
    await page.locator('.tabs-container .tab', { hasText: 'keep.sql' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    // Nothing was ended: the transaction still waits on the server, with its row unseen by others.
    await delay(500);
    assert.equal(await inTransaction(), 1);
    assert.deepEqual(await marks(), ['committed']);
    await runCommand(page, 'PG Explorer: Rollback Transaction');
    await until(async () => (await inTransaction()) === 0, 'the rollback of the kept transaction');
    passed = true;
  });
});
