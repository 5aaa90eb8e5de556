/**
 * What the Messages tab gets for a run: a skipped psql meta-command shows its note and is not
 * taken for the statement whose cursor the panel pages.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionOutcome } from '../src/pool';
import { buildRunView } from '../src/extension/results/run-view';

const rows: ExecutionOutcome = {
  kind: 'rows',
  cursor: { columns: [{ name: 'x', typeOid: 23, typeName: 'integer', typeModifier: -1, tableOid: null, columnNumber: null }] },
  page: { rows: [['1']], done: false, rowsSoFar: 1 },
  notices: [],
  noticesDropped: 0,
  durationMs: 1,
  txStatus: 'inTransaction',
  backendPid: 1,
};

describe('buildRunView', () => {
  it('lists a skipped meta-command with its note, after which the last result still pages', () => {
    const note = 'psql meta-command \\echo skipped: PG Explorer does not run psql meta-commands';
    const built = buildRunView('run-1', { title: 't', readOnly: false, maxRowsInGrid: 1000, cursorOpen: true }, [
      { sql: 'select x from t', offset: 0, outcome: rows },
      { sql: '\\echo done', offset: 16, skipped: note },
    ]);
    const [ran, skipped] = built.view.statements;
    assert.equal(ran.command, 'SELECT');
    assert.equal(skipped.command, 'Skipped');
    assert.deepEqual(skipped.notices, [note]);
    assert.equal(skipped.error, undefined);
    assert.equal([...built.pageable.keys()][0], built.view.results[0].resultId, 'the skipped line closed no cursor');
  });
});
