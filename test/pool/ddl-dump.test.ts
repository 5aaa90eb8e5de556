/**
 * Show DDL against pg_dump (issue 18), on every major 12 to 18, one cluster per major for the file.
 * The fixture of ddl-fixture.ts is loaded into an empty database; the DDL of its schema (every
 * object's Show DDL, in the schema's order) is applied to another empty database; then:
 *  - on 12 to 15, `pg_dump --schema-only` of both databases must not differ (after dropping
 *    comments, blank lines and SET lines). The only pg_dump on this machine kind is Debian's 15
 *    (postgresql-client-15): the npm registry and Debian's packages offer none newer, and pg_dump
 *    refuses servers of a newer major than its own;
 *  - on every major, and so alone on 16 to 18, a catalog-level description of both
 *    (catalog-snapshot.ts, read from pg_catalog without the code under test) must not differ, and
 *    the DDL of the copy must be the DDL of the original.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { PgPool } from '../../src/pool';
import { ALL_MAJORS, SUPERUSER, SUPERUSER_PASSWORD, startCluster } from '../harness/cluster';
import type { Cluster } from '../harness/cluster';
import { catalogSnapshot } from './catalog-snapshot';
import { DUMP_DATABASE_SQL, DUMP_FIXTURE_SQL, DUMP_ROLES_SQL, DUMP_SCHEMA } from './ddl-fixture';

const PG_DUMP = '/usr/lib/postgresql/15/bin/pg_dump';
const PG_DUMP_MAJOR = 15;

function pgDump(cluster: Cluster, database: string): string[] {
  assert.ok(fs.existsSync(PG_DUMP), `${PG_DUMP} is missing: install Debian's postgresql-client (npm run ensure-deps does, as root).`);
  const result = spawnSync(PG_DUMP, ['--schema-only', '-h', cluster.host, '-p', String(cluster.port), '-U', SUPERUSER, '-d', database], {
    env: { ...process.env, PGPASSWORD: SUPERUSER_PASSWORD },
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('--') && !l.startsWith('SET ') && !l.startsWith('SELECT pg_catalog.set_config') && !l.startsWith('\\'));
}

async function apply(cluster: Cluster, database: string, script: string): Promise<void> {
  await cluster.sql(script, undefined, database).catch((err: Error) => assert.fail(`${err.message} in:\n${script}`));
}

for (const major of ALL_MAJORS) {
  describe(`Show DDL as pg_dump writes it, on PostgreSQL ${major}`, () => {
    let cluster: Cluster;
    let original: PgPool;
    let copy: PgPool;
    let ddl: string;

    before(async () => {
      cluster = await startCluster({ major });
      await cluster.sql(DUMP_ROLES_SQL);
      for (const db of ['dump_src', 'dump_copy']) {
        await cluster.sql(`CREATE DATABASE ${db}`);
        await cluster.sql(DUMP_DATABASE_SQL, undefined, db);
      }
      await cluster.sql(DUMP_FIXTURE_SQL, undefined, 'dump_src');
      original = await PgPool.open(cluster.config({ database: 'dump_src' }));
      copy = await PgPool.open(cluster.config({ database: 'dump_copy' }));
      ddl = await original.getSchemaDdl(DUMP_SCHEMA);
      await apply(cluster, 'dump_copy', ddl);
    });

    after(async () => {
      await original?.close();
      await copy?.close();
      await cluster?.stop();
    });

    test(`pg_dump --schema-only of the copy is that of the original`, { skip: major > PG_DUMP_MAJOR && `no pg_dump ${major} on this machine kind` }, () => {
      assert.deepEqual(pgDump(cluster, 'dump_copy'), pgDump(cluster, 'dump_src'));
    });

    test('the catalogs of the copy hold what those of the original hold', async () => {
      const read = async (db: string): Promise<string[]> => {
        const client = await cluster.admin(db);
        try {
          return await catalogSnapshot(client, DUMP_SCHEMA);
        } finally {
          await client.end();
        }
      };
      const [copied, source] = [await read('dump_copy'), await read('dump_src')];
      assert.ok(source.length > 150, `the fixture is all there (${source.length} facts)`);
      assert.deepEqual(copied, source);
      assert.equal(await copy.getSchemaDdl(DUMP_SCHEMA), ddl);
    });
  });
}
