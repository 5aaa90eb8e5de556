/**
 * The rows of one result set in the webview, kept as the packed pages they arrived in
 * (src/shared/packed-rows.ts: one Uint8Array of UTF-8 and one Int32Array per page), so no per-value object
 * exists until the grid draws a row or an edit needs one. Row i is found by a binary search over
 * the pages' start offsets. Pure data: no DOM.
 *
 * Two ways to fill it:
 * - `append` (a forward cursor): pages follow each other from row 0, up to `cap` rows; the rest
 *   is counted as dropped.
 * - `put` (a scroll cursor, `windowed`): a page lands at its offset in the result, anywhere; the
 *   store knows the result's `total` once counted, reports the rows it lacks (`firstMissing`), and
 *   holds at most `cap` rows, dropping the pages farthest from the newest one. So memory stays
 *   flat whatever the result's size; a dropped page is read again when it comes back into view.
 *
 * Indexes are loaded-row indexes: committed inserts (`prepend`) come first, committed deletes
 * (`remove`) are skipped, as the grid shows them.
 */
import { packRows, packedCell, packedRow, slicePacked } from '../../src/shared/packed-rows';
import type { PackedRows } from '../../src/shared/packed-rows';
import type { CellValue, RowValues } from '../../src/shared/results-model';

interface Chunk {
  /** Offset of the chunk's first row in the result. */
  start: number;
  rows: PackedRows;
}

export class RowStore {
  /** Sorted by start, never overlapping. */
  private chunks: Chunk[] = [];
  /** Rows held in chunks. */
  private held = 0;
  /** One past the last result row appended or put. */
  private end = 0;
  private knownTotal: number | null = null;
  /** Rows the server sent that the cap kept out of the grid (append only). */
  private dropped = 0;
  /** Committed inserts, shown before the result's rows. */
  private front: RowValues[] = [];
  /** Result offsets of committed deletes, ascending. */
  private removed: number[] = [];
  /** Rows replaced after a commit or a conflict, and rows kept past eviction (pending edits), by result offset. */
  private readonly overrides = new Map<number, RowValues>();
  private readonly pinned = new Set<number>();

  constructor(
    readonly cap: number,
    readonly windowed = false,
  ) {
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`row cap must be a positive whole number (got ${cap})`);
  }

  /** Rows the grid shows: every row of the result once its total is known, else those up to the last one read. */
  get length(): number {
    return this.front.length + (this.knownTotal ?? this.end) - this.removed.length;
  }

  /** One past the last result offset known to exist: the total once known, else the end of what was read. */
  get extent(): number {
    return this.knownTotal ?? this.end;
  }

  /** Rows held in memory now (at most `cap`). */
  get heldRows(): number {
    return this.held;
  }

  /** The result's number of rows, when counted (or read to its end). */
  get total(): number | null {
    return this.knownTotal;
  }

  setTotal(total: number): void {
    this.knownTotal = total;
    this.end = Math.min(this.end, total);
  }

  /** True once the cap is reached: append holds no further rows; put drops far pages to stay there. */
  get capReached(): boolean {
    return this.held >= this.cap;
  }

  get rowsDropped(): number {
    return this.dropped;
  }

  get pageCount(): number {
    return this.chunks.length;
  }

  /** Appends a page (plain rows or packed) after the last one; returns how many of its rows the cap let in. */
  append(page: PackedRows | readonly RowValues[]): number {
    const rows = isPacked(page) ? page : packRows(page, page.reduce((w, r) => Math.max(w, r.length), 0));
    const room = Math.max(0, this.cap - this.held);
    const kept = rows.count <= room ? rows : slicePacked(rows, room);
    this.dropped += rows.count - kept.count;
    if (kept.count === 0) return 0;
    this.chunks.push({ start: this.end, rows: kept });
    this.held += kept.count;
    this.end += kept.count;
    return kept.count;
  }

  /** A page read at `offset` of the result (windowed): replaces what it overlaps, then keeps the store under its cap. */
  put(offset: number, rows: PackedRows): void {
    if (rows.count === 0) return;
    const last = offset + rows.count;
    const kept: Chunk[] = [];
    for (const chunk of this.chunks) {
      const chunkEnd = chunk.start + chunk.rows.count;
      if (chunkEnd <= offset || chunk.start >= last) kept.push(chunk);
      else this.held -= chunk.rows.count;
    }
    const at = kept.findIndex((c) => c.start > offset);
    kept.splice(at < 0 ? kept.length : at, 0, { start: offset, rows });
    this.chunks = kept;
    this.held += rows.count;
    this.end = Math.max(this.end, last);
    this.evictAround(offset + rows.count / 2);
  }

  /** Whether loaded row `index` is held (or a committed insert). */
  has(index: number): boolean {
    if (index < this.front.length) return index >= 0;
    const offset = this.offsetOf(index);
    return offset !== undefined && (this.overrides.has(offset) || this.find(offset) !== undefined);
  }

  /**
   * The first run of result rows the loaded rows `from`..`to` (exclusive) lack, as a result offset
   * and a count, or undefined when all are held.
   */
  firstMissing(from: number, to: number): { offset: number; count: number } | undefined {
    const first = this.offsetOf(Math.max(from, this.front.length));
    if (first === undefined) return undefined;
    const lastIndex = Math.min(to, this.length) - 1;
    const lastOffset = this.offsetOf(lastIndex);
    if (lastOffset === undefined) return undefined;
    let missingFrom: number | undefined;
    for (let offset = first; offset <= lastOffset; ) {
      const chunk = this.find(offset);
      if (chunk) {
        if (missingFrom !== undefined) return { offset: missingFrom, count: offset - missingFrom };
        offset = chunk.start + chunk.rows.count;
        continue;
      }
      if (missingFrom === undefined) missingFrom = offset;
      // Jump to the next chunk's start, or the end of the range.
      const next = this.chunks.find((c) => c.start > offset);
      offset = next ? Math.min(next.start, lastOffset + 1) : lastOffset + 1;
      if (offset > lastOffset) return { offset: missingFrom, count: offset - missingFrom };
    }
    return missingFrom === undefined ? undefined : { offset: missingFrom, count: lastOffset + 1 - missingFrom };
  }

  row(index: number): RowValues | undefined {
    if (index < this.front.length) return index >= 0 ? this.front[index] : undefined;
    const offset = this.offsetOf(index);
    if (offset === undefined) return undefined;
    const override = this.overrides.get(offset);
    if (override) return override;
    const chunk = this.find(offset);
    return chunk ? packedRow(chunk.rows, offset - chunk.start) : undefined;
  }

  /** One value of a loaded row (what the grid draws), without making the row's array. */
  value(index: number, column: number): CellValue | undefined {
    if (index < this.front.length) return index >= 0 ? (this.front[index][column] ?? null) : undefined;
    const offset = this.offsetOf(index);
    if (offset === undefined) return undefined;
    const override = this.overrides.get(offset);
    if (override) return override[column] ?? null;
    const chunk = this.find(offset);
    return chunk ? packedCell(chunk.rows, offset - chunk.start, column) : undefined;
  }

  /** Keeps row `index` through eviction (it has pending edits: the commit needs the values it showed). */
  pin(index: number): void {
    const offset = index >= this.front.length ? this.offsetOf(index) : undefined;
    if (offset !== undefined) this.pinned.add(offset);
  }

  /** Replaces a row's values (after a commit, or when the user takes the server's version). */
  replace(index: number, row: RowValues): void {
    if (index >= 0 && index < this.front.length) {
      this.front[index] = row;
      return;
    }
    const offset = this.offsetOf(index);
    if (offset === undefined) throw new RangeError(`no row ${index}`);
    this.overrides.set(offset, row);
  }

  /** Removes rows (committed deletes). Indexes after them shift down. */
  remove(indexes: Iterable<number>): void {
    const offsets: number[] = [];
    const fronts: number[] = [];
    for (const index of new Set(indexes)) {
      if (index < 0 || index >= this.length) continue;
      if (index < this.front.length) fronts.push(index);
      else {
        const offset = this.offsetOf(index);
        if (offset !== undefined) offsets.push(offset);
      }
    }
    for (const i of fronts.sort((a, b) => b - a)) this.front.splice(i, 1);
    for (const offset of offsets) {
      this.overrides.delete(offset);
      this.pinned.delete(offset);
    }
    this.removed = [...this.removed, ...offsets].sort((a, b) => a - b);
  }

  /** Puts rows in front of the loaded ones (committed inserts show at the top). */
  prepend(rows: RowValues[]): void {
    this.front = [...rows, ...this.front];
  }

  /** Iterates rows from `from` (inclusive) to `to` (exclusive); rows not held are skipped. */
  *slice(from: number, to: number): Generator<RowValues> {
    for (let i = Math.max(0, from); i < Math.min(to, this.length); i++) {
      const row = this.row(i);
      if (row) yield row;
    }
  }

  /** Loaded index -> result offset (past the committed deletes before it). */
  private offsetOf(index: number): number | undefined {
    if (!Number.isInteger(index) || index < this.front.length || index >= this.length) return undefined;
    let offset = index - this.front.length;
    for (const r of this.removed) {
      if (r <= offset) offset++;
      else break;
    }
    return offset;
  }

  private find(offset: number): Chunk | undefined {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const chunk = this.chunks[mid];
      if (offset < chunk.start) hi = mid - 1;
      else if (offset >= chunk.start + chunk.rows.count) lo = mid + 1;
      else return chunk;
    }
    return undefined;
  }

  /** Drops the chunks farthest from `center` until at most `cap` rows are held (pinned rows are kept as overrides). */
  private evictAround(center: number): void {
    while (this.held > this.cap && this.chunks.length > 1) {
      let far = 0;
      let farDistance = -1;
      this.chunks.forEach((chunk, i) => {
        const distance = Math.abs(chunk.start + chunk.rows.count / 2 - center);
        if (distance > farDistance) {
          far = i;
          farDistance = distance;
        }
      });
      const [chunk] = this.chunks.splice(far, 1);
      this.held -= chunk.rows.count;
      for (const offset of this.pinned) {
        if (offset >= chunk.start && offset < chunk.start + chunk.rows.count && !this.overrides.has(offset)) {
          this.overrides.set(offset, packedRow(chunk.rows, offset - chunk.start));
        }
      }
    }
  }
}

function isPacked(page: PackedRows | readonly RowValues[]): page is PackedRows {
  return !Array.isArray(page);
}

export interface FetchState {
  loaded: number;
  /** Last row index the grid shows (or will, with overscan). */
  lastVisible: number;
  /** The server has no more rows, or the result cannot be paged. */
  exhausted: boolean;
  inFlight: boolean;
  capReached: boolean;
  /** A fetch failed: do not retry on every scroll event. */
  failed: boolean;
}

/**
 * Whether scrolling has come near enough to the end of the loaded rows to ask for the next page.
 * `margin` rows before the end, so the page usually arrives before the user gets there.
 */
export function shouldFetchMore(state: FetchState, margin: number): boolean {
  if (state.exhausted || state.inFlight || state.capReached || state.failed) return false;
  return state.lastVisible >= state.loaded - 1 - margin;
}
