import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { after, before, describe, it } from './bdd';
import type { RunReport } from '../../src/extension/extension';
import { addProfile, admin, api, env, openSql, removeProfile, run, screenshot, waitFor } from './support';

type Provider = vscode.TreeDataProvider<unknown>;

interface Shown {
  node: unknown;
  item: vscode.TreeItem;
  label: string;
}

async function childrenOf(provider: Provider, node: unknown): Promise<Shown[]> {
  const nodes = (await provider.getChildren(node as never)) ?? [];
  return Promise.all(
    nodes.map(async (child) => {
      const item = await provider.getTreeItem(child as never);
      const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
      return { node: child, item, label };
    }),
  );
}

async function child(provider: Provider, parent: unknown, label: string): Promise<Shown> {
  const children = await childrenOf(provider, parent);
  const found = children.find((c) => c.label === label);
  assert.ok(found, `no "${label}" among ${JSON.stringify(children.map((c) => c.label))}`);
  return found;
}

function iconId(item: vscode.TreeItem): string | undefined {
  return item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined;
}

describe('schema explorer', () => {
  let provider: Provider;
  let view: vscode.TreeView<unknown>;
  let fixtureId: string;
  let brokenId: string;

  before(async () => {
    ({ provider, view } = (await api()).schemaTree);
    fixtureId = await addProfile('Fixture', { color: 'green' });
    brokenId = await addProfile('Broken', { port: env.deadPort });
  });

  after(async () => {
    await removeProfile(fixtureId);
    await removeProfile(brokenId);
  });

  it('shows profiles at the root', async () => {
    const roots = await childrenOf(provider, undefined);
    const labels = roots.map((r) => r.label);
    assert.ok(labels.includes('Fixture') && labels.includes('Broken'), JSON.stringify(labels));
  });

  it('shows profile > database > schema > groups with counts', async () => {
    const profile = await child(provider, undefined, 'Fixture');
    const database = await child(provider, profile.node, env.database);
    const schema = await child(provider, database.node, 'app');
    const groups = await childrenOf(provider, schema.node);
    assert.deepEqual(
      groups.map((g) => g.label),
      ['Tables', 'Views', 'Materialized Views', 'Foreign Tables', 'Functions', 'Procedures', 'Sequences', 'Types'],
    );
    const counts = Object.fromEntries(groups.map((g) => [g.label, g.item.description]));
    assert.equal(counts.Tables, '3');
    assert.equal(counts.Views, '1');
    assert.equal(counts['Materialized Views'], '1');
    assert.equal(counts.Procedures, '1');
    assert.equal(counts.Types, '2');
  });

  it('shows tables with columns (type, key, nullability), indexes, constraints, triggers and partitions', async () => {
    const profile = await child(provider, undefined, 'Fixture');
    const database = await child(provider, profile.node, env.database);
    const schema = await child(provider, database.node, 'app');
    const tables = await child(provider, schema.node, 'Tables');
    const tableLabels = (await childrenOf(provider, tables.node)).map((t) => t.label);
    assert.deepEqual(tableLabels, ['customers', 'events', 'orders']);

    const customers = await child(provider, tables.node, 'customers');
    const markdown = customers.item.tooltip instanceof vscode.MarkdownString ? customers.item.tooltip.value : String(customers.item.tooltip);
    const tip = markdown.replace(/&nbsp;/g, ' ').replace(/\\/g, '');
    assert.match(tip, /People who order things/);
    assert.match(tip, /About 50 rows/);

    const orders = await child(provider, tables.node, 'orders');
    const parts = await childrenOf(provider, orders.node);
    const id = parts.find((p) => p.label === 'id');
    const customerId = parts.find((p) => p.label === 'customer_id');
    assert.equal(iconId(id!.item), 'key');
    assert.equal(iconId(customerId!.item), 'references');
    assert.match(String(customerId!.item.description), /integer not null/);
    const folders = parts.filter((p) => ['Indexes', 'Constraints', 'Triggers'].includes(p.label)).map((p) => p.label);
    assert.deepEqual(folders, ['Indexes', 'Constraints', 'Triggers']);
    const indexes = (await childrenOf(provider, parts.find((p) => p.label === 'Indexes')!.node)).map((i) => i.label);
    assert.ok(indexes.includes('orders_customer_idx'), JSON.stringify(indexes));
    const constraints = (await childrenOf(provider, parts.find((p) => p.label === 'Constraints')!.node)).map((c) => c.label);
    assert.ok(constraints.includes('orders_total_sane') && constraints.includes('orders_customer_id_fkey'), JSON.stringify(constraints));
    const triggers = (await childrenOf(provider, parts.find((p) => p.label === 'Triggers')!.node)).map((t) => t.label);
    assert.deepEqual(triggers, ['orders_touch']);

    const events = await child(provider, tables.node, 'events');
    const partitions = await child(provider, events.node, 'Partitions');
    assert.deepEqual((await childrenOf(provider, partitions.node)).map((p) => p.label), ['events_2025', 'events_2026']);

    const functions = await childrenOf(provider, (await child(provider, schema.node, 'Functions')).node);
    assert.ok(functions.some((f) => f.label === 'order_count(customer integer)'), JSON.stringify(functions.map((f) => f.label)));

    await vscode.commands.executeCommand('workbench.view.extension.pgExplorer');
    await view.reveal(orders.node, { expand: true, focus: false, select: true });
    await screenshot('tree');
  });

  it('shows a broken profile as an error item with a retry action, not an empty tree', async () => {
    const broken = await child(provider, undefined, 'Broken');
    const children = await childrenOf(provider, broken.node);
    assert.equal(children.length, 1);
    const [error] = children;
    assert.equal(error.item.contextValue, 'pgx.error');
    assert.match(error.label, /Could not load/);
    assert.equal(error.item.command?.command, 'pgExplorer.retry');
    assert.equal(iconId(error.item), 'error');
  });

  it('pages a long list with a "load more" node', async () => {
    const profile = await child(provider, undefined, 'Fixture');
    const database = await child(provider, profile.node, env.database);
    const bulk = await child(provider, database.node, 'bulk');
    const tables = await child(provider, bulk.node, 'Tables');
    assert.equal(tables.item.description, '1200');
    let shown = await childrenOf(provider, tables.node);
    assert.equal(shown.length, 501);
    assert.equal(shown[0].label, 't0001');
    const more = shown[500];
    assert.equal(more.item.contextValue, 'pgx.loadMore');
    assert.match(more.label, /500 of 1200/);
    await vscode.commands.executeCommand(more.item.command!.command, ...(more.item.command!.arguments ?? []));
    shown = await childrenOf(provider, tables.node);
    assert.equal(shown.length, 1001);
    await vscode.commands.executeCommand('pgExplorer.loadMore', tables.node);
    shown = await childrenOf(provider, tables.node);
    assert.equal(shown.length, 1200);
    assert.equal(shown[1199].label, 't1200');
  });

  it('filters a 1,200-table schema by name on the server, beyond the pages shown, and clears the filter', async () => {
    const profile = await child(provider, undefined, 'Fixture');
    const database = await child(provider, profile.node, env.database);
    let bulk = await child(provider, database.node, 'bulk');
    // t1150 is on the third page: never shown unfiltered without two Load More.
    await vscode.commands.executeCommand('pgExplorer.filterSchema', bulk.node, 'T115');
    bulk = await child(provider, database.node, 'bulk');
    assert.equal(bulk.item.description, 'filter: “T115”');
    assert.equal(bulk.item.contextValue, 'pgx.schema.filtered');
    const groups = await childrenOf(provider, bulk.node);
    assert.deepEqual(groups.map((g) => [g.label, g.item.description]), [['Tables', '10']]);
    const names = (await childrenOf(provider, groups[0].node)).map((t) => t.label);
    assert.deepEqual(names, Array.from({ length: 10 }, (_, i) => `t115${i}`));
    await vscode.commands.executeCommand('pgExplorer.filterSchema', bulk.node, 'no such table');
    assert.match((await childrenOf(provider, bulk.node))[0].label, /No object's name contains “no such table”/);
    await vscode.commands.executeCommand('pgExplorer.clearFilter', bulk.node);
    bulk = await child(provider, database.node, 'bulk');
    assert.equal(bulk.item.description, undefined);
    assert.equal(bulk.item.contextValue, 'pgx.schema');
    assert.equal((await child(provider, bulk.node, 'Tables')).item.description, '1200');
  });

  it('offers New SQL Editor and Open Data on views and materialized views', async () => {
    const menus = (vscode.extensions.getExtension('pg-explorer.pg-explorer')?.packageJSON as { contributes: { menus: Record<string, { command: string; when: string }[]> } })
      .contributes.menus['view/item/context'];
    const offered = (command: string, contextValue: string): boolean =>
      menus.some((m) => m.command === command && new RegExp(/viewItem =~ \/(.*)\//.exec(m.when)?.[1] ?? '^$').test(contextValue));
    const profile = await child(provider, undefined, 'Fixture');
    const database = await child(provider, profile.node, env.database);
    const schema = await child(provider, database.node, 'app');
    for (const [group, name] of [['Views', 'big_orders'], ['Materialized Views', undefined]] as const) {
      const items = await childrenOf(provider, (await child(provider, schema.node, group)).node);
      const item = name ? items.find((i) => i.label === name) : items[0];
      assert.ok(item, `a ${group} item`);
      for (const command of ['pgExplorer.newSqlEditor', 'pgExplorer.openTableData']) {
        assert.ok(offered(command, String(item.item.contextValue)), `${command} on ${item.item.contextValue}`);
      }
      const uri = await vscode.commands.executeCommand<vscode.Uri>('pgExplorer.newSqlEditor', item.node);
      const report = await vscode.commands.executeCommand<RunReport>('pgExplorer.runStatement', uri);
      assert.equal(report.statements[0].outcome?.kind, 'rows', `a query of ${item.label} runs`);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('opens a table\'s data in a results panel of its own', async () => {
    const profile = await child(provider, undefined, 'Fixture');
    const database = await child(provider, profile.node, env.database);
    const schema = await child(provider, database.node, 'app');
    const tables = await child(provider, schema.node, 'Tables');
    const customers = await child(provider, tables.node, 'customers');
    await vscode.commands.executeCommand('pgExplorer.openTableData', customers.node);
    const tab = await waitFor('the results tab', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.label.includes('customers')),
    );
    await screenshot('open-data', { webview: true });
    await vscode.window.tabGroups.close(tab);
  });

  it('closing Open Data while its first query runs cancels the query and releases its session', async () => {
    const profile = await child(provider, undefined, 'Fixture');
    const database = await child(provider, profile.node, env.database);
    const schema = await child(provider, database.node, 'app');
    const db = await admin();
    // Open Data reads a plain SELECT through a scroll cursor: the server runs it inside the cursor's FETCH.
    const running =
      "select pid, state from pg_stat_activity where (query like 'SELECT * FROM \"app\".\"slow_view\"%' or query like 'FETCH FORWARD % FROM \"pgx_scroll_%') and pid <> pg_backend_pid()";
    try {
      await db.query('CREATE VIEW app.slow_view AS SELECT pg_sleep(60)::text AS slept, 1 AS one');
      await vscode.commands.executeCommand('pgExplorer.refresh', schema.node);
      const views = await child(provider, schema.node, 'Views');
      const slow = await child(provider, views.node, 'slow_view');
      const opening = vscode.commands.executeCommand('pgExplorer.openTableData', slow.node);
      const pid = await waitFor('the Open Data query running on the server', async () => {
        const { rows } = await db.query<{ pid: number; state: string }>(running);
        return rows.find((r) => r.state === 'active')?.pid;
      });
      const tab = await waitFor('the results tab', () =>
        vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.label.includes('slow_view')),
      );
      await vscode.window.tabGroups.close(tab);
      // Cancelled at once (not after 60 s), and the backend is back in the pool, not in a transaction.
      await waitFor('the query to stop', async () => {
        const { rows } = await db.query<{ state: string; query: string }>('select state, query from pg_stat_activity where pid = $1', [pid]);
        return rows.length === 0 || (rows[0].state === 'idle' && !/slow_view/.test(rows[0].query)) || rows[0].query === 'DISCARD ALL';
      });
      await opening;
    } finally {
      await db.query('DROP VIEW IF EXISTS app.slow_view');
      await db.end();
      await vscode.commands.executeCommand('pgExplorer.refresh', schema.node);
    }
  });

  it('refreshes a schema to show a view created since', async () => {
    const profile = await child(provider, undefined, 'Fixture');
    const database = await child(provider, profile.node, env.database);
    const schema = await child(provider, database.node, 'app');
    assert.equal((await child(provider, schema.node, 'Views')).item.description, '1');
    const db = await admin();
    try {
      await db.query('CREATE VIEW app.created_later AS SELECT 1 AS one');
      // Cached until refreshed: browsing never hits the server twice for the same list.
      assert.equal((await child(provider, schema.node, 'Views')).item.description, '1');
      await vscode.commands.executeCommand('pgExplorer.refresh', schema.node);
      const views = await child(provider, schema.node, 'Views');
      assert.equal(views.item.description, '2');
      assert.deepEqual((await childrenOf(provider, views.node)).map((v) => v.label), ['big_orders', 'created_later']);
    } finally {
      await db.query('DROP VIEW app.created_later');
      await db.end();
      await vscode.commands.executeCommand('pgExplorer.refresh', schema.node);
    }
  });

  it('shows a table created from an editor without a refresh, and forgets it once dropped', async () => {
    const profile = await child(provider, undefined, 'Fixture');
    const database = await child(provider, profile.node, env.database);
    const schema = await child(provider, database.node, 'app');
    const tables = await child(provider, schema.node, 'Tables');
    const names = async (): Promise<string[]> => (await childrenOf(provider, tables.node)).map((c) => c.label);
    assert.ok(!(await names()).includes('made_in_editor'));
    const editor = await openSql('CREATE TABLE app.made_in_editor (id int);\nDROP TABLE app.made_in_editor;\n', fixtureId);
    await run('pgExplorer.runStatement', editor);
    await waitFor('the new table in the tree', async () => (await names()).includes('made_in_editor') || undefined);
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    await run('pgExplorer.runStatement', editor);
    await waitFor('the dropped table gone from the tree', async () => !(await names()).includes('made_in_editor') || undefined);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('opens a new SQL editor bound to a database', async () => {
    const profile = await child(provider, undefined, 'Fixture');
    const database = await child(provider, profile.node, env.database);
    await vscode.commands.executeCommand('pgExplorer.newSqlEditor', database.node, 'select current_database();');
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.languageId, 'sql');
    const report = await vscode.commands.executeCommand<RunReport>('pgExplorer.runStatement', editor.document.uri);
    assert.equal(report.profileId, fixtureId);
    assert.deepEqual(report.statements[0].outcome?.kind === 'rows' ? report.statements[0].outcome.page.rows : [], [[env.database]]);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('opens a new SQL editor on a table, bound to its database, with a query of it', async () => {
    const profile = await child(provider, undefined, 'Fixture');
    const database = await child(provider, profile.node, env.database);
    const schema = await child(provider, database.node, 'app');
    const tables = await child(provider, schema.node, 'Tables');
    const customers = await child(provider, tables.node, 'customers');
    const uri = await vscode.commands.executeCommand<vscode.Uri>('pgExplorer.newSqlEditor', customers.node);
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    assert.equal(document?.languageId, 'sql');
    assert.equal(document.getText(), 'SELECT *\nFROM app.customers\nLIMIT 100;\n');
    const report = await vscode.commands.executeCommand<RunReport>('pgExplorer.runStatement', uri);
    assert.equal(report.profileId, fixtureId);
    assert.equal(report.statements[0].outcome?.kind, 'rows');
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('copies a quoted qualified name and shows DDL in an untitled sql document', async () => {
    const profile = await child(provider, undefined, 'Fixture');
    const database = await child(provider, profile.node, env.database);
    const schema = await child(provider, database.node, 'app');
    const tables = await child(provider, schema.node, 'Tables');
    const orders = await child(provider, tables.node, 'orders');
    const name = await vscode.commands.executeCommand<string>('pgExplorer.copyQualifiedName', orders.node);
    assert.equal(name, 'app.orders');
    assert.equal(await vscode.env.clipboard.readText(), 'app.orders');
    const events = await child(provider, tables.node, 'events');
    const happened = await child(provider, events.node, 'happened');
    assert.equal(await vscode.commands.executeCommand<string>('pgExplorer.copyQualifiedName', happened.node), 'app.events.happened');
    await vscode.commands.executeCommand('pgExplorer.showDdl', orders.node);
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.languageId, 'sql');
    assert.match(editor.document.getText(), /CREATE TABLE app\.orders/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('generates the whole schema\'s DDL in a sql document bound to its database', async () => {
    const profile = await child(provider, undefined, 'Fixture');
    const database = await child(provider, profile.node, env.database);
    const schema = await child(provider, database.node, 'app');
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('pgExplorer.generateSchemaDdl', schema.node);
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.toString(), uri?.toString());
    assert.equal(editor?.document.languageId, 'sql');
    const text = editor.document.getText();
    assert.match(text, /^-- The DDL of schema app, in an order that applies on an empty database\./);
    assert.match(text, /\nCREATE SCHEMA app;\n/);
    assert.ok(text.indexOf('CREATE TABLE app.orders') > text.indexOf('CREATE SCHEMA app'), 'tables come after their schema');
    // Bound to the database it came from: its first statement (a SET) runs there.
    const report = await vscode.commands.executeCommand<RunReport>('pgExplorer.runStatement', editor.document.uri);
    assert.equal(report.profileId, fixtureId);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
