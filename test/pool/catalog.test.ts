/**
 * The SQL editor's catalog (catalog.ts) and the Parse-only server check (check.ts) against real
 * servers, the oldest and the newest major: what completion and hover read, in a fixed number of
 * round trips, and a check that reports the server's error at its position without running anything.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BROWSER_SESSION_ID, PgPool } from '../../src/pool';
import type { CatalogRelation, CatalogSnapshot } from '../../src/pool';
import { startCluster } from '../harness/cluster';
import type { Cluster, Major } from '../harness/cluster';

const FIXTURE = `
CREATE SCHEMA "Sales Ω";
COMMENT ON SCHEMA "Sales Ω" IS 'where orders live';
CREATE TYPE "Sales Ω".status AS ENUM ('new', 'paid', 'shipped');
CREATE DOMAIN "Sales Ω".money_pos AS numeric(12,2) CHECK (VALUE >= 0);
CREATE TABLE "Sales Ω"."Orders" (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  "Customer Name" varchar(80) NOT NULL,
  status "Sales Ω".status NOT NULL DEFAULT 'new',
  total "Sales Ω".money_pos
);
COMMENT ON TABLE "Sales Ω"."Orders" IS 'one row per order';
COMMENT ON COLUMN "Sales Ω"."Orders".total IS 'after tax';
CREATE VIEW "Sales Ω".paid AS SELECT id, total FROM "Sales Ω"."Orders" WHERE status = 'paid';
CREATE SEQUENCE "Sales Ω".ticket;
CREATE FUNCTION "Sales Ω".tax(amount numeric, rate numeric DEFAULT 0.2) RETURNS numeric
  LANGUAGE sql IMMUTABLE AS 'SELECT amount * rate';
COMMENT ON FUNCTION "Sales Ω".tax(numeric, numeric) IS 'tax of an amount';
CREATE PROCEDURE "Sales Ω".archive(before date) LANGUAGE sql AS 'SELECT 1';
CREATE TABLE public.audit (at timestamptz DEFAULT now(), what text);
CREATE TABLE public.dropped_col (a int, b int, c int);
ALTER TABLE public.dropped_col DROP COLUMN b;
CREATE TABLE public.counter (n int);
INSERT INTO public.counter VALUES (0);
CREATE FUNCTION public.bump() RETURNS int LANGUAGE sql AS 'UPDATE public.counter SET n = n + 1 RETURNING n';
`;

function relation(snapshot: CatalogSnapshot, schema: string, name: string): CatalogRelation {
  const found = snapshot.relations.find((r) => r.schema === schema && r.name === name);
  assert.ok(found, `no ${schema}.${name} in the catalog`);
  return found;
}

for (const major of [12, 18] as Major[]) {
  describe(`the editor's catalog and server check on PostgreSQL ${major}`, () => {
    let cluster: Cluster;
    let pool: PgPool;

    before(async () => {
      cluster = await startCluster({ major });
      await cluster.sql(FIXTURE);
      pool = await PgPool.open(cluster.config());
    });

    after(async () => {
      await pool?.close();
      await cluster?.stop();
    });

    test('loadCatalog: relations with their columns, keys, defaults and comments', async () => {
      const snapshot = await pool.loadCatalog();
      const schema = snapshot.schemas.find((s) => s.name === 'Sales Ω');
      assert.deepEqual(schema, { name: 'Sales Ω', system: false, comment: 'where orders live', relationCount: 4 });
      assert.ok(snapshot.schemas.some((s) => s.name === 'pg_catalog' && s.system));
      assert.ok(!snapshot.schemas.some((s) => s.name.startsWith('pg_toast')), 'TOAST schemas are not offered');

      const orders = relation(snapshot, 'Sales Ω', 'Orders');
      assert.equal(orders.kind, 'table');
      assert.equal(orders.comment, 'one row per order');
      assert.deepEqual(
        orders.columns.map((c) => [c.name, c.type, c.notNull, c.inPrimaryKey]),
        [
          ['id', 'bigint', true, true],
          ['Customer Name', 'character varying(80)', true, false],
          ['status', '"Sales Ω".status', true, false],
          ['total', '"Sales Ω".money_pos', false, false],
        ],
      );
      assert.equal(orders.columns[2].default, "'new'::\"Sales Ω\".status");
      assert.equal(orders.columns[3].comment, 'after tax');
      assert.equal(relation(snapshot, 'Sales Ω', 'paid').kind, 'view');
      assert.deepEqual(relation(snapshot, 'Sales Ω', 'paid').columns.map((c) => c.name), ['id', 'total']);
      assert.equal(relation(snapshot, 'Sales Ω', 'ticket').kind, 'sequence');
      assert.deepEqual(relation(snapshot, 'public', 'dropped_col').columns.map((c) => c.name), ['a', 'c']);
      assert.ok(relation(snapshot, 'pg_catalog', 'pg_class').columns.some((c) => c.name === 'relname'));
    });

    test('loadCatalog: routines with signatures, types with labels and bases, keywords', async () => {
      const snapshot = await pool.loadCatalog();
      const tax = snapshot.routines.find((r) => r.schema === 'Sales Ω' && r.name === 'tax');
      assert.deepEqual(tax, {
        schema: 'Sales Ω',
        name: 'tax',
        kind: 'function',
        arguments: 'amount numeric, rate numeric DEFAULT 0.2',
        result: 'numeric',
        comment: 'tax of an amount',
      });
      const archive = snapshot.routines.find((r) => r.name === 'archive');
      assert.equal(archive?.kind, 'procedure');
      assert.equal(snapshot.routines.find((r) => r.schema === 'pg_catalog' && r.name === 'count')?.kind, 'aggregate');

      const status = snapshot.types.find((t) => t.schema === 'Sales Ω' && t.name === 'status');
      assert.deepEqual(status?.labels, ['new', 'paid', 'shipped']);
      assert.equal(snapshot.types.find((t) => t.name === 'money_pos')?.baseType, 'numeric(12,2)');
      assert.ok(snapshot.types.some((t) => t.schema === 'pg_catalog' && t.name === 'int4' && t.kind === 'base'));
      assert.ok(!snapshot.types.some((t) => t.name === 'Orders'), 'the row types of tables are not offered as types');
      assert.ok(!snapshot.types.some((t) => t.name.startsWith('_')), 'array types are not listed');

      const select = snapshot.keywords.find((k) => k.word === 'select');
      assert.equal(select?.category, 'R');
      assert.equal(snapshot.keywords.find((k) => k.word === 'abort')?.category, 'U');
    });

    test('loadCatalog: per schema, and never another session\'s temp tables', async () => {
      await pool.execute('other-tab', 'CREATE TEMP TABLE scratch (x int)');
      const only = await pool.loadCatalog({ schemas: ['public'] });
      assert.deepEqual([...new Set(only.relations.map((r) => r.schema))], ['public']);
      assert.ok(only.routines.every((r) => r.schema === 'public'));
      assert.ok(only.schemas.length > 2, 'the schema list stays whole');
      const all = await pool.loadCatalog();
      assert.ok(!all.relations.some((r) => r.name === 'scratch'), 'a tab\'s temp table is not the catalog\'s');
      await pool.releaseSession('other-tab');
    });

    test('loadCatalog lazily: above the threshold every relation by name, columns and routines of the detailed schemas only', async () => {
      const whole = await pool.loadCatalog({ lazyAbove: 1_000_000 });
      assert.equal(whole.detailed, undefined, 'a small catalog loads whole');
      const lazy = await pool.loadCatalog({ lazyAbove: 1, detailed: ['public'] });
      assert.deepEqual(lazy.detailed, ['pg_catalog', 'public']);
      assert.deepEqual(relation(lazy, 'Sales Ω', 'Orders').columns, [], 'a schema not asked for: its relations by name');
      assert.deepEqual(relation(lazy, 'public', 'audit').columns.map((c) => c.name), ['at', 'what']);
      assert.ok(!lazy.routines.some((r) => r.schema === 'Sales Ω'));
      assert.ok(lazy.routines.some((r) => r.schema === 'pg_catalog' && r.name === 'lower'));
      assert.equal(lazy.relations.length, whole.relations.length, 'every relation is named');

      // Adding a schema later: its details alone, no schema list or keywords again.
      const more = await pool.loadCatalog({ schemas: ['Sales Ω'], detailsOnly: true });
      assert.deepEqual(more.detailed, ['Sales Ω']);
      assert.deepEqual(more.schemas, []);
      assert.deepEqual(more.keywords, []);
      assert.deepEqual(relation(more, 'Sales Ω', 'Orders').columns.map((c) => c.name), ['id', 'Customer Name', 'status', 'total']);
      assert.ok(more.types.some((t) => t.name === 'status' && t.kind === 'enum'));
    });

    test("checkStatement under a tab's search_path: names resolve as that tab resolves them, the browser session's own is unchanged", async () => {
      const bare = 'SELECT "Customer Name" FROM "Orders"';
      assert.equal((await pool.checkStatement(bare))?.code, '42P01', 'not on the default search_path');
      assert.equal(await pool.checkStatement(bare, { searchPath: ['Sales Ω', 'public'] }), undefined);
      const wrongColumn = await pool.checkStatement('SELECT nope FROM "Orders"', { searchPath: ['Sales Ω'] });
      assert.equal(wrongColumn?.code, '42703');
      assert.equal((await pool.checkStatement(bare))?.code, '42P01', 'the SET LOCAL ended with the check');
      assert.equal(pool.sessionInfo(BROWSER_SESSION_ID)?.txStatus, 'idle');
      const path = await pool.execute(BROWSER_SESSION_ID, 'SHOW search_path');
      assert.ok(path.kind === 'rows' && path.page.rows[0][0] === '"$user", public');
    });

    test('checkStatement: the server\'s error at its position, for unknown names and type mismatches', async () => {
      const unknownColumn = 'SELECT "Customer Name", nope FROM "Sales Ω"."Orders"';
      const error = await pool.checkStatement(unknownColumn);
      assert.equal(error?.code, '42703');
      assert.match(error?.message ?? '', /column "nope" does not exist/);
      assert.equal(error?.position, unknownColumn.indexOf('nope') + 1);

      const unknownTable = await pool.checkStatement('SELECT * FROM public.missing');
      assert.equal(unknownTable?.code, '42P01');
      const mismatch = await pool.checkStatement('SELECT 1 FROM public.audit WHERE at = 42');
      assert.equal(mismatch?.code, '42883');
      assert.equal(await pool.checkStatement('SELECT id, total FROM "Sales Ω"."Orders" WHERE id = $1'), undefined);
    });

    test('checkStatement runs nothing: a function that writes is parsed, never executed', async () => {
      for (const sql of ['SELECT public.bump()', 'UPDATE public.counter SET n = 100', 'DELETE FROM public.counter']) {
        assert.equal(await pool.checkStatement(sql), undefined, sql);
      }
      const rows = await cluster.sql('SELECT n FROM public.counter');
      assert.deepEqual(rows, [{ n: 0 }]);
      // The browser session is idle and usable after a failed check.
      assert.ok(await pool.checkStatement('SELECT nope'));
      assert.equal(pool.sessionInfo(BROWSER_SESSION_ID)?.txStatus, 'idle');
      assert.ok((await pool.listSchemas()).length > 0);
    });
  });
}
