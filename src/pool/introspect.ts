/**
 * Schema introspection from pg_catalog, PostgreSQL 12 to 18. PgPool's introspection methods
 * delegate here over the browser session's connection. Each function is a fixed number of round
 * trips (one statement, or one per part of the answer), whatever the number of objects, and reads
 * only catalogs every role can read, so a role that may read little still gets its tree.
 */
import type { Client } from 'pg';
import { PgError } from './errors';
import type {
  ColumnDetail,
  ColumnSummary,
  ConstraintInfo,
  DbSummary,
  DomainConstraint,
  Extension,
  ForeignKey,
  ForeignKeyAction,
  IndexInfo,
  ObjectType,
  PartitionInfo,
  Relation,
  RelationDescription,
  RelationKind,
  RelationRef,
  Routine,
  RoutineKind,
  SchemaContents,
  SchemaFilter,
  SchemaObjectCounts,
  SchemaSummary,
  Sequence,
  TriggerInfo,
  TypeAttribute,
  Volatility,
} from './introspect-types';
import {
  ALL_COLUMNS_SQL,
  DATABASES_SQL,
  EXTENSIONS_SQL,
  ROUTINES_SQL,
  SCHEMAS_SQL,
  SERVER_FACTS_SQL,
  describeSql,
  isSystemSchemaName,
  relationsSql,
  sequencesSql,
  typesSql,
} from './introspect-sql';

/** What the queries need to know about the server; read once per connection. */
export interface ServerFacts {
  /** server_version_num, e.g. 170004. */
  version: number;
  /** Keywords that quote_ident would quote (every category but unreserved). */
  keywords: ReadonlySet<string>;
}

const factsByClient = new WeakMap<Client, ServerFacts>();

/** One extra round trip on a connection's first introspection call, none after. */
export async function serverFacts(client: Client): Promise<ServerFacts> {
  const known = factsByClient.get(client);
  if (known) return known;
  const { rows } = await client.query<{ version: number; keywords: string[] }>(SERVER_FACTS_SQL);
  const facts = { version: rows[0].version, keywords: new Set(rows[0].keywords) };
  factsByClient.set(client, facts);
  return facts;
}

// -----------------------------------------------------------------------------------------------
// Databases, schemas, extensions

export async function listDatabases(client: Client): Promise<DbSummary[]> {
  const { rows } = await client.query<DbSummary>(DATABASES_SQL);
  return rows.map((r) => ({ ...r }));
}

export async function listSchemas(client: Client, options: { includeSystem?: boolean } = {}): Promise<SchemaSummary[]> {
  const { rows } = await client.query<{ name: string; owner: string; isSystem: boolean; comment: string | null; counts: SchemaObjectCounts }>(
    SCHEMAS_SQL,
    [options.includeSystem ?? false],
  );
  return rows.map((r) => ({ name: r.name, owner: r.owner, isSystem: r.isSystem, comment: r.comment, counts: r.counts }));
}

export async function listExtensions(client: Client): Promise<Extension[]> {
  const { rows } = await client.query<Extension>(EXTENSIONS_SQL);
  return rows.map((r) => ({ ...r }));
}

// -----------------------------------------------------------------------------------------------
// Relations, routines, sequences, types

/** A row of relationsSql, in its column order. */
type RelationTuple = [
  oid: number,
  name: string,
  relkind: 'r' | 'p' | 'v' | 'm' | 'f',
  owner: string,
  estimatedRows: number | null,
  size: number | null,
  comment: string | null,
  parent: RelationRef | null,
  bound: string | null,
  canSelect: boolean,
];

const RELATION_KINDS: Record<RelationTuple[2], RelationKind> = {
  r: 'table',
  p: 'partitionedTable',
  v: 'view',
  m: 'materializedView',
  f: 'foreignTable',
};

export async function listRelations(client: Client, schema: string, filter: SchemaFilter = {}): Promise<Relation[]> {
  const { version } = await serverFacts(client);
  const { rows } = await client.query<RelationTuple>({
    text: relationsSql(!isSystemSchemaName(schema), version),
    values: [schema, filter.nameContains ?? null],
    rowMode: 'array',
  });
  // A comment without its relation (see relationsSql) has a NULL oid; those rows come last.
  const end = rows.findIndex((r) => r[0] === null);
  return (end < 0 ? rows : rows.slice(0, end)).map(([oid, name, relkind, owner, estimatedRows, size, comment, parent, partitionBound, canSelect]) => ({
    name,
    schema,
    kind: RELATION_KINDS[relkind],
    oid,
    owner,
    estimatedRows,
    size,
    comment,
    parent,
    partitionBound,
    canSelect,
  }));
}

interface RoutineRow {
  oid: number;
  name: string;
  schema: string;
  kind: 'f' | 'p' | 'a' | 'w';
  arguments: string;
  identity_arguments: string;
  result_type: string | null;
  language: string;
  volatility: 'i' | 's' | 'v';
  comment: string | null;
}

const ROUTINE_KINDS: Record<RoutineRow['kind'], RoutineKind> = { f: 'function', p: 'procedure', a: 'aggregate', w: 'window' };
const VOLATILITIES: Record<RoutineRow['volatility'], Volatility> = { i: 'immutable', s: 'stable', v: 'volatile' };

export async function listRoutines(client: Client, schema: string, filter: SchemaFilter = {}): Promise<Routine[]> {
  const { rows } = await client.query<RoutineRow>(ROUTINES_SQL, [schema, filter.nameContains ?? null]);
  return rows.map((r) => ({
    name: r.name,
    schema: r.schema,
    oid: r.oid,
    kind: ROUTINE_KINDS[r.kind],
    arguments: r.arguments,
    identityArguments: r.identity_arguments,
    resultType: r.result_type,
    language: r.language,
    volatility: VOLATILITIES[r.volatility],
    comment: r.comment,
  }));
}

interface SequenceRow {
  oid: number;
  name: string;
  schema: string;
  data_type: string;
  start: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
  owner_schema: string | null;
  owner_table: string | null;
  owner_column: string | null;
  is_identity: boolean;
  comment: string | null;
}

export async function listSequences(client: Client, schema: string, filter: SchemaFilter = {}): Promise<Sequence[]> {
  const { rows } = await client.query<SequenceRow>(sequencesSql('schema'), [schema, filter.nameContains ?? null]);
  return rows.map(toSequence);
}

/** The sequences a table's columns own through OWNED BY (serial columns), identity ones left out. */
export async function sequencesOwnedBy(client: Client, tableOid: number): Promise<Sequence[]> {
  const { rows } = await client.query<SequenceRow>(sequencesSql('ownerTable'), [tableOid]);
  return rows.map(toSequence);
}

function toSequence(r: SequenceRow): Sequence {
  return {
    name: r.name,
    schema: r.schema,
    oid: r.oid,
    dataType: r.data_type,
    start: r.start,
    increment: r.increment,
    min: r.min,
    max: r.max,
    cache: r.cache,
    cycle: r.cycle,
    ownedBy:
      r.owner_schema !== null && r.owner_table !== null && r.owner_column !== null
        ? { schema: r.owner_schema, table: r.owner_table, column: r.owner_column }
        : null,
    isIdentity: r.is_identity,
    comment: r.comment,
  };
}

interface TypeRow {
  oid: number;
  name: string;
  schema: string;
  kind: 'e' | 'c' | 'd' | 'r' | 'm';
  owner: string;
  comment: string | null;
  labels: string[] | null;
  attributes: TypeAttribute[] | null;
  base_type: string | null;
  not_null: boolean;
  default: string | null;
  domain_collation: { name: string; schema: string } | null;
  constraints: DomainConstraint[] | null;
  subtype: string | null;
  multirange_type: string | null;
  subtype_opclass: string | null;
  range_collation: { name: string; schema: string } | null;
  canonical: string | null;
  subtype_diff: string | null;
  range_type: string | null;
}

export async function listTypes(client: Client, schema: string, filter: SchemaFilter = {}): Promise<ObjectType[]> {
  const { version } = await serverFacts(client);
  const { rows } = await client.query<TypeRow>(typesSql(version), [schema, filter.nameContains ?? null]);
  return rows.map(toObjectType);
}

function toObjectType(r: TypeRow): ObjectType {
  const common = { name: r.name, schema: r.schema, oid: r.oid, owner: r.owner, comment: r.comment };
  switch (r.kind) {
    case 'e':
      return { ...common, kind: 'enum', labels: r.labels ?? [] };
    case 'c':
      return { ...common, kind: 'composite', attributes: r.attributes ?? [] };
    case 'd':
      return {
        ...common,
        kind: 'domain',
        baseType: r.base_type ?? '',
        notNull: r.not_null,
        default: r.default,
        collation: r.domain_collation?.name ?? null,
        collationSchema: r.domain_collation?.schema ?? null,
        constraints: r.constraints ?? [],
      };
    case 'r':
      return {
        ...common,
        kind: 'range',
        subtype: r.subtype ?? '',
        multirangeType: r.multirange_type,
        subtypeOpclass: r.subtype_opclass,
        collation: r.range_collation?.name ?? null,
        collationSchema: r.range_collation?.schema ?? null,
        canonical: r.canonical,
        subtypeDiff: r.subtype_diff,
      };
    case 'm':
      return { ...common, kind: 'multirange', rangeType: r.range_type ?? '' };
  }
}

/**
 * Relations, routines, sequences and types of one schema (only those whose name contains the
 * filter's text, when given, filtered by the server): four statements, whatever the schema holds.
 */
export async function schemaContents(client: Client, schema: string, filter: SchemaFilter = {}): Promise<SchemaContents> {
  const relations = await listRelations(client, schema, filter);
  const routines = await listRoutines(client, schema, filter);
  const sequences = await listSequences(client, schema, filter);
  const types = await listTypes(client, schema, filter);
  return { relations, routines, sequences, types };
}

// -----------------------------------------------------------------------------------------------
// One relation in detail

interface RawColumn extends Omit<ColumnDetail, 'identity' | 'generatedKind' | 'collation' | 'collationSchema'> {
  identity: '' | 'a' | 'd';
  generatedKind: '' | 's' | 'v';
  collation: string | null;
  collationSchema: string | null;
}

type FkActionCode = 'a' | 'r' | 'c' | 'n' | 'd';

interface RawConstraint extends Omit<ForeignKey, 'direction' | 'onUpdate' | 'onDelete' | 'referencedSchema' | 'referencedTable'> {
  type: 'p' | 'u' | 'c' | 'x' | 'f';
  referencedSchema: string | null;
  referencedTable: string | null;
  onUpdate: FkActionCode | ' ';
  onDelete: FkActionCode | ' ';
}

interface RawTrigger extends Omit<TriggerInfo, 'timing' | 'events' | 'forEachRow'> {
  type: number;
}

interface DescribeRow {
  oid: number;
  schema: string;
  name: string;
  kind: RelationKind;
  comment: string | null;
  size: number | null;
  partition_key: string | null;
  partition_bound: string | null;
  parent: RelationRef | null;
  columns: RawColumn[] | null;
  constraints: RawConstraint[] | null;
  outgoing: RawConstraint[] | null;
  incoming: RawConstraint[] | null;
  indexes: IndexInfo[] | null;
  triggers: RawTrigger[] | null;
  partitions: PartitionInfo[] | null;
}

const FK_ACTIONS: Record<FkActionCode, ForeignKeyAction> = {
  a: 'noAction',
  r: 'restrict',
  c: 'cascade',
  n: 'setNull',
  d: 'setDefault',
};

/** Everything about one table, view or foreign table, in one statement. */
export async function describeRelation(client: Client, schema: string, name: string): Promise<RelationDescription> {
  const { version } = await serverFacts(client);
  const { rows } = await client.query<DescribeRow>(describeSql(version), [schema, name]);
  const r = rows[0];
  if (!r) {
    throw new PgError('query', `There is no table, view or foreign table named "${name}" in schema "${schema}".`, {
      code: '42P01',
      schema,
      table: name,
    });
  }
  const constraints = r.constraints ?? [];
  const ofType = (type: RawConstraint['type']): ConstraintInfo[] =>
    constraints.filter((c) => c.type === type).map(toConstraintInfo);
  return {
    schema: r.schema,
    name: r.name,
    oid: r.oid,
    kind: r.kind,
    comment: r.comment,
    size: r.size,
    columns: (r.columns ?? []).map(toColumnDetail),
    primaryKey: ofType('p')[0] ?? null,
    uniqueConstraints: ofType('u'),
    foreignKeys: [
      ...(r.outgoing ?? []).map((c) => toForeignKey(c, 'outgoing')),
      ...(r.incoming ?? []).map((c) => toForeignKey(c, 'incoming')),
    ],
    checks: ofType('c'),
    exclusions: ofType('x'),
    indexes: r.indexes ?? [],
    triggers: (r.triggers ?? []).map(toTrigger),
    partitions: r.partitions ?? [],
    partitionKey: r.partition_key,
    parent: r.parent,
    partitionBound: r.partition_bound,
  };
}

function toColumnDetail(c: RawColumn): ColumnDetail {
  return {
    name: c.name,
    position: c.position,
    dataType: c.dataType,
    typeOid: c.typeOid,
    nullable: c.nullable,
    default: c.default,
    identity: c.identity === 'a' ? 'always' : c.identity === 'd' ? 'byDefault' : null,
    generated: c.generated,
    generatedKind: c.generatedKind === 's' ? 'stored' : c.generatedKind === 'v' ? 'virtual' : null,
    isPrimaryKey: c.isPrimaryKey,
    collation: c.collation,
    collationSchema: c.collationSchema,
    comment: c.comment,
  };
}

function toConstraintInfo(c: RawConstraint): ConstraintInfo {
  return { name: c.name, definition: c.definition, columns: c.columns, isInherited: c.isInherited, comment: c.comment };
}

function toForeignKey(c: RawConstraint, direction: ForeignKey['direction']): ForeignKey {
  return {
    ...toConstraintInfo(c),
    direction,
    schema: c.schema,
    table: c.table,
    referencedSchema: c.referencedSchema ?? '',
    referencedTable: c.referencedTable ?? '',
    referencedColumns: c.referencedColumns,
    onUpdate: FK_ACTIONS[c.onUpdate as FkActionCode] ?? 'noAction',
    onDelete: FK_ACTIONS[c.onDelete as FkActionCode] ?? 'noAction',
  };
}

// pg_trigger.tgtype bits (catalog/pg_trigger.h).
const TRIGGER_ROW = 1 << 0;
const TRIGGER_BEFORE = 1 << 1;
const TRIGGER_INSERT = 1 << 2;
const TRIGGER_DELETE = 1 << 3;
const TRIGGER_UPDATE = 1 << 4;
const TRIGGER_TRUNCATE = 1 << 5;
const TRIGGER_INSTEAD = 1 << 6;

function toTrigger(t: RawTrigger): TriggerInfo {
  const events: TriggerInfo['events'] = [];
  if (t.type & TRIGGER_INSERT) events.push('insert');
  if (t.type & TRIGGER_UPDATE) events.push('update');
  if (t.type & TRIGGER_DELETE) events.push('delete');
  if (t.type & TRIGGER_TRUNCATE) events.push('truncate');
  return {
    name: t.name,
    definition: t.definition,
    timing: t.type & TRIGGER_INSTEAD ? 'insteadOf' : t.type & TRIGGER_BEFORE ? 'before' : 'after',
    events,
    forEachRow: (t.type & TRIGGER_ROW) !== 0,
    enabled: t.enabled,
    functionSchema: t.functionSchema,
    functionName: t.functionName,
    comment: t.comment,
  };
}

// -----------------------------------------------------------------------------------------------
// Autocomplete

/** A row of ALL_COLUMNS_SQL, in its column order. */
type ColumnTuple = [
  schema: string,
  relation: string,
  relkind: RelationTuple[2],
  name: string,
  position: number,
  dataType: string,
  comment: string | null,
];

/** Every column of every table, view and foreign table: one statement, for autocomplete. */
export async function listAllColumns(client: Client, options: { includeSystem?: boolean } = {}): Promise<ColumnSummary[]> {
  const { rows } = await client.query<ColumnTuple>({
    text: ALL_COLUMNS_SQL,
    values: [options.includeSystem ?? false],
    rowMode: 'array',
  });
  return rows.map(([schema, relation, relkind, name, position, dataType, comment]) => ({
    schema,
    relation,
    relationKind: RELATION_KINDS[relkind],
    name,
    position,
    dataType,
    comment,
  }));
}

export type * from './introspect-types';
