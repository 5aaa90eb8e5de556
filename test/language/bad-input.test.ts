/**
 * Bad input for the language features, without VS Code: a large catalog loaded per schema (a
 * lookup asks for a schema's details and uses names meanwhile; held details stay within budget),
 * names that need quotes inserted quoted, an unterminated dollar quote or comment reported at its
 * start in one readable line, and a long script parsed in slices that yield to the event loop.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { CatalogIndex, DEFAULT_SESSION } from '../../src/extension/language/catalog-index';
import { suggest } from '../../src/extension/language/completion';
import { contextAt } from '../../src/extension/language/context';
import { SyntaxChecker } from '../../src/extension/language/parse-check';
import { loadScanner } from '../../src/extension/sql/scanner';
import type { CatalogSnapshot } from '../../src/pool';
import { column, syntheticCatalog, table } from './catalog-fixture';

/** What a lazy load gives: every relation by name, details of `detailed` (and pg_catalog) only. */
function lazySnapshot(whole: CatalogSnapshot, detailed: string[]): CatalogSnapshot {
  const keep = new Set(['pg_catalog', ...detailed]);
  return {
    ...whole,
    relations: whole.relations.map((r) => (keep.has(r.schema) ? r : { ...r, columns: [] })),
    routines: whole.routines.filter((r) => keep.has(r.schema)),
    types: whole.types.filter((t) => keep.has(t.schema)),
    detailed: [...keep],
  };
}

function detailsOf(whole: CatalogSnapshot, schemas: string[]): CatalogSnapshot {
  return {
    schemas: [],
    keywords: [],
    relations: whole.relations.filter((r) => schemas.includes(r.schema)),
    routines: whole.routines.filter((r) => schemas.includes(r.schema)),
    types: whole.types.filter((t) => schemas.includes(t.schema)),
    detailed: schemas,
  };
}

const labels = (text: string, index: CatalogIndex, session = DEFAULT_SESSION): string[] =>
  suggest(contextAt(text, text.indexOf('|') >= 0 ? text.indexOf('|') : text.length), index, session).map((s) => s.insertText);

describe('bad input for the language features', () => {
  before(async () => {
    await loadScanner();
  });

  test('a large catalog: names of every schema at once, columns of a schema once it is needed', () => {
    const whole = syntheticCatalog(10, 100, 10);
    const index = new CatalogIndex(lazySnapshot(whole, ['s0']));
    const asked: string[] = [];
    index.onWant = (schema) => asked.push(schema);
    const session = { searchPath: ['pg_catalog', 's0'], temp: [] };

    // Relation names of a schema not loaded in detail are offered at once.
    assert.ok(labels('SELECT * FROM s7.', index, session).includes('t42'));
    assert.deepEqual(asked, ['s7'], 'typing `s7.` asks for s7');
    // Its columns are not there yet: nothing is invented, the lookup says more is coming.
    assert.deepEqual(labels('SELECT x. FROM s7.t42 x'.replace('x. ', 'x.| '), index, session), []);
    assert.ok(index.pending);
    assert.deepEqual(asked, ['s7'], 'asked once, however many lookups');
    // A schema on the search path is there in detail already.
    assert.ok(labels('SELECT x.| FROM t3 x', index, session).includes('c9'));

    index.add(detailsOf(whole, ['s7']));
    assert.ok(!index.pending);
    assert.deepEqual(labels('SELECT x.| FROM s7.t42 x', index, session), ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9']);
  });

  test('held details stay within the column budget: the schema used longest ago goes back to names', () => {
    const whole = syntheticCatalog(5, 100, 10);
    const index = new CatalogIndex(lazySnapshot(whole, []), 2_500);
    for (const schema of ['s0', 's1', 's2', 's3']) index.add(detailsOf(whole, [schema]));
    assert.ok(index.stats().columns <= 2_500, `${index.stats().columns} columns held`);
    assert.deepEqual(index.detailedSchemas().sort(), ['pg_catalog', 's2', 's3']);
    // A dropped schema is asked for again when it is needed.
    const asked: string[] = [];
    index.onWant = (schema) => asked.push(schema);
    index.relation({ schema: 's0', name: 't1' }, DEFAULT_SESSION);
    assert.deepEqual(asked, ['s0']);
  });

  test('names that need quotes are inserted quoted: spaces, quotes, capitals, Unicode', () => {
    const names = ['Order Lines', 'say "hi"', 'Customers', 'café', 'Ärger', 'select'];
    const index = new CatalogIndex({
      schemas: [{ name: 'public', system: false, comment: null, relationCount: names.length }],
      relations: names.map((n) => table('public', n, [column(n)])),
      routines: [],
      types: [],
      keywords: [],
    });
    const got = labels('SELECT * FROM |', index);
    for (const quoted of ['"Order Lines"', '"say ""hi"""', '"Customers"', '"café"', '"Ärger"', '"select"']) assert.ok(got.includes(quoted), `${quoted} in ${got.join(' ')}`);
    assert.deepEqual(labels('SELECT x.| FROM "say ""hi""" x', index), ['"say ""hi"""']);
  });

  test('an unterminated dollar quote or comment: one error at its start, in one short line; completion before it still works', () => {
    const body = 'SELECT a FROM t;\n'.repeat(200);
    for (const [opener, kind] of [['$$', 'dollar-quoted string'], ['$fn$', 'dollar-quoted string'], ['/*', '/* comment']] as const) {
      const script = `SELECT 1;\nSELECT ${opener} never closed\n${body}`;
      const problems = new SyntaxChecker().problems(script);
      assert.equal(problems.length, 1, opener);
      assert.equal(problems[0].offset, script.indexOf(opener), `${opener} is reported where it opens`);
      assert.match(problems[0].message, new RegExp(`^unterminated ${kind.replace(/[$*/]/g, '\\$&')} at or near "`));
      assert.ok(!problems[0].message.includes('\n') && problems[0].message.length < 120, problems[0].message);
    }
    const index = new CatalogIndex(syntheticCatalog(1, 3, 2));
    assert.ok(labels('SELECT x.| FROM s0.t1 x WHERE $$ open', index).includes('c1'));
    assert.ok(labels('SELECT x.| FROM s0.t1 x /* open', index).includes('c0'));
  });

  test('a long script is parsed in slices: the event loop runs between them, the verdict is the same', async () => {
    const script = 'SELECT a, b FROM s.t WHERE a > 1;\n'.repeat(20_000) + 'SELECT FROM WHERE;\n';
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 1);
    const problems = await new SyntaxChecker().problemsInSlices(script, () => true, 5);
    clearInterval(timer);
    assert.ok(problems);
    assert.equal(problems.length, 1);
    assert.ok(ticks > 0, 'timers ran while the script was parsed');
    assert.deepEqual(new SyntaxChecker().problems(script), problems);
    // A newer pass makes this one stop early, returning nothing.
    assert.equal(await new SyntaxChecker().problemsInSlices(script, () => false, 1), undefined);
  });
});
