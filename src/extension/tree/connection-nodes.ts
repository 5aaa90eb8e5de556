/** Tree levels above the objects: profile > databases > schemas > object groups. */
import * as vscode from 'vscode';
import type { DbSummary, ObjectType, Relation, Routine, SchemaSummary, Sequence } from '../../pool';
import { describeProfile, themeColorId } from '../profiles/profile';
import type { ConnectionProfile } from '../profiles/profile';
import { LoadMoreNode, MessageNode, TreeNode, tooltip } from './node';
import type { NodeContext } from './node';
import { RelationNode, RoutineNode, SequenceNode, TypeNode } from './object-nodes';
import type { TreeServices } from './services';

export class ProfileNode extends TreeNode {
  readonly id: string;
  readonly context: NodeContext;
  readonly parent = undefined;

  constructor(
    private readonly services: TreeServices,
    readonly profile: ConnectionProfile,
  ) {
    super();
    this.id = `p/${profile.id}`;
    this.context = { profileId: profile.id };
  }

  treeItem(): vscode.TreeItem {
    const p = this.profile;
    const connected = this.services.connections.isConnected(p.id);
    const item = new vscode.TreeItem(p.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = `${p.user}@${p.host}${p.readOnly ? ' · read-only' : ''}`;
    item.iconPath = new vscode.ThemeIcon(
      connected ? 'vm-active' : 'vm-outline',
      p.color ? new vscode.ThemeColor(themeColorId(p.color)) : undefined,
    );
    item.tooltip = tooltip(p.name, [
      describeProfile(p),
      p.tls ? `TLS: ${p.tls.mode}` : undefined,
      p.readOnly ? 'Read-only: sessions start with default_transaction_read_only = on.' : undefined,
      connected ? 'Connected' : 'Not connected: expand to connect.',
    ]);
    item.contextValue = connected ? 'pgx.profile.connected' : 'pgx.profile.disconnected';
    return item;
  }

  override async children(): Promise<TreeNode[]> {
    const catalog = await this.services.catalog(this.profile.id, this.profile.database);
    const databases = (await catalog.listDatabases()).filter((d) => d.allowConnections && !d.isTemplate);
    return databases.map((db) => new DatabaseNode(this.services, this, db));
  }

  override invalidate(): void {
    this.services.invalidate(this.profile.id);
  }
}

export class DatabaseNode extends TreeNode {
  readonly id: string;
  readonly context: NodeContext;

  constructor(
    private readonly services: TreeServices,
    readonly parent: ProfileNode,
    readonly db: DbSummary,
  ) {
    super();
    this.id = `${parent.id}/d/${db.name}`;
    this.context = { profileId: parent.profileId, database: db.name };
  }

  get database(): string {
    return this.db.name;
  }

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.db.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('database');
    item.description = this.db.size !== null ? formatBytes(this.db.size) : undefined;
    item.tooltip = tooltip(this.db.name, [this.db.comment, `Owner: ${this.db.owner}`, `Encoding: ${this.db.encoding}`]);
    item.contextValue = 'pgx.database';
    return item;
  }

  override async children(): Promise<TreeNode[]> {
    const catalog = await this.services.catalog(this.profileId, this.db.name);
    const schemas = await catalog.listSchemas();
    if (schemas.length === 0) return [new MessageNode(this, 'No schemas')];
    return schemas.map((s) => new SchemaNode(this.services, this, s));
  }

  override invalidate(): void {
    this.services.invalidate(this.profileId, this.db.name);
  }
}

export class SchemaNode extends TreeNode {
  readonly id: string;
  readonly context: NodeContext;

  constructor(
    private readonly services: TreeServices,
    readonly parent: DatabaseNode,
    readonly schema: SchemaSummary,
  ) {
    super();
    this.id = `${parent.id}/s/${schema.name}`;
    this.context = parent.context;
  }

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.schema.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('symbol-namespace');
    item.tooltip = tooltip(this.schema.name, [this.schema.comment, `Owner: ${this.schema.owner}`]);
    item.contextValue = 'pgx.schema';
    return item;
  }

  override async children(): Promise<TreeNode[]> {
    // Counts as of now: a refresh of this schema reloads them without reloading the database.
    const catalog = await this.services.catalog(this.profileId, this.parent.database);
    const fresh = (await catalog.listSchemas()).find((s) => s.name === this.schema.name) ?? this.schema;
    const c = fresh.counts;
    const groups: [GroupKind, number][] = [
      ['tables', c.tables + c.partitionedTables],
      ['views', c.views],
      ['materializedViews', c.materializedViews],
      ['foreignTables', c.foreignTables],
      ['functions', c.functions + c.aggregates + c.windowFunctions],
      ['procedures', c.procedures],
      ['sequences', c.sequences],
      ['types', c.types],
    ];
    return groups.map(([kind, count]) => new GroupNode(this.services, this, kind, count));
  }

  override invalidate(): void {
    this.services.invalidate(this.profileId, this.parent.database, 'schemas');
    this.services.invalidate(this.profileId, this.parent.database, `contents/${this.schema.name}`);
    this.services.invalidate(this.profileId, this.parent.database, `relation/${this.schema.name}/`);
  }
}

export type GroupKind = 'tables' | 'views' | 'materializedViews' | 'foreignTables' | 'functions' | 'procedures' | 'sequences' | 'types';

const GROUPS: Record<GroupKind, { label: string; icon: string }> = {
  tables: { label: 'Tables', icon: 'table' },
  views: { label: 'Views', icon: 'eye' },
  materializedViews: { label: 'Materialized Views', icon: 'layers' },
  foreignTables: { label: 'Foreign Tables', icon: 'link-external' },
  functions: { label: 'Functions', icon: 'symbol-function' },
  procedures: { label: 'Procedures', icon: 'symbol-method' },
  sequences: { label: 'Sequences', icon: 'symbol-number' },
  types: { label: 'Types', icon: 'symbol-class' },
};

export class GroupNode extends TreeNode {
  readonly id: string;
  readonly context: NodeContext;

  constructor(
    private readonly services: TreeServices,
    readonly parent: SchemaNode,
    readonly kind: GroupKind,
    private readonly count: number,
  ) {
    super();
    this.id = `${parent.id}/g/${kind}`;
    this.context = parent.context;
  }

  get schema(): string {
    return this.parent.schema.name;
  }

  treeItem(): vscode.TreeItem {
    const { label, icon } = GROUPS[this.kind];
    const item = new vscode.TreeItem(label, this.count > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(icon);
    item.description = String(this.count);
    item.contextValue = 'pgx.group';
    return item;
  }

  showMore(): void {
    this.services.showMore(this.id);
  }

  override invalidate(): void {
    this.services.invalidate(this.profileId, this.parent.parent.database, `contents/${this.schema}`);
  }

  override async children(): Promise<TreeNode[]> {
    const catalog = await this.services.catalog(this.profileId, this.parent.parent.database);
    const contents = await catalog.schemaContents(this.schema);
    const all = this.items(contents.relations, contents.routines, contents.sequences, contents.types);
    const shown = this.services.shown(this.id);
    if (all.length <= shown) return all;
    return [...all.slice(0, shown), new LoadMoreNode(this, shown, all.length)];
  }

  private items(relations: Relation[], routines: Routine[], sequences: Sequence[], types: ObjectType[]): TreeNode[] {
    const relationNodes = (kinds: Relation['kind'][]): TreeNode[] =>
      relations.filter((r) => kinds.includes(r.kind) && r.parent === null).map((r) => new RelationNode(this.services, this, r));
    switch (this.kind) {
      case 'tables':
        return relationNodes(['table', 'partitionedTable']);
      case 'views':
        return relationNodes(['view']);
      case 'materializedViews':
        return relationNodes(['materializedView']);
      case 'foreignTables':
        return relationNodes(['foreignTable']);
      case 'functions':
        return routines.filter((r) => r.kind !== 'procedure').map((r) => new RoutineNode(this, r));
      case 'procedures':
        return routines.filter((r) => r.kind === 'procedure').map((r) => new RoutineNode(this, r));
      case 'sequences':
        return sequences.map((s) => new SequenceNode(this, s));
      case 'types':
        return types.map((t) => new TypeNode(this, t));
    }
  }
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 && unit > 0 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
