/**
 * Hover text and signatures (describe.ts) over the shop catalog: what a user reads when the
 * mouse rests on a column, an alias, a table, a schema-qualified function.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { CatalogIndex, DEFAULT_SESSION } from '../../src/extension/language/catalog-index';
import { describeAt, objectAt, splitArguments } from '../../src/extension/language/describe';
import { loadScanner } from '../../src/extension/sql/scanner';
import { shopCatalog } from './catalog-fixture';

let index: CatalogIndex;

function hover(marked: string): string | undefined {
  const offset = marked.indexOf('|');
  return describeAt(marked.replace('|', ''), offset, index, DEFAULT_SESSION)?.markdown;
}

describe('hover descriptions', () => {
  before(async () => {
    await loadScanner();
    index = new CatalogIndex(shopCatalog());
  });

  test('a column through its alias: type, nullability, key, comment and table', () => {
    assert.equal(hover('SELECT c.i|d FROM customers c'), '**public.customers.id** — column\n\n`bigint` not null, primary key');
    assert.match(hover('SELECT c.na|me FROM customers c') ?? '', /`text` nullable\n\nfull name/);
    assert.match(hover('SELECT em|ail FROM customers') ?? '', /public\.customers\.email/);
  });

  test('a relation: kind, estimate, comment, its columns', () => {
    const text = hover('SELECT * FROM cust|omers c') ?? '';
    assert.match(text, /^\*\*public\.customers\*\* — table, ~0 rows/);
    assert.match(text, /who buys/);
    assert.match(text, /- email `text`/);
    assert.match(hover('SELECT c|.id FROM customers c') ?? '', /public\.customers/);
    assert.match(hover('SELECT * FROM sales.ord|ers') ?? '', /sales\.orders/);
  });

  test('a function: every signature and its comment', () => {
    assert.equal(hover('SELECT rou|nd(1.5)'), '```sql\nfunction pg_catalog.round(numeric, integer) → numeric\nfunction pg_catalog.round(double precision) → double precision\n```');
    assert.match(hover('SELECT sales.t|ax(10)') ?? '', /amount numeric, rate numeric DEFAULT 0\.2\) → numeric\n```\n\ntax of an amount/);
  });

  test('a CTE column has no catalog facts, and unknown names say nothing', () => {
    assert.equal(hover('SELECT nope|x FROM customers'), undefined);
    assert.equal(hover("SELECT 'cust|omers'"), undefined);
  });

  test('argument lists split at top-level commas only', () => {
    assert.deepEqual(splitArguments("a numeric(10,2), b text DEFAULT 'x,y'::text, VARIADIC c integer[]"), ['a numeric(10,2)', "b text DEFAULT 'x,y'::text", 'VARIADIC c integer[]']);
  });

  test('the object a name means, for go to definition', () => {
    const objectAtMark = (marked: string): unknown => objectAt(marked.replace('|', ''), marked.indexOf('|'), index, DEFAULT_SESSION);
    assert.deepEqual(objectAtMark('SELECT c|.id FROM customers c'), { kind: 'table', schema: 'public', name: 'customers' });
    assert.deepEqual(objectAtMark('SELECT * FROM sales.or|ders'), { kind: 'table', schema: 'sales', name: 'orders' });
    assert.deepEqual(objectAtMark('SELECT * FROM active_cu|stomers'), { kind: 'view', schema: 'public', name: 'active_customers' });
    assert.deepEqual(objectAtMark('SELECT sales.t|ax(1)'), { kind: 'function', schema: 'sales', name: 'tax' });
    assert.deepEqual(objectAtMark('SELECT 1::sales.sta|tus'), { kind: 'type', schema: 'sales', name: 'status' });
    assert.equal(objectAtMark('SELECT no|pe'), undefined);
  });
});

