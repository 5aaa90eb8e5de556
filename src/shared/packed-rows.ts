/**
 * A page of rows as it crosses postMessage: one string with every value of the page, row after
 * row, and one Int32Array of where each value ends. VS Code's webview postMessage carries a typed
 * array as a buffer beside the JSON, so a 5,000-row page is one string and one buffer instead of
 * 30,000 strings to serialise, parse and clone; the grid cuts a value out only when it draws it.
 *
 * `ends[i]` is the end offset (in UTF-16 code units) of value i (row-major: i = row * width +
 * column) and the start of value i + 1; a NULL is stored as `~end` (negative), so NULL and ''
 * stay apart. Plain functions, no DOM, no Node: both sides import this file.
 */
import type { CellValue, RowValues } from './results-model';

export interface PackedRows {
  /** Values per row. */
  width: number;
  /** Rows in the page. */
  count: number;
  text: string;
  ends: Int32Array;
}

export function packRows(rows: readonly (readonly CellValue[])[], width: number): PackedRows {
  const ends = new Int32Array(rows.length * width);
  const parts: string[] = [];
  let at = 0;
  let i = 0;
  for (const row of rows) {
    for (let c = 0; c < width; c++) {
      const value = row[c];
      if (value === null || value === undefined) {
        ends[i++] = ~at;
      } else {
        parts.push(value);
        at += value.length;
        ends[i++] = at;
      }
    }
  }
  return { width, count: rows.length, text: parts.join(''), ends };
}

/** Value `column` of row `row` of the page. */
export function packedCell(page: PackedRows, row: number, column: number): CellValue {
  const i = row * page.width + column;
  const end = page.ends[i];
  if (end < 0) return null;
  const previous = i === 0 ? 0 : page.ends[i - 1];
  const start = previous < 0 ? ~previous : previous;
  return page.text.slice(start, end);
}

/** Row `row` of the page as an array (for edits and copy: only the rows asked for). */
export function packedRow(page: PackedRows, row: number): RowValues {
  const out: RowValues = new Array<CellValue>(page.width);
  for (let c = 0; c < page.width; c++) out[c] = packedCell(page, row, c);
  return out;
}

/** Every row of the page (tests, and small pages). */
export function unpackRows(page: PackedRows): RowValues[] {
  const out: RowValues[] = [];
  for (let r = 0; r < page.count; r++) out.push(packedRow(page, r));
  return out;
}

/**
 * A page that came through structured clone or JSON may carry its ends as a plain array or an
 * index-keyed object (a host that does not transfer buffers): give it back as an Int32Array.
 */
export function revivePacked(page: PackedRows): PackedRows {
  if (page.ends instanceof Int32Array) return page;
  const raw = page.ends as unknown;
  const values = Array.isArray(raw) ? (raw as number[]) : Object.values(raw as Record<string, number>);
  return { ...page, ends: Int32Array.from(values) };
}
