/**
 * The context engine and completion (src/extension/language) over a small catalog, without VS
 * Code: what a user would see in the list at each cursor position (`|`), in complete and
 * unfinished statements. Plus whole families of positions: every cursor inside a string or a
 * comment offers nothing, every cursor inside the word after FROM offers relations, every alias
 * of a 12-way join completes its own table's columns.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { CatalogIndex } from '../../src/extension/language/catalog-index';
import type { SessionView } from '../../src/extension/language/catalog-index';
import { suggest } from '../../src/extension/language/completion';
import { contextAt } from '../../src/extension/language/context';
import type { ContextKind } from '../../src/extension/language/context';
import { loadScanner } from '../../src/extension/sql/scanner';
import { column, shopCatalog, table } from './catalog-fixture';

let index: CatalogIndex;
const session: SessionView = {
  searchPath: ['pg_catalog', 'public'],
  temp: [table('pg_temp_3', 'scratch', [column('x'), column('note', 'text')])],
};

function at(marked: string): { text: string; offset: number } {
  const offset = marked.indexOf('|');
  assert.ok(offset >= 0, `no | in ${marked}`);
  return { text: marked.slice(0, offset) + marked.slice(offset + 1), offset };
}

function labels(marked: string): string[] {
  const { text, offset } = at(marked);
  return suggest(contextAt(text, offset), index, session).map((s) => s.insertText);
}

function kindAt(marked: string): ContextKind {
  const { text, offset } = at(marked);
  return contextAt(text, offset).kind;
}

interface Case {
  sql: string;
  kind: ContextKind;
  has?: string[];
  lacks?: string[];
}

const CASES: Case[] = [
  // Relations after FROM / JOIN / UPDATE / INTO / TABLE, qualified when off the search path.
  { sql: 'SELECT * FROM |', kind: 'relation', has: ['customers', '"Order Lines"', 'sales.orders', 'active_customers', 'scratch', 'sales', 'public'], lacks: ['pg_class', 'orders'] },
  { sql: 'SELECT * FROM cu|', kind: 'relation', has: ['customers'] },
  { sql: 'SELECT * FROM "Order|', kind: 'relation', has: ['"Order Lines"'] },
  { sql: 'SELECT * FROM customers c JOIN |', kind: 'relation', has: ['sales.orders'] },
  { sql: 'SELECT * FROM customers c LEFT JOIN | ON true', kind: 'relation', has: ['customers'] },
  { sql: 'SELECT * FROM customers, |', kind: 'relation', has: ['"Order Lines"'] },
  { sql: 'UPDATE |', kind: 'relation', has: ['customers'] },
  { sql: 'INSERT INTO |', kind: 'relation', has: ['customers'] },
  { sql: 'DELETE FROM |', kind: 'relation', has: ['customers'] },
  { sql: 'TABLE |', kind: 'relation', has: ['customers'] },
  { sql: 'TRUNCATE |', kind: 'relation', has: ['customers'] },
  { sql: 'SELECT * FROM ONLY |', kind: 'relation', has: ['customers'] },
  { sql: 'WITH recent AS (SELECT 1 AS n) SELECT * FROM |', kind: 'relation', has: ['recent', 'customers'] },
  { sql: 'SELECT * FROM (SELECT * FROM |) s', kind: 'relation', has: ['customers'] },
  { sql: 'SELECT * FROM customers WHERE id IN (SELECT customer_id FROM |)', kind: 'relation', has: ['sales.orders'] },
  // schema.
  { sql: 'SELECT * FROM sales.|', kind: 'member', has: ['orders', 'tax', 'status'], lacks: ['customers'] },
  { sql: 'SELECT * FROM pg_catalog.|', kind: 'member', has: ['pg_class', 'lower'] },
  { sql: 'SELECT * FROM sales.ord|', kind: 'member', has: ['orders'] },
  // Columns of the relations in scope.
  { sql: 'SELECT | FROM customers', kind: 'column', has: ['id', 'name', 'email', 'lower', 'count'], lacks: ['total'] },
  { sql: 'SELECT | FROM customers c JOIN sales.orders o ON o.customer_id = c.id', kind: 'column', has: ['id', 'email', 'customer_id', 'total', 'c', 'o'] },
  { sql: 'SELECT id, | FROM customers', kind: 'column', has: ['email'] },
  { sql: 'SELECT na| FROM customers', kind: 'column', has: ['name'] },
  { sql: 'SELECT * FROM customers WHERE |', kind: 'column', has: ['email'] },
  { sql: 'SELECT * FROM customers WHERE id = 1 AND |', kind: 'column', has: ['email'] },
  { sql: 'SELECT * FROM customers WHERE id = 1 OR |', kind: 'column', has: ['name'] },
  { sql: 'SELECT * FROM customers WHERE NOT |', kind: 'column', has: ['name'] },
  { sql: 'SELECT * FROM customers WHERE id > |', kind: 'column', has: ['id'] },
  { sql: 'SELECT * FROM customers c JOIN sales.orders o ON |', kind: 'column', has: ['customer_id', 'email'] },
  { sql: 'SELECT name FROM customers GROUP BY |', kind: 'column', has: ['name'] },
  { sql: 'SELECT name FROM customers ORDER BY |', kind: 'column', has: ['email'] },
  { sql: 'SELECT name FROM customers GROUP BY name HAVING |', kind: 'column', has: ['id'] },
  { sql: 'UPDATE customers SET |', kind: 'column', has: ['email'] },
  { sql: 'UPDATE customers SET name = | WHERE id = 1', kind: 'column', has: ['email'] },
  { sql: 'DELETE FROM customers WHERE |', kind: 'column', has: ['email'] },
  { sql: 'INSERT INTO customers (name) VALUES (1) RETURNING |', kind: 'column', has: ['id'] },
  { sql: 'SELECT CASE WHEN | THEN 1 END FROM customers', kind: 'column', has: ['email'] },
  { sql: 'SELECT lower(|) FROM customers', kind: 'column', has: ['name'] },
  { sql: 'SELECT round(total, |) FROM sales.orders', kind: 'column', has: ['total'] },
  { sql: 'SELECT * FROM scratch WHERE |', kind: 'column', has: ['note'] },
  { sql: 'SELECT | FROM "Order Lines"', kind: 'column', has: ['"Qty"', 'order_id'] },
  // alias. / table. / schema.table.
  { sql: 'SELECT c.| FROM customers c', kind: 'member', has: ['id', 'name', 'email'], lacks: ['lower', 'total'] },
  { sql: 'SELECT c.em| FROM customers c', kind: 'member', has: ['email'] },
  { sql: 'SELECT customers.| FROM customers', kind: 'member', has: ['email'] },
  { sql: 'SELECT o.| FROM customers c JOIN sales.orders o ON o.customer_id = c.id', kind: 'member', has: ['total', 'customer_id'], lacks: ['email'] },
  { sql: 'SELECT * FROM customers c JOIN sales.orders o ON o.| = c.id', kind: 'member', has: ['customer_id'] },
  { sql: 'SELECT * FROM customers c JOIN sales.orders o ON o.customer_id = c.|', kind: 'member', has: ['id'] },
  { sql: 'SELECT sales.orders.| FROM sales.orders', kind: 'member', has: ['total'] },
  { sql: 'SELECT l.| FROM "Order Lines" AS l', kind: 'member', has: ['"Qty"', 'price'] },
  { sql: 'SELECT x.| FROM customers AS x WHERE', kind: 'member', has: ['email'] },
  { sql: 'SELECT s.| FROM scratch s', kind: 'member', has: ['note'] },
  // CTEs, subqueries, correlated scopes.
  { sql: 'WITH r AS (SELECT id, name AS who FROM customers) SELECT r.| FROM r', kind: 'member', has: ['id', 'who'], lacks: ['name', 'email'] },
  { sql: 'WITH r AS (SELECT id, name AS who FROM customers) SELECT x.| FROM r x', kind: 'member', has: ['who'] },
  { sql: 'WITH r AS (SELECT * FROM customers) SELECT r.| FROM r', kind: 'member', has: ['email'] },
  { sql: 'WITH r (a, b) AS (SELECT id, name FROM customers) SELECT r.| FROM r', kind: 'member', has: ['a', 'b'], lacks: ['id'] },
  { sql: 'WITH r AS (SELECT c.*, o.total FROM customers c JOIN sales.orders o ON true) SELECT r.| FROM r', kind: 'member', has: ['email', 'total'], lacks: ['customer_id'] },
  { sql: 'WITH a AS (SELECT id FROM customers), b AS (SELECT a.| FROM a) SELECT 1', kind: 'member', has: ['id'] },
  { sql: 'WITH a AS (SELECT id FROM customers), b AS (SELECT id AS bid FROM a) SELECT | FROM b', kind: 'column', has: ['bid'], lacks: ['email'] },
  { sql: 'WITH RECURSIVE t AS (SELECT 1 AS n) SELECT t.| FROM t', kind: 'member', has: ['n'] },
  { sql: 'SELECT s.| FROM (SELECT id, email AS mail FROM customers) s', kind: 'member', has: ['id', 'mail'], lacks: ['name'] },
  { sql: 'SELECT s.| FROM (SELECT id, email AS mail FROM customers) AS s', kind: 'member', has: ['mail'] },
  { sql: 'SELECT s.| FROM (SELECT count(*) AS n, lower(name) FROM customers) s', kind: 'member', has: ['n', 'lower'] },
  { sql: 'SELECT v.| FROM (VALUES (1, 2)) v', kind: 'member', has: ['column1', 'column2'] },
  { sql: 'SELECT v.| FROM (VALUES (1, 2)) v (a, b)', kind: 'member', has: ['a', 'b'] },
  { sql: 'SELECT * FROM customers c WHERE EXISTS (SELECT 1 FROM sales.orders o WHERE o.customer_id = c.|)', kind: 'member', has: ['email'] },
  { sql: 'SELECT * FROM customers c WHERE EXISTS (SELECT 1 FROM sales.orders o WHERE |)', kind: 'column', has: ['total', 'email'] },
  { sql: 'SELECT (SELECT max(o.|) FROM sales.orders o) FROM customers', kind: 'member', has: ['total'] },
  { sql: 'SELECT a.| FROM customers a UNION SELECT b.id FROM sales.orders b', kind: 'member', has: ['email'] },
  { sql: 'SELECT a.id FROM customers a UNION SELECT b.| FROM sales.orders b', kind: 'member', has: ['total'] },
  // Unfinished statements: the FROM after the cursor still counts, a missing one does not hurt.
  { sql: 'SELECT c.| FROM customers c WHERE c.id = ', kind: 'member', has: ['email'] },
  { sql: 'SELECT c.| FROM customers c JOIN', kind: 'member', has: ['email'] },
  { sql: 'SELECT c.name, c.| FROM customers c WHERE (', kind: 'member', has: ['email'] },
  { sql: 'SELECT * FROM customers c WHERE c.name = \'x|', kind: 'none' },
  { sql: 'SELECT c.| FROM customers c WHERE c.name = \'unterminated', kind: 'member', has: ['email'] },
  { sql: 'SELECT c.| FROM customers c /* unterminated comment', kind: 'member', has: ['email'] },
  { sql: 'SELECT $$ body |', kind: 'none' },
  // INSERT INTO t (: t's columns.
  { sql: 'INSERT INTO customers (|', kind: 'insertColumns', has: ['id', 'name', 'email'], lacks: ['lower'] },
  { sql: 'INSERT INTO customers (name, |', kind: 'insertColumns', has: ['email'] },
  { sql: 'INSERT INTO sales.orders (|) VALUES (1)', kind: 'insertColumns', has: ['total'] },
  { sql: 'INSERT INTO "Order Lines" (|', kind: 'insertColumns', has: ['"Qty"'] },
  // Types after :: and in column definitions.
  { sql: 'SELECT 1::|', kind: 'type', has: ['int4', 'integer', 'sales.status'] },
  { sql: 'SELECT id::| FROM customers', kind: 'type', has: ['text'] },
  { sql: 'CREATE TABLE t (a |', kind: 'type', has: ['integer', 'sales.status'] },
  { sql: 'CREATE TABLE t (a int, b |', kind: 'type', has: ['text'] },
  { sql: 'CREATE TEMP TABLE t (a int NOT NULL, b |)', kind: 'type', has: ['text'] },
  // Keywords where no name fits.
  { sql: 'SELECT * FROM customers |', kind: 'keyword', has: ['WHERE', 'JOIN'] },
  { sql: '|', kind: 'keyword', has: ['SELECT'] },
  { sql: 'SEL|', kind: 'keyword', has: ['SELECT'] },
  { sql: 'SELECT 1 AS |', kind: 'keyword' },
  // Nothing inside literals, numbers, quoted names already closed.
  { sql: "SELECT 'abc|'", kind: 'none' },
  { sql: 'SELECT 12|3', kind: 'none' },
  { sql: "SELECT E'it\\'s |'", kind: 'none' },
];

describe('the context engine and completion', () => {
  before(async () => {
    await loadScanner();
    index = new CatalogIndex(shopCatalog());
  });

  for (const c of CASES) {
    test(c.sql, () => {
      assert.equal(kindAt(c.sql), c.kind, `kind at ${c.sql}`);
      const got = labels(c.sql);
      for (const label of c.has ?? []) assert.ok(got.includes(label), `${label} missing from ${JSON.stringify(got.slice(0, 40))}`);
      for (const label of c.lacks ?? []) assert.ok(!got.includes(label), `${label} offered at ${c.sql}`);
      if (c.kind === 'none') assert.deepEqual(got, []);
    });
  }

  test('every position inside strings, comments and dollar quotes offers nothing', () => {
    const text = "SELECT 'a string', /* a comment */ $q$ dollar body $q$, E'it\\'s here', -- line comment\n 1";
    const spans = [
      [text.indexOf("'a") + 1, text.indexOf("g'") + 1],
      [text.indexOf('/*') + 2, text.indexOf('*/')],
      [text.indexOf('$q$ ') + 3, text.lastIndexOf('$q$')],
      [text.indexOf("E'") + 2, text.indexOf("here'") + 4],
      [text.indexOf('--') + 2, text.indexOf('\n')],
    ];
    let positions = 0;
    for (const [from, to] of spans) {
      for (let offset = from; offset < to; offset += 1) {
        const context = contextAt(text, offset);
        assert.deepEqual(suggest(context, index, session), [], `offset ${offset}: ${JSON.stringify(text.slice(0, offset))}`);
        positions += 1;
      }
    }
    assert.equal(positions, 55);
  });

  test('every position inside the word after FROM offers relations filtered by what was typed', () => {
    const text = 'SELECT id FROM customers WHERE id = 1';
    const word = text.indexOf('customers');
    for (let offset = word; offset <= word + 'customers'.length; offset += 1) {
      const context = contextAt(text, offset);
      assert.equal(context.kind, 'relation', `offset ${offset}`);
      assert.equal(context.prefix, 'customers'.slice(0, offset - word));
      assert.equal(context.prefixStart, offset === word ? offset : word);
    }
  });

  test('each alias of a 12-way join completes its own relation, at every alias', () => {
    const tables = ['customers', 'sales.orders', '"Order Lines"', 'scratch'];
    const joins = Array.from({ length: 12 }, (_, i) => `${i === 0 ? 'FROM' : 'JOIN'} ${tables[i % 4]} a${i}${i === 0 ? '' : ' ON true'}`);
    const expected = ['email', 'total', '"Qty"', 'note'];
    for (let i = 0; i < 12; i += 1) {
      for (const where of ['select', 'where', 'on']) {
        const sql =
          where === 'select' ? `SELECT a${i}.| ${joins.join(' ')}`
          : where === 'where' ? `SELECT 1 ${joins.join(' ')} WHERE a${i}.|`
          : `SELECT 1 ${joins.join(' ')} JOIN customers z ON a${i}.| = z.id`;
        const got = labels(sql);
        assert.ok(got.includes(expected[i % 4]), `a${i}. (${where}) gave ${got.join(', ')}`);
        assert.ok(!got.includes(expected[(i + 1) % 4]), `a${i}. (${where}) offers another table's column`);
      }
    }
  });

  test('every prefix of every column after `c.` keeps the column in the list and the prefix to replace', () => {
    const base = 'SELECT c. FROM customers c JOIN sales.orders o ON o.customer_id = c.id';
    const dot = base.indexOf('c.') + 2;
    let positions = 0;
    for (const name of ['id', 'name', 'email']) {
      for (let n = 0; n <= name.length; n += 1) {
        const text = base.slice(0, dot) + name.slice(0, n) + base.slice(dot);
        const context = contextAt(text, dot + n);
        assert.equal(context.kind, 'member');
        assert.equal(context.prefix, name.slice(0, n));
        assert.ok(suggest(context, index, session).some((s) => s.insertText === name), `${name.slice(0, n)}|`);
        positions += 1;
      }
    }
    assert.equal(positions, 14);
  });

  test('a statement with 1,000 joins: the last alias still completes', () => {
    const joins = Array.from({ length: 1000 }, (_, i) => `JOIN customers j${i} ON j${i}.id = j${i === 0 ? 0 : i - 1}.id`).join('\n');
    const text = `SELECT j999. FROM sales.orders o ${joins}`;
    const items = suggest(contextAt(text, 'SELECT j999.'.length), index, session);
    assert.ok(items.some((s) => s.insertText === 'email'));
  });

  test('a relation the tab cannot see unqualified is inserted with its schema; a name that needs quotes is quoted', () => {
    const items = suggest(contextAt('SELECT * FROM ', 14), index, session);
    const orders = items.find((s) => s.label === 'sales.orders');
    assert.equal(orders?.insertText, 'sales.orders');
    assert.equal(items.find((s) => s.label === '"Order Lines"')?.kind, 'relation');
    const onPath = suggest(contextAt('SELECT * FROM ', 14), index, { ...session, searchPath: ['pg_catalog', 'sales', 'public'] });
    assert.ok(onPath.some((s) => s.insertText === 'orders'), 'on the search path, no schema');
  });

  test('columns carry their type, nullability and comment', () => {
    const { text, offset } = at('SELECT c.| FROM customers c');
    const items = suggest(contextAt(text, offset), index, session);
    const id = items.find((s) => s.label === 'id');
    assert.equal(id?.detail, 'bigint not null (primary key)');
    assert.equal(items.find((s) => s.label === 'name')?.documentation, 'full name');
  });

  test('without a catalog: keywords and what the statement itself defines', () => {
    const { text, offset } = at('WITH r AS (SELECT 1 AS n) SELECT r.| FROM r');
    assert.deepEqual(suggest(contextAt(text, offset), undefined, session).map((s) => s.label), ['n']);
    const keywords = suggest(contextAt('', 0), undefined, session).map((s) => s.label);
    assert.ok(keywords.includes('SELECT'));
  });

  test('the call around the cursor and the argument it is in', () => {
    const { text, offset } = at('SELECT round(total, lower(name), |) FROM sales.orders');
    const call = contextAt(text, offset).call;
    assert.deepEqual(call?.name, { name: 'round' });
    assert.equal(call?.argument, 2);
    const inner = at('SELECT sales.tax(total, lower(|)) FROM sales.orders');
    assert.deepEqual(contextAt(inner.text, inner.offset).call?.name, { name: 'lower' });
    const qualifiedCall = at('SELECT sales.tax(total, |) FROM sales.orders');
    assert.deepEqual(contextAt(qualifiedCall.text, qualifiedCall.offset).call, { name: { schema: 'sales', name: 'tax' }, argument: 1, open: 16 });
    const none = at('INSERT INTO customers (|');
    assert.equal(contextAt(none.text, none.offset).call, undefined);
  });
});
