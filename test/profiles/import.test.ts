/**
 * What an imported connection string becomes: nothing dropped silently (read-only from
 * options, other -c settings, application_name, connect_timeout, channel_binding, require_auth
 * kept; the rest listed), profiles that name a pg_service.conf service, and that all of it
 * reaches a real server's session.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PgPool, parseConnectionString } from '../../src/pool';
import { connectTimeoutMs, parseProfile, profileFromConfig, toPgConfig } from '../../src/extension/profiles/profile';
import { parseService } from '../../src/pool/connection-string';
import { startCluster } from '../harness/cluster';
import type { Cluster } from '../harness/cluster';

const PW = 'import-secret-R2d2';

function imported(text: string, env?: NodeJS.ProcessEnv): ReturnType<typeof profileFromConfig> {
  const parsed = parseConnectionString(text, env);
  return profileFromConfig(parsed.config, parsed);
}

describe('imported options are kept or listed', () => {
  test("options='-c default_transaction_read_only=on' makes the profile read-only; other -c settings are kept", () => {
    const { profile } = imported("host=h options='-c default_transaction_read_only=on -c search_path=app,public'");
    assert.equal(profile.readOnly, true);
    assert.deepEqual(profile.startupSettings, { search_path: 'app,public' });
  });

  test('connect_timeout, application_name, channel_binding and require_auth are kept', () => {
    const { profile } = imported('postgresql://h/db?connect_timeout=7&application_name=nightly&channel_binding=require&require_auth=scram-sha-256');
    assert.equal(profile.connectTimeoutSeconds, 7);
    assert.equal(connectTimeoutMs(profile), 7_000);
    assert.equal(profile.applicationName, 'nightly');
    assert.equal(profile.channelBinding, 'require');
    assert.equal(profile.requireAuth, 'scram-sha-256');
    const config = toPgConfig(profile, 'db', {});
    assert.equal(config.applicationName, 'nightly');
    assert.equal(config.channelBinding, 'require');
  });

  test('what has no effect is listed, in the order given', () => {
    const { ignored } = imported('postgresql://h/db?keepalives=1&target_session_attrs=read-write&sslmode=require');
    assert.deepEqual(ignored, ['keepalives', 'target_session_attrs']);
  });
});

describe('profiles that name a service', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgx-svc-profile-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("the profile's own fields win over the service's; the service fills in the rest", () => {
    const file = path.join(dir, 's.conf');
    fs.writeFileSync(file, '[prod]\nhost=db.prod\nport=6432\ndbname=shop\nuser=reader\noptions=-c default_transaction_read_only=on\n');
    const read = (name: string): ReturnType<typeof parseService> => parseService(name, { PGSERVICEFILE: file });
    const onlyService = parseProfile({ id: 'a', name: 'Prod', service: 'prod' }, read).profile;
    assert.ok(onlyService);
    assert.deepEqual(
      { host: onlyService.host, port: onlyService.port, database: onlyService.database, user: onlyService.user, readOnly: onlyService.readOnly },
      { host: 'db.prod', port: 6432, database: 'shop', user: 'reader', readOnly: true },
    );
    const overridden = parseProfile({ id: 'b', name: 'Prod as admin', service: 'prod', user: 'admin', database: 'other' }, read).profile;
    assert.equal(overridden?.user, 'admin');
    assert.equal(overridden?.database, 'other');
    assert.equal(overridden?.host, 'db.prod');
  });

  test('a missing service is a problem naming the files, and the profile is still listed', () => {
    const result = parseProfile({ id: 'c', name: 'Gone', service: 'gone' }, (name) => parseService(name, { PGSERVICEFILE: path.join(dir, 'none.conf'), PGSYSCONFDIR: dir }));
    assert.match(result.problem ?? '', /"Gone": The service "gone" is not defined in/);
    assert.equal(result.profile?.service, 'gone');
  });
});

describe('an imported profile reaches the server as it said', () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster();
    await cluster.sql(`CREATE ROLE importer LOGIN PASSWORD '${PW}'`);
  });
  after(() => cluster?.stop());

  test('read-only, application_name and search_path from the string are in the session', async () => {
    const { profile, secrets } = imported(
      `postgresql://importer:${PW}@127.0.0.1:${cluster.port}/postgres?application_name=nightly%20job&connect_timeout=5` +
        `&options=-c%20default_transaction_read_only%3Don%20-c%20search_path%3Dpg_catalog`,
    );
    const pool = await PgPool.open(toPgConfig(profile, profile.database, secrets), { connectTimeoutMs: connectTimeoutMs(profile) });
    try {
      const outcome = await pool.execute(
        's',
        "SELECT current_setting('application_name'), current_setting('default_transaction_read_only'), current_setting('search_path')",
      );
      assert.equal(outcome.kind, 'rows');
      if (outcome.kind === 'rows') assert.deepEqual(outcome.page.rows[0], ['nightly job', 'on', 'pg_catalog']);
    } finally {
      await pool.close();
    }
  });
});
