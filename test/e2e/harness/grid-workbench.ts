/**
 * The setup every results-grid e2e file shares: a build, a throwaway cluster trusted on loopback
 * (the profile then needs no password in VS Code's secret storage) with the test's database and
 * fixture, code-server with that one profile, and a browser on the workbench. Closed in reverse,
 * after a last screenshot of what the page showed.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { startCluster } from '../../harness/cluster';
import type { Cluster } from '../../harness/cluster';
import { openBrowser, repoRoot, resultsDir, startCodeServer, waitForWorkbench } from './code-server';
import type { Browser, CodeServer } from './code-server';

export interface GridWorkbench {
  cluster: Cluster;
  server: CodeServer;
  browser: Browser;
  page: Page;
}

export interface GridWorkbenchOptions {
  /** code-server's run folder name. */
  name: string;
  database: string;
  profile: { id: string; name: string };
  /** SQL run in the new database before the workbench starts. */
  fixture: string;
  /** More user settings (merged over the profile). */
  settings?: Record<string, unknown>;
  workspaceFiles?: Record<string, string>;
  /** Copy goes through VS Code's clipboard, which is the browser's here. */
  clipboard?: boolean;
  /** Called with the browser before the workbench loads (e.g. to listen to its console). */
  onBrowser?(browser: Browser): void;
}

export async function openGridWorkbench(options: GridWorkbenchOptions): Promise<GridWorkbench> {
  execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, stdio: 'inherit' });
  const cluster = await startCluster({ hbaFirst: ['host all all 127.0.0.1/32 trust'] });
  const started: Partial<GridWorkbench> = { cluster };
  try {
    return await startWorkbench(options, cluster, started);
  } catch (error) {
    // What did start is stopped here: the test's after() never saw it.
    await closeGridWorkbench(started, `${options.name}-failed-start.png`);
    throw error;
  }
}

async function startWorkbench(options: GridWorkbenchOptions, cluster: Cluster, started: Partial<GridWorkbench>): Promise<GridWorkbench> {
  await cluster.sql(`CREATE DATABASE ${options.database}`);
  await cluster.sql(options.fixture, [], options.database);
  const server = await startCodeServer({
    name: options.name,
    settings: {
      'pgExplorer.connections': [
        { ...options.profile, host: cluster.host, port: cluster.port, database: options.database, user: 'postgres', auth: 'none' },
      ],
      ...options.settings,
    },
    args: ['--vscode-option', 'enable-smoke-test-driver'],
    ...(options.workspaceFiles ? { workspaceFiles: options.workspaceFiles } : {}),
  });
  started.server = server;
  const browser = await openBrowser(server);
  started.browser = browser;
  const page = browser.page;
  started.page = page;
  options.onBrowser?.(browser);
  if (options.clipboard) await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: `http://127.0.0.1:${server.port}` });
  await page.goto(server.url([['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${server.port}${repoRoot}`]]));
  await waitForWorkbench(page);
  fs.mkdirSync(resultsDir, { recursive: true });
  return { cluster, server, browser, page };
}

/** Takes `lastShot` of the page as it was left, then closes the browser, code-server and the cluster. */
export async function closeGridWorkbench(workbench: Partial<GridWorkbench>, lastShot: string): Promise<void> {
  if (workbench.page) await workbench.page.screenshot({ path: path.join(resultsDir, lastShot) }).catch(() => undefined);
  await workbench.browser?.close();
  await workbench.server?.stop();
  await workbench.cluster?.stop();
}
