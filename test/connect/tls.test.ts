/**
 * TLS modes with libpq's meanings, against a cluster with its own CA whose server certificate
 * names only "localhost", and a cluster without TLS. Also client-certificate authentication.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { PgPool } from '../../src/pool';
import type { PgConfig, PgTlsMode, PgTlsOptions } from '../../src/pool';
import { startCluster } from '../harness/cluster';
import type { Cluster } from '../harness/cluster';
import { createTestCa } from '../harness/tls';
import type { Issued, TestCa } from '../harness/tls';
import { everythingShown, firstValue, rejectsWith } from './helpers';

const SSL_USER_PW = 'tls-user-secret-9f3';
const KEY_PASSPHRASE = 'client-key-passphrase-77';

let ca: TestCa;
let otherCa: TestCa;
let clientCert: Issued;
let tlsCluster: Cluster;
let plainCluster: Cluster;
const pools: PgPool[] = [];

before(async () => {
  ca = createTestCa('main');
  otherCa = createTestCa('other');
  const server = ca.issue('server', { cn: 'localhost', san: 'DNS:localhost' });
  clientCert = ca.issue('cert_user', { cn: 'cert_user', client: true, passphrase: KEY_PASSPHRASE });
  [tlsCluster, plainCluster] = await Promise.all([
    startCluster({
      settings: { ssl: 'on', ssl_cert_file: "'server.crt'", ssl_key_file: "'server.key'", ssl_ca_file: "'ca.crt'" },
      files: { 'server.crt': server.cert, 'server.key': server.key, 'ca.crt': fs.readFileSync(ca.caFile) },
      hbaFirst: [
        'hostssl all cert_user 127.0.0.1/32 cert',
        'host all cert_user 127.0.0.1/32 reject',
        'hostssl all ssl_only 127.0.0.1/32 scram-sha-256',
        'host all ssl_only 127.0.0.1/32 reject',
      ],
    }),
    startCluster(),
  ]);
  await tlsCluster.sql(`CREATE ROLE ssl_only LOGIN PASSWORD '${SSL_USER_PW}'; CREATE ROLE cert_user LOGIN`);
  await plainCluster.sql(`CREATE ROLE ssl_only LOGIN PASSWORD '${SSL_USER_PW}'`);
});

after(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await Promise.all([tlsCluster?.stop(), plainCluster?.stop()]);
  ca?.remove();
  otherCa?.remove();
});

function sslUser(cluster: Cluster, tls: PgTlsOptions, host = 'localhost'): PgConfig {
  return cluster.config({ host, user: 'ssl_only', auth: { kind: 'password', password: SSL_USER_PW }, tls });
}

async function open(config: PgConfig): Promise<PgPool> {
  const pool = await PgPool.open(config, { maxSize: 2 });
  pools.push(pool);
  return pool;
}

/** 't' when the session's backend sees its connection encrypted. */
async function encrypted(pool: PgPool): Promise<string | null> {
  return firstValue(pool, 's', 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
}

describe('TLS modes against a server with TLS (certificate for "localhost" only)', () => {
  const connecting: [PgTlsMode, Partial<PgTlsOptions>, string][] = [
    ['prefer', {}, 'localhost'],
    ['require', {}, '127.0.0.1'],
    ['verify-ca', {}, '127.0.0.1'],
    ['verify-full', {}, 'localhost'],
  ];
  for (const [mode, extra, host] of connecting) {
    test(`${mode} to ${host} connects encrypted`, async () => {
      const pool = await open(sslUser(tlsCluster, { mode, caFile: mode.startsWith('verify') ? ca.caFile : undefined, ...extra }, host));
      assert.equal(await encrypted(pool), 't');
    });
  }

  test('disable connects in plain text, which pg_hba refuses for this user (kind auth)', async () => {
    const error = await rejectsWith(PgPool.open(sslUser(tlsCluster, { mode: 'disable' })), 'auth');
    assert.equal(error.code, '28000');
    assert.match(error.message, /no encryption/);
  });

  test('verify-full to 127.0.0.1 fails on the host name check, naming it', async () => {
    const error = await rejectsWith(PgPool.open(sslUser(tlsCluster, { mode: 'verify-full', caFile: ca.caFile }, '127.0.0.1')), 'connect');
    assert.match(error.message, /does not name the host "127\.0\.0\.1"/);
    assert.match(error.message, /verify-full checks the host name/);
  });

  test('verify-ca against the wrong CA fails on the chain check, naming it', async () => {
    const error = await rejectsWith(PgPool.open(sslUser(tlsCluster, { mode: 'verify-ca', caFile: otherCa.caFile }, '127.0.0.1')), 'connect');
    assert.match(error.message, /certificate chain did not verify/);
    assert.match(error.message, /verify-ca checks the chain/);
    assert.ok(error.message.includes(otherCa.caFile), error.message);
  });

  test('verify-full against the wrong CA fails on the chain before the name', async () => {
    const error = await rejectsWith(PgPool.open(sslUser(tlsCluster, { mode: 'verify-full', caFile: otherCa.caFile })), 'connect');
    assert.match(error.message, /certificate chain did not verify/);
  });

  test('require checks nothing without a CA file, but the chain when one is given (as libpq)', async () => {
    const error = await rejectsWith(PgPool.open(sslUser(tlsCluster, { mode: 'require', caFile: otherCa.caFile }, '127.0.0.1')), 'connect');
    assert.match(error.message, /require checks the chain/);
    const pool = await open(sslUser(tlsCluster, { mode: 'require', caFile: ca.caFile }, '127.0.0.1'));
    assert.equal(await encrypted(pool), 't');
  });

  test('verify-ca without any CA file is a config error, not a silent pass', async () => {
    const error = await rejectsWith(PgPool.open(sslUser(tlsCluster, { mode: 'verify-ca' }, '127.0.0.1')), 'config');
    assert.match(error.message, /verify-ca needs a root CA file/);
  });
});

describe('TLS modes against a server without TLS', () => {
  for (const mode of ['require', 'verify-ca', 'verify-full'] as const) {
    test(`${mode} fails saying the server does not accept TLS`, async () => {
      const error = await rejectsWith(PgPool.open(sslUser(plainCluster, { mode, caFile: ca.caFile }, 'localhost')), 'connect');
      assert.match(error.message, /does not accept TLS connections/);
      assert.ok(error.message.includes(`TLS mode ${mode} requires TLS`), error.message);
    });
  }

  test('prefer falls back to plain text, for every pooled connection', async () => {
    const pool = await open(sslUser(plainCluster, { mode: 'prefer' }));
    assert.equal(await encrypted(pool), 'f');
    // A second session needs a second connection, opened the same way.
    await pool.execute('s', 'BEGIN');
    assert.equal(await firstValue(pool, 'other', 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()'), 'f');
    assert.equal(pool.stats().total, 2);
  });
});

describe('client-certificate authentication', () => {
  const certConfig = (tls: Partial<PgTlsOptions>): PgConfig =>
    tlsCluster.config({
      host: 'localhost',
      user: 'cert_user',
      auth: { kind: 'certificate' },
      tls: { mode: 'verify-full', caFile: ca.caFile, certFile: clientCert.certFile, keyFile: clientCert.keyFile, ...tls },
    });

  test('a certificate with an encrypted key and its passphrase logs in as its CN', async () => {
    const pool = await open(certConfig({ keyPassphrase: KEY_PASSPHRASE }));
    assert.equal(await firstValue(pool, 's', 'SELECT current_user'), 'cert_user');
    assert.equal(await encrypted(pool), 't');
  });

  test('a wrong key passphrase is a config error that does not show the passphrase', async () => {
    const wrong = 'not-the-passphrase-123';
    const error = await rejectsWith(PgPool.open(certConfig({ keyPassphrase: wrong })), 'config');
    assert.match(error.message, /passphrase is wrong/);
    assert.ok(!everythingShown(error).includes(wrong));
    const missing = await rejectsWith(PgPool.open(certConfig({})), 'config');
    assert.match(missing.message, /encrypted and no passphrase was given/);
  });

  test('without a client certificate the server refuses (kind auth)', async () => {
    const config = tlsCluster.config({ host: 'localhost', user: 'cert_user', auth: { kind: 'none' }, tls: { mode: 'verify-full', caFile: ca.caFile } });
    const error = await rejectsWith(PgPool.open(config), 'auth');
    assert.equal(error.code, '28000');
  });

  test('a certificate profile for a user the server asks a password of: kind auth saying so', async () => {
    const config = certConfig({ keyPassphrase: KEY_PASSPHRASE });
    const error = await rejectsWith(PgPool.open({ ...config, user: 'ssl_only' }), 'auth');
    assert.match(error.message, /asks for a password .* but this profile authenticates with its client certificate/);
  });

  test('a client certificate from a CA the server does not trust fails the handshake (kind connect)', async () => {
    const stranger = otherCa.issue('stranger', { cn: 'cert_user', client: true });
    const error = await rejectsWith(PgPool.open(certConfig({ certFile: stranger.certFile, keyFile: stranger.keyFile })), 'connect');
    assert.match(error.message, /The TLS handshake with .* failed: .*unknown ca/i);
  });

  test('certificate authentication with TLS disabled is a config error', async () => {
    const error = await rejectsWith(PgPool.open(certConfig({ mode: 'disable' })), 'config');
    assert.match(error.message, /needs TLS/);
  });
});
