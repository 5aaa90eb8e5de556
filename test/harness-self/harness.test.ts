/**
 * The test harness explains itself and cleans up after itself: server binaries the `postgres`
 * OS user cannot reach are copied where it can; a test process stopped by SIGTERM or SIGINT
 * stops its cluster and removes its folders; what a SIGKILLed one left is removed by the next
 * run, but never what a live process owns.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { processesUsing, removeLeftovers } from '../harness/cleanup';
import { binaryCacheRoot, runAsServerUser, serverBinDir, serverUserCanRun } from '../harness/cluster';

const repoRoot = path.resolve(__dirname, '..', '..');
const child = path.join(__dirname, 'fixtures', 'cluster-child.ts');

interface Started {
  process: ChildProcess;
  dir: string;
  dataDir: string;
  caDir: string;
}

function startChild(): Promise<Started> {
  const proc = spawn(process.execPath, ['--import', 'tsx', child], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    proc.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve({ process: proc, ...(JSON.parse(line) as { dir: string; dataDir: string; caDir: string }) });
    });
    proc.once('exit', (code, signal) => reject(new Error(`the child exited (${code ?? signal}) before starting: ${err}`)));
  });
}

function exited(proc: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve({ code: proc.exitCode, signal: proc.signalCode });
    proc.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

/** Postgres processes of that data dir (the postmaster names it in its command line). */
const serversOf = (dataDir: string): number[] => processesUsing(dataDir).map((p) => p.pid);

describe('a killed test process', { timeout: 120_000 }, () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`${signal}: its cluster is stopped and its folders are removed`, async () => {
      const started = await startChild();
      assert.ok(fs.existsSync(started.dataDir));
      assert.ok(serversOf(started.dataDir).length > 0, 'the cluster should be running');
      started.process.kill(signal);
      const { code } = await exited(started.process);
      assert.equal(code, 128 + os.constants.signals[signal]);
      assert.deepEqual(serversOf(started.dataDir), []);
      assert.equal(fs.existsSync(started.dir), false, `${started.dir} is left`);
      assert.equal(fs.existsSync(started.caDir), false, `${started.caDir} is left`);
    });
  }

  test("SIGKILL: the next run removes what it left, and never a live process's folders", async () => {
    const live = await startChild();
    const killed = await startChild();
    try {
      killed.process.kill('SIGKILL');
      await exited(killed.process);
      // Nothing could run in the killed process: its server and folders are still there.
      assert.ok(fs.existsSync(killed.dir));
      assert.ok(serversOf(killed.dataDir).length > 0);

      const removed = removeLeftovers(true);
      assert.ok(removed.includes(killed.dir), `not removed: ${killed.dir} (removed ${removed.join(', ')})`);
      assert.ok(removed.includes(killed.caDir));
      assert.equal(fs.existsSync(killed.dir), false);
      assert.deepEqual(serversOf(killed.dataDir), []);
      // The live child's cluster is untouched and still answers.
      assert.ok(fs.existsSync(live.dataDir));
      assert.ok(serversOf(live.dataDir).length > 0);
      assert.ok(!removed.includes(live.dir));
    } finally {
      live.process.kill('SIGTERM');
      await exited(live.process);
    }
    assert.equal(fs.existsSync(live.dir), false);
  });
});

describe('server binaries the postgres OS user cannot reach', { skip: process.getuid?.() !== 0 ? 'only as root' : false }, () => {
  test('are copied to a folder it can read, once, and run from there', () => {
    const closed = fs.mkdtempSync(path.join(os.tmpdir(), 'closed-checkout-'));
    fs.chmodSync(closed, 0o700);
    const cacheName = `selftest-${process.pid}`;
    try {
      const native = path.join(closed, 'native');
      assert.equal(spawnSync('cp', ['-a', '--link', path.join(repoRoot, 'node_modules', 'pg17', 'native'), native]).status, 0);
      // What a clone under /root does today: the server's user cannot even start the binary.
      assert.equal(serverUserCanRun(native), false);
      assert.throws(() => runAsServerUser(path.join(native, 'bin', 'postgres'), ['--version']));

      const usable = serverBinDir(native, cacheName);
      assert.equal(usable, path.join(binaryCacheRoot(), cacheName));
      assert.match(runAsServerUser(path.join(usable, 'bin', 'postgres'), ['--version']), /PostgreSQL\) 17\./);
      // initdb is where the missing libicu showed: it must get through its locale setup.
      const data = fs.mkdtempSync(path.join(os.tmpdir(), 'pgx-selftest-data-'));
      try {
        fs.chmodSync(data, 0o777);
        runAsServerUser(path.join(usable, 'bin', 'initdb'), ['-D', path.join(data, 'd'), '-E', 'UTF8', '--locale=C', '--no-sync', '-A', 'trust']);
        assert.ok(fs.existsSync(path.join(data, 'd', 'PG_VERSION')));
      } finally {
        fs.rmSync(data, { recursive: true, force: true });
      }
      assert.equal(serverBinDir(native, cacheName), usable, 'a second call reuses the copy');
    } finally {
      fs.rmSync(closed, { recursive: true, force: true });
      fs.rmSync(path.join(binaryCacheRoot(), cacheName), { recursive: true, force: true });
    }
  });
});
