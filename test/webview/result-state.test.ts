import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResultSetView } from '../../src/shared/results-model';
import { ResultState } from '../../webview-ui/model/result-state';
import { packRows } from '../../src/shared/packed-rows';

const view = (rows: number, done: boolean, pageable = true): ResultSetView => ({
  resultId: 1,
  statementIndex: 0,
  title: 't',
  columns: [
    { name: 'id', typeName: 'integer', typeOid: 23, tableOid: 1, columnNumber: 1 },
    { name: 'v', typeName: 'text', typeOid: 25, tableOid: 1, columnNumber: 2 },
  ],
  firstPage: { packed: packRows(Array.from({ length: rows }, (_, i) => [String(i + 1), `v${i + 1}`]), 2), offset: 0, done, rowsSoFar: rows },
  pageable,
});

describe('ResultState', () => {
  it('stays fetching through a fetch-all until the host sends its last page', () => {
    const r = new ResultState(view(100, false), 1_000_000, 5);
    assert.ok(r.more);
    r.fetching = r.fetchingAll = true;
    r.addPage([['101', 'x']], false, 101, 2, true);
    assert.ok(r.fetching && r.fetchingAll, 'the next page is on its way');
    r.addPage([['102', 'y']], false, 102, 2, false);
    assert.ok(!r.fetching && !r.fetchingAll && r.more, 'stopped with more to come');
    r.addPage([], true, 102, 1, false);
    assert.ok(!r.more);
    assert.equal(r.fetchMs, 5);
  });

  it('keeps no rows past the cap but counts what the server delivered', () => {
    const r = new ResultState(view(100, false), 150, 1);
    r.addPage(Array.from({ length: 100 }, (_, i) => [String(101 + i), '']), false, 200, 1);
    assert.equal(r.store.length, 150);
    assert.ok(r.store.capReached);
    assert.equal(r.rowsSoFar, 200);
  });

  it('a result whose cursor a later statement closed says so and asks for nothing', () => {
    const r = new ResultState({ ...view(100, false, false), notPageableReason: 'closed by a later statement' }, 1000, 1);
    assert.equal(r.more, false);
    assert.equal(r.notPageableReason, 'closed by a later statement');
  });

  it('shows pending new rows first, then loaded rows with their pending values', () => {
    const r = new ResultState(view(2, true), 1000, 1);
    r.editability = { editable: true, table: '"public"."t"', keyColumns: [0], columns: [{ writable: false, reason: 'identity' }, { writable: true }] };
    const fresh = r.pending.addRow();
    assert.equal(r.displayCount, 3);
    assert.deepEqual(r.locate(0), { kind: 'new', tempId: fresh.tempId, index: 0 });
    assert.deepEqual(r.cell(0, 1), { value: null, edited: false, isDefault: true });
    r.setCell(0, 1, 'new value');
    r.setCell(2, 1, null);
    assert.deepEqual(r.cell(2, 1), { value: null, edited: true, isDefault: false });
    assert.deepEqual(r.valuesOf([1, 2], 0, 1), [['1', 'v1'], ['2', null]]);
    assert.equal(r.columnWritable(0), false);
    assert.equal(r.columnWritable(1), true);
    assert.deepEqual(r.pending.toChangeSet([0], (i) => r.store.row(i)).changes, [
      { kind: 'update', rowIndex: 1, key: ['2'], cells: [{ column: 1, old: 'v2', value: null }] },
      { kind: 'insert', tempId: fresh.tempId, cells: [{ column: 1, value: 'new value' }] },
    ]);
  });
});
