/**
 * A catalog snapshot indexed for lookups by (schema, name), plus what one tab's session adds: its
 * search_path (which decides what needs a schema) and its own temp tables (seen by that tab only).
 * A large catalog arrives with every relation by name and a few schemas in detail: each lookup
 * that touches another schema asks for it (`onWant`, never waiting) and uses what it has meanwhile.
 * Plain data, no VS Code: the context engine's tests and the bench use it directly.
 */
import type { CatalogRelation, CatalogRoutine, CatalogSchema, CatalogSnapshot, CatalogType } from '../../pool';
import type { RelationName } from './context';

/** What a tab's session knows that the catalog does not. */
export interface SessionView {
  /** current_schemas(true): the effective search order, pg_catalog and pg_temp_N included. */
  searchPath: string[];
  /** The tab's temp tables (schema is its pg_temp_N). */
  temp: CatalogRelation[];
}

/** Before a tab's session was read: what a new session has. */
export const DEFAULT_SESSION: SessionView = { searchPath: ['pg_catalog', 'public'], temp: [] };

function group<T extends { schema: string; name: string }>(items: readonly T[]): Map<string, Map<string, T[]>> {
  const out = new Map<string, Map<string, T[]>>();
  for (const item of items) {
    let bySchema = out.get(item.schema);
    if (!bySchema) out.set(item.schema, (bySchema = new Map()));
    const list = bySchema.get(item.name);
    if (list) list.push(item);
    else bySchema.set(item.name, [item]);
  }
  return out;
}

/** Most columns held in detail at once; beyond it the schemas used longest ago fall back to names. */
export const MAX_DETAILED_COLUMNS = 300_000;

export class CatalogIndex {
  readonly schemas: Map<string, CatalogSchema>;
  readonly relations: Map<string, Map<string, CatalogRelation[]>>;
  readonly routines: Map<string, Map<string, CatalogRoutine[]>>;
  readonly types: Map<string, Map<string, CatalogType[]>>;
  readonly keywords: ReadonlyMap<string, string>;
  /**
   * Schemas whose columns, routines and types are loaded (a large catalog, catalog.ts); undefined
   * when all are. Other schemas' relations are known by name until `add` brings their details.
   */
  private readonly detailed: Set<string> | undefined;
  /** Schemas a lookup needed and did not find in detail, until `add` or `forgetWanted`. */
  private readonly wanted = new Set<string>();
  /** When each detailed schema was last needed, to choose which to drop past the budget. */
  private readonly lastUsed = new Map<string, number>();
  private uses = 0;
  /** Called once per schema a lookup needs that is not loaded in detail (the cache loads it). */
  onWant: (schema: string) => void = () => undefined;

  constructor(snapshot: CatalogSnapshot, private readonly maxColumns = MAX_DETAILED_COLUMNS) {
    this.schemas = new Map(snapshot.schemas.map((s) => [s.name, s]));
    this.relations = group(snapshot.relations);
    this.routines = group(snapshot.routines);
    this.types = group(snapshot.types);
    this.keywords = new Map(snapshot.keywords.map((k) => [k.word, k.category]));
    this.detailed = snapshot.detailed ? new Set(snapshot.detailed) : undefined;
  }

  /** Whether the catalog is loaded per schema, and which schemas are in detail now. */
  get lazy(): boolean {
    return this.detailed !== undefined;
  }

  detailedSchemas(): string[] {
    return this.detailed ? [...this.detailed] : [...this.schemas.keys()];
  }

  /** Whether some lookup is waiting for a schema's details (a later request will have more). */
  get pending(): boolean {
    return this.wanted.size > 0;
  }

  /** Counts for the log and the bench. */
  stats(): { relations: number; columns: number; routines: number } {
    let relations = 0;
    let columns = 0;
    let routines = 0;
    for (const bySchema of this.relations.values()) {
      for (const list of bySchema.values()) {
        relations += list.length;
        for (const r of list) columns += r.columns.length;
      }
    }
    for (const bySchema of this.routines.values()) for (const list of bySchema.values()) routines += list.length;
    return { relations, columns, routines };
  }

  /**
   * Marks a schema as used; when its details are not loaded, asks for them (once) and answers
   * false: the caller uses what it has (names), and a later request gets the rest.
   */
  need(schema: string): boolean {
    if (!this.detailed) return true;
    if (this.detailed.has(schema)) {
      this.lastUsed.set(schema, ++this.uses);
      return true;
    }
    if (!this.schemas.has(schema) || this.wanted.has(schema)) return false;
    this.wanted.add(schema);
    this.onWant(schema);
    return false;
  }

  /** A load of wanted schemas failed: let a later lookup ask again. */
  forgetWanted(schemas: readonly string[]): void {
    for (const s of schemas) this.wanted.delete(s);
  }

  /**
   * Adds the details of some schemas (a `detailsOnly` snapshot), replacing what was known of them,
   * then drops the details of the schemas used longest ago while more than the budget of columns
   * is held (never pg_catalog, never one just added, never one of `keep`).
   */
  add(part: CatalogSnapshot, keep: Iterable<string> = []): void {
    const schemas = part.detailed ?? [];
    const relations = group(part.relations);
    const routines = group(part.routines);
    const types = group(part.types);
    for (const schema of schemas) {
      this.wanted.delete(schema);
      if (!this.detailed) continue;
      this.detailed.add(schema);
      this.lastUsed.set(schema, ++this.uses);
      this.relations.set(schema, relations.get(schema) ?? new Map());
      this.routines.set(schema, routines.get(schema) ?? new Map());
      this.types.set(schema, types.get(schema) ?? new Map());
    }
    this.trim(new Set([...schemas, ...keep, 'pg_catalog']));
  }

  private trim(protect: Set<string>): void {
    if (!this.detailed) return;
    let columns = this.stats().columns;
    const byAge = [...this.detailed].filter((s) => !protect.has(s)).sort((a, b) => (this.lastUsed.get(a) ?? 0) - (this.lastUsed.get(b) ?? 0));
    for (const schema of byAge) {
      if (columns <= this.maxColumns) return;
      const bySchema = this.relations.get(schema);
      for (const list of bySchema?.values() ?? []) {
        for (let i = 0; i < list.length; i += 1) {
          columns -= list[i].columns.length;
          list[i] = { ...list[i], columns: [] };
        }
      }
      this.routines.delete(schema);
      this.types.delete(schema);
      this.detailed.delete(schema);
      this.lastUsed.delete(schema);
    }
  }

  /** The relations of a schema (by name at least), asking for its details. */
  relationsIn(schema: string): Iterable<CatalogRelation[]> {
    this.need(schema);
    return this.relations.get(schema)?.values() ?? [];
  }

  routinesIn(schema: string): Iterable<CatalogRoutine[]> {
    this.need(schema);
    return this.routines.get(schema)?.values() ?? [];
  }

  typesIn(schema: string): Iterable<CatalogType[]> {
    this.need(schema);
    return this.types.get(schema)?.values() ?? [];
  }

  /** The relation a name means for a session: schema-qualified, else the first on its search path. */
  relation(name: RelationName, session: SessionView): CatalogRelation | undefined {
    const found = this.findRelation(name, session);
    if (found && !session.temp.includes(found)) this.need(found.schema);
    return found;
  }

  private findRelation(name: RelationName, session: SessionView): CatalogRelation | undefined {
    if (name.schema) {
      if (name.schema === 'pg_temp' || name.schema.startsWith('pg_temp_')) return session.temp.find((t) => t.name === name.name);
      return this.relations.get(name.schema)?.get(name.name)?.[0];
    }
    const temp = session.temp.find((t) => t.name === name.name);
    if (temp) return temp;
    for (const schema of session.searchPath) {
      const found = this.relations.get(schema)?.get(name.name)?.[0];
      if (found) return found;
    }
    return undefined;
  }

  /** Every overload of a routine, by the same rule. */
  routine(name: RelationName, session: SessionView): CatalogRoutine[] {
    if (name.schema) {
      this.need(name.schema);
      return this.routines.get(name.schema)?.get(name.name) ?? [];
    }
    for (const schema of session.searchPath) {
      this.need(schema);
      const found = this.routines.get(schema)?.get(name.name);
      if (found) return found;
    }
    return [];
  }

  type(name: RelationName, session: SessionView): CatalogType | undefined {
    if (name.schema) {
      this.need(name.schema);
      return this.types.get(name.schema)?.get(name.name)?.[0];
    }
    for (const schema of session.searchPath) {
      this.need(schema);
      const found = this.types.get(schema)?.get(name.name)?.[0];
      if (found) return found;
    }
    return undefined;
  }
}

/** Whether objects of `schema` are found without a schema by this session. */
export function onSearchPath(schema: string, session: SessionView): boolean {
  return session.searchPath.includes(schema);
}
