/**
 * What the agent tools show the user and hand the model, as text: confirmations (the exact SQL in
 * a block it cannot break out of), the one-statement rule, which connections are offered for what,
 * result and plan cuts, and the comment header of a proposal. The tools against a real server and
 * a real VS Code are in test/extension-host/agent.suite.ts.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { PgError } from '../../src/pool';
import { accessOf, resolveConnection } from '../../src/extension/agent/access';
import { capLines } from '../../src/extension/agent/catalog-text';
import { escapeMarkdown, explainConfirmation, queryConfirmation, sqlBlock } from '../../src/extension/agent/confirmation';
import { proposalHeader } from '../../src/extension/agent/proposal';
import { rowBytes } from '../../src/extension/agent/query';
import type { QueryOutcome } from '../../src/extension/agent/query';
import { explainResultText, queryResultText, serverErrorText } from '../../src/extension/agent/result-text';
import { explainSql, singleStatement } from '../../src/extension/agent/statement';
import type { ConnectionProfile } from '../../src/extension/profiles/profile';
import { loadScanner } from '../../src/extension/sql/scanner';
import { splitStatements } from '../../src/extension/sql/splitter';

const profile = (overrides: Partial<ConnectionProfile> = {}): ConnectionProfile => ({
  id: 'id-1',
  name: 'Sales',
  host: 'db.internal',
  port: 5432,
  database: 'sales',
  user: 'alice',
  auth: 'password',
  ...overrides,
});

const context = { connection: 'Sales', database: 'sales', statementTimeoutMs: 10_000, maxRows: 3, maxResultBytes: 1024 };

describe('agent tools: confirmations', () => {
  before(() => loadScanner());

  it('shows the connection, the database, the statement and what wraps it', () => {
    const text = queryConfirmation(context, 'select * from orders', { maxRows: 200, maxResultBytes: 32_768 });
    assert.equal(text.title, 'Run a read-only query on Sales / sales?');
    assert.equal(
      text.message,
      [
        'Connection **Sales**, database **sales**:',
        '',
        '```sql',
        'select * from orders',
        '```',
        '',
        'It runs on a session of its own (never an editor\'s) inside `BEGIN READ ONLY` with statement_timeout 10 s, ' +
          'and the transaction is rolled back: the server refuses any write (SQLSTATE 25006).',
        '',
        'The agent gets at most 200 rows and 32 KiB of the result, values as PostgreSQL prints them.',
      ].join('\n'),
    );
  });

  it('puts SQL in a fence longer than any backtick run in it, so it cannot close the block', () => {
    const sql = 'select 1 as "```"\n```\n# Looks like a heading';
    const block = sqlBlock(sql);
    assert.equal(block, `\`\`\`\`sql\n${sql}\n\`\`\`\``);
    // The block's only fence lines of four backticks are its first and last.
    const lines = block.split('\n');
    assert.deepEqual(lines.filter((l) => /^````/.test(l)), ['````sql', '````']);
  });

  it('escapes markdown in connection and database names', () => {
    assert.equal(escapeMarkdown('[click](command:x) *db*\nnext'), '\\[click\\]\\(command:x\\) \\*db\\* next');
    const text = explainConfirmation({ ...context, connection: 'prod_[main]' }, 'EXPLAIN (FORMAT JSON) select 1', false);
    assert.ok(text.message.startsWith('Connection **prod\\_\\[main\\]**, database **sales**:'));
  });

  it('says that EXPLAIN ANALYZE executes the statement, and shows it as sent', () => {
    const sql = explainSql('update t set x = 1', true);
    assert.equal(sql, 'EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) update t set x = 1');
    const text = explainConfirmation(context, sql, true);
    assert.equal(text.title, 'Execute a statement to measure it on Sales / sales?');
    assert.match(text.message, /```sql\nEXPLAIN \(ANALYZE, BUFFERS, FORMAT JSON\) update t set x = 1\n```/);
    assert.match(text.message, /\*\*EXPLAIN ANALYZE executes the statement\*\*/);
    assert.match(explainConfirmation(context, explainSql('select 1', false), false).message, /without running it/);
  });
});

describe('agent tools: one statement per call', () => {
  before(() => loadScanner());

  it('takes one statement, without its semicolon, whatever its strings and comments hold', async () => {
    assert.equal(await singleStatement("select 'a;b', $$c;d$$ -- e;f\n;", 'q'), "select 'a;b', $$c;d$$ -- e;f");
    assert.equal(splitStatements('select 1;').length, 1);
  });

  it('refuses several statements, none and non-text, saying what to do', async () => {
    await assert.rejects(singleStatement('select 1; drop table t', 'pgExplorer_query'), /holds 2 statements; it runs exactly one per call\. Send each statement in a call of its own/);
    await assert.rejects(singleStatement('-- nothing\n/* here */', 'pgExplorer_query'), /holds no statement/);
    await assert.rejects(singleStatement(42, 'pgExplorer_query'), /needs "sql"/);
  });
});

describe('agent tools: which connections, for what', () => {
  const profiles = [profile(), profile({ id: 'id-2', name: 'Reports', readOnly: true }), profile({ id: 'id-3', name: 'Vault', agentTools: false })];

  it('offers writable connections everything, read-only ones the read tools, agentTools false nothing', () => {
    assert.deepEqual(accessOf(profiles[0], true), { read: true, propose: true });
    assert.deepEqual(accessOf(profiles[1], true), { read: true, propose: false, reason: 'the connection is read-only: agents get the read tools only' });
    assert.equal(accessOf(profiles[2], true).read, false);
    assert.equal(accessOf(profiles[0], false).read, false);
  });

  it('resolves a name (or id) and the database, refusing what is not offered', () => {
    assert.deepEqual(resolveConnection(profiles, { connection: 'sales' }, 'read', true).target, { profileId: 'id-1', database: 'sales' });
    assert.deepEqual(resolveConnection(profiles, { connection: 'id-2', database: 'postgres' }, 'read', true).target, { profileId: 'id-2', database: 'postgres' });
    assert.throws(() => resolveConnection(profiles, { connection: 'Reports' }, 'propose', true), /Proposing SQL is not offered on "Reports": the connection is read-only/);
    assert.throws(() => resolveConnection(profiles, { connection: 'Vault' }, 'read', true), /"agentTools": false/);
    assert.throws(() => resolveConnection(profiles, { connection: 'Sales' }, 'read', false), /pgExplorer\.agent\.enabled/);
    assert.throws(() => resolveConnection(profiles, { connection: 'Nope' }, 'read', true), /There is no connection named "Nope"/);
    assert.throws(() => resolveConnection(profiles, { connection: 'Sales', database: '' }, 'read', true), /"database" must be a database name/);
    const twins = [profile(), profile({ id: 'id-9' })];
    assert.throws(() => resolveConnection(twins, { connection: 'Sales' }, 'read', true), /2 connections are named "Sales": give "connection" as one of their ids \(id-1, id-9\)/);
  });
});

describe('agent tools: results as the model reads them', () => {
  const rows = (n: number): QueryOutcome => ({
    kind: 'rows',
    columns: [{ name: 'id', typeName: 'bigint' }, { name: 'note', typeName: 'text' }],
    rows: Array.from({ length: n }, (_, i) => [String(i + 1), i === 0 ? null : 'NULL']),
  });

  it('keeps values as the server printed them, NULL apart from the string NULL, and says the result is whole', () => {
    const text = queryResultText(rows(2), context);
    assert.deepEqual(text.split('\n').slice(1), [
      'Columns: id bigint, note text',
      'Rows, one JSON array per line, each value as PostgreSQL printed it (null is SQL NULL):',
      '["1",null]',
      '["2","NULL"]',
      '2 rows: the whole result.',
    ]);
  });

  it('says where and why a result was cut', () => {
    assert.match(queryResultText({ ...rows(3), cut: 'rows' } as QueryOutcome, context), /RESULT CUT: these are the first 3 rows; the query returned more \(row cap 3/);
    assert.match(queryResultText({ ...rows(1), cut: 'bytes' } as QueryOutcome, context), /RESULT CUT: these are the first 1 rows; the next row would pass the byte cap \(1024 bytes/);
    assert.match(queryResultText({ ...rows(0), cut: 'bytes' } as QueryOutcome, context), /the first row alone is larger than the byte cap/);
    assert.equal(rowBytes(['é', null]), Buffer.byteLength('["é",null]') + 1);
  });

  it('returns the server\'s error with its SQLSTATE and what it means here', () => {
    const readOnly = new PgError('query', 'cannot execute INSERT in a read-only transaction', { code: '25006' });
    assert.match(serverErrorText(readOnly, context), /^ERROR \(SQLSTATE 25006\): cannot execute INSERT in a read-only transaction\nThe server refused to write.*pgExplorer_proposeSql/s);
    const timeout = new PgError('query', 'canceling statement due to statement timeout', { code: '57014' });
    assert.match(serverErrorText(timeout, context), /stopped by statement_timeout \(10 s, the setting pgExplorer\.agent\.statementTimeoutSeconds\)/);
    const syntax = new PgError('query', 'syntax error at or near "form"', { code: '42601', position: 10, hint: 'Check it.' });
    assert.equal(serverErrorText(syntax, context), 'ERROR (SQLSTATE 42601): syntax error at or near "form"\nHINT: Check it.\nPOSITION: character 10 of the statement');
  });

  it('cuts a plan at the byte cap on a character boundary, and says the JSON is incomplete', () => {
    const plan = `[{"Plan": "${'é'.repeat(2000)}"}]`;
    const text = explainResultText({ kind: 'rows', columns: [{ name: 'QUERY PLAN', typeName: 'json' }], rows: [[plan]] }, context, false);
    const body = text.split('\n')[2];
    assert.ok(Buffer.byteLength(body) <= 1024);
    assert.ok(!body.includes('\uFFFD'));
    assert.match(text, /PLAN CUT at 1024 bytes/);
  });

  it('cuts long catalog lists at the byte cap with a count of what was left out', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `table bulk.t${String(i).padStart(4, '0')}`);
    const kept = capLines(lines, 200);
    assert.equal(kept.at(-1), `LIST CUT: ${100 - (kept.length - 1)} more lines left out at the byte cap (200 bytes, the setting pgExplorer.agent.maxResultBytes).`);
    assert.ok(Buffer.byteLength(kept.slice(0, -1).join('\n')) <= 200);
  });
});

describe('agent tools: proposals', () => {
  before(() => loadScanner());

  it('puts the explanation in line comments that no text can end', () => {
    const header = proposalHeader('Sales\nDROP TABLE x;', 'sales', 'Adds a row.\r*/ drop table t; --\nWhy: audit');
    assert.equal(
      header,
      [
        '-- Proposed by an AI agent for Sales DROP TABLE x; / sales. Nothing here has run.',
        '-- Read it, then run it yourself: Ctrl+Enter runs the statement under the cursor, Ctrl+Shift+Enter all.',
        '-- Adds a row.',
        '-- */ drop table t; --',
        '-- Why: audit',
        '',
        '',
      ].join('\n'),
    );
    // PostgreSQL's own scanner sees only comments in it.
    assert.deepEqual(splitStatements(header), []);
  });
});
