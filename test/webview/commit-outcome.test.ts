/**
 * A commit's outcome in the result's state (not the App): applied rows replace the loaded ones,
 * a refused value marks its cell and the banner names it, typing into that cell clears the mark.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { packRows } from '../../src/shared/packed-rows';
import type { ResultSetView } from '../../src/shared/results-model';
import { ResultState } from '../../webview-ui/model/result-state';

const view: ResultSetView = {
  resultId: 1,
  statementIndex: 0,
  title: 'docs',
  columns: [
    { name: 'id', typeName: 'integer', typeOid: 23, tableOid: 1, columnNumber: 1 },
    { name: 'doc', typeName: 'json', typeOid: 114, tableOid: 1, columnNumber: 2 },
  ],
  firstPage: { packed: packRows([['1', '{}'], ['2', '[]']], 2), offset: 0, done: true, rowsSoFar: 2 },
  pageable: false,
};

function editable(): ResultState {
  const r = new ResultState(view, 1000, 1);
  r.editability = { editable: true, table: '"public"."docs"', keyColumns: [0], columns: [{ writable: true }, { writable: true }] };
  return r;
}

describe('commit outcomes', () => {
  it('marks the cell the server refused, names it, and clears the mark once that cell is typed in', () => {
    const r = editable();
    r.setCell(1, 1, '{"a": ');
    const set = r.pending.toChangeSet([0], (i) => r.store.row(i));
    const report = r.applyOutcome(set, { kind: 'failed', error: { kind: 'query', message: 'invalid input syntax for type json' }, changeIndex: 0, column: 1 });
    assert.equal(report.kind, 'error');
    assert.equal(report.text, 'Nothing was written: the server refused row 2, column doc: invalid input syntax for type json');
    assert.deepEqual(report.focus, { row: 1, col: 1 });
    assert.ok(r.refusedAt(1, 1) && !r.refusedAt(1, 0) && !r.refusedAt(0, 1));
    assert.equal(r.cell(1, 1).value, '{"a": ', 'the pending value stays to be fixed');
    r.setCell(1, 0, '3');
    assert.ok(r.refusedAt(1, 1), 'another cell leaves the mark');
    r.setCell(1, 1, '{"a": 1}');
    assert.equal(r.refused, undefined);
  });

  it("marks a new row's cell by the row's place among the new rows, and a row alone when no cell is known", () => {
    const r = editable();
    r.pending.addRow();
    const second = r.pending.addRow();
    r.setCell(1, 1, 'nope');
    const set = r.pending.toChangeSet([0], (i) => r.store.row(i));
    const change = set.changes.findIndex((c) => c.kind === 'insert' && c.tempId === second.tempId);
    const report = r.applyOutcome(set, { kind: 'failed', error: { kind: 'query', message: 'bad' }, changeIndex: change, column: 1 });
    assert.match(report.text, /refused new row \+2, column doc: bad/);
    assert.ok(r.refusedAt(1, 1));
    assert.equal(r.cell(0, 1).isDefault, true, 'the other new row still shows DEFAULT');
    const rowOnly = r.applyOutcome(set, { kind: 'failed', error: { kind: 'query', message: 'a trigger said no' }, changeIndex: change });
    assert.match(rowOnly.text, /refused new row \+2: a trigger said no/);
    assert.ok(r.refusedAt(1) && !r.refusedAt(1, 1));
    r.discard();
    assert.equal(r.refused, undefined);
  });

  it('applies a commit: rows as stored replace the loaded ones, new rows come in first, the mark goes', () => {
    const r = editable();
    r.setCell(0, 1, '{"b": 2}');
    r.pending.addRow();
    r.setCell(0, 0, '3');
    const set = r.pending.toChangeSet([0], (i) => r.store.row(i));
    r.refused = { row: { kind: 'loaded', index: 0 }, col: 1, message: 'old' };
    const report = r.applyOutcome(set, { kind: 'applied', updated: 1, inserted: 1, deleted: 0, rows: [{ changeIndex: 0, row: ['1', '{"b": 2}'] }, { changeIndex: 1, row: ['3', null] }] });
    assert.equal(report.text, 'Committed: 1 updated, 1 inserted, 0 deleted.');
    assert.deepEqual(r.valuesOf([0, 1, 2], 0, 1), [['3', null], ['1', '{"b": 2}'], ['2', '[]']]);
    assert.ok(r.pending.isEmpty);
    assert.equal(r.refused, undefined);
  });
});
