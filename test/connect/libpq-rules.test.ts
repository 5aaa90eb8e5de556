/**
 * libpq's defaults and meanings, against real servers: no TLS settings means prefer; require
 * checks the chain when ~/.postgresql/root.crt exists; `~` in file names; channel_binding and
 * require_auth; a password file's "localhost" matching a Unix-socket connection.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PgPool } from '../../src/pool';
import type { PgConfig } from '../../src/pool';
import { startCluster } from '../harness/cluster';
import type { Cluster } from '../harness/cluster';
import { createTestCa } from '../harness/tls';
import type { TestCa } from '../harness/tls';
import { firstValue, rejectsWith } from './helpers';

const SSL_PW = 'tls-rules-secret-4k';
const SCRAM_PW = 'scram-rules-secret-8m';
const MD5_PW = 'md5-rules-secret-2x';
const SOCK_PW = 'socket-rules-secret-5z';

let ca: TestCa;
let otherCa: TestCa;
let tlsCluster: Cluster;
let plainCluster: Cluster;
let home: string;
const realHome = process.env.HOME;
const pools: PgPool[] = [];

before(async () => {
  ca = createTestCa('rules');
  otherCa = createTestCa('rules-other');
  const server = ca.issue('server', { cn: 'localhost', san: 'DNS:localhost,IP:127.0.0.1' });
  [tlsCluster, plainCluster] = await Promise.all([
    startCluster({
      settings: { ssl: 'on', ssl_cert_file: "'server.crt'", ssl_key_file: "'server.key'" },
      files: { 'server.crt': server.cert, 'server.key': server.key },
      hbaFirst: ['hostssl all ssl_only 127.0.0.1/32 scram-sha-256', 'host all ssl_only 127.0.0.1/32 reject'],
    }),
    startCluster({
      // The default socket directory, where libpq's "localhost" rule for password files applies.
      settings: { unix_socket_directories: "'/tmp'" },
      hbaFirst: [
        'local all sock_user scram-sha-256',
        'host all md5_user 127.0.0.1/32 md5',
        'host all trust_user 127.0.0.1/32 trust',
      ],
    }),
  ]);
  await tlsCluster.sql(`CREATE ROLE ssl_only LOGIN PASSWORD '${SSL_PW}'`);
  await plainCluster.sql(`CREATE ROLE scram_user LOGIN PASSWORD '${SCRAM_PW}'; CREATE ROLE trust_user LOGIN;
    CREATE ROLE sock_user LOGIN PASSWORD '${SOCK_PW}'`);
  await plainCluster.sql(`SET password_encryption = 'md5'; CREATE ROLE md5_user LOGIN PASSWORD '${MD5_PW}'`);
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'pgx-home-'));
  fs.mkdirSync(path.join(home, '.postgresql'));
  // os.homedir() reads HOME: this test's home folder, with its own ~/.postgresql.
  process.env.HOME = home;
});

after(async () => {
  process.env.HOME = realHome;
  await Promise.all(pools.map((p) => p.close()));
  await Promise.all([tlsCluster?.stop(), plainCluster?.stop()]);
  ca?.remove();
  otherCa?.remove();
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

async function open(config: PgConfig): Promise<PgPool> {
  const pool = await PgPool.open(config, { maxSize: 1 });
  pools.push(pool);
  return pool;
}

const sslOnly = (extra: Partial<PgConfig> = {}): PgConfig =>
  tlsCluster.config({ user: 'ssl_only', auth: { kind: 'password', password: SSL_PW }, ...extra });
const rootCrt = (): string => path.join(home, '.postgresql', 'root.crt');
const encrypted = (pool: PgPool): Promise<string | null> => firstValue(pool, 's', 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');

describe('TLS defaults', () => {
  test('a profile without TLS settings means prefer: TLS when the server offers it', async () => {
    // pg_hba admits ssl_only over TLS only: with "no TLS settings = disable" this would be refused.
    assert.equal(await encrypted(await open(sslOnly())), 't');
  });

  test('require with ~/.postgresql/root.crt present checks the chain, like verify-ca', async () => {
    fs.copyFileSync(otherCa.caFile, rootCrt());
    try {
      const error = await rejectsWith(PgPool.open(sslOnly({ tls: { mode: 'require' } })), 'connect');
      assert.match(error.message, /certificate chain did not verify against ~\/\.postgresql\/root\.crt/);
      fs.copyFileSync(ca.caFile, rootCrt());
      assert.equal(await encrypted(await open(sslOnly({ tls: { mode: 'require' } }))), 't');
    } finally {
      fs.rmSync(rootCrt(), { force: true });
    }
  });

  test('"~" in a CA file name is the home folder', async () => {
    fs.copyFileSync(ca.caFile, path.join(home, 'my-ca.crt'));
    assert.equal(await encrypted(await open(sslOnly({ tls: { mode: 'verify-ca', caFile: '~/my-ca.crt' } }))), 't');
  });
});

describe('channel_binding', () => {
  test('require over TLS logs in (SCRAM-SHA-256-PLUS)', async () => {
    const pool = await open(sslOnly({ tls: { mode: 'require' }, channelBinding: 'require' }));
    assert.equal(await firstValue(pool, 's', 'SELECT current_user'), 'ssl_only');
  });

  test('require without TLS is refused before the password is sent', async () => {
    const config = plainCluster.config({ user: 'scram_user', auth: { kind: 'password', password: SCRAM_PW }, channelBinding: 'require' });
    const error = await rejectsWith(PgPool.open(config), 'auth');
    assert.match(error.message, /channel_binding is require, but the server .* asked for SCRAM-SHA-256 authentication without channel binding/);
  });

  test('require against a server that asks for no authentication is refused', async () => {
    const config = plainCluster.config({ user: 'trust_user', auth: { kind: 'none' }, channelBinding: 'require' });
    const error = await rejectsWith(PgPool.open(config), 'auth');
    assert.match(error.message, /let the connection in without authentication \(no channel binding\)/);
  });
});

describe('require_auth', () => {
  const scram = (requireAuth: string): PgConfig =>
    plainCluster.config({ user: 'scram_user', auth: { kind: 'password', password: SCRAM_PW }, requireAuth });

  test('a method the server does not use is refused, naming both', async () => {
    const error = await rejectsWith(PgPool.open(scram('md5,password')), 'auth');
    assert.match(error.message, /asked for SCRAM-SHA-256 authentication, which the profile's require_auth \(md5, password\) does not allow/);
    const md5 = plainCluster.config({ user: 'md5_user', auth: { kind: 'password', password: MD5_PW }, requireAuth: 'scram-sha-256' });
    assert.match((await rejectsWith(PgPool.open(md5), 'auth')).message, /asked for MD5 password authentication/);
    assert.match((await rejectsWith(PgPool.open(scram('none')), 'auth')).message, /require_auth \(none\) does not allow/);
  });

  test('an allowed method logs in; none is refused when not allowed', async () => {
    assert.equal(await firstValue(await open(scram('!password,!md5')), 's', 'SELECT current_user'), 'scram_user');
    const trust = plainCluster.config({ user: 'trust_user', auth: { kind: 'none' }, requireAuth: 'scram-sha-256' });
    assert.match((await rejectsWith(PgPool.open(trust), 'auth')).message, /let the connection in without authentication/);
    const trustOk = plainCluster.config({ user: 'trust_user', auth: { kind: 'none' }, requireAuth: 'none' });
    assert.equal(await firstValue(await open(trustOk), 's', 'SELECT current_user'), 'trust_user');
  });
});

describe('password file', () => {
  test('"localhost" matches a Unix-socket connection in the default socket directory', async () => {
    const file = path.join(home, 'pgpass');
    fs.writeFileSync(file, `localhost:${plainCluster.port}:postgres:sock_user:${SOCK_PW}\n`, { mode: 0o600 });
    const pool = await open(plainCluster.config({ host: '/tmp', user: 'sock_user', auth: { kind: 'pgpass', file: '~/pgpass' } }));
    assert.equal(await firstValue(pool, 's', "SELECT current_user || ' ' || coalesce(inet_client_addr()::text, 'socket')"), 'sock_user socket');
  });
});
