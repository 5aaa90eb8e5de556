/**
 * Catalog facts as the model reads them: one line per object, names quoted as SQL identifiers
 * (so they can be pasted into a query as they are), definitions as the server prints them.
 * Plain text, no vscode. Long lists are cut at the byte cap with a line that says so.
 */
import type { ObjectType, RelationDescription, Routine, SchemaContents, SchemaSummary, Sequence } from '../../pool';
import { qualifiedName, quoteIdent } from '../sql/quote';

const COUNT_WORDS: Record<keyof SchemaSummary['counts'], string> = {
  tables: 'tables',
  partitionedTables: 'partitioned tables',
  partitions: 'partitions',
  views: 'views',
  materializedViews: 'materialized views',
  foreignTables: 'foreign tables',
  sequences: 'sequences',
  functions: 'functions',
  procedures: 'procedures',
  aggregates: 'aggregates',
  windowFunctions: 'window functions',
  types: 'types',
};

export function schemasText(schemas: readonly SchemaSummary[]): string[] {
  return schemas.map((s) => {
    const counts = (Object.keys(COUNT_WORDS) as (keyof SchemaSummary['counts'])[])
      .filter((kind) => s.counts[kind] > 0)
      .map((kind) => `${s.counts[kind]} ${s.counts[kind] === 1 ? COUNT_WORDS[kind].slice(0, -1) : COUNT_WORDS[kind]}`)
      .join(', ');
    return `${quoteIdent(s.name)} (owner ${s.owner}${counts ? `; ${counts}` : '; empty'})${comment(s.comment)}`;
  });
}

export function schemaContentsText(schema: string, contents: SchemaContents): string[] {
  const lines: string[] = [];
  for (const r of contents.relations) {
    const rows = r.estimatedRows === null ? '' : `, ~${r.estimatedRows} rows`;
    const partition = r.parent ? `, partition of ${qualifiedName(r.parent.schema, r.parent.name)} ${r.partitionBound ?? ''}`.trimEnd() : '';
    lines.push(`${kindWord(r.kind)} ${qualifiedName(schema, r.name)}${rows}${partition}${r.canSelect ? '' : ' (no SELECT privilege)'}${comment(r.comment)}`);
  }
  for (const f of contents.routines) lines.push(routineLine(f));
  for (const s of contents.sequences) lines.push(sequenceLine(s));
  for (const t of contents.types) lines.push(typeLine(t));
  return lines;
}

export function relationText(d: RelationDescription): string[] {
  const lines = [`${kindWord(d.kind)} ${qualifiedName(d.schema, d.name)}${comment(d.comment)}`];
  if (d.parent) lines.push(`Partition of ${qualifiedName(d.parent.schema, d.parent.name)} ${d.partitionBound ?? ''}`.trimEnd());
  if (d.partitionKey) lines.push(`Partitioned by ${d.partitionKey}`);
  lines.push('Columns:');
  for (const c of d.columns) {
    const parts = [quoteIdent(c.name), c.dataType];
    if (c.collation) parts.push(`COLLATE ${qualifiedName(c.collationSchema ?? 'pg_catalog', c.collation)}`);
    if (!c.nullable) parts.push('NOT NULL');
    if (c.default !== null) parts.push(`DEFAULT ${c.default}`);
    if (c.identity) parts.push(`GENERATED ${c.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`);
    if (c.generated !== null) parts.push(`GENERATED ALWAYS AS (${c.generated}) ${(c.generatedKind ?? 'stored').toUpperCase()}`);
    if (c.isPrimaryKey) parts.push('(primary key)');
    lines.push(`  ${parts.join(' ')}${comment(c.comment)}`);
  }
  if (d.primaryKey) lines.push(`Primary key: ${quoteIdent(d.primaryKey.name)} ${d.primaryKey.definition}`);
  for (const u of d.uniqueConstraints) lines.push(`Unique: ${quoteIdent(u.name)} ${u.definition}${comment(u.comment)}`);
  for (const f of d.foreignKeys) {
    const line = `${quoteIdent(f.name)} ${f.definition}`;
    lines.push(f.direction === 'outgoing' ? `Foreign key: ${line}` : `Referenced by: ${qualifiedName(f.schema, f.table)} ${line}`);
  }
  for (const c of d.checks) lines.push(`Check: ${quoteIdent(c.name)} ${c.definition}${comment(c.comment)}`);
  for (const x of d.exclusions) lines.push(`Exclusion: ${quoteIdent(x.name)} ${x.definition}`);
  for (const i of d.indexes) lines.push(`Index: ${i.definition}${i.isValid ? '' : ' (INVALID)'}${comment(i.comment)}`);
  for (const t of d.triggers) lines.push(`Trigger: ${t.definition}${t.enabled === 'D' ? ' (disabled)' : ''}${comment(t.comment)}`);
  for (const p of d.partitions) lines.push(`Partition: ${qualifiedName(p.schema, p.name)} ${p.bound}`);
  if (d.size !== null) lines.push(`Size on disk: ${d.size} bytes (indexes and TOAST included)`);
  return lines;
}

export function routineLine(f: Routine): string {
  const result = f.resultType ? ` RETURNS ${f.resultType}` : '';
  return `${f.kind} ${qualifiedName(f.schema, f.name)}(${f.arguments})${result} (${f.language}, ${f.volatility})${comment(f.comment)}`;
}

export function sequenceLine(s: Sequence): string {
  const owned = s.ownedBy ? `, owned by ${qualifiedName(s.ownedBy.schema, s.ownedBy.table, s.ownedBy.column)}` : '';
  return `sequence ${qualifiedName(s.schema, s.name)} (${s.dataType}, start ${s.start}, increment ${s.increment}${owned})${comment(s.comment)}`;
}

export function typeLine(t: ObjectType): string {
  const name = qualifiedName(t.schema, t.name);
  switch (t.kind) {
    case 'enum':
      return `enum type ${name} (${t.labels.map((l) => `'${l.replace(/'/g, "''")}'`).join(', ')})${comment(t.comment)}`;
    case 'composite':
      return `composite type ${name} (${t.attributes.map((a) => `${quoteIdent(a.name)} ${a.dataType}`).join(', ')})${comment(t.comment)}`;
    case 'domain':
      return `domain ${name} over ${t.baseType}${t.notNull ? ' NOT NULL' : ''}${t.constraints.map((c) => ` ${c.definition}`).join('')}${comment(t.comment)}`;
    case 'range':
      return `range type ${name} over ${t.subtype}${comment(t.comment)}`;
    case 'multirange':
      return `multirange type ${name} of ${t.rangeType}${comment(t.comment)}`;
  }
}

/** The lines that fit in `maxBytes`, and a last line saying how many were left out. */
export function capLines(lines: readonly string[], maxBytes: number): string[] {
  const kept: string[] = [];
  let bytes = 0;
  for (const line of lines) {
    const size = Buffer.byteLength(line, 'utf8') + 1;
    if (bytes + size > maxBytes) {
      kept.push(`LIST CUT: ${lines.length - kept.length} more lines left out at the byte cap (${maxBytes} bytes, the setting pgExplorer.agent.maxResultBytes).`);
      return kept;
    }
    bytes += size;
    kept.push(line);
  }
  return kept;
}

function kindWord(kind: RelationDescription['kind']): string {
  switch (kind) {
    case 'partitionedTable':
      return 'partitioned table';
    case 'materializedView':
      return 'materialized view';
    case 'foreignTable':
      return 'foreign table';
    default:
      return kind;
  }
}

function comment(text: string | null): string {
  return text ? ` -- ${text.replace(/\s*\n\s*/g, ' ')}` : '';
}
