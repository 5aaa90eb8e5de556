/**
 * Export Data from the tree: a table, view or materialized view written whole to CSV or JSON,
 * streamed by the pool's COPY with progress and cancel in a notification, as the grid's export
 * is (results/export.ts: the file is opened before anything is sent; a failure removes the
 * partial file). It runs on a session of its own, released when the export ends.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { CopyFormat } from '../../pool';
import type { Connections } from '../connections/connections';
import { startExport } from '../results/export';
import { RelationNode } from './object-nodes';

export interface TreeExportResult {
  file: string;
  rows: number;
  bytes: number;
}

export function registerTreeExport(connections: Connections, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('pgExplorer.exportData', async (node?: RelationNode): Promise<TreeExportResult | undefined> => {
      if (!(node instanceof RelationNode)) return undefined;
      const label = `${node.schema}.${node.name}`;
      const picked = await vscode.window.showQuickPick(
        [
          { label: 'CSV', description: "the server's own CSV, with a header", format: 'csv' as CopyFormat },
          { label: 'JSON', description: 'an array of objects; numbers keep every digit', format: 'json' as CopyFormat },
        ],
        { title: `Export ${label}`, placeHolder: 'Format' },
      );
      if (!picked) return undefined;
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const name = `${node.name.replace(/[^\w.-]+/g, '_') || 'export'}.${picked.format}`;
      const uri = await vscode.window.showSaveDialog({
        title: `Export ${label} as ${picked.label}`,
        defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
        filters: picked.format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
        saveLabel: 'Export',
      });
      if (!uri) return undefined;
      if (uri.scheme !== 'file') {
        void vscode.window.showErrorMessage('Exports are written to local files only.');
        return undefined;
      }
      let session;
      let sql: string;
      try {
        const pool = await connections.pool(node.profileId, node.database);
        sql = await pool.tableDataSql({ schema: node.schema, table: node.name });
        session = pool.session(`pg-explorer:export:${randomUUID()}`);
      } catch (err) {
        void vscode.window.showErrorMessage(`Could not export ${label}: ${(err as Error).message}`);
        return undefined;
      }
      const exporting = session;
      return vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Exporting ${label}`, cancellable: true },
        async (progress, token) => {
          let last = 0;
          const handle = startExport({
            session: exporting,
            sql,
            format: picked.format,
            file: uri.fsPath,
            onProgress: (p) => {
              const now = Date.now();
              if (now - last < 250) return;
              last = now;
              progress.report({ message: `${p.rows.toLocaleString('en-US')} rows, ${formatBytes(p.bytes)}` });
            },
          });
          const cancelling = token.onCancellationRequested(() => handle.cancel());
          try {
            const result = await handle.done;
            void vscode.window.showInformationMessage(`Exported ${result.rows.toLocaleString('en-US')} rows of ${label} to ${uri.fsPath}.`);
            return { file: uri.fsPath, rows: result.rows, bytes: result.bytes };
          } catch (err) {
            const error = err as Error & { kind?: string };
            if (error.kind === 'cancelled') void vscode.window.showInformationMessage(`The export of ${label} was cancelled; no file was written.`);
            else {
              log.error(`Export of ${label}: ${error.message}`);
              void vscode.window.showErrorMessage(`The export of ${label} failed: ${error.message}`);
            }
            return undefined;
          } finally {
            cancelling.dispose();
            await exporting.release().catch(() => undefined);
          }
        },
      );
    }),
  ];
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
