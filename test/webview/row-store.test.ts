import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RowStore, shouldFetchMore } from '../../webview-ui/model/row-store';

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
