/**
 * The schema tree's Catalog against a real server: a refresh of one schema (or one relation)
 * reloads exactly that, never a neighbour whose name merely starts the same ("app" and "app2",
 * table "t" and "t2"), which would show something else than the user refreshed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Catalog } from '../../src/extension/tree/catalog';
import { startCluster } from '../harness/cluster';
import type { Cluster } from '../harness/cluster';
import { testPools } from '../harness/pools';

let cluster: Cluster;
const pools = testPools(() => cluster);

before(async () => {
  cluster = await startCluster();
  await cluster.sql(`
    CREATE SCHEMA app; CREATE SCHEMA app2;
    CREATE TABLE app.t (a int); CREATE TABLE app.t2 (a int);
    CREATE TABLE app2.t (a int);
  `);
});

after(async () => {
  await pools.closeAll();
  await cluster?.stop();
});

const names = async (contents: ReturnType<Catalog['schemaContents']>): Promise<string[]> => (await contents).relations.map((r) => r.name).sort();
const columns = async (catalog: Catalog, schema: string, name: string): Promise<string[]> =>
  (await catalog.describeRelation(schema, name)).columns.map((c) => c.name);

describe('Catalog.invalidate', () => {
  test('refreshing schema "app" reloads app and its filtered lists, not app2', async () => {
    const catalog = new Catalog(await pools.open('catalog-schemas'));
    assert.deepEqual(await names(catalog.schemaContents('app')), ['t', 't2']);
    assert.deepEqual(await names(catalog.schemaContents('app', 't2')), ['t2']);
    assert.deepEqual(await names(catalog.schemaContents('app2')), ['t']);
    await cluster.sql('CREATE TABLE app.t3 (a int); CREATE TABLE app2.t3 (a int)');
    catalog.invalidate(['contents', 'app']);
    assert.deepEqual(await names(catalog.schemaContents('app')), ['t', 't2', 't3']);
    assert.deepEqual(await names(catalog.schemaContents('app', 't3')), ['t3']);
    // app2 was not refreshed: it shows what it showed until the user refreshes it.
    assert.deepEqual(await names(catalog.schemaContents('app2')), ['t']);
    catalog.invalidate(['contents', 'app2']);
    assert.deepEqual(await names(catalog.schemaContents('app2')), ['t', 't3']);
  });

  test('refreshing table app.t reloads it, not app.t2; refreshing schema app reloads all its relations, not app2\'s', async () => {
    const catalog = new Catalog(await pools.open('catalog-relations'));
    for (const [schema, name] of [['app', 't'], ['app', 't2'], ['app2', 't']]) assert.deepEqual(await columns(catalog, schema, name), ['a']);
    await cluster.sql('ALTER TABLE app.t ADD b int; ALTER TABLE app.t2 ADD b int; ALTER TABLE app2.t ADD b int');
    catalog.invalidate(['relation', 'app', 't']);
    assert.deepEqual(await columns(catalog, 'app', 't'), ['a', 'b']);
    assert.deepEqual(await columns(catalog, 'app', 't2'), ['a']);
    catalog.invalidate(['relation', 'app']);
    assert.deepEqual(await columns(catalog, 'app', 't2'), ['a', 'b']);
    assert.deepEqual(await columns(catalog, 'app2', 't'), ['a']);
    catalog.invalidate();
    assert.deepEqual(await columns(catalog, 'app2', 't'), ['a', 'b']);
  });
});
