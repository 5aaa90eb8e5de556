/**
 * The SSH tunnel against Debian's OpenSSH server: key (OpenSSH and PEM, with and without a
 * passphrase), agent and password authentication; host keys that are known, hashed, pinned,
 * unknown or changed; one SSH connection for the whole pool and no local listener; a killed or
 * frozen SSH connection; bulk data and TLS inside the channel; cancel on a channel of its own; close.
 */
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PgPool } from '../../src/pool';
import type { PgConfig, PoolOptions, SshTunnelRef } from '../../src/pool';
import { startCluster } from '../harness/cluster';
import type { Cluster } from '../harness/cluster';
import { freePort } from '../harness/ports';
import { KEY_USER, PASSWORD_USER, canRunSshd, startSshd } from '../harness/sshd';
import type { Sshd } from '../harness/sshd';
import { createTestCa } from '../harness/tls';
import type { TestCa } from '../harness/tls';
import { cancelsSleep, everythingShown, firstValue, rejectsWith, rowsOf, until } from './helpers';

const skip = canRunSshd();
let cluster: Cluster;
let sshd: Sshd;
let ca: TestCa;
const pools = new Set<PgPool>();

before(async () => {
  if (skip) return;
  // Settled one by one, so that after() can stop whichever started when the other failed.
  ca = createTestCa('ssh');
  const server = ca.issue('server', { cn: 'localhost', san: 'DNS:localhost' });
  const tls = {
    settings: { ssl: 'on', ssl_cert_file: "'server.crt'", ssl_key_file: "'server.key'" },
    files: { 'server.crt': server.cert, 'server.key': server.key },
  };
  const [c, s] = await Promise.allSettled([startCluster(tls), startSshd()]);
  if (c.status === 'fulfilled') cluster = c.value;
  if (s.status === 'fulfilled') sshd = s.value;
  for (const result of [c, s]) if (result.status === 'rejected') throw result.reason;
});

after(async () => {
  await Promise.all([...pools].map((p) => p.close()));
  await Promise.all([cluster?.stop(), sshd?.stop()]);
  ca?.remove();
});

function tunnel(overrides: Partial<SshTunnelRef> = {}): SshTunnelRef {
  return {
    host: sshd.host,
    port: sshd.port,
    user: KEY_USER,
    auth: { kind: 'key', privateKeyFile: sshd.keys.ed25519.file },
    hostKey: { kind: 'knownHosts', file: sshd.knownHosts.plain },
    ...overrides,
  };
}

function viaSsh(ssh: SshTunnelRef, overrides: Partial<PgConfig> = {}): PgConfig {
  return cluster.config({ ssh, ...overrides });
}

async function open(config: PgConfig, options: PoolOptions = {}): Promise<PgPool> {
  const pool = await PgPool.open(config, { maxSize: 4, ...options });
  pools.add(pool);
  return pool;
}

async function close(pool: PgPool): Promise<void> {
  pools.delete(pool);
  await pool.close();
}

/** Connects, runs one query, closes: the tunnel worked end to end. */
async function connectsWith(ssh: SshTunnelRef): Promise<void> {
  const pool = await open(viaSsh(ssh));
  try {
    assert.equal(await firstValue(pool, 's', 'SELECT 40 + 2'), '42');
  } finally {
    await close(pool);
  }
}

/** The SSH connections this test opened: per-connection sshd children not in `before`. */
function newChildren(before: number[]): number[] {
  return sshd.sessionChildren(KEY_USER).filter((pid) => !before.includes(pid));
}

/**
 * The TCP sockets in LISTEN state that this process holds, as "address:port" by socket inode:
 * the kernel's table (/proc/net/tcp, tcp6) joined with this process's descriptors.
 */
function ownListeners(): Map<string, string> {
  const listening = new Map<string, string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const rows = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').slice(1) : [];
    for (const row of rows) {
      // sl local_address rem_address st ... inode; st 0A is LISTEN; the port is hex after the colon.
      const fields = row.trim().split(/\s+/);
      if (fields[3] !== '0A') continue;
      const [address, port] = fields[1].split(':');
      // IPv4 is four bytes in host (little-endian) order; IPv6 stays hex.
      const ip = address.length === 8 ? (address.match(/../g) ?? []).reverse().map((b) => Number.parseInt(b, 16)).join('.') : address;
      listening.set(fields[9], `${ip}:${Number.parseInt(port, 16)}`);
    }
  }
  const owned = new Map<string, string>();
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    let link: string;
    try {
      link = fs.readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue; // closed since readdir
    }
    const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
    const where = inode === undefined ? undefined : listening.get(inode);
    if (inode !== undefined && where !== undefined) owned.set(inode, where);
  }
  return owned;
}

/** Listeners of this process that were not there in `before`. */
function newListeners(before: Map<string, string>): string[] {
  return [...ownListeners()].filter(([inode]) => !before.has(inode)).map(([, where]) => where);
}

describe('SSH tunnel', { skip }, () => {
  describe('authentication', () => {
    test('an ed25519 OpenSSH key without passphrase; two pooled connections share one SSH connection', async () => {
      const offset = sshd.logSize();
      const pool = await open(viaSsh(tunnel()));
      try {
        await pool.execute('a', 'BEGIN');
        assert.equal(await firstValue(pool, 'b', 'SELECT 1'), '1');
        assert.equal(pool.stats().total, 2, 'two connections in the pool');
        const log = sshd.logSince(offset);
        assert.equal((log.match(/Accepted publickey for pgx_ssh_key/g) ?? []).length, 1, 'one SSH login');
        assert.equal((log.match(/server_request_direct_tcpip: originator 127\.0\.0\.1/g) ?? []).length, 2, 'two channels');
      } finally {
        await close(pool);
      }
    });

    test('an encrypted ecdsa OpenSSH key with its passphrase, host checked in a hashed known_hosts', async () => {
      const key = sshd.keys.ecdsaEncrypted;
      await connectsWith(tunnel({ auth: { kind: 'key', privateKeyFile: key.file, passphrase: key.passphrase }, hostKey: { kind: 'knownHosts', file: sshd.knownHosts.hashed } }));
    });

    test('an encrypted PEM rsa key with its passphrase, host checked by a pinned fingerprint', async () => {
      const key = sshd.keys.rsaPemEncrypted;
      await connectsWith(tunnel({ auth: { kind: 'key', privateKeyFile: key.file, passphrase: key.passphrase }, hostKey: { kind: 'fingerprint', sha256: sshd.hostFingerprint } }));
    });

    test('a wrong or missing key passphrase is kind tunnel and never shows the passphrase', async () => {
      const key = sshd.keys.ecdsaEncrypted;
      const wrong = 'not-the-key-passphrase';
      const error = await rejectsWith(PgPool.open(viaSsh(tunnel({ auth: { kind: 'key', privateKeyFile: key.file, passphrase: wrong } }))), 'tunnel');
      assert.match(error.message, /the passphrase is wrong/);
      assert.ok(!everythingShown(error).includes(wrong));
      const missing = await rejectsWith(PgPool.open(viaSsh(tunnel({ auth: { kind: 'key', privateKeyFile: key.file } }))), 'tunnel');
      assert.match(missing.message, /encrypted and no passphrase was given/);
    });

    test('a key the server does not know is refused (kind tunnel)', async () => {
      const error = await rejectsWith(PgPool.open(viaSsh(tunnel({ auth: { kind: 'key', privateKeyFile: sshd.keys.unauthorized.file } }))), 'tunnel');
      assert.match(error.message, /refused key authentication for user pgx_ssh_key/);
    });

    test('ssh-agent, by SSH_AUTH_SOCK and by an explicit socket', async () => {
      const agent = await sshd.startAgent();
      const saved = process.env.SSH_AUTH_SOCK;
      try {
        await connectsWith(tunnel({ auth: { kind: 'agent', socket: agent.socket } }));
        process.env.SSH_AUTH_SOCK = agent.socket;
        await connectsWith(tunnel({ auth: { kind: 'agent' } }));
        delete process.env.SSH_AUTH_SOCK;
        const error = await rejectsWith(PgPool.open(viaSsh(tunnel({ auth: { kind: 'agent' } }))), 'tunnel');
        assert.match(error.message, /SSH_AUTH_SOCK is not set/);
      } finally {
        if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
        else process.env.SSH_AUTH_SOCK = saved;
        agent.stop();
      }
    });

    test('password authentication; a wrong password is refused without showing it', async () => {
      await connectsWith(tunnel({ user: PASSWORD_USER, auth: { kind: 'password', password: sshd.password } }));
      const wrong = 'wrong-ssh-password-42';
      const error = await rejectsWith(PgPool.open(viaSsh(tunnel({ user: PASSWORD_USER, auth: { kind: 'password', password: wrong } }))), 'tunnel');
      assert.match(error.message, /refused password authentication for user pgx_ssh_pw/);
      assert.ok(!everythingShown(error).includes(wrong) && !everythingShown(error).includes(sshd.password));
    });
  });

  describe('host key', () => {
    test('an unknown host key refuses to connect, offering the fingerprint as ssh-keygen prints it', async () => {
      const error = await rejectsWith(PgPool.open(viaSsh(tunnel({ hostKey: { kind: 'knownHosts', file: sshd.knownHosts.empty } }))), 'tunnel');
      assert.equal(error.fingerprint, sshd.hostFingerprint);
      assert.match(error.message, /host key that is not known/);
      assert.equal(error.hostKey, 'unknown');
      assert.ok(error.message.includes(sshd.hostFingerprint));
    });

    test('a changed host key refuses to connect and says it changed', async () => {
      const error = await rejectsWith(PgPool.open(viaSsh(tunnel({ hostKey: { kind: 'knownHosts', file: sshd.knownHosts.changed } }))), 'tunnel');
      assert.equal(error.fingerprint, sshd.hostFingerprint);
      assert.match(error.message, /has CHANGED/);
      assert.equal(error.hostKey, 'changed');
      assert.ok(error.message.includes(`${sshd.knownHosts.changed}:1`), error.message);
    });

    test('a pinned fingerprint that does not match refuses to connect', async () => {
      const pinned = 'SHA256:' + 'A'.repeat(43);
      const error = await rejectsWith(PgPool.open(viaSsh(tunnel({ hostKey: { kind: 'fingerprint', sha256: pinned } }))), 'tunnel');
      assert.equal(error.fingerprint, sshd.hostFingerprint);
      assert.ok(error.message.includes(pinned));
    });

    test('known_hosts patterns: wildcards match, a negated pattern rules the line out, @revoked refuses', async () => {
      const file = (name: string, text: string): string => {
        const target = path.join(sshd.dir, name);
        fs.writeFileSync(target, text);
        return target;
      };
      const port = sshd.port;
      await connectsWith(tunnel({ hostKey: { kind: 'knownHosts', file: file('kh_wild', `[127.0.0.?]:${port} ${sshd.hostKeyText}\n`) } }));
      await connectsWith(tunnel({ hostKey: { kind: 'knownHosts', file: file('kh_star', `other.example,[127.*]:* ${sshd.hostKeyText}\n`) } }));
      const negated = await rejectsWith(
        PgPool.open(viaSsh(tunnel({ hostKey: { kind: 'knownHosts', file: file('kh_neg', `![127.0.0.1]:${port},* ${sshd.hostKeyText}\n`) } }))),
        'tunnel',
      );
      assert.match(negated.message, /not known/);
      const revokedFile = file('kh_revoked', `@revoked * ${sshd.hostKeyText}\n[127.0.0.1]:${port} ${sshd.hostKeyText}\n`);
      const revoked = await rejectsWith(PgPool.open(viaSsh(tunnel({ hostKey: { kind: 'knownHosts', file: revokedFile } }))), 'tunnel');
      assert.match(revoked.message, /revoked/);
      assert.equal(revoked.hostKey, 'revoked');
      assert.equal(revoked.fingerprint, sshd.hostFingerprint);
    });

    test('a refused host key leaves no SSH connection behind', async () => {
      const before = sshd.sessionChildren(KEY_USER);
      await rejectsWith(PgPool.open(viaSsh(tunnel({ hostKey: { kind: 'knownHosts', file: sshd.knownHosts.empty } }))), 'tunnel');
      assert.deepEqual(newChildren(before), []);
    });
  });

  describe('failures of the SSH connection', () => {
    test('the session\'s sshd child killed mid-cursor: connectionLost, then the next execute re-opens the tunnel', async () => {
      const before = sshd.sessionChildren(KEY_USER);
      const pool = await open(viaSsh(tunnel()));
      try {
        const first = rowsOf(await pool.execute('s', 'SELECT g FROM generate_series(1, 1000) g', { pageSize: 10 }));
        assert.equal(first.rows.length, 10);
        const [child] = newChildren(before);
        assert.ok(child, 'an sshd child for this pool');
        process.kill(child, 'SIGKILL');
        await rejectsWith(pool.fetchPage('s'), 'connectionLost');
        assert.equal(await firstValue(pool, 's', 'SELECT 7'), '7');
        assert.equal(newChildren(before).length, 1, 'a new SSH connection');
      } finally {
        await close(pool);
      }
    });

    test('a frozen SSH connection (SIGSTOP) is found by keepalive: connectionLost within the keepalive window', { timeout: 60_000 }, async () => {
      const before = sshd.sessionChildren(KEY_USER);
      const pool = await open(viaSsh(tunnel()));
      const [child] = newChildren(before);
      assert.ok(child, 'an sshd child for this pool');
      try {
        assert.equal(await firstValue(pool, 's', 'SELECT 1'), '1');
        process.kill(child, 'SIGSTOP');
        // Without keepalive the call would hang for ever (the test's timeout would fail it); the
        // pool sets a 2 s interval with 3 misses, about 8 s. No wall-clock assertion here.
        await rejectsWith(pool.execute('s', 'SELECT 2'), 'connectionLost');
      } finally {
        process.kill(child, 'SIGCONT');
        process.kill(child, 'SIGKILL');
      }
      try {
        assert.equal(await firstValue(pool, 's', 'SELECT 3'), '3');
      } finally {
        await close(pool);
      }
    });

    test('a database port nobody listens on, seen from the SSH server: kind tunnel, the process survives', async () => {
      const before = sshd.sessionChildren(KEY_USER);
      const port = await freePort();
      const error = await rejectsWith(PgPool.open(viaSsh(tunnel(), { port })), 'tunnel');
      assert.match(error.message, new RegExp(`could not open a channel to 127\\.0\\.0\\.1:${port}`));
      // PgPool.open failed, so nobody holds the pool: it closed its SSH connection itself.
      await until(() => newChildren(before).length === 0, 'the sshd child to exit');
    });
  });

  describe('through the tunnel', () => {
    test('no local port: a pool through SSH with connections and a cancel listens on nothing', async () => {
      // The check itself sees a listener when there is one (else this test could never fail).
      const probe = net.createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const probePort = (probe.address() as net.AddressInfo).port;
      try {
        assert.ok(newListeners(new Map()).some((where) => where.endsWith(`:${probePort}`)), 'the probe listener is seen');
      } finally {
        await new Promise<void>((resolve) => probe.close(() => resolve()));
      }

      const before = ownListeners();
      const pool = await open(viaSsh(tunnel()));
      try {
        await pool.execute('a', 'BEGIN');
        await pool.execute('b', 'BEGIN');
        assert.equal(pool.stats().total, 2, 'two connections through the SSH connection');
        await cancelsSleep(pool, cluster);
        assert.deepEqual(newListeners(before), [], 'no listening socket opened by the pool');
      } finally {
        await close(pool);
      }
    });

    test('8 MB each way, plain and under TLS: more than an SSH channel window, nothing lost or reordered', async () => {
      // Larger than ssh2's channel window (2 MB): the writes wait for the window, the reads for pg.
      const value = Array.from({ length: 8 * 1024 * 1024 / 32 }, (_, i) => i.toString(16).padStart(32, '.')).join('');
      const expected = crypto.createHash('md5').update(value).digest('hex');
      for (const overrides of [{}, { host: 'localhost', tls: { mode: 'verify-full' as const, caFile: ca.caFile } }]) {
        const pool = await open(viaSsh(tunnel(), overrides));
        try {
          const sent = rowsOf(await pool.execute('s', 'SELECT md5($1::text), length($1::text)', { params: [value] })).rows[0];
          assert.deepEqual(sent, [expected, String(value.length)]);
          const back = rowsOf(await pool.execute('s', 'SELECT $1::text', { params: [value] })).rows[0][0];
          assert.ok(back === value, `the value came back intact (${String(back?.length)} of ${value.length} characters)`);
        } finally {
          await close(pool);
        }
      }
    });

    test('cancel of pg_sleep(30) travels its own channel and ends the statement as kind cancelled', async () => {
      const pool = await open(viaSsh(tunnel()));
      try {
        const offset = sshd.logSize();
        await cancelsSleep(pool, cluster);
        // One channel for the CancelRequest (the SELECT 1 after it runs on the pooled connection's own).
        assert.equal((sshd.logSince(offset).match(/server_request_direct_tcpip/g) ?? []).length, 1, 'one channel for the CancelRequest');
      } finally {
        await close(pool);
      }
    });

    test('verify-full inside the SSH channel checks the profile\'s host name', async () => {
      // The certificate names only "localhost": "localhost" and "127.0.0.1" reach the same server
      // from the SSH server, and only the profile's host name decides.
      const tls = { mode: 'verify-full' as const, caFile: ca.caFile };
      const pool = await open(viaSsh(tunnel(), { host: 'localhost', tls }));
      try {
        assert.equal(await firstValue(pool, 's', 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()'), 't');
      } finally {
        await close(pool);
      }
      const error = await rejectsWith(PgPool.open(viaSsh(tunnel(), { host: '127.0.0.1', tls })), 'connect');
      assert.match(error.message, /does not name the host "127\.0\.0\.1"/);
    });

    test('pool.close() closes the SSH connection', async () => {
      const before = sshd.sessionChildren(KEY_USER);
      const pool = await open(viaSsh(tunnel()));
      assert.equal(newChildren(before).length, 1);
      await close(pool);
      await until(() => newChildren(before).length === 0, 'the sshd child to exit');
    });
  });
});
