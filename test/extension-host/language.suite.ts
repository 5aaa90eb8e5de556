/**
 * The SQL editor knows the database (issue 12), inside a real VS Code: completion through
 * vscode.executeCompletionItemProvider (columns of an alias inside a CTE, a tab's own temp table,
 * mixed-case names quoted, schemas off the search_path qualified), syntax errors and server-check
 * errors at their line and column, hover text and signature help, on the fixture database.
 */
import * as assert from 'node:assert/strict';
import type { Client } from 'pg';
import * as vscode from 'vscode';
import { after, afterEach, before, describe, it } from './bdd';
import { addProfile, admin, api, closeActiveEditor, openSql, removeProfile, rowsOf, run, screenshot, waitFor } from './support';

/** The completion items at the `|` of the editor's text (the marker is removed first). */
async function completionsAt(editor: vscode.TextEditor, marked: string, until?: (labels: string[]) => boolean): Promise<vscode.CompletionItem[]> {
  const offset = marked.indexOf('|');
  await editor.edit((e) => e.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), marked.replace('|', '')));
  const position = editor.document.positionAt(offset);
  editor.selection = new vscode.Selection(position, position);
  // The first request starts the catalog load; the list says incomplete until it is there.
  return waitFor(`completion items at ${marked}`, async () => {
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, position);
    const items = list.items.filter((i) => i.kind !== vscode.CompletionItemKind.Text);
    const labels = items.map(insertTextOf);
    return !list.isIncomplete && (!until || until(labels)) ? items : undefined;
  });
}

function insertTextOf(item: vscode.CompletionItem): string {
  const text = item.insertText ?? item.label;
  return typeof text === 'string' ? text : 'value' in text ? text.value : text.label;
}

async function diagnosticsOf(uri: vscode.Uri, source: string): Promise<vscode.Diagnostic[]> {
  return waitFor(`${source} diagnostics`, () => {
    const found = vscode.languages.getDiagnostics(uri).filter((d) => d.source === source);
    return found.length > 0 ? found : undefined;
  });
}

describe('the SQL editor knows the database', () => {
  let profileId: string;
  let db: Client;

  before(async () => {
    await api();
    profileId = await addProfile('Language');
    db = await admin();
    await db.query('CREATE TABLE IF NOT EXISTS public."MixedCase" ("Id" int, "Display Name" text)');
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (let i = 0; i < 10 && vscode.window.tabGroups.all.some((g) => g.tabs.length > 0); i += 1) await closeActiveEditor();
  });

  after(async () => {
    await db.query('DROP TABLE IF EXISTS public."MixedCase"');
    await db.end();
    await removeProfile(profileId);
  });

  it('completes the columns of an alias inside a CTE, and qualifies a schema off the search_path', async () => {
    const editor = await openSql('select 1;', profileId);
    await run('pgExplorer.runStatement', editor);
    const cte = await completionsAt(editor, 'with recent as (select o.id, o.total as amount from app.orders o)\nselect r.| from recent r');
    assert.deepEqual(cte.map(insertTextOf), ['id', 'amount']);

    const inCte = await completionsAt(editor, 'with recent as (select o.| from app.orders o) select 1');
    const labels = inCte.map(insertTextOf);
    for (const column of ['id', 'customer_id', 'status', 'total', 'created']) assert.ok(labels.includes(column), `${column} in ${labels.join(', ')}`);
    const status = inCte.find((i) => insertTextOf(i) === 'status');
    assert.equal(status?.detail, 'app.order_status not null');

    const from = await completionsAt(editor, 'select * from |', (l) => l.includes('app.customers'));
    const relations = from.map(insertTextOf);
    assert.ok(relations.includes('app.customers'), 'app is not on the search_path: qualified');
    assert.ok(relations.includes('app'), 'schemas are offered too');
    assert.ok(!relations.includes('customers'), 'never unqualified when the schema is not on the path');

    // For the feature tour: the list as a user sees it, the columns of a CTE's alias with their types.
    await completionsAt(editor, 'with recent as (\n  select o.id, o.status, o.total as amount\n    from app.orders o\n)\nselect r.| from recent r join app.customers c on c.id = r.id');
    await vscode.commands.executeCommand('editor.action.triggerSuggest');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await screenshot('language-completion');
    await vscode.commands.executeCommand('hideSuggestWidget');
  });

  it('inserts a mixed-case table quoted, and its columns quoted', async () => {
    const editor = await openSql('select 1;', profileId);
    await run('pgExplorer.runStatement', editor);
    const from = await completionsAt(editor, 'select * from Mix|', (l) => l.includes('"MixedCase"'));
    const item = from.find((i) => insertTextOf(i) === '"MixedCase"');
    assert.ok(item, 'the mixed-case table is offered quoted');
    const columns = await completionsAt(editor, 'select m.| from "MixedCase" m');
    assert.deepEqual(columns.map(insertTextOf), ['"Id"', '"Display Name"']);
  });

  it("the tree's Refresh loads the completion catalog again: a table made elsewhere appears", async () => {
    const editor = await openSql('select 1;', profileId);
    await run('pgExplorer.runStatement', editor);
    await completionsAt(editor, 'select * from public.|', (l) => l.includes('"MixedCase"'));
    await db.query('CREATE TABLE IF NOT EXISTS public.made_elsewhere (x int)');
    try {
      // Cached: a table another client made is not known yet...
      const before = await completionsAt(editor, 'select * from public.|');
      assert.ok(!before.map(insertTextOf).includes('made_elsewhere'));
      // ...until the user refreshes the explorer.
      await vscode.commands.executeCommand('pgExplorer.refresh');
      await completionsAt(editor, 'select * from public.|', (l) => l.includes('made_elsewhere'));
    } finally {
      await db.query('DROP TABLE IF EXISTS public.made_elsewhere');
    }
  });

  it("offers a temp table in the tab that created it, and not in another tab", async () => {
    const mine = await openSql('create temp table scratch_notes (note text, seen boolean);', profileId);
    await run('pgExplorer.runStatement', mine);
    const here = await completionsAt(mine, 'select * from scr|', (l) => l.includes('scratch_notes'));
    assert.equal(here.find((i) => insertTextOf(i) === 'scratch_notes')?.detail, 'temporary table (this tab)');
    const columns = await completionsAt(mine, 'select s.| from scratch_notes s');
    assert.deepEqual(columns.map(insertTextOf), ['note', 'seen']);

    const other = await openSql('select 1;', profileId);
    await run('pgExplorer.runStatement', other);
    const there = await completionsAt(other, 'select * from scr|', (l) => l.includes('app.customers'));
    assert.ok(!there.map(insertTextOf).includes('scratch_notes'), 'another tab does not see it');
  });

  it('underlines a syntax error and an unknown column at their line and column', async () => {
    const editor = await openSql('select 1;\nselect id\n  from app.customers\n where;\n', profileId);
    const syntax = await diagnosticsOf(editor.document.uri, 'PostgreSQL parser');
    assert.equal(syntax.length, 1);
    assert.equal(syntax[0].message, 'syntax error at end of input');
    // At the end of the statement: the last word before the `;` is underlined.
    assert.deepEqual([syntax[0].range.start.line, syntax[0].range.start.character, syntax[0].range.end.character], [3, 1, 6]);

    await run('pgExplorer.runStatement', editor).catch(() => undefined);
    await editor.edit((e) => e.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), 'select id,\n       nmae\n  from app.customers;\n'));
    const check = await diagnosticsOf(editor.document.uri, 'PostgreSQL (server check)');
    assert.equal(check.length, 1);
    assert.match(check[0].message, /column "nmae" does not exist/);
    assert.equal(check[0].code, '42703');
    assert.deepEqual([check[0].range.start.line, check[0].range.start.character, check[0].range.end.character], [1, 7, 11]);
    assert.equal(vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.source === 'PostgreSQL parser').length, 0);
    await vscode.commands.executeCommand('editor.action.marker.next');
    await screenshot('language-server-check');
  });

  it("checks against the tab's search_path, and leaves statements naming the tab's temp table alone", async () => {
    const editor = await openSql('set search_path = app, public;', profileId);
    await run('pgExplorer.runStatement', editor);
    await editor.edit((e) => e.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), 'select email from customers;\nselect nope from customers;\n'));
    const check = await waitFor('the unknown column only', () => {
      const found = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.source === 'PostgreSQL (server check)');
      return found.length === 1 ? found : undefined;
    });
    assert.match(check[0].message, /column "nope" does not exist/);
    assert.equal(check[0].range.start.line, 1, '`customers` resolves through app: no "relation does not exist" on line 0');

    await editor.edit((e) => e.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), 'create temp table tab_only (x int);'));
    await run('pgExplorer.runStatement', editor);
    await editor.edit((e) => e.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), 'select x from tab_only;\nselect nope2 from customers;\n'));
    const after = await waitFor('the check of the edited script', () => {
      const found = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.source === 'PostgreSQL (server check)');
      return found.length > 0 && found.some((d) => /nope2/.test(d.message)) ? found : undefined;
    });
    assert.deepEqual(after.map((d) => d.range.start.line), [1], 'the temp table is not reported as missing');
  });

  it('a DDL run from the editor refreshes completion: a table dropped and one added elsewhere show', async () => {
    await db.query('CREATE TABLE IF NOT EXISTS public.going_away (x int)');
    const editor = await openSql('select 1;', profileId);
    await run('pgExplorer.runStatement', editor);
    await completionsAt(editor, 'select * from public.|', (l) => l.includes('going_away'));
    await db.query('DROP TABLE public.going_away; CREATE TABLE IF NOT EXISTS public.came_in (y int)');
    try {
      await editor.edit((e) => e.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), "comment on table public.came_in is 'Made by another client';"));
      await run('pgExplorer.runStatement', editor);
      await completionsAt(editor, 'select * from public.|', (l) => l.includes('came_in') && !l.includes('going_away'));
    } finally {
      await db.query('DROP TABLE IF EXISTS public.came_in');
    }
  });

  it('says it is not connected when the catalog cannot load, offering keywords and what was cached, without waiting', async () => {
    const editor = await openSql('select pg_backend_pid()::text;', profileId);
    const tabPid = rowsOf(await run('pgExplorer.runStatement', editor))[0][0];
    await completionsAt(editor, 'select * from |', (l) => l.includes('app.customers'));
    // A real slow server: the extension's other backends (its browser session) stopped with SIGSTOP, then a refresh.
    const browser = await db.query<{ pid: number }>(
      `select a.pid from pg_stat_activity a, pg_stat_activity t
        where t.pid = $1 and a.datname = t.datname and a.application_name = t.application_name and a.pid <> t.pid and a.pid <> pg_backend_pid()`,
      [Number(tabPid)],
    );
    assert.ok(browser.rows.length > 0, 'the browser session that loaded the catalog');
    for (const { pid } of browser.rows) process.kill(pid, 'SIGSTOP');
    try {
      await vscode.commands.executeCommand('pgExplorer.refresh');
      const position = new vscode.Position(0, 'select * from '.length);
      await editor.edit((e) => e.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), 'select * from '));
      const list = await waitFor('the catalog-loading item', async () => {
        const found = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, position);
        return found.items.some((i) => i.kind === vscode.CompletionItemKind.Issue) ? found : undefined;
      });
      assert.ok(list.isIncomplete);
      const texts = list.items.map(insertTextOf);
      assert.ok(texts.includes('app.customers'), 'what was cached is still offered');
      assert.ok(texts.includes('SELECT') || texts.includes('app'), 'and keywords or schemas');
      assert.match(String(list.items.find((i) => i.kind === vscode.CompletionItemKind.Issue)?.detail), /Still loading the catalog/);
    } finally {
      for (const { pid } of browser.rows) process.kill(pid, 'SIGCONT');
    }
    await completionsAt(editor, 'select * from |', (l) => l.includes('app.customers'));
  });

  it('shows a column and a function on hover, and the signature of the call being typed', async () => {
    const editor = await openSql('select c.email, app.order_count(c.id) from app.customers c;', profileId);
    await run('pgExplorer.runStatement', editor);
    const text = editor.document.getText();
    const hoverAt = async (needle: string): Promise<string> =>
      waitFor(`hover on ${needle}`, async () => {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, editor.document.positionAt(text.indexOf(needle) + 1));
        const contents = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
        return contents.length > 0 ? contents : undefined;
      });
    const email = await hoverAt('email');
    assert.match(email, /\*\*app\.customers\.email\*\* — column/);
    assert.match(email, /Where receipts go/);
    const fn = await hoverAt('order_count');
    assert.match(fn, /function app\.order_count\(customer integer\) → bigint/);

    const call = 'select app.order_count(';
    await editor.edit((e) => e.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), call));
    const help = await vscode.commands.executeCommand<vscode.SignatureHelp>('vscode.executeSignatureHelpProvider', editor.document.uri, editor.document.positionAt(call.length));
    assert.equal(help.signatures[0]?.label, 'app.order_count(customer integer) → bigint');
    assert.equal(help.activeParameter, 0);
    assert.equal(help.signatures[0]?.parameters[0]?.label, 'customer integer');
  });

  it('lists the statements in the outline', async () => {
    const editor = await openSql('create table app.notes (id int);\n\nselect *\n  from app.notes;\ninsert into app.notes values (1);\n', profileId);
    const symbols = await waitFor('document symbols', async () => {
      const found = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', editor.document.uri);
      return found && found.length > 0 ? found : undefined;
    });
    assert.deepEqual(
      symbols.map((s) => [s.name, s.kind, s.range.start.line]),
      [
        ['create table app.notes (id int)', vscode.SymbolKind.Class, 0],
        ['select *', vscode.SymbolKind.Field, 2],
        ['insert into app.notes values (1)', vscode.SymbolKind.Event, 4],
      ],
    );
  });

  it('goes to the DDL of a table through its alias', async () => {
    const editor = await openSql('select c.name from app.customers c;', profileId);
    await run('pgExplorer.runStatement', editor);
    const text = editor.document.getText();
    const locations = await waitFor('a definition', async () => {
      const found = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeDefinitionProvider', editor.document.uri, editor.document.positionAt(text.indexOf('c.name')));
      return found && found.length > 0 ? found : undefined;
    });
    assert.equal(locations[0].uri.scheme, 'pgx-ddl');
    const ddl = await vscode.workspace.openTextDocument(locations[0].uri);
    assert.match(ddl.getText(), /CREATE TABLE app\.customers/);
  });

  it('formats a document without changing what it means', async () => {
    const editor = await openSql("\\set x 1\nselect id,name from app.customers where id=1;\nselect $$ keep  me $$;\n", profileId);
    const edits = await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatDocumentProvider', editor.document.uri, { tabSize: 2, insertSpaces: true });
    assert.ok(edits && edits.length > 0, 'Format Document gave no edits');
    const applied = new vscode.WorkspaceEdit();
    applied.set(editor.document.uri, edits);
    await vscode.workspace.applyEdit(applied);
    assert.equal(editor.document.getText(), '\\set x 1\nSELECT\n  id,\n  name\nFROM\n  app.customers\nWHERE\n  id = 1;\nSELECT\n  $$ keep  me $$;\n');
  });
});

