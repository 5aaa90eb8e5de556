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

describe('result tab names', () => {
  const title = (sql: string): string =>
    buildRunView('run-t', { title: 't', readOnly: false, maxRowsInGrid: 1000, cursorOpen: true }, [{ sql, offset: 0, outcome: rows }]).view.results[0].title;

  it('names an EXPLAIN "EXPLAIN", never after the table it explains', () => {
    assert.equal(title('EXPLAIN SELECT * FROM public.orders'), 'EXPLAIN');
    assert.equal(title('explain (analyze, buffers) select * from orders o join items i using (id)'), 'EXPLAIN');
  });

  it('names a query after the first relation of its top-level FROM, not a FROM in a string, comment or call', () => {
    assert.equal(title('SELECT * FROM "public"."orders"'), 'public.orders');
    assert.equal(title('select extract(year from now()) as y from "My Table" t'), '"My Table"');
    assert.equal(title("SELECT 'from strings' AS s"), 'Result 1');
    assert.equal(title('-- select * from c\nSELECT 1'), 'Result 1');
    assert.equal(title('WITH a AS (SELECT * FROM x) SELECT * FROM a'), 'a');
    assert.equal(title('SELECT g FROM generate_series(1, 3) g'), 'generate_series');
  });

  it('names SHOW, VALUES and TABLE by what they are, and other statements "Result n"', () => {
    assert.equal(title('SHOW search_path'), 'SHOW search_path');
    assert.equal(title('VALUES (1), (2)'), 'VALUES');
    assert.equal(title('TABLE ONLY people'), 'people');
    assert.equal(title('UPDATE t SET x = 1 FROM other RETURNING *'), 'Result 1');
  });
});

describe('rows read inside a transaction', () => {
  const command = (tag: string, txStatus: ExecutionOutcome['txStatus']): ExecutionOutcome => ({ kind: 'command', command: tag, rowCount: null, notices: [], noticesDropped: 0, durationMs: 1, txStatus, backendPid: 1 });
  const fate = (after: ExecutionOutcome[]) =>
    buildRunView('run-f', { title: 't', readOnly: false, maxRowsInGrid: 1000, cursorOpen: false }, [
      { sql: 'BEGIN', offset: 0, outcome: command('BEGIN', 'inTransaction') },
      { sql: 'select x from t', offset: 6, outcome: rows },
      ...after.map((outcome, i) => ({ sql: outcome.kind === 'command' ? outcome.command : 'select', offset: 30 + i, outcome })),
    ]).view.results[0].readInTransaction;

  it('says whether a later statement of the run committed or rolled back the transaction the rows were read in', () => {
    assert.equal(fate([]), 'open');
    assert.equal(fate([command('ROLLBACK', 'idle')]), 'rolledBack');
    assert.equal(fate([command('COMMIT', 'idle')]), 'committed');
    assert.equal(fate([command('UPDATE', 'inTransaction'), command('COMMIT', 'idle')]), 'committed');
    const idle = buildRunView('run-i', { title: 't', readOnly: false, maxRowsInGrid: 1000, cursorOpen: false }, [{ sql: 'select x from t', offset: 0, outcome: { ...rows, txStatus: 'idle' } }]);
    assert.equal(idle.view.results[0].readInTransaction, undefined, 'rows read outside a transaction');
  });
});
