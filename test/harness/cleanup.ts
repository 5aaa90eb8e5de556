/**
 * What the harness leaves behind, and how it is cleaned up:
 *   - every temp folder it makes (`pgx-*` under the temp dir) holds `pgx-owner.json` with the
 *     pid of the test process that made it;
 *   - the registered cleanups (stop clusters, sshd, pgbouncer, remove folders) run on a normal
 *     exit and on SIGINT, SIGTERM and SIGHUP (node runs no 'exit' handler for a signal);
 *   - a run that was killed harder (SIGKILL, a crash of the machine) leaves its folders and maybe
 *     its servers: the next process that loads the harness removes them, but only those whose
 *     owner is dead (several test files and agents run at once on one machine, each with live
 *     clusters in the same temp dir). A server is found by its folder in its command line.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const OWNER_FILE = 'pgx-owner.json';
const PREFIX = 'pgx-';

const cleanups = new Set<() => void>();
let installed = false;

function runCleanups(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // Best effort: the next cleanup must still run.
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runCleanups);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      runCleanups();
      // The conventional status of death by that signal; 'exit' handlers run again (nothing left).
      process.exit(128 + os.constants.signals[signal]);
    });
  }
}

/** Runs `cleanup` (synchronous) at exit or on a signal; the returned function unregisters it. */
export function onCleanup(cleanup: () => void): () => void {
  install();
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** A new `pgx-<label>-XXXXXX` folder under the temp dir, traversable by all, owned by this process. */
export function makeTempDir(label: string): string {
  removeLeftovers();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${PREFIX}${label}-`));
  fs.chmodSync(dir, 0o755);
  fs.writeFileSync(path.join(dir, OWNER_FILE), JSON.stringify({ pid: process.pid, host: os.hostname() }));
  return dir;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ownerOf(dir: string): number | undefined {
  try {
    const owner = JSON.parse(fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8')) as { pid?: unknown; host?: unknown };
    // A pid means something only on the host (and pid namespace) that wrote it.
    if (owner.host !== os.hostname()) return undefined;
    return typeof owner.pid === 'number' ? owner.pid : undefined;
  } catch {
    return undefined;
  }
}

/** Processes whose command line names `dir` (a postmaster's -D, sshd's -f, pgbouncer's ini). */
export function processesUsing(dir: string): { pid: number; args: string }[] {
  const found: { pid: number; args: string }[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string;
    try {
      args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      continue;
    }
    if (args.includes(`${dir}/`) || args.split(' ').includes(dir)) found.push({ pid: Number(entry), args });
  }
  return found;
}

let swept = false;

/**
 * Removes the `pgx-*` folders (and stops the servers in them) of test processes that are dead.
 * Runs once per process, the first time the harness makes a folder.
 */
export function removeLeftovers(force = false): string[] {
  if (swept && !force) return [];
  swept = true;
  const removed: string[] = [];
  const tmp = os.tmpdir();
  let entries: string[];
  try {
    entries = fs.readdirSync(tmp);
  } catch {
    return removed;
  }
  for (const entry of entries) {
    if (!entry.startsWith(PREFIX)) continue;
    const dir = path.join(tmp, entry);
    const owner = ownerOf(dir);
    if (owner === undefined || owner === process.pid || isAlive(owner)) continue;
    const procs = processesUsing(dir);
    for (const proc of procs) {
      try {
        // SIGQUIT is a postmaster's immediate shutdown (it takes its backends along).
        process.kill(proc.pid, /\bpostgres\b.* -D /.test(proc.args) ? 'SIGQUIT' : 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    const deadline = Date.now() + 5_000;
    while (procs.some((p) => isAlive(p.pid)) && Date.now() < deadline) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
    fs.rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}
