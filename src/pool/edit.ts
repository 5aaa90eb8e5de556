/**
 * Row editing from the results grid: cell updates, inserts and deletes, one at a time or as one
 * all-or-nothing batch.
 *
 * The rule this module exists for: never write over a change the user has not seen. A row is
 * found by its identity (primary key, else a unique index on NOT NULL columns; never ctid, which
 * moves on every update), locked with SELECT ... FOR UPDATE, compared with the value the user
 * last saw, and only then written, all in one transaction. A row changed meanwhile comes back as
 * a `conflict` carrying its current value, and nothing is written.
 *
 * Values travel as the server's text in both directions: they go in as parameters cast to the
 * column's type and come back through the type's output function, so nothing is ever squeezed
 * through a JS number or Date.
 */
import type { FieldDef, QueryArrayConfig } from 'pg';
import type { PooledConnection } from './connection';
import { PgError, toQueryError } from './errors';
import type { PgErrorFields } from './errors';
import { applyContext } from './session-context';
import type { ColumnMeta, SessionContext } from './types';

// -------------------------------------------------------------------------------------------------
// Public shapes

export interface TableRef {
  schema: string;
  table: string;
}

/** Key column -> value as the server's text. */
export type RowKey = Record<string, string | null>;

/** Column -> value as the server's text; NULL is null. */
export type RowValues = Record<string, string | null>;

export type InsertColumnInput = { column: string; value: string | null } | { column: string; useDefault: true };

/** The row as stored (RETURNING *), generated columns and defaults included. */
export interface InsertedRow {
  row: RowValues;
}

/**
 * What an update or delete did. For a delete, `updated` carries the row as it was when deleted.
 * `notFound`: no row has that key any more (deleted, or its key changed).
 */
export type UpdateOutcome =
  | { kind: 'updated'; row: RowValues }
  | { kind: 'conflict'; column: string; expected: string | null; current: string | null }
  | { kind: 'notFound' };

export type Editability = { editable: true; key: string[] } | { editable: false; reason: string };

export type RowChange =
  | { kind: 'update'; key: RowKey; column: string; value: string | null; expected: string | null }
  | { kind: 'insert'; columns: InsertColumnInput[] }
  /** Without `expected` the row is deleted whatever it holds now. */
  | { kind: 'delete'; key: RowKey; expected?: RowValues };

/**
 * `conflict`: change `index` found its row changed or gone; the transaction was rolled back.
 * `current` is that row as the server has it now (read by its key in the same transaction), or
 * null when it is gone, so the caller needs no query of its own to show what changed.
 */
export type ApplyOutcome =
  | { kind: 'applied'; results: (UpdateOutcome | InsertedRow)[] }
  | { kind: 'conflict'; index: number; outcome: UpdateOutcome; current: RowValues | null };

/** One result column as the grid may edit it. */
export interface ResultColumnTarget {
  /** The table column it shows. */
  column: string;
  /** False for generated, identity ALWAYS and system columns; `reason` says which. */
  writable: boolean;
  reason?: string;
}

/** What `editabilityOfResult` reads of a result's columns (a ColumnMeta has them). */
export type ResultColumnMeta = Pick<ColumnMeta, 'name' | 'tableOid' | 'columnNumber'>;

export type ResultEditability =
  | {
      editable: true;
      target: TableRef;
      /** The row identity columns, in key order. */
      key: string[];
      /** For each key column, the index of a result column that holds it. */
      keyIndexes: number[];
      /** One entry per result column. */
      columns: ResultColumnTarget[];
    }
  | { editable: false; reason: string };

// -------------------------------------------------------------------------------------------------
// SQL text

/** Double-quotes an identifier, doubling embedded quotes, so any name (case, spaces, keywords) survives. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function qualified(ref: TableRef): string {
  return `${quoteIdent(ref.schema)}.${quoteIdent(ref.table)}`;
}

/** Numbered parameters for one statement. */
class Params {
  readonly values: (string | null)[] = [];

  add(value: string | null): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

// -------------------------------------------------------------------------------------------------
// Catalog

/** Keeps every value as the text the server sent: no Number, BigInt or Date on the way. */
const TEXT_TYPES = { getTypeParser: () => (value: string) => value } as unknown as QueryArrayConfig['types'];

interface TextResult {
  fields: FieldDef[];
  rows: (string | null)[][];
  rowCount: number;
}

async function run(connection: PooledConnection, text: string, values: (string | null)[] = []): Promise<TextResult> {
  const result = await connection.client.query<(string | null)[]>({ text, values, rowMode: 'array', types: TEXT_TYPES });
  return { fields: result.fields, rows: result.rows, rowCount: result.rowCount ?? 0 };
}

/** Rows as objects keyed by column name. Object.fromEntries keeps a column named `__proto__` an own property. */
function records(result: TextResult): RowValues[] {
  return result.rows.map((row) => Object.fromEntries(result.fields.map((f, i) => [f.name, row[i] ?? null])));
}

interface ColumnInfo {
  name: string;
  attnum: number;
  /** format_type without the modifier: an explicit cast to varchar(3) would truncate silently, assignment does not. */
  castType: string;
  /** 'a' identity ALWAYS, 'd' BY DEFAULT, '' none. */
  identity: string;
  /** 's' stored, 'v' virtual (PostgreSQL 18), '' none. */
  generated: string;
  /** The type (after domains, through arrays) has a default btree or hash equality. */
  comparable: boolean;
}

interface TableInfo {
  oid: string;
  ref: TableRef;
  sql: string;
  columns: Map<string, ColumnInfo>;
  byAttnum: Map<number, ColumnInfo>;
  /** Row identity columns, or why the table cannot be edited. */
  identity: { key: string[] } | { reason: string };
}

const RELATION_BY_NAME = `
SELECT c.oid::int8::text AS oid, c.relkind::text AS relkind, c.relpersistence::text AS persistence,
       n.nspname::text AS schema, c.relname::text AS name,
       EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i WHERE i.inhparent = c.oid)::text AS has_children
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1::name AND c.relname = $2::name AND n.nspname::text = $1::text AND c.relname::text = $2::text`;

const RELATION_BY_OID = `
SELECT c.oid::int8::text AS oid, c.relkind::text AS relkind, c.relpersistence::text AS persistence,
       n.nspname::text AS schema, c.relname::text AS name,
       EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i WHERE i.inhparent = c.oid)::text AS has_children
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.oid = $1::oid`;

/*
 * cast_type is the column's type without its modifier, so the value meets the column's length
 * check on assignment instead of being cut by an explicit cast ('abcdef'::varchar(3) is 'abc').
 * format_type(oid, NULL) spells char and bit as "character" and "bit", which SQL reads as
 * char(1) and bit(1): those are named by their internal names (oids 1042, 1014, 1560, 1561).
 *
 * Whether `col IS NOT DISTINCT FROM value` means "same value": the type, after unwrapping domains
 * and arrays, is an enum, range or multirange, or has a default btree or hash operator class (its
 * own or one of a type it converts to implicitly without a function, as varchar uses text's). json, xml, point, box (whose `=`
 * compares areas) and composites have none and are compared as text.
 */
const COLUMNS = `
WITH RECURSIVE walk(attnum, typ) AS (
  SELECT a.attnum, a.atttypid FROM pg_catalog.pg_attribute a
  WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
  UNION
  SELECT w.attnum, CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.typelem END
  FROM walk w JOIN pg_catalog.pg_type t ON t.oid = w.typ
  WHERE t.typtype = 'd' OR (t.typcategory = 'A' AND t.typelem <> 0 AND t.typlen = -1)
),
leaf AS (
  SELECT w.attnum, t.oid, t.typtype FROM walk w JOIN pg_catalog.pg_type t ON t.oid = w.typ
  WHERE NOT (t.typtype = 'd' OR (t.typcategory = 'A' AND t.typelem <> 0 AND t.typlen = -1))
)
SELECT a.attnum::text AS attnum, a.attname::text AS name,
       CASE a.atttypid::int8
         WHEN 1042 THEN 'pg_catalog.bpchar' WHEN 1014 THEN 'pg_catalog.bpchar[]'
         WHEN 1560 THEN 'pg_catalog."bit"' WHEN 1561 THEN 'pg_catalog."bit"[]'
         ELSE pg_catalog.format_type(a.atttypid, NULL) END AS cast_type,
       a.attidentity::text AS identity, a.attgenerated::text AS generated,
       (NOT EXISTS (
         SELECT 1 FROM leaf l
         WHERE l.attnum = a.attnum AND NOT (
           l.typtype IN ('e', 'r', 'm') OR EXISTS (
             SELECT 1 FROM pg_catalog.pg_opclass oc JOIN pg_catalog.pg_am am ON am.oid = oc.opcmethod
             WHERE oc.opcdefault AND am.amname IN ('btree', 'hash')
               AND (oc.opcintype = l.oid OR EXISTS (
                 SELECT 1 FROM pg_catalog.pg_cast k
                 WHERE k.castsource = l.oid AND k.casttarget = oc.opcintype AND k.castmethod = 'b' AND k.castcontext = 'i'))))
       ))::text AS comparable
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`;

/** Unique indexes with their key columns (INCLUDE columns left out), as JSON arrays of names. */
const UNIQUE_INDEXES = `
SELECT ic.relname::text AS name, i.indisprimary::text AS is_primary,
       (i.indexprs IS NULL AND i.indpred IS NULL)::text AS plain,
       (SELECT pg_catalog.json_agg(a.attname::text ORDER BY k.n)::text
        FROM pg_catalog.generate_series(0, i.indnkeyatts - 1) AS k(n)
        JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k.n]) AS columns,
       (SELECT pg_catalog.bool_and(a.attnotnull)
        FROM pg_catalog.generate_series(0, i.indnkeyatts - 1) AS k(n)
        JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k.n])::text AS not_null
FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
WHERE i.indrelid = $1::oid AND i.indisunique AND i.indisvalid AND i.indislive
ORDER BY i.indisprimary DESC, i.indnkeyatts, ic.relname`;

const RELKIND_NAMES: Record<string, string> = {
  v: 'a view',
  m: 'a materialized view',
  f: 'a foreign table',
  S: 'a sequence',
  c: 'a composite type',
  i: 'an index',
  I: 'a partitioned index',
  t: 'a TOAST table',
};

const SYSTEM_SCHEMAS = new Set(['pg_catalog', 'information_schema', 'pg_toast']);

/** Reads what editing needs of one table; null when there is no such relation. */
async function loadTable(connection: PooledConnection, by: { ref: TableRef } | { oid: number }): Promise<TableInfo | null> {
  const relation =
    'ref' in by
      ? records(await run(connection, RELATION_BY_NAME, [by.ref.schema, by.ref.table]))[0]
      : records(await run(connection, RELATION_BY_OID, [String(by.oid)]))[0];
  if (!relation) return null;
  const oid = relation.oid ?? '';
  const ref: TableRef = { schema: relation.schema ?? '', table: relation.name ?? '' };
  const columns = new Map<string, ColumnInfo>();
  const byAttnum = new Map<number, ColumnInfo>();
  for (const row of records(await run(connection, COLUMNS, [oid]))) {
    const info: ColumnInfo = {
      name: row.name ?? '',
      attnum: Number(row.attnum),
      castType: row.cast_type ?? '',
      identity: row.identity ?? '',
      generated: row.generated ?? '',
      comparable: row.comparable === 'true',
    };
    columns.set(info.name, info);
    byAttnum.set(info.attnum, info);
  }
  const table: TableInfo = { oid, ref, sql: qualified(ref), columns, byAttnum, identity: { reason: '' } };
  table.identity = await rowIdentity(connection, table, relation);
  return table;
}

async function rowIdentity(connection: PooledConnection, table: TableInfo, relation: RowValues): Promise<{ key: string[] } | { reason: string }> {
  const name = qualified(table.ref);
  const kind = relation.relkind ?? '';
  if (kind !== 'r' && kind !== 'p') {
    return { reason: `${name} is ${RELKIND_NAMES[kind] ?? `not a table (relkind ${kind})`}; only tables can be edited.` };
  }
  if (SYSTEM_SCHEMAS.has(table.ref.schema)) {
    return { reason: `${name} is a system catalog; edit it with SQL if you really mean to.` };
  }
  if (relation.persistence === 't') {
    return { reason: `${name} is a temporary table, visible only to the session that created it.` };
  }
  if (kind === 'r' && relation.has_children === 'true') {
    // Without ONLY, a statement on the parent also reaches child tables, whose rows may repeat its keys.
    return { reason: `${name} has inheritance child tables, whose rows can repeat its key values; edit the child tables instead.` };
  }
  const indexes = records(await run(connection, UNIQUE_INDEXES, [table.oid]));
  for (const index of indexes) {
    if (index.is_primary === 'true' || (index.plain === 'true' && index.not_null === 'true')) {
      return { key: JSON.parse(index.columns ?? '[]') as string[] };
    }
  }
  const near = indexes.length > 0 ? ` (its unique indexes are partial, on expressions or on nullable columns)` : '';
  return {
    reason:
      `${name} has no primary key and no unique index on NOT NULL columns${near}, so a row cannot be told ` +
      'apart from an identical one. Add a primary key to edit it here.',
  };
}

// -------------------------------------------------------------------------------------------------
// Editability

export async function editability(connection: PooledConnection, target: TableRef): Promise<Editability> {
  checkTableRef(target);
  const table = await loadTable(connection, { ref: target });
  if (!table) return { editable: false, reason: `There is no table ${qualified(target)}.` };
  return 'key' in table.identity ? { editable: true, key: table.identity.key } : { editable: false, reason: table.identity.reason };
}

/**
 * Whether a result's rows can be edited in place: every column comes straight from one table
 * (ColumnMeta.tableOid / columnNumber, from the server's row description) and the table's row
 * identity columns are all among them.
 *
 * The row description cannot tell a self-join (`FROM t a JOIN t b`) from a plain select. A table
 * column shown twice is taken as one (read-only); a self-join that shows each column once passes,
 * and there the conflict check is the safety net, as a value shown from another row rarely equals
 * the locked row's.
 */
export async function editabilityOfResult(connection: PooledConnection, columns: ResultColumnMeta[]): Promise<ResultEditability> {
  if (columns.length === 0) return { editable: false, reason: 'The result has no columns.' };
  const computed = columns.find((c) => c.tableOid === null || c.columnNumber === null);
  if (computed) {
    return {
      editable: false,
      reason: `Column ${quoteIdent(computed.name)} is computed, not a column of a table, so the result is read-only.`,
    };
  }
  const oids = [...new Set(columns.map((c) => c.tableOid as number))];
  if (oids.length > 1) {
    const names = await Promise.all(oids.map(async (oid) => (await loadTable(connection, { oid }))?.sql ?? `oid ${oid}`));
    return { editable: false, reason: `The result comes from several tables (${names.join(', ')}), so it is read-only.` };
  }
  const table = await loadTable(connection, { oid: oids[0] });
  if (!table) return { editable: false, reason: 'The table the result came from no longer exists.' };
  if ('reason' in table.identity) return { editable: false, reason: table.identity.reason };
  const targets: ResultColumnTarget[] = [];
  for (const meta of columns) {
    const columnNumber = meta.columnNumber as number;
    if (columnNumber < 0) {
      targets.push({ column: meta.name, writable: false, reason: `${quoteIdent(meta.name)} is a system column.` });
      continue;
    }
    const info = table.byAttnum.get(columnNumber);
    if (!info) {
      return { editable: false, reason: `${table.sql} changed since the statement ran (a column was dropped). Run it again.` };
    }
    const readOnly = readOnlyReason(info);
    targets.push(readOnly ? { column: info.name, writable: false, reason: readOnly } : { column: info.name, writable: true });
  }
  // A table column shown twice usually means the table is joined with itself, where the cells of
  // one result row belong to different table rows; the key beside a cell may not be its row's.
  const seen = new Set<number>();
  for (const meta of columns) {
    const columnNumber = meta.columnNumber as number;
    if (columnNumber > 0 && seen.has(columnNumber)) {
      const name = table.byAttnum.get(columnNumber)?.name ?? meta.name;
      return {
        editable: false,
        reason: `Column ${quoteIdent(name)} of ${table.sql} appears more than once in the result (a self-join?), so a cell's row cannot be told for sure; the result is read-only.`,
      };
    }
    seen.add(columnNumber);
  }
  const denied = await missingPrivileges(connection, table);
  if (denied) return { editable: false, reason: denied };
  const key = table.identity.key;
  const keyIndexes = key.map((k) => targets.findIndex((t, i) => t.column === k && (columns[i].columnNumber ?? 0) > 0));
  const missing = key.filter((_, i) => keyIndexes[i] < 0);
  if (missing.length > 0) {
    return {
      editable: false,
      reason: `The result does not include ${missing.map(quoteIdent).join(', ')} (the row identity of ${table.sql}); select ${missing.length > 1 ? 'them' : 'it'} to edit rows.`,
    };
  }
  return { editable: true, target: table.ref, key, keyIndexes, columns: targets };
}

/** Why the current role (after SET ROLE) may not change the table at all, or undefined. */
async function missingPrivileges(connection: PooledConnection, table: TableInfo): Promise<string | undefined> {
  const result = await run(
    connection,
    `SELECT current_user::text, pg_catalog.has_table_privilege($1::oid, 'UPDATE')::text,
            pg_catalog.has_any_column_privilege($1::oid, 'UPDATE')::text,
            pg_catalog.has_table_privilege($1::oid, 'INSERT')::text, pg_catalog.has_table_privilege($1::oid, 'DELETE')::text`,
    [table.oid],
  );
  const [role, update, columnUpdate, insert, del] = result.rows[0] ?? [];
  if (update === 'true' || columnUpdate === 'true' || insert === 'true' || del === 'true') return undefined;
  return `Role ${quoteIdent(role ?? '')} may only read ${table.sql} (it has no UPDATE, INSERT or DELETE privilege on it), so the result is read-only.`;
}

function readOnlyReason(info: ColumnInfo): string | undefined {
  if (info.generated) return `${quoteIdent(info.name)} is a generated column: the server computes it.`;
  if (info.identity === 'a') return `${quoteIdent(info.name)} is an identity column (GENERATED ALWAYS): the server assigns it.`;
  return undefined;
}

// -------------------------------------------------------------------------------------------------
// Changes

/** How long an edit waits for a row another transaction holds, unless the profile sets lock_timeout. */
export const EDIT_LOCK_TIMEOUT_MS = 10_000;

/** Applies the changes in order in one transaction: all of them, or none. */
export async function applyChanges(connection: PooledConnection, target: TableRef, changes: RowChange[], context?: SessionContext): Promise<ApplyOutcome> {
  checkTableRef(target);
  if (!Array.isArray(changes)) throw invalid('changes must be a list.');
  if (changes.length === 0) return { kind: 'applied', results: [] };
  // READ COMMITTED: FOR UPDATE then sees the latest committed version of a row changed under it.
  await run(connection, 'BEGIN ISOLATION LEVEL READ COMMITTED');
  let index = -1;
  try {
    // As the session the result came from: its role (a SELECT-only role cannot write), its
    // search_path, TimeZone and DateStyle (a timestamptz typed without an offset), its settings
    // (row-level security policies that read one).
    if (context) await applyContext(connection.client, context);
    // A row locked by a transaction left open (often the user's own, in an editor tab) would
    // block the edit, and the grid with it, forever. A profile's own lock_timeout wins.
    await run(connection, `SELECT pg_catalog.set_config('lock_timeout', $1, true) WHERE pg_catalog.current_setting('lock_timeout') IN ('0', '0ms')`, [
      `${EDIT_LOCK_TIMEOUT_MS}ms`,
    ]);
    const table = await loadTable(connection, { ref: target });
    if (!table) throw invalid(`There is no table ${qualified(target)}.`, { code: '42P01' });
    if ('reason' in table.identity) throw invalid(table.identity.reason);
    const key = table.identity.key;
    const results: (UpdateOutcome | InsertedRow)[] = [];
    for (index = 0; index < changes.length; index++) {
      const change = changes[index];
      const result = await applyOne(connection, table, key, change);
      if ('kind' in result && result.kind !== 'updated') {
        const current = change.kind === 'insert' || result.kind === 'notFound' ? null : await currentRow(connection, table, key, change.key);
        await rollback(connection);
        return { kind: 'conflict', index, outcome: result, current };
      }
      results.push(result);
    }
    index = -1;
    await run(connection, 'COMMIT');
    return { kind: 'applied', results };
  } catch (err) {
    await rollback(connection);
    const error = lockTimeoutExplained(toQueryError(err, { cancelRequested: false }));
    if (index < 0) throw error;
    // Which change it was, as data: the grid marks the cell the server refused.
    const message = changes.length === 1 ? error.message : `${error.message} (change ${index + 1} of ${changes.length}; nothing was applied)`;
    throw new PgError(error.kind, message, { ...fieldsOf(error), changeIndex: index }, { cause: error });
  }
}

function applyOne(connection: PooledConnection, table: TableInfo, key: string[], change: RowChange): Promise<UpdateOutcome | InsertedRow> {
  switch (change?.kind) {
    case 'update':
      return update(connection, table, key, change);
    case 'insert':
      return insert(connection, table, change.columns);
    case 'delete':
      return remove(connection, table, key, change);
    default:
      throw invalid(`Unknown change kind ${JSON.stringify((change as { kind?: unknown } | undefined)?.kind)}.`);
  }
}

async function update(
  connection: PooledConnection,
  table: TableInfo,
  key: string[],
  change: Extract<RowChange, { kind: 'update' }>,
): Promise<UpdateOutcome> {
  const column = columnOf(table, change.column);
  checkValue(change.value, change.column);
  checkValue(change.expected, change.column);
  const readOnly = readOnlyReason(column);
  if (readOnly) throw invalid(`Cannot update ${table.sql}: ${readOnly}`, { code: '428C9', column: column.name });
  const locked = await lockRow(connection, table, key, change.key, { [column.name]: change.expected });
  if (locked.kind !== 'locked') return locked;

  const params = new Params();
  const set = `${quoteIdent(column.name)} = ${params.add(change.value)}::${column.castType}`;
  const result = await run(connection, `UPDATE ${table.sql} SET ${set} WHERE ${keyCondition(table, key, change.key, params)} RETURNING *`, params.values);
  return { kind: 'updated', row: writtenRow(table, result, 'update') };
}

async function remove(
  connection: PooledConnection,
  table: TableInfo,
  key: string[],
  change: Extract<RowChange, { kind: 'delete' }>,
): Promise<UpdateOutcome> {
  const expected = change.expected ?? {};
  if (typeof expected !== 'object' || expected === null) throw invalid('expected must map column names to values.');
  for (const [name, value] of Object.entries(expected)) {
    columnOf(table, name);
    checkValue(value, name);
  }
  const locked = await lockRow(connection, table, key, change.key, expected);
  if (locked.kind !== 'locked') return locked;
  const params = new Params();
  const result = await run(connection, `DELETE FROM ${table.sql} WHERE ${keyCondition(table, key, change.key, params)} RETURNING *`, params.values);
  return { kind: 'updated', row: writtenRow(table, result, 'delete') };
}

async function insert(connection: PooledConnection, table: TableInfo, inputs: InsertColumnInput[]): Promise<InsertedRow> {
  if (!Array.isArray(inputs)) throw invalid('An insert needs a list of columns.');
  const params = new Params();
  const names: string[] = [];
  const values: string[] = [];
  const seen = new Set<string>();
  for (const input of inputs) {
    const column = columnOf(table, input?.column);
    if (seen.has(column.name)) throw invalid(`Column ${quoteIdent(column.name)} is given twice.`, { code: '42701', column: column.name });
    seen.add(column.name);
    names.push(quoteIdent(column.name));
    if ('useDefault' in input && input.useDefault === true) {
      values.push('DEFAULT');
      continue;
    }
    const value = (input as { value?: unknown }).value;
    checkValue(value, column.name);
    const readOnly = readOnlyReason(column);
    if (readOnly) throw invalid(`Cannot insert into ${table.sql}: ${readOnly} Leave it to its default.`, { code: '428C9', column: column.name });
    values.push(`${params.add(value)}::${column.castType}`);
  }
  const body = names.length > 0 ? `(${names.join(', ')}) VALUES (${values.join(', ')})` : 'DEFAULT VALUES';
  const result = await run(connection, `INSERT INTO ${table.sql} ${body} RETURNING *`, params.values);
  return { row: records(result)[0] ?? {} };
}

/** The row with that key as committed now (READ COMMITTED: a new snapshot per statement), or null. */
async function currentRow(connection: PooledConnection, table: TableInfo, key: string[], rowKey: RowKey): Promise<RowValues | null> {
  const params = new Params();
  const result = await run(connection, `SELECT * FROM ${table.sql} WHERE ${keyCondition(table, key, rowKey, params)}`, params.values);
  return records(result)[0] ?? null;
}

type Locked = { kind: 'locked' } | Extract<UpdateOutcome, { kind: 'conflict' | 'notFound' }>;

/**
 * Locks the row by key and compares the columns in `expected` with their current values.
 * Typed comparison where the type has an equality (numeric 1.0 equals 1.00, a timestamptz shown
 * in another TimeZone equals itself); otherwise the text the server sends now against the text
 * the user saw.
 */
async function lockRow(connection: PooledConnection, table: TableInfo, key: string[], rowKey: RowKey, expected: RowValues): Promise<Locked> {
  const params = new Params();
  const checks = Object.entries(expected).map(([name, value]) => ({ column: columnOf(table, name), expected: value }));
  const select = checks.map(({ column, expected: value }) => {
    const ident = quoteIdent(column.name);
    const same = column.comparable ? `${ident} IS NOT DISTINCT FROM ${params.add(value)}::${column.castType}` : 'NULL';
    return `${ident}, ${same}`;
  });
  const where = keyCondition(table, key, rowKey, params);
  const result = await run(connection, `SELECT ${['1', ...select].join(', ')} FROM ${table.sql} WHERE ${where} FOR UPDATE`, params.values);
  if (result.rows.length === 0) return { kind: 'notFound' };
  if (result.rows.length > 1) {
    throw invalid(`The key matches ${result.rows.length} rows of ${table.sql}; nothing was changed.`, { code: '21000' });
  }
  const row = result.rows[0];
  for (const [i, check] of checks.entries()) {
    const current = row[1 + 2 * i] ?? null;
    const same = check.column.comparable ? row[2 + 2 * i] === 't' : current === check.expected;
    if (!same) return { kind: 'conflict', column: check.column.name, expected: check.expected, current };
  }
  return { kind: 'locked' };
}

function keyCondition(table: TableInfo, key: string[], rowKey: RowKey, params: Params): string {
  if (typeof rowKey !== 'object' || rowKey === null) throw invalid(`A row key must map ${key.map(quoteIdent).join(', ')} to values.`);
  const extra = Object.keys(rowKey).filter((name) => !key.includes(name));
  if (extra.length > 0) {
    throw invalid(`${extra.map(quoteIdent).join(', ')} ${extra.length > 1 ? 'are' : 'is'} not part of the row identity of ${table.sql} (${key.map(quoteIdent).join(', ')}).`);
  }
  return key
    .map((name) => {
      if (!Object.hasOwn(rowKey, name)) throw invalid(`The row key lacks ${quoteIdent(name)} (the row identity of ${table.sql} is ${key.map(quoteIdent).join(', ')}).`);
      const value = rowKey[name];
      checkValue(value, name);
      const column = columnOf(table, name);
      // Key columns are NOT NULL, so a NULL key matches no row: notFound, as it should.
      return `${quoteIdent(name)} = ${params.add(value)}::${column.castType}`;
    })
    .join(' AND ');
}

/** The row an UPDATE or DELETE returned. The row was locked, so none means row-level security hid it from the write. */
function writtenRow(table: TableInfo, result: TextResult, verb: 'update' | 'delete'): RowValues {
  const row = records(result)[0];
  if (!row) {
    throw invalid(
      `The row of ${table.sql} could be read but not ${verb === 'update' ? 'updated' : 'deleted'}: a row-level security policy hides it from ${verb.toUpperCase()}. Nothing was changed.`,
      { code: '42501', hint: `Check the ${verb.toUpperCase()} policies on ${table.sql}.` },
    );
  }
  return row;
}

// -------------------------------------------------------------------------------------------------
// Checks and errors

function columnOf(table: TableInfo, name: unknown): ColumnInfo {
  if (typeof name !== 'string') throw invalid('A column name must be a string.');
  const column = table.columns.get(name);
  if (!column) throw invalid(`${table.sql} has no column ${quoteIdent(name)}.`, { code: '42703', column: name });
  return column;
}

/** Values are the server's text or null; a number or Date here would already have lost precision. */
function checkValue(value: unknown, column: string): asserts value is string | null {
  if (value !== null && typeof value !== 'string') {
    throw invalid(`The value for ${quoteIdent(column)} must be text (the server's text form) or null, not ${typeof value}.`);
  }
}

function checkTableRef(target: TableRef): void {
  if (typeof target?.schema !== 'string' || typeof target?.table !== 'string' || !target.schema || !target.table) {
    throw invalid('A table is named by a non-empty schema and table.');
  }
}

/** A request the server never saw; kind `query`, as it is the statement we would build that is wrong. */
function invalid(message: string, fields: PgErrorFields = {}): PgError {
  return new PgError('query', message, fields);
}

function fieldsOf(error: PgError): PgErrorFields {
  return {
    code: error.code,
    detail: error.detail,
    hint: error.hint,
    position: error.position,
    schema: error.schema,
    table: error.table,
    column: error.column,
    constraint: error.constraint,
    severity: error.severity,
    where: error.where,
  };
}

/** lock_not_available (55P03): say who is likely holding the row, and that nothing changed. */
function lockTimeoutExplained(error: PgError): PgError {
  if (error.code !== '55P03') return error;
  return new PgError(
    error.kind,
    `The row is locked by another transaction that is still open, so nothing was changed (${error.message}).`,
    {
      ...fieldsOf(error),
      hint: error.hint ?? 'Commit or roll back the transaction that holds the row (it may be an open transaction in an editor tab), then try again.',
    },
    { cause: error },
  );
}

async function rollback(connection: PooledConnection): Promise<void> {
  if (connection.broken || connection.txStatus === 'idle') return;
  await run(connection, 'ROLLBACK').catch(() => undefined);
}

// -------------------------------------------------------------------------------------------------
// Single changes: each is a batch of one

export async function updateCell(
  connection: PooledConnection,
  target: TableRef,
  key: RowKey,
  column: string,
  newValue: string | null,
  expected: string | null,
): Promise<UpdateOutcome> {
  const outcome = await applyChanges(connection, target, [{ kind: 'update', key, column, value: newValue, expected }]);
  return outcome.kind === 'conflict' ? outcome.outcome : (outcome.results[0] as UpdateOutcome);
}

export async function insertRow(connection: PooledConnection, target: TableRef, columns: InsertColumnInput[]): Promise<InsertedRow> {
  const outcome = await applyChanges(connection, target, [{ kind: 'insert', columns }]);
  if (outcome.kind === 'conflict') throw new PgError('query', 'The insert reported a conflict.'); // inserts have no conflict outcome
  return outcome.results[0] as InsertedRow;
}

export async function deleteRow(connection: PooledConnection, target: TableRef, key: RowKey, expected?: RowValues): Promise<UpdateOutcome> {
  const outcome = await applyChanges(connection, target, [{ kind: 'delete', key, ...(expected ? { expected } : {}) }]);
  return outcome.kind === 'conflict' ? outcome.outcome : (outcome.results[0] as UpdateOutcome);
}
