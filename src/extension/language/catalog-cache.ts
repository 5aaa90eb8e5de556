/**
 * One catalog per pool, i.e. per (profile, database): loaded on first use over the pool's
 * browser session, shared by every editor bound to that database, dropped when stale (a DDL run,
 * a refresh) and reloaded on the next request. Callers never wait for it on the typing path:
 * `peek` answers with what is cached now and starts a load if there is none.
 *
 * Memory is bounded by the catalog itself (one snapshot and its index per open pool); a pool that
 * closes takes its entry with it (WeakMap).
 */
import type { PgPool } from '../../pool';
import { CatalogIndex } from './catalog-index';

interface Entry {
  index?: CatalogIndex;
  loading?: Promise<CatalogIndex>;
  /** Why the last load failed, for the editor to say. */
  error?: string;
  /** Bumped by invalidate, so a load that started before it does not install an old catalog. */
  generation: number;
}

export class CatalogCache {
  private readonly entries = new WeakMap<PgPool, Entry>();

  constructor(private readonly onLoaded: (pool: PgPool, ms: number, index: CatalogIndex) => void = () => undefined) {}

  private entry(pool: PgPool): Entry {
    let entry = this.entries.get(pool);
    if (!entry) this.entries.set(pool, (entry = { generation: 0 }));
    return entry;
  }

  /** The cached catalog, or undefined while it loads (a load is started if none runs). */
  peek(pool: PgPool): CatalogIndex | undefined {
    const entry = this.entry(pool);
    if (!entry.index && !entry.loading) void this.load(pool).catch(() => undefined);
    return entry.index;
  }

  /** Why the catalog could not be loaded, if the last try failed. */
  lastError(pool: PgPool): string | undefined {
    return this.entries.get(pool)?.error;
  }

  /** The catalog, loading it if needed. */
  load(pool: PgPool): Promise<CatalogIndex> {
    const entry = this.entry(pool);
    if (entry.index) return Promise.resolve(entry.index);
    if (entry.loading) return entry.loading;
    const generation = entry.generation;
    const started = performance.now();
    const loading = pool.loadCatalog().then(
      (snapshot) => {
        const index = new CatalogIndex(snapshot);
        if (entry.generation === generation) {
          entry.index = index;
          entry.error = undefined;
        }
        entry.loading = undefined;
        this.onLoaded(pool, performance.now() - started, index);
        return index;
      },
      (err: unknown) => {
        entry.loading = undefined;
        entry.error = (err as Error).message;
        throw err;
      },
    );
    entry.loading = loading;
    return loading;
  }

  /** Forgets the pool's catalog (after DDL or a refresh); the next request reloads it. */
  invalidate(pool: PgPool): void {
    const entry = this.entry(pool);
    entry.generation += 1;
    entry.index = undefined;
    entry.loading = undefined;
  }
}
