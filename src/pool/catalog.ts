/**
 * The catalog the SQL editor knows: schemas, relations with their columns, routines with their
 * signatures, types (enum labels, domain bases) and the server's keywords, read on the browser
 * session in a fixed number of round trips (six queries, whatever the number of objects).
 *
 * A large catalog loads lazily per schema: with `lazyAbove`, a database holding more relations
 * than that gets every schema and every relation's name, but columns, routines and types only for
 * the `detailed` schemas (and pg_catalog); the caller adds others later with `schemas` and
 * `detailsOnly`, each in the same fixed number of round trips.
 * Values stay as the server printed them (oids, estimates and sizes are text).
 */
import type { Client } from 'pg';
import {
  CATALOG_COLUMNS_SQL,
  CATALOG_KEYWORDS_SQL,
  CATALOG_RELATIONS_SQL,
  CATALOG_ROUTINES_SQL,
  CATALOG_SCHEMAS_SQL,
  CATALOG_TYPES_SQL,
} from './catalog-sql';

export type CatalogRelationKind = 'table' | 'partitionedTable' | 'view' | 'materializedView' | 'foreignTable' | 'sequence';
export type CatalogRoutineKind = 'function' | 'procedure' | 'aggregate' | 'window';
export type CatalogTypeKind = 'base' | 'enum' | 'domain' | 'range' | 'multirange' | 'composite';
/** pg_get_keywords' catcode: unreserved, column name, type or function name, reserved. */
export type KeywordCategory = 'U' | 'C' | 'T' | 'R';

export interface CatalogColumn {
  name: string;
  /** format_type's text, e.g. `character varying(20)`. */
  type: string;
  notNull: boolean;
  default: string | null;
  comment: string | null;
  inPrimaryKey: boolean;
}

export interface CatalogRelation {
  oid: string;
  schema: string;
  name: string;
  kind: CatalogRelationKind;
  /** reltuples as the server printed it; null when the relation was never analyzed. */
  estimatedRows: string | null;
  /** relpages x block_size: the size as of the last VACUUM / ANALYZE, in bytes. */
  approximateBytes: string;
  comment: string | null;
  /** Empty for sequences; every column (not just loaded ones) otherwise. */
  columns: CatalogColumn[];
}

export interface CatalogRoutine {
  schema: string;
  name: string;
  kind: CatalogRoutineKind;
  /** pg_get_function_arguments: `a integer, b text DEFAULT 'x'::text`. */
  arguments: string;
  /** pg_get_function_result: `integer`, `SETOF record`, `TABLE(a int)`; null for a procedure. */
  result: string | null;
  comment: string | null;
}

export interface CatalogType {
  schema: string;
  name: string;
  kind: CatalogTypeKind;
  /** An enum's labels, in order. */
  labels: string[] | null;
  /** A domain's underlying type. */
  baseType: string | null;
  comment: string | null;
}

export interface CatalogSchema {
  name: string;
  system: boolean;
  comment: string | null;
  /** Tables, views, sequences... in it (how large the catalog is, before its columns are read). */
  relationCount: number;
}

export interface CatalogKeyword {
  word: string;
  category: KeywordCategory;
}

export interface CatalogSnapshot {
  schemas: CatalogSchema[];
  relations: CatalogRelation[];
  routines: CatalogRoutine[];
  types: CatalogType[];
  keywords: CatalogKeyword[];
  /**
   * The schemas whose columns, routines and types are in the snapshot; undefined when every
   * schema's are. Relations of other schemas are there by name (their `columns` empty).
   */
  detailed?: string[];
}

export interface CatalogOptions {
  /** Load the relations, routines and types of these schemas only (all when omitted). */
  schemas?: readonly string[];
  /** Above this many relations in all, load only the relation names of schemas not in `detailed`. */
  lazyAbove?: number;
  /** With `lazyAbove`: the schemas loaded whole anyway (pg_catalog always is). */
  detailed?: readonly string[];
  /** Leave out the schema list and the keywords (a caller adding schemas to a catalog it holds). */
  detailsOnly?: boolean;
}

const RELATION_KINDS: Record<string, CatalogRelationKind> = {
  r: 'table',
  p: 'partitionedTable',
  v: 'view',
  m: 'materializedView',
  f: 'foreignTable',
  S: 'sequence',
};
const ROUTINE_KINDS: Record<string, CatalogRoutineKind> = { f: 'function', p: 'procedure', a: 'aggregate', w: 'window' };
const TYPE_KINDS: Record<string, CatalogTypeKind> = { b: 'base', e: 'enum', d: 'domain', r: 'range', m: 'multirange', c: 'composite' };

type Tuple = (string | boolean | string[] | null)[];

async function tuples(client: Client, text: string, values: unknown[] = []): Promise<Tuple[]> {
  const result = await client.query<Tuple>({ text, values, rowMode: 'array' });
  return result.rows;
}

export async function loadCatalog(client: Client, options: CatalogOptions = {}): Promise<CatalogSnapshot> {
  // One after the other: node-postgres deprecates queueing queries on a busy client.
  const schemaRows = options.detailsOnly ? [] : await tuples(client, CATALOG_SCHEMAS_SQL);
  const total = schemaRows.reduce((n, r) => n + Number(r[3]), 0);
  const only = options.schemas ? [...options.schemas] : null;
  const lazy = only === null && options.lazyAbove !== undefined && total > options.lazyAbove;
  const detailed = lazy ? [...new Set(['pg_catalog', ...(options.detailed ?? [])])] : only;
  const relationRows = await tuples(client, CATALOG_RELATIONS_SQL, [only]);
  const columnRows = await tuples(client, CATALOG_COLUMNS_SQL, [detailed]);
  const routineRows = await tuples(client, CATALOG_ROUTINES_SQL, [detailed]);
  const typeRows = await tuples(client, CATALOG_TYPES_SQL, [detailed]);
  const keywordRows = options.detailsOnly ? [] : await tuples(client, CATALOG_KEYWORDS_SQL);
  const byOid = new Map<string, CatalogRelation>();
  const relations = relationRows.map((r): CatalogRelation => {
    const relation: CatalogRelation = {
      oid: r[0] as string,
      schema: r[1] as string,
      name: r[2] as string,
      kind: RELATION_KINDS[r[3] as string] ?? 'table',
      estimatedRows: r[4] as string | null,
      approximateBytes: r[5] as string,
      comment: r[6] as string | null,
      columns: [],
    };
    byOid.set(relation.oid, relation);
    return relation;
  });
  for (const r of columnRows) {
    byOid.get(r[0] as string)?.columns.push({
      name: r[1] as string,
      type: r[2] as string,
      notNull: r[3] as boolean,
      default: r[4] as string | null,
      comment: r[5] as string | null,
      inPrimaryKey: r[6] as boolean,
    });
  }
  return {
    schemas: schemaRows.map((r) => ({ name: r[0] as string, system: r[1] as boolean, comment: r[2] as string | null, relationCount: Number(r[3]) })),
    relations,
    routines: routineRows.map((r) => ({
      schema: r[0] as string,
      name: r[1] as string,
      kind: ROUTINE_KINDS[r[2] as string] ?? 'function',
      arguments: r[3] as string,
      result: r[4] as string | null,
      comment: r[5] as string | null,
    })),
    types: typeRows.map((r) => ({
      schema: r[0] as string,
      name: r[1] as string,
      kind: TYPE_KINDS[r[2] as string] ?? 'base',
      labels: r[3] as string[] | null,
      baseType: r[4] as string | null,
      comment: r[5] as string | null,
    })),
    keywords: keywordRows.map((r) => ({ word: r[0] as string, category: r[1] as KeywordCategory })),
    ...(detailed ? { detailed } : {}),
  };
}
