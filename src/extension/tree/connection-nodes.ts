/** Tree levels above the objects: profile > databases > schemas > object groups. */
import * as vscode from 'vscode';
import type { DbSummary, ObjectType, Relation, Routine, SchemaContents, SchemaSummary, Sequence } from '../../pool';
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

  /** The name filter set on this schema (Filter by Name), if any. */
  get filter(): string | undefined {
    return this.services.filter(this.id);
  }

  treeItem(): vscode.TreeItem {
    const filter = this.filter;
    // Expanded when filtered: the user asked to see what matches.
    const item = new vscode.TreeItem(this.schema.name, filter ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(filter ? 'filter' : 'symbol-namespace');
    item.description = filter ? `filter: “${filter}”` : undefined;
    item.tooltip = tooltip(this.schema.name, [
      this.schema.comment,
      `Owner: ${this.schema.owner}`,
      filter ? `Showing only objects whose name contains “${filter}” (Clear Filter shows all).` : undefined,
    ]);
    item.contextValue = filter ? 'pgx.schema.filtered' : 'pgx.schema';
    return item;
  }

  override async children(): Promise<TreeNode[]> {
    const catalog = await this.services.catalog(this.profileId, this.parent.database);
    const filter = this.filter;
    if (filter) return this.filteredGroups(await catalog.schemaContents(this.schema.name, filter), filter);
    // Counts as of now: a refresh of this schema reloads them without reloading the database.
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

  /** Under a filter: the groups that hold a match, with the number of matches; partitions that match are listed too. */
  private filteredGroups(contents: SchemaContents, filter: string): TreeNode[] {
    const groups = (Object.keys(GROUPS) as GroupKind[])
      .map((kind) => new GroupNode(this.services, this, kind, groupItems(kind, contents, true).length))
      .filter((g) => g.count > 0);
    return groups.length > 0 ? groups : [new MessageNode(this, `No object's name contains “${filter}”`)];
  }

  override invalidate(): void {
    this.services.invalidate(this.profileId, this.parent.database, ['schemas']);
    this.services.invalidate(this.profileId, this.parent.database, ['contents', this.schema.name]);
    this.services.invalidate(this.profileId, this.parent.database, ['relation', this.schema.name]);
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
    readonly count: number,
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
    this.services.invalidate(this.profileId, this.parent.parent.database, ['contents', this.schema]);
  }

  override async children(): Promise<TreeNode[]> {
    const catalog = await this.services.catalog(this.profileId, this.parent.parent.database);
    const filter = this.parent.filter;
    const contents = await catalog.schemaContents(this.schema, filter);
    const all = groupItems(this.kind, contents, filter !== undefined).map((item) => this.node(item));
    const shown = this.services.shown(this.id);
    if (all.length <= shown) return all;
    return [...all.slice(0, shown), new LoadMoreNode(this, shown, all.length)];
  }

  private node(item: GroupItem): TreeNode {
    switch (item.kind) {
      case 'relation':
        return new RelationNode(this.services, this, item.value);
      case 'routine':
        return new RoutineNode(this, item.value);
      case 'sequence':
        return new SequenceNode(this, item.value);
      case 'type':
        return new TypeNode(this, item.value);
    }
  }
}

type GroupItem =
  | { kind: 'relation'; value: Relation }
  | { kind: 'routine'; value: Routine }
  | { kind: 'sequence'; value: Sequence }
  | { kind: 'type'; value: ObjectType };

/**
 * What a group lists of a schema's contents. Partitions hang under their parent, except under a
 * name filter, where a matching partition is listed itself (its parent may not match).
 */
function groupItems(kind: GroupKind, contents: SchemaContents, filtered: boolean): GroupItem[] {
  const relations = (kinds: Relation['kind'][]): GroupItem[] =>
    contents.relations.filter((r) => kinds.includes(r.kind) && (filtered || r.parent === null)).map((value) => ({ kind: 'relation', value }));
  switch (kind) {
    case 'tables':
      return relations(['table', 'partitionedTable']);
    case 'views':
      return relations(['view']);
    case 'materializedViews':
      return relations(['materializedView']);
    case 'foreignTables':
      return relations(['foreignTable']);
    case 'functions':
      return contents.routines.filter((r) => r.kind !== 'procedure').map((value) => ({ kind: 'routine', value }));
    case 'procedures':
      return contents.routines.filter((r) => r.kind === 'procedure').map((value) => ({ kind: 'routine', value }));
    case 'sequences':
      return contents.sequences.map((value) => ({ kind: 'sequence', value }));
    case 'types':
      return contents.types.map((value) => ({ kind: 'type', value }));
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
