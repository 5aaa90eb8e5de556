/**
 * Refresh Materialized View on a materialized view's tree item: REFRESH MATERIALIZED VIEW, or
 * CONCURRENTLY (readers keep the old rows meanwhile; the server needs a unique index for it and
 * says so if there is none), with progress and cancel. The tree's Refresh only reloads the tree;
 * this refreshes the data.
 */
import * as vscode from 'vscode';
import type { Connections } from '../connections/connections';
import { RelationNode } from './object-nodes';
import type { SchemaTreeProvider } from './provider';

export function registerMaterializedViewCommands(provider: SchemaTreeProvider, connections: Connections): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('pgExplorer.refreshMaterializedView', async (node?: RelationNode, choice?: { concurrently: boolean }) => {
      if (!(node instanceof RelationNode) || node.relation.kind !== 'materializedView') return false;
      const label = `${node.schema}.${node.name}`;
      const picked =
        choice ??
        (await vscode.window.showQuickPick(
          [
            { label: 'REFRESH MATERIALIZED VIEW', description: 'blocks readers of the view until it is done', concurrently: false },
            { label: 'REFRESH MATERIALIZED VIEW CONCURRENTLY', description: 'readers see the old rows meanwhile; needs a unique index', concurrently: true },
          ],
          { title: `Refresh the data of ${label}` },
        ));
      if (!picked) return false;
      try {
        const pool = await connections.pool(node.profileId, node.database);
        await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Refreshing ${label}${picked.concurrently ? ' concurrently' : ''}`, cancellable: true },
          async (_progress, token) => {
            const abort = new AbortController();
            const cancelling = token.onCancellationRequested(() => abort.abort());
            try {
              await pool.refreshMaterializedView({ schema: node.schema, table: node.name }, { concurrently: picked.concurrently, signal: abort.signal });
            } finally {
              cancelling.dispose();
            }
          },
        );
        provider.refresh(node.parent);
        vscode.window.setStatusBarMessage(`PG Explorer: refreshed ${label}`, 4_000);
        return true;
      } catch (err) {
        void vscode.window.showErrorMessage(`Could not refresh ${label}: ${(err as Error).message}`);
        return false;
      }
    }),
  ];
}
