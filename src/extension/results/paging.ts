/**
 * The host's side of paging a result into the grid, as functions any webview host can call (the
 * results panel today; a panel view tomorrow): where the rows come from (the session's forward
 * cursor, a named cursor, or a scroll cursor read at any row), packed by the pool as the server's
 * bytes for postMessage, and the read loop of Fetch all, which overlaps the next read with the
 * post of the page before and keeps at most one page on its way to the webview. No vscode here.
 *
 * Architecture invariant: the host forwards pages and forgets them.
 */
import type { PackedPageResult, Session } from '../../pool';
import type { PageView } from '../../shared/protocol';

/** Rows per read of a scroll cursor when the grid asks for a range (the viewport and a margin). */
export const RANGE_PAGE_SIZE = 1_000;
/**
 * Rows per read of Fetch all from a scroll cursor. In bench figure 7 bigger pages read 0.08-0.16x
 * of pg-cursor (25,000 or 50,000 rows) against 0.09-0.11x (10,000), within the noise and under
 * VS Code's own floor either way (the trip costs by the byte), while the host's RSS growth during
 * Fetch all followed the page size (10,000: 24-43 MB; 25,000: 46-70 MB, over its 64 MB target once).
 */
export const FETCH_ALL_PAGE_SIZE = 10_000;
/**
 * Pages Fetch all lets be on their way to the webview at once. Two (one sent while the webview
 * takes in the one before) did not measurably speed Fetch all up in code-server and doubled what
 * the host holds (bench figure 7: host RSS growth), so one.
 */
export const PAGES_IN_FLIGHT = 1;

/** Where a result's rows come from. */
export interface PageSource {
  session: Session;
  /** The named or scroll cursor; undefined: the session's protocol cursor. */
  cursorName: string | undefined;
  scrollable: boolean;
  width: number;
}

export interface PageRead {
  page: PageView;
  /** ms the read took on the host. */
  elapsedMs: number;
}

/** One page: the next of a forward cursor, or rows `offset`.. of a scroll cursor, packed as the server's bytes. */
export async function readPage(source: PageSource, offset: number | undefined, count: number | undefined): Promise<PageRead> {
  const started = performance.now();
  let result: PackedPageResult;
  let first: number;
  if (source.scrollable && source.cursorName !== undefined && offset !== undefined) {
    result = await source.session.fetchPackedAt(source.cursorName, offset, count ?? RANGE_PAGE_SIZE);
    first = offset;
  } else {
    result = await source.session.fetchPackedPage(count, source.cursorName);
    first = result.rowsSoFar - result.count;
  }
  // The pool's packed page is the webview's PackedRows (src/pool/packed-page.ts, src/shared/packed-rows.ts).
  const page: PageView = { packed: result.rows, offset: first, done: result.done, rowsSoFar: result.rowsSoFar };
  return { page, elapsedMs: performance.now() - started };
}

export interface FetchLoop {
  source: PageSource;
  /** Fetch all: go on to the end, the cap or a stop. */
  all: boolean;
  /** Scroll cursors: the first row to read. */
  offset: number | undefined;
  count: number | undefined;
  /** The grid holds at most this many rows: Fetch all stops there. */
  cap: number;
  /** The run was replaced or the panel closed: nothing more is posted. */
  gone(): boolean;
  /** Stop was pressed: no further read (a page already read is still shown). */
  stopRequested(): boolean;
  /** Posts one page; resolves when the webview side has taken it (the loop's back-pressure). */
  post(read: PageRead, continuing: boolean): Thenable<unknown>;
}

/**
 * Reads pages and posts each. While pages are posted the next is already being read from the
 * server, and at most PAGES_IN_FLIGHT pages are on their way to the webview, so a slow webview
 * slows Fetch all down instead of piling pages up in the host. Returns the last page read.
 */
export async function fetchLoop(loop: FetchLoop): Promise<PageView | undefined> {
  const { source, all } = loop;
  const size = loop.count ?? (all && source.scrollable ? FETCH_ALL_PAGE_SIZE : undefined);
  let offset = source.scrollable ? (loop.offset ?? 0) : undefined;
  const read = (): Promise<PageRead> => {
    // A scroll cursor's Fetch all reads no row past the cap: the grid would only drop one for it.
    const count = offset !== undefined && all ? Math.max(1, Math.min(size ?? FETCH_ALL_PAGE_SIZE, loop.cap - offset)) : size;
    const next = readPage(source, offset, count);
    next.catch(() => undefined);
    return next;
  };
  let next = read();
  const inFlight: Thenable<unknown>[] = [];
  let last: PageView | undefined;
  for (;;) {
    const got = await next;
    last = got.page;
    if (loop.gone()) return last;
    const end = got.page.offset + got.page.packed.count;
    // Stop is checked before the next read only: a page already read is always shown.
    const continuing = all && !got.page.done && end < loop.cap && !loop.stopRequested();
    if (continuing) {
      if (offset !== undefined) offset = end;
      next = read();
    }
    while (inFlight.length >= PAGES_IN_FLIGHT) await inFlight.shift();
    if (loop.gone()) return last;
    inFlight.push(loop.post(got, continuing));
    if (!continuing) {
      for (const delivered of inFlight) await delivered;
      return last;
    }
  }
}
