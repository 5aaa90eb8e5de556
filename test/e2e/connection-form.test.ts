/**
 * The connection form (Add / Edit Connection) in a real VS Code (code-server + Debian's chromium)
 * against a real cluster with password (SCRAM) authentication, driven as a user drives it:
 *  - Add Connection opens one form; Test with the right password shows the server's version;
 *  - a wrong password shows the server's error in the form, and every field keeps what was typed;
 *  - Save adds the connection to the tree; the password is in secret storage, not in settings.json;
 *  - Edit Connection shows the fields and "Password saved"; a Save whose test fails offers Back,
 *    and Back returns to the fields as they were typed (the new password too);
 *  - the SSH section is shown only when the tunnel is chosen.
 * Screenshots for the README's tour: test-results/connection-form-*.png.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { SUPERUSER, SUPERUSER_PASSWORD, startCluster } from '../harness/cluster';
import type { Cluster } from '../harness/cluster';
import { freePort } from '../harness/ports';
import { delay, ensureExtensionBuilt, installExtension, openBrowser, resultsDir, startCodeServer, waitForWorkbench } from './harness/code-server';
import type { Browser, CodeServer } from './harness/code-server';
import { command, pick, shot, treeRow, waitFor } from './harness/grid-page';

const NAME = 'Form cluster';

/** The form's frame: the webview document that holds the host field, once the host's values are in (the form shows then). */
async function formFrame(page: Page, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames().filter((f) => f.url().includes('fake.html'))) {
      const found = await frame.evaluate<boolean>(`!!document.getElementById('f-host') && document.getElementById('form')?.hidden === false`).catch(() => false);
      if (found) return frame;
    }
    await delay(200);
  }
  throw new Error('no connection form appeared');
}

const input = (form: Frame, field: string) => form.locator(`#f-${field} input`);

async function type(form: Frame, field: string, value: string): Promise<void> {
  await input(form, field).fill(value);
}

async function valueOf(form: Frame, field: string): Promise<string> {
  return input(form, field).inputValue();
}

async function textOf(form: Frame, selector: string): Promise<string> {
  return String(await form.evaluate(`document.querySelector(${JSON.stringify(selector)})?.textContent ?? ''`));
}

async function visible(form: Frame, id: string): Promise<boolean> {
  return form.locator(`#${id}`).isVisible();
}

async function waitStatus(form: Frame, pattern: RegExp, selector = '#status'): Promise<string> {
  let last = '';
  await waitFor(async () => pattern.test((last = await textOf(form, selector))), () => `${selector} to match ${pattern} (last: ${JSON.stringify(last)})`, 30_000);
  return last;
}

describe('connection form (code-server)', { timeout: 6 * 60_000 }, () => {
  let cluster: Cluster;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let deadPort: number;
  let passed = false;

  before(async () => {
    ensureExtensionBuilt();
    cluster = await startCluster();
    deadPort = await freePort();
    server = await startCodeServer({ name: 'form', settings: { 'pgExplorer.connections': [] } });
    installExtension(path.join(server.runDir, 'extensions'));
    browser = await openBrowser(server);
    page = browser.page;
    fs.mkdirSync(resultsDir, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.stop({ removeRunDir: passed });
    await cluster?.stop();
  });

  it('adds, tests, keeps what was typed on a failure, saves; edit shows the fields and Back keeps them', async () => {
    await page.goto(server.url());
    await waitForWorkbench(page);
    await page.locator('.activitybar [aria-label^="PG Explorer"]').first().click();

    await command(page, 'PG Explorer: Add Connection');
    let form = await formFrame(page);
    assert.equal(await visible(form, 'ssh'), false, 'the SSH section is hidden until the tunnel is chosen');
    assert.equal(await visible(form, 'tls'), false, 'the TLS files are hidden under prefer');
    const typed: Record<string, string> = { name: NAME, host: cluster.host, port: String(cluster.port), database: 'postgres', user: SUPERUSER };
    for (const [field, value] of Object.entries(typed)) await type(form, field, value);
    await type(form, 'password', SUPERUSER_PASSWORD);

    await form.locator('#test').click();
    const ok = await waitStatus(form, /^Connected: PostgreSQL \d+/);
    assert.match(ok, new RegExp(`at ${cluster.host}:${cluster.port}/postgres as ${SUPERUSER}`));
    await shot(page, 'connection-form-test-ok');

    // A wrong password: the server's own error, here in the form, and nothing typed is lost.
    await type(form, 'password', 'not the password');
    await form.locator('#test').click();
    await waitStatus(form, /password authentication failed for user "postgres"/);
    for (const [field, value] of Object.entries(typed)) assert.equal(await valueOf(form, field), value, field);
    assert.equal(await valueOf(form, 'password'), 'not the password');
    await shot(page, 'connection-form-wrong-password');

    // The SSH section appears when chosen, and goes again.
    await form.locator('#f-ssh').click();
    await waitFor(() => visible(form, 'ssh'), 'the SSH section shown');
    await form.locator('#ssh').scrollIntoViewIfNeeded();
    await shot(page, 'connection-form-ssh');
    await form.locator('#f-ssh').click();
    await waitFor(async () => !(await visible(form, 'ssh')), 'the SSH section hidden');

    await type(form, 'password', SUPERUSER_PASSWORD);
    await form.locator('#save').click();
    const row = treeRow(page, NAME);
    await row.first().waitFor({ state: 'visible', timeout: 30_000 });
    await waitFor(async () => (await page.locator('.tabs-container .tab', { hasText: 'Add PostgreSQL Connection' }).count()) === 0, 'the form closed');
    await shot(page, 'connection-form-saved');
    const settingsFile = path.join(server.runDir, 'user-data', 'User', 'settings.json');
    const settings = fs.readFileSync(settingsFile, 'utf8');
    const saved = (JSON.parse(settings) as { 'pgExplorer.connections': { name: string; port: number; auth: string }[] })['pgExplorer.connections'];
    assert.deepEqual(saved.map((p) => [p.name, p.port, p.auth]), [[NAME, cluster.port, 'password']]);
    assert.ok(!settings.includes(SUPERUSER_PASSWORD), 'the password never reaches settings.json');

    // It connects with the saved password: the tree lists the cluster's databases.
    await row.first().click();
    await treeRow(page, 'postgres').first().waitFor({ state: 'visible', timeout: 30_000 });

    // Edit: the fields as saved, and "password saved" (never the password itself).
    await command(page, 'PG Explorer: Edit Connection');
    await pick(page, NAME);
    form = await formFrame(page);
    await waitFor(async () => (await valueOf(form, 'name')) === NAME, 'the saved name in the form');
    for (const [field, value] of Object.entries(typed)) assert.equal(await valueOf(form, field), value, field);
    assert.equal(await valueOf(form, 'password'), '', 'the saved password is not sent to the form');
    await waitStatus(form, /Password saved/, '#f-password ~ .secret-state');
    await shot(page, 'connection-form-edit');

    // A change whose test fails: Save offers Back; Back returns to what was typed.
    await type(form, 'port', String(deadPort));
    await type(form, 'database', 'elsewhere');
    await type(form, 'password', 'a new one');
    await form.locator('#save').click();
    await waitStatus(form, /\S/, '#failed-message');
    assert.equal(await visible(form, 'failed'), true);
    assert.equal(await visible(form, 'form'), false);
    await shot(page, 'connection-form-save-failed');
    await form.locator('#back').click();
    await waitFor(() => visible(form, 'form'), 'the fields again after Back');
    assert.equal(await valueOf(form, 'port'), String(deadPort));
    assert.equal(await valueOf(form, 'database'), 'elsewhere');
    assert.equal(await valueOf(form, 'password'), 'a new one');
    assert.equal(await valueOf(form, 'name'), NAME);
    await shot(page, 'connection-form-back');

    // Put it right and save: the profile changes, the new port is kept, the password stays out of settings.
    await type(form, 'port', String(cluster.port));
    await type(form, 'database', 'postgres');
    await type(form, 'password', SUPERUSER_PASSWORD);
    await form.locator('#save').click();
    await waitFor(async () => !fs.readFileSync(settingsFile, 'utf8').includes('elsewhere') && (await page.locator('.tabs-container .tab', { hasText: `Edit ${NAME}` }).count()) === 0, 'the edit saved and its form closed');
    assert.ok(!fs.readFileSync(settingsFile, 'utf8').includes(SUPERUSER_PASSWORD));
    passed = true;
  });
});
