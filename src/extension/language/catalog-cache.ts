/**
 * One catalog per pool, i.e. per (profile, database): loaded on first use over the pool's
 * browser session, shared by every editor bound to that database, dropped when stale (a DDL run,
 * a refresh) and reloaded on the next request. Callers never wait for it on the typing path:
 * `peek` answers with what is cached now and starts a load if there is none.
 *
 * A catalog older than STALE_AFTER_MS is reloaded in the background on the next request while the
 * old one keeps answering, so DDL run elsewhere (psql, a migration) shows up without a reconnect.
 *
 * Memory is bounded by the catalog itself (one snapshot and its index per open pool); a pool that
 * closes takes its entry with it (WeakMap).
 */
import type { PgPool } from '../../pool';
import { CatalogIndex } from './catalog-index';

/** How long a loaded catalog is used before it is reloaded behind the scenes. */
const STALE_AFTER_MS = 5 * 60_000;
/** After a failed load, requests wait this long before trying again (no load per keystroke). */
const RETRY_AFTER_MS = 30_000;

interface Entry {
  index?: CatalogIndex;
  loadedAt?: number;
  failedAt?: number;
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
    const now = Date.now();
    const due = !entry.index || now - (entry.loadedAt ?? 0) > STALE_AFTER_MS;
    const backingOff = entry.failedAt !== undefined && now - entry.failedAt < RETRY_AFTER_MS;
    if (!entry.loading && due && !backingOff) void this.reload(pool, entry).catch(() => undefined);
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
    return this.reload(pool, entry);
  }

  /** Starts (or joins) a load; the current index keeps answering until it is done. */
  private reload(pool: PgPool, entry: Entry): Promise<CatalogIndex> {
    if (entry.loading) return entry.loading;
    const generation = entry.generation;
    const started = performance.now();
    const loading = pool.loadCatalog().then(
      (snapshot) => {
        const index = new CatalogIndex(snapshot);
        if (entry.generation === generation) {
          entry.index = index;
          entry.loadedAt = Date.now();
          entry.error = undefined;
          entry.failedAt = undefined;
        }
        if (entry.loading === loading) entry.loading = undefined;
        this.onLoaded(pool, performance.now() - started, index);
        return index;
      },
      (err: unknown) => {
        if (entry.loading === loading) entry.loading = undefined;
        entry.error = (err as Error).message;
        entry.failedAt = Date.now();
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
    entry.failedAt = undefined;
  }
}
