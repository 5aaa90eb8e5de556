/**
 * The statement splitter on a corpus of tricky scripts: every `;` PostgreSQL's lexer would not
 * treat as a statement end must stay inside its statement.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { quoteIdent } from '../src/extension/sql/quote';
import { loadScanner } from '../src/extension/sql/scanner';
import { positionToOffset, splitStatements, statementAt } from '../src/extension/sql/splitter';

const texts = (script: string): string[] => splitStatements(script).map((s) => s.text);

describe('splitStatements', () => {
  before(() => loadScanner());

  it('splits plain statements and drops empty ones', () => {
    assert.deepEqual(texts('select 1; select 2;;\n\n select 3'), ['select 1', 'select 2', 'select 3']);
    assert.deepEqual(texts('   \n  '), []);
    assert.deepEqual(texts(';;;'), []);
  });

  it('keeps semicolons inside standard and escape strings', () => {
    assert.deepEqual(texts("select 'a;b'; select 'it''s;'; select E'\\';x'; select e'\\\\'; select 2"), [
      "select 'a;b'",
      "select 'it''s;'",
      "select E'\\';x'",
      "select e'\\\\'",
      'select 2',
    ]);
  });

  it('keeps standard strings with backslashes as standard_conforming_strings reads them', () => {
    assert.deepEqual(texts("select 'C:\\'; select 1"), ["select 'C:\\'", 'select 1']);
  });

  it('keeps semicolons inside dollar quotes, tagged or not, and nested tags', () => {
    const fn = `create function f() returns int language plpgsql as $body$
begin
  perform 1; raise notice 'x;y';
  execute $q$select 1; select 2$q$;
  return 1;
end;
$body$`;
    assert.deepEqual(texts(`${fn};\nselect $$;$$;do $$ begin null; end $$`), [fn, 'select $$;$$', 'do $$ begin null; end $$']);
  });

  it('keeps semicolons inside quoted identifiers', () => {
    assert.deepEqual(texts('select 1 as "a;b"; select "x"";y" from t'), ['select 1 as "a;b"', 'select "x"";y" from t']);
  });

  it('keeps semicolons inside nested block comments and line comments', () => {
    assert.deepEqual(texts('select /* a; /* b; */ c; */ 1; -- d; e;\nselect 2 -- f;\n;'), [
      'select /* a; /* b; */ c; */ 1',
      'select 2 -- f;',
    ]);
  });

  it('leaves leading -- comments out of the text, as psql does, and keeps a leading block comment', () => {
    const script = '-- about one\n  -- more\nselect 1;\n/*+ SeqScan(t) */ -- hint\nselect 2;';
    const [one, two] = splitStatements(script);
    assert.equal(one.text, 'select 1');
    assert.equal(one.start, script.indexOf('select 1'));
    assert.equal(one.spanStart, 0, 'the comment above still maps the cursor to the statement');
    assert.equal(two.text, '/*+ SeqScan(t) */ -- hint\nselect 2');
    assert.equal(two.start, script.indexOf('/*+'));
  });

  it('skips statements made only of comments', () => {
    assert.deepEqual(texts('select 1; -- trailing remark;\n/* and a block; */'), ['select 1']);
  });

  it('keeps semicolons inside parentheses (CREATE RULE ... DO (a; b))', () => {
    const rule = 'create rule r as on insert to t do also (insert into a values (1); insert into b values (2))';
    assert.deepEqual(texts(`${rule}; select 1`), [rule, 'select 1']);
  });

  it('keeps a BEGIN ATOMIC body together, CASE ... END included', () => {
    const fn = 'create or replace function f() returns int language sql\nbegin atomic\n  select case when true then 1 end;\n  select 2;\nend';
    assert.deepEqual(texts(`${fn};\nbegin; select 3; end;`), [fn, 'begin', 'select 3', 'end']);
  });

  it('treats BEGIN and END outside routine bodies as ordinary statements', () => {
    assert.deepEqual(texts('begin; create table t (id int); commit;'), ['begin', 'create table t (id int)', 'commit']);
  });

  it('runs an unterminated string or comment to the end, as the server would', () => {
    assert.deepEqual(texts("select 1; select 'a;b'; select 'open; select 2"), ['select 1', "select 'a;b'", "select 'open; select 2"]);
    assert.deepEqual(texts('select 1; /* open; select 2'), ['select 1', '/* open; select 2']);
    assert.deepEqual(texts('select $$ never closed; x'), ['select $$ never closed; x']);
  });

  it('reports UTF-16 offsets for text with multi-byte and astral characters', () => {
    const script = "select 'é😀'; select 'ü';";
    const statements = splitStatements(script);
    assert.deepEqual(statements.map((s) => script.slice(s.start, s.end)), ["select 'é😀'", "select 'ü'"]);
    assert.equal(statements[1].endWithTerminator, script.length);
  });

  it('reads U&, B, X strings, $n parameters and $ inside identifiers as the server does', () => {
    assert.deepEqual(texts("select U&'d\\0061t;a'; select B'01;'::bit(3) ; select X'ff'; select $1; select a$b$c from t; select 1"), [
      "select U&'d\\0061t;a'",
      "select B'01;'::bit(3)",
      "select X'ff'",
      'select $1',
      'select a$b$c from t',
      'select 1',
    ]);
  });

  it('keeps a DO block with nested, differently tagged dollar quotes together', () => {
    const block = "do $outer$\nbegin\n  execute $inner$ create table t (x text default ';') $inner$;\n  raise notice '%', $q$;$q$;\nend\n$outer$";
    assert.deepEqual(texts(`${block};\nselect 2;`), [block, 'select 2']);
  });

  it('keeps a CREATE PROCEDURE ... BEGIN ATOMIC body with nested CASE together', () => {
    const proc = 'create procedure p() language sql begin atomic insert into t values (case when 1 = 1 then 1 else 2 end); update t set x = 1; end';
    assert.deepEqual(texts(`${proc}; call p();`), [proc, 'call p()']);
  });

  it('handles operators and casts next to semicolons', () => {
    assert.deepEqual(texts("select 1::int;select '{}'::jsonb->>'a';select 2"), ['select 1::int', "select '{}'::jsonb->>'a'", 'select 2']);
  });
});

describe('statementAt', () => {
  before(() => loadScanner());
  const script = 'select 1;\n\nselect 2;  \nselect 3';
  const statements = () => splitStatements(script);

  it('picks the statement containing the cursor, its semicolon included', () => {
    assert.equal(statementAt(statements(), 0)?.text, 'select 1');
    assert.equal(statementAt(statements(), script.indexOf('2'))?.text, 'select 2');
    assert.equal(statementAt(statements(), script.indexOf('2;') + 2)?.text, 'select 2');
  });

  it('picks the statement before the cursor when it sits in the gap after one', () => {
    assert.equal(statementAt(statements(), script.indexOf('\n\n') + 1)?.text, 'select 1');
    assert.equal(statementAt(statements(), script.length)?.text, 'select 3');
  });
});

describe('positionToOffset', () => {
  it('counts server positions in characters, astral ones as one', () => {
    assert.equal(positionToOffset('select x', 8), 7);
    assert.equal(positionToOffset("select '😀', x", 13), 13);
  });
});

describe('quoteIdent', () => {
  before(() => loadScanner());

  it('leaves plain lower-case names and unreserved keywords bare, as quote_ident does', () => {
    assert.equal(quoteIdent('orders'), 'orders');
    assert.equal(quoteIdent('_x1$'), '_x1$');
    assert.equal(quoteIdent('name'), 'name');
  });

  it('quotes reserved and column-name keywords, upper case, spaces and quotes', () => {
    assert.equal(quoteIdent('select'), '"select"');
    assert.equal(quoteIdent('user'), '"user"');
    assert.equal(quoteIdent('int'), '"int"');
    assert.equal(quoteIdent('Orders'), '"Orders"');
    assert.equal(quoteIdent('my table'), '"my table"');
    assert.equal(quoteIdent('a"b'), '"a""b"');
    assert.equal(quoteIdent('1abc'), '"1abc"');
    assert.equal(quoteIdent('ünï'), '"ünï"');
  });
});
