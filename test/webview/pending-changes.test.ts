import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PendingChanges } from '../../webview-ui/model/pending-changes';

const loaded = [
  ['1', 'alice', 'a@x'],
  ['2', 'bob', null],
  ['3', 'carol', ''],
];
const rowAt = (i: number) => loaded[i];

describe('PendingChanges', () => {
  it('records cell edits with the value the grid showed, and forgets an edit set back', () => {
    const p = new PendingChanges(3);
    p.setCell(0, 1, 'alice', 'alicia');
    p.setCell(0, 1, 'alicia', 'ally');
    assert.equal(p.displayValue(0, 1, 'alice'), 'ally');
    assert.deepEqual(p.toChangeSet([0], rowAt).changes, [{ kind: 'update', rowIndex: 0, key: ['1'], cells: [{ column: 1, old: 'alice', value: 'ally' }] }]);
    p.setCell(0, 1, 'alice', 'alice');
    assert.ok(p.isEmpty);
    assert.equal(p.rowState(0), 'clean');
  });

  it('tells NULL from the empty string', () => {
    const p = new PendingChanges(3);
    p.setCell(1, 2, null, '');
    p.setCell(2, 2, '', null);
    const set = p.toChangeSet([0], rowAt);
    assert.deepEqual(set.changes.map((c) => (c.kind === 'update' ? c.cells[0] : null)), [
      { column: 2, old: null, value: '' },
      { column: 2, old: '', value: null },
    ]);
  });

  it('sends deletes instead of edits for a deleted row, then inserts with only the cells given', () => {
    const p = new PendingChanges(3);
    p.setCell(1, 1, 'bob', 'robert');
    p.toggleDelete([1, 2]);
    const row = p.addRow();
    p.setNewCell(row.tempId, 1, 'dave');
    p.setNewCell(row.tempId, 2, null);
    assert.equal(p.rowState(1), 'deleted');
    assert.deepEqual(p.summary, { edited: 1, inserted: 1, deleted: 2, conflicts: 0 });
    assert.deepEqual(p.toChangeSet([0], rowAt).changes, [
      { kind: 'delete', rowIndex: 1, key: ['2'], row: ['2', 'bob', null] },
      { kind: 'delete', rowIndex: 2, key: ['3'], row: ['3', 'carol', ''] },
      { kind: 'insert', tempId: row.tempId, cells: [{ column: 1, value: 'dave' }, { column: 2, value: null }] },
    ]);
    p.toggleDelete([1, 2]);
    assert.equal(p.rowState(1), 'edited');
    p.removeNewRows([row.tempId]);
    assert.equal(p.newRows.length, 0);
  });

  it('keep mine re-applies the edit against the server value; take server drops it', () => {
    const p = new PendingChanges(3);
    p.setCell(0, 1, 'alice', 'mine');
    p.setCell(1, 1, 'bob', 'mine too');
    p.setConflicts([
      { changeIndex: 0, rowIndex: 0, current: ['1', 'theirs', 'a@x'], message: 'changed' },
      { changeIndex: 1, rowIndex: 1, current: ['2', 'other', null], message: 'changed' },
    ]);
    assert.equal(p.rowState(0), 'conflict');
    assert.deepEqual(p.keepMine(0), ['1', 'theirs', 'a@x']);
    assert.deepEqual(p.toChangeSet([0], () => ['1', 'theirs', 'a@x']).changes[0], {
      kind: 'update', rowIndex: 0, key: ['1'], cells: [{ column: 1, old: 'theirs', value: 'mine' }],
    });
    assert.deepEqual(p.takeServers(1), ['2', 'other', null]);
    assert.equal(p.rowState(1), 'clean');
    assert.equal(p.summary.conflicts, 0);
  });

  it('a conflict on a row deleted meanwhile leaves nothing to keep', () => {
    const p = new PendingChanges(3);
    p.setCell(2, 1, 'carol', 'caroline');
    p.setConflicts([{ changeIndex: 0, rowIndex: 2, current: null, message: 'gone' }]);
    assert.equal(p.keepMine(2), undefined);
    assert.ok(p.isEmpty);
  });

  it('discard drops everything', () => {
    const p = new PendingChanges(3);
    p.setCell(0, 0, '1', '9');
    p.addRow();
    p.toggleDelete([2]);
    p.discard();
    assert.ok(p.isEmpty);
    assert.throws(() => p.setCell(0, 3, null, 'x'), RangeError);
  });
});
