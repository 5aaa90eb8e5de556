/**
 * One catalog per pool, i.e. per (profile, database): loaded on first use over the pool's
 * browser session, shared by every editor bound to that database, marked stale by a DDL run or a
 * refresh and reloaded on the next request. Callers never wait for it on the typing path: `peek`
 * answers with what is cached now (a stale catalog keeps answering until its reload is in) and
 * starts a load if one is due.
 *
 * A large catalog (more than LAZY_ABOVE relations) loads lazily per schema: the first load brings
 * every schema and relation name, and the columns, routines and types of the requesting tab's
 * search_path; a lookup that touches another schema (`schema.`, a relation named in FROM) asks the
 * index for it, and the cache loads it in the background (schemas asked for in the same moment
 * go in one load). Held details are bounded (MAX_DETAILED_COLUMNS in catalog-index.ts).
 *
 * A catalog older than STALE_AFTER_MS is reloaded in the background on the next request while the
 * old one keeps answering, so DDL run elsewhere (psql, a migration) shows up without a reconnect.
 *
 * Memory is bounded by the catalog itself (one index per open pool); a pool that closes takes its
 * entry with it (WeakMap).
 */
import type { PgPool } from '../../pool';
import { CatalogIndex } from './catalog-index';

/** How long a loaded catalog is used before it is reloaded behind the scenes. */
const STALE_AFTER_MS = 5 * 60_000;
/** After a failed load, requests wait this long before trying again (no load per keystroke). */
const RETRY_AFTER_MS = 30_000;
/**
 * Above this many relations the catalog loads per schema. At 10,000 relations x 10 columns a
 * whole load took ~0.5 s and ~40 MB of heap (figure 10); names alone are a fraction of that.
 */
export const LAZY_ABOVE = 5_000;

interface Entry {
  index?: CatalogIndex;
  loadedAt?: number;
  failedAt?: number;
  /** A refresh or DDL made the index stale: it answers until the reload replaces it. */
  stale?: boolean;
  loading?: Promise<CatalogIndex>;
  /** When the load in flight started (a slow server: the editor says it is still loading). */
  loadingSince?: number;
  /** Why the last load failed, for the editor to say. */
  error?: string;
  /** Bumped by invalidate, so a load that started before it does not install an old catalog. */
  generation: number;
  /** Schemas asked for since the last detail load was sent. */
  wanted: Set<string>;
  detailTimer?: NodeJS.Timeout;
}

export interface CatalogStatus {
  /** A load is in flight (for how long, in ms). */
  loadingForMs?: number;
  /** The last load failed with this message. */
  error?: string;
}

export class CatalogCache {
  private readonly entries = new WeakMap<PgPool, Entry>();

  constructor(
    private readonly onLoaded: (pool: PgPool, ms: number, index: CatalogIndex, schemas?: string[]) => void = () => undefined,
    private readonly lazyAbove = LAZY_ABOVE,
  ) {}

  private entry(pool: PgPool): Entry {
    let entry = this.entries.get(pool);
    if (!entry) this.entries.set(pool, (entry = { generation: 0, wanted: new Set() }));
    return entry;
  }

  /**
   * The cached catalog, or undefined while the first load runs (a load is started if one is due).
   * `searchPath`: the requesting tab's, loaded in detail first when the catalog is large.
   */
  peek(pool: PgPool, searchPath: readonly string[] = []): CatalogIndex | undefined {
    const entry = this.entry(pool);
    const now = Date.now();
    const due = !entry.index || entry.stale === true || now - (entry.loadedAt ?? 0) > STALE_AFTER_MS;
    const backingOff = entry.failedAt !== undefined && now - entry.failedAt < RETRY_AFTER_MS;
    if (!entry.loading && due && !backingOff) void this.reload(pool, entry, searchPath).catch(() => undefined);
    return entry.index;
  }

  /** Whether a load is in flight or the last one failed (what the editor tells the user). */
  status(pool: PgPool): CatalogStatus {
    const entry = this.entries.get(pool);
    if (!entry) return {};
    return {
      loadingForMs: entry.loading && entry.loadingSince !== undefined ? Date.now() - entry.loadingSince : undefined,
      error: entry.error,
    };
  }

  /** Why the catalog could not be loaded, if the last try failed. */
  lastError(pool: PgPool): string | undefined {
    return this.entries.get(pool)?.error;
  }

  /** The catalog, loading it if needed. */
  load(pool: PgPool): Promise<CatalogIndex> {
    const entry = this.entry(pool);
    if (entry.index && !entry.stale) return Promise.resolve(entry.index);
    return this.reload(pool, entry, []);
  }

  /** Starts (or joins) a load; the current index keeps answering until it is done. */
  private reload(pool: PgPool, entry: Entry, searchPath: readonly string[]): Promise<CatalogIndex> {
    if (entry.loading) return entry.loading;
    const generation = entry.generation;
    const started = performance.now();
    // The schemas in use before (a reload after DDL) come back in detail, with the tab's path.
    const detailed = [...new Set([...searchPath.filter((s) => !s.startsWith('pg_temp')), ...(entry.index?.lazy ? entry.index.detailedSchemas() : [])])];
    entry.loadingSince = Date.now();
    const loading = pool.loadCatalog({ lazyAbove: this.lazyAbove, detailed }).then(
      (snapshot) => {
        const index = new CatalogIndex(snapshot);
        index.onWant = (schema) => this.want(pool, index, schema);
        if (entry.loading === loading) entry.loading = undefined;
        if (entry.generation === generation) {
          entry.index = index;
          entry.loadedAt = Date.now();
          entry.stale = false;
          entry.error = undefined;
          entry.failedAt = undefined;
          this.onLoaded(pool, performance.now() - started, index);
        }
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

  /** A lookup needs a schema's details: load it (with any others asked for in the same tick). */
  private want(pool: PgPool, index: CatalogIndex, schema: string): void {
    const entry = this.entry(pool);
    if (entry.index !== index) return;
    entry.wanted.add(schema);
    entry.detailTimer ??= setTimeout(() => {
      entry.detailTimer = undefined;
      const schemas = [...entry.wanted];
      entry.wanted.clear();
      const generation = entry.generation;
      const started = performance.now();
      pool.loadCatalog({ schemas, detailsOnly: true }).then(
        (part) => {
          if (entry.generation !== generation || entry.index !== index) return;
          index.add(part);
          entry.error = undefined;
          this.onLoaded(pool, performance.now() - started, index, schemas);
        },
        (err: unknown) => {
          // Not connected, or the schema went away: a later lookup may ask again.
          index.forgetWanted(schemas);
          entry.error = (err as Error).message;
        },
      );
    }, 0);
  }

  /**
   * Marks the pool's catalog stale (after DDL or a refresh): it keeps answering, and the next
   * request reloads it. A load already in flight may predate the change, so it is not installed.
   */
  invalidate(pool: PgPool): void {
    const entry = this.entry(pool);
    entry.generation += 1;
    entry.stale = entry.index !== undefined;
    entry.loading = undefined;
    entry.failedAt = undefined;
  }
}
