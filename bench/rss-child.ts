/**
 * Run by figure 3 in a process of its own, so the heap earlier figures grew cannot hide (or add
 * to) this drain's growth. Usage: node --expose-gc --import tsx bench/rss-child.ts <pool|raw> <port>
 * Prints one JSON line: { startRss, peakRss, rows } in bytes.
 */
import { Client } from 'pg';
import { PgPool } from '../src/pool';
import { SUPERUSER, SUPERUSER_PASSWORD } from '../test/harness/cluster';
import { drainThroughPool } from './figures/drain';
import { BIG_SQL, textCursor } from './fixtures';

async function main(): Promise<void> {
  const [mode, portText] = process.argv.slice(2);
  const port = Number(portText);
  let peak = 0;
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage.rss());
  };
  const settle = (): number => {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    return process.memoryUsage.rss();
  };
  let rows = 0;
  let startRss = 0;
  // Sampling between pages misses nothing the drain holds: a page is parsed and serialised in one
  // synchronous run, and the timer catches what the socket buffers between reads.
  const timer = setInterval(sample, 5);
  if (mode === 'pool') {
    const pool = await PgPool.open({ host: '127.0.0.1', port, database: 'postgres', user: SUPERUSER, auth: { kind: 'password', password: SUPERUSER_PASSWORD } });
    await pool.execute('warm', 'SELECT * FROM small');
    await pool.releaseSession('warm');
    startRss = settle();
    peak = startRss;
    const out = await drainThroughPool(pool, 'rss', BIG_SQL);
    rows = out.rows;
    sample();
    await pool.close();
  } else {
    const client = new Client({ host: '127.0.0.1', port, database: 'postgres', user: SUPERUSER, password: SUPERUSER_PASSWORD });
    await client.connect();
    await client.query('SELECT * FROM small');
    startRss = settle();
    peak = startRss;
    const cursor = client.query(textCursor(BIG_SQL));
    for (;;) {
      const page = await cursor.read(5_000);
      rows += page.length;
      sample();
      if (page.length < 5_000) break;
    }
    await cursor.close();
    await client.end();
  }
  clearInterval(timer);
  process.stdout.write(`${JSON.stringify({ startRss, peakRss: peak, rows })}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
