// Makes a fresh clone ready for `npm test` / `npm run demo`: installs the npm packages when
// node_modules is missing or older than package-lock.json, and (as root, with apt) the Debian
// packages the tests need. Uses only Node's own modules, since it runs before any install.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const lock = join(root, 'package-lock.json');
const installed = join(root, 'node_modules', '.package-lock.json');

function run(cmd, args) {
  console.log(`[ensure-deps] ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
}

if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

if (process.argv.includes('--npm-only')) process.exit(0);

/** Debian packages and the binary that shows each is there. */
const systemPackages = [
  ['openssh-server', '/usr/sbin/sshd'],
  ['pgbouncer', '/usr/sbin/pgbouncer'],
  ['postgresql-client', '/usr/bin/psql'],
  ['chromium', '/usr/bin/chromium'],
  // code-server's kerberos module builds from source on install.
  ['libkrb5-dev', '/usr/include/krb5.h'],
  ['pkg-config', '/usr/bin/pkg-config'],
];
const wanted = (process.env.PGX_SYSTEM_PACKAGES ?? '').split(/\s+/).filter(Boolean);
const missing = systemPackages.filter(([, bin]) => !existsSync(bin)).map(([pkg]) => pkg).concat(wanted);
if (missing.length > 0) {
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('which', ['apt-get']).status === 0;
  if (isRoot && hasApt) {
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing]);
  } else {
    console.warn(`[ensure-deps] missing Debian packages: ${missing.join(' ')}. Install them (apt-get install ${missing.join(' ')}); the tests that need them will fail.`);
  }
}
