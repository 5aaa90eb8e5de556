/** Tab and Shift+Tab move between cells and wrap between rows; they stay at the grid's ends. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tabTarget } from '../../webview-ui/model/selection';

describe('tabTarget', () => {
  const ctx = { rows: 3, cols: 4 };
  it('moves right, then to the first cell of the next row', () => {
    assert.deepEqual(tabTarget({ row: 0, col: 1 }, ctx, false), { row: 0, col: 2 });
    assert.deepEqual(tabTarget({ row: 0, col: 3 }, ctx, false), { row: 1, col: 0 });
    assert.deepEqual(tabTarget({ row: 2, col: 3 }, ctx, false), { row: 2, col: 3 }, 'the last cell stays');
  });
  it('Shift+Tab moves left, then to the last cell of the row above', () => {
    assert.deepEqual(tabTarget({ row: 1, col: 2 }, ctx, true), { row: 1, col: 1 });
    assert.deepEqual(tabTarget({ row: 1, col: 0 }, ctx, true), { row: 0, col: 3 });
    assert.deepEqual(tabTarget({ row: 0, col: 0 }, ctx, true), { row: 0, col: 0 }, 'the first cell stays');
  });
});
