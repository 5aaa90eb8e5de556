import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Client } from 'pg';
import * as vscode from 'vscode';
import { after, afterEach, before, describe, it } from './bdd';
import { addProfile, admin, api, closeActiveEditor, env, openSql, removeProfile, rowsOf, run, screenshot, waitFor } from './support';

describe('SQL editors', () => {
  let profileId: string;
  let readOnlyId: string;
  let db: Client;

  before(async () => {
    await api();
    profileId = await addProfile('Editors');
    readOnlyId = await addProfile('Read-only', { readOnly: true, color: 'red' });
    db = await admin();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // Untitled editors left dirty would keep the close waiting on a save prompt.
    for (let i = 0; i < 10 && vscode.window.tabGroups.all.some((g) => g.tabs.length > 0); i += 1) await closeActiveEditor();
  });

  after(async () => {
    await db.end();
    await removeProfile(profileId);
    await removeProfile(readOnlyId);
  });

  it('runs the statement under the cursor', async () => {
    const editor = await openSql('select 1 as a;\nselect 2 as b;\nselect 3 as c;', profileId);
    editor.selection = new vscode.Selection(1, 3, 1, 3);
    const report = await run('pgExplorer.runStatement', editor);
    assert.equal(report.statements.length, 1);
    assert.equal(report.statements[0].sql, 'select 2 as b');
    assert.deepEqual(rowsOf(report), [['2']]);
    await screenshot('editor-run', { webview: true });
  });

  it('shows a query\'s rows beside the editor (screenshot for the feature tour)', async () => {
    const sql = [
      '-- Orders per customer, biggest first',
      'select c.name, c.email, count(o.id) as orders, sum(o.total) as total',
      '  from app.customers c',
      '  join app.orders o on o.customer_id = c.id',
      ' group by c.id',
      ' order by total desc;',
    ].join('\n');
    const editor = await openSql(sql, profileId);
    editor.selection = new vscode.Selection(2, 0, 2, 0);
    const report = await run('pgExplorer.runStatement', editor);
    assert.equal(rowsOf(report).length, 50);
    await vscode.commands.executeCommand('workbench.view.extension.pgExplorer');
    await screenshot('editor-results', { webview: true });
    await vscode.commands.executeCommand('workbench.view.explorer');
  });

  it('opens the results in a panel beside the editor when pgExplorer.results.location is "beside"', async () => {
    const config = vscode.workspace.getConfiguration('pgExplorer');
    /** The results webview tabs among the editors, with the group each is in. */
    const resultTabs = () =>
      vscode.window.tabGroups.all.flatMap((group) =>
        group.tabs.filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.label.startsWith('Results: ')).map((tab) => ({ tab, group })),
      );
    // The default docks them in the panel area: no results tab among the editors.
    const docked = await openSql('select 1 as docked;', profileId);
    assert.deepEqual(rowsOf(await run('pgExplorer.runAll', docked)), [['1']]);
    assert.deepEqual(resultTabs().map(({ tab }) => tab.label), []);
    const dockedName = path.basename(docked.document.uri.path);
    await config.update('results.location', 'beside', vscode.ConfigurationTarget.Global);
    try {
      const editor = await openSql('select 42 as answer;', profileId);
      const editorGroup = vscode.window.tabGroups.activeTabGroup;
      assert.deepEqual(rowsOf(await run('pgExplorer.runAll', editor)), [['42']]);
      const name = path.basename(editor.document.uri.path);
      const [found] = await waitFor(`a "Results: ${name}" tab`, () => {
        const tabs = resultTabs().filter(({ tab }) => tab.label === `Results: ${name}`);
        return tabs.length > 0 ? tabs : undefined;
      });
      assert.notEqual(found.group, editorGroup, 'the results are in another editor group than the editor');
      assert.ok(found.group.viewColumn > editorGroup.viewColumn, 'beside the editor, to its right');
      // The run did not take the focus from the editor.
      assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), editor.document.uri.toString());
      // An editor whose results were docked before the change follows the setting at its next run.
      const again = await vscode.window.showTextDocument(docked.document);
      assert.deepEqual(rowsOf(await run('pgExplorer.runAll', again)), [['1']]);
      await waitFor(`a "Results: ${dockedName}" tab`, () => resultTabs().some(({ tab }) => tab.label === `Results: ${dockedName}`));
    } finally {
      await config.update('results.location', undefined, vscode.ConfigurationTarget.Global);
    }
    // And back: its next run docks them again, and its tab among the editors goes.
    assert.deepEqual(rowsOf(await run('pgExplorer.runAll', await vscode.window.showTextDocument(docked.document))), [['1']]);
    await waitFor(`the "Results: ${dockedName}" tab to go`, () => resultTabs().every(({ tab }) => tab.label !== `Results: ${dockedName}`));
  });

  it('runs the selection when there is one', async () => {
    const editor = await openSql('select 1 as a;\nselect 2 as b;\nselect 3 as c;', profileId);
    editor.selection = new vscode.Selection(1, 0, 2, 14);
    const report = await run('pgExplorer.runStatement', editor);
    assert.deepEqual(report.statements.map((s) => s.sql), ['select 2 as b', 'select 3 as c']);
  });

  it('runs all statements in order, each row-returning one its own result set', async () => {
    const script = "create temp table t (x int);\ninsert into t values (1), (2);\nselect $$a;b$$ as s;\nselect count(*) from t;";
    const editor = await openSql(script, profileId);
    const report = await run('pgExplorer.runAll', editor);
    assert.equal(report.statements.length, 4);
    assert.equal(report.statements[1].outcome?.kind, 'command');
    assert.deepEqual(rowsOf(report, 2), [['a;b']]);
    assert.deepEqual(rowsOf(report, 3), [['2']]);
  });

  it('runs a psql script as psql splits it: meta-commands skipped, `\\;` statements in turn', async () => {
    const script = "\\set ON_ERROR_STOP on\ncreate temp table psql_style (x int) \\; insert into psql_style values (1);\n\\echo done\nselect count(*) from psql_style;";
    const editor = await openSql(script, profileId);
    const report = await run('pgExplorer.runAll', editor);
    assert.deepEqual(report.statements.map((s) => [s.sql, s.skipped]), [
      ['\\set ON_ERROR_STOP on', 'psql meta-command \\set skipped: PG Explorer does not run psql meta-commands'],
      ['create temp table psql_style (x int)', undefined],
      ['insert into psql_style values (1)', undefined],
      ['\\echo done', 'psql meta-command \\echo skipped: PG Explorer does not run psql meta-commands'],
      ['select count(*) from psql_style', undefined],
    ]);
    assert.deepEqual(rowsOf(report, 4), [['1']]);
  });

  it('runs the statement under the cursor alone after one the server refuses, and reports the server\'s error', async () => {
    const editor = await openSql("select E'wrong: \\u061';\nselect 2 as b;\nselect 3 as c;", profileId);
    editor.selection = new vscode.Selection(1, 3, 1, 3);
    const after = await run('pgExplorer.runStatement', editor);
    assert.deepEqual(after.statements.map((s) => s.sql), ['select 2 as b']);
    editor.selection = new vscode.Selection(0, 3, 0, 3);
    const refused = await run('pgExplorer.runStatement', editor);
    assert.equal(refused.statements.length, 1);
    assert.match(refused.statements[0].error?.message ?? '', /invalid Unicode escape/);
  });

  it('stops a run at the first error and puts a diagnostic at its line and column', async () => {
    const script = 'select 1;\n\nselect *\n  from no_such_table;\nselect 3;';
    const editor = await openSql(script, profileId);
    const report = await run('pgExplorer.runAll', editor);
    assert.equal(report.statements.length, 2, 'the statement after the error must not run');
    assert.equal(report.statements[1].error?.code, '42P01');
    const diagnostics = await waitFor('a diagnostic', () => {
      const d = vscode.languages.getDiagnostics(editor.document.uri);
      return d.length > 0 ? d : undefined;
    });
    assert.equal(diagnostics.length, 1);
    const [diagnostic] = diagnostics;
    assert.equal(diagnostic.range.start.line, 3);
    assert.equal(diagnostic.range.start.character, 7);
    assert.equal(editor.document.getText(diagnostic.range), 'no_such_table');
    assert.match(diagnostic.message, /no_such_table/);
    assert.equal(diagnostic.source, 'PostgreSQL');
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await screenshot('editor-error');
    await vscode.commands.executeCommand('workbench.action.closePanel');
  });

  it('keeps two editors in independent sessions: SET, temp tables and BEGIN stay in theirs', async () => {
    const a = await openSql('set work_mem = \'7MB\';\nbegin;\ncreate temp table only_in_a (x int);\nshow work_mem;', profileId);
    const reportA = await run('pgExplorer.runAll', a);
    assert.deepEqual(rowsOf(reportA), [['7MB']]);
    assert.equal(reportA.statements[3].outcome?.txStatus, 'inTransaction');
    await screenshot('editor-transaction');

    const b = await openSql("show work_mem;\nselect count(*) from pg_class where relname = 'only_in_a';", profileId);
    const reportB = await run('pgExplorer.runAll', b);
    assert.notEqual(reportA.sessionId, reportB.sessionId);
    assert.notDeepEqual(rowsOf(reportB, 0), [['7MB']]);
    assert.deepEqual(rowsOf(reportB, 1), [['0']]);
    assert.equal(reportB.statements[1].outcome?.txStatus, 'idle');

    // Back in A: its SET, temp table and transaction are all still there.
    const aAgain = await vscode.window.showTextDocument(a.document);
    aAgain.selection = new vscode.Selection(3, 0, 3, 0);
    const again = await run('pgExplorer.runStatement', aAgain);
    assert.deepEqual(rowsOf(again), [['7MB']]);
    assert.equal(again.statements[0].outcome?.txStatus, 'inTransaction');
    const pids = new Set([reportA.statements[0].outcome?.backendPid, reportB.statements[0].outcome?.backendPid]);
    assert.equal(pids.size, 2, 'the two editors must use two backends');
    await vscode.commands.executeCommand('pgExplorer.rollback', a.document.uri);
  });

  it('cancels a running statement (pg_sleep) from the cancel command', async () => {
    const editor = await openSql('select pg_sleep(60);', profileId);
    const running = vscode.commands.executeCommand<{ cancelled: boolean; statements: { error?: { kind: string } }[] }>('pgExplorer.runStatement', editor.document.uri);
    await waitFor('pg_sleep to run', async () => {
      // A plain SELECT is read through a scroll cursor: the server runs it inside the cursor's FETCH.
      const { rows } = await db.query(
        "select pid from pg_stat_activity where (query = 'select pg_sleep(60)' or query like 'FETCH FORWARD % FROM \"pgx_scroll_%') and state = 'active'",
      );
      return rows.length > 0 ? true : undefined;
    });
    const sent = await vscode.commands.executeCommand<boolean>('pgExplorer.cancelQuery', editor.document.uri);
    assert.equal(sent, true);
    const report = await running;
    assert.equal(report.cancelled, true);
    assert.equal(report.statements[0].error?.kind, 'cancelled');
  });

  it('releases the backend when the editor closes, rolling back its open transaction (onCloseWithTransaction: rollback)', async () => {
    // The default asks with a modal dialog, which VS Code refuses under the test runner (the
    // dialog is tested in test/e2e/editor-close.test.ts); this is the setting's own path.
    const settings = vscode.workspace.getConfiguration('pgExplorer.editors');
    await settings.update('onCloseWithTransaction', 'rollback', vscode.ConfigurationTarget.Global);
    const editor = await openSql('begin;\ncreate temp table closing_soon (x int);\nselect pg_backend_pid();', profileId);
    const report = await run('pgExplorer.runAll', editor);
    const pid = Number(rowsOf(report)[0][0]);
    const before = await db.query('select state from pg_stat_activity where pid = $1', [pid]);
    assert.equal(before.rows[0]?.state, 'idle in transaction');
    assert.ok((await api()).sessionId(editor.document.uri));

    await closeActiveEditor();
    // The pool keeps the connection for the next session, clean: rolled back and DISCARD ALL run.
    await waitFor('the backend to be released', async () => {
      const { rows } = await db.query<{ state: string; query: string }>('select state, query from pg_stat_activity where pid = $1', [pid]);
      const row = rows[0];
      return row === undefined || (row.state === 'idle' && row.query === 'DISCARD ALL') ? true : undefined;
    });
    assert.equal((await api()).sessionId(editor.document.uri), undefined);
    await settings.update('onCloseWithTransaction', undefined, vscode.ConfigurationTarget.Global);
  });

  it('remembers a document\'s connection when it is opened again', async () => {
    const editor = await openSql('select current_database();', readOnlyId);
    const uri = editor.document.uri;
    await closeActiveEditor();
    await waitFor('the session to end', async () => ((await api()).sessionId(uri) === undefined ? true : undefined));
    const again = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const report = await run('pgExplorer.runStatement', again);
    assert.equal(report.profileId, readOnlyId);
    assert.deepEqual(rowsOf(report), [[env.database]]);
  });

  it('keeps a searchable history per profile and reopens an entry into a bound editor', async () => {
    const marker = `select 'history marker ${Date.now()}' as m`;
    const editor = await openSql(`${marker};`, profileId);
    await run('pgExplorer.runStatement', editor);
    const picking = vscode.commands.executeCommand('pgExplorer.showHistory', profileId);
    let picked = false;
    void picking.then(() => (picked = true), () => (picked = true));
    // The quick pick lists the newest entry first: accept it (again until the pick has opened).
    for (const until = Date.now() + 30_000; !picked && Date.now() < until; ) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    await picking;
    const reopened = await waitFor('the history entry in an editor', () => {
      const active = vscode.window.activeTextEditor;
      return active && active.document !== editor.document && active.document.getText() === marker ? active : undefined;
    });
    assert.equal(reopened.document.languageId, 'sql');
    const report = await run('pgExplorer.runStatement', reopened);
    assert.equal(report.profileId, profileId);
  });

  it('imports a connection string, keeping its password out of the settings', async () => {
    const url = `postgresql://${env.user}:${encodeURIComponent(env.password)}@${env.host}:${env.port}/${env.database}?sslmode=disable`;
    const id = await vscode.commands.executeCommand<string>('pgExplorer.importConnectionString', url);
    assert.ok(id);
    try {
      const settings = JSON.stringify(vscode.workspace.getConfiguration('pgExplorer').get('connections'));
      assert.ok(settings.includes(id));
      assert.ok(!settings.includes(env.password), 'the password must not be in the settings');
      const editor = await openSql('select current_database(), current_user;', id);
      const report = await run('pgExplorer.runStatement', editor);
      assert.deepEqual(rowsOf(report), [[env.database, env.user]]);
    } finally {
      await removeProfile(id);
    }
  });

  it('writes server notices to the connection\'s output channel', async () => {
    const marker = `notice-${Date.now()}`;
    const editor = await openSql(`do $$ begin raise notice 'hello from %', '${marker}'; end $$;`, profileId);
    const report = await run('pgExplorer.runStatement', editor);
    assert.deepEqual(report.statements[0].outcome?.notices, [`NOTICE: hello from ${marker}`]);
    // Output channels are written to the window's log folder: find ours by its name.
    const logs = path.join(path.dirname(process.env.PGX_SCREENSHOT_DIR ?? ''), 'user-data', 'logs');
    await waitFor('the notice in the output channel', () => {
      const files = fs.readdirSync(logs, { recursive: true, encoding: 'utf8' }).filter((f) => /PG Explorer\W*Editors\.log$/.test(f));
      return files.some((f) => fs.readFileSync(path.join(logs, f), 'utf8').includes(`NOTICE: hello from ${marker}`)) || undefined;
    });
  });

  it('starts sessions of a read-only profile read-only', async () => {
    const editor = await openSql('show default_transaction_read_only;\ncreate table app.nope (x int);', readOnlyId);
    const report = await run('pgExplorer.runAll', editor);
    assert.deepEqual(rowsOf(report, 0), [['on']]);
    assert.equal(report.statements[1].error?.code, '25006');
  });

  it('refuses, in a read-only profile, a statement that would turn read-only off', async () => {
    const editor = await openSql('set default_transaction_read_only = off;\ncreate table app.nope (x int);', readOnlyId);
    const refused = await run('pgExplorer.runAll', editor);
    assert.equal(refused.statements.length, 1, 'Run all stops at the refused statement');
    assert.equal(refused.statements[0].error?.kind, 'readOnly');
    assert.match(
      refused.statements[0].error?.message ?? '',
      /^This connection is read-only: SET default_transaction_read_only = off would turn that off\. Edit the connection to make it writable\.$/,
    );
    // The same session is still read-only.
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    const write = await run('pgExplorer.runStatement', editor);
    assert.equal(write.statements[0].error?.code, '25006');
  });
});

describe('profile commands', () => {
  let profileId: string;

  before(async () => {
    await api();
    profileId = await addProfile('Commands');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await removeProfile(profileId);
  });

  it('duplicates a profile with its stored password', async () => {
    const copyId = await vscode.commands.executeCommand<string>('pgExplorer.duplicateConnection', profileId);
    assert.ok(copyId && copyId !== profileId);
    try {
      const profiles = vscode.workspace.getConfiguration('pgExplorer').get<{ id: string; name: string }[]>('connections') ?? [];
      assert.equal(profiles.find((p) => p.id === copyId)?.name, 'Commands (copy)');
      const editor = await openSql('select 42;', copyId);
      assert.deepEqual(rowsOf(await run('pgExplorer.runStatement', editor)), [['42']]);
    } finally {
      await removeProfile(copyId);
    }
  });

  it('disconnects (rolling back an open transaction) and reconnects on the next run', async () => {
    const db = await admin();
    try {
      const editor = await openSql('begin;\nselect pg_backend_pid();', profileId);
      const pid = Number(rowsOf(await run('pgExplorer.runAll', editor))[0][0]);
      await vscode.commands.executeCommand('pgExplorer.disconnect', profileId);
      await waitFor('the backend to end', async () => {
        const { rows } = await db.query('select 1 from pg_stat_activity where pid = $1', [pid]);
        return rows.length === 0 ? true : undefined;
      });
      assert.equal((await api()).sessionId(editor.document.uri), undefined);
      await vscode.commands.executeCommand('pgExplorer.connect', profileId);
      editor.selection = new vscode.Selection(1, 0, 1, 0);
      const again = await run('pgExplorer.runStatement', editor);
      assert.equal(again.statements[0].outcome?.txStatus, 'idle');
      assert.notEqual(Number(rowsOf(again)[0][0]), pid);
    } finally {
      await db.end();
    }
  });
});
