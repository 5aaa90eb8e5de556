/**
 * The schema tree's actions: refresh / retry / load more, Open data (a results panel of its own
 * session), Show DDL and Generate DDL for Schema (an untitled sql document), New SQL editor on a database, Copy qualified name.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { DdlKind } from '../../pool';
import type { Connections } from '../connections/connections';
import type { DocumentBindings } from '../editors/bindings';
import type { ProfileStore } from '../profiles/store';
import type { ResultsPresenter } from '../results/contract';
import { qualifiedName, quoteIdent } from '../sql/quote';
import { DatabaseNode, GroupNode, ProfileNode, SchemaNode } from './connection-nodes';
import { ErrorNode, TreeNode } from './node';
import { ColumnNode, RelationNode, RoutineNode, SequenceNode, TypeNode } from './object-nodes';
import type { SchemaTreeProvider } from './provider';

export function registerTreeCommands(
  provider: SchemaTreeProvider,
  store: ProfileStore,
  connections: Connections,
  bindings: DocumentBindings,
  presenter: ResultsPresenter | undefined,
  log: vscode.LogOutputChannel,
): vscode.Disposable[] {
  const fail = (what: string, err: unknown): void => {
    const message = err instanceof Error ? err.message : String(err);
    log.error(`${what}: ${message}`);
    void vscode.window.showErrorMessage(`${what}: ${message}`);
  };

  return [
    vscode.commands.registerCommand('pgExplorer.refresh', (node?: TreeNode) => provider.refresh(node instanceof TreeNode ? node : undefined)),
    vscode.commands.registerCommand('pgExplorer.retry', (node?: ErrorNode) => {
      if (node instanceof ErrorNode) provider.refresh(node.parent);
    }),
    // A name filter on a schema, sent to the server: a schema of thousands of tables is searched
    // whole, not only the pages the tree has shown. A text argument (tests, keybindings) skips the box.
    vscode.commands.registerCommand('pgExplorer.filterSchema', async (node?: SchemaNode, text?: string) => {
      if (!(node instanceof SchemaNode)) return;
      const value =
        typeof text === 'string'
          ? text
          : await vscode.window.showInputBox({
              title: `Filter schema ${node.schema.name}`,
              prompt: 'Show only the objects whose name contains this text (case-insensitive; empty shows all)',
              value: node.filter ?? '',
              ignoreFocusOut: true,
            });
      if (value === undefined) return;
      provider.setFilter(node, value);
    }),
    vscode.commands.registerCommand('pgExplorer.clearFilter', (node?: SchemaNode) => {
      if (node instanceof SchemaNode) provider.setFilter(node, undefined);
    }),
    vscode.commands.registerCommand('pgExplorer.loadMore', (node?: GroupNode) => {
      if (!(node instanceof GroupNode)) return;
      node.showMore();
      provider.redraw(node);
    }),
    vscode.commands.registerCommand('pgExplorer.openTableData', async (node?: RelationNode) => {
      if (!(node instanceof RelationNode)) return;
      if (!presenter) {
        void vscode.window.showErrorMessage('The results panel is not available in this build of PG Explorer.');
        return;
      }
      const profile = store.get(node.profileId);
      try {
        const pool = await connections.pool(node.profileId, node.database);
        const sql = await pool.tableDataSql({ schema: node.schema, table: node.name });
        await presenter.openTableData(
          {
            key: `table:${node.profileId}/${node.database}/${node.schema}.${node.name}`,
            title: `${node.schema}.${node.name}`,
            session: pool.session(randomUUID()),
            readOnly: profile?.readOnly === true,
          },
          sql,
        );
      } catch (err) {
        fail(`Could not open ${node.schema}.${node.name}`, err);
      }
    }),
    vscode.commands.registerCommand('pgExplorer.showDdl', async (node?: TreeNode) => {
      const target = ddlTarget(node);
      if (!target || !node) return;
      try {
        const catalog = await provider.services.catalog(node.profileId, target.database);
        const ddl = await catalog.getDdl(target.kind, target.schema, target.name, target.identityArguments);
        const document = await vscode.workspace.openTextDocument({ language: 'sql', content: ddl });
        await bindings.set(document.uri, { profileId: node.profileId, database: target.database });
        await vscode.window.showTextDocument(document, { preview: false });
      } catch (err) {
        fail(`Could not get the DDL of ${target.schema}.${target.name}`, err);
      }
    }),
    vscode.commands.registerCommand('pgExplorer.generateSchemaDdl', async (node?: SchemaNode) => {
      if (!(node instanceof SchemaNode)) return;
      const schema = node.schema.name;
      const database = node.parent.database;
      try {
        const catalog = await provider.services.catalog(node.profileId, database);
        const ddl = await vscode.window.withProgress(
          { location: { viewId: 'pgExplorer.schema' }, title: `DDL of schema ${schema}` },
          () => catalog.getSchemaDdl(schema),
        );
        const document = await vscode.workspace.openTextDocument({ language: 'sql', content: ddl });
        await bindings.set(document.uri, { profileId: node.profileId, database });
        await vscode.window.showTextDocument(document, { preview: false });
        return document.uri;
      } catch (err) {
        fail(`Could not generate the DDL of schema ${schema}`, err);
        return undefined;
      }
    }),
    vscode.commands.registerCommand('pgExplorer.newSqlEditor', async (node?: TreeNode, content?: string) => {
      let profileId: string | undefined;
      let database: string | undefined;
      if (node instanceof ProfileNode) {
        profileId = node.profile.id;
        database = node.profile.database;
      } else if (node instanceof DatabaseNode || node instanceof SchemaNode) {
        profileId = node.profileId;
        database = node.context.database;
      } else if (node instanceof RelationNode) {
        profileId = node.profileId;
        database = node.database;
        // A start for a query of the object the user right-clicked, its name quoted as needed.
        if (typeof content !== 'string') content = `SELECT *\nFROM ${qualifiedName(node.schema, node.name)}\nLIMIT 100;\n`;
      }
      const document = await vscode.workspace.openTextDocument({ language: 'sql', content: typeof content === 'string' ? content : '' });
      if (profileId && database) await bindings.set(document.uri, { profileId, database });
      await vscode.window.showTextDocument(document, { preview: false });
      return document.uri;
    }),
    vscode.commands.registerCommand('pgExplorer.copyQualifiedName', async (node?: TreeNode) => {
      let name: string | undefined;
      if (node instanceof RelationNode || node instanceof SequenceNode || node instanceof TypeNode) {
        name = qualifiedName(node.schema, node.name);
      } else if (node instanceof RoutineNode) {
        name = `${qualifiedName(node.schema, node.name)}(${node.routine.identityArguments})`;
      } else if (node instanceof ColumnNode) {
        name = qualifiedName(node.parent.schema, node.parent.name, node.column.name);
      } else if (node instanceof SchemaNode) {
        name = quoteIdent(node.schema.name);
      }
      if (name) await vscode.env.clipboard.writeText(name);
      return name;
    }),
  ];
}

function ddlTarget(node: TreeNode | undefined): { kind: DdlKind; schema: string; name: string; database: string; identityArguments?: string } | undefined {
  if (node instanceof RelationNode) {
    const kind: DdlKind = node.relation.kind === 'view' ? 'view' : node.relation.kind === 'materializedView' ? 'materializedView' : 'table';
    return { kind, schema: node.schema, name: node.name, database: node.database };
  }
  if (node instanceof RoutineNode) {
    return {
      kind: node.routine.kind === 'procedure' ? 'procedure' : 'function',
      schema: node.schema,
      name: node.name,
      database: node.database,
      identityArguments: node.routine.identityArguments,
    };
  }
  if (node instanceof SequenceNode) return { kind: 'sequence', schema: node.schema, name: node.name, database: node.database };
  if (node instanceof TypeNode) return { kind: 'type', schema: node.schema, name: node.name, database: node.database };
  return undefined;
}
