/**
 * Tree levels of schema objects: relations (with their columns, and for tables their indexes,
 * constraints, triggers and partitions), routines, sequences and types.
 */
import * as vscode from 'vscode';
import type {
  ColumnDetail,
  ConstraintInfo,
  IndexInfo,
  ObjectType,
  PartitionInfo,
  Relation,
  RelationKind,
  Routine,
  Sequence,
  TriggerInfo,
} from '../../pool';
import { MessageNode, TreeNode, tooltip } from './node';
import type { NodeContext } from './node';
import type { TreeServices } from './services';

/** A node for one named schema object: what Show DDL and Copy qualified name act on. */
export interface ObjectRef {
  schema: string;
  name: string;
  database: string;
}

type RelationFacts = Pick<Relation, 'schema' | 'name' | 'kind' | 'comment' | 'estimatedRows' | 'partitionBound'>;

const RELATION_ICONS: Record<RelationKind, string> = {
  table: 'table',
  partitionedTable: 'table',
  view: 'eye',
  materializedView: 'layers',
  foreignTable: 'link-external',
};

/** Anything a relation, routine, sequence or type node hangs under: it knows its database. */
interface DatabaseScoped extends TreeNode {
  readonly context: NodeContext;
}

function databaseOf(node: DatabaseScoped): string {
  return node.context.database ?? '';
}

export class RelationNode extends TreeNode implements ObjectRef {
  readonly id: string;
  readonly context: NodeContext;

  constructor(
    private readonly services: TreeServices,
    readonly parent: DatabaseScoped,
    readonly relation: RelationFacts,
  ) {
    super();
    this.id = `${parent.id}/r/${relation.name}`;
    this.context = parent.context;
  }

  get schema(): string {
    return this.relation.schema;
  }
  get name(): string {
    return this.relation.name;
  }
  get database(): string {
    return databaseOf(this);
  }
  get isTable(): boolean {
    return this.relation.kind === 'table' || this.relation.kind === 'partitionedTable';
  }

  treeItem(): vscode.TreeItem {
    const r = this.relation;
    const item = new vscode.TreeItem(r.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(RELATION_ICONS[r.kind]);
    const rows = r.estimatedRows !== null && r.estimatedRows >= 0 ? `~${formatCount(r.estimatedRows)} rows` : undefined;
    item.description = [r.kind === 'partitionedTable' ? 'partitioned' : undefined, r.partitionBound ?? undefined, rows].filter(Boolean).join(' · ') || undefined;
    item.tooltip = tooltip(`${r.schema}.${r.name}`, [
      r.comment,
      kindLabel(r.kind),
      r.partitionBound ? `Partition ${r.partitionBound}` : undefined,
      r.estimatedRows !== null && r.estimatedRows >= 0 ? `About ${formatCount(r.estimatedRows)} rows (planner estimate)` : 'Row estimate: not analyzed yet',
    ]);
    item.contextValue = `pgx.relation.${r.kind}`;
    return item;
  }

  override async children(): Promise<TreeNode[]> {
    const catalog = await this.services.catalog(this.profileId, this.database);
    const d = await catalog.describeRelation(this.schema, this.name);
    const foreignKeyColumns = new Set(d.foreignKeys.filter((f) => f.direction === 'outgoing').flatMap((f) => f.columns));
    const nodes: TreeNode[] = d.columns.map((c) => new ColumnNode(this, c, foreignKeyColumns.has(c.name)));
    if (nodes.length === 0) nodes.push(new MessageNode(this, 'No columns'));
    if (this.isTable || this.relation.kind === 'materializedView') {
      const constraints: ConstraintInfo[] = [
        ...(d.primaryKey ? [d.primaryKey] : []),
        ...d.uniqueConstraints,
        ...d.foreignKeys.filter((f) => f.direction === 'outgoing'),
        ...d.checks,
        ...d.exclusions,
      ];
      const folders: [string, string, TreeNode[]][] = [
        ['Indexes', 'list-tree', d.indexes.map((i) => new IndexNode(this, i))],
        ['Constraints', 'lock', constraints.map((c) => new ConstraintNode(this, c))],
        ['Triggers', 'zap', d.triggers.map((t) => new TriggerNode(this, t))],
        ['Partitions', 'split-vertical', d.partitions.map((p) => new RelationNode(this.services, this, partitionFacts(p)))],
      ];
      for (const [label, icon, items] of folders) {
        if (items.length > 0) nodes.push(new FolderNode(this, label, icon, items));
      }
    }
    return nodes;
  }

  override invalidate(): void {
    this.services.invalidate(this.profileId, this.database, ['relation', this.schema, this.name]);
  }
}

function partitionFacts(p: PartitionInfo): RelationFacts {
  return { schema: p.schema, name: p.name, kind: p.kind, comment: null, estimatedRows: null, partitionBound: p.bound };
}

export class ColumnNode extends TreeNode {
  readonly id: string;
  readonly context: NodeContext;

  constructor(
    readonly parent: RelationNode,
    readonly column: ColumnDetail,
    private readonly isForeignKey: boolean,
  ) {
    super();
    this.id = `${parent.id}/c/${column.name}`;
    this.context = parent.context;
  }

  treeItem(): vscode.TreeItem {
    const c = this.column;
    const item = new vscode.TreeItem(c.name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const icon = c.isPrimaryKey ? 'key' : this.isForeignKey ? 'references' : c.nullable ? 'circle-outline' : 'circle-filled';
    item.iconPath = new vscode.ThemeIcon(icon);
    item.description = `${c.dataType}${c.nullable ? '' : ' not null'}`;
    item.tooltip = tooltip(`${c.name} ${c.dataType}`, [
      c.comment,
      c.isPrimaryKey ? 'Primary key' : undefined,
      this.isForeignKey ? 'References another table' : undefined,
      c.nullable ? 'Nullable' : 'NOT NULL',
      c.default !== null ? `Default: ${c.default}` : undefined,
      c.identity ? `Identity (${c.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'})` : undefined,
      c.generated ? `Generated: ${c.generated}` : undefined,
    ]);
    item.contextValue = 'pgx.column';
    return item;
  }
}

export class FolderNode extends TreeNode {
  readonly id: string;
  readonly context: NodeContext;

  constructor(
    readonly parent: RelationNode,
    private readonly label: string,
    private readonly icon: string,
    private readonly items: TreeNode[],
  ) {
    super();
    this.id = `${parent.id}/f/${label}`;
    this.context = parent.context;
  }

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(this.icon);
    item.description = String(this.items.length);
    item.contextValue = 'pgx.folder';
    return item;
  }

  override children(): Promise<TreeNode[]> {
    return Promise.resolve(this.items);
  }
}

abstract class LeafNode extends TreeNode {
  readonly context: NodeContext;
  constructor(readonly parent: TreeNode) {
    super();
    this.context = parent.context;
  }
}

export class IndexNode extends LeafNode {
  readonly id: string;
  constructor(parent: RelationNode, readonly index: IndexInfo) {
    super(parent);
    this.id = `${parent.id}/i/${index.name}`;
  }
  treeItem(): vscode.TreeItem {
    const i = this.index;
    const item = new vscode.TreeItem(i.name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(i.isPrimary ? 'key' : 'list-tree');
    item.description = `${i.isUnique ? 'unique ' : ''}${i.method} (${i.columns.join(', ')})${i.isValid ? '' : ' INVALID'}`;
    item.tooltip = tooltip(i.name, [i.comment, i.definition]);
    item.contextValue = 'pgx.index';
    return item;
  }
}

export class ConstraintNode extends LeafNode {
  readonly id: string;
  constructor(parent: RelationNode, readonly constraint: ConstraintInfo) {
    super(parent);
    this.id = `${parent.id}/k/${constraint.name}`;
  }
  treeItem(): vscode.TreeItem {
    const c = this.constraint;
    const item = new vscode.TreeItem(c.name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(/^PRIMARY KEY/.test(c.definition) ? 'key' : /^FOREIGN KEY/.test(c.definition) ? 'references' : 'lock');
    item.description = c.definition;
    item.tooltip = tooltip(c.name, [c.comment, c.definition, c.isInherited ? 'Inherited' : undefined]);
    item.contextValue = 'pgx.constraint';
    return item;
  }
}

export class TriggerNode extends LeafNode {
  readonly id: string;
  constructor(parent: RelationNode, readonly trigger: TriggerInfo) {
    super(parent);
    this.id = `${parent.id}/t/${trigger.name}`;
  }
  treeItem(): vscode.TreeItem {
    const t = this.trigger;
    const item = new vscode.TreeItem(t.name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('zap');
    item.description = `${t.timing === 'insteadOf' ? 'instead of' : t.timing} ${t.events.join(' or ')}${t.enabled === 'D' ? ' (disabled)' : ''}`;
    item.tooltip = tooltip(t.name, [t.comment, t.definition]);
    item.contextValue = 'pgx.trigger';
    return item;
  }
}

export class RoutineNode extends LeafNode implements ObjectRef {
  readonly id: string;
  constructor(parent: DatabaseScoped, readonly routine: Routine) {
    super(parent);
    this.id = `${parent.id}/fn/${routine.name}(${routine.identityArguments})`;
  }
  get schema(): string {
    return this.routine.schema;
  }
  get name(): string {
    return this.routine.name;
  }
  get database(): string {
    return databaseOf(this);
  }
  treeItem(): vscode.TreeItem {
    const r = this.routine;
    const item = new vscode.TreeItem(`${r.name}(${r.identityArguments})`, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(r.kind === 'procedure' ? 'symbol-method' : 'symbol-function');
    item.description = r.resultType ? `→ ${r.resultType}` : undefined;
    item.tooltip = tooltip(`${r.schema}.${r.name}(${r.arguments})`, [
      r.comment,
      `${r.kind}${r.resultType ? ` returning ${r.resultType}` : ''}, ${r.language}, ${r.volatility}`,
    ]);
    item.contextValue = r.kind === 'procedure' ? 'pgx.routine.procedure' : 'pgx.routine.function';
    return item;
  }
}

export class SequenceNode extends LeafNode implements ObjectRef {
  readonly id: string;
  constructor(parent: DatabaseScoped, readonly sequence: Sequence) {
    super(parent);
    this.id = `${parent.id}/q/${sequence.name}`;
  }
  get schema(): string {
    return this.sequence.schema;
  }
  get name(): string {
    return this.sequence.name;
  }
  get database(): string {
    return databaseOf(this);
  }
  treeItem(): vscode.TreeItem {
    const s = this.sequence;
    const item = new vscode.TreeItem(s.name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('symbol-number');
    item.description = s.ownedBy ? `owned by ${s.ownedBy.table}.${s.ownedBy.column}` : s.dataType;
    item.tooltip = tooltip(`${s.schema}.${s.name}`, [s.comment, `${s.dataType}, start ${s.start}, increment ${s.increment}`]);
    item.contextValue = 'pgx.sequence';
    return item;
  }
}

export class TypeNode extends LeafNode implements ObjectRef {
  readonly id: string;
  constructor(parent: DatabaseScoped, readonly type: ObjectType) {
    super(parent);
    this.id = `${parent.id}/y/${type.name}`;
  }
  get schema(): string {
    return this.type.schema;
  }
  get name(): string {
    return this.type.name;
  }
  get database(): string {
    return databaseOf(this);
  }
  treeItem(): vscode.TreeItem {
    const t = this.type;
    const item = new vscode.TreeItem(t.name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(t.kind === 'enum' ? 'symbol-enum' : t.kind === 'composite' ? 'symbol-structure' : 'symbol-class');
    item.description = t.kind === 'enum' ? `enum (${t.labels.join(', ')})` : t.kind === 'domain' ? `domain over ${t.baseType}` : t.kind;
    item.tooltip = tooltip(`${t.schema}.${t.name}`, [t.comment, t.kind]);
    item.contextValue = 'pgx.type';
    return item;
  }
}

function kindLabel(kind: RelationKind): string {
  return { table: 'Table', partitionedTable: 'Partitioned table', view: 'View', materializedView: 'Materialized view', foreignTable: 'Foreign table' }[kind];
}

function formatCount(n: number): string {
  return n >= 1_000_000 ? `${(n / 1_000_000).toFixed(1)}M` : n >= 10_000 ? `${Math.round(n / 1000)}k` : String(Math.round(n));
}
