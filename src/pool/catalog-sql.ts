/**
 * The catalog queries behind catalog.ts (what the SQL editor completes, hovers and checks
 * against). Same rules as introspect-sql.ts: names arrive as parameters, only pg_catalog is read,
 * one statement per part of the answer whatever the number of objects, and comments are joined
 * from pg_description rather than looked up per row.
 *
 * `$1` of the relation, column, routine and type queries is a text[] of schema names to load, or
 * NULL for every schema (a large catalog loads the relation names of every schema and the columns,
 * routines and types of a few, catalog.ts). Other sessions' temp schemas (pg_temp_N, pg_toast_temp_N) and TOAST are
 * never loaded: a tab's own temp tables come from its session (src/extension/language).
 */

const SCHEMA_FILTER = `n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast%'
  AND ($1::text[] IS NULL OR n.nspname = ANY ($1::text[]))`;

/**
 * Every schema with its number of relations (one scan of pg_class, grouped), so the caller knows
 * how large the catalog is before it asks for the columns.
 */
export const CATALOG_SCHEMAS_SQL = `
SELECT n.nspname, (n.nspname LIKE 'pg\\_%' OR n.nspname = 'information_schema') AS system, d.description,
  COALESCE(r.count, 0)::text
FROM pg_catalog.pg_namespace n
LEFT JOIN pg_catalog.pg_description d ON d.objoid = n.oid
  AND d.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass AND d.objsubid = 0
LEFT JOIN (SELECT c.relnamespace, pg_catalog.count(*) FROM pg_catalog.pg_class c
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') GROUP BY c.relnamespace) r ON r.relnamespace = n.oid
WHERE n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast%'
ORDER BY n.nspname`;

/** Tables, views, materialized views, foreign tables, partitioned tables and sequences. */
export const CATALOG_RELATIONS_SQL = `
SELECT c.oid::int8::text, n.nspname, c.relname, c.relkind::text,
  CASE WHEN c.reltuples >= 0 THEN c.reltuples::int8::text END,
  (c.relpages::int8 * pg_catalog.current_setting('block_size')::int8)::text,
  d.description
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid
  AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND ${SCHEMA_FILTER}`;

/**
 * One row per column of the relations above, in attnum order, with whether it is part of the
 * primary key. Rows arrive as arrays: at 100,000 columns, objects per row cost more than the query.
 */
export const CATALOG_COLUMNS_SQL = `
SELECT c.oid::int8::text, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
  pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), d.description,
  COALESCE(a.attnum = ANY (i.indkey::int2[]), false)
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_catalog.pg_index i ON i.indrelid = c.oid AND i.indisprimary
LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid
  AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = a.attnum
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped AND ${SCHEMA_FILTER}
ORDER BY a.attrelid, a.attnum`;

/** Functions, procedures, aggregates and window functions with their argument lists as DDL writes them. */
export const CATALOG_ROUTINES_SQL = `
SELECT n.nspname, p.proname, p.prokind::text,
  pg_catalog.pg_get_function_arguments(p.oid), pg_catalog.pg_get_function_result(p.oid), d.description
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
LEFT JOIN pg_catalog.pg_description d ON d.objoid = p.oid
  AND d.classoid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objsubid = 0
WHERE ${SCHEMA_FILTER}`;

/**
 * Types a column can be declared with: base types, enums (with their labels in order), domains
 * (with the type under them), ranges, multiranges, and composites made by CREATE TYPE. Array
 * types and the row types of tables are left out (every table has one).
 */
export const CATALOG_TYPES_SQL = `
SELECT n.nspname, t.typname, t.typtype::text,
  CASE WHEN t.typtype = 'e' THEN ARRAY(SELECT e.enumlabel::text FROM pg_catalog.pg_enum e
    WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) END,
  CASE WHEN t.typtype = 'd' THEN pg_catalog.format_type(t.typbasetype, t.typtypmod) END,
  d.description
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_catalog.pg_description d ON d.objoid = t.oid
  AND d.classoid = 'pg_catalog.pg_type'::pg_catalog.regclass AND d.objsubid = 0
WHERE t.typtype IN ('b', 'e', 'd', 'r', 'm', 'c') AND t.typcategory <> 'A' AND t.typname NOT LIKE '\\_%'
  AND (t.typtype <> 'c' OR (SELECT tc.relkind FROM pg_catalog.pg_class tc WHERE tc.oid = t.typrelid) = 'c')
  AND ${SCHEMA_FILTER}`;

export const CATALOG_KEYWORDS_SQL = `SELECT word, catcode::text FROM pg_catalog.pg_get_keywords()`;
