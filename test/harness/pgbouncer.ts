/**
 * A throwaway pgbouncer (Debian's /usr/sbin/pgbouncer) in front of a test cluster, with two
 * logical databases: `tx` (transaction pooling) and `session` (session pooling), both leading to
 * the cluster's `postgres` database. pgbouncer refuses to run as root, so as root it runs as the
 * cluster's OS user with a config dir it owns. Stopped in `stop()` and on process exit.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, onCleanup } from './cleanup';
import { SUPERUSER, SUPERUSER_PASSWORD, chownToServer } from './cluster';
import type { Cluster } from './cluster';
import { accepts, freePort } from './ports';

export type PoolMode = 'transaction' | 'session';

/** The logical database name for each pool mode. */
export const BOUNCER_DB: Record<PoolMode, string> = { transaction: 'tx', session: 'session' };

export interface Pgbouncer {
  host: string;
  port: number;
  dir: string;
  log(): string;
  stop(): Promise<void>;
}

export interface PgbouncerOptions {
  /** Users pgbouncer lets in (and logs in as, with the same password), beside the superuser. */
  users?: Record<string, string>;
  /** `ignore_startup_parameters`; default `extra_float_digits`. */
  ignoreStartupParameters?: string;
  /** Extra [pgbouncer] settings. */
  settings?: Record<string, string | number>;
}

const running = new Set<ChildProcess>();
onCleanup(() => {
  for (const child of running) child.kill('SIGKILL');
});

export function canRunPgbouncer(): string | undefined {
  return fs.existsSync('/usr/sbin/pgbouncer') ? undefined : 'pgbouncer is not installed';
}

export async function startPgbouncer(cluster: Cluster, options: PgbouncerOptions = {}): Promise<Pgbouncer> {
  const dir = makeTempDir('bouncer');
  const removeDir = onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const users = { [SUPERUSER]: SUPERUSER_PASSWORD, ...options.users };
  const quote = (s: string): string => `"${s.replace(/"/g, '""')}"`;
  fs.writeFileSync(
    path.join(dir, 'userlist.txt'),
    Object.entries(users).map(([user, pw]) => `${quote(user)} ${quote(pw)}`).join('\n') + '\n',
    { mode: 0o600 },
  );
  const settings: Record<string, string | number> = {
    listen_addr: '127.0.0.1',
    listen_port: port,
    unix_socket_dir: '',
    auth_type: 'scram-sha-256',
    auth_file: path.join(dir, 'userlist.txt'),
    pidfile: path.join(dir, 'pgbouncer.pid'),
    logfile: path.join(dir, 'pgbouncer.log'),
    admin_users: SUPERUSER,
    pool_mode: 'session',
    default_pool_size: 10,
    max_client_conn: 200,
    ignore_startup_parameters: options.ignoreStartupParameters ?? 'extra_float_digits',
    server_reset_query: 'DISCARD ALL',
    ...options.settings,
  };
  const server = `host=127.0.0.1 port=${cluster.port} dbname=postgres`;
  const ini = [
    '[databases]',
    `${BOUNCER_DB.transaction} = ${server} pool_mode=transaction`,
    `${BOUNCER_DB.session} = ${server} pool_mode=session`,
    '',
    '[pgbouncer]',
    ...Object.entries(settings).map(([k, v]) => `${k} = ${v}`),
    '',
  ].join('\n');
  const configFile = path.join(dir, 'pgbouncer.ini');
  fs.writeFileSync(configFile, ini);
  chownToServer(dir);

  const isRoot = process.getuid?.() === 0;
  const [cmd, args] = isRoot
    ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', '/usr/sbin/pgbouncer', configFile]]
    : ['/usr/sbin/pgbouncer', [configFile]];
  // setpriv execs pgbouncer, so the child's pid is pgbouncer's.
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  running.add(child);
  child.once('exit', () => running.delete(child));

  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`pgbouncer did not start: ${stderr}\n${readLog(dir)}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }

  return {
    host: '127.0.0.1',
    port,
    dir,
    log: () => readLog(dir),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          // SIGTERM: immediate shutdown (SIGINT would wait for clients to leave).
          child.kill('SIGTERM');
        });
      }
      fs.rmSync(dir, { recursive: true, force: true });
      removeDir();
    },
  };
}

function readLog(dir: string): string {
  try {
    return fs.readFileSync(path.join(dir, 'pgbouncer.log'), 'utf8');
  } catch {
    return '';
  }
}

