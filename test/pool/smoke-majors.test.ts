/**
 * The pool's smoke suite on every supported major: connect, cursor paging, cancel, errors.
 * One cluster at a time, so the file stays light on a 2-core machine.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PgError, PgPool } from '../../src/pool';
import { ALL_MAJORS, startCluster } from '../harness/cluster';

for (const major of ALL_MAJORS) {
  describe(`PostgreSQL ${major}`, () => {
    test('connect, page through a cursor, cancel, and report errors', { timeout: 60_000 }, async () => {
      const cluster = await startCluster({ major });
      const pool = await PgPool.open(cluster.config(), { maxSize: 2 });
      try {
        const version = await pool.execute('s', "SELECT current_setting('server_version_num')");
        assert.equal(version.kind, 'rows');
        if (version.kind !== 'rows') return;
        assert.equal(Math.floor(Number(version.page.rows[0][0]) / 10_000), major);

        const first = await pool.execute('s', 'SELECT g, g::numeric / 4 FROM generate_series(1, 250) g', { pageSize: 100 });
        assert.equal(first.kind, 'rows');
        if (first.kind !== 'rows') return;
        assert.deepEqual(first.page.rows[1], ['2', '0.50000000000000000000']);
        const second = await pool.fetchPage('s', 100);
        const third = await pool.fetchPage('s', 100);
        assert.deepEqual([second.rows[0][0], third.rows.at(-1)?.[0], third.done, third.rowsSoFar], ['101', '250', true, 250]);

        const sleeping = pool.execute('s', 'SELECT pg_sleep(30)').then(
          () => assert.fail('pg_sleep was not cancelled'),
          (err: unknown) => err,
        );
        let cancelled = false;
        for (let i = 0; i < 100 && !cancelled; i++) {
          await new Promise((r) => setTimeout(r, 50));
          const active = await cluster.sql<{ n: string }>(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' AND state = 'active'",
          );
          if (active[0].n === '1') cancelled = await pool.cancel('s');
        }
        const error = await sleeping;
        assert.ok(error instanceof PgError && error.kind === 'cancelled', `expected cancelled, got ${String(error)}`);

        const syntax = await pool.execute('s', 'SELECT FROM WHERE').then(
          () => assert.fail('expected a syntax error'),
          (err: unknown) => err,
        );
        assert.ok(syntax instanceof PgError);
        assert.deepEqual([syntax.kind, syntax.code, syntax.position], ['query', '42601', 13]);
        const after = await pool.execute('s', 'SELECT 1');
        assert.equal(after.kind === 'rows' && after.page.rows[0][0], '1');
      } finally {
        await pool.close();
        await cluster.stop();
      }
    });
  });
}
