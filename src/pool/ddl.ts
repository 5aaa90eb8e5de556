/**
 * DDL text for one object. Views and routines come from the server's own pg_get_viewdef and
 * pg_get_functiondef; tables are rebuilt from describeRelation (columns, constraints, indexes,
 * triggers, comments); sequences and types from their catalog rows.
 *
 * Everything runs in one read-only transaction with search_path = pg_catalog, as pg_dump does:
 * then format_type, pg_get_expr, pg_get_constraintdef and friends qualify every name outside
 * pg_catalog, so the text means the same thing whatever the search_path of whoever runs it.
 * Owners and privileges are left out: the text is for reading and recreating structure.
 */
import type { Client } from 'pg';
import { PgError } from './errors';
import { describeRelation, listRoutines, listSequences, listTypes, sequencesOwnedBy, serverFacts } from './introspect';
import type { ColumnDetail, ConstraintInfo, DdlKind, IndexInfo, ObjectType, RelationDescription, Routine, RoutineKind, Sequence } from './introspect-types';

/** Table-level facts describeRelation does not carry. $1: schema, $2: name. */
const RELATION_META_SQL = `
SELECT c.relkind AS relkind, c.relpersistence AS persistence, c.relispopulated AS populated,
  CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid, true) END AS view_def,
  (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(o.option_name) || ' = ' || pg_catalog.quote_literal(o.option_value), ', ')
    FROM pg_catalog.pg_options_to_table(c.reloptions) o) AS rel_options,
  fs.srvname AS server,
  (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(o.option_name) || ' ' || pg_catalog.quote_literal(o.option_value), ', ')
    FROM pg_catalog.pg_options_to_table(ft.ftoptions) o) AS server_options,
  ARRAY(SELECT pg_catalog.quote_ident(pn.nspname) || '.' || pg_catalog.quote_ident(pc.relname)
    FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent
    JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
    WHERE i.inhrelid = c.oid AND NOT c.relispartition ORDER BY i.inhseqno) AS inherits
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_foreign_table ft ON ft.ftrelid = c.oid
LEFT JOIN pg_catalog.pg_foreign_server fs ON fs.oid = ft.ftserver
WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`;

/** $1: oids of the routines (aggregates have no pg_get_functiondef: see AGGREGATE_SQL). */
const FUNCTION_DEF_SQL = `SELECT p.oid, CASE WHEN p.prokind <> 'a' THEN pg_catalog.pg_get_functiondef(p.oid) END AS def,
  pg_catalog.pg_get_function_identity_arguments(p.oid) AS args
FROM pg_catalog.pg_proc p WHERE p.oid = ANY ($1::oid[])`;

/**
 * $1: oids of aggregates. The CREATE AGGREGATE options, rebuilt from pg_aggregate as pg_dump does;
 * regproc and format_type print qualified names under the DDL transaction's search_path.
 */
const AGGREGATE_SQL = `
SELECT a.aggfnoid::oid AS oid, a.aggkind AS kind, p.proparallel AS parallel,
  CASE WHEN a.aggtransfn <> 0 THEN a.aggtransfn::pg_catalog.regproc::text END AS sfunc,
  pg_catalog.format_type(a.aggtranstype, NULL) AS stype, a.aggtransspace AS sspace,
  CASE WHEN a.aggfinalfn <> 0 THEN a.aggfinalfn::pg_catalog.regproc::text END AS finalfunc,
  a.aggfinalextra AS finalfunc_extra, a.aggfinalmodify AS finalfunc_modify,
  CASE WHEN a.aggcombinefn <> 0 THEN a.aggcombinefn::pg_catalog.regproc::text END AS combinefunc,
  CASE WHEN a.aggserialfn <> 0 THEN a.aggserialfn::pg_catalog.regproc::text END AS serialfunc,
  CASE WHEN a.aggdeserialfn <> 0 THEN a.aggdeserialfn::pg_catalog.regproc::text END AS deserialfunc,
  a.agginitval AS initcond,
  CASE WHEN a.aggmtransfn <> 0 THEN a.aggmtransfn::pg_catalog.regproc::text END AS msfunc,
  CASE WHEN a.aggminvtransfn <> 0 THEN a.aggminvtransfn::pg_catalog.regproc::text END AS minvfunc,
  CASE WHEN a.aggmtranstype <> 0 THEN pg_catalog.format_type(a.aggmtranstype, NULL) END AS mstype,
  a.aggmtransspace AS msspace,
  CASE WHEN a.aggmfinalfn <> 0 THEN a.aggmfinalfn::pg_catalog.regproc::text END AS mfinalfunc,
  a.aggmfinalextra AS mfinalfunc_extra, a.aggmfinalmodify AS mfinalfunc_modify, a.aggminitval AS minitcond,
  CASE WHEN a.aggsortop <> 0 THEN (SELECT pg_catalog.quote_ident(n.nspname) || '.' || o.oprname
    FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace WHERE o.oid = a.aggsortop) END AS sortop
FROM pg_catalog.pg_aggregate a JOIN pg_catalog.pg_proc p ON p.oid = a.aggfnoid
WHERE a.aggfnoid = ANY ($1::oid[])`;

interface AggregateRow {
  oid: number;
  kind: 'n' | 'o' | 'h';
  parallel: 's' | 'r' | 'u';
  sfunc: string;
  stype: string;
  sspace: number;
  finalfunc: string | null;
  finalfunc_extra: boolean;
  finalfunc_modify: 'r' | 's' | 'w';
  combinefunc: string | null;
  serialfunc: string | null;
  deserialfunc: string | null;
  initcond: string | null;
  msfunc: string | null;
  minvfunc: string | null;
  mstype: string | null;
  msspace: number;
  mfinalfunc: string | null;
  mfinalfunc_extra: boolean;
  mfinalfunc_modify: 'r' | 's' | 'w';
  minitcond: string | null;
  sortop: string | null;
}

interface RelationMeta {
  relkind: 'r' | 'p' | 'v' | 'm' | 'f';
  persistence: 'p' | 'u' | 't';
  populated: boolean;
  view_def: string | null;
  rel_options: string | null;
  server: string | null;
  server_options: string | null;
  inherits: string[];
}

/** For an overloaded function or procedure, which one; without either, every overload comes back. */
export interface DdlOptions {
  /** Its Routine.identityArguments, as listed (under the session's search_path). */
  arguments?: string;
  /** Its Routine.oid. */
  oid?: number;
}

export async function getDdl(client: Client, kind: DdlKind, schema: string, name: string, options: DdlOptions = {}): Promise<string> {
  const { keywords } = await serverFacts(client);
  const q = new Quoter(keywords);
  // Overloads are picked before the search_path changes: identityArguments were listed under it.
  const routines = kind === 'function' || kind === 'procedure' ? await pickRoutines(client, kind, schema, name, options) : [];
  await client.query(`BEGIN READ ONLY; SET LOCAL search_path = pg_catalog`);
  try {
    switch (kind) {
      case 'table':
      case 'view':
      case 'materializedView':
        return await relationDdl(client, q, kind, schema, name);
      case 'function':
      case 'procedure':
        return await routineDdl(client, q, routines);
      case 'sequence':
        return sequenceDdl(q, await findOne(listSequences(client, schema), 'sequence', schema, name));
      case 'type':
        return typeDdl(q, await findOne(listTypes(client, schema), 'type', schema, name));
    }
  } finally {
    // Nothing was written; ending with ROLLBACK also undoes the SET LOCAL.
    await client.query('ROLLBACK').catch(() => undefined);
  }
}

async function findOne<T extends { name: string }>(all: Promise<T[]>, what: string, schema: string, name: string): Promise<T> {
  const found = (await all).find((o) => o.name === name);
  if (!found) throw notFound(what, schema, name);
  return found;
}

function notFound(what: string, schema: string, name: string): PgError {
  return new PgError('query', `There is no ${what} named "${name}" in schema "${schema}".`, { code: '42704', schema });
}

/** Identifier and literal quoting with quote_ident's rules (the server's keyword list included). */
export class Quoter {
  constructor(private readonly keywords: ReadonlySet<string>) {}

  ident(name: string): string {
    if (/^[a-z_][a-z0-9_]*$/.test(name) && !this.keywords.has(name)) return name;
    return `"${name.replace(/"/g, '""')}"`;
  }

  qualified(schema: string, name: string): string {
    return `${this.ident(schema)}.${this.ident(name)}`;
  }

  /** quote_literal: E'' with doubled backslashes when there are any, so standard_conforming_strings does not matter. */
  literal(text: string): string {
    const quoted = `'${text.replace(/'/g, "''")}'`;
    return text.includes('\\') ? `E${quoted.replace(/\\/g, '\\\\')}` : quoted;
  }

  /** ` COLLATE schema.name`, or nothing for the type's default collation (null). */
  collation(schema: string | null, name: string | null): string {
    return name === null ? '' : ` COLLATE ${this.maybeQualified(schema, name)}`;
  }

  maybeQualified(schema: string | null, name: string): string {
    return schema === null ? this.ident(name) : this.qualified(schema, name);
  }
}

// -----------------------------------------------------------------------------------------------
// Tables, views, materialized views

const RELKIND_FOR: Record<'table' | 'view' | 'materializedView', RelationMeta['relkind'][]> = {
  table: ['r', 'p', 'f'],
  view: ['v'],
  materializedView: ['m'],
};

async function relationDdl(
  client: Client,
  q: Quoter,
  kind: 'table' | 'view' | 'materializedView',
  schema: string,
  name: string,
): Promise<string> {
  const { rows } = await client.query<RelationMeta>(RELATION_META_SQL, [schema, name]);
  const meta = rows[0];
  const what = kind === 'materializedView' ? 'materialized view' : kind;
  if (!meta || !RELKIND_FOR[kind].includes(meta.relkind)) throw notFound(what, schema, name);
  const rel = await describeRelation(client, schema, name);
  const target = q.qualified(schema, name);
  const statements: string[] = [];

  if (meta.relkind === 'v' || meta.relkind === 'm') {
    const body = (meta.view_def ?? '').trim().replace(/;$/, '');
    const withOptions = meta.rel_options ? ` WITH (${meta.rel_options})` : '';
    statements.push(
      meta.relkind === 'v'
        ? `CREATE VIEW ${target}${withOptions} AS\n${body}`
        : `CREATE MATERIALIZED VIEW ${target}${withOptions} AS\n${body}\nWITH ${meta.populated ? '' : 'NO '}DATA`,
    );
  } else {
    // The sequences of serial columns come first (the defaults name them) and are tied to their
    // columns after, so the text runs on its own.
    const owned = await sequencesOwnedBy(client, rel.oid);
    statements.push(...owned.map((s) => createSequence(q, s)));
    statements.push(createTable(q, rel, meta));
    statements.push(...owned.map((s) => ownedBySequence(q, s)).filter((s) => s !== null));
  }
  for (const index of rel.indexes) {
    if (index.constraint === null && !index.isInherited) statements.push(indexDefinition(q, index, meta.relkind));
  }
  for (const trigger of rel.triggers) {
    statements.push(trigger.definition);
    if (trigger.enabled !== 'O') {
      const how = { D: 'DISABLE', R: 'ENABLE REPLICA', A: 'ENABLE ALWAYS' }[trigger.enabled];
      statements.push(`ALTER ${meta.relkind === 'f' ? 'FOREIGN TABLE' : 'TABLE'} ${target} ${how} TRIGGER ${q.ident(trigger.name)}`);
    }
  }
  statements.push(...relationComments(q, rel, meta.relkind));
  return statements.map((s) => `${s};`).join('\n\n') + '\n';
}

/**
 * pg_get_indexdef prints a partitioned table's index as `ON ONLY`, which would leave the index
 * invalid and its partitions without one; plain `ON` builds it on every partition, as it was.
 */
function indexDefinition(q: Quoter, index: IndexInfo, relkind: RelationMeta['relkind']): string {
  if (relkind !== 'p') return index.definition;
  const head = `CREATE ${index.isUnique ? 'UNIQUE ' : ''}INDEX ${q.ident(index.name)} ON ONLY `;
  return index.definition.startsWith(head) ? `${head.slice(0, -'ONLY '.length)}${index.definition.slice(head.length)}` : index.definition;
}

function createTable(q: Quoter, rel: RelationDescription, meta: RelationMeta): string {
  const target = q.qualified(rel.schema, rel.name);
  const foreign = meta.relkind === 'f';
  const head = `CREATE ${foreign ? 'FOREIGN ' : meta.persistence === 'u' ? 'UNLOGGED ' : ''}TABLE ${target}`;
  const constraints = [
    rel.primaryKey,
    ...rel.uniqueConstraints,
    ...rel.checks,
    ...rel.exclusions,
    ...rel.foreignKeys.filter((fk) => fk.direction === 'outgoing'),
  ]
    .filter((c): c is ConstraintInfo => c !== null && !c.isInherited)
    .map((c) => `CONSTRAINT ${q.ident(c.name)} ${c.definition}`);
  const tail: string[] = [];
  if (meta.inherits.length > 0) tail.push(`INHERITS (${meta.inherits.join(', ')})`);
  if (rel.partitionKey) tail.push(`PARTITION BY ${rel.partitionKey}`);
  if (meta.rel_options) tail.push(`WITH (${meta.rel_options})`);
  if (foreign && meta.server) tail.push(`SERVER ${q.ident(meta.server)}${meta.server_options ? ` OPTIONS (${meta.server_options})` : ''}`);

  let text: string;
  if (rel.parent && rel.partitionBound) {
    // A partition takes its columns from the parent; only its own constraints are listed.
    const body = constraints.length > 0 ? ` (\n    ${constraints.join(',\n    ')}\n)` : '';
    text = `${head} PARTITION OF ${q.qualified(rel.parent.schema, rel.parent.name)}${body}\n${rel.partitionBound}`;
  } else {
    const lines = [...rel.columns.map((c) => columnDefinition(q, c)), ...constraints];
    text = `${head} (\n    ${lines.join(',\n    ')}\n)`;
  }
  return tail.length > 0 ? `${text}\n${tail.join('\n')}` : text;
}

function columnDefinition(q: Quoter, c: ColumnDetail): string {
  let def = `${q.ident(c.name)} ${c.dataType}${q.collation(c.collationSchema, c.collation)}`;
  if (c.generated !== null) def += ` GENERATED ALWAYS AS (${c.generated}) ${c.generatedKind === 'virtual' ? 'VIRTUAL' : 'STORED'}`;
  if (c.identity) def += ` GENERATED ${c.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`;
  if (c.default !== null) def += ` DEFAULT ${c.default}`;
  if (!c.nullable) def += ' NOT NULL';
  return def;
}

function relationComments(q: Quoter, rel: RelationDescription, relkind: RelationMeta['relkind']): string[] {
  const target = q.qualified(rel.schema, rel.name);
  const noun = { r: 'TABLE', p: 'TABLE', f: 'FOREIGN TABLE', v: 'VIEW', m: 'MATERIALIZED VIEW' }[relkind];
  const out: string[] = [];
  if (rel.comment !== null) out.push(`COMMENT ON ${noun} ${target} IS ${q.literal(rel.comment)}`);
  for (const c of rel.columns) {
    if (c.comment !== null) out.push(`COMMENT ON COLUMN ${target}.${q.ident(c.name)} IS ${q.literal(c.comment)}`);
  }
  const own = [rel.primaryKey, ...rel.uniqueConstraints, ...rel.checks, ...rel.exclusions, ...rel.foreignKeys.filter((f) => f.direction === 'outgoing')];
  for (const c of own) {
    if (c && !c.isInherited && c.comment !== null) {
      out.push(`COMMENT ON CONSTRAINT ${q.ident(c.name)} ON ${target} IS ${q.literal(c.comment)}`);
    }
  }
  for (const i of rel.indexes) {
    if (i.comment !== null && !i.isInherited) out.push(`COMMENT ON INDEX ${q.qualified(rel.schema, i.name)} IS ${q.literal(i.comment)}`);
  }
  for (const t of rel.triggers) {
    if (t.comment !== null) out.push(`COMMENT ON TRIGGER ${q.ident(t.name)} ON ${target} IS ${q.literal(t.comment)}`);
  }
  return out;
}

// -----------------------------------------------------------------------------------------------
// Functions and procedures

async function pickRoutines(
  client: Client,
  kind: 'function' | 'procedure',
  schema: string,
  name: string,
  options: DdlOptions,
): Promise<Routine[]> {
  // Aggregates come as CREATE AGGREGATE; window functions have a pg_get_functiondef (they are C).
  const kinds: RoutineKind[] = kind === 'procedure' ? ['procedure'] : ['function', 'window', 'aggregate'];
  const routines = (await listRoutines(client, schema)).filter(
    (r) =>
      r.name === name &&
      kinds.includes(r.kind) &&
      (options.arguments === undefined || r.identityArguments === options.arguments) &&
      (options.oid === undefined || r.oid === options.oid),
  );
  if (routines.length === 0) {
    throw notFound(kind, schema, options.arguments === undefined ? name : `${name}(${options.arguments})`);
  }
  return routines;
}

async function routineDdl(client: Client, q: Quoter, routines: Routine[]): Promise<string> {
  const oids = routines.map((r) => r.oid);
  const { rows } = await client.query<{ oid: number; def: string | null; args: string }>(FUNCTION_DEF_SQL, [oids]);
  const defs = new Map(rows.map((r) => [r.oid, r.def?.trim() ?? '']));
  // Printed here, under search_path = pg_catalog: qualified for COMMENT ON and CREATE AGGREGATE.
  const args = new Map(rows.map((r) => [r.oid, r.args]));
  if (routines.some((r) => r.kind === 'aggregate')) {
    const aggregates = await client.query<AggregateRow>(AGGREGATE_SQL, [oids]);
    for (const a of aggregates.rows) {
      const routine = routines.find((r) => r.oid === a.oid);
      if (routine) defs.set(a.oid, aggregateDefinition(q, routine.schema, routine.name, args.get(a.oid) ?? '', a));
    }
  }
  // Overloads come one after the other, each with its comment.
  return (
    routines
      .map((r) => {
        const parts = [`${defs.get(r.oid) ?? ''};`];
        if (r.comment !== null) {
          const noun = r.kind === 'procedure' ? 'PROCEDURE' : r.kind === 'aggregate' ? 'AGGREGATE' : 'FUNCTION';
          parts.push(`COMMENT ON ${noun} ${q.qualified(r.schema, r.name)}(${args.get(r.oid) ?? ''}) IS ${q.literal(r.comment)};`);
        }
        return parts.join('\n\n');
      })
      .join('\n\n') + '\n'
  );
}

const MODIFY = { r: 'READ_ONLY', s: 'SHAREABLE', w: 'READ_WRITE' } as const;

function aggregateDefinition(q: Quoter, schema: string, name: string, args: string, a: AggregateRow): string {
  const options = [`SFUNC = ${a.sfunc}`, `STYPE = ${a.stype}`];
  if (a.sspace !== 0) options.push(`SSPACE = ${a.sspace}`);
  if (a.finalfunc) {
    options.push(`FINALFUNC = ${a.finalfunc}`);
    if (a.finalfunc_extra) options.push('FINALFUNC_EXTRA');
    options.push(`FINALFUNC_MODIFY = ${MODIFY[a.finalfunc_modify]}`);
  }
  if (a.combinefunc) options.push(`COMBINEFUNC = ${a.combinefunc}`);
  if (a.serialfunc) options.push(`SERIALFUNC = ${a.serialfunc}`);
  if (a.deserialfunc) options.push(`DESERIALFUNC = ${a.deserialfunc}`);
  if (a.initcond !== null) options.push(`INITCOND = ${q.literal(a.initcond)}`);
  if (a.msfunc) options.push(`MSFUNC = ${a.msfunc}`);
  if (a.minvfunc) options.push(`MINVFUNC = ${a.minvfunc}`);
  if (a.mstype) options.push(`MSTYPE = ${a.mstype}`);
  if (a.msspace !== 0) options.push(`MSSPACE = ${a.msspace}`);
  if (a.mfinalfunc) {
    options.push(`MFINALFUNC = ${a.mfinalfunc}`);
    if (a.mfinalfunc_extra) options.push('MFINALFUNC_EXTRA');
    options.push(`MFINALFUNC_MODIFY = ${MODIFY[a.mfinalfunc_modify]}`);
  }
  if (a.minitcond !== null) options.push(`MINITCOND = ${q.literal(a.minitcond)}`);
  if (a.sortop) options.push(`SORTOP = ${a.sortop}`);
  if (a.parallel === 's') options.push('PARALLEL = SAFE');
  if (a.parallel === 'r') options.push('PARALLEL = RESTRICTED');
  if (a.kind === 'h') options.push('HYPOTHETICAL');
  // Identity arguments print an ordered-set aggregate's signature as `direct ORDER BY aggregated`.
  return `CREATE AGGREGATE ${q.qualified(schema, name)}(${args}) (\n    ${options.join(',\n    ')}\n)`;
}

// -----------------------------------------------------------------------------------------------
// Sequences and types

function sequenceDdl(q: Quoter, s: Sequence): string {
  const target = q.qualified(s.schema, s.name);
  if (s.isIdentity && s.ownedBy) {
    const column = `${q.qualified(s.ownedBy.schema, s.ownedBy.table)}.${q.ident(s.ownedBy.column)}`;
    return `-- ${target} is the sequence of identity column ${column}: it is created with its table.\n`;
  }
  // OWNED BY needs the table: a serial column's sequence is also in its table's DDL.
  const statements = [createSequence(q, s), ownedBySequence(q, s)].filter((x) => x !== null);
  if (s.comment !== null) statements.push(`COMMENT ON SEQUENCE ${target} IS ${q.literal(s.comment)}`);
  return statements.map((x) => `${x};`).join('\n\n') + '\n';
}

function createSequence(q: Quoter, s: Sequence): string {
  return [
    `CREATE SEQUENCE ${q.qualified(s.schema, s.name)}`,
    `    AS ${s.dataType}`,
    `    START WITH ${s.start}`,
    `    INCREMENT BY ${s.increment}`,
    `    MINVALUE ${s.min}`,
    `    MAXVALUE ${s.max}`,
    `    CACHE ${s.cache}${s.cycle ? '\n    CYCLE' : ''}`,
  ].join('\n');
}

function ownedBySequence(q: Quoter, s: Sequence): string | null {
  if (!s.ownedBy) return null;
  const column = `${q.qualified(s.ownedBy.schema, s.ownedBy.table)}.${q.ident(s.ownedBy.column)}`;
  return `ALTER SEQUENCE ${q.qualified(s.schema, s.name)} OWNED BY ${column}`;
}

function typeDdl(q: Quoter, t: ObjectType): string {
  const target = q.qualified(t.schema, t.name);
  let text: string;
  switch (t.kind) {
    case 'enum':
      text = `CREATE TYPE ${target} AS ENUM (${t.labels.map((l) => `\n    ${q.literal(l)}`).join(',')}\n);`;
      break;
    case 'composite':
      text = `CREATE TYPE ${target} AS (${t.attributes
        .map((a) => `\n    ${q.ident(a.name)} ${a.dataType}${q.collation(a.collationSchema, a.collation)}`)
        .join(',')}\n);`;
      break;
    case 'domain': {
      const parts = [`CREATE DOMAIN ${target} AS ${t.baseType}${q.collation(t.collationSchema, t.collation)}`];
      if (t.default !== null) parts.push(`DEFAULT ${t.default}`);
      if (t.notNull) parts.push('NOT NULL');
      for (const c of t.constraints) parts.push(`CONSTRAINT ${q.ident(c.name)} ${c.definition}`);
      text = `${parts.join('\n    ')};`;
      break;
    }
    case 'range': {
      const options = [`SUBTYPE = ${t.subtype}`];
      if (t.subtypeOpclass) options.push(`SUBTYPE_OPCLASS = ${t.subtypeOpclass}`);
      if (t.collation) options.push(`COLLATION = ${q.maybeQualified(t.collationSchema, t.collation)}`);
      if (t.canonical) options.push(`CANONICAL = ${t.canonical}`);
      if (t.subtypeDiff) options.push(`SUBTYPE_DIFF = ${t.subtypeDiff}`);
      if (t.multirangeType) options.push(`MULTIRANGE_TYPE_NAME = ${t.multirangeType}`);
      text = `CREATE TYPE ${target} AS RANGE (\n    ${options.join(',\n    ')}\n);`;
      break;
    }
    case 'multirange':
      return `-- ${target} is the multirange type of range type ${t.rangeType}: it is created with it.\n`;
  }
  const noun = t.kind === 'domain' ? 'DOMAIN' : 'TYPE';
  if (t.comment !== null) text += `\n\nCOMMENT ON ${noun} ${target} IS ${q.literal(t.comment)};`;
  return text + '\n';
}
