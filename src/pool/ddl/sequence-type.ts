/**
 * Sequences and types (enum, composite, domain, range) with their owners, privileges and comments.
 * A range type's constructor functions and its multirange type are made by CREATE TYPE ... AS RANGE
 * and are not written apart; an identity column's sequence comes with its table.
 */
import type { Client } from 'pg';
import type { ObjectType, Sequence } from '../introspect-types';
import type { DdlPiece } from './piece';
import { aclJson, commentOn, grants, ownerTo } from './privileges';
import type { AclItem } from './privileges';
import type { Quoter } from './quote';

export interface SequenceWithMeta extends Sequence {
  owner: string;
  acl: AclItem[] | null;
  unlogged: boolean;
}

/** $1: oids of sequences. */
const SEQUENCE_META_SQL = `SELECT c.oid, pg_catalog.pg_get_userbyid(c.relowner) AS owner, ${aclJson('c.relacl')} AS acl,
  c.relpersistence = 'u' AS unlogged
FROM pg_catalog.pg_class c WHERE c.oid = ANY ($1::oid[])`;

export async function withSequenceMeta(client: Client, sequences: Sequence[]): Promise<SequenceWithMeta[]> {
  if (sequences.length === 0) return [];
  const { rows } = await client.query<{ oid: number; owner: string; acl: AclItem[] | null; unlogged: boolean }>(SEQUENCE_META_SQL, [
    sequences.map((s) => s.oid),
  ]);
  const byOid = new Map(rows.map((r) => [r.oid, r]));
  return sequences.map((s) => {
    const m = byOid.get(s.oid);
    return { ...s, owner: m?.owner ?? '', acl: m?.acl ?? null, unlogged: m?.unlogged ?? false };
  });
}

/** OWNED BY needs the table, so it comes `after`; a serial column's table writes its sequence itself. */
export function sequencePiece(q: Quoter, s: SequenceWithMeta): DdlPiece {
  const target = q.qualified(s.schema, s.name);
  if (s.isIdentity && s.ownedBy) {
    const column = `${q.qualified(s.ownedBy.schema, s.ownedBy.table)}.${q.ident(s.ownedBy.column)}`;
    return { create: [`-- ${target} is the sequence of identity column ${column}: it is created with its table.`], after: [] };
  }
  const create = [
    [
      `CREATE ${s.unlogged ? 'UNLOGGED ' : ''}SEQUENCE ${target}`,
      `    AS ${s.dataType}`,
      `    START WITH ${s.start}`,
      `    INCREMENT BY ${s.increment}`,
      `    MINVALUE ${s.min}`,
      `    MAXVALUE ${s.max}`,
      `    CACHE ${s.cache}${s.cycle ? '\n    CYCLE' : ''}`,
    ].join('\n'),
    ownerTo(q, 'SEQUENCE', target, s.owner),
    ...grants(q, `SEQUENCE ${target}`, s.owner, s.acl),
    ...commentOn(q, `SEQUENCE ${target}`, s.comment),
  ];
  const after = s.ownedBy ? [`ALTER SEQUENCE ${target} OWNED BY ${q.qualified(s.ownedBy.schema, s.ownedBy.table)}.${q.ident(s.ownedBy.column)}`] : [];
  return { create, after };
}

/** $1: oid of a type. */
const TYPE_ACL_SQL = `SELECT ${aclJson('t.typacl')} AS acl FROM pg_catalog.pg_type t WHERE t.oid = $1`;

export async function typePiece(client: Client, q: Quoter, t: ObjectType): Promise<DdlPiece> {
  const target = q.qualified(t.schema, t.name);
  let text: string;
  switch (t.kind) {
    case 'enum':
      text = `CREATE TYPE ${target} AS ENUM (${t.labels.map((l) => `\n    ${q.literal(l)}`).join(',')}\n)`;
      break;
    case 'composite':
      text = `CREATE TYPE ${target} AS (${t.attributes
        .map((a) => `\n    ${q.ident(a.name)} ${a.dataType}${q.collation(a.collationSchema, a.collation)}`)
        .join(',')}\n)`;
      break;
    case 'domain': {
      const parts = [`CREATE DOMAIN ${target} AS ${t.baseType}${q.collation(t.collationSchema, t.collation)}`];
      if (t.default !== null) parts.push(`DEFAULT ${t.default}`);
      if (t.notNull) parts.push('NOT NULL');
      for (const c of t.constraints) parts.push(`CONSTRAINT ${q.ident(c.name)} ${c.definition}`);
      text = parts.join('\n    ');
      break;
    }
    case 'range': {
      const options = [`SUBTYPE = ${t.subtype}`];
      if (t.subtypeOpclass) options.push(`SUBTYPE_OPCLASS = ${t.subtypeOpclass}`);
      if (t.collation) options.push(`COLLATION = ${q.maybeQualified(t.collationSchema, t.collation)}`);
      if (t.canonical) options.push(`CANONICAL = ${t.canonical}`);
      if (t.subtypeDiff) options.push(`SUBTYPE_DIFF = ${t.subtypeDiff}`);
      if (t.multirangeType) options.push(`MULTIRANGE_TYPE_NAME = ${t.multirangeType}`);
      text = `CREATE TYPE ${target} AS RANGE (\n    ${options.join(',\n    ')}\n)`;
      break;
    }
    case 'multirange':
      return { create: [`-- ${target} is the multirange type of range type ${t.rangeType}: it is created with it.`], after: [] };
  }
  const noun = t.kind === 'domain' ? 'DOMAIN' : 'TYPE';
  const { rows } = await client.query<{ acl: AclItem[] | null }>(TYPE_ACL_SQL, [t.oid]);
  return {
    create: [text, ownerTo(q, noun, target, t.owner), ...grants(q, `${noun} ${target}`, t.owner, rows[0]?.acl ?? null), ...commentOn(q, `${noun} ${target}`, t.comment)],
    after: [],
  };
}
