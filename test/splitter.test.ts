/**
 * The statement splitter on a corpus of tricky scripts: every `;` PostgreSQL's lexer would not
 * treat as a statement end must stay inside its statement.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { quoteIdent } from '../src/extension/sql/quote';
import { loadScanner } from '../src/extension/sql/scanner';
import { positionToOffset, runSteps, splitScript, splitStatements, statementAt } from '../src/extension/sql/splitter';

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

describe('splitScript: what PostgreSQL\'s scanner refuses', () => {
  it('splits after spans the server refuses, each statement sent alone', () => {
    assert.deepEqual(texts("select E'wrong: \\u061'; SELECT 2x; SELECT \"\"; select 0x; select 'after'"), [
      "select E'wrong: \\u061'",
      'SELECT 2x',
      'SELECT ""',
      'select 0x',
      "select 'after'",
    ]);
  });

  it('keeps hundreds of statements apart after a refused one', () => {
    const script = ["select E'\\u061';", ...Array.from({ length: 480 }, (_, i) => `insert into t values (${i});`)].join('\n');
    const statements = splitStatements(script);
    assert.equal(statements.length, 481);
    assert.equal(statements[480].text, 'insert into t values (479)');
  });
});

describe('splitScript: standard_conforming_strings', () => {
  const script = "select 'a\\'; select 2'; select 3";

  it('reads a backslash in a plain string as a character when on (the default)', () => {
    assert.deepEqual(texts(script), ["select 'a\\'", "select 2'; select 3"]);
  });

  it('reads a backslash in a plain string as an escape when off, as psql does then', () => {
    assert.deepEqual(splitStatements(script, { standardConformingStrings: false }).map((s) => s.text), ["select 'a\\'; select 2'", 'select 3']);
    assert.deepEqual(splitStatements("select U&'\\0061'; select B'1\\'; select 4", { standardConformingStrings: false }).map((s) => s.text), [
      "select U&'\\0061'",
      "select B'1\\'",
      'select 4',
    ]);
  });
});

describe('splitScript: standard_conforming_strings changed by the script', () => {
  it('follows SET and RESET from the next line on, as psql does', () => {
    const script = "set standard_conforming_strings = off;\nselect 'a\\'; b';\nreset standard_conforming_strings;\nselect 'c\\'; select 2;";
    assert.deepEqual(texts(script), ['set standard_conforming_strings = off', "select 'a\\'; b'", 'reset standard_conforming_strings', "select 'c\\'", 'select 2']);
  });

  it('resets to the setting the splitter was given', () => {
    const script = "set standard_conforming_strings to on;\nselect 'a\\'; select 1;\nreset all;\nselect 'b\\'; select 2';";
    assert.deepEqual(splitStatements(script, { standardConformingStrings: false }).map((s) => s.text), [
      'set standard_conforming_strings to on',
      "select 'a\\'",
      'select 1',
      'reset all',
      "select 'b\\'; select 2'",
    ]);
  });
});

describe('splitScript: psql backslash commands', () => {
  it('sends `a \\; b` as one query string and runs its statements in turn', () => {
    const script = 'select 1 \\; select 2;\nselect 3;';
    const [group, three] = splitStatements(script);
    assert.equal(group.text, 'select 1  ; select 2', 'the backslash reads as a space: offsets stay the script\'s');
    assert.deepEqual(group.parts?.map((p) => [p.text, p.start]), [
      ['select 1', 0],
      ['select 2', script.indexOf('select 2')],
    ]);
    assert.equal(three.parts, undefined);
    assert.deepEqual(runSteps(splitScript(script)), [
      { text: 'select 1', start: 0 },
      { text: 'select 2', start: script.indexOf('select 2') },
      { text: 'select 3', start: script.indexOf('select 3') },
    ]);
  });

  it('keeps `\\;` inside parentheses in the one statement', () => {
    const [rule] = splitStatements('create rule r as on insert to t do also (select 1 \\; select 2);');
    assert.equal(rule.text, 'create rule r as on insert to t do also (select 1  ; select 2)');
    assert.equal(rule.parts, undefined);
  });

  it('ends a statement at \\g and \\gx, arguments and all', () => {
    const script = 'select 1 \\g /tmp/out\nselect 2\n\\gx\nselect 3;';
    const entries = splitScript(script);
    assert.deepEqual(entries.map((e) => [e.kind, e.text]), [
      ['statement', 'select 1'],
      ['statement', 'select 2'],
      ['statement', 'select 3'],
    ]);
    assert.equal(entries[0].endWithTerminator, script.indexOf('\nselect 2'));
  });

  it('sends the previous statement again for a \\g on its own, as psql does', () => {
    const script = 'select 1;\n\\g\nselect 2;';
    const entries = splitScript(script);
    assert.deepEqual(entries.map((e) => e.text), ['select 1', 'select 1', 'select 2']);
    assert.equal(statementAt(entries, script.indexOf('\\g') + 1)?.text, 'select 1', 'Run Statement on the \\g line runs it again');
  });

  it('reports other meta-command lines as skipped, in the order psql meets them', () => {
    const script = '\\set answer 42\nselect 1\n\\echo inside; it\n;\n\\i other.sql\n\\connect db\n\\d t';
    const entries = splitScript(script);
    assert.deepEqual(entries.map((e) => (e.kind === 'skipped' ? e.command : e.text)), ['\\set', '\\echo', 'select 1', '\\i', '\\connect', '\\d']);
    const steps = runSteps(entries);
    assert.deepEqual(steps[0], { text: '\\set answer 42', start: 0, skipped: 'psql meta-command \\set skipped: PG Explorer does not run psql meta-commands' });
    assert.equal(steps.filter((s) => s.skipped === undefined).length, 1);
  });

  it('goes on with SQL after `\\\\` on a meta-command line', () => {
    assert.deepEqual(texts("\\set v 1 \\\\ select 2;\n\\echo 'a \\\\ b' \\\\ select 3;"), ['select 2', 'select 3']);
  });

  it('drops the statement before \\r and \\gdesc, as psql does not run it', () => {
    const script = 'select 1 \\r\nselect 2 \\gdesc\nselect 3;';
    const entries = splitScript(script);
    assert.deepEqual(entries.map((e) => e.text), ['\\r', '\\gdesc', 'select 3']);
    assert.equal(statementAt(entries, 3)?.text, '\\r', 'the cursor on the dropped statement finds its \\r');
  });

  it('runs the statement before \\gset, and says what it skipped', () => {
    const steps = runSteps(splitScript('select 1 as x \\gset\nselect 2;'));
    assert.deepEqual(steps.map((s) => [s.text, s.skipped !== undefined]), [
      ['select 1 as x', false],
      ['\\gset', true],
      ['select 2', false],
    ]);
  });

  it('passes COPY data over, up to \\., and skips the COPY it belongs to', () => {
    const script = "COPY t (a) FROM stdin;\n1;'\n2\t$$\n\\.\nselect 1;\n\\copy t from stdin\n3;\n\\.\nselect 2;";
    const entries = splitScript(script);
    assert.deepEqual(entries.map((e) => e.text), ['COPY t (a) FROM stdin', 'select 1', '\\copy t from stdin', 'select 2']);
    const copy = entries[0];
    assert.ok(copy.kind === 'statement' && copy.copyData);
    assert.equal(script.slice(copy.copyData.start, copy.copyData.end), "1;'\n2\t$$\n\\.");
    assert.deepEqual(runSteps(entries).map((s) => s.skipped === undefined), [false, true, false, true]);
    assert.equal(statementAt(entries, script.indexOf('2\t'))?.text, 'COPY t (a) FROM stdin', 'a cursor in the data finds its COPY');
  });

  it('maps a server error position in a statement with blanked meta lines straight to the script', () => {
    const script = 'select 1,\n\\echo x\n  nope;';
    const [statement] = splitStatements(script);
    const position = statement.text.indexOf('nope') + 1;
    assert.equal(script.slice(statement.start + positionToOffset(statement.text, position)).slice(0, 4), 'nope');
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

  it('picks a meta-command line inside a statement over the statement around it', () => {
    const script = 'select 1,\n\\echo x\n  2;\nselect 3;';
    const entries = splitScript(script);
    assert.equal(statementAt(entries, script.indexOf('echo'))?.text, '\\echo x');
    assert.equal(statementAt(entries, script.indexOf('2;'))?.kind, 'statement');
    assert.equal(statementAt(entries, script.indexOf('3'))?.text, 'select 3');
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
