/**
 * The agent tools as an agent calls them: through `vscode.lm.invokeTool`, against the fixture
 * database, with rows checked against Debian's psql and writes checked from a client of our own.
 * What the user confirms is checked through the tools' prepare step (see invoke below).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { Client } from 'pg';
import * as vscode from 'vscode';
import { after, afterEach, before, describe, it } from './bdd';
import { addProfile, admin, api, closeActiveEditor, env, openSql, removeProfile, rowsOf, run, screenshot, waitFor } from './support';

const QUERY = 'pgExplorer_query';
const EXPLAIN = 'pgExplorer_explain';
const PROPOSE = 'pgExplorer_proposeSql';

/** The result's text parts, joined. */
function textOf(result: vscode.LanguageModelToolResult): string {
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

/**
 * A tool call as an agent makes it. Under extension tests VS Code answers a tool's confirmation
 * itself (its dialog service confirms without showing anything), so what the user would read is
 * checked through the tools' prepare step instead (api().agentTools.prepare).
 */
async function invoke(name: string, input: object): Promise<string> {
  return textOf(await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined }));
}

/** The JSON rows of a query result (the lines between the header and the last line). */
function rowsFrom(text: string): (string | null)[][] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Rows, one JSON array per line'));
  assert.ok(start >= 0, `no rows in:\n${text}`);
  return lines.slice(start + 1, -1).map((l) => JSON.parse(l) as (string | null)[]);
}

/** Debian's psql on the same cluster: unaligned, tuples only, unit separator between fields. */
function psql(sql: string): string[][] {
  const out = execFileSync('/usr/bin/psql', ['-X', '-At', '-F', '\x1f', '-P', 'null=\\N', '-v', 'ON_ERROR_STOP=1', '-h', env.host, '-p', String(env.port), '-U', env.user, '-d', env.database, '-c', sql], {
    // The server's own TimeZone and DateStyle, as the tool's session has them.
    env: { ...withoutSessionDefaults(process.env), PGPASSWORD: env.password },
  }).toString();
  return out
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\x1f'));
}

function withoutSessionDefaults(environment: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(environment).filter(([name]) => !['PGTZ', 'PGDATESTYLE', 'PGOPTIONS'].includes(name)));
}

async function setAgentSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('pgExplorer.agent').update(key, value, vscode.ConfigurationTarget.Global);
}

describe('agent tools', () => {
  let profileId: string;
  let readOnlyId: string;
  let hiddenId: string;
  let db: Client;

  before(async () => {
    await api();
    profileId = await addProfile('Agent');
    readOnlyId = await addProfile('Agent read-only', { readOnly: true });
    hiddenId = await addProfile('Agent hidden', { agentTools: false });
    db = await admin();
  });

  afterEach(async () => {
    await setAgentSetting('statementTimeoutSeconds', undefined);
    await setAgentSetting('maxResultBytes', undefined);
    await setAgentSetting('enabled', undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (let i = 0; i < 10 && vscode.window.tabGroups.all.some((g) => g.tabs.length > 0); i += 1) await closeActiveEditor();
  });

  after(async () => {
    await db.end();
    await removeProfile(profileId);
    await removeProfile(readOnlyId);
    await removeProfile(hiddenId);
  });

  it('contributes and registers every tool', async () => {
    const names = vscode.lm.tools.map((t) => t.name).filter((n) => n.startsWith('pgExplorer_'));
    assert.deepEqual(names.sort(), [
      'pgExplorer_describeObject',
      'pgExplorer_explain',
      'pgExplorer_listConnections',
      'pgExplorer_listObjects',
      'pgExplorer_listSchemas',
      'pgExplorer_proposeSql',
      'pgExplorer_query',
    ]);
  });

  it('lists connections by name and database only, and not the ones kept from agents', async () => {
    const text = await invoke('pgExplorer_listConnections', {});
    assert.match(text, /- "Agent": database "pgx_fixture"; read tools and pgExplorer_proposeSql/);
    assert.match(text, /- "Agent read-only": database "pgx_fixture"; read tools only \(the connection is read-only/);
    assert.doesNotMatch(text, /Agent hidden/);
    assert.match(text, /kept from agents by the user/);
    for (const secret of [env.host, String(env.port), env.password, env.user]) assert.ok(!text.includes(secret), `the list shows ${secret}`);
  });

  it('lists schemas and the objects of a schema', async () => {
    const schemas = await invoke('pgExplorer_listSchemas', { connection: 'Agent' });
    assert.match(schemas, /^app \(owner postgres; 2 tables, 1 partitioned table, 2 partitions, 1 view, 1 materialized view, 3 sequences, 2 functions, 1 procedure, 2 types\) -- The fixture application$/m);
    assert.doesNotMatch(schemas, /pg_catalog/);
    const objects = await invoke('pgExplorer_listObjects', { connection: 'Agent', schema: 'app' });
    assert.match(objects, /^table app\.customers, ~50 rows -- People who order things$/m);
    assert.match(objects, /^function app\.order_count\(customer integer\) RETURNS bigint \(sql, stable\)$/m);
    assert.match(objects, /^procedure app\.mark_paid\(IN order_id bigint\) \(sql, volatile\)$/m);
    assert.match(objects, /^enum type app\.order_status \('new', 'paid', 'shipped'\)$/m);
    // 1200 tables fit the default byte cap; under a smaller one the list says what it left out.
    const bulk = await invoke('pgExplorer_listObjects', { connection: 'Agent', schema: 'bulk' });
    assert.match(bulk, /\ntable bulk\.t1200, ~0 rows$/);
    await setAgentSetting('maxResultBytes', 1024);
    const cut = await invoke('pgExplorer_listObjects', { connection: 'Agent', schema: 'bulk' });
    assert.match(cut, /^table bulk\.t0001, ~0 rows$/m);
    assert.match(cut, /\nLIST CUT: \d+ more lines left out at the byte cap \(1024 bytes, the setting pgExplorer\.agent\.maxResultBytes\)\.$/);
    assert.ok(Buffer.byteLength(cut) < 1024 + 200, `${Buffer.byteLength(cut)} bytes`);
  });

  it('describes a table as the catalog has it: columns, keys, indexes, comments and DDL', async () => {
    const text = await invoke('pgExplorer_describeObject', { connection: 'Agent', schema: 'app', name: 'orders' });
    const { rows: columns } = await db.query<{ attname: string; type: string; notnull: boolean }>(
      `SELECT attname, format_type(atttypid, atttypmod) AS type, attnotnull AS notnull FROM pg_attribute
        WHERE attrelid = 'app.orders'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    );
    const lines = text.split('\n');
    const first = lines.indexOf('Columns:') + 1;
    const described = lines.slice(first, first + lines.slice(first).findIndex((l) => !l.startsWith('  '))).map((l) => l.trim());
    assert.equal(described.length, columns.length, text);
    columns.forEach((c, i) => {
      assert.ok(described[i].startsWith(`${c.attname} ${c.type}${c.notnull ? ' NOT NULL' : ''}`), `column ${i}: ${described[i]} vs ${c.attname} ${c.type}`);
    });
    const { rows: constraints } = await db.query<{ conname: string; def: string }>(
      `SELECT conname, pg_get_constraintdef(oid, true) AS def FROM pg_constraint WHERE conrelid = 'app.orders'::regclass AND contype <> 'n' ORDER BY conname`,
    );
    for (const c of constraints) assert.ok(text.includes(`${c.conname} ${c.def}`), `constraint ${c.conname} missing:\n${text}`);
    const { rows: indexes } = await db.query<{ def: string }>(`SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indrelid = 'app.orders'::regclass`);
    for (const i of indexes) assert.ok(text.includes(`Index: ${i.def}`), `index ${i.def} missing`);
    assert.match(text, /^Trigger: CREATE TRIGGER orders_touch BEFORE UPDATE ON app\.orders/m);
    assert.match(text, /^DDL:\n```sql\n[^`]*^CREATE TABLE app\.orders \(\n {4}id bigint DEFAULT nextval/m);

    const customers = await invoke('pgExplorer_describeObject', { connection: 'Agent', schema: 'app', name: 'customers' });
    assert.match(customers, /^ {2}email text -- Where receipts go$/m);
    assert.match(customers, /^Referenced by: app\.orders orders_customer_id_fkey FOREIGN KEY \(customer_id\) REFERENCES app\.customers\(id\)$/m);

    const fn = await invoke('pgExplorer_describeObject', { connection: 'Agent', schema: 'app', name: 'order_count' });
    assert.match(fn, /CREATE OR REPLACE FUNCTION app\.order_count\(customer integer\)/);
  });

  it('runs a read-only query after the user confirms it; its rows are what psql prints', async () => {
    const sql = 'select o.id, o.customer_id, o.status, o.total, o.created, c.note from app.orders o join app.customers c on c.id = o.customer_id order by o.id limit 20';
    const text = await invoke(QUERY, { connection: 'Agent', sql: `${sql};` });
    assert.match(text, /^Columns: id bigint, customer_id integer, status app\.order_status, total numeric, created timestamp with time zone, note text$/m);
    const expected = psql(sql).map((row) => row.map((v) => (v === '\\N' ? null : v)));
    assert.equal(expected.length, 20);
    assert.deepEqual(rowsFrom(text), expected);
    assert.match(text, /20 rows: the whole result\.$/);
    // The tool's session is gone: no transaction left open on the server.
    const { rows } = await db.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = 'PG Explorer' AND state LIKE 'idle in transaction%'`);
    assert.equal(rows.length, 0);
  });

  it('asks before running the agent\'s SQL, showing the connection, the database and the exact statement', async () => {
    const { agentTools } = await api();
    const sql = 'select 1 as "```", $$ `` $$ as b';
    const query = await agentTools.prepare(QUERY, { connection: 'Agent', sql: `${sql};` });
    assert.equal(query.confirmation?.title, `Run a read-only query on Agent / ${env.database}?`);
    const message = query.confirmation?.message ?? '';
    assert.ok(message.includes(`Connection **Agent**, database **${env.database.replace(/_/g, '\\_')}**:`), message);
    // The statement exactly as sent, in a fence its own backticks cannot close.
    assert.ok(message.includes(`\n\`\`\`\`sql\n${sql}\n\`\`\`\`\n`), message);
    assert.match(message, /BEGIN READ ONLY.*statement_timeout 10 s.*rolled back/s);
    assert.match(message, /at most 200 rows and 32 KiB/);

    const explain = await agentTools.prepare(EXPLAIN, { connection: 'Agent read-only', sql: 'select * from app.orders' });
    assert.equal(explain.confirmation?.title, `Explain a query on Agent read-only / ${env.database}?`);
    assert.ok(explain.confirmation?.message.includes('```sql\nEXPLAIN (FORMAT JSON) select * from app.orders\n```'));
    assert.match(explain.confirmation?.message ?? '', /without running it/);

    const analyze = await agentTools.prepare(EXPLAIN, { connection: 'Agent', database: 'postgres', sql: 'select count(*) from app.orders', analyze: true });
    assert.equal(analyze.confirmation?.title, 'Execute a statement to measure it on Agent / postgres?');
    assert.ok(analyze.confirmation?.message.includes('```sql\nEXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) select count(*) from app.orders\n```'));
    assert.match(analyze.confirmation?.message ?? '', /\*\*EXPLAIN ANALYZE executes the statement\*\*/);

    // Catalog reads and proposals run none of the agent's SQL: they ask nothing.
    assert.equal((await agentTools.prepare('pgExplorer_describeObject', { connection: 'Agent', schema: 'app', name: 'orders' })).confirmation, undefined);
    assert.equal((await agentTools.prepare(PROPOSE, { connection: 'Agent', sql: 'delete from app.orders' })).confirmation, undefined);
    // A refusal comes before any confirmation: the user is never asked about what would not run.
    await assert.rejects(agentTools.prepare(QUERY, { connection: 'Agent hidden', sql: 'select 1' }), /agentTools/);
  });

  it('runs on a short session of its own, never an editor\'s', async () => {
    const editor = await openSql("begin;\nset local work_mem = '7MB';\nselect pg_backend_pid();", profileId);
    const report = await run('pgExplorer.runAll', editor);
    const editorPid = rowsOf(report)[0][0];
    const text = await invoke(QUERY, { connection: 'Agent', sql: "select pg_backend_pid()::text <> $$" + editorPid + "$$, current_setting('work_mem') <> '7MB'" });
    assert.deepEqual(rowsFrom(text), [['t', 't']]);
    // The editor's transaction is untouched.
    editor.selection = new vscode.Selection(2, 0, 2, 0);
    const again = await run('pgExplorer.runStatement', editor);
    assert.equal(again.statements[0].outcome?.txStatus, 'inTransaction');
    await vscode.commands.executeCommand('pgExplorer.rollback', editor.document.uri);
  });

  it('refuses several statements before asking anything', async () => {
    await assert.rejects(invoke(QUERY, { connection: 'Agent', sql: "select 1; select ';'" }), /holds 2 statements; it runs exactly one per call/);
    // One statement with semicolons inside a string and a dollar quote is one statement.
    const text = await invoke(QUERY, { connection: 'Agent', sql: "select 'a;b' as s, $$c;d$$ as t;" });
    assert.deepEqual(rowsFrom(text), [['a;b', 'c;d']]);
  });

  it('a write fails at the server with SQLSTATE 25006 and changes nothing', async () => {
    const before = (await db.query<{ n: string }>('SELECT count(*) AS n FROM app.customers')).rows[0].n;
    const text = await invoke(QUERY, { connection: 'Agent', sql: "insert into app.customers (name) values ('agent was here')" });
    assert.match(text, /ERROR \(SQLSTATE 25006\): cannot execute INSERT in a read-only transaction/);
    assert.match(text, /use pgExplorer_proposeSql/);
    const sequence = await invoke(QUERY, { connection: 'Agent', sql: "select nextval('app.invoice_numbers')" });
    assert.match(sequence, /SQLSTATE 25006/);
    // Nor can the statement talk the transaction out of read-only: a query ran before it (set_config).
    const escape = await invoke(QUERY, { connection: 'Agent', sql: 'set transaction read write' });
    assert.match(escape, /ERROR \(SQLSTATE 25001\): transaction read-write mode must be set before any query/);
    const after = (await db.query<{ n: string }>('SELECT count(*) AS n FROM app.customers')).rows[0].n;
    assert.equal(after, before);
  });

  it('a long query is stopped by the statement timeout', async () => {
    await setAgentSetting('statementTimeoutSeconds', 1);
    const text = await invoke(QUERY, { connection: 'Agent', sql: 'select pg_sleep(60)' });
    assert.match(text, /ERROR \(SQLSTATE 57014\): canceling statement due to statement timeout/);
    assert.match(text, /stopped by statement_timeout \(1 s/);
  });

  it('stopping the tool call cancels the statement on the server', async () => {
    const stop = new vscode.CancellationTokenSource();
    const running = vscode.lm.invokeTool(QUERY, { input: { connection: 'Agent', sql: 'select pg_sleep(60) as agent_sleep' }, toolInvocationToken: undefined }, stop.token);
    const sleeping = `SELECT 1 FROM pg_stat_activity WHERE query LIKE '%agent_sleep%' AND state = 'active' AND pid <> pg_backend_pid()`;
    await waitFor('the statement to run', async () => ((await db.query(sleeping)).rows.length > 0 ? true : undefined));
    stop.cancel();
    // VS Code may end the call as cancelled or hand back the tool's answer; either way the server stops.
    const outcome = await Promise.resolve(running).then(textOf, (err: Error) => err.name);
    assert.ok(outcome === 'Canceled' || /cancelled on request/.test(outcome), outcome);
    await waitFor('the statement to stop', async () => ((await db.query(sleeping)).rows.length === 0 ? true : undefined), 10_000);
    stop.dispose();
  });

  it('a huge result is cut at the row cap and at the byte cap, and says so', async () => {
    // Other suites' results tabs may hold cursors (and so transactions) of their own: count ours by difference.
    const idleInTransaction = async (): Promise<number> =>
      (await db.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = 'PG Explorer' AND state LIKE 'idle in transaction%'`)).rows.length;
    const before = await idleInTransaction();
    const many = await invoke(QUERY, { connection: 'Agent', sql: 'select g from generate_series(1, 5000000) g' });
    const rows = rowsFrom(many);
    assert.equal(rows.length, 200);
    assert.deepEqual(rows.at(-1), ['200']);
    assert.match(many, /RESULT CUT: these are the first 200 rows; the query returned more/);

    const wide = await invoke(QUERY, { connection: 'Agent', sql: "select g, repeat('x', 1000) from generate_series(1, 100) g" });
    const wideRows = rowsFrom(wide);
    assert.ok(wideRows.length > 0 && wideRows.length < 100, `${wideRows.length} rows`);
    assert.ok(Buffer.byteLength(wideRows.map((r) => JSON.stringify(r)).join('\n')) <= 32_768);
    assert.match(wide, /RESULT CUT: these are the first \d+ rows; the next row would pass the byte cap \(32768 bytes/);
    assert.ok((await idleInTransaction()) <= before, 'the tool left no transaction open');
  });

  it('explains a query as JSON, and with ANALYZE still cannot write', async () => {
    const plan = await invoke(EXPLAIN, { connection: 'Agent', sql: 'select * from app.orders where customer_id = 3' });
    const json = JSON.parse(plan.slice(plan.indexOf('Plan (JSON):\n') + 'Plan (JSON):\n'.length)) as { Plan: Record<string, unknown> }[];
    assert.ok(json[0].Plan['Node Type'], plan);
    assert.equal(json[0].Plan['Actual Total Time'], undefined, 'without analyze nothing is executed');

    const analyzed = await invoke(EXPLAIN, { connection: 'Agent', sql: 'select count(*) from app.orders', analyze: true });
    const measured = JSON.parse(analyzed.slice(analyzed.indexOf('Plan (JSON):\n') + 'Plan (JSON):\n'.length)) as { Plan: Record<string, unknown> }[];
    assert.equal(typeof measured[0].Plan['Actual Total Time'], 'number');

    const write = await invoke(EXPLAIN, { connection: 'Agent', sql: "update app.customers set note = 'x'", analyze: true });
    assert.match(write, /SQLSTATE 25006/);
    const { rows } = await db.query(`SELECT 1 FROM app.customers WHERE note = 'x'`);
    assert.equal(rows.length, 0);
  });

  it('proposes SQL in an editor bound to the connection, and only the user runs it', async () => {
    const sql = "insert into app.customers (name) values ('proposed by agent');";
    const text = await invoke(PROPOSE, { connection: 'Agent', sql, explanation: 'Adds a customer.\n*/ drop table app.orders; --' });
    assert.match(text, /It has NOT run/);
    const editor = await waitFor('the proposal editor', () => {
      const e = vscode.window.activeTextEditor;
      return e?.document.getText().includes(sql) ? e : undefined;
    });
    assert.equal(editor.document.languageId, 'sql');
    assert.equal(editor.document.uri.scheme, 'untitled');
    // The explanation is comments only, whatever it holds.
    assert.match(editor.document.getText(), /^-- \*\/ drop table app\.orders; --$/m);
    await screenshot('agent-proposal');
    assert.equal((await db.query(`SELECT 1 FROM app.customers WHERE name = 'proposed by agent'`)).rows.length, 0, 'the tool ran the SQL');

    editor.selection = new vscode.Selection(editor.document.lineCount - 2, 0, editor.document.lineCount - 2, 0);
    const report = await vscode.commands.executeCommand<Parameters<typeof rowsOf>[0]>('pgExplorer.runStatement', editor.document.uri);
    assert.equal(report.profileId, profileId);
    assert.equal(report.database, env.database);
    assert.equal(report.statements.at(-1)?.outcome?.kind, 'command');
    assert.equal((await db.query(`DELETE FROM app.customers WHERE name = 'proposed by agent'`)).rowCount, 1);
  });

  it('offers a read-only connection the read tools only', async () => {
    await assert.rejects(invoke(PROPOSE, { connection: 'Agent read-only', sql: 'select 1' }), /Proposing SQL is not offered on "Agent read-only": the connection is read-only/);
    const text = await invoke(QUERY, { connection: 'Agent read-only', sql: 'show transaction_read_only' });
    assert.deepEqual(rowsFrom(text), [['on']]);
  });

  it('keeps a connection with agentTools false, and everything when the setting is off, from agents', async () => {
    await assert.rejects(invoke(QUERY, { connection: 'Agent hidden', sql: 'select 1' }), /not offered on "Agent hidden": the connection has "agentTools": false/);
    await assert.rejects(invoke('pgExplorer_describeObject', { connection: 'Agent hidden', schema: 'app', name: 'orders' }), /agentTools/);
    await setAgentSetting('enabled', false);
    await assert.rejects(invoke(QUERY, { connection: 'Agent', sql: 'select 1' }), /agent tools are turned off \(the setting pgExplorer\.agent\.enabled\)/);
    await assert.rejects(invoke('pgExplorer_listConnections', {}), /turned off/);
  });
});
