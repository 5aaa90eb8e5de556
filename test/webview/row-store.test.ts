import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RowStore, shouldFetchMore } from '../../webview-ui/model/row-store';
import { packRows, packedCell, revivePacked, unpackRows } from '../../src/shared/packed-rows';
import type { PackedRows } from '../../src/shared/packed-rows';

const rows = (from: number, n: number): string[][] => Array.from({ length: n }, (_, i) => [String(from + i)]);

describe('RowStore', () => {
  it('finds rows across pages of different sizes, in order', () => {
    const s = new RowStore(1_000_000);
    s.append(rows(0, 100));
    s.append(rows(100, 1000));
    s.append(rows(1100, 5000));
    assert.equal(s.length, 6100);
    assert.equal(s.pageCount, 3);
    for (const i of [0, 99, 100, 1099, 1100, 6099]) assert.deepEqual(s.row(i), [String(i)]);
    assert.equal(s.row(6100), undefined);
    assert.equal(s.row(-1), undefined);
  });

  it('keeps no rows past the cap and counts the ones it dropped', () => {
    const s = new RowStore(250);
    assert.equal(s.append(rows(0, 100)), 100);
    assert.equal(s.append(rows(100, 100)), 100);
    assert.equal(s.append(rows(200, 100)), 50);
    assert.equal(s.append(rows(300, 100)), 0);
    assert.equal(s.length, 250);
    assert.ok(s.capReached);
    assert.equal(s.rowsDropped, 150);
    assert.deepEqual(s.row(249), ['249']);
  });

  it('removes committed deletes and shifts later rows down', () => {
    const s = new RowStore(100);
    s.append(rows(0, 3));
    s.append(rows(3, 3));
    s.remove([1, 3, 4]);
    assert.deepEqual([...s.slice(0, s.length)].map((r) => r[0]), ['0', '2', '5']);
    s.remove([0, 1, 2]);
    assert.equal(s.length, 0);
    s.append(rows(10, 2));
    assert.deepEqual(s.row(1), ['11']);
  });

  it('puts committed inserts in front and replaces rows in place', () => {
    const s = new RowStore(100);
    s.append(rows(0, 2));
    s.prepend([['new']]);
    s.replace(2, ['one*']);
    assert.deepEqual([...s.slice(0, 10)].map((r) => r[0]), ['new', '0', 'one*']);
  });
});

describe('shouldFetchMore', () => {
  const base = { loaded: 1000, lastVisible: 0, exhausted: false, inFlight: false, capReached: false, failed: false };
  it('asks for the next page only near the end of the loaded rows', () => {
    assert.equal(shouldFetchMore({ ...base, lastVisible: 500 }, 200), false);
    assert.equal(shouldFetchMore({ ...base, lastVisible: 799 }, 200), true);
    assert.equal(shouldFetchMore({ ...base, lastVisible: 999 }, 200), true);
  });
  it('never while a page is in flight, after the end, past the cap or after a failure', () => {
    const near = { ...base, lastVisible: 999 };
    assert.equal(shouldFetchMore({ ...near, inFlight: true }, 200), false);
    assert.equal(shouldFetchMore({ ...near, exhausted: true }, 200), false);
    assert.equal(shouldFetchMore({ ...near, capReached: true }, 200), false);
    assert.equal(shouldFetchMore({ ...near, failed: true }, 200), false);
  });
});

describe('RowStore, windowed (a scroll cursor)', () => {
  const page = (from: number, n: number) => packRows(rows(from, n), 1);

  it('holds pages where they belong in the result and tells which rows it lacks', () => {
    const s = new RowStore(10_000, true);
    s.put(0, page(0, 100));
    assert.equal(s.length, 100, 'until counted, the grid reaches the last row read');
    s.setTotal(2_000_000);
    assert.equal(s.length, 2_000_000);
    assert.deepEqual(s.firstMissing(0, 50), undefined);
    assert.deepEqual(s.firstMissing(50, 300), { offset: 100, count: 200 });
    s.put(1_999_000, page(1_999_000, 1000));
    assert.deepEqual(s.row(1_999_999), ['1999999']);
    assert.equal(s.value(1_999_500, 0), '1999500');
    assert.equal(s.has(1_000_000), false);
    assert.equal(s.row(1_000_000), undefined);
    assert.deepEqual(s.firstMissing(1_998_900, 2_000_000), { offset: 1_998_900, count: 100 });
    assert.equal(s.heldRows, 1100);
  });

  it('drops the pages farthest from the newest one past its cap, keeping rows with pending edits', () => {
    const s = new RowStore(2_500, true);
    s.setTotal(1_000_000);
    s.put(0, page(0, 1000));
    s.pin(5);
    s.put(500_000, page(500_000, 1000));
    s.put(999_000, page(999_000, 1000));
    assert.equal(s.heldRows, 2000);
    s.put(998_000, page(998_000, 1000));
    assert.ok(s.heldRows <= 2_500, `held ${s.heldRows}`);
    assert.equal(s.has(0), false, 'the page at the start went');
    assert.deepEqual(s.row(5), ['5'], 'the pinned row stayed');
    assert.deepEqual(s.row(998_500), ['998500']);
  });

  it('a page read again replaces the one it overlaps', () => {
    const s = new RowStore(10_000, true);
    s.put(0, page(0, 100));
    s.put(50, packRows(rows(1050, 100), 1));
    assert.equal(s.has(10), false, 'the overlapped page was replaced whole');
    assert.deepEqual(s.row(50), ['1050']);
    assert.equal(s.heldRows, 100);
  });
});

describe('packed rows', () => {
  it('keep NULL apart from the empty string, and any text as it was', () => {
    const values = [
      ['1', null, ''],
      ['a\u0000b', 'é😀', null],
    ];
    const packed = packRows(values, 3);
    assert.ok(packed.ends instanceof Int32Array);
    assert.deepEqual(unpackRows(packed), values);
    assert.equal(packedCell(packed, 1, 1), 'é😀');
    // A page that lost its typed array on the way (JSON) comes back the same.
    const revived = revivePacked(JSON.parse(JSON.stringify(packed)) as PackedRows);
    assert.deepEqual(unpackRows(revived), values);
  });
});
