// Bundles the extension host (node, cjs, vscode external) and the webview (browser) with esbuild.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const production = process.argv.includes('--production');
// A production build (what vsce packages) ships no source maps: remove those of earlier builds.
if (production) {
  if (existsSync('dist')) for (const file of readdirSync('dist')) if (file.endsWith('.js.map')) rmSync(join('dist', file), { force: true });
}
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning' };
// A webview's bundle reaches the page through VS Code's service worker and the workbench, and the
// page's load (which VS Code waits for before it shows the page and hands it the host's messages)
// waits for it: without whitespace and dead code even a development build is a third smaller
// (names are kept, so stack traces stay readable without the source map).
const webviewCommon = { ...common, minifyWhitespace: true, minifySyntax: true, platform: 'browser', format: 'iife', target: 'es2022' };

// Packages the extension only loads on first use (each by a dynamic import: the driver with the
// first connection, ssh2 with the first SSH profile, libpg-query's scanner after activation,
// sql-formatter with the first Format Document) are bundles of their own: dist/extension.js only
// holds a require() of them, so VS Code reads and compiles ~1 MB less before activate() runs.
// The driver is src/pool/pg-driver.ts (pg plus the pg-protocol parser it patches, one copy of each).
const lazyPackages = { './pg-driver': 'lazy-pg.js', ssh2: 'lazy-ssh2.js', 'libpg-query': 'lazy-libpg-query.js', 'sql-formatter': 'lazy-sql-formatter.js' };
const lazyPackagesPlugin = {
  name: 'lazy-packages',
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(lazyPackages).map((k) => k.replace(/[./]/g, '\\$&')).join('|')})$`);
    // Our import of the package becomes a module of one require() (so import() stays a require,
    // as the other bundled modules are); that require is left to Node, relative to dist/.
    build.onResolve({ filter }, (args) => (args.importer.includes('node_modules') ? undefined : { path: args.path, namespace: 'lazy-package' }));
    build.onLoad({ filter: /.*/, namespace: 'lazy-package' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(`./${lazyPackages[args.path]}`)});`, loader: 'js' }));
    build.onResolve({ filter: /^\.\/lazy-/ }, (args) => ({ path: args.path, external: true }));
  },
};
function lazyEntry(pkg) {
  if (pkg === 'sql-formatter') return "export { formatDialect, postgresql } from 'sql-formatter';";
  if (pkg === './pg-driver') return "module.exports = require('./src/pool/pg-driver.ts');";
  return `module.exports = require(${JSON.stringify(pkg)});`;
}
for (const [pkg, file] of Object.entries(lazyPackages)) {
  await esbuild.build({
    ...common,
    // The package's own module, as import() of it sees it (its exports, `default` included); of
    // sql-formatter only what format.ts takes, from its ESM build (the other dialects left out).
    stdin: { contents: lazyEntry(pkg), resolveDir: process.cwd(), loader: 'js' },
    outfile: `dist/${file}`,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['*.node'],
  });
}

await esbuild.build({
  ...common,
  plugins: [lazyPackagesPlugin],
  entryPoints: ['src/extension/extension.ts'],
  outfile: 'dist/extension.js',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // ssh2 and cpu-features try native addons (built for the machine's Node, not VS Code's) inside
  // try/catch and fall back to JavaScript: leave them out of the bundle so that fallback is taken.
  external: ['vscode', '*.node'],
  // When the bundle starts and ends evaluating (epoch ms): activate() logs them (load-timing.ts),
  // so the activation figure can tell loading our code from VS Code's own work around it.
  banner: { js: 'globalThis.__pgxLoad = { start: Date.now() };' },
  footer: { js: 'globalThis.__pgxLoad.end = Date.now();' },
});

// libpg-query's WASM scanner (the SQL splitter) loads libpg-query.wasm from the folder of the
// script that contains it: once bundled, that is dist/.
const require = createRequire(import.meta.url);
const wasm = join(dirname(require.resolve('libpg-query')), 'libpg-query.wasm');
mkdirSync('dist', { recursive: true });
copyFileSync(wasm, 'dist/libpg-query.wasm');

if (existsSync('webview-ui/main.ts')) {
  await esbuild.build({
    ...webviewCommon,
    entryPoints: ['webview-ui/main.ts'],
    outfile: 'dist/webview.js',
    // The bundle's first statement, before any module of it is evaluated (webview-ui/boot-marks.ts).
    banner: { js: "performance.mark('pgx:script');" },
  });
}

// The plan view: its own bundle, so the grid's page does not carry it and the other way round.
if (existsSync('webview-plan/main.ts')) {
  await esbuild.build({
    ...webviewCommon,
    entryPoints: ['webview-plan/main.ts'],
    outfile: 'dist/plan-webview.js',
  });
}

// The connection form (Add / Edit Connection): a bundle of its own, vscode-elements' controls only.
if (existsSync('webview-form/main.ts')) {
  await esbuild.build({
    ...webviewCommon,
    entryPoints: ['webview-form/main.ts'],
    outfile: 'dist/form-webview.js',
  });
}
