/**
 * What a name under the cursor is, for hover and signature help: a column (its type, nullability,
 * default, comment and table), a relation (kind, row estimate, size, comment, columns), a
 * function (every signature), a type or a schema; as Markdown text. No VS Code.
 */
import type { CatalogRelation, CatalogRoutine } from '../../pool';
import type { CatalogIndex, SessionView } from './catalog-index';
import { columnsOf, relationKindLabel, sourceFor, sourceName } from './completion';
import type { ResolvedColumn } from './completion';
import { nameAt } from './context';
import type { RelationName } from './context';

export interface Description {
  markdown: string;
  /** Offsets of the name described, in the statement. */
  start: number;
  end: number;
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function bytes(text: string): string {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) return '';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return `${v < 10 && u > 0 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

export function describeColumn(c: ResolvedColumn, owner?: string): string {
  const lines = [`**${c.relation ? `${c.relation.schema}.${c.relation.name}` : (owner ?? '')}.${c.name}** — column`];
  if (c.column) {
    lines.push(`${code(c.column.type)}${c.column.notNull ? ' not null' : ' nullable'}${c.column.inPrimaryKey ? ', primary key' : ''}`);
    if (c.column.default) lines.push(`default ${code(c.column.default)}`);
    if (c.column.comment) lines.push(c.column.comment);
  }
  return lines.join('\n\n');
}

export function describeRelation(r: CatalogRelation): string {
  const facts = [relationKindLabel(r)];
  if (r.estimatedRows !== null) facts.push(`~${r.estimatedRows} rows`);
  const size = bytes(r.approximateBytes);
  if (size) facts.push(size);
  const lines = [`**${r.schema}.${r.name}** — ${facts.join(', ')}`];
  if (r.comment) lines.push(r.comment);
  if (r.columns.length > 0) {
    const shown = r.columns.slice(0, 40).map((c) => `- ${c.name} ${code(c.type)}${c.notNull ? ' not null' : ''}${c.inPrimaryKey ? ' (pk)' : ''}`);
    if (r.columns.length > 40) shown.push(`- … ${r.columns.length - 40} more`);
    lines.push(shown.join('\n'));
  }
  return lines.join('\n\n');
}

export function signatureOf(r: CatalogRoutine): string {
  return `${r.schema}.${r.name}(${r.arguments})${r.result ? ` → ${r.result}` : ''}`;
}

export function describeRoutines(routines: readonly CatalogRoutine[]): string {
  const sigs = routines.map((r) => `${r.kind} ${signatureOf(r)}`).join('\n');
  const comment = routines.find((r) => r.comment)?.comment;
  return ['```sql\n' + sigs + '\n```', ...(comment ? [comment] : [])].join('\n\n');
}

/** The description of the name at `offset` of a statement, if the catalog knows it. */
export function describeAt(text: string, offset: number, index: CatalogIndex, session: SessionView): Description | undefined {
  const name = nameAt(text, offset);
  if (!name) return undefined;
  const { parts, context } = name;
  const upto = parts.slice(0, name.index + 1);
  const found = (markdown: string | undefined): Description | undefined => (markdown ? { markdown, start: name.start, end: name.end } : undefined);
  const asName = (p: string[]): RelationName => (p.length >= 2 ? { schema: p[p.length - 2], name: p[p.length - 1] } : { name: p[0] });

  if (name.isCall && name.index === parts.length - 1) {
    const routines = index.routine(asName(parts), session);
    if (routines.length > 0) return found(describeRoutines(routines));
  }
  if (upto.length >= 2) {
    // The last part is a column of `alias.` / `table.` / `schema.table.`, or an object of `schema.`.
    const qualifier = upto.slice(0, -1);
    const last = upto[upto.length - 1];
    const source = sourceFor(qualifier, context.sources);
    if (source) {
      const column = columnsOf(source, index, session).find((c) => c.name === last);
      if (column) return found(describeColumn(column, sourceName(source)));
    }
    if (qualifier.length === 2) {
      const relation = index.relation({ schema: qualifier[0], name: qualifier[1] }, session);
      const column = relation?.columns.find((c) => c.name === last);
      if (relation && column) return found(describeColumn({ name: last, column, relation }));
    }
    if (qualifier.length === 1) {
      const relation = index.relation({ schema: qualifier[0], name: last }, session);
      if (relation) return found(describeRelation(relation));
      const routines = index.routine({ schema: qualifier[0], name: last }, session);
      if (routines.length > 0) return found(describeRoutines(routines));
      const type = index.type({ schema: qualifier[0], name: last }, session);
      if (type) return found(`**${type.schema}.${type.name}** — ${type.kind} type${type.labels ? `: ${type.labels.join(', ')}` : ''}${type.baseType ? ` over ${code(type.baseType)}` : ''}`);
    }
    return undefined;
  }
  const word = upto[0];
  if (name.index < parts.length - 1) {
    // A qualifier itself: an alias, a table, or a schema.
    const source = sourceFor([word], context.sources);
    if (source?.kind === 'relation') {
      const relation = index.relation(source.relation, session);
      if (relation) return found(describeRelation(relation));
    }
    const schema = index.schemas.get(word);
    if (schema) return found(`**${schema.name}** — schema${schema.comment ? `\n\n${schema.comment}` : ''}`);
  }
  const alias = sourceFor([word], context.sources);
  if (alias?.kind === 'relation' && (alias.alias === word || name.index < parts.length - 1 || context.kind === 'relation' || context.kind === 'keyword')) {
    const relation = index.relation(alias.relation, session);
    if (relation) return found(describeRelation(relation));
  }
  for (const source of context.sources) {
    const column = columnsOf(source, index, session).find((c) => c.name === word);
    if (column) return found(describeColumn(column, sourceName(source)));
  }
  const relation = index.relation({ name: word }, session);
  if (relation) return found(describeRelation(relation));
  const type = index.type({ name: word }, session);
  if (type) return found(`**${type.schema}.${type.name}** — ${type.kind} type${type.labels ? `: ${type.labels.join(', ')}` : ''}`);
  return undefined;
}

/** Splits pg_get_function_arguments' text at its top-level commas. */
export function splitArguments(args: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = false;
  let current = '';
  for (const ch of args) {
    if (ch === "'" ) quote = !quote;
    if (!quote && (ch === '(' || ch === '[')) depth += 1;
    if (!quote && (ch === ')' || ch === ']')) depth -= 1;
    if (!quote && depth === 0 && ch === ',') {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/** A catalog object that has DDL (go to definition). */
export interface ObjectRef {
  kind: 'table' | 'view' | 'materializedView' | 'function' | 'procedure' | 'sequence' | 'type';
  schema: string;
  name: string;
}

const DDL_KIND: Record<CatalogRelation['kind'], ObjectRef['kind']> = {
  table: 'table',
  partitionedTable: 'table',
  foreignTable: 'table',
  view: 'view',
  materializedView: 'materializedView',
  sequence: 'sequence',
};

/** The relation, routine or type named at `offset` (through aliases too), if the catalog knows it. */
export function objectAt(text: string, offset: number, index: CatalogIndex, session: SessionView): ObjectRef | undefined {
  const name = nameAt(text, offset);
  if (!name) return undefined;
  const upto = name.parts.slice(0, name.index + 1);
  const asName: RelationName = upto.length >= 2 ? { schema: upto[upto.length - 2], name: upto[upto.length - 1] } : { name: upto[0] };
  if (name.isCall && name.index === name.parts.length - 1) {
    const routine = index.routine(asName, session)[0];
    if (routine) return { kind: routine.kind === 'procedure' ? 'procedure' : 'function', schema: routine.schema, name: routine.name };
  }
  if (upto.length === 1) {
    const source = sourceFor(upto, name.context.sources);
    if (source?.kind === 'relation') {
      const relation = index.relation(source.relation, session);
      if (relation) return { kind: DDL_KIND[relation.kind], schema: relation.schema, name: relation.name };
    }
  }
  const relation = index.relation(asName, session);
  if (relation && !relation.schema.startsWith('pg_temp')) return { kind: DDL_KIND[relation.kind], schema: relation.schema, name: relation.name };
  const type = index.type(asName, session);
  if (type) return { kind: 'type', schema: type.schema, name: type.name };
  return undefined;
}
