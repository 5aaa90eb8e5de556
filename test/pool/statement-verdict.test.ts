/**
 * The verdicts execute keeps by statement text (src/pool/statement-verdict.ts): a kept verdict is
 * the one the parser gives, the cache never holds more than its bound, and a long text is not kept.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_VERDICT_TEXT, MAX_VERDICTS, cachedVerdict, readVerdict, verdictCount } from '../../src/pool/statement-verdict';

test('a kept verdict is the parser\'s, for each kind of text', async () => {
  const cases: [string, string | undefined, number | null][] = [
    ['SELECT 1', undefined, 1],
    ['SELECT * FROM t LIMIT 5', undefined, 5],
    ["VALUES (1), (2), (3)", undefined, 3],
    ['SELECT * FROM t', undefined, null],
    ['SELECT generate_series(1, 3)', undefined, null],
    ['UPDATE t SET a = 1', 'it is not a SELECT, VALUES or TABLE statement (UpdateStmt)', 0],
    ['UPDATE t SET a = 1 RETURNING a', 'it is not a SELECT, VALUES or TABLE statement (UpdateStmt)', null],
    ['SELECT 1; SELECT 2', 'it is 2 statements, not one', null],
    ['SELECT * FROM t FOR UPDATE LIMIT 1', 'it locks rows (FOR UPDATE / FOR SHARE)', null],
  ];
  for (const [sql, notPlain, rowBound] of cases) {
    const read = await readVerdict(sql);
    assert.deepEqual(read, { notPlain, rowBound }, sql);
    assert.deepEqual(cachedVerdict(sql), read, sql);
  }
  const broken = await readVerdict('SELEC 1');
  assert.match(broken.notPlain ?? '', /does not parse/);
  assert.equal(broken.rowBound, null);
});

test('the cache keeps at most MAX_VERDICTS texts, the least recently used going first', async () => {
  await readVerdict('SELECT 0');
  for (let i = 1; i <= MAX_VERDICTS; i++) {
    await readVerdict(`SELECT ${i}`);
    // Used again each time: it stays while the others come and go.
    assert.ok(cachedVerdict('SELECT 0'));
  }
  assert.equal(verdictCount(), MAX_VERDICTS);
  assert.equal(cachedVerdict('SELECT 1'), undefined, 'the least recently used text was dropped');
  assert.ok(cachedVerdict(`SELECT ${MAX_VERDICTS}`));
});

test('a text longer than MAX_VERDICT_TEXT is read each time, never kept', async () => {
  const long = `SELECT 1 AS "${'x'.repeat(60)}"` + ` -- ${'y'.repeat(MAX_VERDICT_TEXT)}`;
  const read = await readVerdict(long);
  assert.deepEqual(read, { notPlain: undefined, rowBound: 1 });
  assert.equal(cachedVerdict(long), undefined);
});
