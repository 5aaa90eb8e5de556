/** The throwaway cluster and tables every figure reads. */
import Cursor from 'pg-cursor';
import { MAIN_MAJOR, startCluster } from '../test/harness/cluster';
import type { Cluster } from '../test/harness/cluster';

export const BIG_ROWS = 2_000_000;
export const SMALL_ROWS = 20_000;
export const BIG_SQL = 'SELECT * FROM big';
export const SMALL_SQL = 'SELECT * FROM small';

/** What the pool does to values (exec.ts): keep the server's text. Baselines use the same, so a ratio is the pool's own cost. */
export const TEXT_TYPES = { getTypeParser: () => (value: string) => value };

export type TextRow = (string | null)[];

export function textCursor(sql: string): Cursor<TextRow> {
  return new Cursor<TextRow>(sql, undefined, { rowMode: 'array', types: TEXT_TYPES });
}

export async function startBenchCluster(): Promise<Cluster> {
  return startCluster({
    major: MAIN_MAJOR,
    settings: {
      // Over four times the 2M-row table (~195 MB): a sequential scan of a table larger than a
      // quarter of shared_buffers reads through a small ring of buffers (and joins synchronized
      // scans), which would make the big table's first rows slower for reasons outside the client.
      shared_buffers: "'1GB'",
      max_wal_size: "'4GB'",
      checkpoint_timeout: "'30min'",
    },
  });
}

/** Builds the tables server-side (generate_series) with a mix of int, text, numeric and timestamptz. */
export async function fillTables(cluster: Cluster): Promise<void> {
  const client = await cluster.admin();
  try {
    for (const [table, rows] of [['big', BIG_ROWS], ['small', SMALL_ROWS]] as const) {
      await client.query(`DROP TABLE IF EXISTS ${table}`);
      await client.query(`CREATE TABLE ${table} (id int, label text, amount numeric(12,2), created timestamptz, note text)`);
      await client.query(
        `INSERT INTO ${table}
         SELECT g, 'row ' || g, (g % 100000) / 100.0, timestamptz '2020-01-01 00:00:00+00' + g * interval '1 second', md5(g::text)
         FROM generate_series(1, $1::int) g`,
        [rows],
      );
      // Sets hint bits and the visibility map now, so no timed scan pays for them.
      await client.query(`VACUUM ANALYZE ${table}`);
      // Reads it once into shared_buffers.
      await client.query(`SELECT count(*) FROM ${table}`);
    }
  } finally {
    await client.end();
  }
}

export async function serverVersion(cluster: Cluster): Promise<string> {
  const [row] = await cluster.sql<{ server_version: string }>('SHOW server_version');
  return row.server_version;
}
