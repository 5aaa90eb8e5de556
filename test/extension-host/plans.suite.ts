import * as assert from 'node:assert/strict';
import type { Client } from 'pg';
import * as vscode from 'vscode';
import type { ExplainResult } from '../../src/extension/plans/explainer';
import { BIG_PLAN_BRANCHES, unionOfJoins } from '../plans/plan-fixtures';
import { after, afterEach, before, describe, it } from './bdd';
import { addProfile, admin, api, closeActiveEditor, openSql, removeProfile, run, screenshot, waitFor } from './support';

/** The plan view inside VS Code: Explain Analyze on the editor's session, the plan panel, compare. */
describe('plan view', () => {
  let profileId: string;
  let db: Client;

  before(async () => {
    await api();
    profileId = await addProfile('Plans');
    db = await admin();
    await db.query(`
      DROP TABLE IF EXISTS public.plan_counters, public.plan_small, public.plan_orders;
      CREATE TABLE public.plan_counters (id int PRIMARY KEY, n int NOT NULL);
      INSERT INTO public.plan_counters VALUES (1, 10);
      CREATE TABLE public.plan_small (id int PRIMARY KEY, label text);
      INSERT INTO public.plan_small SELECT g, 'label ' || g FROM generate_series(1, 20) g;
      CREATE TABLE public.plan_orders (id int, customer int, total numeric);
      INSERT INTO public.plan_orders SELECT g, g % 5000, g * 1.5 FROM generate_series(1, 200000) g;
      ANALYZE public.plan_counters, public.plan_small, public.plan_orders;
    `);
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (let i = 0; i < 10 && vscode.window.tabGroups.all.some((g) => g.tabs.length > 0); i += 1) await closeActiveEditor();
  });

  after(async () => {
    await db.query('DROP TABLE IF EXISTS public.plan_counters, public.plan_small, public.plan_orders');
    await db.end();
    await removeProfile(profileId);
  });

  const counter = async (): Promise<number> => Number((await db.query('SELECT n FROM public.plan_counters WHERE id = 1')).rows[0].n);

  const explain = async (command: 'pgExplorer.explain' | 'pgExplorer.explainAnalyze', editor: vscode.TextEditor, options: string[] = ['BUFFERS']): Promise<ExplainResult> => {
    const result = await vscode.commands.executeCommand<ExplainResult | undefined>(command, { uri: editor.document.uri, options, confirmed: true });
    assert.ok(result, `${command} returned nothing`);
    return result;
  };

  const planTab = (editor: vscode.TextEditor): vscode.Tab | undefined => {
    const name = `Plan: ${editor.document.uri.path.split('/').pop() ?? ''}`;
    return vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === name);
  };

  it('Explain Analyze of an UPDATE rolls it back: a separate client sees the row unchanged, the plan panel opens', async () => {
    const before = await counter();
    const editor = await openSql('select 1;\nUPDATE public.plan_counters SET n = n + 1 WHERE id = 1;\n', profileId);
    editor.selection = new vscode.Selection(1, 5, 1, 5);
    const result = await explain('pgExplorer.explainAnalyze', editor);
    assert.equal(result.plan.sql, 'UPDATE public.plan_counters SET n = n + 1 WHERE id = 1');
    assert.deepEqual(result.plan.options, ['ANALYZE', 'BUFFERS']);
    assert.equal(result.plan.rolledBack, 'transaction');
    assert.equal(await counter(), before, 'the UPDATE was rolled back');
    assert.ok(result.drawn, 'the plan webview reported its drawing');
    assert.equal(result.drawn.error, undefined);
    assert.ok(result.drawn.nodes >= 2, `${result.drawn.nodes} nodes drawn`);
    await waitFor('the plan tab', () => planTab(editor));
    // The editor's session is left as it was: no transaction open, so COMMIT has nothing to commit.
    await editor.edit((b) => b.replace(new vscode.Range(0, 0, 0, 9), 'COMMIT;'));
    editor.selection = new vscode.Selection(0, 2, 0, 2);
    const report = await run('pgExplorer.runStatement', editor);
    assert.equal(report.statements[0].sql, 'COMMIT');
    assert.ok(report.statements[0].outcome?.notices.some((n) => /no transaction in progress/.test(n)), 'no transaction was left open in the editor\'s session');
  });

  it('inside the editor\'s open transaction it uses a savepoint: the user\'s own change stays', async () => {
    const before = await counter();
    const editor = await openSql('BEGIN;\nUPDATE public.plan_small SET label = \'mine\' WHERE id = 1;\nUPDATE public.plan_counters SET n = n + 1 WHERE id = 1;\nselect label from public.plan_small where id = 1;\n', profileId);
    editor.selection = new vscode.Selection(0, 0, 1, 60);
    await run('pgExplorer.runStatement', editor);
    editor.selection = new vscode.Selection(2, 3, 2, 3);
    const result = await explain('pgExplorer.explainAnalyze', editor, []);
    assert.equal(result.plan.rolledBack, 'savepoint');
    editor.selection = new vscode.Selection(3, 3, 3, 3);
    const report = await run('pgExplorer.runStatement', editor);
    const outcome = report.statements[0].outcome;
    assert.ok(outcome?.kind === 'rows');
    assert.deepEqual(outcome.page.rows, [['mine']], 'the user\'s transaction still holds its own change');
    await vscode.commands.executeCommand('pgExplorer.rollback', editor.document.uri);
    assert.equal(await counter(), before);
  });

  it(`draws a ${BIG_PLAN_BRANCHES * 4 + 1}-node plan (screenshot for the feature tour)`, async () => {
    const sql = unionOfJoins(BIG_PLAN_BRANCHES).replaceAll('FROM small', 'FROM public.plan_small').replaceAll('JOIN small', 'JOIN public.plan_small');
    const editor = await openSql(`${sql};\n`, profileId);
    editor.selection = new vscode.Selection(0, 3, 0, 3);
    const result = await explain('pgExplorer.explainAnalyze', editor);
    assert.equal(result.plan.rolledBack, undefined, 'a plain SELECT is not wrapped');
    assert.ok(result.drawn);
    assert.equal(result.drawn.error, undefined);
    assert.ok(result.drawn.nodes >= 450 && result.drawn.nodes <= 600, `${result.drawn.nodes} nodes drawn`);
    await vscode.commands.executeCommand('workbench.action.focusSecondEditorGroup');
    await vscode.commands.executeCommand('workbench.action.toggleMaximizeEditorGroup');
    await screenshot('plan-500-nodes', { webview: true });
    await vscode.commands.executeCommand('workbench.action.toggleMaximizeEditorGroup');
  });

  it('compares two plans of one editor side by side: before and after an index', async () => {
    const editor = await openSql('select customer, sum(total) from public.plan_orders where customer = 42 group by customer;\n', profileId);
    editor.selection = new vscode.Selection(0, 3, 0, 3);
    await db.query('DROP INDEX IF EXISTS public.plan_orders_customer');
    const first = await explain('pgExplorer.explainAnalyze', editor);
    await db.query('CREATE INDEX plan_orders_customer ON public.plan_orders (customer)');
    const second = await explain('pgExplorer.explainAnalyze', editor);
    assert.equal(second.plans, 2, 'the editor keeps both plans');
    assert.doesNotMatch(first.plan.json, /plan_orders_customer/);
    assert.match(second.plan.json, /plan_orders_customer/);
    const drawn = await vscode.commands.executeCommand<{ planIds: string[]; nodes: number } | undefined>('pgExplorer.comparePlans', {
      uri: editor.document.uri,
      planIds: [first.plan.id, second.plan.id],
    });
    assert.ok(drawn, 'the comparison was drawn');
    assert.deepEqual([...drawn.planIds].sort(), [first.plan.id, second.plan.id].sort());
    await vscode.commands.executeCommand('workbench.action.focusSecondEditorGroup');
    await vscode.commands.executeCommand('workbench.action.toggleMaximizeEditorGroup');
    await screenshot('plan-compare', { webview: true });
    await vscode.commands.executeCommand('workbench.action.toggleMaximizeEditorGroup');
    await db.query('DROP INDEX IF EXISTS public.plan_orders_customer');
  });

  it('Explain without ANALYZE runs nothing: an UPDATE is only planned', async () => {
    const before = await counter();
    const editor = await openSql('UPDATE public.plan_counters SET n = n + 1 WHERE id = 1', profileId);
    const result = await explain('pgExplorer.explain', editor, []);
    assert.deepEqual(result.plan.options, []);
    assert.equal(result.plan.rolledBack, undefined);
    assert.doesNotMatch(result.plan.json, /Actual Total Time/);
    assert.equal(await counter(), before);
  });

  it("explains a given statement (the results toolbar's Explain) on the editor's session, not the one under the cursor", async () => {
    const editor = await openSql('CREATE TEMP TABLE plan_tmp AS SELECT g FROM generate_series(1, 10) g;\nSELECT 1;\n', profileId);
    await run('pgExplorer.runStatement', editor);
    // The temp table exists in this editor's session only: explaining it proves which session ran it.
    const result = await vscode.commands.executeCommand<ExplainResult | undefined>('pgExplorer.explain', {
      uri: editor.document.uri.toString(),
      sql: 'SELECT * FROM plan_tmp WHERE g > 5;',
      options: [],
    });
    assert.ok(result, 'Explain returned nothing');
    assert.match(result.plan.sql, /FROM plan_tmp WHERE g > 5$/);
    assert.match(result.plan.json, /"Relation Name": "plan_tmp"/);
  });
});
