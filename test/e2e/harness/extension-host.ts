/**
 * Runs mocha suites inside a real VS Code extension host: code-server's web workbench loads the
 * extension under development and the tests' entry from the URL payload (the smoke-test driver
 * option makes the released build honour it), and reports the exit code through
 * `codeAutomationExit` and the output through `codeAutomationLog`.
 *
 * Screenshots: a test logs `[pgx-screenshot] NAME` (add ` webview` to wait for a webview's
 * content first, ` dialog` for a modal dialog); this side saves test-results/NAME.png and then creates SCREENSHOT_DIR/NAME.done,
 * which the test waits for (see screenshot() in test/extension-host/support.ts). Likewise
 * `[pgx-click] ID TEXT` clicks a button the extension host cannot reach (a modal dialog's).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openBrowser, resultsDir, startCodeServer, waitForWorkbench } from './code-server';
import type { CodeServerOptions } from './code-server';
import type { Page } from 'playwright-core';

export interface ExtensionHostRunOptions extends Omit<CodeServerOptions, 'args' | 'extensionDevelopmentPath'> {
  /** The extension folder (its package.json and built main). */
  extensionPath: string;
  /** The built test entry: a CommonJS module exporting `run(): Promise<void>`. */
  testsEntry: string;
  /** Environment for the extension host (the tests read it from process.env). It travels in the URL. */
  env?: Record<string, string>;
  /**
   * Values the tests need that must not travel in the URL (code-server keeps the last URL in
   * user-data/coder.json): written to RUN/secret-env.json (mode 600), outside user-data, whose
   * path the tests get as PGX_SECRET_ENV_FILE.
   */
  secretEnv?: Record<string, string>;
  /** Whole run limit; default 5 min. */
  timeoutMs?: number;
  /** Streams each log line as it arrives. */
  onLog?: (line: string) => void;
  /** Looks at the run folder (logs, settings) after the tests, before it is removed. */
  inspectRunDir?: (runDir: string) => void;
}

export interface ExtensionHostRun {
  exitCode: number;
  log: string;
  screenshots: string[];
}

export const SCREENSHOT_MARK = '[pgx-screenshot] ';
/** `[pgx-click] ID BUTTON TEXT`: clicks a workbench button (e.g. in a modal dialog), then ID.done. */
export const CLICK_MARK = '[pgx-click] ';

export async function runExtensionHostTests(options: ExtensionHostRunOptions): Promise<ExtensionHostRun> {
  const server = await startCodeServer({ ...options, extensionDevelopmentPath: options.extensionPath });
  const browser = await openBrowser(server).catch(async (err: unknown) => {
    await server.stop();
    throw err;
  });
  const screenshotDir = path.join(server.runDir, 'screenshots');
  fs.mkdirSync(screenshotDir, { recursive: true });
  fs.mkdirSync(resultsDir, { recursive: true });
  const lines: string[] = [];
  const screenshots: string[] = [];
  let passed = false;
  try {
    const { page } = browser;
    let settleExit!: (code: number) => void;
    const exit = new Promise<number>((resolve) => (settleExit = resolve));
    await page.exposeFunction('codeAutomationExit', (code: unknown) => settleExit(Number(code)));
    await page.exposeFunction('codeAutomationLog', (level: unknown, args: unknown) => {
      const text = formatLog(level, args);
      for (const line of text.split('\n')) {
        lines.push(line);
        options.onLog?.(line);
        const click = line.indexOf(CLICK_MARK);
        if (click >= 0) {
          const [rawId, ...words] = line.slice(click + CLICK_MARK.length).trim().split(/\s+/);
          const id = rawId.replace(/[^\w.-]/g, '_');
          void page
            .getByRole('button', { name: words.join(' '), exact: true })
            .first()
            .click({ timeout: 15_000 })
            .catch((err: unknown) => lines.push(`click ${words.join(' ')} failed: ${String(err)}`))
            .finally(() => fs.writeFileSync(path.join(screenshotDir, `${id}.done`), ''));
        }
        const mark = line.indexOf(SCREENSHOT_MARK);
        if (mark >= 0) {
          const [rawName, ...flags] = line.slice(mark + SCREENSHOT_MARK.length).trim().split(/\s+/);
          const name = rawName.replace(/[^\w.-]/g, '_');
          const file = path.join(resultsDir, `${name}.png`);
          const ready = flags.includes('webview')
            ? waitForWebviewContent(page)
            : flags.includes('dialog')
              ? page.locator('.monaco-dialog-box').waitFor({ state: 'visible', timeout: 15_000 }).catch(() => undefined)
              : Promise.resolve();
          void ready
            .then(() => page.screenshot({ path: file }))
            .then(() => screenshots.push(file))
            .catch((err: unknown) => lines.push(`screenshot ${name} failed: ${String(err)}`))
            .finally(() => fs.writeFileSync(path.join(screenshotDir, `${name}.done`), ''));
        }
      }
    });
    const remote = (p: string): string => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const secretEnvFile = path.join(server.runDir, 'secret-env.json');
    fs.writeFileSync(secretEnvFile, JSON.stringify(options.secretEnv ?? {}), { mode: 0o600 });
    const env = { ...options.env, PGX_SCREENSHOT_DIR: screenshotDir, PGX_SECRET_ENV_FILE: secretEnvFile };
    await page.goto(
      server.url([
        ['extensionTestsPath', remote(options.testsEntry)],
        ['extensionEnvironment', JSON.stringify(env)],
      ]),
    );
    await waitForWorkbench(page);
    const timeoutMs = options.timeoutMs ?? 5 * 60_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        lines.push(`extension-host tests did not finish within ${timeoutMs / 1000} s`);
        resolve(124);
      }, timeoutMs);
    });
    const exitCode = await Promise.race([exit, timeout]);
    clearTimeout(timer);
    if (exitCode !== 0) {
      await page.screenshot({ path: path.join(resultsDir, 'extension-host-failure.png') }).catch(() => undefined);
      lines.push('--- code-server output ---', server.output().slice(-20_000));
    }
    passed = exitCode === 0;
    // Stop the workbench first so that what it buffered reaches the files looked at.
    await browser.close();
    options.inspectRunDir?.(server.runDir);
    return { exitCode, log: lines.join('\n'), screenshots };
  } finally {
    await browser.close();
    // A failed run keeps its folder (.e2e/NAME-PORT): the extension's logs are under user-data/logs.
    await server.stop({ removeRunDir: passed });
  }
}

/** Waits (up to 10 s) until a webview's inner document shows text: webviews render after their tab appears. */
async function waitForWebviewContent(page: Page): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (!frame.url().includes('fake.html')) continue;
      // A string: this file is type-checked without the DOM library.
      const text = await frame.evaluate<number>('document.body ? document.body.innerText.trim().length : 0').catch(() => 0);
      if (text > 0) {
        // One more frame for the grid to lay out.
        await page.waitForTimeout(300);
        return;
      }
    }
    await page.waitForTimeout(200);
  }
}

/** The driver logs (level, consoleArgs): a printf-style format string and its values, as console.log got them. */
function formatLog(level: unknown, args: unknown): string {
  const values = Array.isArray(args) ? [...(args as unknown[])] : [args];
  let text = '';
  if (typeof values[0] === 'string' && /%[sdioj]/.test(values[0])) {
    const format = values.shift() as string;
    text = format.replace(/%[sdioj]/g, () => {
      const value = values.shift();
      return typeof value === 'string' ? value : JSON.stringify(value);
    });
  }
  const rest = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(' ');
  const line = [text, rest].filter(Boolean).join(' ');
  return level === 'error' || level === 'warn' ? `[${String(level)}] ${line}` : line;
}
