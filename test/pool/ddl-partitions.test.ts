/**
 * Show DDL of a partitioned table writes its partitions too (issue 17, part 7), sub-partitions
 * and the default partition included, each as pg_dump writes a partition: CREATE TABLE with its
 * own columns, then ALTER TABLE ONLY parent ATTACH PARTITION child FOR VALUES ... (what Debian's
 * pg_dump 15 writes, checked below). The text of one Show DDL is applied to an empty database;
 * then pg_dump of those tables in both databases must not differ (on 12 to 15, the majors the
 * machine's pg_dump 15 reads), and on every major tried the partition tree with its bounds, the
 * columns, indexes and constraints read from pg_catalog must be the same (NOT NULL constraints
 * by their columns: their names, catalogued from 18 on, are left out, as catalog-snapshot.ts does).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { PgPool } from '../../src/pool';
import { SUPERUSER, SUPERUSER_PASSWORD, startCluster } from '../harness/cluster';
import type { Cluster, Major } from '../harness/cluster';
import { DUMP_DATABASE_SQL, DUMP_FIXTURE_SQL, DUMP_OWNER, DUMP_ROLES_SQL, DUMP_SCHEMA } from './ddl-fixture';

const PG_DUMP = '/usr/lib/postgresql/15/bin/pg_dump';
const PG_DUMP_MAJOR = 15;
const MAJORS: readonly Major[] = [12, 15, 18];
/** The partitioned tables of the fixture, in an order that applies (readings references sensors). */
const PARTITIONED = ['measurements', 'sensors', 'readings'];

/** pg_dump --schema-only of the fixture's partitioned families, without comments, SETs and blank lines. */
function pgDump(cluster: Cluster, database: string): string[] {
  assert.ok(fs.existsSync(PG_DUMP), `${PG_DUMP} is missing: install Debian's postgresql-client (npm run ensure-deps does, as root).`);
  const tables = PARTITIONED.flatMap((t) => ['-t', `"${DUMP_SCHEMA}".${t}*`]);
  const result = spawnSync(PG_DUMP, ['--schema-only', ...tables, '-h', cluster.host, '-p', String(cluster.port), '-U', SUPERUSER, '-d', database], {
    env: { ...process.env, PGPASSWORD: SUPERUSER_PASSWORD },
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('--') && !l.startsWith('SET ') && !l.startsWith('SELECT pg_catalog.set_config') && !l.startsWith('\\'));
}

/** The partition trees, bounds, columns and indexes as the catalog holds them (not read by the code under test). */
const TREE_SQL = `
SELECT c.relname, c.relkind::text, pc.relname AS parent, pg_get_expr(c.relpartbound, c.oid) AS bound,
  pg_get_partkeydef(c.oid) AS key,
  (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
      || COALESCE(' default ' || pg_get_expr(ad.adbin, ad.adrelid), ''), ', ' ORDER BY a.attnum)
    FROM pg_attribute a LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
  (SELECT string_agg(pg_get_indexdef(i.indexrelid), '; ' ORDER BY 1) FROM pg_index i WHERE i.indrelid = c.oid) AS indexes,
  (SELECT string_agg(k.conname || ' ' || pg_get_constraintdef(k.oid), '; ' ORDER BY k.conname) FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype <> 'n') AS constraints
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_inherits i ON i.inhrelid = c.oid LEFT JOIN pg_class pc ON pc.oid = i.inhparent
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND (c.relispartition OR c.relkind = 'p')
ORDER BY c.relname`;

for (const major of MAJORS) {
  describe(`Show DDL of a partitioned table, on PostgreSQL ${major}`, () => {
    let cluster: Cluster;
    let pool: PgPool;
    const ddl = new Map<string, string>();

    before(async () => {
      cluster = await startCluster({ major });
      await cluster.sql(DUMP_ROLES_SQL);
      for (const db of ['parts_src', 'parts_copy']) {
        await cluster.sql(`CREATE DATABASE ${db}`);
        await cluster.sql(DUMP_DATABASE_SQL, undefined, db);
      }
      await cluster.sql(DUMP_FIXTURE_SQL, undefined, 'parts_src');
      await cluster.sql(`CREATE SCHEMA "${DUMP_SCHEMA}" AUTHORIZATION ${DUMP_OWNER}`, undefined, 'parts_copy');
      pool = await PgPool.open(cluster.config({ database: 'parts_src' }));
      for (const table of PARTITIONED) {
        const text = await pool.getDdl('table', DUMP_SCHEMA, table);
        ddl.set(table, text);
        await cluster.sql(text, undefined, 'parts_copy').catch((err: Error) => assert.fail(`${err.message} in:\n${text}`));
      }
    });

    after(async () => {
      await pool?.close();
      await cluster?.stop();
    });

    test('writes every partition, sub-partitions and the default one, with CREATE TABLE then ATTACH PARTITION', () => {
      const text = ddl.get('measurements') ?? '';
      const attach = (child: string, parent: string, bound: string): RegExp =>
        new RegExp(`ALTER TABLE ONLY "Dump Ω"\\.${parent} ATTACH PARTITION "Dump Ω"\\.${child} ${bound.replace(/[()]/g, '\\$&')};`);
      assert.match(text, /^CREATE TABLE "Dump Ω"\.measurements \(/);
      assert.match(text, /\nPARTITION BY RANGE \(at\);/);
      for (const child of ['measurements_2024', 'measurements_2025', 'measurements_old', 'measurements_old_low', 'measurements_rest']) {
        assert.match(text, new RegExp(`\\nCREATE TABLE "Dump Ω"\\.${child} \\(`), child);
      }
      assert.match(text, attach('measurements_2025', 'measurements', "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')"));
      assert.match(text, attach('measurements_old_low', 'measurements_old', "FOR VALUES FROM (MINVALUE) TO ('1000')"));
      assert.match(text, attach('measurements_rest', 'measurements', 'DEFAULT'));
      assert.doesNotMatch(text, /PARTITION OF/);
      // A sub-partitioned partition is itself partitioned, and its partition comes after it.
      assert.match(text, /CREATE TABLE "Dump Ω"\.measurements_old \([^;]*\)\nPARTITION BY RANGE \(id\);/);
      assert.ok(text.indexOf('CREATE TABLE "Dump Ω".measurements_old_low') > text.indexOf('CREATE TABLE "Dump Ω".measurements_old ('));
      // The partition's own settings come with it: its comment, its renamed index.
      assert.match(text, /COMMENT ON TABLE "Dump Ω"\.measurements_2024 IS 'this year';/);
      assert.match(text, /CREATE INDEX m2024_note ON "Dump Ω"\.measurements_2024/);
      // The foreign key of a partitioned table once, on the parent, after every table.
      const readings = ddl.get('readings') ?? '';
      assert.equal(readings.match(/ADD CONSTRAINT readings_sensor_fkey/g)?.length, 1);
      assert.ok(readings.indexOf('ADD CONSTRAINT readings_sensor_fkey') > readings.indexOf('CREATE TABLE "Dump Ω".readings_2025'));
    });

    test('pg_dump of the tables made from it is pg_dump of the originals', { skip: major > PG_DUMP_MAJOR && `no pg_dump ${major} on this machine kind` }, () => {
      const original = pgDump(cluster, 'parts_src');
      assert.ok(original.some((l) => / ATTACH PARTITION "Dump Ω"\.measurements_old_low /.test(l)), 'pg_dump writes a partition as ATTACH PARTITION too');
      assert.deepEqual(pgDump(cluster, 'parts_copy'), original);
    });

    test('the catalogs hold the same partition trees, bounds, columns, indexes and constraints', async () => {
      const [copied, source] = [
        await cluster.sql(TREE_SQL, [DUMP_SCHEMA], 'parts_copy'),
        await cluster.sql(TREE_SQL, [DUMP_SCHEMA], 'parts_src'),
      ];
      assert.equal(source.length, 12, 'three partitioned tables, nine tables below them');
      assert.deepEqual(copied, source);
    });
  });
}
