// Bundles the extension host (node, cjs, vscode external) and the webview (browser) with esbuild.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const production = process.argv.includes('--production');
// A production build (what vsce packages) ships no source maps: remove those of earlier builds.
if (production) {
  for (const map of ['dist/extension.js.map', 'dist/webview.js.map', 'dist/plan-webview.js.map', 'dist/form-webview.js.map']) rmSync(map, { force: true });
}
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning' };

await esbuild.build({
  ...common,
  entryPoints: ['src/extension/extension.ts'],
  outfile: 'dist/extension.js',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // ssh2 and cpu-features try native addons (built for the machine's Node, not VS Code's) inside
  // try/catch and fall back to JavaScript: leave them out of the bundle so that fallback is taken.
  external: ['vscode', '*.node'],
});

// libpg-query's WASM scanner (the SQL splitter) loads libpg-query.wasm from the folder of the
// script that contains it: once bundled, that is dist/.
const require = createRequire(import.meta.url);
const wasm = join(dirname(require.resolve('libpg-query')), 'libpg-query.wasm');
mkdirSync('dist', { recursive: true });
copyFileSync(wasm, 'dist/libpg-query.wasm');

if (existsSync('webview-ui/main.ts')) {
  await esbuild.build({
    ...common,
    entryPoints: ['webview-ui/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  });
}

// The plan view: its own bundle, so the grid's page does not carry it and the other way round.
if (existsSync('webview-plan/main.ts')) {
  await esbuild.build({
    ...common,
    entryPoints: ['webview-plan/main.ts'],
    outfile: 'dist/plan-webview.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  });
}

// The connection form (Add / Edit Connection): a bundle of its own, vscode-elements' controls only.
if (existsSync('webview-form/main.ts')) {
  await esbuild.build({
    ...common,
    entryPoints: ['webview-form/main.ts'],
    outfile: 'dist/form-webview.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  });
}
