/**
 * The SQL of a sorted and filtered result: the result's own query wrapped, never edited, as
 *
 *     SELECT * FROM (
 *     <the query>
 *     ) AS q
 *     WHERE (
 *     <the user's WHERE text>
 *     ) AND q."col" = $1::type ...
 *     ORDER BY "col" DESC, 3
 *
 * Only a single plain SELECT / VALUES / TABLE is wrapped (`wrapRefusal`): wrapping anything else
 * would run its side effects again. Identifiers are quoted; quick-filter values are parameters cast
 * to the column's type; the WHERE text is the user's own SQL and goes in as written, on lines of its
 * own so that a trailing `--` comment cannot swallow the closing parenthesis. The composed text is
 * parsed again (`composedRefusal`) before anything is sent, so a filter that is not one expression
 * is refused without touching the session's open cursor. No vscode here.
 */
import { quoteIdent, whyNotPlainQuery } from '../../pool';
import type { QuickFilter, SortFilterSpec } from '../../shared/protocol';

export interface WrappableColumn {
  name: string;
  /** format_type() of the column's type, e.g. "character varying", or "oid N" when unknown. */
  typeName: string;
}

export interface WrappedQuery {
  sql: string;
  /** Quick-filter values, as the server printed them, for $1..$n. */
  params: string[];
}

/** Builds the wrapped query; throws an Error a person can act on for a spec it cannot build. */
export function buildSortFilterQuery(baseSql: string, columns: WrappableColumn[], spec: SortFilterSpec): WrappedQuery {
  const base = stripTrailingSemicolons(baseSql);
  const params: string[] = [];
  const conditions: string[] = [];
  if (spec.where.trim() !== '') conditions.push(`(\n${spec.where}\n)`);
  for (const filter of spec.quick) conditions.push(quickCondition(filter, columns, params));
  const order = spec.sort.map((key) => `${orderTarget(key.column, columns)} ${key.direction === 'desc' ? 'DESC' : 'ASC'}`);
  let sql = `SELECT * FROM (\n${base}\n) AS q`;
  if (conditions.length) sql += `\nWHERE ${conditions.join('\n  AND ')}`;
  if (order.length) sql += `\nORDER BY ${order.join(', ')}`;
  return { sql, params };
}

/** Why a result's query cannot be wrapped (sorted, filtered), or undefined when it can. */
export async function wrapRefusal(sql: string): Promise<string | undefined> {
  const why = await whyNotPlainQuery(sql);
  return why ? `only a single plain SELECT, VALUES or TABLE is run again to sort or filter it, and ${why}.` : undefined;
}

/** Why the composed query is not one plain query (the filter text broke out of its place), or undefined. */
export async function composedRefusal(sql: string): Promise<string | undefined> {
  const why = await whyNotPlainQuery(sql);
  return why ? `The filter must be one SQL expression that can follow WHERE (for example: amount > 10 AND note IS NOT NULL); with it the query ${why.replace(/^it /, '')}. Nothing was run.` : undefined;
}

function quickCondition(filter: QuickFilter, columns: WrappableColumn[], params: string[]): string {
  const column = columnAt(filter.column, columns);
  if (columns.filter((c) => c.name === column.name).length > 1) {
    throw new Error(`The result has two columns named ${column.name}: give one an alias (AS) in the query to filter on it.`);
  }
  const ref = `q.${quoteIdent(column.name)}`;
  if (filter.op === 'isNull') return `${ref} IS NULL`;
  if (filter.op === 'notNull') return `${ref} IS NOT NULL`;
  if (filter.value === undefined) throw new Error(`A "${filter.op}" filter needs a value; use IS NULL for a NULL cell.`);
  params.push(filter.value);
  const param = `$${params.length}`;
  // Contains compares the text the grid shows (any type); strpos needs no LIKE escaping of % and _.
  if (filter.op === 'contains') return `strpos(${ref}::text, ${param}::text) > 0`;
  const operator = filter.op === 'eq' ? '=' : '<>';
  // The value is the server's own text for the column's type: cast back to that type, so the
  // comparison is the type's own (numeric 1.50 = 1.5, an index on the column can be used).
  // A type the pool could not name is compared as text.
  const typed = column.typeName.startsWith('oid ') ? `${ref}::text ${operator} ${param}::text` : `${ref} ${operator} ${param}::${column.typeName}`;
  return typed;
}

/** A column of the wrapped query's output: by quoted name, or by position when the name is not unique. */
function orderTarget(index: number, columns: WrappableColumn[]): string {
  const column = columnAt(index, columns);
  return columns.filter((c) => c.name === column.name).length === 1 ? quoteIdent(column.name) : String(index + 1);
}

function columnAt(index: number, columns: WrappableColumn[]): WrappableColumn {
  const column = Number.isInteger(index) ? columns[index] : undefined;
  if (!column) throw new Error(`The result has no column ${index + 1}.`);
  return column;
}

/** A statement as the splitter hands it may keep its semicolon: inside parentheses it would not parse. */
function stripTrailingSemicolons(sql: string): string {
  let text = sql.trimEnd();
  while (text.endsWith(';')) text = text.slice(0, -1).trimEnd();
  return text;
}
