/**
 * Figure 6: 10,000 `SELECT 1` through execute on one session against client.query on one connection.
 * execute gets the options a Run of one statement passes (src/extension/editors/runner.ts:
 * `{ scrollable: true }`), so the figure is the pool's part of what a user's Run costs.
 */
import { Client } from 'pg';
import { PgPool } from '../../src/pool';
import { SUPERUSER, SUPERUSER_PASSWORD } from '../../test/harness/cluster';
import type { Cluster } from '../../test/harness/cluster';
import { BOUNCER_DB, canRunPgbouncer, startPgbouncer } from '../../test/harness/pgbouncer';
import { textCursor } from '../fixtures';
import { figure } from '../figure';
import { median, timed } from '../stats';
import type { BenchFigure } from '../types';

const STATEMENTS = 10_000;
/**
 * Each run sends the 10,000 statements of every series in chunks of this many, the series taking
 * turns, so a burst of other work on the shared machine lands on all of them alike.
 */
const CHUNK = 500;
const RUNS = 5;
const SESSION = 'bench:select1';
/** What runner.ts passes for a Run of one statement. */
const RUN_OPTIONS = { scrollable: true } as const;

export async function roundTripFigures(pool: PgPool, client: Client, cluster?: Cluster): Promise<BenchFigure[]> {
  const direct = await measure(pool, client);
  const figures = [
    figure({
      name: `6. ${STATEMENTS.toLocaleString('en')} x SELECT 1 (execute)`,
      value: direct.pool,
      unit: 'ms',
      baseline: direct.simple,
      target: { of: 'ratio', op: '<=', limit: 1.2 },
      note:
        'execute(sql, { scrollable: true }), the options a Run of one statement passes; baseline: client.query("SELECT 1") (simple protocol) on one pg.Client, awaited one by one; ' +
        `per-run ratios ${direct.spread}. A statement whose whole result the parser bounds to the first page (here: no FROM, no function call) goes as one Query message, no cursor (src/pool/whole-result.ts). ` +
        'The parser\'s verdict on a text is kept (src/pool/statement-verdict.ts: 64 texts of up to 8,192 characters, least recently used out), and this figure repeats one text, so after the first statement it measures a kept verdict; the next line measures a text never run before',
    }),
    figure({
      name: `6. ${STATEMENTS.toLocaleString('en')} x SELECT 1 (execute, a new text each time)`,
      value: direct.fresh,
      unit: 'ms',
      baseline: direct.simple,
      note: `execute("SELECT 1 AS c<n>", { scrollable: true }) with n counting up, so no verdict is ever kept and each statement pays the parse (libpg-query); baseline: client.query("SELECT 1") as above; per-run ratios ${direct.freshSpread}`,
    }),
    figure({
      name: `6. ${STATEMENTS.toLocaleString('en')} x SELECT 1 (execute without options, a portal)`,
      value: direct.portal,
      unit: 'ms',
      baseline: direct.simple,
      note: `execute(sql) with no options (the extension's own reads): a protocol portal, Parse..Execute + Flush, then Close + Sync after CommandComplete (src/pool/portal.ts); per-run ratios ${direct.portalSpread}`,
    }),
    figure({
      name: `6. ${STATEMENTS.toLocaleString('en')} x SELECT 1 (execute vs extended protocol, one round trip)`,
      value: direct.pool,
      unit: 'ms',
      baseline: direct.extended,
      note: 'baseline: client.query with queryMode "extended" (Parse/Bind/Describe/Execute/Sync in one round trip, all rows at once): the floor for a statement that could page',
    }),
    figure({
      name: `6. ${STATEMENTS.toLocaleString('en')} x SELECT 1 (execute vs raw pg-cursor)`,
      value: direct.pool,
      unit: 'ms',
      baseline: direct.cursor,
      note: 'baseline: pg-cursor open + read(100) + close per statement on one pg.Client (what the pool used before portal.ts)',
    }),
  ];
  if (cluster && !canRunPgbouncer()) {
    const bouncer = await startPgbouncer(cluster);
    const config = cluster.config({ host: bouncer.host, port: bouncer.port, database: BOUNCER_DB.transaction });
    const bouncedPool = await PgPool.open(config, { maxSize: 2 });
    const bouncedClient = new Client({ host: bouncer.host, port: bouncer.port, database: BOUNCER_DB.transaction, user: SUPERUSER, password: SUPERUSER_PASSWORD });
    try {
      await bouncedClient.connect();
      const through = await measure(bouncedPool, bouncedClient);
      figures.push(
        figure({
          name: `6. ${STATEMENTS.toLocaleString('en')} x SELECT 1 (execute, through pgbouncer in transaction mode)`,
          value: through.pool,
          unit: 'ms',
          baseline: through.simple,
          target: { of: 'ratio', op: '<=', limit: 1.2 },
          note: `Debian's pgbouncer, pool_mode=transaction, in front of the same cluster; execute with a Run's options; baseline: client.query("SELECT 1") through it; per-run ratios ${through.spread}`,
        }),
      );
    } finally {
      await bouncedPool.close();
      await bouncedClient.end().catch(() => undefined);
      await bouncer.stop();
    }
  }
  return figures;
}

interface Measured {
  pool: number;
  portal: number;
  simple: number;
  extended: number;
  cursor: number;
  spread: string;
  portalSpread: string;
  fresh: number;
  freshSpread: string;
}

async function measure(pool: PgPool, client: Client): Promise<Measured> {
  const execute = (options: { scrollable?: true }) => async (): Promise<void> => {
    for (let i = 0; i < CHUNK; i++) {
      const outcome = await pool.execute(SESSION, 'SELECT 1', options);
      if (outcome.kind !== 'rows' || outcome.page.rows[0]?.[0] !== '1') throw new Error('SELECT 1 gave no 1');
    }
  };
  const viaPool = execute(RUN_OPTIONS);
  const viaPortal = execute({});
  let fresh = 0;
  const viaPoolFresh = async (): Promise<void> => {
    for (let i = 0; i < CHUNK; i++) {
      const outcome = await pool.execute(SESSION, `SELECT 1 AS c${++fresh}`, RUN_OPTIONS);
      if (outcome.kind !== 'rows' || outcome.page.rows[0]?.[0] !== '1') throw new Error('SELECT 1 gave no 1');
    }
  };
  const raw = async (): Promise<void> => {
    for (let i = 0; i < CHUNK; i++) {
      const result = await client.query({ text: 'SELECT 1', rowMode: 'array' });
      if (result.rows.length !== 1) throw new Error('SELECT 1 gave no row');
    }
  };
  const extended = async (): Promise<void> => {
    for (let i = 0; i < CHUNK; i++) {
      const result = await client.query({ text: 'SELECT 1', rowMode: 'array', queryMode: 'extended' } as unknown as { text: string; rowMode: 'array' });
      if (result.rows.length !== 1) throw new Error('SELECT 1 gave no row');
    }
  };
  const rawCursor = async (): Promise<void> => {
    for (let i = 0; i < CHUNK; i++) {
      const cursor = client.query(textCursor('SELECT 1'));
      const rows = await cursor.read(100);
      if (rows.length !== 1) throw new Error('SELECT 1 gave no row');
      await cursor.close();
    }
  };
  // Warm both paths (JIT, the session's connection) before timing.
  await pool.execute(SESSION, 'SELECT 1', RUN_OPTIONS);
  await pool.execute(SESSION, 'SELECT 1');
  await client.query('SELECT 1');
  const poolMs: number[] = [];
  const portalMs: number[] = [];
  const freshMs: number[] = [];
  const rawMs: number[] = [];
  const cursorMs: number[] = [];
  const extendedMs: number[] = [];
  const series: [() => Promise<void>, number[]][] = [
    [viaPool, poolMs],
    [raw, rawMs],
    [viaPortal, portalMs],
    [viaPoolFresh, freshMs],
    [extended, extendedMs],
    [rawCursor, cursorMs],
  ];
  for (let i = 0; i < RUNS; i++) {
    const total = series.map(() => 0);
    for (let sent = 0; sent < STATEMENTS; sent += CHUNK) {
      for (const [k, [chunk]] of series.entries()) total[k] += (await timed(chunk)).ms;
    }
    for (const [k, [, ms]] of series.entries()) ms.push(total[k]);
  }
  await pool.releaseSession(SESSION);
  const spread = (ms: number[]): string => {
    const ratios = ms.map((value, i) => value / rawMs[i]);
    return `${ratios.map((r) => r.toFixed(2)).join(', ')} (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}x) over ${RUNS} runs`;
  };
  return {
    pool: median(poolMs),
    portal: median(portalMs),
    portalSpread: spread(portalMs),
    fresh: median(freshMs),
    freshSpread: spread(freshMs),
    simple: median(rawMs),
    extended: median(extendedMs),
    cursor: median(cursorMs),
    spread: spread(poolMs),
  };
}
