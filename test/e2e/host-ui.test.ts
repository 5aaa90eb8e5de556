/**
 * The extension as a user meets it, driven through the workbench UI (no test hooks: VS Code
 * refuses modal dialogs while extension tests or the smoke-test driver run, so this run has
 * neither). A profile that goes through an SSH tunnel whose host key is unknown: running a
 * .sql file asks for its connection, then asks about the host key showing its fingerprint;
 * trusting it stores the fingerprint in the settings and the statement's rows appear.
 * Needs root and openssh-server (the sshd harness); skipped otherwise.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SUPERUSER, startCluster } from '../harness/cluster';
import type { Cluster } from '../harness/cluster';
import { KEY_USER, canRunSshd, startSshd } from '../harness/sshd';
import type { Sshd } from '../harness/sshd';
import { ensureExtensionBuilt, installExtension, openBrowser, resultsDir, startCodeServer, waitForWorkbench } from './harness/code-server';
import type { Browser, CodeServer } from './harness/code-server';

const skip = canRunSshd();

describe('extension UI: SSH host key trust (code-server)', { skip, timeout: 6 * 60_000 }, () => {
  let cluster: Cluster;
  let sshd: Sshd;
  let server: CodeServer;
  let browser: Browser;
  let passed = false;

  before(async () => {
    ensureExtensionBuilt();
    // trust for loopback TCP: the profile needs no secret, so it can live in settings.json as is.
    [cluster, sshd] = await Promise.all([startCluster({ hbaFirst: ['host all all 127.0.0.1/32 trust'] }), startSshd()]);
    const profile = {
      id: 'ssh-profile',
      name: 'Through SSH',
      host: '127.0.0.1',
      port: cluster.port,
      database: 'postgres',
      user: SUPERUSER,
      auth: 'none',
      tls: { mode: 'disable' },
      ssh: { host: sshd.host, port: sshd.port, user: KEY_USER, auth: 'key', privateKeyFile: sshd.keys.ed25519.file, knownHostsFile: sshd.knownHosts.empty },
    };
    server = await startCodeServer({
      name: 'ui',
      settings: { 'pgExplorer.connections': [profile] },
      workspaceFiles: { 'query.sql': "select 'through the tunnel' as greeting;\n" },
    });
    installExtension(path.join(server.runDir, 'extensions'));
    browser = await openBrowser(server);
  });

  after(async () => {
    await browser?.close();
    await server?.stop({ removeRunDir: passed });
    await sshd?.stop();
    await cluster?.stop();
  });

  it('asks about the unknown host key with its fingerprint, stores it when trusted, and runs', async () => {
    const { page } = browser;
    await page.goto(server.url());
    await waitForWorkbench(page);

    // Open query.sql and run it: the editor is not bound yet, so the connection picker comes first.
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('query.sql');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'query.sql' }).first().click();
    const editor = page.locator('.monaco-editor .view-lines').first();
    await editor.waitFor({ state: 'visible' });
    await editor.click();
    await page.keyboard.press('Control+Enter');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Through SSH' }).first().click();

    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    const text = await dialog.innerText();
    assert.ok(text.includes(sshd.hostFingerprint), `the dialog must show the fingerprint ${sshd.hostFingerprint}:\n${text}`);
    fs.mkdirSync(resultsDir, { recursive: true });
    await page.screenshot({ path: path.join(resultsDir, 'ssh-host-key.png') });
    await dialog.getByRole('button', { name: 'Trust this key and connect', exact: true }).click();

    // The binding was made, so the run goes on by itself: the status bar sums it up, and its
    // rows reach the results panel (waited for only for the screenshot: that panel has tests of its own).
    await page.locator('.statusbar-item', { hasText: 'PG Explorer: 1 row in' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('.statusbar-item', { hasText: 'Through SSH/postgres' }).first().waitFor({ state: 'visible' });
    await waitForWebviewText(page, 'through the tunnel', 10_000).catch(() => undefined);
    await page.screenshot({ path: path.join(resultsDir, 'ssh-run.png') });
    const settings = JSON.parse(fs.readFileSync(path.join(server.runDir, 'user-data', 'User', 'settings.json'), 'utf8')) as {
      'pgExplorer.connections': { id: string; ssh?: { trustedFingerprint?: string } }[];
    };
    const saved = settings['pgExplorer.connections'].find((p) => p.id === 'ssh-profile');
    assert.equal(saved?.ssh?.trustedFingerprint, sshd.hostFingerprint);
    passed = true;
  });
});

async function waitForWebviewText(page: Browser['page'], needle: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // Only webview documents (the results panel's inner frame), not the workbench's own page.
    for (const frame of page.frames().filter((f) => f.url().includes('fake.html'))) {
      // A string: this file is type-checked without the DOM library.
      const found = await frame.evaluate<boolean>(`document.body ? document.body.innerText.includes(${JSON.stringify(needle)}) : false`).catch(() => false);
      if (found) return;
    }
    await page.waitForTimeout(250);
  }
  assert.fail(`no webview showed "${needle}" within ${timeoutMs / 1000} s`);
}
