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
import { BROWSER_SESSION_ID, PgPool } from '../../src/pool';
import type { DdlKind, DdlOptions } from '../../src/pool';
import { ALL_MAJORS, MAIN_MAJOR, SUPERUSER, SUPERUSER_PASSWORD, startCluster } from '../harness/cluster';
import type { Cluster, Major } from '../harness/cluster';
import { rejectsWith } from '../harness/expect';
import { catalogSnapshot } from './catalog-snapshot';
import { DUMP_DATABASE_SQL, DUMP_FIXTURE_15_SQL, DUMP_FIXTURE_SQL, DUMP_ROLES_SQL, DUMP_SCHEMA } from './ddl-fixture';

const PG_DUMP = '/usr/lib/postgresql/15/bin/pg_dump';
const PG_DUMP_MAJOR = 15;
const PER_OBJECT_MAJORS: readonly Major[] = [12, MAIN_MAJOR, 18];

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

/** Every object of the schema the tree offers Show DDL for, with what picks it. */
async function showDdlTargets(pool: PgPool): Promise<[DdlKind, string, DdlOptions][]> {
  const { relations, routines, sequences, types } = await pool.schemaContents(DUMP_SCHEMA);
  return [
    ...types.map((t): [DdlKind, string, DdlOptions] => ['type', t.name, {}]),
    ...routines.map((r): [DdlKind, string, DdlOptions] => [r.kind === 'procedure' ? 'procedure' : 'function', r.name, { arguments: r.identityArguments }]),
    ...sequences.map((s): [DdlKind, string, DdlOptions] => ['sequence', s.name, {}]),
    ...relations.map((r): [DdlKind, string, DdlOptions] => [r.kind === 'view' ? 'view' : r.kind === 'materializedView' ? 'materializedView' : 'table', r.name, {}]),
  ];
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
      if (major >= 15) await cluster.sql(DUMP_FIXTURE_15_SQL, undefined, 'dump_src');
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

    // Each object's Show DDL is a part of the schema's, compared whole above; object by object (for
    // a failure that names the object) on the oldest, the main and the newest major, to keep the time down.
    test('every object: its Show DDL in the copy is its Show DDL in the original', { skip: !PER_OBJECT_MAJORS.includes(major) && 'checked on 12, 17 and 18' }, async () => {
      const targets = await showDdlTargets(original);
      assert.ok(targets.length >= 40, `${targets.length} objects`);
      for (const [kind, name, options] of targets) {
        assert.equal(await copy.getDdl(kind, DUMP_SCHEMA, name, options), await original.getDdl(kind, DUMP_SCHEMA, name, options), `${kind} ${name}`);
      }
    });

    test('Show DDL: written as pg_dump writes each kind', async () => {
      const show = (kind: DdlKind, name: string): Promise<string> => original.getDdl(kind, DUMP_SCHEMA, name);
      const aggregate = await show('function', 'row_count');
      assert.match(aggregate, /^CREATE AGGREGATE "Dump Ω"\.row_count\(\*\) \(/);
      assert.match(aggregate, /COMMENT ON AGGREGATE "Dump Ω"\.row_count\(\*\) IS 'counts rows';/);

      const partition = await show('table', 'measurements_2025');
      assert.match(partition, /^CREATE TABLE "Dump Ω"\.measurements_2025 \(\n {4}note text DEFAULT 'late'::text,\n {4}at date NOT NULL,/);
      assert.match(partition, /ALTER TABLE ONLY "Dump Ω"\.measurements ATTACH PARTITION "Dump Ω"\.measurements_2025 FOR VALUES FROM \('2025-01-01'\) TO \('2026-01-01'\);/);
      assert.doesNotMatch(partition, /PARTITION OF/);

      const child = await show('table', 'car');
      assert.match(child, /^CREATE TABLE "Dump Ω"\.car \(\n {4}doors integer DEFAULT 4\n\)\nINHERITS \("Dump Ω"\.vehicle\);/);
      assert.match(child, /ALTER TABLE ONLY "Dump Ω"\.car ALTER COLUMN wheels SET DEFAULT 3;/);
      assert.match(await show('table', 'pairs'), /^CREATE TABLE "Dump Ω"\.pairs OF "Dump Ω"\.pair \(\n {4}l WITH OPTIONS NOT NULL,/);

      const accounts = await show('table', 'accounts');
      for (const expected of [
        /GENERATED BY DEFAULT AS IDENTITY \(\n\s+SEQUENCE NAME "Dump Ω"\.accounts_id_seq\n\s+START WITH 100\n\s+INCREMENT BY 5/,
        /WITH \(fillfactor = '80', autovacuum_enabled = 'false', toast\.autovacuum_enabled = 'false'\)/,
        /ALTER TABLE ONLY "Dump Ω"\.accounts REPLICA IDENTITY FULL;/,
        /ALTER TABLE ONLY "Dump Ω"\.accounts ENABLE ROW LEVEL SECURITY;\n\nALTER TABLE ONLY "Dump Ω"\.accounts FORCE ROW LEVEL SECURITY;/,
        /CREATE POLICY sane ON "Dump Ω"\.accounts AS RESTRICTIVE USING \(true\) WITH CHECK/,
        /CREATE POLICY own_rows ON "Dump Ω"\.accounts FOR SELECT TO ddl_reader, ddl_owner USING/,
        /ALTER TABLE "Dump Ω"\.accounts OWNER TO ddl_owner;/,
        /GRANT INSERT,SELECT ON TABLE "Dump Ω"\.accounts TO ddl_reader;/,
        /GRANT UPDATE \(name\) ON TABLE "Dump Ω"\.accounts TO ddl_reader;/,
        /CREATE STATISTICS "Dump Ω"\.account_stats \(dependencies\) ON feeling, score FROM "Dump Ω"\.accounts;/,
      ]) {
        assert.match(accounts, expected);
      }
      assert.match(await show('table', 'scratch'), /^CREATE UNLOGGED TABLE "Dump Ω"\.scratch \(\n {4}n integer GENERATED ALWAYS AS IDENTITY \(/);

      // NOT VALID and row-type checks come after the table (and, in the schema, after the function).
      const ranges = await show('table', 'ranges');
      assert.match(ranges, /^CREATE TABLE "Dump Ω"\.ranges \(\n {4}lo integer,\n {4}hi integer\n\);/);
      assert.match(ranges, /ALTER TABLE "Dump Ω"\.ranges ADD CONSTRAINT lo_positive CHECK \(lo > 0\) NOT VALID;/);
      assert.ok(ddl.indexOf('ADD CONSTRAINT ranges_ordered') > ddl.indexOf('FUNCTION "Dump Ω".ordered('));

      const audited = await show('table', 'audited');
      assert.match(audited, /CREATE RULE log_delete AS\n\s+ON DELETE TO "Dump Ω"\.audited DO/);
      assert.match(audited, /ALTER TABLE "Dump Ω"\.audited DISABLE RULE no_update;/);
      const onDdl = await show('function', 'on_ddl');
      assert.match(onDdl, /CREATE EVENT TRIGGER "dump ddl" ON ddl_command_end\n\s+WHEN TAG IN \('CREATE TABLE', 'ALTER TABLE'\)/);
      assert.match(onDdl, /ALTER EVENT TRIGGER "dump ddl" DISABLE;/);
    });

    test('routines: a range type\'s constructors belong to the type, not to the routines', async () => {
      const { routines } = await original.schemaContents(DUMP_SCHEMA);
      assert.deepEqual(routines.map((r) => r.name), ['add_one', 'noop', 'on_ddl', 'ordered', 'product', 'row_count', 'stamp']);
      assert.doesNotMatch(ddl, /FUNCTION "Dump Ω"\.span(_multirange)?\(/);
    });

    test('the DDL of a schema that does not exist is refused, and the browser session goes on', async () => {
      const error = await rejectsWith(original.getSchemaDdl('no such schema'), 'query');
      assert.match(error.message, /There is no schema named "no such schema"\./);
      assert.equal(original.sessionInfo(BROWSER_SESSION_ID)?.txStatus, 'idle');
      assert.ok((await original.listSchemas()).some((sc) => sc.name === DUMP_SCHEMA));
    });

    test('describeRelation: foreign keys as psql shows them, not the per-partition copies', async () => {
      const keys = async (name: string): Promise<string[]> =>
        (await original.describeRelation(DUMP_SCHEMA, name)).foreignKeys.map((f) => `${f.direction} ${f.table}.${f.name}${f.isInherited ? ' (inherited)' : ''}`);
      assert.deepEqual(await keys('readings'), ['outgoing readings.readings_sensor_fkey']);
      assert.deepEqual(await keys('readings_2024'), ['outgoing readings.readings_sensor_fkey (inherited)']);
      assert.deepEqual(await keys('sensors'), ['incoming readings.readings_sensor_fkey']);
      assert.deepEqual(await keys('sensors_low'), ['incoming readings.readings_sensor_fkey (inherited)']);
      // The copies are there, and hidden.
      const [{ copies }] = await cluster.sql<{ copies: number }>(
        `SELECT count(*)::int AS copies FROM pg_constraint WHERE conname LIKE 'readings_sensor_fkey%' AND conparentid <> 0`, undefined, 'dump_src');
      assert.ok(copies >= 2, `${copies} internal copies`);
    });
  });
}
