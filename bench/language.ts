/**
 * Figure 10, the SQL editor (issue 12), on the introspection bench's database (10 schemas x 1,000
 * tables x 10 columns): the catalog cache's load over the browser session and its heap, completion
 * from request to items for `SELECT | FROM bench_03.t_0042 x` and `SELECT x.| FROM ...` with the
 * cache warm (p50 / p95 of many requests), and the parser's syntax pass over a 5,000-line script.
 * Completion runs the same code as the provider: the statement under the cursor
 * (statementForCursor), the context engine, the suggestions; only the VS Code item objects differ.
 *
 *   node --import tsx bench/language.ts      prints the figures
 *
 * `languageFigures()` returns them for `npm run bench -- --only=9`. Timings are facts to read,
 * never assertions.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PgPool } from '../src/pool';
import { LAZY_ABOVE } from '../src/extension/language/catalog-cache';
import { CatalogIndex, DEFAULT_SESSION } from '../src/extension/language/catalog-index';
import { suggest } from '../src/extension/language/completion';
import { contextAt } from '../src/extension/language/context';
import { statementForCursor } from '../src/extension/language/documents';
import { SyntaxChecker } from '../src/extension/language/parse-check';
import { loadScanner } from '../src/extension/sql/scanner';
import { splitStatements } from '../src/extension/sql/splitter';
import { MAIN_MAJOR, startCluster } from '../test/harness/cluster';
import { figure } from './figure';
import { generateIntrospectionDatabase } from './introspect';
import { median, round } from './stats';
import type { BenchFigure } from './types';

const LOAD_RUNS = 5;
const COMPLETION_RUNS = 300;
const PARSE_RUNS = 11;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Milliseconds per completion request at the `|` of `marked`, inside a 200-line document. */
function completionTimes(marked: string, index: CatalogIndex): { times: number[]; items: number } {
  const filler = Array.from({ length: 100 }, (_, i) => `SELECT ${i} AS n;`).join('\n');
  const document = `${filler}\n${marked.replace('|', '')}\n${filler}`;
  const offset = filler.length + 1 + marked.indexOf('|');
  // The provider splits once per document version (statementsOf caches it); a keystroke makes a
  // new version, so each request here pays the split too.
  let items = 0;
  const times: number[] = [];
  for (let i = 0; i < COMPLETION_RUNS; i++) {
    const started = performance.now();
    const statement = statementForCursor(document, splitStatements(document), offset);
    const found = suggest(contextAt(statement.text, offset - statement.start), index, DEFAULT_SESSION);
    times.push(performance.now() - started);
    items = found.length;
  }
  return { times: times.slice(10), items };
}

function script(lines: number, withError: boolean): string {
  const out: string[] = [];
  for (let i = 0; out.length < lines; i++) {
    out.push(`SELECT a, b, c FROM s1.t${i} x JOIN s2.u y ON x.id = y.id`, `  WHERE x.v > ${i} AND y.w < 3`, ' GROUP BY 1', ' ORDER BY 2', ' LIMIT 5;');
  }
  // A GROUP BY line of the last statements (lines repeat in fives): one error, no new `;`.
  if (withError) out[lines - 3] = ' GROUP BY FROM';
  return out.slice(0, lines).join('\n');
}

export async function languageFigures(log: (message: string) => void = () => undefined): Promise<BenchFigure[]> {
  await loadScanner();
  const cluster = await startCluster({ major: MAIN_MAJOR });
  let pool: PgPool | undefined;
  try {
    log('generating 10 schemas x 1,000 tables x 10 columns');
    const client = await cluster.admin();
    try {
      await generateIntrospectionDatabase(client);
    } finally {
      await client.end();
    }
    pool = await PgPool.open(cluster.config());
    await pool.loadCatalog();
    log('loading the catalog');
    const loads: number[] = [];
    let index: CatalogIndex | undefined;
    let heapMb = 0;
    for (let i = 0; i < LOAD_RUNS; i++) {
      index = undefined;
      const heapBefore = process.memoryUsage().heapUsed;
      const started = performance.now();
      index = new CatalogIndex(await pool.loadCatalog());
      loads.push(performance.now() - started);
      heapMb = Math.max(heapMb, (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024);
    }
    if (!index) throw new Error('no catalog');
    const { relations, columns } = index.stats();

    // What the cache does at this size (over LAZY_ABOVE relations): every name, one schema in detail, then another on first need.
    log('loading lazily per schema');
    const lazyLoads: number[] = [];
    const schemaLoads: number[] = [];
    let lazyHeapMb = 0;
    let rssMb = 0;
    for (let i = 0; i < LOAD_RUNS; i++) {
      const heapBefore = process.memoryUsage().heapUsed;
      const rssBefore = process.memoryUsage.rss();
      let started = performance.now();
      const lazy = new CatalogIndex(await pool.loadCatalog({ lazyAbove: LAZY_ABOVE, detailed: ['public', 'bench_03'] }));
      lazyLoads.push(performance.now() - started);
      started = performance.now();
      lazy.add(await pool.loadCatalog({ schemas: ['bench_07'], detailsOnly: true }));
      schemaLoads.push(performance.now() - started);
      lazyHeapMb = Math.max(lazyHeapMb, (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024);
      rssMb = Math.max(rssMb, (process.memoryUsage.rss() - rssBefore) / 1024 / 1024);
      if (!lazy.lazy) throw new Error('the bench catalog should load lazily');
    }

    log('completion');
    const select = completionTimes('SELECT | FROM bench_03.t_0042 x', index);
    const member = completionTimes('SELECT x.| FROM bench_03.t_0042 x', index);
    if (member.items !== 10) throw new Error(`x. gave ${member.items} items, not the table's 10 columns`);

    const joins = Array.from({ length: 1000 }, (_, i) => `JOIN bench_03.t_${String(i % 1000).padStart(4, '0')} j${i} ON true`).join('\n');
    const thousand = completionTimes(`SELECT j999.| FROM bench_03.t_0001 x ${joins}`, index);
    if (thousand.items !== 10) throw new Error(`j999. gave ${thousand.items} items`);

    log('syntax pass over 5,000 lines');
    const valid = script(5000, false);
    const broken = script(5000, true);
    const checker = new SyntaxChecker();
    // As the user types: each pass follows an edit of one statement (a literal changed), so the
    // pass splits the script and parses that statement; the first pass (everything) is not timed.
    checker.problems(valid);
    checker.problems(broken);
    const pass = (text: string): number[] => {
      const times: number[] = [];
      const marker = text.indexOf('LIMIT 5;');
      for (let i = 0; i < PARSE_RUNS; i++) {
        const edited = `${text.slice(0, marker)}LIMIT ${i + 6};${text.slice(marker + 'LIMIT 5;'.length)}`;
        const started = performance.now();
        checker.problems(edited);
        times.push(performance.now() - started);
      }
      return times;
    };
    const validTimes = pass(valid);
    if (checker.problems(broken).length !== 1) throw new Error('the broken script should have one error');
    // An edit elsewhere in a broken script: the split and the whole-script parse again, each statement from memory.
    const editedTimes = pass(broken);

    const note = `${relations} relations, ${columns} columns, plus pg_catalog's functions and keywords`;
    return [
      figure({ name: '10. catalog cache load (10 x 1,000 x 10)', value: median(loads), unit: 'ms', baseline: null, target: { of: 'value', op: '<', limit: 1000 }, note: `PgPool.loadCatalog + index, median of ${LOAD_RUNS}; ${note}` }),
      figure({ name: '10. catalog cache heap', value: round(heapMb, 1), unit: 'MB', baseline: null, target: { of: 'value', op: '<', limit: 50 }, note: 'heapUsed growth while one snapshot and its index are held (an upper bound: garbage of the load included)' }),
      figure({ name: '10. catalog cache load, lazy (names + 2 schemas)', value: median(lazyLoads), unit: 'ms', baseline: null, target: { of: 'value', op: '<', limit: 1000 }, note: `what the cache loads above ${LAZY_ABOVE} relations: every schema and relation name, columns/routines/types of public, bench_03 and pg_catalog` }),
      figure({ name: '10. catalog cache, one more schema on first need', value: median(schemaLoads), unit: 'ms', baseline: null, note: 'loadCatalog({ schemas, detailsOnly }) + index.add: 1,000 tables x 10 columns' }),
      figure({ name: '10. catalog cache heap, lazy', value: round(lazyHeapMb, 1), unit: 'MB', baseline: null, target: { of: 'value', op: '<', limit: 50 }, note: 'heapUsed growth with names of all and 3 schemas in detail (garbage of the load included)' }),
      figure({ name: '10. catalog cache RSS growth, lazy', value: round(rssMb, 1), unit: 'MB', baseline: null, target: { of: 'value', op: '<', limit: 50 }, note: 'process RSS growth over the same load (after the whole loads above had grown the heap once)' }),
      figure({ name: '10. completion `SELECT | FROM s.t x` p50', value: median(select.times), unit: 'ms', baseline: null, note: `${select.items} items: the table's columns, functions on the search_path, keywords` }),
      figure({ name: '10. completion `SELECT | FROM s.t x` p95', value: percentile(select.times, 95), unit: 'ms', baseline: null, target: { of: 'value', op: '<', limit: 30 } }),
      figure({ name: '10. completion `x.|` p50', value: median(member.times), unit: 'ms', baseline: null }),
      figure({ name: '10. completion `x.|` p95', value: percentile(member.times, 95), unit: 'ms', baseline: null, target: { of: 'value', op: '<', limit: 30 } }),
      figure({ name: '10. completion `j999.|` in a 1,000-join statement p95', value: percentile(thousand.times, 95), unit: 'ms', baseline: null, target: { of: 'value', op: '<', limit: 30 }, note: 'the context engine over a statement of ~40,000 characters' }),
      figure({ name: '10. syntax pass, 5,000-line script', value: median(validTimes), unit: 'ms', baseline: null, target: { of: 'value', op: '<', limit: 50 }, note: 'valid script, after an edit of one statement: the split, then that statement parsed (the others remembered)' }),
      figure({ name: '10. syntax pass, 5,000 lines with an error', value: median(editedTimes), unit: 'ms', baseline: null, note: 'split into statements, each verdict remembered from the pass before' }),
    ];
  } finally {
    await pool?.close();
    await cluster.stop();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(__dirname, 'language.ts')) {
  languageFigures((message) => process.stderr.write(`[language bench] ${message}\n`))
    .then((figures) => {
      for (const f of figures) console.log(`${f.name}: ${f.value} ${f.unit}${f.target ? ` (target ${f.target}: ${f.met ? 'met' : 'NOT met'})` : ''}${f.note ? ` — ${f.note}` : ''}`);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
