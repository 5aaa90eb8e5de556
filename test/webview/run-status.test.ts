/**
 * The footer's notes come from the current run and the session's last state, so the stale cases
 * a user found cannot happen: the transaction note goes after a Rollback and the rows read in it
 * are called rolled back; a previous export's message does not stay under a new result.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CursorStateParams, ExportProgressParams } from '../../src/shared/protocol';
import { exportNotes, sessionNote, staleRowsNote, transactionFate } from '../../webview-ui/model/run-status';

const state = (over: Partial<CursorStateParams>): CursorStateParams => ({ runId: 'r1', resultId: null, openResultIds: [], cursorOpen: false, inTransaction: false, ...over });

describe('the session note', () => {
  it('says the session is inside a transaction only while it is', () => {
    assert.equal(sessionNote(state({ inTransaction: true }), 1)?.text, 'The session is inside a transaction.');
    assert.equal(sessionNote(state({ inTransaction: false, transactionEnded: 'rolledBack' }), 1), undefined, 'after the Rollback');
  });
  it('offers Close cursor for the open cursor and for a named cursor of the shown result only', () => {
    assert.deepEqual(sessionNote(state({ cursorOpen: true, inTransaction: true, openResultIds: [1] }), 1)?.closable, true);
    assert.deepEqual(sessionNote(state({ openResultIds: [2] }), 2), { text: 'The server keeps the rest of this result until it is read to the end or closed.', closable: true, resultId: 2 });
    assert.equal(sessionNote(state({ openResultIds: [2] }), 1), undefined);
  });
});

describe('rows read inside a transaction', () => {
  it('are called rolled back once the session says the transaction was, and need no note when it committed', () => {
    assert.equal(transactionFate('open', state({ inTransaction: true })), 'open');
    assert.equal(staleRowsNote(transactionFate('open', state({ inTransaction: true }))), undefined);
    assert.match(staleRowsNote(transactionFate('open', state({ transactionEnded: 'rolledBack' }))) ?? '', /^Rolled back: these rows were read inside a transaction that was rolled back/);
    assert.equal(staleRowsNote(transactionFate('open', state({ transactionEnded: 'committed' }))), undefined);
    assert.match(staleRowsNote(transactionFate('rolledBack', state({}))) ?? '', /Rolled back/, 'a later statement of the run rolled it back');
    assert.equal(transactionFate(undefined, state({ transactionEnded: 'rolledBack' })), undefined, 'rows read outside it are not stale');
  });
});

describe('export notes', () => {
  const done: ExportProgressParams = { exportId: 1, runId: 'r1', resultId: 1, format: 'csv', state: 'done', rows: 100, bytes: 2048, file: '/tmp/a.csv' };
  it('show a finished export under its own result only, never under the next run', () => {
    assert.deepEqual(exportNotes([done], 'r1', 1).map((n) => n.text), ['CSV export done, 100 rows, 2.0 KB to /tmp/a.csv']);
    assert.deepEqual(exportNotes([done], 'r2', 1), [], 'a new run');
    assert.deepEqual(exportNotes([done], 'r1', 2), [], 'another result of the run');
  });
  it('keep a running export of another result in view, with its cancel', () => {
    const running: ExportProgressParams = { ...done, exportId: 2, state: 'running', rows: 5, bytes: 10 };
    assert.deepEqual(exportNotes([done, running], 'r2', 1).map((n) => [n.text, n.running]), [['CSV export of another result: 5 rows, 10 B…', true]]);
  });
});
