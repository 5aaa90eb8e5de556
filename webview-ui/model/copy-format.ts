/**
 * Turns a rectangle of cells into text for the clipboard: TSV (what spreadsheets paste), CSV
 * (RFC 4180 quoting by csv-stringify), a Markdown table, or INSERT statements. Values stay the
 * server's text; NULL is written the way each format can tell it from the empty string.
 */
import { stringify } from 'csv-stringify/browser/esm/sync';
import type { CellValue, ColumnView } from '../../src/shared/results-model';

export type CopyFormat = 'tsv' | 'csv' | 'markdown' | 'insert';

export interface CopyInput {
  columns: ColumnView[];
  rows: CellValue[][];
  /** Include a header line (TSV/CSV); Markdown always has one. */
  header: boolean;
  /** INSERT: the target table, already as the user should see it (e.g. `public.orders`). */
  table?: { schema: string; name: string };
}

export function formatCopy(format: CopyFormat, input: CopyInput): string {
  switch (format) {
    case 'tsv':
      return toTsv(input);
    case 'csv':
      return toCsv(input);
    case 'markdown':
      return toMarkdown(input);
    case 'insert':
      return toInserts(input);
  }
}

/**
 * TSV as spreadsheets read it: tabs and line breaks inside a value would split cells, so such a
 * value is quoted CSV-style (Excel and Sheets both unquote it). NULL is an empty field.
 */
export function toTsv({ columns, rows, header }: CopyInput): string {
  const field = (v: CellValue): string => {
    if (v === null) return '';
    return /[\t\n\r"]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  };
  const lines = rows.map((r) => r.map(field).join('\t'));
  if (header) lines.unshift(columns.map((c) => field(c.name)).join('\t'));
  return lines.join('\n');
}

/** RFC 4180. NULL is an unquoted empty field and the empty string a quoted one, as COPY's CSV reads them. */
export function toCsv({ columns, rows, header }: CopyInput): string {
  const records: CellValue[][] = header ? [columns.map((c) => c.name), ...rows] : rows;
  const body = stringify(records, {
    record_delimiter: '\n',
    // A per-field option: only the empty string is quoted; null stays an empty field.
    cast: { string: (v: string) => (v === '' ? { value: '', quoted_empty: true } : v) },
  });
  return body.replace(/\n$/, '');
}

/** A GitHub-flavoured Markdown table; `|` and line breaks are escaped, NULL shows as *NULL*. */
export function toMarkdown({ columns, rows }: CopyInput): string {
  const cell = (v: CellValue): string =>
    v === null ? '*NULL*' : v.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
  const lines = [
    `| ${columns.map((c) => cell(c.name)).join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/** One INSERT per row; identifiers always quoted, values as literals (numbers bare). */
export function toInserts({ columns, rows, table }: CopyInput): string {
  const target = table ? `${quoteIdent(table.schema)}.${quoteIdent(table.name)}` : quoteIdent('table_name');
  const names = columns.map((c) => quoteIdent(c.name)).join(', ');
  return rows
    .map((r) => `INSERT INTO ${target} (${names}) VALUES (${r.map((v, i) => literal(v, columns[i])).join(', ')});`)
    .join('\n');
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

const NUMERIC_TYPES = new Set([20, 21, 23, 26, 700, 701, 1700]);
const NUMBER_TEXT = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function literal(value: CellValue, column: ColumnView | undefined): string {
  if (value === null) return 'NULL';
  if (column && NUMERIC_TYPES.has(column.typeOid) && NUMBER_TEXT.test(value)) return value;
  if (column?.typeOid === 16 && (value === 't' || value === 'f')) return value === 't' ? 'true' : 'false';
  // With standard_conforming_strings (on since 9.1) only the quote needs doubling; a value with a
  // backslash is written as E'' so it reads the same whatever that setting is.
  if (value.includes('\\')) return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  return `'${value.replace(/'/g, "''")}'`;
}
