/**
 * Completion items for a context (context.ts) from a catalog (catalog-index.ts) and a tab's
 * session: plain suggestions, no VS Code, so the tests and the bench see exactly what the
 * provider shows. Names are inserted as the server needs them (quoted when they must be), and
 * schema-qualified when their schema is not on the tab's search_path.
 */
import type { CatalogColumn, CatalogRelation, CatalogRoutine } from '../../pool';
import { quoteIdent } from '../sql/quote';
import { onSearchPath } from './catalog-index';
import type { CatalogIndex, SessionView } from './catalog-index';
import type { CompletionContext, DerivedColumn, RelationName, Source } from './context';

export type SuggestionKind = 'column' | 'relation' | 'view' | 'schema' | 'function' | 'type' | 'keyword' | 'cte' | 'alias';

export interface Suggestion {
  label: string;
  kind: SuggestionKind;
  /** The text inserted (quoted and qualified as needed). */
  insertText: string;
  /** Type and nullability of a column, kind of a relation, a function's result. */
  detail?: string;
  /** The object's comment. */
  documentation?: string;
  /** Orders groups: columns of the nearest query first, then relations, functions, keywords. */
  sortText: string;
}

/** A column as completion and hover know it: from the catalog, or only a name (derived tables). */
export interface ResolvedColumn {
  name: string;
  column?: CatalogColumn;
  relation?: CatalogRelation;
}

const quoted = new Map<string, string>();

/** quoteIdent, remembered: it asks the scanner about each name, and catalogs repeat names a lot. */
export function quote(name: string): string {
  let q = quoted.get(name);
  if (q === undefined) {
    if (quoted.size > 100_000) quoted.clear();
    q = quoteIdent(name);
    quoted.set(name, q);
  }
  return q;
}

const RELATION_LABEL: Record<CatalogRelation['kind'], string> = {
  table: 'table',
  partitionedTable: 'partitioned table',
  view: 'view',
  materializedView: 'materialized view',
  foreignTable: 'foreign table',
  sequence: 'sequence',
};

export function relationKindLabel(relation: CatalogRelation): string {
  return RELATION_LABEL[relation.kind];
}

export function columnDetail(column: CatalogColumn): string {
  return `${column.type}${column.notNull ? ' not null' : ''}${column.inPrimaryKey ? ' (primary key)' : ''}`;
}

/** The columns a source gives, expanded through CTEs, subqueries and `*`. */
export function columnsOf(source: Source, index: CatalogIndex | undefined, session: SessionView, depth = 0): ResolvedColumn[] {
  if (source.kind === 'relation') {
    const relation = index?.relation(source.relation, session);
    return relation ? relation.columns.map((column) => ({ name: column.name, column, relation })) : [];
  }
  if (depth > 16) return [];
  return source.columns.flatMap((c: DerivedColumn) => {
    if (!('star' in c)) return [{ name: c.name }];
    const scope = c.qualifier ? c.scope.filter((s) => sourceName(s) === c.qualifier) : c.scope;
    return scope.flatMap((s) => columnsOf(s, index, session, depth + 1));
  });
}

/** The name a source is referred to by: its alias, else its relation's name. */
export function sourceName(source: Source): string {
  return source.kind === 'derived' ? source.alias : (source.alias ?? source.relation.name);
}

/** The source a qualifier names (`x` of `x.`), nearest query first. */
export function sourceFor(qualifier: string[], sources: readonly Source[]): Source | undefined {
  if (qualifier.length === 1) return sources.find((s) => sourceName(s) === qualifier[0]);
  if (qualifier.length === 2) {
    return sources.find((s) => s.kind === 'relation' && !s.alias && s.relation.schema === qualifier[0] && s.relation.name === qualifier[1]);
  }
  return undefined;
}

function qualified(schema: string, name: string, session: SessionView): string {
  return onSearchPath(schema, session) ? quote(name) : `${quote(schema)}.${quote(name)}`;
}

function relationItem(relation: CatalogRelation, insertText: string, sort: string): Suggestion {
  const isView = relation.kind === 'view' || relation.kind === 'materializedView';
  return {
    label: insertText,
    kind: isView ? 'view' : 'relation',
    insertText,
    detail: `${RELATION_LABEL[relation.kind]} ${relation.schema}.${relation.name}`,
    documentation: relation.comment ?? undefined,
    sortText: sort,
  };
}

function routineItems(routines: Iterable<CatalogRoutine[]>, session: SessionView, sort: string, qualify: boolean): Suggestion[] {
  const out: Suggestion[] = [];
  for (const overloads of routines) {
    const first = overloads[0];
    if (first.kind === 'procedure') continue;
    const name = qualify ? qualified(first.schema, first.name, session) : quote(first.name);
    out.push({
      label: name,
      kind: 'function',
      insertText: name,
      detail: overloads.length > 1 ? `${first.name}(${first.arguments}) → ${first.result ?? ''} (+${overloads.length - 1} overloads)` : `${first.name}(${first.arguments}) → ${first.result ?? ''}`,
      documentation: first.comment ?? undefined,
      sortText: sort,
    });
  }
  return out;
}

/** Keywords offered in any context, when there is no catalog yet. */
const FALLBACK_KEYWORDS = [
  'select', 'from', 'where', 'join', 'left', 'right', 'inner', 'outer', 'full', 'cross', 'on', 'using', 'group', 'by',
  'order', 'having', 'limit', 'offset', 'insert', 'into', 'values', 'update', 'set', 'delete', 'returning', 'with',
  'as', 'and', 'or', 'not', 'null', 'is', 'in', 'exists', 'between', 'like', 'ilike', 'case', 'when', 'then',
  'else', 'end', 'distinct', 'union', 'all', 'except', 'intersect', 'create', 'table', 'alter', 'drop', 'index',
  'view', 'begin', 'commit', 'rollback', 'explain', 'analyze', 'asc', 'desc', 'true', 'false', 'default',
];

function keywordItems(index: CatalogIndex | undefined): Suggestion[] {
  const words = index && index.keywords.size > 0 ? [...index.keywords.keys()] : FALLBACK_KEYWORDS;
  return words.map((w) => ({ label: w.toUpperCase(), kind: 'keyword', insertText: w.toUpperCase(), sortText: '9' }));
}

/** Common SQL spellings of built-in types, offered beside pg_catalog's own names. */
const SQL_TYPE_NAMES = [
  'integer', 'bigint', 'smallint', 'numeric', 'real', 'double precision', 'boolean', 'text', 'varchar',
  'character varying', 'char', 'date', 'time', 'timestamp', 'timestamptz', 'timestamp with time zone', 'interval',
  'uuid', 'json', 'jsonb', 'bytea', 'inet', 'serial', 'bigserial',
];

export function suggest(context: CompletionContext, index: CatalogIndex | undefined, session: SessionView): Suggestion[] {
  switch (context.kind) {
    case 'none':
      return [];
    case 'keyword':
      return keywordItems(index);
    case 'relation':
      return relationSuggestions(context, index, session);
    case 'member':
      return memberSuggestions(context, index, session);
    case 'insertColumns': {
      const relation = context.target ? index?.relation(context.target, session) : undefined;
      return (relation?.columns ?? []).map((column, i) => columnItem({ name: column.name, column, relation }, ordinal('0', i)));
    }
    case 'type':
      return typeSuggestions(index, session);
    case 'column':
      return columnSuggestions(context, index, session);
  }
}

/** A sort key that keeps columns in their table's order within their group. */
function ordinal(group: string, i: number): string {
  return `${group}${String(i).padStart(5, '0')}`;
}

function columnItem(c: ResolvedColumn, sort: string, owner?: string): Suggestion {
  return {
    label: quote(c.name),
    kind: 'column',
    insertText: quote(c.name),
    detail: c.column ? `${columnDetail(c.column)}${owner ? ` · ${owner}` : ''}` : owner,
    documentation: c.column?.comment ?? undefined,
    sortText: sort,
  };
}

function columnSuggestions(context: CompletionContext, index: CatalogIndex | undefined, session: SessionView): Suggestion[] {
  const out: Suggestion[] = [];
  const seen = new Set<string>();
  context.sources.forEach((source, n) => {
    const owner = sourceName(source);
    columnsOf(source, index, session).forEach((c, i) => {
      if (seen.has(c.name)) return;
      seen.add(c.name);
      out.push(columnItem(c, ordinal(`0${String(n).padStart(3, '0')}`, i), owner));
    });
    out.push({ label: quote(owner), kind: 'alias', insertText: quote(owner), detail: source.kind === 'relation' ? `${source.relation.schema ? `${source.relation.schema}.` : ''}${source.relation.name}` : 'subquery', sortText: '1' });
  });
  if (index) {
    for (const schema of session.searchPath) out.push(...routineItems(index.routinesIn(schema), session, schema === 'pg_catalog' ? '3' : '2', false));
  }
  out.push(...keywordItems(index));
  return out;
}

function relationSuggestions(context: CompletionContext, index: CatalogIndex | undefined, session: SessionView): Suggestion[] {
  const out: Suggestion[] = [];
  for (const [name] of context.ctes) out.push({ label: quote(name), kind: 'cte', insertText: quote(name), detail: 'WITH query', sortText: '0' });
  for (const temp of session.temp) out.push({ ...relationItem(temp, quote(temp.name), '0'), detail: `temporary table (this tab)` });
  if (!index) return out;
  for (const [schema, relations] of index.relations) {
    const onPath = onSearchPath(schema, session);
    const system = index.schemas.get(schema)?.system ?? false;
    // System relations come when their schema is typed (`pg_catalog.`), not in every FROM list.
    if (system && !(onPath && schema !== 'pg_catalog')) continue;
    for (const list of relations.values()) {
      const relation = list[0];
      out.push(relationItem(relation, onPath ? quote(relation.name) : `${quote(schema)}.${quote(relation.name)}`, onPath ? '1' : '3'));
    }
  }
  for (const schema of index.schemas.values()) {
    out.push({ label: quote(schema.name), kind: 'schema', insertText: quote(schema.name), detail: 'schema', documentation: schema.comment ?? undefined, sortText: '2' });
  }
  return out;
}

function memberSuggestions(context: CompletionContext, index: CatalogIndex | undefined, session: SessionView): Suggestion[] {
  const source = sourceFor(context.qualifier, context.sources);
  if (source) {
    const columns = columnsOf(source, index, session);
    if (columns.length > 0 || source.kind === 'derived') return columns.map((c, i) => columnItem(c, ordinal('0', i)));
  }
  if (!index) return [];
  if (context.qualifier.length === 1) {
    const schema = context.qualifier[0];
    // A table named without its alias (`orders.`) or a schema (`sales.`).
    const relation = index.relation({ name: schema }, session);
    if (relation && context.sources.some((s) => s.kind === 'relation' && s.relation.name === schema)) {
      return relation.columns.map((column, i) => columnItem({ name: column.name, column, relation }, ordinal('0', i)));
    }
    const out: Suggestion[] = [];
    for (const list of index.relationsIn(schema)) out.push(relationItem(list[0], quote(list[0].name), '0'));
    out.push(...routineItems(index.routinesIn(schema), { ...session, searchPath: [schema] }, '1', false));
    for (const list of index.typesIn(schema)) out.push({ label: quote(list[0].name), kind: 'type', insertText: quote(list[0].name), detail: `${list[0].kind} type`, sortText: '2' });
    return out;
  }
  if (context.qualifier.length === 2) {
    const relation = index.relation({ schema: context.qualifier[0], name: context.qualifier[1] } satisfies RelationName, session);
    return (relation?.columns ?? []).map((column, i) => columnItem({ name: column.name, column, relation }, ordinal('0', i)));
  }
  return [];
}

function typeSuggestions(index: CatalogIndex | undefined, session: SessionView): Suggestion[] {
  const out: Suggestion[] = SQL_TYPE_NAMES.map((name) => ({ label: name, kind: 'type', insertText: name, detail: 'type', sortText: '0' }));
  if (!index) return out;
  for (const [schema, types] of index.types) {
    const system = index.schemas.get(schema)?.system ?? false;
    if (system && schema !== 'pg_catalog') continue;
    for (const list of types.values()) {
      const type = list[0];
      const text = qualified(schema, type.name, session);
      const detail = type.kind === 'enum' ? `enum (${(type.labels ?? []).join(', ')})` : type.kind === 'domain' ? `domain over ${type.baseType ?? ''}` : `${type.kind} type`;
      out.push({ label: text, kind: 'type', insertText: text, detail, documentation: type.comment ?? undefined, sortText: schema === 'pg_catalog' ? '1' : '0' });
    }
  }
  return out;
}
