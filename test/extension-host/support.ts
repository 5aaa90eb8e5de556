/**
 * Helpers for the extension-host suites: the extension's API, the test cluster (from the
 * environment host.test.ts passes in), profiles added through the real command, SQL editors,
 * and screenshots taken by the Node side of the harness.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import * as vscode from 'vscode';
import type { PgExplorerApi, RunReport } from '../../src/extension/extension';
import type { Consent } from '../../src/extension/profiles/consent';

export const EXTENSION_ID = 'pg-explorer.pg-explorer';

/** What the harness keeps out of the URL (see secretEnv in test/e2e/harness/extension-host.ts). */
const secretEnv = (): Record<string, string> => {
  const file = process.env.PGX_SECRET_ENV_FILE;
  return file ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>) : {};
};

export const env = {
  host: process.env.PGX_PG_HOST ?? '127.0.0.1',
  port: Number(process.env.PGX_PG_PORT ?? 0),
  user: process.env.PGX_PG_USER ?? 'postgres',
  password: secretEnv().PGX_PG_PASSWORD ?? '',
  database: process.env.PGX_PG_DATABASE ?? 'pgx_fixture',
  /** A port nothing listens on, for the broken profile. */
  deadPort: Number(process.env.PGX_DEAD_PORT ?? 1),
};

/** Every question the profile commands asked (consent.ts), and how the next ones are answered. */
export const consent: { asked: Consent[]; answer: boolean } = { asked: [], answer: true };
let answering = false;

export async function api(): Promise<PgExplorerApi> {
  const extension = vscode.extensions.getExtension<PgExplorerApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  const exported = await extension.activate();
  if (!answering) {
    // The argument forms of addConnection / removeConnection / importConnectionString ask a
    // person (a modal dialog); in the tests the suites answer, and can see what was asked.
    assert.ok(exported.testing, 'the extension does not run in ExtensionMode.Test');
    exported.testing.answerConsent((question) => {
      consent.asked.push(question);
      return consent.answer;
    });
    answering = true;
  }
  return exported;
}

/** Adds a profile through pgExplorer.addConnection (argument form: no prompts); returns its id. */
export async function addProfile(name: string, overrides: Record<string, unknown> = {}, password = env.password): Promise<string> {
  await api();
  const id = await vscode.commands.executeCommand<string>('pgExplorer.addConnection', {
    profile: { name, host: env.host, port: env.port, database: env.database, user: env.user, auth: 'password', tls: { mode: 'disable' }, ...overrides },
    secrets: { password },
  });
  assert.ok(id, 'addConnection returned no id');
  return id;
}

export async function removeProfile(id: string): Promise<void> {
  await api();
  await vscode.commands.executeCommand('pgExplorer.removeConnection', id, { confirm: false });
}

/** A superuser client of the fixture database, to look at the server from outside the extension. */
export async function admin(): Promise<Client> {
  const client = new Client({ host: env.host, port: env.port, user: env.user, password: env.password, database: env.database });
  await client.connect();
  return client;
}

let files = 0;
/**
 * Each suite is its own bundle with its own counter: a per-bundle tag keeps two suites from
 * writing the same file (the second would find the first one's document still open).
 */
const bundleTag = Math.random().toString(36).slice(2, 8);

/**
 * A SQL editor on a new .sql file of the workspace holding `content`, bound to the profile. Files
 * rather than untitled documents: those are dirty, so closing them asks to save, and their names
 * (Untitled-1) are reused.
 */
export async function openSql(content: string, profileId: string, database = env.database): Promise<vscode.TextEditor> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workbench has no workspace folder');
  files += 1;
  const uri = vscode.Uri.joinPath(folder.uri, `script-${bundleTag}-${files}.sql`);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(content));
  const document = await vscode.workspace.openTextDocument(uri);
  await (await api()).bindDocument(document.uri, { profileId, database });
  return vscode.window.showTextDocument(document, { preview: false });
}

/** Runs a command that resolves to a RunReport. */
export async function run(command: 'pgExplorer.runStatement' | 'pgExplorer.runAll', editor: vscode.TextEditor): Promise<RunReport> {
  const report = await vscode.commands.executeCommand<RunReport | undefined>(command, editor.document.uri);
  assert.ok(report, `${command} ran nothing`);
  return report;
}

/** The rows of the statement at `index` of a run (values as the server's text). */
export function rowsOf(report: RunReport, index = report.statements.length - 1): (string | null)[][] {
  const statement = report.statements[index];
  assert.ok(statement, `no statement ${index}`);
  if (statement.error) assert.fail(`statement ${index} failed: ${statement.error.message}`);
  const outcome = statement.outcome;
  assert.ok(outcome?.kind === 'rows', `statement ${index} returned no rows`);
  return outcome.page.rows;
}

/** Closes the active editor without saving (untitled documents would otherwise ask). */
export async function closeActiveEditor(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Asks the harness for a screenshot of the workbench (test-results/NAME.png) and waits for it. */
export async function screenshot(name: string, options: { webview?: boolean; dialog?: boolean } = {}): Promise<void> {
  const dir = process.env.PGX_SCREENSHOT_DIR;
  if (!dir) return;
  // Let the workbench paint what the test just did.
  await new Promise((resolve) => setTimeout(resolve, 600));
  console.log(`[pgx-screenshot] ${name}${options.webview ? ' webview' : ''}${options.dialog ? ' dialog' : ''}`);
  await waitFor(`screenshot ${name}`, () => fs.existsSync(path.join(dir, `${name}.done`)) || undefined, 30_000);
}

let clicks = 0;

/** Asks the harness to click a workbench button by its text (a modal dialog's) and waits until it did. */
export async function clickButton(text: string): Promise<void> {
  const dir = process.env.PGX_SCREENSHOT_DIR;
  assert.ok(dir, 'clickButton needs the e2e harness (PGX_SCREENSHOT_DIR)');
  clicks += 1;
  const id = `click-${clicks}`;
  console.log(`[pgx-click] ${id} ${text}`);
  await waitFor(`the click on "${text}"`, () => fs.existsSync(path.join(dir, `${id}.done`)) || undefined, 30_000);
}
