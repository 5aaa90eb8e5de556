/**
 * Authentication methods against a real server: SCRAM-SHA-256, md5, trust ('none'), and the
 * password file with libpq's rules. Secrets never show in an error or a warning.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PgPool } from '../../src/pool';
import type { PgConfig } from '../../src/pool';
import { matchPgpass } from '../../src/pool/pgpass';
import { startCluster } from '../harness/cluster';
import type { Cluster } from '../harness/cluster';
import { everythingShown, firstValue, rejectsWith } from './helpers';

const SCRAM_PW = 'scram-secret-A1b2';
const MD5_PW = 'md5-secret-C3d4';
// Needs both escapes in a password file: a colon and a backslash.
const PGPASS_PW = 'pg:pass\\word-E5';
const WRONG_PW = 'wrong-secret-Z9y8';

let cluster: Cluster;
let dir: string;
const pools: PgPool[] = [];

before(async () => {
  cluster = await startCluster({
    hbaFirst: ['host all md5_user 127.0.0.1/32 md5', 'host all trust_user 127.0.0.1/32 trust'],
  });
  await cluster.sql(`CREATE ROLE scram_user LOGIN PASSWORD '${SCRAM_PW}'`);
  // standard_conforming_strings: the backslash is literal.
  await cluster.sql(`CREATE ROLE pgpass_user LOGIN PASSWORD '${PGPASS_PW}'`);
  await cluster.sql('CREATE ROLE trust_user LOGIN');
  const admin = await cluster.admin();
  try {
    await admin.query("SET password_encryption = 'md5'");
    await admin.query(`CREATE ROLE md5_user LOGIN PASSWORD '${MD5_PW}'`);
  } finally {
    await admin.end();
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgx-auth-'));
});

after(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await cluster?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function as(user: string, auth: PgConfig['auth']): PgConfig {
  return cluster.config({ user, auth });
}

async function open(config: PgConfig, warnings: string[] = []): Promise<PgPool> {
  const pool = await PgPool.open(config, { maxSize: 2, onWarning: (m) => warnings.push(m) });
  pools.push(pool);
  return pool;
}

function pgpassFile(name: string, lines: string[], mode = 0o600): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${lines.join('\n')}\n`, { mode });
  fs.chmodSync(file, mode);
  return file;
}

/** `\` and `:` escaped as a password file needs them. */
function escapeField(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/:/g, '\\:');
}

describe('passwords', () => {
  test('SCRAM-SHA-256 and md5 users log in with their passwords', async () => {
    const stored = await cluster.sql<{ rolname: string; kind: string }>(
      "SELECT rolname, left(rolpassword, 6) AS kind FROM pg_authid WHERE rolname IN ('scram_user', 'md5_user') ORDER BY 1",
    );
    assert.equal(stored[0].rolname, 'md5_user');
    assert.ok(stored[0].kind.startsWith('md5'), 'md5_user has an md5 hash');
    assert.equal(stored[1].kind, 'SCRAM-');
    const scram = await open(as('scram_user', { kind: 'password', password: SCRAM_PW }));
    assert.equal(await firstValue(scram, 's', 'SELECT current_user'), 'scram_user');
    const md5 = await open(as('md5_user', { kind: 'password', password: MD5_PW }));
    assert.equal(await firstValue(md5, 's', 'SELECT current_user'), 'md5_user');
  });

  for (const user of ['scram_user', 'md5_user']) {
    test(`a wrong password for ${user} is kind auth, SQLSTATE 28P01, and never shows the password`, async () => {
      const warnings: string[] = [];
      const error = await rejectsWith(
        PgPool.open(as(user, { kind: 'password', password: WRONG_PW }), { onWarning: (m) => warnings.push(m) }),
        'auth',
      );
      assert.equal(error.code, '28P01');
      assert.match(error.message, new RegExp(`password authentication failed for user "${user}"`));
      const shown = everythingShown(error) + warnings.join('\n');
      assert.ok(!shown.includes(WRONG_PW), 'the wrong password leaked');
      assert.ok(!shown.includes(SCRAM_PW) && !shown.includes(MD5_PW));
      const serverLog = fs.readFileSync(path.join(cluster.dir, 'server.log'), 'utf8');
      assert.match(serverLog, new RegExp(`password authentication failed for user "${user}"`), 'the server logged the failure');
      assert.ok(!serverLog.includes(WRONG_PW), 'the password reached the server log');
    });
  }

  test('an empty password is sent as empty, not replaced by PGPASSWORD', async () => {
    const saved = process.env.PGPASSWORD;
    process.env.PGPASSWORD = SCRAM_PW;
    try {
      const error = await rejectsWith(PgPool.open(as('scram_user', { kind: 'password', password: '' })), 'auth');
      assert.match(error.message, /the profile's password is empty/);
    } finally {
      restoreEnv('PGPASSWORD', saved);
    }
  });
});

describe("'none' (trust)", () => {
  test('a trust user connects without a password', async () => {
    const pool = await open(as('trust_user', { kind: 'none' }));
    assert.equal(await firstValue(pool, 's', 'SELECT current_user'), 'trust_user');
  });

  test("'none' sends no password even when PGPASSWORD and a password file hold the right one", async () => {
    const file = pgpassFile('none.pgpass', [`*:*:*:scram_user:${SCRAM_PW}`]);
    const saved = { pw: process.env.PGPASSWORD, file: process.env.PGPASSFILE };
    process.env.PGPASSWORD = SCRAM_PW;
    process.env.PGPASSFILE = file;
    try {
      const error = await rejectsWith(PgPool.open(as('scram_user', { kind: 'none' })), 'auth');
      assert.match(error.message, /asks for a password .* but this profile connects without one/);
      assert.ok(!everythingShown(error).includes(SCRAM_PW));
    } finally {
      restoreEnv('PGPASSWORD', saved.pw);
      restoreEnv('PGPASSFILE', saved.file);
    }
  });
});

describe('password file', () => {
  test('the first matching line wins; wildcards, escapes and comments as libpq reads them', async () => {
    const { port } = cluster;
    const file = pgpassFile('good.pgpass', [
      '# a comment line',
      `127.0.0.1:${port}:otherdb:pgpass_user:not-this-one`,
      `localhost:${port}:*:pgpass_user:not-this-one-either`,
      `127.0.0.1:*:*:pgpass_user:${escapeField(PGPASS_PW)}`,
      `*:*:*:*:${WRONG_PW}`,
    ]);
    const warnings: string[] = [];
    const pool = await open(as('pgpass_user', { kind: 'pgpass', file }), warnings);
    assert.equal(await firstValue(pool, 's', 'SELECT current_user'), 'pgpass_user');
    assert.deepEqual(warnings, []);
  });

  test('a wrong password from the file says which file it came from', async () => {
    const file = pgpassFile('wrong.pgpass', [`*:*:*:pgpass_user:${WRONG_PW}`, `*:*:*:pgpass_user:${escapeField(PGPASS_PW)}`]);
    const error = await rejectsWith(PgPool.open(as('pgpass_user', { kind: 'pgpass', file })), 'auth');
    assert.equal(error.code, '28P01');
    assert.ok(error.message.includes(`The password was read from ${file}`), error.message);
    assert.ok(!everythingShown(error).includes(WRONG_PW));
  });

  test('a file others can read is ignored with libpq\'s warning, and the login fails', async () => {
    const file = pgpassFile('open.pgpass', [`*:*:*:pgpass_user:${escapeField(PGPASS_PW)}`], 0o644);
    const warnings: string[] = [];
    const error = await rejectsWith(
      PgPool.open(as('pgpass_user', { kind: 'pgpass', file }), { onWarning: (m) => warnings.push(m) }),
      'auth',
    );
    assert.deepEqual(warnings, [
      `WARNING: password file "${file}" has group or world access; permissions should be u=rw (0600) or less`,
    ]);
    assert.match(error.message, /It was ignored: WARNING: password file/);
    assert.ok(!everythingShown(error).includes(PGPASS_PW));
  });

  test('PGPASSFILE is read when the profile names no file', async () => {
    const file = pgpassFile('env.pgpass', [`*:*:*:pgpass_user:${escapeField(PGPASS_PW)}`]);
    const saved = process.env.PGPASSFILE;
    process.env.PGPASSFILE = file;
    try {
      const pool = await open(as('pgpass_user', { kind: 'pgpass' }));
      assert.equal(await firstValue(pool, 's', 'SELECT current_user'), 'pgpass_user');
    } finally {
      restoreEnv('PGPASSFILE', saved);
    }
  });

  test('no matching line: kind auth naming the file and the key looked up', async () => {
    const file = pgpassFile('other.pgpass', ['db.example:5432:*:*:x']);
    const error = await rejectsWith(PgPool.open(as('pgpass_user', { kind: 'pgpass', file })), 'auth');
    assert.ok(error.message.includes(`${file} has no usable line for 127.0.0.1:${cluster.port}:postgres:pgpass_user`), error.message);
  });

  test('matching rules: "*" only as a whole field, escaped separators, \\\\ before a colon, CRLF', () => {
    const key = { host: 'h:1', port: 5432, database: 'd*', user: 'u\\' };
    assert.equal(matchPgpass('h\\:1:5432:d\\*:u\\\\:pw\\:x\\\\y:ignored\n', key), 'pw:x\\y');
    assert.equal(matchPgpass('h*:5432:*:*:no\n', key), undefined, '"h*" is not a wildcard');
    assert.equal(matchPgpass('#h\\:1:*:*:*:commented\r\n*:*:*:*:crlf\r\n', key), 'crlf');
    assert.equal(matchPgpass('*:5433:*:*:otherport\n*:5432:d*:*:db-star-literal\n', key), 'db-star-literal');
    // libpq compares greedily, so an unescaped colon inside the host still matches.
    assert.equal(matchPgpass('h:1:5432:*:*:greedy\n', key), 'greedy');
    assert.equal(matchPgpass('*:*:*:*:\n*:*:*:*:second\n', key), '', 'the first match wins, even when empty');
  });
});

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
