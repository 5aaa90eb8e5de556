/**
 * Fetch all's read loop (src/extension/results/paging.ts) on a real server: every row reaches the
 * webview's side in order as packed pages, at most PAGES_IN_FLIGHT pages are ever on their way
 * (a slow webview slows the loop down instead of piling pages up in the host), and Stop ends it
 * after the pages already read, each of them shown.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startCluster } from '../harness/cluster';
import type { Cluster } from '../harness/cluster';
import { testPools } from '../harness/pools';
import { FETCH_ALL_PAGE_SIZE, PAGES_IN_FLIGHT, fetchLoop } from '../../src/extension/results/paging';
import type { PageRead } from '../../src/extension/results/paging';
import { packedCell } from '../../src/shared/packed-rows';

let cluster: Cluster;
const pools = testPools(() => cluster);
const ROWS = FETCH_ALL_PAGE_SIZE * 4 + 123;

before(async () => {
  cluster = await startCluster();
});

after(async () => {
  await pools.closeAll();
  await cluster?.stop();
});

/** A webview that takes each page only when told to. */
function slowWebview() {
  const posted: { read: PageRead; continuing: boolean; take(): void }[] = [];
  let waiters: (() => void)[] = [];
  return {
    posted,
    post(read: PageRead, continuing: boolean): Promise<void> {
      return new Promise<void>((resolve) => {
        posted.push({ read, continuing, take: resolve });
        for (const w of waiters) w();
        waiters = [];
      });
    },
    /** Resolves once `n` pages have been posted. */
    until(n: number): Promise<void> {
      return posted.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push(() => void this.until(n).then(resolve)));
    },
  };
}

describe('Fetch all', () => {
  test('every row arrives in order, with no more pages on their way than PAGES_IN_FLIGHT', async () => {
    const pool = await pools.open('fetch-loop');
    const session = pool.session('tab');
    const outcome = await session.execute(`SELECT g, 'row ' || g FROM generate_series(1, ${ROWS}) g`, { scrollable: true });
    assert.ok(outcome.kind === 'rows' && outcome.cursor.name);
    const webview = slowWebview();
    const loop = fetchLoop({
      source: { session, cursorName: outcome.cursor.name, scrollable: true, width: 2 },
      all: true,
      offset: outcome.page.rows.length,
      count: undefined,
      cap: 1_000_000,
      gone: () => false,
      stopRequested: () => false,
      post: (read, continuing) => webview.post(read, continuing),
    });
    let taken = 0;
    for (;;) {
      await webview.until(taken + 1);
      // Give the loop every chance to post more than it may.
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.ok(webview.posted.length - taken <= PAGES_IN_FLIGHT, `${webview.posted.length - taken} pages on their way`);
      const page = webview.posted[taken];
      taken += 1;
      page.take();
      if (!page.continuing) break;
    }
    const last = await loop;
    assert.equal(last?.done, true);
    let expected = outcome.page.rows.length + 1;
    for (const { read } of webview.posted) {
      assert.equal(read.page.offset + 1, expected, 'pages in order, none skipped');
      for (let r = 0; r < read.page.packed.count; r++) assert.equal(packedCell(read.page.packed, r, 0), String(expected + r));
      expected += read.page.packed.count;
    }
    assert.equal(expected - 1, ROWS);
    assert.equal(packedCell(webview.posted[webview.posted.length - 1].read.page.packed, 0, 1), `row ${ROWS - ((ROWS - 100) % FETCH_ALL_PAGE_SIZE) + 1}`);
  });

  test('Stop ends the loop after the pages already read, each shown', async () => {
    const pool = await pools.open('fetch-loop-stop');
    const session = pool.session('tab');
    const outcome = await session.execute(`SELECT g FROM generate_series(1, ${ROWS}) g`, { scrollable: true });
    assert.ok(outcome.kind === 'rows' && outcome.cursor.name);
    let stop = false;
    const pages: PageRead[] = [];
    const last = await fetchLoop({
      source: { session, cursorName: outcome.cursor.name, scrollable: true, width: 1 },
      all: true,
      offset: outcome.page.rows.length,
      count: undefined,
      cap: 1_000_000,
      gone: () => false,
      stopRequested: () => stop,
      post: (read) => {
        pages.push(read);
        stop = true;
        return Promise.resolve();
      },
    });
    // The first page was posted, then Stop; the page read meanwhile is shown too, and no more.
    assert.equal(pages.length, 2);
    assert.equal(last?.done, false);
    assert.equal(last?.offset, outcome.page.rows.length + FETCH_ALL_PAGE_SIZE);
  });
});
