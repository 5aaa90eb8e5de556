/**
 * A whole schema's DDL in an order that applies on an empty database, the way pg_dump orders a
 * dump: every object's creating part sorted so that each comes after what it depends on (pg_depend's
 * normal dependencies, and pg_inherits for children and partitions), ties broken by kind (types,
 * functions, sequences, tables, views) and name; then every object's `after` part (foreign keys,
 * separated checks, triggers, rules, policies, event triggers), when all of them exist.
 *
 * The schema's extensions come first, as CREATE EXTENSION; their member objects are not written.
 * Function bodies are not checked while they are created (check_function_bodies = false, as pg_dump
 * sets it): a plpgsql or SQL body may name a table that comes later.
 */
import type { Client } from 'pg';
import { listRelations, listRoutines, listSequences, listTypes } from '../introspect';
import type { ObjectType, Relation, Routine } from '../introspect-types';
import { PgError } from '../errors';
import type { DdlPiece } from './piece';
import { aclJson, commentOn, grants, ownerTo } from './privileges';
import type { AclItem } from './privileges';
import type { Quoter } from './quote';
import { relationPiece } from './relation';
import { routinePieces } from './routine';
import { sequencePiece, typePiece, withSequenceMeta } from './sequence-type';
import type { SequenceWithMeta } from './sequence-type';

// The fixed oids of the catalogs that name objects in pg_depend (pg_class.oid of each catalog).
const PG_CLASS = 1259;
const PG_TYPE = 1247;
const PG_PROC = 1255;

const SCHEMA_META_SQL = `SELECT pg_catalog.pg_get_userbyid(n.nspowner) AS owner, ${aclJson('n.nspacl')} AS acl,
  (SELECT d.description FROM pg_catalog.pg_description d WHERE d.objoid = n.oid
    AND d.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass) AS comment
FROM pg_catalog.pg_namespace n WHERE n.nspname = $1`;

/** $1: schema. The extensions whose objects live in it: written as CREATE EXTENSION, as pg_dump does. */
const EXTENSIONS_SQL = `SELECT e.extname AS name,
  (SELECT d.description FROM pg_catalog.pg_description d WHERE d.objoid = e.oid
    AND d.classoid = 'pg_catalog.pg_extension'::pg_catalog.regclass) AS comment
FROM pg_catalog.pg_extension e WHERE e.extnamespace = (SELECT n.oid FROM pg_catalog.pg_namespace n WHERE n.nspname = $1)
ORDER BY e.extname`;

/** Every member of an extension (pg_depend 'e'), as `classid:objid`: made by its CREATE EXTENSION. */
const EXTENSION_MEMBERS_SQL = `SELECT d.classid::int || ':' || d.objid AS key FROM pg_catalog.pg_depend d
WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND d.deptype = 'e'`;

/**
 * $1: schema. Two kinds of rows, as `from` -> `to` keys (`classid:objid`):
 *  - `part`: `from` is a part of `to` (a row type of its table, an array of its element type, a
 *    multirange or constructor of its range, a default, a constraint or an index of its table, a
 *    view's rule, a serial or identity sequence of its table), so its dependencies are `to`'s;
 *  - `dep`: `from` needs `to` to exist first (pg_depend 'n' between user objects, pg_inherits).
 * Foreign keys and the checks written after the tables are not parts: their dependencies are not
 * needed to create the table. Objects below FirstNormalObjectId (16384) are the server's own.
 */
function dependenciesSql(v: number): string {
  const multirange = v >= 140000
    ? `UNION ALL SELECT ${PG_TYPE}, r.rngmultitypid, ${PG_TYPE}, r.rngtypid FROM pg_catalog.pg_range r
         JOIN pg_catalog.pg_type t ON t.oid = r.rngtypid WHERE t.typnamespace = (SELECT oid FROM ns)`
    : '';
  return `
WITH ns AS (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = $1),
part(fc, fo, tc, tobj) AS (
  SELECT ${PG_TYPE}, t.oid, ${PG_CLASS}, t.typrelid FROM pg_catalog.pg_type t
    JOIN pg_catalog.pg_class c ON c.oid = t.typrelid WHERE c.relnamespace = (SELECT oid FROM ns) AND c.relkind <> 'c'
  UNION ALL SELECT ${PG_CLASS}, c.oid, ${PG_TYPE}, c.reltype FROM pg_catalog.pg_class c
    WHERE c.relnamespace = (SELECT oid FROM ns) AND c.relkind = 'c'
  UNION ALL SELECT ${PG_TYPE}, t.oid, ${PG_TYPE}, t.typelem FROM pg_catalog.pg_type t
    JOIN pg_catalog.pg_type e ON e.oid = t.typelem AND e.typarray = t.oid WHERE t.typnamespace = (SELECT oid FROM ns)
  ${multirange}
  UNION ALL SELECT ${PG_PROC}, d.objid, d.refclassid::int, d.refobjid FROM pg_catalog.pg_depend d
    JOIN pg_catalog.pg_proc p ON p.oid = d.objid
    WHERE d.classid = ${PG_PROC} AND d.deptype = 'i' AND p.pronamespace = (SELECT oid FROM ns)
  UNION ALL SELECT 'pg_catalog.pg_attrdef'::pg_catalog.regclass::int, ad.oid, ${PG_CLASS}, ad.adrelid FROM pg_catalog.pg_attrdef ad
    JOIN pg_catalog.pg_class c ON c.oid = ad.adrelid WHERE c.relnamespace = (SELECT oid FROM ns)
  UNION ALL SELECT 'pg_catalog.pg_constraint'::pg_catalog.regclass::int, k.oid,
      CASE WHEN k.conrelid <> 0 THEN ${PG_CLASS} ELSE ${PG_TYPE} END, CASE WHEN k.conrelid <> 0 THEN k.conrelid ELSE k.contypid END
    FROM pg_catalog.pg_constraint k
    LEFT JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
    LEFT JOIN pg_catalog.pg_type t ON t.oid = k.contypid
    WHERE COALESCE(c.relnamespace, t.typnamespace) = (SELECT oid FROM ns) AND k.contype <> 'f'
      AND NOT (k.contype = 'c' AND k.conrelid <> 0 AND (NOT k.convalidated OR EXISTS (
        SELECT 1 FROM pg_catalog.pg_depend kd JOIN pg_catalog.pg_proc kp ON kp.oid = kd.refobjid
        WHERE kd.classid = 'pg_catalog.pg_constraint'::pg_catalog.regclass AND kd.objid = k.oid
          AND kd.refclassid = ${PG_PROC} AND kp.pronamespace <> 'pg_catalog'::pg_catalog.regnamespace)))
  UNION ALL SELECT 'pg_catalog.pg_rewrite'::pg_catalog.regclass::int, rw.oid, ${PG_CLASS}, rw.ev_class FROM pg_catalog.pg_rewrite rw
    JOIN pg_catalog.pg_class c ON c.oid = rw.ev_class WHERE rw.rulename = '_RETURN' AND c.relnamespace = (SELECT oid FROM ns)
  UNION ALL SELECT ${PG_CLASS}, i.indexrelid, ${PG_CLASS}, i.indrelid FROM pg_catalog.pg_index i
    JOIN pg_catalog.pg_class c ON c.oid = i.indrelid WHERE c.relnamespace = (SELECT oid FROM ns)
  UNION ALL SELECT ${PG_CLASS}, d.objid, ${PG_CLASS}, d.refobjid FROM pg_catalog.pg_depend d
    JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S'
    WHERE d.classid = ${PG_CLASS} AND d.refclassid = ${PG_CLASS} AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
      AND s.relnamespace = (SELECT oid FROM ns)
), dep(fc, fo, tc, tobj) AS (
  SELECT d.classid::int, d.objid, d.refclassid::int, d.refobjid FROM pg_catalog.pg_depend d
  WHERE d.deptype = 'n' AND d.objid >= 16384 AND d.refobjid >= 16384 AND d.refclassid IN (${PG_CLASS}, ${PG_TYPE}, ${PG_PROC})
  UNION ALL SELECT ${PG_CLASS}, i.inhrelid, ${PG_CLASS}, i.inhparent FROM pg_catalog.pg_inherits i
    JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid WHERE c.relnamespace = (SELECT oid FROM ns) AND c.relkind IN ('r', 'p', 'f')
)
SELECT 'part' AS kind, fc || ':' || fo AS "from", tc || ':' || tobj AS "to" FROM part
UNION ALL SELECT 'dep', fc || ':' || fo, tc || ':' || tobj FROM dep`;
}

type Node =
  | { key: string; rank: number; name: string; kind: 'relation'; relation: Relation }
  | { key: string; rank: number; name: string; kind: 'routine'; routine: Routine }
  | { key: string; rank: number; name: string; kind: 'sequence'; sequence: SequenceWithMeta }
  | { key: string; rank: number; name: string; kind: 'type'; type: ObjectType };

const RELATION_RANK: Record<Relation['kind'], number> = { table: 4, partitionedTable: 4, foreignTable: 4, view: 5, materializedView: 6 };

export async function schemaStatements(client: Client, q: Quoter, version: number, schema: string): Promise<string[]> {
  const { rows: metaRows } = await client.query<{ owner: string; acl: AclItem[] | null; comment: string | null }>(SCHEMA_META_SQL, [schema]);
  const meta = metaRows[0];
  if (!meta) throw new PgError('query', `There is no schema named "${schema}".`, { code: '3F000', schema });
  const target = q.ident(schema);
  const statements: string[] = [
    `-- The DDL of schema ${target}, in an order that applies on an empty database.`,
    // As pg_dump: a function body may name a table created later.
    'SET check_function_bodies = false',
    // public exists in every new database.
    schema === 'public' ? `CREATE SCHEMA IF NOT EXISTS ${target}` : `CREATE SCHEMA ${target}`,
    ownerTo(q, 'SCHEMA', target, meta.owner),
    ...grants(q, `SCHEMA ${target}`, meta.owner, meta.acl),
    ...commentOn(q, `SCHEMA ${target}`, meta.comment),
  ];
  const { rows: extensions } = await client.query<{ name: string; comment: string | null }>(EXTENSIONS_SQL, [schema]);
  for (const e of extensions) {
    statements.push(`CREATE EXTENSION IF NOT EXISTS ${q.ident(e.name)} WITH SCHEMA ${target}`, ...commentOn(q, `EXTENSION ${q.ident(e.name)}`, e.comment));
  }

  const nodes = await schemaNodes(client, schema);
  const ordered = await order(client, version, schema, nodes);
  const pieces: DdlPiece[] = [];
  const routinesAt = new Map<string, DdlPiece>();
  const routines = ordered.flatMap((n) => (n.kind === 'routine' ? [n.routine] : []));
  const routineTexts = await routinePieces(client, q, routines);
  routines.forEach((r, i) => routinesAt.set(`${PG_PROC}:${r.oid}`, routineTexts[i]));
  for (const node of ordered) {
    switch (node.kind) {
      case 'relation': {
        const r = node.relation;
        const kind = r.kind === 'view' ? 'view' : r.kind === 'materializedView' ? 'materializedView' : 'table';
        pieces.push(await relationPiece(client, q, version, kind, schema, r.name));
        break;
      }
      case 'routine':
        pieces.push(routinesAt.get(node.key) ?? { create: [], after: [] });
        break;
      case 'sequence':
        pieces.push(sequencePiece(q, node.sequence));
        break;
      case 'type':
        pieces.push(await typePiece(client, q, node.type));
        break;
    }
  }
  statements.push(...pieces.flatMap((p) => p.create), ...pieces.flatMap((p) => p.after));
  return statements;
}

async function schemaNodes(client: Client, schema: string): Promise<Node[]> {
  const nodes: Node[] = [];
  for (const t of await listTypes(client, schema)) {
    // A multirange type is made by its range type's CREATE TYPE.
    if (t.kind !== 'multirange') nodes.push({ key: `${PG_TYPE}:${t.oid}`, rank: t.kind === 'domain' ? 1 : 0, name: t.name, kind: 'type', type: t });
  }
  for (const r of await listRoutines(client, schema)) {
    nodes.push({ key: `${PG_PROC}:${r.oid}`, rank: r.kind === 'aggregate' ? 3 : 2, name: r.name, kind: 'routine', routine: r });
  }
  // Serial and identity sequences are written by their tables.
  const standalone = (await listSequences(client, schema)).filter((s) => s.ownedBy === null || (!s.isIdentity && s.ownedBy.schema !== schema));
  for (const s of await withSequenceMeta(client, standalone)) {
    nodes.push({ key: `${PG_CLASS}:${s.oid}`, rank: 3, name: s.name, kind: 'sequence', sequence: s });
  }
  for (const r of await listRelations(client, schema)) {
    nodes.push({ key: `${PG_CLASS}:${r.oid}`, rank: RELATION_RANK[r.kind], name: r.name, kind: 'relation', relation: r });
  }
  const { rows: members } = await client.query<{ key: string }>(EXTENSION_MEMBERS_SQL);
  const made = new Set(members.map((m) => m.key));
  return nodes.filter((n) => !made.has(n.key));
}

/** Dependencies first; among the objects free to go, the lowest rank, then the name. A cycle is broken in that order too. */
async function order(client: Client, version: number, schema: string, nodes: Node[]): Promise<Node[]> {
  const { rows } = await client.query<{ kind: 'part' | 'dep'; from: string; to: string }>(dependenciesSql(version), [schema]);
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  const partOf = new Map<string, string>();
  for (const r of rows) if (r.kind === 'part' && !partOf.has(r.from)) partOf.set(r.from, r.to);
  const resolve = (key: string): string | undefined => {
    let current = key;
    for (let hops = 0; hops < 8; hops += 1) {
      if (byKey.has(current)) return current;
      const next = partOf.get(current);
      if (next === undefined) return undefined;
      current = next;
    }
    return undefined;
  };
  const needs = new Map<string, Set<string>>(nodes.map((n) => [n.key, new Set<string>()]));
  for (const r of rows) {
    if (r.kind !== 'dep') continue;
    const from = resolve(r.from);
    const to = resolve(r.to);
    if (from !== undefined && to !== undefined && from !== to) needs.get(from)?.add(to);
  }
  const pending = [...nodes].sort((a, b) => a.rank - b.rank || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const done = new Set<string>();
  const out: Node[] = [];
  while (pending.length > 0) {
    let index = pending.findIndex((n) => [...(needs.get(n.key) ?? [])].every((k) => done.has(k)));
    if (index < 0) index = 0;
    const [next] = pending.splice(index, 1);
    done.add(next.key);
    out.push(next);
  }
  return out;
}
