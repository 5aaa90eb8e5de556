/**
 * Catalog snapshots for the context engine's tests and the completion bench, in the shape
 * PgPool.loadCatalog returns (the real-server test of that shape is test/pool/catalog.test.ts).
 */
import type { CatalogColumn, CatalogRelation, CatalogSnapshot } from '../../src/pool';

export function column(name: string, type = 'integer', extra: Partial<CatalogColumn> = {}): CatalogColumn {
  return { name, type, notNull: false, default: null, comment: null, inPrimaryKey: false, ...extra };
}

export function table(schema: string, name: string, columns: CatalogColumn[], extra: Partial<CatalogRelation> = {}): CatalogRelation {
  return { oid: '0', schema, name, kind: 'table', estimatedRows: '0', approximateBytes: '0', comment: null, columns, ...extra };
}

const KEYWORDS: CatalogSnapshot['keywords'] = ['select', 'from', 'where', 'join', 'on', 'group', 'order', 'by', 'as', 'and', 'limit'].map((word) => ({ word, category: 'R' }));

/** A small shop: a mixed-case table, a schema off the search path, functions, an enum. */
export function shopCatalog(): CatalogSnapshot {
  return {
    schemas: [
      { name: 'public', system: false, comment: null, relationCount: 3 },
      { name: 'sales', system: false, comment: 'where orders live', relationCount: 1 },
      { name: 'pg_catalog', system: true, comment: null, relationCount: 1 },
    ],
    relations: [
      table('public', 'customers', [column('id', 'bigint', { notNull: true, inPrimaryKey: true }), column('name', 'text', { comment: 'full name' }), column('email', 'text')], { comment: 'who buys' }),
      table('public', 'Order Lines', [column('order_id', 'bigint'), column('Qty', 'integer'), column('price', 'numeric(10,2)')]),
      table('public', 'active_customers', [column('id', 'bigint'), column('name', 'text')], { kind: 'view' }),
      table('sales', 'orders', [column('id', 'bigint', { notNull: true, inPrimaryKey: true }), column('customer_id', 'bigint'), column('total', 'numeric'), column('status', 'sales.status')]),
      table('pg_catalog', 'pg_class', [column('oid', 'oid'), column('relname', 'name')]),
    ],
    routines: [
      { schema: 'pg_catalog', name: 'lower', kind: 'function', arguments: 'text', result: 'text', comment: 'lowercase' },
      { schema: 'pg_catalog', name: 'count', kind: 'aggregate', arguments: '"any"', result: 'bigint', comment: null },
      { schema: 'pg_catalog', name: 'round', kind: 'function', arguments: 'numeric, integer', result: 'numeric', comment: null },
      { schema: 'pg_catalog', name: 'round', kind: 'function', arguments: 'double precision', result: 'double precision', comment: null },
      { schema: 'sales', name: 'tax', kind: 'function', arguments: 'amount numeric, rate numeric DEFAULT 0.2', result: 'numeric', comment: 'tax of an amount' },
    ],
    types: [
      { schema: 'pg_catalog', name: 'int4', kind: 'base', labels: null, baseType: null, comment: null },
      { schema: 'pg_catalog', name: 'text', kind: 'base', labels: null, baseType: null, comment: null },
      { schema: 'sales', name: 'status', kind: 'enum', labels: ['new', 'paid'], baseType: null, comment: null },
    ],
    keywords: KEYWORDS,
  };
}

/** `schemas` x `tables` x `columns`: s0..s9, t0..t999, c0..c9 (the bench's 10 x 1,000 x 10). */
export function syntheticCatalog(schemas: number, tables: number, columns: number): CatalogSnapshot {
  const relations: CatalogRelation[] = [];
  for (let s = 0; s < schemas; s += 1) {
    for (let t = 0; t < tables; t += 1) {
      relations.push(table(`s${s}`, `t${t}`, Array.from({ length: columns }, (_, c) => column(`c${c}`, c % 2 ? 'text' : 'bigint'))));
    }
  }
  const routines = Array.from({ length: 3000 }, (_, i) => ({ schema: 'pg_catalog', name: `f${i}`, kind: 'function' as const, arguments: 'integer', result: 'integer', comment: null }));
  return {
    schemas: [...Array.from({ length: schemas }, (_, s) => ({ name: `s${s}`, system: false, comment: null, relationCount: tables })), { name: 'pg_catalog', system: true, comment: null, relationCount: 0 }],
    relations,
    routines,
    types: [],
    keywords: KEYWORDS,
  };
}
