/**
 * parseConnectionString: libpq's URI and keyword/value forms, their defaults, and errors that
 * name the bad part without echoing a password. The parsed result connects to a real server.
 */
import assert from 'node:assert/strict';
import * as os from 'node:os';
import { after, before, describe, test } from 'node:test';
import { PgPool, parseConnectionString } from '../../src/pool';
import { startCluster } from '../harness/cluster';
import type { Cluster } from '../harness/cluster';
import { everythingShown, firstValue, throwsWith } from './helpers';

// Every character a URI must percent-encode, plus a quote and a backslash for keyword/value.
const AWKWARD_PW = "p@ss:w/o?r#d%20 'q' \\b";
const SECRET = 'hunter2-secret';

describe('URIs', () => {
  test('all parts, percent-decoded, with query parameters', () => {
    const parsed = parseConnectionString(
      'postgresql://al%40ice:s%3Acret%2F@db.example.com:6543/my%20db?sslmode=verify-full&sslrootcert=/ca.pem' +
        '&sslcert=/c.pem&sslkey=/k.pem&sslpassword=kp&application_name=My%20App&connect_timeout=7',
    );
    assert.deepEqual(parsed.config, {
      host: 'db.example.com',
      port: 6543,
      database: 'my db',
      user: 'al@ice',
      auth: { kind: 'password', password: 's:cret/' },
      tls: { mode: 'verify-full', caFile: '/ca.pem', certFile: '/c.pem', keyFile: '/k.pem', keyPassphrase: 'kp' },
      applicationName: 'My App',
    });
    assert.equal(parsed.connectTimeoutMs, 7_000);
    assert.deepEqual(parsed.ignoredOptions, []);
  });

  test("libpq's defaults: localhost, 5432, the OS user, database = user, sslmode prefer, password file", () => {
    const user = os.userInfo().username;
    const parsed = parseConnectionString('postgres://');
    assert.deepEqual(parsed.config, {
      host: 'localhost',
      port: 5432,
      database: user,
      user,
      auth: { kind: 'pgpass' },
      tls: { mode: 'prefer' },
    });
  });

  test('IPv6 hosts in brackets, with and without a port', () => {
    assert.equal(parseConnectionString('postgresql://[::1]:5433/db').config.host, '::1');
    assert.equal(parseConnectionString('postgresql://[::1]:5433/db').config.port, 5433);
    assert.equal(parseConnectionString('postgresql://[2001:db8::7]/db').config.port, 5432);
  });

  test('a percent-encoded socket directory as host, and host/port as query parameters', () => {
    assert.equal(parseConnectionString('postgresql://%2Fvar%2Frun%2Fpostgresql/db').config.host, '/var/run/postgresql');
    const parsed = parseConnectionString('postgresql:///db?host=h.example&port=7777&user=u');
    assert.equal(parsed.config.host, 'h.example');
    assert.equal(parsed.config.port, 7777);
    assert.equal(parsed.config.user, 'u');
  });

  test('ssl=true (JDBC spelling) means require; passfile names the password file; options become startup settings', () => {
    const parsed = parseConnectionString(
      'postgresql://h/db?ssl=true&passfile=/p/.pgpass&options=-c%20default_transaction_read_only%3Don%20-c%20search_path%3Da\\%20b',
    );
    assert.equal(parsed.config.tls?.mode, 'require');
    assert.deepEqual(parsed.config.auth, { kind: 'pgpass', file: '/p/.pgpass' });
    assert.deepEqual(parsed.config.startupSettings, { default_transaction_read_only: 'on', search_path: 'a b' });
  });

  test('recognised libpq options without effect here are reported, not silently dropped', () => {
    const parsed = parseConnectionString('postgresql://h/db?target_session_attrs=read-write&keepalives=1');
    assert.deepEqual(parsed.ignoredOptions, ['target_session_attrs', 'keepalives']);
  });
});

describe('keyword/value strings', () => {
  test('quoted values with \\\' and \\\\, spaces around =, unquoted backslash escapes', () => {
    const parsed = parseConnectionString(
      "host=db.example port = 5433 dbname='my \\'quoted\\' db' user=bob password='a\\\\b c' sslmode=require application_name=x\\ y",
    );
    assert.equal(parsed.config.host, 'db.example');
    assert.equal(parsed.config.port, 5433);
    assert.equal(parsed.config.database, "my 'quoted' db");
    assert.equal(parsed.config.user, 'bob');
    assert.deepEqual(parsed.config.auth, { kind: 'password', password: 'a\\b c' });
    assert.equal(parsed.config.tls?.mode, 'require');
    assert.equal(parsed.config.applicationName, 'x y');
  });

  test('keyword/value strings may span lines; channel_binding and require_auth are kept', () => {
    const parsed = parseConnectionString('host=h\n\tdbname=d\r\nchannel_binding=require require_auth=!password,!md5');
    assert.equal(parsed.config.database, 'd');
    assert.equal(parsed.config.channelBinding, 'require');
    assert.equal(parsed.config.requireAuth, '!password,!md5');
  });

  test('connect_timeout: seconds, at least 2, 0 waits forever (libpq)', () => {
    assert.equal(parseConnectionString('connect_timeout=1').connectTimeoutMs, 2_000);
    assert.equal(parseConnectionString('connect_timeout=0').connectTimeoutMs, 0);
    assert.equal(parseConnectionString('host=x').connectTimeoutMs, undefined);
  });
});

describe('malformed input: kind config, naming the part, never the password', () => {
  const cases: [string, RegExp][] = [
    [`postgresql://u:${SECRET}%zz@h/db`, /Invalid percent-encoding in the password/],
    [`postgresql://u:${SECRET}@h:99999/db`, /The port "99999" is not a number from 1 to 65535/],
    [`postgresql://u:${SECRET}@h:port/db`, /The URI's port \(after the ":" that follows the host\) is not a number/],
    [`postgresql://u:${SECRET}`, /If the part before it is user:password, end it with "@" and the host/],
    [`postgresql://alice:s3cr?${SECRET}@host/db`, /percent-encode a "\?" in the user name or password \(%3F\)/],
    [`postgresql://alice:s3cr?${SECRET}=x@host/db`, /percent-encode a "\?" in the user name or password/],
    [`host=h password=${SECRET}\u0000x`, /control character U\+0000 at character 31/],
    [`host=h\u001b[31m password=${SECRET}`, /control character U\+001B at character 7/],
    [`postgresql://u:${SECRET}@h/db\u0000`, /control character U\+0000/],
    [`postgresql://u:${SECRET}@h/d\nb`, /control character U\+000A at character 34/],
    [`postgresql://u:${SECRET}%0A@h/db`, /The password contains the control character U\+000A: remove it/],
    [`postgresql://u@h/my%07db`, /The value of "dbname" contains the control character U\+0007/],
    [`host=h password='${SECRET}\nmore'`, /The password contains the control character U\+000A/],
    [`host=h require_auth=md5,!password password=${SECRET}`, /mixes methods with negated/],
    [`host=h require_auth=gss password=${SECRET}`, /allows only GSSAPI\/SSPI, which the PostgreSQL driver used here/],
    [`host=h channel_binding=maybe password=${SECRET}`, /channel_binding "maybe" is not one of disable, prefer, require/],
    [`postgresql://u:${SECRET}@[::1/db`, /missing its closing "\]"/],
    [`postgresql://u:${SECRET}@h1,h2/db`, /Several hosts \("h1,h2"\)/],
    [`postgresql://u:${SECRET}@h/db?sslmode=maybe`, /sslmode "maybe" is not one of/],
    [`postgresql://u:${SECRET}@h/db?bogus=1`, /Unknown connection option "bogus" in the URI query/],
    [`postgresql://u:${SECRET}@h/db?sslmode`, /The URI parameter "sslmode" has no "=value"/],
    [`postgresql://u@h/db?password=${SECRET}%`, /Invalid percent-encoding in the password parameter/],
    [`postgresql://u:${SECRET}/x@h/db`, /Percent-encode "@", "\/", ":" and "\?" in the user name and password/],
    [`postgresql://u:${SECRET}@x@h/db`, /has an "@" where the host or database should be/],
    [`host=h password='${SECRET}`, /The quoted value of password has no closing quote/],
    [`host=h password=${SECRET} more words`, /Missing "=" after the text after the password value/],
    [`host=h password=${SECRET} x=y`, /Unknown option after the password value: if the password contains a space, quote it/],
    [`host=h port`, /Missing "=" after "port"/],
    [`host=h service=nowhere-${'x'}`, /The service "nowhere-x" is not defined in/],
    [`host=h sslmode=allow password=${SECRET}`, /sslmode allow is not supported/],
    [`jdbc:postgresql://h/db?password=${SECRET}`, /JDBC URLs are not supported/],
    [`host=h options='-x'`, /The options value "-x" must consist of -c name=value settings/],
  ];
  for (const [text, expected] of cases) {
    test(JSON.stringify(text.replace(SECRET, '<secret>')), () => {
      const error = throwsWith(() => parseConnectionString(text, { HOME: '/nonexistent' }), 'config');
      assert.match(error.message, expected);
      assert.ok(!everythingShown(error).includes(SECRET), `the password leaked: ${error.message}`);
    });
  }
});

describe('parsed strings connect to a real server', () => {
  let cluster: Cluster;
  const pools: PgPool[] = [];
  before(async () => {
    cluster = await startCluster();
    await cluster.sql(`CREATE ROLE "odd user" LOGIN PASSWORD '${AWKWARD_PW.replace(/'/g, "''")}'`);
  });
  after(async () => {
    await Promise.all(pools.map((p) => p.close()));
    await cluster?.stop();
  });

  test('a URI with a percent-encoded user and password', async () => {
    const uri = `postgresql://odd%20user:${encodeURIComponent(AWKWARD_PW)}@127.0.0.1:${cluster.port}/postgres?sslmode=disable&application_name=from%20uri`;
    const parsed = parseConnectionString(uri);
    const pool = await PgPool.open(parsed.config, { connectTimeoutMs: parsed.connectTimeoutMs });
    pools.push(pool);
    assert.equal(await firstValue(pool, 's', "SELECT current_user || ' / ' || current_setting('application_name')"), 'odd user / from uri');
  });

  test('a keyword/value string with the same password quoted and escaped, and a startup setting', async () => {
    const quoted = AWKWARD_PW.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
    const parsed = parseConnectionString(
      `host=127.0.0.1 port=${cluster.port} dbname=postgres user='odd user' password='${quoted}' sslmode=prefer ` +
        "options='-c default_transaction_read_only=on'",
    );
    const pool = await PgPool.open(parsed.config);
    pools.push(pool);
    assert.equal(await firstValue(pool, 's', 'SHOW default_transaction_read_only'), 'on');
  });
});
