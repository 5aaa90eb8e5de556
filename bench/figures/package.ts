/** Figure 8: the size of the packaged .vsix (activation is measured in code-server, bench/figures/ui.ts). */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { figure } from '../figure';
import type { BenchFigure } from '../types';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '..', '..');

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
    // `npm run package`: vsce runs vscode:prepublish (the production build: minified, no source maps).
    await run('npm', ['run', 'package', '--', '-o', out], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
    const note = 'npm run package (vsce package --no-dependencies after a production build)';
    const kib = fs.statSync(out).size / 1024;
    return figure({ name: '8. .vsix size', value: kib, unit: 'KiB', baseline: null, note });
  } catch (err) {
    return figure({ name: '8. .vsix size', value: null, unit: 'KiB', baseline: null, note: `packaging failed: ${failure(err)}` });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function packageFigures(): Promise<BenchFigure[]> {
  // Activation is measured inside code-server with figure 7 (bench/figures/ui.ts).
  return [await vsixFigure()];
}
