/**
 * The shapes schema introspection hands out (introspect.ts). Plain data, safe to post to a webview.
 * Every name is exactly as stored in the catalog (case, quotes, spaces, unicode untouched): quoting
 * is the job of whoever builds SQL from it.
 */

export interface DbSummary {
  name: string;
  owner: string;
  encoding: string;
  /** Bytes on disk; null when the role may not ask (no CONNECT and no pg_read_all_stats). */
  size: number | null;
  isTemplate: boolean;
  allowConnections: boolean;
  comment: string | null;
  /** True for the database this pool is connected to. */
  isCurrent: boolean;
}

/** How many objects of each kind a schema holds (partitions are counted apart from tables). */
export interface SchemaObjectCounts {
  tables: number;
  partitionedTables: number;
  partitions: number;
  views: number;
  materializedViews: number;
  foreignTables: number;
  sequences: number;
  functions: number;
  procedures: number;
  aggregates: number;
  windowFunctions: number;
  types: number;
}

export interface SchemaSummary {
  name: string;
  owner: string;
  /** pg_catalog, information_schema, pg_toast*, pg_temp_*: every pg_-prefixed schema is the server's. */
  isSystem: boolean;
  comment: string | null;
  counts: SchemaObjectCounts;
}

export type RelationKind = 'table' | 'partitionedTable' | 'view' | 'materializedView' | 'foreignTable';

export interface RelationRef {
  schema: string;
  name: string;
}

export interface Relation {
  name: string;
  schema: string;
  kind: RelationKind;
  oid: number;
  owner: string;
  /** The planner's estimate (pg_class.reltuples); null when the table was never vacuumed or analyzed. */
  estimatedRows: number | null;
  /**
   * Bytes of the table's main data (its own pages: TOAST and indexes not included) as of the last
   * VACUUM or ANALYZE, the planner's figure like estimatedRows: exact sizes would cost file lookups
   * per relation. Null for views, foreign and partitioned tables. RelationDescription.size is exact
   * and includes TOAST and indexes.
   */
  size: number | null;
  comment: string | null;
  /** Set for a partition: the table it is a partition of. */
  parent: RelationRef | null;
  /** Set for a partition: its bound as the server prints it, e.g. `FOR VALUES FROM (1) TO (10)`. */
  partitionBound: string | null;
  /** Whether the current role may SELECT from it (the tree still lists what it may not). */
  canSelect: boolean;
}

export type IdentityKind = 'always' | 'byDefault';

export interface ColumnDetail {
  name: string;
  /** attnum: 1-based, with gaps where columns were dropped. */
  position: number;
  /** As format_type prints it, e.g. `character varying(20)`, `numeric(10,2)`, `"My Type"`. */
  dataType: string;
  typeOid: number;
  nullable: boolean;
  /** The default expression as the server prints it; null when none (and for generated columns). */
  default: string | null;
  identity: IdentityKind | null;
  /** The generation expression of a generated column, else null. */
  generated: string | null;
  /** `stored`, or `virtual` (PostgreSQL 18); null for an ordinary column. */
  generatedKind: 'stored' | 'virtual' | null;
  isPrimaryKey: boolean;
  /** The column's collation when it is not its type's default (what a COLLATE clause names), else null. */
  collation: string | null;
  collationSchema: string | null;
  comment: string | null;
}

export interface ConstraintInfo {
  name: string;
  /** As pg_get_constraintdef prints it, e.g. `PRIMARY KEY (id)`, `CHECK ((price > 0))`. */
  definition: string;
  /** Column names in key order; empty for constraints on expressions only. */
  columns: string[];
  /** Inherited from a parent table or partitioned table rather than declared on this one. */
  isInherited: boolean;
  comment: string | null;
}

export type ForeignKeyAction = 'noAction' | 'restrict' | 'cascade' | 'setNull' | 'setDefault';

export interface ForeignKey extends ConstraintInfo {
  /** `outgoing`: this table references another; `incoming`: another table references this one. */
  direction: 'outgoing' | 'incoming';
  /** The referencing table. */
  schema: string;
  table: string;
  referencedSchema: string;
  referencedTable: string;
  referencedColumns: string[];
  onUpdate: ForeignKeyAction;
  onDelete: ForeignKeyAction;
}

export interface IndexInfo {
  name: string;
  /** As pg_get_indexdef prints it: a complete CREATE INDEX statement. */
  definition: string;
  /** Key columns; an expression key appears as its text. */
  columns: string[];
  method: string;
  isUnique: boolean;
  isPrimary: boolean;
  isValid: boolean;
  /** The constraint the index enforces (primary key, unique, exclusion), else null. */
  constraint: string | null;
  predicate: string | null;
  /** Created through the parent's partitioned index rather than on this table itself. */
  isInherited: boolean;
  comment: string | null;
}

export interface TriggerInfo {
  name: string;
  /** As pg_get_triggerdef prints it: a complete CREATE TRIGGER statement. */
  definition: string;
  timing: 'before' | 'after' | 'insteadOf';
  events: ('insert' | 'update' | 'delete' | 'truncate')[];
  forEachRow: boolean;
  /** `O` (origin, the default), `D` disabled, `R` replica, `A` always, as in pg_trigger.tgenabled. */
  enabled: 'O' | 'D' | 'R' | 'A';
  functionSchema: string;
  functionName: string;
  comment: string | null;
}

export interface PartitionInfo {
  schema: string;
  name: string;
  kind: RelationKind;
  bound: string;
}

export interface RelationDescription {
  schema: string;
  name: string;
  oid: number;
  kind: RelationKind;
  comment: string | null;
  /** Exact bytes on disk (pg_total_relation_size), indexes and TOAST included; null for views, foreign and partitioned tables. */
  size: number | null;
  columns: ColumnDetail[];
  primaryKey: ConstraintInfo | null;
  uniqueConstraints: ConstraintInfo[];
  foreignKeys: ForeignKey[];
  checks: ConstraintInfo[];
  exclusions: ConstraintInfo[];
  indexes: IndexInfo[];
  triggers: TriggerInfo[];
  /** Direct partitions of a partitioned table, in bound order as the server lists them by name. */
  partitions: PartitionInfo[];
  /** For a partitioned table: its key as pg_get_partkeydef prints it, e.g. `RANGE (created)`. */
  partitionKey: string | null;
  parent: RelationRef | null;
  partitionBound: string | null;
}

export type RoutineKind = 'function' | 'procedure' | 'aggregate' | 'window';
export type Volatility = 'immutable' | 'stable' | 'volatile';

export interface Routine {
  name: string;
  schema: string;
  oid: number;
  kind: RoutineKind;
  /** As pg_get_function_arguments prints them, defaults included. */
  arguments: string;
  /** As pg_get_function_identity_arguments prints them: what tells overloads apart. */
  identityArguments: string;
  /** As pg_get_function_result prints it; null for a procedure. */
  resultType: string | null;
  language: string;
  volatility: Volatility;
  comment: string | null;
}

export interface Sequence {
  name: string;
  schema: string;
  oid: number;
  /** `smallint`, `integer` or `bigint`. */
  dataType: string;
  /** Decimal text: a bigint sequence's bounds do not fit a JavaScript number. */
  start: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
  /** The column that owns it (OWNED BY, serial or identity), else null. */
  ownedBy: { schema: string; table: string; column: string } | null;
  /** True for the sequence behind an identity column. */
  isIdentity: boolean;
  comment: string | null;
}

export type ObjectTypeKind = 'enum' | 'composite' | 'domain' | 'range' | 'multirange';

export interface TypeAttribute {
  name: string;
  dataType: string;
  collation: string | null;
  collationSchema: string | null;
}

export interface DomainConstraint {
  name: string;
  /** As pg_get_constraintdef prints it, e.g. `CHECK ((VALUE > 0))`. */
  definition: string;
}

interface ObjectTypeCommon {
  name: string;
  schema: string;
  oid: number;
  owner: string;
  comment: string | null;
}

export type ObjectType =
  | (ObjectTypeCommon & { kind: 'enum'; labels: string[] })
  | (ObjectTypeCommon & { kind: 'composite'; attributes: TypeAttribute[] })
  | (ObjectTypeCommon & {
      kind: 'domain';
      baseType: string;
      notNull: boolean;
      default: string | null;
      collation: string | null;
      collationSchema: string | null;
      constraints: DomainConstraint[];
    })
  | (ObjectTypeCommon & {
      kind: 'range';
      subtype: string;
      /** The multirange type made with it (PostgreSQL 14+), else null. */
      multirangeType: string | null;
      /** The operator class when not the subtype's default, as SQL (`schema.name`), else null. */
      subtypeOpclass: string | null;
      /** The collation when not the subtype's default, else null. */
      collation: string | null;
      collationSchema: string | null;
      /** Functions as regproc prints them (qualified when not on the search_path), else null. */
      canonical: string | null;
      subtypeDiff: string | null;
    })
  | (ObjectTypeCommon & { kind: 'multirange'; rangeType: string });

export interface SchemaContents {
  relations: Relation[];
  routines: Routine[];
  sequences: Sequence[];
  types: ObjectType[];
}

export interface Extension {
  name: string;
  version: string;
  schema: string;
  comment: string | null;
}

/** One column of any table, view or foreign table the role can see: for autocomplete. */
export interface ColumnSummary {
  schema: string;
  relation: string;
  relationKind: RelationKind;
  name: string;
  position: number;
  dataType: string;
  comment: string | null;
}

export type DdlKind = 'table' | 'view' | 'materializedView' | 'function' | 'procedure' | 'sequence' | 'type';

/** What to list of a schema: every object, or those whose name contains `nameContains` (case folded). */
export interface SchemaFilter {
  nameContains?: string;
}
