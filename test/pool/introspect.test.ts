/**
 * Schema introspection (issue 4) on every major 12 to 18: one cluster at a time, the fixture of
 * introspect-fixture.ts loaded, each call checked for what the tree would show. The DDL round trip
 * recreates the fixture's objects in an empty database and compares the descriptions.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client as PgClient } from 'pg';
import { BROWSER_SESSION_ID, PgPool } from '../../src/pool';
import type { ObjectType, Relation, RelationDescription, SchemaSummary } from '../../src/pool';
import { ALL_MAJORS, startCluster } from '../harness/cluster';
import type { Cluster, Major } from '../harness/cluster';
import {
  EXTRAS_SCHEMA,
  EXTRAS_SQL,
  EXTRAS_TABLES,
  FDW_SQL,
  FIXTURE_SQL,
  READER,
  READER_PASSWORD,
  SCHEMA,
  SERVER_SQL,
  TABLES,
  TYPES,
} from './introspect-fixture';
import { rejectsWith } from '../harness/expect';

function byName<T extends { name: string }>(items: T[], name: string): T {
  const found = items.find((i) => i.name === name);
  assert.ok(found, `no "${name}" among ${items.map((i) => i.name).join(', ')}`);
  return found;
}

function typeOf<K extends ObjectType['kind']>(types: ObjectType[], name: string, kind: K): Extract<ObjectType, { kind: K }> {
  const found = byName(types, name);
  assert.equal(found.kind, kind);
  return found as Extract<ObjectType, { kind: K }>;
}

/** Runs `fn` and counts the statements the browser session's connection sent meanwhile. */
async function statementsSent(pool: PgPool, fn: () => Promise<unknown>): Promise<number> {
  let count = 0;
  // The pool hands no connection out; this test reaches into it on purpose, to count round trips.
  const internals = pool as unknown as { withSessionConnection(id: string, fn: (c: { client: PgClient }) => Promise<PgClient>): Promise<PgClient> };
  const client = await internals.withSessionConnection(BROWSER_SESSION_ID, (connection) => Promise.resolve(connection.client));
  const original = client.query.bind(client) as (...args: unknown[]) => unknown;
  const counting = (...args: unknown[]): unknown => {
    count += 1;
    return original(...args);
  };
  (client as unknown as { query: typeof counting }).query = counting;
  try {
    await fn();
  } finally {
    (client as unknown as { query: typeof original }).query = original;
  }
  return count;
}

/** A description with the oids (which differ between databases) taken out. */
function withoutOids(description: RelationDescription): unknown {
  const drop = new Set(['oid', 'typeOid', 'size']);
  return JSON.parse(JSON.stringify(description, (key, value: unknown) => (drop.has(key) ? undefined : value)));
}

for (const major of ALL_MAJORS) {
  describe(`introspection on PostgreSQL ${major}`, () => {
    let cluster: Cluster;
    let pool: PgPool;
    let reader: PgPool;

    before(async () => {
      cluster = await startCluster({ major: major as Major });
      for (const statement of SERVER_SQL) await cluster.sql(statement);
      await cluster.sql(FDW_SQL);
      await cluster.sql(FIXTURE_SQL);
      pool = await PgPool.open(cluster.config());
      reader = await PgPool.open(cluster.config({ user: READER, auth: { kind: 'password', password: READER_PASSWORD } }));
    });

    after(async () => {
      await pool?.close();
      await reader?.close();
      await cluster?.stop();
    });

    test('listDatabases: every database, its comment, and no size where the role may not connect', async () => {
      const all = await pool.listDatabases();
      assert.deepEqual(all.map((d) => d.name), ['postgres', 'private_db', 'template0', 'template1']);
      const postgres = byName(all, 'postgres');
      assert.equal(postgres.comment, 'the default database');
      assert.equal(postgres.encoding, 'UTF8');
      assert.equal(postgres.isCurrent, true);
      assert.equal(byName(all, 'template0').allowConnections, false);
      assert.equal(byName(all, 'template0').isTemplate, true);
      assert.ok((byName(all, 'private_db').size ?? 0) > 0, 'the superuser sees every size');

      const seen = await reader.listDatabases();
      assert.equal(byName(seen, 'private_db').size, null);
      assert.ok((byName(seen, 'postgres').size ?? 0) > 0);
    });

    test('listSchemas: system schemas hidden unless asked for, counts per kind', async () => {
      await pool.execute('scratch', 'CREATE TEMP TABLE scratch_t (x int)');
      const user = await pool.listSchemas();
      assert.deepEqual(user.map((s) => s.name), ['Shop Ω', 'public']);
      const shop: SchemaSummary = byName(user, SCHEMA);
      assert.equal(shop.comment, "the shop's schema");
      assert.equal(shop.isSystem, false);
      assert.deepEqual(
        { ...shop.counts, functions: 0 },
        {
          tables: 4,
          partitionedTables: 1,
          partitions: 2,
          views: 1,
          materializedViews: 1,
          foreignTables: 1,
          sequences: 4,
          functions: 0,
          procedures: 1,
          aggregates: 1,
          windowFunctions: 0,
          // Each range type brings its multirange type from 14 on.
          types: major >= 14 ? 7 : 5,
        },
      );
      // add_one and touch: the constructors of the range (and multirange) types belong to their types.
      assert.equal(shop.counts.functions, 2);

      const all = await pool.listSchemas({ includeSystem: true });
      const names = all.map((s) => s.name);
      for (const name of ['pg_catalog', 'information_schema', 'pg_toast']) {
        assert.ok(names.includes(name), `${name} listed with includeSystem`);
        assert.equal(byName(all, name).isSystem, true);
      }
      assert.ok(names.some((n) => n.startsWith('pg_temp_')), 'the temp schema is listed with includeSystem');
      assert.ok(byName(all, 'pg_catalog').counts.functions > 1000);
      await pool.releaseSession('scratch');
    });

    test('listRelations: every relation with its kind, partitions with parent and bound', async () => {
      const relations = await pool.listRelations(SCHEMA);
      assert.deepEqual(
        relations.map((r) => [r.name, r.kind]),
        [
          ['Customers', 'table'],
          ['big_customers', 'view'],
          ['line_items', 'table'],
          ['order_counts', 'materializedView'],
          ['orders', 'partitionedTable'],
          ['orders_2024', 'table'],
          ['orders_2025', 'table'],
          ['remote_items', 'foreignTable'],
          ['secret', 'table'],
          ['straße ☃', 'table'],
        ],
      );
      const customers = byName(relations, 'Customers');
      assert.equal(customers.estimatedRows, 3);
      // The planner's pages after ANALYZE: one heap page; the exact size adds TOAST and the indexes.
      assert.equal(customers.size, 8192);
      const exact = (await pool.describeRelation(SCHEMA, 'Customers')).size ?? 0;
      assert.ok(exact >= 5 * 8192, `exact size ${exact}: heap and two two-page btrees at least`);
      assert.equal(customers.comment, 'People who buy');
      assert.ok((customers.size ?? 0) > 0);
      assert.equal(byName(relations, 'big_customers').size, null);
      assert.equal(byName(relations, 'big_customers').comment, 'score above ten');
      assert.equal(byName(relations, 'secret').estimatedRows, null, 'never analyzed: no estimate');
      const partition: Relation = byName(relations, 'orders_2024');
      assert.deepEqual(partition.parent, { schema: SCHEMA, name: 'orders' });
      assert.equal(partition.partitionBound, "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')");
      assert.equal(customers.parent, null);
      assert.deepEqual(await pool.listRelations('no such schema'), []);
      // The comments of what a name filter leaves out (and of the schema's sequences) stay out too.
      const filtered = await pool.schemaContents(SCHEMA, { nameContains: 'BIG' });
      assert.deepEqual(filtered.relations.map((r) => [r.name, r.comment]), [['big_customers', 'score above ten']]);
      // Other schemas, a table moved into one, and a system schema (found another way).
      assert.deepEqual((await pool.listRelations('public')).map((r) => r.name), ['moved_away', 'plain']);
      const catalog = await pool.listRelations('pg_catalog');
      assert.deepEqual([byName(catalog, 'pg_class').kind, byName(catalog, 'pg_stat_activity').kind], ['table', 'view']);
      assert.ok((await pool.listRelations('information_schema')).some((r) => r.name === 'tables' && r.kind === 'view'));
    });

    test('a role that may read little still gets the tree, told what it may not read', async () => {
      const relations = await reader.listRelations(SCHEMA);
      assert.equal(relations.length, 10);
      assert.equal(byName(relations, 'secret').canSelect, false);
      assert.equal(byName(relations, 'Customers').canSelect, true);
      const secret = await reader.describeRelation(SCHEMA, 'secret');
      assert.deepEqual(secret.columns.map((c) => c.name), ['id', 'payload']);
      const contents = await reader.schemaContents(SCHEMA);
      assert.equal(byName(contents.sequences, 'invoice_no').increment, '10');
      assert.ok((await reader.listSchemas()).some((s) => s.name === SCHEMA));
      assert.ok((await reader.listAllColumns()).some((c) => c.relation === 'secret'));
    });

    test('describeRelation: columns as the user declared them', async () => {
      const customers = await pool.describeRelation(SCHEMA, 'Customers');
      assert.equal(customers.kind, 'table');
      assert.deepEqual(
        customers.columns.map((c) => [c.position, c.name, c.dataType, c.nullable]),
        [
          [1, 'id', 'integer', false],
          [2, 'Full Name', 'text', false],
          [3, 'email', 'text', true],
          [4, 'mood', '"Shop Ω".mood', true],
          [5, 'score', '"Shop Ω".positive_int', true],
          [6, 'home', '"Shop Ω".address', true],
          [7, 'created', 'timestamp with time zone', false],
        ],
      );
      const [id, fullName, email, mood, , , created] = customers.columns;
      assert.equal(id.identity, 'always');
      assert.equal(id.isPrimaryKey, true);
      assert.equal(id.typeOid, 23);
      assert.equal(fullName.collation, 'C');
      assert.equal(fullName.comment, "as written, with 'quotes' and a \\ backslash");
      assert.equal(fullName.isPrimaryKey, false);
      assert.equal(email.collation, null);
      assert.equal(mood.default, `'ok'::"Shop Ω".mood`);
      assert.equal(created.default, 'now()');
      assert.equal(created.generated, null);
      assert.equal(created.identity, null);

      assert.deepEqual(customers.primaryKey && [customers.primaryKey.name, customers.primaryKey.columns], ['Customers_pkey', ['id']]);
      assert.deepEqual(customers.uniqueConstraints.map((u) => [u.name, u.columns]), [['customers_email_key', ['email']]]);
      assert.deepEqual(customers.checks.map((c) => c.name), ['score_small']);
      assert.match(customers.checks[0].definition, /^CHECK \(.*score.* < 1000\)$/);
      assert.deepEqual(
        customers.triggers.map((t) => [t.name, t.timing, t.events, t.forEachRow, t.functionName, t.comment]),
        [['customers_touch', 'before', ['update'], true, 'touch', 'keeps created fresh']],
      );
      const incoming = customers.foreignKeys.filter((f) => f.direction === 'incoming');
      assert.deepEqual(
        incoming.map((f) => [f.name, f.table, f.columns, f.referencedTable, f.referencedColumns, f.onDelete]),
        [['orders_customer_id_fkey', 'orders', ['customer_id'], 'Customers', ['id'], 'cascade']],
      );
      assert.equal(customers.foreignKeys.filter((f) => f.direction === 'outgoing').length, 0);
    });

    test('describeRelation: generated and by-default identity columns, outgoing keys, expression indexes', async () => {
      const items = await pool.describeRelation(SCHEMA, 'line_items');
      const total = byName(items.columns, 'total');
      assert.match(total.generated ?? '', /quantity.*\*.*price/);
      assert.equal(total.generatedKind, 'stored');
      assert.equal(total.default, null);
      assert.equal(byName(items.columns, 'id').identity, 'byDefault');
      const [fk] = items.foreignKeys;
      assert.deepEqual(
        [fk.direction, fk.name, fk.columns, fk.referencedSchema, fk.referencedTable, fk.referencedColumns, fk.onDelete],
        ['outgoing', 'line_items_order_fkey', ['order_id', 'placed'], SCHEMA, 'orders', ['id', 'placed'], 'noAction'],
      );
      assert.deepEqual(items.uniqueConstraints.map((u) => [u.name, u.columns]), [['sku_per_order', ['order_id', 'sku']]]);
      const lower = byName(items.indexes, 'line_items_lower_sku');
      assert.deepEqual([lower.columns, lower.predicate, lower.constraint, lower.method], [['lower(sku)'], 'quantity > 0', null, 'btree']);
      assert.equal(byName(items.indexes, 'line_items_pkey').constraint, 'line_items_pkey');
    });

    test('describeRelation: a partitioned table with its partitions, key and indexes', async () => {
      const orders = await pool.describeRelation(SCHEMA, 'orders');
      assert.equal(orders.kind, 'partitionedTable');
      assert.equal(orders.partitionKey, 'RANGE (placed)');
      assert.deepEqual(
        orders.partitions.map((p) => [p.name, p.kind, p.bound]),
        [
          ['orders_2024', 'table', "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"],
          ['orders_2025', 'table', "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')"],
        ],
      );
      assert.deepEqual(orders.primaryKey?.columns, ['id', 'placed']);
      assert.deepEqual(orders.foreignKeys.map((f) => [f.direction, f.table]), [
        ['outgoing', 'orders'],
        ['incoming', 'line_items'],
      ]);
      const partition = await pool.describeRelation(SCHEMA, 'orders_2024');
      assert.deepEqual(partition.parent, { schema: SCHEMA, name: 'orders' });
      assert.equal(byName(partition.indexes, 'orders_2024_placed_idx').isInherited, true);
      assert.equal(partition.primaryKey?.isInherited, true);

      const odd = await pool.describeRelation(SCHEMA, 'straße ☃');
      assert.deepEqual(odd.columns.map((c) => c.name), ['Key', 'the value', 'say "hi"']);
      assert.equal(odd.columns[2].default, "'it''s'::text");
      assert.deepEqual(odd.primaryKey?.columns, ['Key']);
      const view = await pool.describeRelation(SCHEMA, 'big_customers');
      assert.deepEqual([view.kind, view.columns.map((c) => c.name)], ['view', ['id', 'Full Name']]);
      const remote = await pool.describeRelation(SCHEMA, 'remote_items');
      assert.equal(remote.kind, 'foreignTable');

      const missing = await rejectsWith(pool.describeRelation(SCHEMA, 'customers'), 'query');
      assert.equal(missing.code, '42P01');
      assert.match(missing.message, /"customers"/);
    });

    test('schemaContents: routines, sequences and types of one schema', async () => {
      const { routines, sequences, types, relations } = await pool.schemaContents(SCHEMA);
      assert.equal(relations.length, 10);
      const addOne = byName(routines, 'add_one');
      assert.deepEqual(
        [addOne.kind, addOne.arguments, addOne.resultType, addOne.language, addOne.volatility, addOne.comment],
        ['function', 'x integer, y integer DEFAULT 1', 'integer', 'sql', 'immutable', 'adds'],
      );
      const reset = byName(routines, 'reset_scores');
      assert.deepEqual([reset.kind, reset.resultType, reset.language], ['procedure', null, 'plpgsql']);
      assert.match(reset.arguments, /^(IN )?to_value integer$/);
      assert.deepEqual([byName(routines, 'product').kind, byName(routines, 'product').arguments], ['aggregate', 'numeric']);
      assert.equal(byName(routines, 'touch').resultType, 'trigger');

      const invoice = byName(sequences, 'invoice_no');
      assert.deepEqual(
        [invoice.dataType, invoice.start, invoice.increment, invoice.min, invoice.max, invoice.cycle, invoice.ownedBy, invoice.comment],
        ['integer', '1000', '10', '1000', '99999', true, null, 'invoice numbers'],
      );
      const identity = byName(sequences, 'Customers_id_seq');
      assert.deepEqual([identity.isIdentity, identity.ownedBy], [true, { schema: SCHEMA, table: 'Customers', column: 'id' }]);
      const serial = byName(sequences, 'secret_id_seq');
      assert.deepEqual([serial.isIdentity, serial.ownedBy], [false, { schema: SCHEMA, table: 'secret', column: 'id' }]);

      assert.deepEqual(typeOf(types, 'mood', 'enum').labels, ['sad', 'ok', 'happy', 'Very "Happy"']);
      assert.equal(byName(types, 'mood').comment, 'how a customer feels');
      assert.deepEqual(
        typeOf(types, 'address', 'composite').attributes.map((a) => [a.name, a.dataType, a.collation]),
        [['street', 'text', null], ['city', 'text', 'C']],
      );
      const domain = typeOf(types, 'positive_int', 'domain');
      assert.deepEqual([domain.baseType, domain.notNull, domain.default], ['integer', true, '1']);
      assert.deepEqual(domain.constraints.map((c) => c.name), ['positive']);
      assert.match(domain.constraints[0].definition, /^CHECK \(\(?VALUE > 0\)?\)$/);
      const textRange = typeOf(types, 'textrange_c', 'range');
      assert.deepEqual([textRange.subtype, textRange.collation, textRange.collationSchema], ['text', 'C', 'pg_catalog']);
      const range = typeOf(types, 'floatrange', 'range');
      assert.equal(range.collation, null);
      assert.equal(range.subtype, 'double precision');
      assert.match(range.subtypeDiff ?? '', /float8mi/);
      if (major >= 14) {
        assert.equal(range.multirangeType, '"Shop Ω".floatmultirange');
        assert.equal(typeOf(types, 'floatmultirange', 'multirange').rangeType, '"Shop Ω".floatrange');
      } else {
        assert.equal(range.multirangeType, null);
        assert.ok(!types.some((t) => t.kind === 'multirange'));
      }
      assert.ok(!types.some((t) => ['Customers', 'orders'].includes(t.name)), 'table row types are not listed');

      const catalog = await pool.schemaContents('pg_catalog');
      assert.ok(catalog.routines.some((r) => r.name === 'row_number' && r.kind === 'window'));
    });

    test('listExtensions and listAllColumns', async () => {
      const extensions = await pool.listExtensions();
      const plpgsql = byName(extensions, 'plpgsql');
      assert.equal(plpgsql.schema, 'pg_catalog');
      assert.equal(plpgsql.comment, 'PL/pgSQL procedural language');

      const columns = await pool.listAllColumns();
      const fullName = columns.find((c) => c.relation === 'Customers' && c.name === 'Full Name');
      assert.deepEqual(
        fullName && [fullName.schema, fullName.relationKind, fullName.position, fullName.dataType, fullName.comment],
        [SCHEMA, 'table', 2, 'text', "as written, with 'quotes' and a \\ backslash"],
      );
      assert.ok(columns.some((c) => c.relation === 'big_customers' && c.relationKind === 'view'));
      assert.ok(!columns.some((c) => c.schema === 'pg_catalog'));
      assert.ok((await pool.listAllColumns({ includeSystem: true })).some((c) => c.schema === 'pg_catalog' && c.relation === 'pg_class'));
    });

    test('each call sends the same number of statements however many objects there are', async () => {
      const measure = async (): Promise<number[]> => [
        await statementsSent(pool, () => pool.listSchemas()),
        await statementsSent(pool, () => pool.listRelations(SCHEMA)),
        await statementsSent(pool, () => pool.schemaContents(SCHEMA)),
        await statementsSent(pool, () => pool.describeRelation(SCHEMA, 'wide')),
        await statementsSent(pool, () => pool.listAllColumns()),
        await statementsSent(pool, () => pool.getDdl('table', SCHEMA, 'wide')),
      ];
      await cluster.sql(`CREATE TABLE "${SCHEMA}".wide (c1 int PRIMARY KEY)`);
      const small = await measure();
      await cluster.sql(`DO $$ BEGIN
        FOR i IN 2..40 LOOP EXECUTE format('ALTER TABLE %I.wide ADD COLUMN c%s int UNIQUE CHECK (c%s > 0)', '${SCHEMA}', i, i); END LOOP;
        FOR i IN 1..60 LOOP EXECUTE format('CREATE TABLE %I.extra_%s (a int, b text)', '${SCHEMA}', i); END LOOP;
      END $$`);
      const large = await measure();
      assert.deepEqual(large, small);
      assert.ok(small.every((n) => n <= 5), `at most 5 statements per call, got ${small.join(', ')}`);
      await cluster.sql(`DO $$ BEGIN FOR i IN 1..60 LOOP EXECUTE format('DROP TABLE %I.extra_%s', '${SCHEMA}', i); END LOOP; END $$`);
      await cluster.sql(`DROP TABLE "${SCHEMA}".wide`);
    });

    test('calls made together queue on the browser session instead of failing as busy', async () => {
      const [schemas, relations, customers] = await Promise.all([
        pool.listSchemas(),
        pool.listRelations(SCHEMA),
        pool.describeRelation(SCHEMA, 'Customers'),
        rejectsWith(pool.describeRelation(SCHEMA, 'nope'), 'query'),
        pool.getDdl('type', SCHEMA, 'mood'),
      ]);
      assert.equal(schemas.length, 2);
      assert.equal(relations.length, 10);
      assert.equal(customers.columns.length, 7);
    });

    if (major >= 18) {
      test('PostgreSQL 18: a virtual generated column, described and rebuilt', async () => {
        await cluster.sql('CREATE SCHEMA v18; CREATE TABLE v18.t (a int, b int GENERATED ALWAYS AS (a * 2) VIRTUAL)');
        const [, b] = (await pool.describeRelation('v18', 't')).columns;
        assert.deepEqual([b.generatedKind, b.generated], ['virtual', '(a * 2)']);
        const ddl = await pool.getDdl('table', 'v18', 't');
        assert.match(ddl, /b integer GENERATED ALWAYS AS \(\(a \* 2\)\) VIRTUAL/);
        await cluster.sql(`DROP TABLE v18.t; ${ddl}`);
        assert.equal((await pool.describeRelation('v18', 't')).columns[1].generatedKind, 'virtual');
        await cluster.sql('DROP SCHEMA v18 CASCADE');
      });
    }

    test('getDdl: views and routines from the server, a missing object refused', async () => {
      const view = await pool.getDdl('view', SCHEMA, 'big_customers');
      assert.match(view, /^CREATE VIEW "Shop Ω"\.big_customers AS\n/);
      assert.match(view, /COMMENT ON VIEW "Shop Ω"\.big_customers IS 'score above ten';/);
      const fn = await pool.getDdl('function', SCHEMA, 'add_one');
      assert.match(fn, /^CREATE OR REPLACE FUNCTION "Shop Ω"\.add_one\(x integer, y integer DEFAULT 1\)/);
      // Overloads: all of them, or the one picked by oid.
      await cluster.sql(`CREATE FUNCTION "${SCHEMA}".add_one(x "${SCHEMA}".mood) RETURNS "${SCHEMA}".mood LANGUAGE sql AS 'SELECT x'`);
      const both = await pool.getDdl('function', SCHEMA, 'add_one');
      assert.equal(both.match(/CREATE OR REPLACE FUNCTION/g)?.length, 2);
      const overload = byName((await pool.schemaContents(SCHEMA)).routines.filter((r) => r.arguments.includes('mood')), 'add_one');
      const one = await pool.getDdl('function', SCHEMA, 'add_one', { oid: overload.oid });
      assert.match(one, /^CREATE OR REPLACE FUNCTION "Shop Ω"\.add_one\(x "Shop Ω"\.mood\)/);
      assert.equal(one.match(/CREATE OR REPLACE FUNCTION/g)?.length, 1);
      assert.equal(await pool.getDdl('function', SCHEMA, 'add_one', { arguments: overload.identityArguments }), one);
      const other = await pool.getDdl('function', SCHEMA, 'add_one', { arguments: 'x integer, y integer' });
      assert.match(other, /add_one\(x integer, y integer DEFAULT 1\)/);
      assert.match(other, /COMMENT ON FUNCTION "Shop Ω"\.add_one\(x integer, y integer\) IS 'adds';/);
      await cluster.sql(`DROP FUNCTION "${SCHEMA}".add_one("${SCHEMA}".mood)`);
      const proc = await pool.getDdl('procedure', SCHEMA, 'reset_scores');
      assert.match(proc, /^CREATE OR REPLACE PROCEDURE "Shop Ω"\.reset_scores\(/);
      await rejectsWith(pool.getDdl('table', SCHEMA, 'big_customers'), 'query');
      await rejectsWith(pool.getDdl('function', SCHEMA, 'reset_scores'), 'query');
      await rejectsWith(pool.getDdl('type', SCHEMA, 'nope'), 'query');
      // The DDL transaction is over and the search_path back: the session goes on as before.
      assert.equal(pool.sessionInfo(BROWSER_SESSION_ID)?.txStatus, 'idle');
      assert.equal(byName(await pool.describeRelation(SCHEMA, 'Customers').then((d) => d.columns), 'mood').dataType, '"Shop Ω".mood');
    });

    test('getDdl round trip: the fixture rebuilt in an empty database describes the same', async () => {
      await cluster.sql('CREATE DATABASE copy');
      await cluster.sql(FDW_SQL, [], 'copy');
      const copy = await PgPool.open(cluster.config({ database: 'copy' }));
      try {
        const scripts = [
          ...(await Promise.all(TYPES.map((t) => pool.getDdl('type', SCHEMA, t)))),
          await pool.getDdl('function', SCHEMA, 'touch'),
          await pool.getDdl('function', SCHEMA, 'add_one'),
          await pool.getDdl('procedure', SCHEMA, 'reset_scores'),
          await pool.getDdl('function', SCHEMA, 'product'),
          await pool.getDdl('sequence', SCHEMA, 'invoice_no'),
        ];
        // A partitioned table's Show DDL writes its partitions: they are not scripted again.
        const partitions = new Set((await pool.listRelations(SCHEMA)).filter((r) => r.parent !== null).map((r) => r.name));
        for (const table of TABLES.filter((t) => !partitions.has(t))) scripts.push(await pool.getDdl('table', SCHEMA, table));
        scripts.push(await pool.getDdl('view', SCHEMA, 'big_customers'));
        scripts.push(await pool.getDdl('materializedView', SCHEMA, 'order_counts'));
        for (const script of scripts) {
          await cluster.sql(script, [], 'copy').catch((err: Error) => assert.fail(`${err.message} in:\n${script}`));
        }
        for (const name of [...TABLES, 'big_customers', 'order_counts']) {
          assert.deepEqual(
            withoutOids(await copy.describeRelation(SCHEMA, name)),
            withoutOids(await pool.describeRelation(SCHEMA, name)),
            `${name} differs after the round trip`,
          );
        }
        const strip = (items: unknown[]): unknown => JSON.parse(JSON.stringify(items, (k, v: unknown) => (k === 'oid' || k === 'size' || k === 'estimatedRows' ? undefined : v)));
        const original = await pool.schemaContents(SCHEMA);
        const rebuilt = await copy.schemaContents(SCHEMA);
        assert.deepEqual(strip(rebuilt.relations), strip(original.relations));
        assert.deepEqual(strip(rebuilt.types), strip(original.types));
        assert.deepEqual(strip(rebuilt.sequences), strip(original.sequences));
        assert.deepEqual(strip(rebuilt.routines), strip(original.routines));
      } finally {
        await copy.close();
      }
    });

    test('getDdl round trip: unlogged, inherited, excluded, deferrable, disabled, default-partitioned', async () => {
      await cluster.sql(EXTRAS_SQL);
      await cluster.sql('CREATE DATABASE copy_extras');
      const copy = await PgPool.open(cluster.config({ database: 'copy_extras' }));
      try {
        const extrasPartitions = new Set((await pool.listRelations(EXTRAS_SCHEMA)).filter((r) => r.parent !== null).map((r) => r.name));
        const scripts = [
          `CREATE SCHEMA "${EXTRAS_SCHEMA}"`,
          await pool.getDdl('type', EXTRAS_SCHEMA, 'code'),
          await pool.getDdl('function', EXTRAS_SCHEMA, 'noop'),
          ...(await Promise.all(
            EXTRAS_TABLES.filter((t) => !extrasPartitions.has(t)).map((t) => pool.getDdl('table', EXTRAS_SCHEMA, t)),
          )),
          await pool.getDdl('view', EXTRAS_SCHEMA, 'small_rooms'),
        ];
        const cache = scripts[3];
        assert.match(cache, /^CREATE UNLOGGED TABLE "Extras"\.cache \(/);
        assert.match(cache, /WITH \(fillfactor = '70'\)/);
        assert.match(scripts[4], /ALTER TABLE "Extras"\.booking DISABLE TRIGGER quiet;/);
        assert.match(scripts[5], /INHERITS \("Extras"\.booking\)/);
        for (const script of scripts) {
          await cluster.sql(script, [], 'copy_extras').catch((err: Error) => assert.fail(`${err.message} in:\n${script}`));
        }
        for (const name of [...EXTRAS_TABLES, 'small_rooms']) {
          assert.deepEqual(
            withoutOids(await copy.describeRelation(EXTRAS_SCHEMA, name)),
            withoutOids(await pool.describeRelation(EXTRAS_SCHEMA, name)),
            `${name} differs after the round trip`,
          );
        }
        const booking = await copy.describeRelation(EXTRAS_SCHEMA, 'booking');
        assert.deepEqual(booking.exclusions.map((x) => [x.name, x.comment]), [['no_overlap', 'one booking at a time']]);
        assert.deepEqual(booking.triggers.map((t) => [t.name, t.enabled]), [['quiet', 'D']]);
      } finally {
        await copy.close();
      }
    });
  });
}
