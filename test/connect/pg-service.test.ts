/**
 * pg_service.conf with libpq's rules: which files (PGSERVICEFILE, ~/.pg_service.conf,
 * PGSYSCONFDIR/pg_service.conf), which wins (the user's file, then explicit parameters over the
 * service's), the file's syntax, and a service that connects to a real server.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PgPool, parseConnectionString } from '../../src/pool';
import { listServices, parseServiceFile, serviceFiles } from '../../src/pool/pg-service';
import { parseService } from '../../src/pool/connection-string';
import { startCluster } from '../harness/cluster';
import type { Cluster } from '../harness/cluster';
import { everythingShown, firstValue, throwsWith } from './helpers';

const SERVICE_PW = 'service-file-secret-Q7';

let dir: string;
let home: string;
let sysconf: string;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgx-service-'));
  home = path.join(dir, 'home');
  sysconf = path.join(dir, 'etc');
  fs.mkdirSync(home);
  fs.mkdirSync(sysconf);
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the service files and their precedence', () => {
  test('PGSERVICEFILE, else ~/.pg_service.conf; PGSYSCONFDIR, else /etc/postgresql-common', () => {
    assert.deepEqual(serviceFiles({ HOME: '/h' }), { user: '/h/.pg_service.conf', system: '/etc/postgresql-common/pg_service.conf' });
    assert.deepEqual(serviceFiles({ HOME: '/h', PGSERVICEFILE: '/x/s.conf', PGSYSCONFDIR: '/y' }), {
      user: '/x/s.conf',
      system: '/y/pg_service.conf',
    });
  });

  test("libpq's syntax: comments, white space, first keyword wins, a repeated section is never reached", () => {
    const services = parseServiceFile(
      '# comment\n  [a]  \nhost=h1\n  # indented comment\nport=1\nhost=h2\n\n[b]\ndbname= spaced \n[a]\nhost=h3\n',
      'f',
    );
    assert.deepEqual(
      services.map((s) => [s.name, Object.fromEntries(s.params)]),
      [
        ['a', { host: 'h1', port: '1' }],
        ['b', { dbname: ' spaced' }],
      ],
    );
    assert.match(throwsWith(() => parseServiceFile('[a]\nhost\n', 'f'), 'config').message, /Syntax error in the service file f, line 2/);
    assert.match(throwsWith(() => parseServiceFile('[a]\nservice=b\n', 'f'), 'config').message, /Nested service/);
  });

  test("the user's file wins over the system file; explicit parameters win over the service's", () => {
    fs.writeFileSync(path.join(home, '.pg_service.conf'), '[both]\nhost=from-user\ndbname=userdb\n[mine]\nhost=mine.example\n');
    fs.writeFileSync(path.join(sysconf, 'pg_service.conf'), '[both]\nhost=from-system\nport=7000\n[shared]\nhost=shared.example\nport=6000\n');
    const env = { HOME: home, PGSYSCONFDIR: sysconf };
    const both = parseConnectionString('service=both', env).config;
    // Found in the user's file: taken from there alone (libpq does not merge the two files).
    assert.equal(both.host, 'from-user');
    assert.equal(both.port, 5432);
    assert.equal(both.database, 'userdb');
    assert.equal(parseConnectionString('service=shared', env).config.port, 6000);
    const overridden = parseConnectionString('postgresql://other.example/otherdb?service=both', env).config;
    assert.equal(overridden.host, 'other.example');
    assert.equal(overridden.database, 'otherdb');
    assert.deepEqual(
      listServices(env).map((s) => `${s.name}@${path.basename(s.file)}`),
      ['both@.pg_service.conf', 'mine@.pg_service.conf', 'shared@pg_service.conf'],
    );
  });

  test('a bad line in a service is reported with the service and file, never with a password', () => {
    const file = path.join(dir, 'bad.conf');
    fs.writeFileSync(file, `[bad]\npassword=${SERVICE_PW}\nbogus=1\n[ctl]\npassword=${SERVICE_PW}\u0007\n`);
    const bad = throwsWith(() => parseService('bad', { PGSERVICEFILE: file }), 'config');
    assert.match(bad.message, /The service "bad" in .*bad\.conf: Unknown connection option "bogus"/);
    const ctl = throwsWith(() => parseService('ctl', { PGSERVICEFILE: file }), 'config');
    assert.match(ctl.message, /The password contains the control character U\+0007/);
    for (const error of [bad, ctl]) assert.ok(!everythingShown(error).includes(SERVICE_PW));
  });
});

describe('a service connects to a real server', () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster();
    await cluster.sql(`CREATE ROLE svc_user LOGIN PASSWORD '${SERVICE_PW}'`);
  });
  after(() => cluster?.stop());

  test('host, port, user, password, application_name and options from the service', async () => {
    const file = path.join(dir, 'real.conf');
    fs.writeFileSync(
      file,
      `[real]\nhost=127.0.0.1\nport=${cluster.port}\ndbname=postgres\nuser=svc_user\npassword=${SERVICE_PW}\nsslmode=disable\n` +
        'application_name=from service\noptions=-c default_transaction_read_only=on\n',
    );
    const parsed = parseConnectionString('service=real', { PGSERVICEFILE: file });
    const pool = await PgPool.open(parsed.config);
    try {
      assert.equal(
        await firstValue(pool, 's', "SELECT current_user || ' ' || current_setting('application_name') || ' ' || current_setting('default_transaction_read_only')"),
        'svc_user from service on',
      );
    } finally {
      await pool.close();
    }
  });
});
