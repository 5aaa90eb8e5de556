/**
 * The schema explorer's TreeDataProvider: profiles at the root, everything below loaded lazily
 * (with progress in the view) through per-pool Catalogs. A failure becomes an error node with a
 * retry action; nothing fails into an empty tree.
 */
import * as vscode from 'vscode';
import type { PgPool } from '../../pool';
import { poolLimits } from '../connections/connections';
import type { Connections } from '../connections/connections';
import type { ProfileStore } from '../profiles/store';
import { Catalog } from './catalog';
import { ProfileNode } from './connection-nodes';
import { ErrorNode } from './node';
import type { TreeNode } from './node';
import type { TreeServices } from './services';

export const SCHEMA_VIEW_ID = 'pgExplorer.schema';

export class SchemaTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly refreshed = new vscode.EventEmitter<{ profileId?: string; database?: string }>();
  /** The user asked for fresh catalog data (Refresh): of one database, one profile, or everything. */
  readonly onDidRefresh = this.refreshed.event;
  private readonly catalogs = new WeakMap<PgPool, Catalog>();
  private readonly shownCounts = new Map<string, number>();
  /** Name filters by schema node id, for this window's life. */
  private readonly filters = new Map<string, string>();
  private readonly disposables: vscode.Disposable[] = [];
  readonly services: TreeServices;

  constructor(
    private readonly store: ProfileStore,
    connections: Connections,
  ) {
    this.services = {
      store,
      connections,
      catalog: async (profileId, database) => this.catalogOf(await connections.pool(profileId, database)),
      shown: (id) => this.shownCounts.get(id) ?? pageSize(),
      showMore: (id) => this.shownCounts.set(id, (this.shownCounts.get(id) ?? pageSize()) + pageSize()),
      filter: (id) => this.filters.get(id),
      invalidate: (profileId, database, scope) => {
        const databases = database !== undefined ? [database] : connections.openDatabases(profileId);
        for (const db of databases) {
          const pool = connections.openPool(profileId, db);
          if (pool) this.catalogs.get(pool)?.invalidate(scope);
        }
      },
    };
    this.disposables.push(
      store.onDidChange(() => this.changed.fire(undefined)),
      connections.onDidChangeState(() => this.changed.fire(undefined)),
    );
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return node.treeItem();
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) return this.store.list().map((profile) => new ProfileNode(this.services, profile));
    return vscode.window.withProgress({ location: { viewId: SCHEMA_VIEW_ID } }, async () => {
      try {
        return await node.children();
      } catch (err) {
        return [new ErrorNode(node, err instanceof Error ? err.message : String(err))];
      }
    });
  }

  /** Reloads a node (and what is below it) from the server; the whole tree without a node. */
  refresh(node?: TreeNode): void {
    if (node) node.invalidate();
    else for (const profile of this.store.list()) this.services.invalidate(profile.id);
    this.changed.fire(node);
    this.refreshed.fire(node ? { profileId: node.context.profileId, database: node.context.database } : {});
  }

  /** Reloads everything shown of one database (after DDL ran in an editor bound to it). */
  refreshDatabase(profileId: string, database: string): void {
    this.services.invalidate(profileId, database);
    this.changed.fire(undefined);
  }

  /**
   * Shows only the objects of a schema whose name contains `text` (the server filters; an empty
   * text clears it). The schema's lists start again at their first page.
   */
  setFilter(node: TreeNode & { id: string }, text: string | undefined): void {
    const value = text?.trim();
    if (value) this.filters.set(node.id, value);
    else this.filters.delete(node.id);
    for (const id of [...this.shownCounts.keys()]) if (id.startsWith(`${node.id}/`)) this.shownCounts.delete(id);
    this.changed.fire(node);
  }

  /** Redraws a node without reloading it (after "load more"). */
  redraw(node: TreeNode): void {
    this.changed.fire(node);
  }

  private catalogOf(pool: PgPool): Catalog {
    let catalog = this.catalogs.get(pool);
    if (!catalog) {
      catalog = new Catalog(pool);
      this.catalogs.set(pool, catalog);
    }
    return catalog;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
    this.refreshed.dispose();
  }
}

function pageSize(): number {
  return poolLimits().treePageSize;
}
