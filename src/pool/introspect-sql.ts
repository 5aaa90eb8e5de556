/**
 * The catalog queries behind introspect.ts. Rules they all keep:
 *  - names arrive as parameters ($1, $2) and are compared to the stored names, never spliced in;
 *  - they read pg_catalog only (readable by every role), so a role that may read little still gets
 *    its tree; functions that check privileges (pg_database_size) are guarded, not attempted;
 *  - one statement per call, joined or aggregated server-side, never a query per object;
 *  - comments come from pg_description itself (joined, or looked up by its index), not through
 *    obj_description, whose function call per row the planner cannot see through.
 * `v` is server_version_num (e.g. 170004); the few columns that come and go between majors are
 * chosen with it.
 */

/** pg_class.relkind -> RelationKind, in SQL, for the five kinds the tree shows. */
const RELATION_KIND = `CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitionedTable' WHEN 'v' THEN 'view'
  WHEN 'm' THEN 'materializedView' WHEN 'f' THEN 'foreignTable' END`;

const RELKINDS = `('r', 'p', 'v', 'm', 'f')`;

/** Every pg_-prefixed schema is the server's (CREATE SCHEMA refuses the prefix), plus information_schema. */
const IS_SYSTEM_SCHEMA = `(n.nspname LIKE 'pg\\_%' OR n.nspname = 'information_schema')`;

/**
 * The user-facing types: enum, domain, range, multirange, and composites made by CREATE TYPE (not
 * the row types of tables). A correlated lookup per composite: as EXISTS, the planner hashes a
 * scan of all of pg_class instead.
 */
const USER_TYPE = `(t.typtype IN ('e', 'd', 'r', 'm') OR (t.typtype = 'c'
  AND (SELECT tc.relkind FROM pg_catalog.pg_class tc WHERE tc.oid = t.typrelid) = 'c'))`;

function describedBy(alias: string, catalog: string, objoid: string, subid = '0'): string {
  return `LEFT JOIN pg_catalog.pg_description ${alias} ON ${alias}.objoid = ${objoid}
    AND ${alias}.classoid = 'pg_catalog.${catalog}'::pg_catalog.regclass AND ${alias}.objsubid = ${subid}`;
}

/**
 * A function that is an internal part of another object (pg_depend 'i': a range type's
 * constructors, a multirange's) or a member of an extension ('e'): pg_dump writes neither as a
 * function of its own, and they are not offered as routines. pg_depend is indexed by (classid, objid).
 */
const PART_OF_ANOTHER_OBJECT = `EXISTS (SELECT 1 FROM pg_catalog.pg_depend own
  WHERE own.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND own.objid = p.oid AND own.deptype IN ('i', 'e'))`;

export const SERVER_FACTS_SQL = `SELECT pg_catalog.current_setting('server_version_num')::int AS version,
  ARRAY(SELECT word FROM pg_catalog.pg_get_keywords() WHERE catcode <> 'U') AS keywords`;

/**
 * pg_database_size needs CONNECT on the database or pg_read_all_stats; without them it raises, so
 * it is only called where it would succeed. datconnlimit -2 marks a database left half-dropped
 * (16+), whose files may be gone.
 */
export const DATABASES_SQL = `
SELECT d.datname AS name, pg_catalog.pg_get_userbyid(d.datdba) AS owner,
  pg_catalog.pg_encoding_to_char(d.encoding) AS encoding,
  CASE WHEN d.datconnlimit <> -2 AND (pg_catalog.has_database_privilege(d.oid, 'CONNECT')
      OR pg_catalog.pg_has_role('pg_read_all_stats', 'USAGE'))
    THEN pg_catalog.pg_database_size(d.oid)::float8 END AS size,
  d.datistemplate AS "isTemplate", d.datallowconn AS "allowConnections",
  sd.description AS comment, d.datname = pg_catalog.current_database() AS "isCurrent"
FROM pg_catalog.pg_database d
LEFT JOIN pg_catalog.pg_shdescription sd ON sd.objoid = d.oid
  AND sd.classoid = 'pg_catalog.pg_database'::pg_catalog.regclass
ORDER BY d.datname`;

/** $1: include system schemas. Counts come from one grouped pass over each catalog. */
export const SCHEMAS_SQL = `
WITH rel AS (
  SELECT c.relnamespace AS ns,
    count(*) FILTER (WHERE c.relkind = 'r' AND NOT c.relispartition) AS tables,
    count(*) FILTER (WHERE c.relkind = 'p' AND NOT c.relispartition) AS partitioned,
    count(*) FILTER (WHERE c.relkind IN ('r', 'p') AND c.relispartition) AS partitions,
    count(*) FILTER (WHERE c.relkind = 'v') AS views,
    count(*) FILTER (WHERE c.relkind = 'm') AS matviews,
    count(*) FILTER (WHERE c.relkind = 'f') AS foreign_tables,
    count(*) FILTER (WHERE c.relkind = 'S') AS sequences,
    count(*) FILTER (WHERE c.relkind = 'c') AS composites
  FROM pg_catalog.pg_class c WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S', 'c') GROUP BY c.relnamespace
), pro AS (
  SELECT p.pronamespace AS ns,
    count(*) FILTER (WHERE p.prokind = 'f' AND NOT ${PART_OF_ANOTHER_OBJECT}) AS functions,
    count(*) FILTER (WHERE p.prokind = 'p') AS procedures,
    count(*) FILTER (WHERE p.prokind = 'a') AS aggregates,
    count(*) FILTER (WHERE p.prokind = 'w') AS windows
  FROM pg_catalog.pg_proc p GROUP BY p.pronamespace
), typ AS (
  -- Composite types are counted from pg_class above (relkind 'c'), in the same pass.
  SELECT t.typnamespace AS ns, count(*) AS types FROM pg_catalog.pg_type t
  WHERE t.typtype IN ('e', 'd', 'r', 'm') GROUP BY t.typnamespace
)
SELECT n.nspname AS name, pg_catalog.pg_get_userbyid(n.nspowner) AS owner, ${IS_SYSTEM_SCHEMA} AS "isSystem",
  d.description AS comment,
  json_build_object(
    'tables', COALESCE(rel.tables, 0), 'partitionedTables', COALESCE(rel.partitioned, 0),
    'partitions', COALESCE(rel.partitions, 0), 'views', COALESCE(rel.views, 0),
    'materializedViews', COALESCE(rel.matviews, 0), 'foreignTables', COALESCE(rel.foreign_tables, 0),
    'sequences', COALESCE(rel.sequences, 0), 'functions', COALESCE(pro.functions, 0),
    'procedures', COALESCE(pro.procedures, 0), 'aggregates', COALESCE(pro.aggregates, 0),
    'windowFunctions', COALESCE(pro.windows, 0), 'types', COALESCE(typ.types, 0) + COALESCE(rel.composites, 0)) AS counts
FROM pg_catalog.pg_namespace n
LEFT JOIN rel ON rel.ns = n.oid
LEFT JOIN pro ON pro.ns = n.oid
LEFT JOIN typ ON typ.ns = n.oid
${describedBy('d', 'pg_namespace', 'n.oid')}
WHERE $1::bool OR NOT ${IS_SYSTEM_SCHEMA}
ORDER BY n.nspname`;

/**
 * The oids of schema $1's pg_class rows, as an array. pg_class has no index on relnamespace, so
 * filtering on it reads every relation, index and TOAST table of the database: O(database). Every
 * relation of an unpinned schema has a pg_depend row on its schema (that is how DROP SCHEMA ...
 * CASCADE finds them), and pg_depend is indexed by the referenced object: O(schema). Relations of
 * pinned schemas (pg_catalog, pg_toast) have no such rows, so the system schemas are scanned
 * (`viaDepend` false). The caller still tests relnamespace, so the answer is exact either way.
 */
function relationOidsOfSchema(viaDepend: boolean): string {
  const schemaOid = `(SELECT ns.oid FROM pg_catalog.pg_namespace ns WHERE ns.nspname = $1)`;
  if (!viaDepend) return `ARRAY(SELECT c.oid FROM pg_catalog.pg_class c WHERE c.relnamespace = ${schemaOid})`;
  return `ARRAY(SELECT dep.objid FROM pg_catalog.pg_depend dep
    WHERE dep.refclassid = 'pg_catalog.pg_namespace'::pg_catalog.regclass AND dep.refobjid = ${schemaOid}
      AND dep.refobjsubid = 0 AND dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass)`;
}

/**
 * $2: a name filter, or NULL for every object. A name matches when it contains the text, case
 * folded (strpos, not LIKE: `_` and `%` in what the user typed are plain characters).
 */
function nameMatches(column: string): string {
  return `($2::text IS NULL OR pg_catalog.strpos(pg_catalog.lower(${column}), pg_catalog.lower($2::text)) > 0)`;
}

/** Schemas whose objects must be found by scanning (see relationOidsOfSchema). */
export function isSystemSchemaName(schema: string): boolean {
  return schema.startsWith('pg_') || schema === 'information_schema';
}

/**
 * $1: schema, $2: name filter (nameMatches). Columns in the order of RelationTuple (read in array mode: a 1,000-table schema is
 * 1,000 rows, and per-row object building is a good part of the client's time).
 *
 * The schema's relations and their comments are each one index scan over the schema's oids (an
 * array of keys: pg_class by oid, pg_description by objoid), joined by a FULL JOIN. Not a LEFT
 * JOIN nor a comment subquery per row: the planner estimates the schema's relations at one row
 * (pg_depend by a parameter) and would descend pg_description's index once per relation, a
 * third of the statement on a 1,000-table schema; a nested loop cannot do a full join, so it
 * merges the two scans (both come in oid order) or hashes them. Comments of the schema's other
 * pg_class rows (sequences, composite types, what the name filter leaves out) come back with a
 * NULL oid: listRelations drops them (and ORDER BY relname puts them last).
 *
 * The size is the planner's figure, like the row estimate: the table's own pages (relpages) as of
 * the last VACUUM or ANALYZE, times the block size. pg_total_relation_size would stat every file of
 * every relation and its indexes, several times slower than all the rest on a 1,000-table schema;
 * adding the TOAST table's pages costs a lookup per table, about a fifth of the query, and the
 * indexes' two. describeRelation gives the exact total of one relation.
 * reltuples is -1 for never-analyzed tables from 14 on; before 14 such a table shows 0 tuples on
 * 0 pages, which counts as unknown too. The parent is only looked up for partitions.
 */
export function relationsSql(viaDepend: boolean, v: number): string {
  const neverAnalyzed = v >= 140000 ? 'c.reltuples < 0' : '(c.reltuples < 0 OR (c.reltuples = 0 AND c.relpages = 0))';
  const oids = `(SELECT m.oids FROM member m)::pg_catalog.oid[]`;
  return `
WITH member AS (SELECT ${relationOidsOfSchema(viaDepend)} AS oids)
SELECT c.oid, c.relname, c.relkind, pg_catalog.pg_get_userbyid(c.relowner),
  CASE WHEN c.relkind IN ('r', 'm', 'p') AND NOT ${neverAnalyzed} THEN c.reltuples::float8 END,
  CASE WHEN c.relkind IN ('r', 'm') THEN (c.relpages::int8 * (SELECT pg_catalog.current_setting('block_size')::int8))::float8 END,
  com.description,
  CASE WHEN c.relispartition THEN (
    SELECT json_build_object('schema', pn.nspname, 'name', pc.relname)
    FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent
    JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
    WHERE i.inhrelid = c.oid) END,
  CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END,
  pg_catalog.has_table_privilege(c.oid, 'SELECT')
FROM (SELECT * FROM pg_catalog.pg_class c
    WHERE c.oid = ANY (${oids}) AND c.relnamespace = (SELECT ns.oid FROM pg_catalog.pg_namespace ns WHERE ns.nspname = $1)
      AND c.relkind IN ${RELKINDS} AND ${nameMatches('c.relname')}) c
FULL JOIN (SELECT d.objoid, d.description FROM pg_catalog.pg_description d
    WHERE d.objoid = ANY (${oids}) AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0) com
  ON com.objoid = c.oid
ORDER BY c.relname`;
}

/** $1: schema, $2: name filter (nameMatches). */
export const ROUTINES_SQL = `
SELECT p.oid, p.proname AS name, n.nspname AS schema, p.prokind AS kind,
  pg_catalog.pg_get_function_arguments(p.oid) AS arguments,
  pg_catalog.pg_get_function_identity_arguments(p.oid) AS identity_arguments,
  CASE WHEN p.prokind <> 'p' THEN pg_catalog.pg_get_function_result(p.oid) END AS result_type,
  l.lanname AS language, p.provolatile AS volatility, d.description AS comment
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
JOIN pg_catalog.pg_language l ON l.oid = p.prolang
${describedBy('d', 'pg_proc', 'p.oid')}
WHERE n.nspname = $1 AND NOT ${PART_OF_ANOTHER_OBJECT} AND ${nameMatches('p.proname')}
ORDER BY p.proname, identity_arguments`;

/**
 * $1: the schema (`of` = 'schema', with $2 a name filter), or the oid of a table whose OWNED BY (serial) sequences are
 * wanted (`of` = 'ownerTable'). Driven from pg_sequence (one row per sequence of the database), not
 * from pg_class. The owning column comes from pg_depend: deptype 'a' for OWNED BY and serial, 'i'
 * for identity. pg_sequence is readable by every role (pg_sequences would hide last_value only).
 */
export function sequencesSql(of: 'schema' | 'ownerTable'): string {
  const where = of === 'schema' ? `n.nspname = $1 AND ${nameMatches('c.relname')}` : `own.table_oid = $1::oid AND own.deptype = 'a'`;
  return `
SELECT c.oid, c.relname AS name, n.nspname AS schema, pg_catalog.format_type(s.seqtypid, NULL) AS data_type,
  s.seqstart::text AS start, s.seqincrement::text AS increment, s.seqmin::text AS min, s.seqmax::text AS max,
  s.seqcache::text AS cache, s.seqcycle AS cycle, own.schema AS owner_schema, own.table AS owner_table,
  own.column AS owner_column, COALESCE(own.deptype = 'i', false) AS is_identity, d.description AS comment
FROM pg_catalog.pg_sequence s
JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN LATERAL (
  SELECT tc.oid AS table_oid, tn.nspname AS schema, tc.relname AS table, a.attname AS column, dep.deptype
  FROM pg_catalog.pg_depend dep
  JOIN pg_catalog.pg_class tc ON tc.oid = dep.refobjid
  JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace
  JOIN pg_catalog.pg_attribute a ON a.attrelid = dep.refobjid AND a.attnum = dep.refobjsubid
  WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dep.objid = c.oid
    AND dep.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dep.deptype IN ('a', 'i')
    AND dep.refobjsubid > 0
  LIMIT 1
) own ON true
${describedBy('d', 'pg_class', 'c.oid')}
WHERE ${where}
ORDER BY c.relname`;
}

/** A collation name and schema, when `coll` differs from the default collation `typcoll` of the type. */
function collationOf(coll: string, typcoll: string): string {
  return `(SELECT json_build_object('name', co.collname, 'schema', con.nspname)
    FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace con ON con.oid = co.collnamespace
    WHERE co.oid = ${coll} AND ${coll} <> ${typcoll})`;
}

/** $1: schema, $2: name filter (nameMatches). Multirange types and pg_range.rngmultitypid exist from 14 on. */
export function typesSql(v: number): string {
  const multirangeOfRange = v >= 140000 ? `pg_catalog.format_type(r.rngmultitypid, NULL)` : 'NULL::text';
  const rangeOfMultirange =
    v >= 140000
      ? `(SELECT pg_catalog.format_type(mr.rngtypid, NULL) FROM pg_catalog.pg_range mr WHERE mr.rngmultitypid = t.oid)`
      : 'NULL::text';
  return `
SELECT t.oid, t.typname AS name, n.nspname AS schema, t.typtype AS kind,
  pg_catalog.pg_get_userbyid(t.typowner) AS owner, d.description AS comment,
  CASE WHEN t.typtype = 'e' THEN ARRAY(
    SELECT e.enumlabel::text FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) END AS labels,
  CASE WHEN t.typtype = 'c' THEN (
    SELECT json_agg(json_build_object('name', a.attname, 'dataType', pg_catalog.format_type(a.atttypid, a.atttypmod),
      'collation', ac.collname, 'collationSchema', acn.nspname) ORDER BY a.attnum)
    FROM pg_catalog.pg_attribute a
    JOIN pg_catalog.pg_type at ON at.oid = a.atttypid
    LEFT JOIN pg_catalog.pg_collation ac ON ac.oid = a.attcollation AND a.attcollation <> at.typcollation
    LEFT JOIN pg_catalog.pg_namespace acn ON acn.oid = ac.collnamespace
    WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) END AS attributes,
  CASE WHEN t.typtype = 'd' THEN pg_catalog.format_type(t.typbasetype, t.typtypmod) END AS base_type,
  t.typnotnull AS not_null,
  CASE WHEN t.typtype = 'd' THEN pg_catalog.pg_get_expr(t.typdefaultbin, 0) END AS "default",
  CASE WHEN t.typtype = 'd' THEN ${collationOf('t.typcollation', '(SELECT bt.typcollation FROM pg_catalog.pg_type bt WHERE bt.oid = t.typbasetype)')}
    ELSE NULL END AS domain_collation,
  CASE WHEN t.typtype = 'd' THEN (
    SELECT json_agg(json_build_object('name', dc.conname, 'definition', pg_catalog.pg_get_constraintdef(dc.oid, true))
      ORDER BY dc.conname)
    FROM pg_catalog.pg_constraint dc WHERE dc.contypid = t.oid AND dc.contype = 'c') END AS constraints,
  CASE WHEN t.typtype = 'r' THEN pg_catalog.format_type(r.rngsubtype, NULL) END AS subtype,
  CASE WHEN t.typtype = 'r' THEN ${multirangeOfRange} END AS multirange_type,
  CASE WHEN t.typtype = 'r' AND NOT opc.opcdefault
    THEN pg_catalog.quote_ident(opcn.nspname) || '.' || pg_catalog.quote_ident(opc.opcname) END AS subtype_opclass,
  CASE WHEN t.typtype = 'r' THEN ${collationOf('r.rngcollation', 'st.typcollation')} END AS range_collation,
  CASE WHEN r.rngcanonical <> 0 THEN r.rngcanonical::pg_catalog.regproc::text END AS canonical,
  CASE WHEN r.rngsubdiff <> 0 THEN r.rngsubdiff::pg_catalog.regproc::text END AS subtype_diff,
  CASE WHEN t.typtype = 'm' THEN ${rangeOfMultirange} END AS range_type
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_catalog.pg_range r ON r.rngtypid = t.oid
LEFT JOIN pg_catalog.pg_type st ON st.oid = r.rngsubtype
LEFT JOIN pg_catalog.pg_opclass opc ON opc.oid = r.rngsubopc
LEFT JOIN pg_catalog.pg_namespace opcn ON opcn.oid = opc.opcnamespace
${describedBy('d', 'pg_type', 't.oid')}
WHERE n.nspname = $1 AND ${USER_TYPE} AND ${nameMatches('t.typname')}
ORDER BY t.typname`;
}

export const EXTENSIONS_SQL = `
SELECT e.extname AS name, e.extversion AS version, n.nspname AS schema, d.description AS comment
FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
${describedBy('d', 'pg_extension', 'e.oid')}
ORDER BY e.extname`;

/**
 * $1: include system schemas. One row per column of every relation, for autocomplete, in the
 * order of ColumnTuple (read in array mode: 100,000 rows on a 10,000-table database).
 */
export const ALL_COLUMNS_SQL = `
SELECT n.nspname, c.relname, c.relkind, a.attname, a.attnum, pg_catalog.format_type(a.atttypid, a.atttypmod),
  d.description
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
${describedBy('d', 'pg_class', 'a.attrelid', 'a.attnum')}
WHERE c.relkind IN ${RELKINDS} AND a.attnum > 0 AND NOT a.attisdropped AND ($1::bool OR NOT ${IS_SYSTEM_SCHEMA})
ORDER BY n.nspname, c.relname, a.attnum`;

/** Column names of `keys` (an int2[] of attnums of relation `rel`), in key order. */
function attnames(rel: string, keys: string): string {
  return `ARRAY(SELECT ka.attname FROM unnest(${keys}) WITH ORDINALITY key(attnum, ord)
    JOIN pg_catalog.pg_attribute ka ON ka.attrelid = ${rel} AND ka.attnum = key.attnum ORDER BY key.ord)`;
}

/** A constraint as JSON (the common ConstraintInfo fields plus what foreign keys add). */
function constraintJson(alias: string, side: 'own' | 'incoming' = 'own'): string {
  // An incoming key is inherited when it points at an ancestor; an own one when a parent made it.
  const inherited = side === 'incoming' ? `${alias}.confrelid <> rel.oid` : `NOT ${alias}.conislocal OR ${alias}.conparentid <> 0 OR ${alias}.conrelid <> rel.oid`;
  return `json_build_object('name', ${alias}.conname, 'type', ${alias}.contype,
    'definition', pg_catalog.pg_get_constraintdef(${alias}.oid, true),
    'columns', ${attnames(`${alias}.conrelid`, `${alias}.conkey`)},
    'isInherited', ${inherited},
    'schema', src_n.nspname, 'table', src_c.relname,
    'referencedSchema', ref_n.nspname, 'referencedTable', ref_c.relname,
    'referencedColumns', ${attnames(`${alias}.confrelid`, `${alias}.confkey`)},
    'onUpdate', ${alias}.confupdtype, 'onDelete', ${alias}.confdeltype,
    'comment', cd.description)`;
}

/** The relation and the partitioned tables above it (pg_partition_ancestors lists the relation itself first). */
const SELF_AND_ANCESTORS = `anc.relid FROM pg_catalog.pg_partition_ancestors(rel.oid) anc(relid) UNION SELECT rel.oid`;

function constraintJoins(alias: string): string {
  return `JOIN pg_catalog.pg_class src_c ON src_c.oid = ${alias}.conrelid
    JOIN pg_catalog.pg_namespace src_n ON src_n.oid = src_c.relnamespace
    LEFT JOIN pg_catalog.pg_class ref_c ON ref_c.oid = ${alias}.confrelid
    LEFT JOIN pg_catalog.pg_namespace ref_n ON ref_n.oid = ref_c.relnamespace
    ${describedBy('cd', 'pg_constraint', `${alias}.oid`)}`;
}

/**
 * $1: schema, $2: relation name. Everything about one relation in one statement: each part is a
 * json_agg subquery over the relation's oid. Triggers cloned onto partitions from the parent's
 * (tgparentid, 13+; internal triggers on 12) are left out: they belong to the parent.
 * PostgreSQL 18 stores NOT NULL as constraints too (contype 'n'); those show as `nullable`.
 *
 * Foreign keys are shown as psql's \d shows them: the server keeps a copy of a key per partition
 * on both sides (conparentid <> 0) and those copies are hidden; a partition lists the keys of its
 * ancestors as its own outgoing keys (inherited) and the keys that point at an ancestor as incoming.
 */
export function describeSql(v: number): string {
  const notCloned = v >= 130000 ? 'AND tg.tgparentid = 0' : '';
  return `
WITH rel AS (
  SELECT c.oid, c.relname, n.nspname, c.relkind, c.relispartition, c.relpartbound
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ${RELKINDS}
)
SELECT rel.oid, rel.nspname AS schema, rel.relname AS name,
  (SELECT ${RELATION_KIND} FROM pg_catalog.pg_class c WHERE c.oid = rel.oid) AS kind,
  d.description AS comment,
  CASE WHEN rel.relkind IN ('r', 'm') THEN pg_catalog.pg_total_relation_size(rel.oid)::float8 END AS size,
  CASE WHEN rel.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(rel.oid) END AS partition_key,
  CASE WHEN rel.relispartition THEN pg_catalog.pg_get_expr(rel.relpartbound, rel.oid) END AS partition_bound,
  (SELECT json_build_object('schema', pn.nspname, 'name', pc.relname)
    FROM pg_catalog.pg_inherits pi JOIN pg_catalog.pg_class pc ON pc.oid = pi.inhparent
    JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
    WHERE rel.relispartition AND pi.inhrelid = rel.oid) AS parent,
  (SELECT json_agg(json_build_object(
      'name', a.attname, 'position', a.attnum,
      'dataType', pg_catalog.format_type(a.atttypid, a.atttypmod), 'typeOid', a.atttypid::int8,
      'nullable', NOT a.attnotnull,
      'default', CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END,
      'identity', a.attidentity,
      'generated', CASE WHEN a.attgenerated <> '' THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END,
      'generatedKind', a.attgenerated,
      'isPrimaryKey', COALESCE(a.attnum = ANY (pk.conkey), false),
      'collation', co.collname, 'collationSchema', con.nspname,
      'comment', ad_d.description) ORDER BY a.attnum)
    FROM pg_catalog.pg_attribute a
    JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
    LEFT JOIN pg_catalog.pg_constraint pk ON pk.conrelid = a.attrelid AND pk.contype = 'p'
    LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation AND a.attcollation <> t.typcollation
    LEFT JOIN pg_catalog.pg_namespace con ON con.oid = co.collnamespace
    ${describedBy('ad_d', 'pg_class', 'a.attrelid', 'a.attnum')}
    WHERE a.attrelid = rel.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
  (SELECT json_agg(${constraintJson('k')} ORDER BY k.contype, k.conname)
    FROM pg_catalog.pg_constraint k ${constraintJoins('k')}
    WHERE k.conrelid = rel.oid AND k.contype IN ('p', 'u', 'c', 'x')) AS constraints,
  (SELECT json_agg(${constraintJson('k')} ORDER BY k.conrelid <> rel.oid, k.conname)
    FROM pg_catalog.pg_constraint k ${constraintJoins('k')}
    WHERE k.conrelid IN (SELECT ${SELF_AND_ANCESTORS}) AND k.contype = 'f' AND k.conparentid = 0) AS outgoing,
  (SELECT json_agg(${constraintJson('k', 'incoming')} ORDER BY src_n.nspname, src_c.relname, k.conname)
    FROM pg_catalog.pg_constraint k ${constraintJoins('k')}
    WHERE k.confrelid IN (SELECT ${SELF_AND_ANCESTORS}) AND k.contype = 'f' AND k.conparentid = 0) AS incoming,
  (SELECT json_agg(json_build_object(
      'name', ic.relname, 'definition', pg_catalog.pg_get_indexdef(i.indexrelid),
      'columns', ARRAY(SELECT CASE WHEN i.indkey[k - 1] <> 0
          THEN (SELECT ia.attname FROM pg_catalog.pg_attribute ia WHERE ia.attrelid = i.indrelid AND ia.attnum = i.indkey[k - 1])
          ELSE pg_catalog.pg_get_indexdef(i.indexrelid, k, true) END
        FROM generate_series(1, i.indnkeyatts) k ORDER BY k),
      'method', am.amname, 'isUnique', i.indisunique, 'isPrimary', i.indisprimary, 'isValid', i.indisvalid,
      'constraint', (SELECT ik.conname FROM pg_catalog.pg_constraint ik
        WHERE ik.conindid = i.indexrelid AND ik.conrelid = i.indrelid AND ik.contype IN ('p', 'u', 'x')),
      'predicate', pg_catalog.pg_get_expr(i.indpred, i.indrelid, true),
      'isInherited', EXISTS (SELECT 1 FROM pg_catalog.pg_inherits ii WHERE ii.inhrelid = i.indexrelid),
      'comment', id.description) ORDER BY ic.relname)
    FROM pg_catalog.pg_index i
    JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_catalog.pg_am am ON am.oid = ic.relam
    ${describedBy('id', 'pg_class', 'i.indexrelid')}
    WHERE i.indrelid = rel.oid) AS indexes,
  (SELECT json_agg(json_build_object(
      'name', tg.tgname, 'definition', pg_catalog.pg_get_triggerdef(tg.oid, true), 'type', tg.tgtype,
      'enabled', tg.tgenabled, 'functionSchema', fn.nspname, 'functionName', f.proname,
      'comment', td.description) ORDER BY tg.tgname)
    FROM pg_catalog.pg_trigger tg
    JOIN pg_catalog.pg_proc f ON f.oid = tg.tgfoid
    JOIN pg_catalog.pg_namespace fn ON fn.oid = f.pronamespace
    ${describedBy('td', 'pg_trigger', 'tg.oid')}
    WHERE tg.tgrelid = rel.oid AND NOT tg.tgisinternal ${notCloned}) AS triggers,
  (SELECT json_agg(json_build_object('schema', cn.nspname, 'name', c.relname, 'kind', ${RELATION_KIND},
      'bound', pg_catalog.pg_get_expr(c.relpartbound, c.oid)) ORDER BY c.relname)
    FROM pg_catalog.pg_inherits pi
    JOIN pg_catalog.pg_class c ON c.oid = pi.inhrelid
    JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace
    WHERE pi.inhparent = rel.oid AND c.relispartition) AS partitions
FROM rel
${describedBy('d', 'pg_class', 'rel.oid')}`;
}
