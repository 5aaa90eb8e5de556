/** Figure 8: the size of the packaged .vsix, and the extension's own activation cost. */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { figure } from '../figure';
import { median } from '../stats';
import type { BenchFigure } from '../types';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '..', '..');
const ACTIVATION_RUNS = 5;

/** The first lines of what a failed command printed, for the note. */
function failure(err: unknown): string {
  const e = err as { message?: string; stderr?: string; stdout?: string };
  const text = [e.stderr, e.stdout, e.message].find((t) => t && t.trim()) ?? String(err);
  // vsce colours its output; the note is plain text.
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '').trim().split('\n').slice(0, 3).join(' / ');
}

async function vsixFigure(): Promise<BenchFigure> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgx-vsix-'));
  const out = path.join(dir, 'pg-explorer.vsix');
  try {
    await run('npm', ['run', 'build'], { cwd: repoRoot });
    const args = ['vsce', 'package', '--no-dependencies', '--allow-missing-repository', '-o', out];
    let note = 'npm run build, then vsce package --no-dependencies --allow-missing-repository';
    try {
      await run('npx', args, { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
    } catch (err) {
      // vsce refuses relative README links when it cannot tell where the repository is; skipping
      // the rewrite changes a few bytes of README, not what the size is about.
      if (!/relative|broken in README/i.test(failure(err))) throw err;
      await run('npx', [...args, '--no-rewrite-relative-links'], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
      note += ' (plus --no-rewrite-relative-links: vsce refused the relative links in README.md without a repository URL)';
    }
    const kib = fs.statSync(out).size / 1024;
    return figure({ name: '8. .vsix size', value: kib, unit: 'KiB', baseline: null, note });
  } catch (err) {
    return figure({ name: '8. .vsix size', value: null, unit: 'KiB', baseline: null, note: `packaging failed: ${failure(err)}` });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function activationFigure(): Promise<BenchFigure> {
  const name = '8. activation: require + activate() (stub vscode)';
  const note =
    'our code only, in a fresh Node process with a stand-in vscode module; activation inside VS Code ' +
    '(figures 7/8 as a user sees them) is measured in code-server by the e2e harness';
  const script = path.join(__dirname, '..', 'activation-child.ts');
  const bundle = path.join(repoRoot, 'dist', 'extension.js');
  const times: number[] = [];
  const requireTimes: number[] = [];
  for (let i = 0; i < ACTIVATION_RUNS; i++) {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script, bundle], { cwd: repoRoot });
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { ms?: number; requireMs?: number; error?: string };
    if (result.ms === undefined) {
      return figure({ name, value: null, unit: 'ms', baseline: null, note: `not measurable without VS Code (${result.error ?? 'no result'}); ${note}` });
    }
    times.push(result.ms);
    requireTimes.push(result.requireMs ?? 0);
  }
  const split = `of which require() of the bundle ${median(requireTimes).toFixed(0)} ms`;
  return figure({ name, value: median(times), unit: 'ms', baseline: null, note: `${split}; ${note}` });
}

export async function packageFigures(): Promise<BenchFigure[]> {
  const vsix = await vsixFigure();
  return [vsix, await activationFigure()];
}
