/**
 * Syntax errors as you type (parse-check.ts): PostgreSQL's parser on each statement, each error at
 * its position, psql meta-commands skipped, unfinished quotes and comments reported, not thrown.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { SyntaxChecker, syntaxProblems } from '../../src/extension/language/parse-check';
import { loadScanner } from '../../src/extension/sql/scanner';

describe('syntax problems', () => {
  before(() => loadScanner());

  test('a valid script, psql meta-commands included, has none', () => {
    assert.deepEqual(syntaxProblems('\\set ON_ERROR_STOP on\nselect 1;\n  \\d orders\nselect $$ ; $$, \'x\';\n'), []);
    assert.deepEqual(syntaxProblems(''), []);
  });

  test('every statement that does not parse gets one error at its position', () => {
    const script = 'select 1;\nselect from where;\nselect 2;\nselect \'é\' frm t;\nselect (1';
    const problems = syntaxProblems(script);
    assert.deepEqual(
      problems.map((p) => [p.message, p.offset]),
      [
        ['syntax error at or near "where"', script.indexOf('where')],
        ['syntax error at or near "t"', script.indexOf(' t;') + 1],
        ['syntax error at end of input', script.length],
      ],
    );
  });

  test('an unterminated quote or comment is reported, not thrown', () => {
    const problems = syntaxProblems("select 1;\nselect 'oops");
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /unterminated quoted string/);
    assert.match(syntaxProblems('select 1; /* open')[0]?.message ?? '', /unterminated \/\* comment/);
  });

  test('a checker re-parses only what changed and forgets what is gone', () => {
    const checker = new SyntaxChecker();
    assert.equal(checker.problems('select from where;\nselect 1;').length, 1);
    assert.equal(checker.problems('select a from where;\nselect 1;').length, 1);
    assert.deepEqual(checker.problems('select a from b;\nselect 1;'), []);
  });
});
