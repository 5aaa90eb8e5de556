/**
 * Reach any row (issue 17), in a real VS Code (code-server + Debian's chromium) against a real
 * cluster: Open Data of a 2,000,000-row table, Ctrl+End shows row 2,000,000 without loading what
 * lies between, Ctrl+Home goes back to row 1, and the DOM and the webview's heap stay bounded.
 * Screenshot: test-results/results-reach-end.png (docs/images for the README tour).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import type { Cluster } from '../harness/cluster';
import type { Browser, CodeServer } from './harness/code-server';
import { gridPage, shot, waitFor, waitText } from './harness/grid-page';
import { closeGridWorkbench, openGridWorkbench } from './harness/grid-workbench';

const DATABASE = 'reach';
const PROFILE = 'Reach cluster';
const ROWS = 2_000_000;
const { openData } = gridPage({ profile: PROFILE, database: DATABASE });

/** The rows drawn in the grid: row number label and the id cell, in DOM order. */
async function drawn(grid: Frame): Promise<{ label: string; id: string; loading: boolean }[]> {
  return (await grid.evaluate(`[...document.querySelectorAll('.grid-row')].map((r) => ({
    label: r.querySelector('.grid-rownum')?.textContent ?? '',
    id: r.querySelector('[data-col="0"]')?.textContent ?? '',
    loading: r.classList.contains('row-loading'),
  }))`)) as { label: string; id: string; loading: boolean }[];
}

/** The rows in the visible part of the grid (below the sticky header), as the user sees them. */
async function inView(grid: Frame): Promise<{ label: string; id: string }[]> {
  return (await grid.evaluate(`(() => {
    const g = document.querySelector('.grid');
    const box = g.getBoundingClientRect();
    return [...document.querySelectorAll('.grid-row')].filter((r) => {
      const b = r.getBoundingClientRect();
      return b.top >= box.top + 30 && b.bottom <= box.bottom + 1;
    }).map((r) => ({ label: r.querySelector('.grid-rownum')?.textContent ?? '', id: r.querySelector('[data-col="0"]')?.textContent ?? '' }));
  })()`)) as { label: string; id: string }[];
}

async function heapMb(grid: Frame): Promise<number> {
  // Chromium's performance.memory: the webview's JS heap in use.
  const bytes = Number(await grid.evaluate(`performance.memory ? performance.memory.usedJSHeapSize : 0`));
  return bytes / 1024 / 1024;
}

describe('reach any row (code-server)', { timeout: 10 * 60_000 }, () => {
  let cluster: Cluster;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    ({ cluster, server, browser, page } = await openGridWorkbench({
      name: 'reach',
      database: DATABASE,
      profile: { id: 'reach-profile', name: PROFILE },
      fixture: `CREATE TABLE public.events AS SELECT g AS id, 'event ' || g AS label, md5(g::text) AS digest FROM generate_series(1, ${ROWS}) g;
       ALTER TABLE public.events ADD PRIMARY KEY (id);
       ANALYZE public.events;`,
      settings: {
        'workbench.colorTheme': 'Default Dark Modern',
      },
    }));
  });

  after(async () => {
    await closeGridWorkbench({ cluster, server, browser, page }, 'reach-last.png');
  });

  it('Ctrl+End shows row 2,000,000 and Ctrl+Home row 1, holding a window of the result', async () => {
    const grid = await openData(page, 'Tables', 'events', 60_000);
    await waitText(grid, '[data-testid=rows-loaded]', /rows loaded/, 60_000);
    await waitText(grid, '.footer', /more available/);
    const heapBefore = await heapMb(grid);

    await grid.locator('.grid').focus();
    await page.keyboard.press('Control+End');
    // The grid counts the rows on the server (MOVE ALL), then reads the last page only.
    await waitText(grid, '[data-testid=rows-total]', /of 2,000,000/, 120_000);
    let seen: unknown = [];
    await waitFor(
      async () => {
        const rows = await drawn(grid);
        seen = rows.slice(-3);
        return (await inView(grid)).some((r) => r.label === '2000000' && r.id === '2000000');
      },
      () => `row 2,000,000 in view (last rows drawn: ${JSON.stringify(seen)})`,
      60_000,
    );
    const atEnd = await inView(grid);
    assert.equal(atEnd[atEnd.length - 1].label, '2000000', 'the last row is at the bottom of the view');
    for (const r of atEnd) assert.equal(r.id, r.label, 'row n holds id n');
    const focused = await grid.evaluate(`document.querySelector('.grid-cell.focused')?.dataset.row`);
    assert.equal(focused, String(ROWS - 1), 'the focus is on the last row');
    const footer = (await grid.locator('.footer').textContent()) ?? '';
    const held = Number(/([\d,]+) rows? loaded/.exec(footer)?.[1].replace(/,/g, ''));
    assert.ok(held < 20_000, `only the pages around the view were read (${held} rows held)`);
    const domRows = (await drawn(grid)).length;
    assert.ok(domRows > 5 && domRows < 120, `DOM rows stay bounded (${domRows})`);
    await shot(page, 'results-reach-end');

    await page.keyboard.press('Control+Home');
    await waitFor(
      async () => {
        const rows = await inView(grid);
        seen = rows.slice(0, 3);
        return rows.length > 0 && rows[0].label === '1' && rows[0].id === '1';
      },
      () => `row 1 at the top (in view: ${JSON.stringify(seen)})`,
      30_000,
    );
    // The middle: a row nobody loaded, read where the scrollbar puts the view.
    await grid.evaluate(`(() => { const g = document.querySelector('.grid'); g.scrollTop = (g.scrollHeight - g.clientHeight) / 2; })()`);
    await waitFor(
      async () => {
        const rows = await inView(grid);
        seen = rows.slice(0, 2);
        return rows.length > 0 && rows.every((r) => r.id === r.label) && Math.abs(Number(rows[0].label) - ROWS / 2) < ROWS / 100;
      },
      () => `the middle rows read and drawn (in view: ${JSON.stringify(seen)})`,
      60_000,
    );
    const heapAfter = await heapMb(grid);
    assert.ok(heapAfter - heapBefore < 32, `the webview heap stays flat (${heapBefore.toFixed(1)} MB -> ${heapAfter.toFixed(1)} MB)`);
    const footerAfter = (await grid.locator('.footer').textContent()) ?? '';
    const heldAfter = Number(/([\d,]+) rows? loaded/.exec(footerAfter)?.[1].replace(/,/g, ''));
    assert.ok(heldAfter < 30_000, `still a window of the result (${heldAfter} rows held)`);
  });
});
