/**
 * The rows of one result set in the webview, held as the pages they arrived in (one array per
 * page, never one giant array that has to be copied to grow), up to a cap. Row i is found by a
 * binary search over the pages' start indexes. Pure data: no DOM.
 */
import type { RowValues } from '../../src/shared/results-model';

export class RowStore {
  private pages: RowValues[][] = [];
  /** starts[p] = index of the first row of pages[p]. */
  private starts: number[] = [];
  private count = 0;
  /** Rows the server sent that the cap kept out of the grid. */
  private dropped = 0;

  constructor(readonly cap: number) {
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`row cap must be a positive whole number (got ${cap})`);
  }

  get length(): number {
    return this.count;
  }

  /** True once the cap is reached: further rows are not held (export gets the whole result). */
  get capReached(): boolean {
    return this.count >= this.cap;
  }

  get rowsDropped(): number {
    return this.dropped;
  }

  get pageCount(): number {
    return this.pages.length;
  }

  /** Appends a page; returns how many of its rows the cap let in. */
  append(rows: RowValues[]): number {
    const room = Math.max(0, this.cap - this.count);
    const kept = rows.length <= room ? rows : rows.slice(0, room);
    this.dropped += rows.length - kept.length;
    if (kept.length === 0) return 0;
    this.starts.push(this.count);
    this.pages.push(kept);
    this.count += kept.length;
    return kept.length;
  }

  row(index: number): RowValues | undefined {
    const found = this.locate(index);
    return found ? this.pages[found.page][found.offset] : undefined;
  }

  /** Replaces a row's values (after a commit, or when the user takes the server's version). */
  replace(index: number, row: RowValues): void {
    const found = this.locate(index);
    if (!found) throw new RangeError(`no row ${index}`);
    this.pages[found.page][found.offset] = row;
  }

  /** Removes rows (committed deletes). Indexes after them shift down. */
  remove(indexes: Iterable<number>): void {
    const sorted = [...new Set(indexes)].sort((a, b) => b - a);
    for (const index of sorted) {
      const found = this.locate(index);
      if (!found) continue;
      this.pages[found.page].splice(found.offset, 1);
      this.count -= 1;
    }
    this.reindex();
  }

  /** Puts rows in front of the loaded ones (committed inserts show at the top). */
  prepend(rows: RowValues[]): void {
    if (rows.length === 0) return;
    this.pages.unshift(rows.slice());
    this.count += rows.length;
    this.reindex();
  }

  /** Iterates rows from `from` (inclusive) to `to` (exclusive), without copying pages. */
  *slice(from: number, to: number): Generator<RowValues> {
    for (let i = Math.max(0, from); i < Math.min(to, this.count); i++) {
      const row = this.row(i);
      if (row) yield row;
    }
  }

  private locate(index: number): { page: number; offset: number } | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) return undefined;
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return { page: lo, offset: index - this.starts[lo] };
  }

  private reindex(): void {
    const pages: RowValues[][] = [];
    const starts: number[] = [];
    let at = 0;
    for (const page of this.pages) {
      if (page.length === 0) continue;
      pages.push(page);
      starts.push(at);
      at += page.length;
    }
    this.pages = pages;
    this.starts = starts;
    this.count = at;
  }
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
