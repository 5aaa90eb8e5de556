/**
 * Fault drills (issue 8): bad input. Hosts that do not resolve, ports nobody answers on, a wrong
 * password, and statements or results at the edges (10 MB of SQL, NUL and invalid Unicode in the
 * text, 1,600 columns, a 100 MB value). Each works or fails with a clear PgError, and the pool
 * stays usable. (Malformed connection strings, TLS and SSH drills live with issue 3's tests.)
 */
import assert from 'node:assert/strict';
import dns from 'node:dns';
import * as net from 'node:net';
import { after, before, describe, test } from 'node:test';
import * as util from 'node:util';
import { PgPool } from '../../src/pool';
import { startCluster } from '../harness/cluster';
import type { Cluster } from '../harness/cluster';
import { freePort } from '../harness/ports';
import { failsWith, pageOf, stillWorks } from './drill-kit';

let cluster: Cluster;
let pool: PgPool;
const pools: PgPool[] = [];

before(async () => {
  cluster = await startCluster();
  pool = await PgPool.open(cluster.config(), { maxSize: 4 });
  pools.push(pool);
});

after(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await cluster.stop();
});

describe('connection settings that cannot work', () => {
  test('a host that does not resolve: kind connect, and the message names the host', async () => {
    // The machine's resolver is not on loopback and drills talk to 127.0.0.1 only, so the lookup of
    // this reserved name (RFC 6761 .invalid) is answered here, the way getaddrinfo answers it.
    const lookup = dns.lookup;
    const asked: string[] = [];
    const fake = ((hostname: string, ...rest: unknown[]) => {
      const callback = rest[rest.length - 1] as (err: NodeJS.ErrnoException | null) => void;
      if (!hostname.endsWith('.invalid')) return (lookup as (...args: unknown[]) => void)(hostname, ...rest);
      asked.push(hostname);
      const err: NodeJS.ErrnoException & { hostname?: string } = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
      err.code = 'ENOTFOUND';
      err.errno = -3008;
      err.syscall = 'getaddrinfo';
      err.hostname = hostname;
      process.nextTick(callback, err);
    }) as typeof dns.lookup;
    dns.lookup = fake;
    try {
      const error = await failsWith(
        PgPool.open(cluster.config({ host: 'db.does-not-exist.invalid' }), { connectTimeoutMs: 2_000 }),
        'connect',
        /db\.does-not-exist\.invalid/,
      );
      assert.match(error.message, /does not resolve.*check the host/is);
      assert.deepEqual(asked, ['db.does-not-exist.invalid'], 'the pool looked the name up (through the stand-in)');
    } finally {
      dns.lookup = lookup;
    }
  });

  test('a closed port: kind connect, naming where it tried and what to check', async () => {
    const port = await freePort();
    const error = await failsWith(PgPool.open(cluster.config({ port }), { connectTimeoutMs: 1_000 }), 'connect', new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.match(error.message, /server running|port/i);
  });

  test('a port that accepts but never answers: kind connect within the connect timeout, not a hang', { timeout: 30_000 }, async () => {
    // A listener that takes the TCP connection and says nothing: a firewall or a wrong service.
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const error = await failsWith(PgPool.open(cluster.config({ port }), { connectTimeoutMs: 500 }), 'connect', /connect timeout/);
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test('a wrong password: kind auth, SQLSTATE 28P01, and the password appears nowhere in the error', async () => {
    const secret = 'Wr0ng-S3cret-Value';
    const error = await failsWith(PgPool.open(cluster.config({ auth: { kind: 'password', password: secret } })), 'auth', /password authentication failed/);
    assert.equal(error.code, '28P01');
    assert.match(error.message, /postgres@127\.0\.0\.1/, 'the message says which login failed');
    for (const shown of [error.message, JSON.stringify(error), String(error.stack), util.inspect(error, { depth: 8, showHidden: true })]) {
      assert.doesNotMatch(shown, new RegExp(secret));
    }
    await stillWorks(pool);
  });
});

describe('statements and results at the edges', () => {
  test('a 10 MB statement runs, and the pool works after', async () => {
    const literal = 'x'.repeat(10 * 1024 * 1024);
    const outcome = await pool.execute('big-sql', `SELECT length('${literal}') AS n, '${literal}' AS v`);
    const row = pageOf(outcome).rows[0];
    assert.equal(row[0], String(10 * 1024 * 1024));
    assert.equal(row[1]?.length, 10 * 1024 * 1024);
    await stillWorks(pool, 'big-sql');
  });

  test('NUL in the SQL text: a clear query error that names the NUL, and the pool works after', async () => {
    const error = await failsWith(pool.execute('nul', "SELECT 'before\u0000after' AS v"), 'query');
    // The server's own answer to a NUL inside a protocol message is "insufficient data left in
    // message" (08P01), which tells a user nothing about their statement.
    assert.match(error.message, /NUL|\\0|0x00|zero byte|null character/i, `message was: ${error.message}`);
    await stillWorks(pool, 'nul');
  });

  test('NUL in a parameter: the server refuses it (22021), the pool works after', async () => {
    const error = await failsWith(pool.execute('nul-param', 'SELECT $1::text AS v', { params: ['a\u0000b'] }), 'query', /invalid byte sequence/);
    assert.equal(error.code, '22021');
    await stillWorks(pool, 'nul-param');
  });

  test('text that has no UTF-8 form (a lone surrogate) is refused with a clear error, never silently changed', async () => {
    // A JS string can hold a lone UTF-16 surrogate; encoding it as UTF-8 turns it into U+FFFD, so
    // an INSERT would store a different character than the one in the editor without a word.
    await cluster.sql('CREATE TABLE IF NOT EXISTS notes (body text)');
    const sent = pool.execute('surrogate', "INSERT INTO notes VALUES ('lone \uD800 surrogate')");
    const error = await failsWith(sent, 'query');
    assert.match(error.message, /surrogate|unicode|UTF-8|encod/i, `message was: ${error.message}`);
    const stored = await cluster.sql<{ n: string }>("SELECT count(*) AS n FROM notes WHERE body LIKE 'lone %'");
    assert.equal(stored[0].n, '0', 'nothing was written in place of the text');
    await stillWorks(pool, 'surrogate');
  });

  test('a result with 1,600 columns: every column is described, every value arrives', async () => {
    const list = Array.from({ length: 1_600 }, (_, i) => `${i + 1}::int AS c${i + 1}`).join(', ');
    const outcome = await pool.execute('wide', `SELECT ${list}`);
    assert.equal(outcome.kind, 'rows');
    if (outcome.kind !== 'rows') return;
    assert.equal(outcome.cursor.columns.length, 1_600);
    outcome.cursor.columns.forEach((column, i) => {
      assert.equal(column.name, `c${i + 1}`);
      assert.equal(column.typeName, 'integer');
    });
    assert.equal(outcome.page.rows[0].length, 1_600);
    assert.equal(outcome.page.rows[0][1_599], '1600');
    await stillWorks(pool, 'wide');
  });

  test('a single 100 MB value comes back whole, and the pool stays alive', { timeout: 60_000 }, async (t) => {
    const size = 100 * 1024 * 1024;
    const before = process.memoryUsage.rss();
    const outcome = await pool.execute('huge', `SELECT repeat('x', ${size}) AS v`);
    const value = pageOf(outcome).rows[0][0];
    const grown = process.memoryUsage.rss() - before;
    assert.equal(value?.length, size);
    assert.equal(value?.slice(-3), 'xxx');
    // Memory is a note, not an assertion: the wire buffer and the string each hold the value once.
    t.diagnostic(`RSS grew by ${Math.round(grown / 1024 / 1024)} MB while holding one 100 MB value`);
    await stillWorks(pool, 'huge');
  });
});
