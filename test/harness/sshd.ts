/**
 * A throwaway OpenSSH server (Debian's /usr/sbin/sshd) on a free loopback port with its own
 * config, host key, users and client keys, for tunnel tests; plus ssh-agent. Needs root (it
 * creates two system users and sets a password). Every process started here is killed in
 * `stop()` and again on process exit, whatever the tests did.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, onCleanup } from './cleanup';
import { accepts, freePort } from './ports';

export const KEY_USER = 'pgx_ssh_key';
export const PASSWORD_USER = 'pgx_ssh_pw';

export interface ClientKey {
  file: string;
  passphrase?: string;
}

export interface Sshd {
  host: string;
  port: number;
  dir: string;
  logFile: string;
  password: string;
  /** The host key's fingerprint as `ssh-keygen -l` prints it. */
  hostFingerprint: string;
  /** The host key as known_hosts holds it after the host names: "ssh-ed25519 AAAA...". */
  hostKeyText: string;
  knownHosts: { plain: string; hashed: string; changed: string; empty: string };
  keys: { ed25519: ClientKey; ecdsaEncrypted: ClientKey; rsaPemEncrypted: ClientKey; unauthorized: ClientKey };
  /** Starts ssh-agent on its own socket holding an authorised key. */
  startAgent(): Promise<{ socket: string; stop(): void }>;
  /** Pids of the unprivileged per-connection sshd processes of `user` (one per SSH connection). */
  sessionChildren(user: string): number[];
  /** The log from byte `offset` on. */
  logSince(offset: number): string;
  logSize(): number;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
onCleanup(() => {
  for (const child of children) child.kill('SIGKILL');
});

export function canRunSshd(): string | undefined {
  if (process.getuid?.() !== 0) return 'the sshd harness needs root (it creates users and sets a password)';
  if (!fs.existsSync('/usr/sbin/sshd')) return 'openssh-server is not installed';
  return undefined;
}

function run(file: string, args: string[], input?: string): string {
  return execFileSync(file, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

function ensureUser(name: string): void {
  try {
    run('id', ['-u', name]);
  } catch {
    run('useradd', ['--system', '--no-create-home', '--shell', '/bin/sh', name]);
  }
}

function keygen(file: string, type: string, passphrase: string, extra: string[] = []): ClientKey {
  run('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-C', path.basename(file), '-f', file, ...extra]);
  return passphrase ? { file, passphrase } : { file };
}

function publicKey(file: string): string {
  return fs.readFileSync(`${file}.pub`, 'utf8').trim();
}

async function waitFor(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function startSshd(): Promise<Sshd> {
  // sshd reads authorized_keys as the user: every parent must be traversable (makeTempDir: 0755).
  const dir = makeTempDir('sshd');
  const removeDir = onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  const password = `ssh-pw-${Math.random().toString(36).slice(2)}`;
  ensureUser(KEY_USER);
  ensureUser(PASSWORD_USER);
  // useradd leaves accounts locked, and sshd refuses even key logins for locked accounts.
  run('usermod', ['-p', '*', KEY_USER]);
  run('chpasswd', [], `${PASSWORD_USER}:${password}\n`);

  const hostKey = path.join(dir, 'ssh_host_ed25519_key');
  keygen(hostKey, 'ed25519', '');
  const otherHostKey = path.join(dir, 'other_host_ed25519_key');
  keygen(otherHostKey, 'ed25519', '');
  const hostFingerprint = run('ssh-keygen', ['-l', '-f', `${hostKey}.pub`]).split(' ')[1];

  const keysDir = path.join(dir, 'keys');
  fs.mkdirSync(keysDir);
  const keys = {
    ed25519: keygen(path.join(keysDir, 'id_ed25519'), 'ed25519', ''),
    ecdsaEncrypted: keygen(path.join(keysDir, 'id_ecdsa'), 'ecdsa', 'ecdsa-passphrase-1', ['-b', '256']),
    rsaPemEncrypted: keygen(path.join(keysDir, 'id_rsa_pem'), 'rsa', 'rsa-passphrase-2', ['-b', '2048', '-m', 'PEM']),
    unauthorized: keygen(path.join(keysDir, 'id_unauthorized'), 'ed25519', ''),
  };
  const agentKey = keygen(path.join(keysDir, 'id_agent'), 'ed25519', '');
  const authorizedDir = path.join(dir, 'authorized_keys');
  fs.mkdirSync(authorizedDir, { mode: 0o755 });
  fs.writeFileSync(
    path.join(authorizedDir, KEY_USER),
    `${[keys.ed25519, keys.ecdsaEncrypted, keys.rsaPemEncrypted, agentKey].map((k) => publicKey(k.file)).join('\n')}\n`,
    { mode: 0o644 },
  );

  const port = await freePort();
  const [keyType, keyBase64] = publicKey(hostKey).split(' ');
  const [, otherBase64] = publicKey(otherHostKey).split(' ');
  const knownHosts = {
    plain: path.join(dir, 'known_hosts'),
    hashed: path.join(dir, 'known_hosts_hashed'),
    changed: path.join(dir, 'known_hosts_changed'),
    empty: path.join(dir, 'known_hosts_empty'),
  };
  const line = `[127.0.0.1]:${port} ${keyType} ${keyBase64}\n`;
  fs.writeFileSync(knownHosts.plain, `# another host first\n[127.0.0.1]:1 ${keyType} ${otherBase64}\n${line}`);
  fs.writeFileSync(knownHosts.hashed, line);
  run('ssh-keygen', ['-q', '-H', '-f', knownHosts.hashed]);
  fs.writeFileSync(knownHosts.changed, `[127.0.0.1]:${port} ${keyType} ${otherBase64}\n`);
  fs.writeFileSync(knownHosts.empty, '');

  const logFile = path.join(dir, 'sshd.log');
  const config = path.join(dir, 'sshd_config');
  fs.writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorizedDir}/%u`,
      'UsePAM no',
      'StrictModes no',
      'AllowTcpForwarding yes',
      'PermitTTY no',
      'X11Forwarding no',
      'PermitRootLogin no',
      'KbdInteractiveAuthentication no',
      `AllowUsers ${KEY_USER} ${PASSWORD_USER}`,
      // DEBUG1 logs each direct-tcpip request: how the tests see channels per SSH connection.
      'LogLevel DEBUG1',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      `Match User ${PASSWORD_USER}`,
      '  PasswordAuthentication yes',
      '  PubkeyAuthentication no',
      '',
    ].join('\n'),
  );
  fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  run('/usr/sbin/sshd', ['-t', '-f', config]);
  const sshd = spawn('/usr/sbin/sshd', ['-D', '-f', config, '-E', logFile], { stdio: 'ignore' });
  children.add(sshd);
  sshd.once('exit', () => children.delete(sshd));
  await waitFor(() => accepts(port), 'sshd to listen');

  // Only this sshd's grandchildren (listener -> [priv] monitor -> user's process), so that another
  // test run's sshd on the same machine is never touched.
  const sessionChildren = (user: string): number[] => {
    const uid = run('id', ['-u', user]).trim();
    const rows = run('ps', ['-eo', 'pid=,ppid=,uid=,args='])
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f.length >= 4);
    const parentOf = new Map(rows.map((f) => [f[0], f[1]]));
    return rows
      .filter((f) => f[2] === uid && f[3] === 'sshd:' && parentOf.get(f[1]) === String(sshd.pid))
      .map((f) => Number(f[0]));
  };
  const agents: ChildProcess[] = [];
  const stopChild = (child: ChildProcess): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });

  return {
    host: '127.0.0.1',
    port,
    dir,
    logFile,
    password,
    hostFingerprint,
    hostKeyText: `${keyType} ${keyBase64}`,
    knownHosts,
    keys,
    async startAgent() {
      const socket = path.join(dir, `agent-${agents.length}.sock`);
      const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
      children.add(agent);
      agents.push(agent);
      agent.once('exit', () => children.delete(agent));
      await waitFor(() => fs.existsSync(socket), 'ssh-agent socket');
      execFileSync('ssh-add', ['-q', agentKey.file], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
      return { socket, stop: () => void stopChild(agent) };
    },
    sessionChildren,
    logSince(offset) {
      return fs.readFileSync(logFile, 'utf8').slice(offset);
    },
    logSize() {
      return fs.statSync(logFile).size;
    },
    async stop() {
      await Promise.all([...agents.map(stopChild), stopChild(sshd)]);
      // Per-connection children outlive the listener if a test left a connection open.
      for (const user of [KEY_USER, PASSWORD_USER]) {
        for (const pid of sessionChildren(user)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
      }
      fs.rmSync(dir, { recursive: true, force: true });
      removeDir();
    },
  };
}
