/**
 * A real VS Code for tests: code-server (VS Code's web build, from npm, on Node 24) started
 * headless in a run folder of its own, driven by Debian's chromium through playwright-core.
 * The toolchain comes from scripts/e2e-setup.mjs (installed once, cached in e2e-tools/).
 *
 *   const server = await startCodeServer({ name: 'ui', extensionDevelopmentPath: repoRoot });
 *   const browser = await openBrowser(server);
 *   await browser.page.goto(server.url());      // the workbench with the extension loaded
 *   await waitForWorkbench(browser.page);
 *   await runCommand(browser.page, 'PG Explorer: Add Connection');
 *   ...
 *   await browser.close(); await server.stop();
 *
 * Build the extension first (node scripts/build.mjs). For mocha suites inside the extension
 * host, see extension-host.ts.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { freePort } from '../../harness/ports';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const resultsDir = path.join(repoRoot, 'test-results');

export interface Toolchain {
  toolsDir: string;
  node: string;
  codeServerEntry: string;
  mocha: string;
}

interface SetupModule {
  ensureE2eToolchain(): Toolchain;
  toolchainEnv(runDir: string): NodeJS.ProcessEnv;
  codeServerArgs(runDir: string, port: number, workspace: string, extra?: string[]): string[];
}

async function setupModule(): Promise<SetupModule> {
  const url = new URL(`file://${path.join(repoRoot, 'scripts', 'e2e-setup.mjs')}`).href;
  return (await import(url)) as SetupModule;
}

/** Installs the toolchain if it is missing or stale (cold ~1.5-2.5 min, then instant). */
export async function ensureToolchain(): Promise<Toolchain> {
  return (await setupModule()).ensureE2eToolchain();
}

/**
 * Builds the extension (scripts/build.mjs) unless dist/ is newer than every source. `npm test`
 * builds before the test files start, so parallel files then never rebuild dist/ under each other.
 */
export function ensureExtensionBuilt(): void {
  // Test files run in parallel: one builds while the others wait, then find dist/ fresh.
  const lock = path.join(repoRoot, '.e2e', 'build.lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (const until = Date.now() + 5 * 60_000; ; ) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (Date.now() > until) fs.rmSync(lock, { recursive: true, force: true });
      else Atomics.wait(sleeper, 0, 0, 250);
    }
  }
  try {
    const bundle = path.join(repoRoot, 'dist', 'extension.js');
    const builtAt = fs.existsSync(bundle) ? fs.statSync(bundle).mtimeMs : 0;
    const sources = ['src', 'webview-ui', 'webview-plan', 'webview-form', 'media', 'package.json', path.join('scripts', 'build.mjs')];
    const newest = Math.max(...sources.map((s) => newestMtime(path.join(repoRoot, s))));
    if (newest <= builtAt && fs.existsSync(path.join(repoRoot, 'dist', 'libpg-query.wasm'))) return;
    execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, stdio: 'inherit' });
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function newestMtime(file: string): number {
  if (!fs.existsSync(file)) return 0;
  const stat = fs.statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(file).map((name) => newestMtime(path.join(file, name))));
}

/** User settings that keep the workbench quiet and its screens stable. */
export const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'github.copilot.enable': { '*': false },
  'window.commandCenter': false,
  'editor.minimap.enabled': false,
  'files.hotExit': 'off',
  'workbench.editor.enablePreview': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.layoutControl.enabled': false,
};

export interface CodeServerOptions {
  /** Names the run folder: .e2e/<name>-<port>. */
  name: string;
  /** Merged over QUIET_SETTINGS into the user settings. */
  settings?: Record<string, unknown>;
  /** Files to put in the workspace folder (relative path -> content). */
  workspaceFiles?: Record<string, string>;
  /**
   * Load this extension folder as under development (from the URL payload, which the released
   * build honours only with the smoke-test driver option, turned on here when this is set).
   */
  extensionDevelopmentPath?: string;
  /** Extra code-server arguments. */
  args?: string[];
}

export interface CodeServer {
  port: number;
  runDir: string;
  workspace: string;
  /** The workbench URL for the workspace folder, with an optional smoke-test payload. */
  url(payload?: [string, string][]): string;
  /** code-server's own output so far (for failure messages). */
  output(): string;
  /** Stops code-server; `removeRunDir` deletes the run folder (keep it after a failure: it holds the logs). */
  stop(options?: { removeRunDir?: boolean }): Promise<void>;
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const setup = await setupModule();
  const tools = setup.ensureE2eToolchain();
  const port = await freePort();
  const runDir = path.join(repoRoot, '.e2e', `${options.name}-${port}`);
  fs.rmSync(runDir, { recursive: true, force: true });
  const workspace = path.join(runDir, 'workspace');
  const userDir = path.join(runDir, 'user-data', 'User');
  fs.mkdirSync(workspace, { recursive: true });
  fs.mkdirSync(userDir, { recursive: true });
  fs.mkdirSync(path.join(runDir, 'extensions'), { recursive: true });
  fs.writeFileSync(path.join(userDir, 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...options.settings }, null, 2));
  for (const [file, content] of Object.entries(options.workspaceFiles ?? {})) {
    fs.mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true });
    fs.writeFileSync(path.join(workspace, file), content);
  }

  const args = setup.codeServerArgs(runDir, port, workspace, [
    ...(options.extensionDevelopmentPath ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    ...(options.args ?? []),
  ]);
  const child = spawn(tools.node, args, {
    env: setup.toolchainEnv(path.join(runDir, 'env')),
    // Own process group, so stop() ends code-server and every child it started.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.once('exit', () => killGroup(child));

  await waitForHealth(port, child, () => output);
  return {
    port,
    runDir,
    workspace,
    url(payload) {
      const params = new URLSearchParams({ folder: workspace });
      const entries: [string, string][] = [...(payload ?? [])];
      if (options.extensionDevelopmentPath && !entries.some(([key]) => key === 'extensionDevelopmentPath')) {
        entries.unshift(['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${options.extensionDevelopmentPath}`]);
      }
      if (entries.length > 0) params.set('payload', JSON.stringify(entries));
      return `http://127.0.0.1:${port}/?${params.toString()}`;
    },
    output: () => output,
    async stop(stopOptions = {}) {
      killGroup(child);
      await Promise.race([exited, delay(5_000)]);
      if (stopOptions.removeRunDir && !process.env.PGX_E2E_KEEP) fs.rmSync(runDir, { recursive: true, force: true });
    },
  };
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
}

async function waitForHealth(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await delay(200);
  }
  throw new Error(`code-server did not answer /healthz within 60 s:\n${output()}`);
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function openBrowser(server: CodeServer): Promise<Browser> {
  const profileDir = path.join(server.runDir, `chromium-${Date.now()}`);
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.PGX_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close().catch(() => undefined);
    },
  };
}

/** Waits until the workbench shows its activity bar. */
export async function waitForWorkbench(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.locator('.part.activitybar').waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Runs a command by its title through the command palette. */
export async function runCommand(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  // F1 pressed while a quick input (Quick Open of the file before) is still closing can be lost
  // on a loaded machine: press it again rather than wait for a palette that is not coming.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    const shown = await input
      .waitFor({ state: 'visible', timeout: 10_000 })
      .then(() => true)
      .catch(() => false);
    if (shown) break;
    if (attempt === 3) {
      await input.waitFor({ state: 'visible' });
      break;
    }
    await page.keyboard.press('Escape');
  }
  await input.fill(`>${title}`);
  // Enter runs the focused row: wait until it is the command asked for, not a recently used one
  // still focused from before the title was applied to the list.
  const focused = page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title }).first();
  const ok = await focused
    .waitFor({ state: 'visible', timeout: 10_000 })
    .then(() => true)
    .catch(() => false);
  if (ok) {
    await page.keyboard.press('Enter');
    return;
  }
  // No row took the focus (seen while a modal dialog had just closed): click the command's row.
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().click({ timeout: 20_000 });
}

/** Copies what the packaged extension holds (.vscodeignore: package.json, dist/, media/) into the extensions folder. */
export function installExtension(extensionsDir: string): void {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  const target = path.join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  fs.mkdirSync(target, { recursive: true });
  for (const entry of ['package.json', 'dist', 'media', 'README.md', 'LICENSE']) {
    const from = path.join(repoRoot, entry);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(target, entry), { recursive: true });
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
