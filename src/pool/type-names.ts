/**
 * Type oid -> name, for result headers. Loaded once per pool with one query; table row types are
 * left out so the cost does not grow with the number of tables. A type the cache does not know
 * (created after the load) is looked up when the connection is free.
 */
import type { Client } from 'pg';

const LOAD_SQL = `
SELECT t.oid::int8::text AS oid, format_type(t.oid, NULL) AS name
FROM pg_catalog.pg_type t
LEFT JOIN pg_catalog.pg_class c ON c.oid = t.typrelid
LEFT JOIN pg_catalog.pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'
LEFT JOIN pg_catalog.pg_class ec ON ec.oid = e.typrelid
WHERE (t.typrelid = 0 OR c.relkind = 'c') AND (ec.oid IS NULL OR ec.relkind = 'c')`;

const LOOKUP_SQL = `SELECT t.oid::int8::text AS oid, format_type(t.oid, NULL) AS name
FROM pg_catalog.pg_type t WHERE t.oid = ANY($1::oid[])`;

export class TypeNameCache {
  private readonly names = new Map<number, string>();
  private loaded = false;

  nameOf(oid: number): string | undefined {
    return this.names.get(oid);
  }

  async ensureLoaded(client: Client): Promise<void> {
    if (this.loaded) return;
    this.add(await client.query<{ oid: string; name: string }>(LOAD_SQL));
    this.loaded = true;
  }

  /** Whether every oid has its name already (so `resolve` would send nothing). */
  knowsAll(oids: number[]): boolean {
    return oids.every((oid) => this.names.has(oid));
  }

  /** Looks up the oids the cache does not know yet; one round trip, none if all are known. */
  async resolve(client: Client, oids: number[]): Promise<void> {
    const missing = [...new Set(oids)].filter((oid) => !this.names.has(oid));
    if (missing.length === 0) return;
    this.add(await client.query<{ oid: string; name: string }>(LOOKUP_SQL, [missing.map(String)]));
  }

  private add(result: { rows: { oid: string; name: string }[] }): void {
    for (const row of result.rows) this.names.set(Number(row.oid), row.name);
  }
}
