/**
 * Introspection speed (issue 4) on a generated database of 10 schemas x 1,000 tables x 10 columns:
 * each PgPool introspection call beside the information_schema queries that answer the same
 * question, measured alternately in the same run (median of several runs each).
 *
 *   node --import tsx bench/introspect.ts      prints the figures
 *
 * `runIntrospectionBench()` returns them for `npm run bench`. Never run from tests: timings are
 * facts to read, not assertions.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Client } from 'pg';
import { PgPool } from '../src/pool';
import { MAIN_MAJOR, startCluster } from '../test/harness/cluster';
import type { Cluster } from '../test/harness/cluster';
import type { BenchFigure } from './types';

export type { BenchFigure };


const SCHEMAS = 10;
const TABLES_PER_SCHEMA = 1_000;
const RUNS = 31;
/** The schema and table the per-schema and per-table figures look at. */
const SCHEMA = 'bench_05';
const TABLE = 't_0500';

/**
 * Builds the database server-side: one DO block per schema, committing every 100 tables so no
 * transaction holds thousands of locks. Each table: a primary key, 9 more columns of mixed types,
 * a second index, a comment, and a foreign key to the previous table of its schema.
 */
export async function generateIntrospectionDatabase(client: Client): Promise<void> {
  for (let s = 1; s <= SCHEMAS; s++) {
    const schema = `bench_${String(s).padStart(2, '0')}`;
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`DO $$
      DECLARE t text; prev text;
      BEGIN
        FOR i IN 1..${TABLES_PER_SCHEMA} LOOP
          t := format('t_%s', lpad(i::text, 4, '0'));
          EXECUTE format('CREATE TABLE %I.%I (id int PRIMARY KEY, parent_id int, name text NOT NULL, note text,
            amount numeric(12,2) DEFAULT 0, created timestamptz DEFAULT now(), flag boolean, code varchar(20),
            data jsonb, score double precision)', '${schema}', t);
          EXECUTE format('CREATE INDEX ON %I.%I (name)', '${schema}', t);
          EXECUTE format('COMMENT ON TABLE %I.%I IS %L', '${schema}', t, 'table ' || i);
          IF prev IS NOT NULL THEN
            EXECUTE format('ALTER TABLE %I.%I ADD FOREIGN KEY (parent_id) REFERENCES %I.%I (id)', '${schema}', t, '${schema}', prev);
          END IF;
          prev := t;
          IF i % 100 = 0 THEN COMMIT; END IF;
        END LOOP;
      END $$`);
  }
  await client.query('ANALYZE');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/**
 * listRelations is held to its ratio in every run, not on a median of all: five runs of this many
 * calls each (ours and the baseline alternated, after the warm-up), each run's ratio reported.
 */
const RATIO_RUNS = 5;
const CALLS_PER_RUN = 11;

/** Per run: the medians of `ours` and `baseline` over CALLS_PER_RUN alternated calls, and their ratio. */
async function compareRuns(ours: () => Promise<unknown>, baseline: () => Promise<unknown>): Promise<{ value: number; baseline: number; ratios: number[] }> {
  await ours();
  await baseline();
  const values: number[] = [];
  const baselines: number[] = [];
  for (let run = 0; run < RATIO_RUNS; run++) {
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < CALLS_PER_RUN; i++) {
      a.push(await timed(ours));
      b.push(await timed(baseline));
    }
    values.push(median(a));
    baselines.push(median(b));
  }
  return { value: median(values), baseline: median(baselines), ratios: values.map((v, i) => v / baselines[i]) };
}

/** Medians of `ours` and `baseline`, run alternately so drift lands on both sides alike. */
async function compare(ours: () => Promise<unknown>, baseline: (() => Promise<unknown>) | null): Promise<{ value: number; baseline: number | null }> {
  await ours();
  if (baseline) await baseline();
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    a.push(await timed(ours));
    if (baseline) b.push(await timed(baseline));
  }
  return { value: median(a), baseline: baseline ? median(b) : null };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function figure(
  name: string,
  measured: { value: number; baseline: number | null },
  note: string,
  target?: { text: string; met: (value: number, ratio: number | null) => boolean },
): BenchFigure {
  const ratio = measured.baseline ? measured.value / measured.baseline : null;
  return {
    // Figure 4 of `npm run bench` (issue 8): the introspection figures.
    name: `4. ${name}`,
    value: round(measured.value),
    unit: 'ms',
    baseline: measured.baseline === null ? null : round(measured.baseline),
    ratio: ratio === null ? null : round(ratio),
    target: target?.text ?? null,
    met: target ? target.met(measured.value, ratio) : null,
    note,
  };
}

/** The information_schema queries a client without pg_catalog knowledge would send. */
const IS = {
  schemas: [
    `SELECT schema_name FROM information_schema.schemata ORDER BY schema_name`,
    `SELECT table_schema, table_type, count(*) FROM information_schema.tables GROUP BY 1, 2`,
    `SELECT routine_schema, routine_type, count(*) FROM information_schema.routines GROUP BY 1, 2`,
  ],
  relations: `SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
  describe: [
    `SELECT column_name, ordinal_position, data_type, is_nullable, column_default, is_identity, is_generated, collation_name
     FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
    `SELECT tc.constraint_name, tc.constraint_type, kcu.column_name
     FROM information_schema.table_constraints tc
     LEFT JOIN information_schema.key_column_usage kcu
       ON kcu.constraint_schema = tc.constraint_schema AND kcu.constraint_name = tc.constraint_name
     WHERE tc.table_schema = $1 AND tc.table_name = $2`,
    `SELECT rc.constraint_name, rc.unique_constraint_name FROM information_schema.referential_constraints rc
     JOIN information_schema.table_constraints tc ON tc.constraint_schema = rc.constraint_schema AND tc.constraint_name = rc.constraint_name
     WHERE tc.table_schema = $1 AND tc.table_name = $2`,
  ],
  columns: `SELECT table_schema, table_name, column_name, ordinal_position, data_type FROM information_schema.columns
    WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2, 4`,
};

export async function runIntrospectionBench(log: (message: string) => void = () => undefined): Promise<BenchFigure[]> {
  let cluster: Cluster | undefined;
  let pool: PgPool | undefined;
  let client: Client | undefined;
  try {
    log(`starting PostgreSQL ${MAIN_MAJOR}`);
    cluster = await startCluster({ major: MAIN_MAJOR, settings: { shared_buffers: "'256MB'", max_wal_size: "'2GB'" } });
    client = await cluster.admin();
    const started = performance.now();
    await generateIntrospectionDatabase(client);
    log(`generated ${SCHEMAS} x ${TABLES_PER_SCHEMA} tables in ${Math.round((performance.now() - started) / 1000)} s`);
    pool = await PgPool.open(cluster.config());
    const p = pool;
    const c = client;
    const many = async (sqls: string[], params: unknown[] = []): Promise<void> => {
      for (const sql of sqls) await c.query(sql, sql.includes('$1') ? params : []);
    };

    const figures: BenchFigure[] = [];
    log('listSchemas');
    figures.push(
      figure('listSchemas (10 schemas, counts per kind)', await compare(() => p.listSchemas(), () => many(IS.schemas)),
        'baseline: information_schema.schemata + tables and routines counted per schema'),
    );
    log('listRelations');
    const relations = await compareRuns(() => p.listRelations(SCHEMA), () => c.query(IS.relations, [SCHEMA]));
    const worst = Math.max(...relations.ratios);
    figures.push(
      figure(
        `listRelations (${TABLES_PER_SCHEMA.toLocaleString('en')}-table schema)`,
        relations,
        'baseline: information_schema.tables of the schema (names and types only: no sizes, rows, comments); ' +
          `median of ${RATIO_RUNS} runs of ${CALLS_PER_RUN} calls each, ours and the baseline alternated after a warm-up; ` +
          `per-run ratios ${relations.ratios.map((r) => r.toFixed(2)).join(', ')} (${Math.min(...relations.ratios).toFixed(2)}-${worst.toFixed(2)}x); ` +
          'the target holds only if the ratio is met in each run',
        { text: `value < 50 ms and ratio <= 1 in each of ${RATIO_RUNS} runs`, met: (value) => value < 50 && worst <= 1 },
      ),
    );
    log('describeRelation');
    figures.push(
      figure('describeRelation (10 columns, 2 indexes, 2 foreign keys)', await compare(() => p.describeRelation(SCHEMA, TABLE), () => many(IS.describe, [SCHEMA, TABLE])),
        'baseline: information_schema.columns + table_constraints/key_column_usage + referential_constraints'),
    );
    log('listAllColumns');
    figures.push(
      figure(
        `listAllColumns (${(SCHEMAS * TABLES_PER_SCHEMA * 10).toLocaleString('en')} columns)`,
        await compare(() => p.listAllColumns(), () => c.query(IS.columns)),
        'baseline: information_schema.columns outside the system schemas',
      ),
    );
    log('schemaContents');
    figures.push(
      figure(`schemaContents (${TABLES_PER_SCHEMA.toLocaleString('en')}-table schema)`, await compare(() => p.schemaContents(SCHEMA), null),
        'relations, routines, sequences and types in four statements; no information_schema equivalent'),
    );
    return figures;
  } finally {
    await pool?.close();
    await client?.end().catch(() => undefined);
    await cluster?.stop();
  }
}

function printTable(figures: BenchFigure[]): void {
  const rows = figures.map((f) => [
    f.name,
    `${f.value} ${f.unit}`,
    f.baseline === null ? '-' : `${f.baseline} ${f.unit}`,
    f.ratio === null ? '-' : `${f.ratio}x`,
    f.target ?? '-',
    f.met === null ? '-' : f.met ? 'met' : 'NOT met',
  ]);
  const header = ['figure', 'median', 'information_schema', 'ratio', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  console.log([line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'));
  for (const f of figures) if (f.note) console.log(`  ${f.name}: ${f.note}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(__dirname, 'introspect.ts')) {
  runIntrospectionBench((message) => process.stderr.write(`[introspect bench] ${message}\n`))
    .then(printTable)
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
