/**
 * Format Document never changes meaning: every statement of the splitter's corpus of tricky
 * scripts (test/splitter.test.ts: dollar quotes, E'' strings, quoted identifiers with `;`, nested
 * comments, SQL-standard function bodies, rules) and of some everyday queries is formatted, parsed
 * again by PostgreSQL's parser, and must read as the same statement, with the same fingerprint.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { fingerprintSync } from 'libpg-query';
import { formatEdits, meaningOf } from '../../src/extension/language/format';
import { loadScanner } from '../../src/extension/sql/scanner';
import { splitStatements } from '../../src/extension/sql/splitter';

/** The scripts of test/splitter.test.ts, and everyday statements. */
const CORPUS = [
  "select 1; select 2;;\n\n select 3",
  "select 'a;b'; select 'it''s;'; select E'\\';x'; select e'\\\\'; select 2",
  "select 'C:\\'; select 1",
  `create function f() returns int language plpgsql as $body$
begin
  perform 1; raise notice 'x;y';
  execute $q$select 1; select 2$q$;
  return 1;
end;
$body$;
select $$;$$;do $$ begin null; end $$`,
  'select 1 as "a;b"; select "x"";y" from t',
  'select /* a; /* b; */ c; */ 1; -- d; e;\nselect 2',
  'select 1; -- trailing remark;\n/* and a block; */',
  'create rule r as on insert to t do also (insert into a values (1); insert into b values (2)); select 1',
  'create function add(a int, b int) returns int language sql begin atomic select a + b; end; select 2',
  "create procedure p() language sql begin atomic insert into t values (1); select case when true then 1 end; end; select 3",
  "select U&'d\\0061t\\+000061' , U&\"d!0061t\" uescape '!' from t",
  "select 'é' || \"Ωmega\" from \"Schéma\".\"Tâble\"",
  'with recent as (select o.id, o.total amount from app.orders o where o.created > now() - interval \'1 day\') select r.id, sum(r.amount) from recent r group by r.id having sum(r.amount) > 10 order by 2 desc limit 5',
  'insert into app.orders (customer_id, total) values (1, 10.5), (2, 20) on conflict (id) do update set total = excluded.total returning id',
  "update app.customers c set note = 'x' from app.orders o where o.customer_id = c.id and o.total::numeric > 100",
  'select a.*, b.x from a left join lateral (select x from b where b.a = a.id limit 1) b on true where a.v in (1, 2, 3) and a.w between 1 and 2',
  'select count(*) filter (where x > 1) over (partition by y order by z rows between unbounded preceding and current row) from t',
  "select '{\"a\": 1}'::jsonb -> 'a', array[1,2][1], (row(1, 2)).f1, x is distinct from y from t",
  'create table t (id bigint generated always as identity primary key, name text not null default \'x\', check (length(name) > 0))',
  'alter table t add column c int; drop table if exists t cascade; comment on table t is \'a;b\'',
  'merge into t using s on t.id = s.id when matched then update set v = s.v when not matched then insert (id, v) values (s.id, s.v)',
  'select 1 -- comment inside\n, 2 /* block */ from t',
];

describe('Format Document', () => {
  before(() => loadScanner());

  test('every statement of the corpus keeps its meaning and fingerprint once formatted', () => {
    let formatted = 0;
    let statements = 0;
    for (const script of CORPUS) {
      const edits = formatEdits(script);
      // Apply the edits from the end so earlier offsets stay right.
      let result = script;
      for (const edit of [...edits].sort((a, b) => b.start - a.start)) result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
      const before = splitStatements(script);
      const after = splitStatements(result);
      assert.equal(after.length, before.length, `statement count changed:\n${result}`);
      before.forEach((s, i) => {
        statements += 1;
        const meaning = meaningOf(s.text);
        if (meaning === undefined) {
          assert.equal(after[i].text, s.text, 'a statement the parser cannot read is left as written');
          return;
        }
        assert.equal(meaningOf(after[i].text), meaning, `meaning changed:\n${s.text}\n---\n${after[i].text}`);
        assert.equal(fingerprintSync(after[i].text), fingerprintSync(s.text));
        if (after[i].text !== s.text) formatted += 1;
      });
    }
    assert.ok(formatted >= statements / 2, `only ${formatted} of ${statements} statements were formatted`);
  });

  test('psql meta-commands are left alone; a comment before a statement stays with it', () => {
    const script = '\\set x 1\n-- a remark\nselect a,b from t;\n/* block */\nselect 1';
    const edits = formatEdits(script);
    assert.ok(edits.every((e) => e.start > script.indexOf('\n')), 'the meta-command line is not touched');
    // A leading -- comment is not part of the statement (psql does not send it), so the edit leaves it where it is.
    assert.deepEqual(edits.map((e) => e.text), ['SELECT\n  a,\n  b\nFROM\n  t', '/* block */\nSELECT\n  1']);
    let formatted = script;
    for (const e of [...edits].reverse()) formatted = formatted.slice(0, e.start) + e.text + formatted.slice(e.end);
    assert.equal(formatted, '\\set x 1\n-- a remark\nSELECT\n  a,\n  b\nFROM\n  t;\n/* block */\nSELECT\n  1');
  });
});
