/**
 * A page of rows as it crosses postMessage: the UTF-8 bytes of every value of the page, row after
 * row, in one Uint8Array, and where each value ends in one Int32Array. VS Code's webview
 * postMessage carries typed arrays as buffers beside the JSON, so a 10,000-row page is two buffer
 * copies instead of 50,000 strings to join, escape into JSON, encode, decode and parse; the host
 * fills the bytes straight from the server's DataRow messages (src/pool/packed-page.ts, the same
 * shape), and the grid decodes a value only when it draws it.
 *
 * `ends[i]` is the end offset (in bytes) of value i (row-major: i = row * width + column) and the
 * start of value i + 1; a NULL is stored as `~end` (negative), so NULL and '' stay apart. Both
 * arrays are exact-size buffers of their own (postMessage sends a view's whole ArrayBuffer).
 * Plain functions, no DOM, no Node: both sides import this file.
 */
import type { CellValue, RowValues } from './results-model';

export interface PackedRows {
  /** Values per row. */
  width: number;
  /** Rows in the page. */
  count: number;
  bytes: Uint8Array;
  ends: Int32Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Packs rows of strings (a first page, rows made in the webview, tests). */
export function packRows(rows: readonly (readonly CellValue[])[], width: number): PackedRows {
  const ends = new Int32Array(rows.length * width);
  let bytes = new Uint8Array(1024);
  let at = 0;
  let i = 0;
  for (const row of rows) {
    for (let c = 0; c < width; c++) {
      const value = row[c];
      if (value === null || value === undefined) {
        ends[i++] = ~at;
        continue;
      }
      // UTF-8 takes at most 3 bytes per UTF-16 code unit.
      if (at + value.length * 3 > bytes.length) {
        const grown = new Uint8Array(Math.max(bytes.length * 2, at + value.length * 3));
        grown.set(bytes.subarray(0, at));
        bytes = grown;
      }
      at += encoder.encodeInto(value, bytes.subarray(at)).written;
      ends[i++] = at;
    }
  }
  return { width, count: rows.length, bytes: bytes.slice(0, at), ends };
}

function startOf(page: PackedRows, i: number): number {
  if (i === 0) return 0;
  const previous = page.ends[i - 1];
  return previous < 0 ? ~previous : previous;
}

/** Value `column` of row `row` of the page. */
export function packedCell(page: PackedRows, row: number, column: number): CellValue {
  const i = row * page.width + column;
  const end = page.ends[i];
  if (end < 0) return null;
  const start = startOf(page, i);
  return start === end ? '' : decoder.decode(page.bytes.subarray(start, end));
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

/** The first `count` rows of a page. */
export function slicePacked(page: PackedRows, count: number): PackedRows {
  if (count >= page.count) return page;
  const ends = page.ends.slice(0, count * page.width);
  const end = ends.length === 0 ? 0 : startOf(page, ends.length);
  return { width: page.width, count, bytes: page.bytes.slice(0, end), ends };
}

/**
 * A page that came through JSON or a structured clone that did not keep typed arrays (a host
 * that does not transfer buffers) may carry them as plain arrays or index-keyed objects: give
 * them back as typed arrays.
 */
export function revivePacked(page: PackedRows): PackedRows {
  if (page.ends instanceof Int32Array && page.bytes instanceof Uint8Array) return page;
  const values = (raw: unknown): number[] => (Array.isArray(raw) ? (raw as number[]) : Object.values(raw as Record<string, number>));
  return {
    ...page,
    ends: page.ends instanceof Int32Array ? page.ends : Int32Array.from(values(page.ends)),
    bytes: page.bytes instanceof Uint8Array ? page.bytes : Uint8Array.from(values(page.bytes)),
  };
}
