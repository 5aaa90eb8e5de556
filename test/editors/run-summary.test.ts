/**
 * The status bar's line about a run counts the script's statements, not those that reached the
 * server: a seven-statement script that fails at its sixth says "6 of 7" (it said "5 of 6").
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarizeRun } from '../../src/extension/editors/run-summary';
import type { StatementRun } from '../../src/extension/results/contract';
import { runSteps, splitScript } from '../../src/extension/sql/splitter';
import { PgError } from '../../src/pool';
import type { ExecutionOutcome } from '../../src/pool';

const ok: ExecutionOutcome = { kind: 'command', command: 'INSERT', rowCount: 1, notices: [], noticesDropped: 0, durationMs: 2, txStatus: 'idle', backendPid: 1 };

const SCRIPT = [
  'CREATE TABLE t (id int);',
  'INSERT INTO t VALUES (1);',
  "INSERT INTO t VALUES (2); -- a comment; with a semicolon",
  "DO $$ BEGIN RAISE NOTICE 'x; y'; END $$;",
  '\\echo not sent',
  'INSERT INTO t VALUES (3);',
  'SELECT 1 / 0;',
  'SELECT * FROM t;',
].join('\n');

describe('summarizeRun', () => {
  it('says "statement 6 of 7 failed" for a seven-statement script that fails at the sixth', () => {
    const planned = runSteps(splitScript(SCRIPT));
    const sent = planned.filter((p) => p.skipped === undefined);
    assert.equal(sent.length, 7, 'the splitter sees seven statements and one meta-command');
    // What the runner collects: the skipped line, five that ran, the one that failed; the seventh never ran.
    const ran: StatementRun[] = [];
    let n = 0;
    for (const p of planned) {
      if (p.skipped !== undefined) ran.push({ sql: p.text, offset: p.start, skipped: p.skipped });
      else if (++n <= 5) ran.push({ sql: p.text, offset: p.start, outcome: ok });
      else if (n === 6) {
        ran.push({ sql: p.text, offset: p.start, error: new PgError('query', 'division by zero', { code: '22012' }) });
        break;
      }
    }
    assert.equal(summarizeRun(ran, sent.length), 'statement 6 of 7 failed (5 ran before it, 1 not run)');
  });

  it('says when a run was cancelled, and what the last statement did when all ran', () => {
    const cancelled: StatementRun[] = [{ sql: 'a', offset: 0, outcome: ok }, { sql: 'b', offset: 2, error: new PgError('cancelled', 'canceling statement due to user request') }];
    assert.equal(summarizeRun(cancelled, 3), 'statement 2 of 3 was cancelled (1 ran before it, 1 not run)');
    assert.equal(summarizeRun([{ sql: 'a', offset: 0, error: new PgError('query', 'x') }], 1), 'the statement failed');
    assert.equal(summarizeRun([{ sql: 'a', offset: 0, outcome: ok }, { sql: 'b', offset: 2, outcome: ok }], 2), '2 statements; last: INSERT 1 in 2 ms');
    assert.equal(summarizeRun([{ sql: 'a', offset: 0, outcome: ok }], 3), '1 of 3 statements ran (stopped); last: INSERT 1 in 2 ms');
  });
});
