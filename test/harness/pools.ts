/** Pools a test file opens, each named by its application_name, all closed together in after(). */
import { PgPool } from '../../src/pool';
import type { PoolOptions } from '../../src/pool';
import type { Cluster } from './cluster';

export interface TestPools {
  /** A pool with its own application_name, so pg_stat_activity shows exactly its backends. */
  open(name: string, options?: PoolOptions): Promise<PgPool>;
  closeAll(): Promise<void>;
}

/** `cluster` is read when a pool opens (the test file starts its cluster in before()). */
export function testPools(cluster: () => Cluster): TestPools {
  const pools: PgPool[] = [];
  return {
    async open(name, options = {}) {
      const pool = await PgPool.open(cluster().config({ applicationName: name }), options);
      pools.push(pool);
      return pool;
    },
    async closeAll() {
      await Promise.all(pools.splice(0).map((p) => p.close()));
    },
  };
}
