// Bundles the extension-host test suites (test/extension-host/*.suite.ts: not *.test.ts, which
// node --test would pick up outside VS Code) into out/test/extension-host/, one CommonJS file per
// suite plus index.js (the extensionTestsPath). vscode comes from the host;
// mocha is loaded at run time from the e2e toolchain.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const srcDir = join(root, 'test', 'extension-host');
export const outDir = join(root, 'out', 'test', 'extension-host');

export async function buildExtensionHostTests() {
  rmSync(outDir, { recursive: true, force: true });
  const entryPoints = readdirSync(srcDir)
    .filter((f) => f === 'index.ts' || f.endsWith('.suite.ts'))
    .map((f) => join(srcDir, f));
  await esbuild.build({
    entryPoints,
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'pg-native'],
    logLevel: 'warning',
  });
  return join(outDir, 'index.js');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(await buildExtensionHostTests());
}
