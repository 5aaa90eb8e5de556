/**
 * How a column is laid out before the user touches it: numbers right-aligned (decided from the
 * column's type as the server named it, never from its values), and a width that fits its header
 * and the values of the first page, within bounds. Pure: the text is measured by the caller.
 */
import type { CellValue, ColumnView } from '../../src/shared/results-model';
import { cellText } from './value-view';

/** int8, int2, int4, oid, float4, float8, money, numeric (pg_type oids, stable since 7.x). */
const NUMERIC_TYPE_OIDS = new Set([20, 21, 23, 26, 700, 701, 790, 1700]);
/** The same types by format_type's names, for a column whose oid the host could not give. */
const NUMERIC_TYPE_NAME = /^(smallint|integer|bigint|oid|real|double precision|money|numeric(\(\d+(,\s*-?\d+)?\))?)$/;

export function isNumericColumn(column: Pick<ColumnView, 'typeOid' | 'typeName'>): boolean {
  return NUMERIC_TYPE_OIDS.has(column.typeOid) || NUMERIC_TYPE_NAME.test(column.typeName);
}

export interface WidthBounds {
  min: number;
  max: number;
}

/** A URL or a timestamp fits; a 2 kB JSON document does not take the screen. */
export const FIT_BOUNDS: WidthBounds = { min: 60, max: 400 };
/** Rows measured: the first page's worth, whatever has been loaded. */
export const FIT_ROWS = 100;

/** Widths of drawn text, in pixels, in the fonts the grid draws with. */
export interface TextMeasure {
  /** A column name (the header's bold line). */
  name(text: string): number;
  /** A type name (the header's small line). */
  type(text: string): number;
  cell(text: string): number;
}

/** Cell padding (6 px each side) and its border. */
const CELL_CHROME = 13;
/** Header padding, border, and room for the sort mark (▼2) and the resize handle. */
const HEADER_CHROME = 13 + 22;

/**
 * A width for each column: the widest of its header and its first `FIT_ROWS` values as the cell
 * draws them (cut to one line), clamped to `bounds`.
 */
export function fitColumnWidths(
  columns: readonly Pick<ColumnView, 'name' | 'typeName'>[],
  rows: readonly (readonly CellValue[])[],
  measure: TextMeasure,
  bounds: WidthBounds = FIT_BOUNDS,
): number[] {
  const sample = rows.slice(0, FIT_ROWS);
  return columns.map((column, col) => {
    let widest = Math.max(measure.name(column.name), measure.type(column.typeName)) + HEADER_CHROME;
    for (const row of sample) {
      if (widest >= bounds.max) break;
      // Beyond the widest a column may be, no text needs measuring whole.
      const text = cellText(row[col] ?? null, 200).text;
      widest = Math.max(widest, measure.cell(text) + CELL_CHROME);
    }
    return Math.round(Math.min(bounds.max, Math.max(bounds.min, widest)));
  });
}
