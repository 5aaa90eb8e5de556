/**
 * The schema tree's view of one database: the pool's introspection methods, called one at a time
 * (they share the pool's browser session, which refuses a second call in flight), with the
 * answers cached until a refresh.
 */
import type { DbSummary, DdlKind, DdlOptions, PgPool, RelationDescription, SchemaContents, SchemaSummary } from '../../pool';

/** Which cached answers: ['databases'], ['schemas'], ['contents', schema], ['relation', schema, name?]. */
export type CatalogScope = readonly string[];

/** Joins a key's parts: no identifier (nor a filter typed in the tree) holds a NUL. */
const SEP = '\u0000';
const keyOf = (parts: CatalogScope): string => parts.join(SEP);

export class Catalog {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(readonly pool: PgPool) {}

  listDatabases(): Promise<DbSummary[]> {
    return this.cached(['databases'], () => this.pool.listDatabases());
  }

  listSchemas(): Promise<SchemaSummary[]> {
    return this.cached(['schemas'], () => this.pool.listSchemas());
  }

  /** The schema's objects, or (with `nameContains`) those the server finds matching; each cached on its own. */
  schemaContents(schema: string, nameContains?: string): Promise<SchemaContents> {
    if (!nameContains) return this.cached(['contents', schema], () => this.pool.schemaContents(schema));
    return this.cached(['contents', schema, nameContains], () => this.pool.schemaContents(schema, { nameContains }));
  }

  describeRelation(schema: string, name: string): Promise<RelationDescription> {
    return this.cached(['relation', schema, name], () => this.pool.describeRelation(schema, name));
  }

  getDdl(kind: DdlKind, schema: string, name: string, identityArguments?: string): Promise<string> {
    const options: DdlOptions = {};
    if (identityArguments !== undefined) options.arguments = identityArguments;
    return this.serial(() => this.pool.getDdl(kind, schema, name, options));
  }

  /** The whole schema's DDL, in an order that applies on an empty database (never cached). */
  getSchemaDdl(schema: string): Promise<string> {
    return this.serial(() => this.pool.getSchemaDdl(schema));
  }

  /**
   * Forgets the cached answers under `scope`, matched part by part, never by a name's prefix:
   * ['contents', 'app'] is schema app's lists (filtered ones too), not app2's; ['relation', 'app']
   * every relation of app; ['relation', 'app', 't'] that one. All of them when omitted.
   */
  invalidate(scope: CatalogScope = []): void {
    const exact = keyOf(scope);
    for (const key of [...this.cache.keys()]) {
      if (scope.length === 0 || key === exact || key.startsWith(exact + SEP)) this.cache.delete(key);
    }
  }

  private cached<T>(parts: CatalogScope, load: () => Promise<T>): Promise<T> {
    const key = keyOf(parts);
    let answer = this.cache.get(key) as Promise<T> | undefined;
    if (!answer) {
      answer = this.serial(load);
      this.cache.set(key, answer);
      // A failure is shown once (as an error node) and retried on the next expand.
      answer.catch(() => {
        if (this.cache.get(key) === answer) this.cache.delete(key);
      });
    }
    return answer;
  }

  private serial<T>(call: () => Promise<T>): Promise<T> {
    const next = this.queue.then(call, call);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
