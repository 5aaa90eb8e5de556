/**
 * A catalog snapshot indexed for lookups by (schema, name), plus what one tab's session adds: its
 * search_path (which decides what needs a schema) and its own temp tables (seen by that tab only).
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

export class CatalogIndex {
  readonly schemas: Map<string, CatalogSchema>;
  readonly relations: Map<string, Map<string, CatalogRelation[]>>;
  readonly routines: Map<string, Map<string, CatalogRoutine[]>>;
  readonly types: Map<string, Map<string, CatalogType[]>>;
  readonly keywords: ReadonlyMap<string, string>;

  constructor(readonly snapshot: CatalogSnapshot) {
    this.schemas = new Map(snapshot.schemas.map((s) => [s.name, s]));
    this.relations = group(snapshot.relations);
    this.routines = group(snapshot.routines);
    this.types = group(snapshot.types);
    this.keywords = new Map(snapshot.keywords.map((k) => [k.word, k.category]));
  }

  /** The relation a name means for a session: schema-qualified, else the first on its search path. */
  relation(name: RelationName, session: SessionView): CatalogRelation | undefined {
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
    if (name.schema) return this.routines.get(name.schema)?.get(name.name) ?? [];
    for (const schema of session.searchPath) {
      const found = this.routines.get(schema)?.get(name.name);
      if (found) return found;
    }
    return [];
  }

  type(name: RelationName, session: SessionView): CatalogType | undefined {
    if (name.schema) return this.types.get(name.schema)?.get(name.name)?.[0];
    for (const schema of session.searchPath) {
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
