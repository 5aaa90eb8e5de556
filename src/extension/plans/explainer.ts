/**
 * Explain and Explain Analyze from a SQL editor: the selection or the statement under the cursor,
 * with the options the user picks (remembered), run on the editor's own session, drawn in the
 * editor's plan panel and kept in the editor's plan list. EXPLAIN ANALYZE of a statement that
 * changes data asks first (a modal naming what it is) and is rolled back.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { PgError } from '../../pool';
import type { DrawnParams, ExplainOption, PlanEntry } from '../../shared/plan-protocol';
import type { Connections } from '../connections/connections';
import type { DocumentBindings } from '../editors/bindings';
import { chooseBinding, toPgError } from '../editors/runner';
import type { EditorSession, EditorSessions } from '../editors/sessions';
import type { ProfileStore } from '../profiles/store';
import { splitStatements, statementAt } from '../sql/splitter';
import { effectiveOptions, optionsFor, rollbackWarning } from './explain-sql';
import type { RollbackKind } from './explain-sql';
import { PlanHistory } from './plan-history';
import { PlanPanel } from './plan-panel';
import { rollbackKindFor, runExplain, serverVersion, whyRollBack } from './run-explain';

/** The argument form of the commands (tests, other extensions): no prompts. */
export interface ExplainArgs {
  uri?: vscode.Uri | string;
  /** The options to use instead of asking (ANALYZE is decided by the command). */
  options?: ExplainOption[];
  /** Skips the modal before a rolled-back EXPLAIN ANALYZE (VS Code refuses modals under the test runner). */
  confirmed?: boolean;
  /** The statement to explain instead of the one under the cursor (the results toolbar's Explain). */
  sql?: string;
}

/** What a command returns: the plan kept and how the webview drew it. */
export interface ExplainResult {
  plan: PlanEntry;
  /** Plans of the editor now, oldest first. */
  plans: number;
  drawn: DrawnParams | undefined;
}

/** The argument form of Compare Plans: the two plans, before and after. */
export interface CompareArgs {
  uri?: vscode.Uri | string;
  planIds?: [string, string];
}

const OPTIONS_KEY = 'pgExplorer.explain.options';

export class Explainer implements vscode.Disposable {
  private readonly history = new PlanHistory();
  private readonly panels = new Map<string, PlanPanel>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly store: ProfileStore,
    private readonly connections: Connections,
    private readonly bindings: DocumentBindings,
    private readonly sessions: EditorSessions,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async explain(analyze: boolean, arg?: vscode.Uri | ExplainArgs): Promise<ExplainResult | undefined> {
    const args: ExplainArgs = arg instanceof vscode.Uri ? { uri: arg } : (arg ?? {});
    const editor = editorFor(args.uri);
    if (!editor) {
      void vscode.window.showInformationMessage('Open a SQL editor and put the cursor in a statement to explain it.');
      return undefined;
    }
    const statement = args.sql !== undefined ? args.sql.replace(/[\s;]+$/, '') || undefined : currentStatement(editor);
    if (statement === undefined) {
      void vscode.window.showInformationMessage('There is no SQL statement here to explain.');
      return undefined;
    }
    if (statement === null) {
      void vscode.window.showInformationMessage('The selection holds more than one statement: select one to explain it.');
      return undefined;
    }
    const session = await this.sessionOf(editor.document.uri);
    if (!session) return undefined;
    if (session.running || session.session.info().busy) {
      void vscode.window.showWarningMessage('A statement is still running in this editor. Wait for it or cancel it first.');
      return undefined;
    }
    try {
      const version = await serverVersion(session.session);
      const picked = args.options ?? (await this.pickOptions(analyze, version.num));
      if (!picked) return undefined;
      const withAnalyze = analyze || picked.includes('ANALYZE');
      const options = effectiveOptions(picked, version.num, withAnalyze);
      let rollback: RollbackKind | undefined;
      if (withAnalyze) {
        const reason = await whyRollBack(statement);
        if (reason) {
          rollback = rollbackKindFor(session.session);
          // A text the parser refuses fails on the server too: no question for it (still wrapped).
          if (!args.confirmed && !reason.startsWith('it does not parse')) {
            const warning = rollbackWarning(reason, rollback);
            const answer = await vscode.window.showWarningMessage(warning.message, { modal: true, detail: warning.detail }, warning.button);
            if (answer !== warning.button) return undefined;
          }
        }
      }
      const ran = await this.run(session, statement, options, rollback);
      const plan: PlanEntry = { id: randomUUID(), sql: statement, options, ranAt: Date.now(), json: ran.json, serverVersion: version.text, ...(ran.rolledBack ? { rolledBack: ran.rolledBack } : {}) };
      const plans = this.history.add(editor.document.uri, plan);
      if (ran.rolledBack) vscode.window.setStatusBarMessage(`PG Explorer: EXPLAIN ANALYZE ran the statement and rolled it back (${ran.rolledBack}).`, 8_000);
      const drawn = await this.panelFor(editor.document.uri).show({ editor: basename(editor.document.uri), plans, show: plan.id });
      return { plan, plans: plans.length, drawn };
    } catch (err) {
      const error = err instanceof PgError ? err : toPgError(err);
      const hint = error.hint ? ` Hint: ${error.hint}` : '';
      this.log.error(`EXPLAIN failed: ${error.message}`);
      void vscode.window.showErrorMessage(`EXPLAIN failed: ${error.message}${hint}`);
      return undefined;
    }
  }

  /** Shows two plans of an editor side by side (the newest beside the one the user picks). */
  async compare(arg?: vscode.Uri | CompareArgs): Promise<DrawnParams | undefined> {
    const args = arg instanceof vscode.Uri ? { uri: arg } : (arg ?? {});
    const editor = editorFor(args.uri);
    const uri = editor?.document.uri ?? (args.uri ? toUri(args.uri) : undefined);
    const plans = uri ? this.history.list(uri) : [];
    if (!uri || plans.length < 2) {
      void vscode.window.showInformationMessage('Compare needs two plans of this editor: run Explain (or Explain Analyze) twice, e.g. before and after an index.');
      return undefined;
    }
    let ids = args.planIds;
    if (!ids) {
      const items = [...plans].reverse().map((p) => ({ label: firstLine(p.sql), description: `${new Date(p.ranAt).toLocaleTimeString()} · ${p.options.join(', ') || 'estimates only'}`, id: p.id }));
      const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Compare two plans', placeHolder: 'Pick two plans (the older one is drawn on the left)' });
      if (!picked) return undefined;
      if (picked.length !== 2) {
        void vscode.window.showInformationMessage(`Pick exactly two plans to compare (${picked.length} were picked).`);
        return undefined;
      }
      const [before, after] = picked.map((p) => plans.find((q) => q.id === p.id)).filter((p) => p !== undefined).sort((a, b) => a.ranAt - b.ranAt);
      ids = [before.id, after.id];
    }
    // The webview draws the older of the two on the left ("Before").
    return this.panelFor(uri).show({ editor: basename(uri), plans, show: ids[1], compareWith: ids[0] });
  }

  private async run(session: EditorSession, statement: string, options: ExplainOption[], rollback: RollbackKind | undefined): Promise<{ json: string; rolledBack?: RollbackKind }> {
    this.sessions.setRunning(session, true);
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `EXPLAIN ${options.includes('ANALYZE') ? 'ANALYZE ' : ''}${firstLine(statement)}`, cancellable: true },
        async (_progress, token) => {
          const cancelling = token.onCancellationRequested(() => void session.session.cancel());
          try {
            return await runExplain(session.session, statement, options, rollback);
          } finally {
            cancelling.dispose();
          }
        },
      );
    } finally {
      this.sessions.setRunning(session, false);
    }
  }

  private async pickOptions(analyze: boolean, versionNum: number): Promise<ExplainOption[] | undefined> {
    const remembered = new Set(this.context.globalState.get<ExplainOption[]>(OPTIONS_KEY, ['BUFFERS']));
    const items = optionsFor(versionNum)
      .filter((o) => !(analyze && o.option === 'ANALYZE'))
      .map((o) => ({
        label: o.option,
        option: o.option,
        description: o.unavailable ? `unavailable: ${o.unavailable}` : DESCRIPTIONS[o.option],
        picked: !o.unavailable && remembered.has(o.option),
        unavailable: o.unavailable,
      }));
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: analyze ? 'Explain Analyze: options' : 'Explain: options',
      placeHolder: 'FORMAT JSON is always on; Enter runs with the options checked',
    });
    if (!picked) return undefined;
    const refused = picked.filter((p) => p.unavailable);
    if (refused.length > 0) void vscode.window.showInformationMessage(refused.map((p) => `${p.option} left out: it ${p.unavailable}.`).join(' '));
    const options = picked.filter((p) => !p.unavailable).map((p) => p.option);
    // ANALYZE runs the statement: never carried over to the next Explain unasked.
    await this.context.globalState.update(OPTIONS_KEY, options.filter((o) => o !== 'ANALYZE'));
    return analyze ? ['ANALYZE', ...options] : options;
  }

  private async sessionOf(uri: vscode.Uri): Promise<EditorSession | undefined> {
    const binding = this.bindings.get(uri) ?? (await chooseBinding(this.store, this.connections, this.bindings, uri));
    if (!binding) return undefined;
    const profile = this.store.get(binding.profileId);
    if (!profile) {
      void vscode.window.showErrorMessage('The connection this editor was bound to no longer exists. Choose another one.');
      return undefined;
    }
    try {
      return await this.sessions.open(uri, binding);
    } catch (err) {
      void vscode.window.showErrorMessage(`Could not connect to ${profile.name}: ${toPgError(err).message}`);
      return undefined;
    }
  }

  private panelFor(uri: vscode.Uri): PlanPanel {
    const key = uri.toString();
    let panel = this.panels.get(key);
    if (!panel) {
      const created = new PlanPanel(this.context.extensionUri, `Plan: ${basename(uri)}`);
      created.onDidDispose(() => {
        if (this.panels.get(key) === created) this.panels.delete(key);
      });
      this.panels.set(key, created);
      panel = created;
    }
    return panel;
  }

  dispose(): void {
    for (const panel of this.panels.values()) panel.dispose();
    this.panels.clear();
    this.history.dispose();
  }
}

const DESCRIPTIONS: Record<ExplainOption, string> = {
  ANALYZE: 'run the statement: actual times, rows and loops',
  BUFFERS: 'shared, local and temp blocks hit and read',
  VERBOSE: 'output columns, schema-qualified names',
  SETTINGS: 'planner settings that differ from the default',
  WAL: 'WAL records and bytes written (with ANALYZE)',
};

/**
 * The statement to explain: the selection if there is one (exactly one statement), else the one
 * under the cursor. null: the selection holds several; undefined: there is none.
 */
function currentStatement(editor: vscode.TextEditor): string | null | undefined {
  const { document, selection } = editor;
  if (!selection.isEmpty) {
    const statements = splitStatements(document.getText(selection));
    if (statements.length > 1) return null;
    return statements[0]?.text;
  }
  return statementAt(splitStatements(document.getText()), document.offsetAt(selection.active))?.text;
}

function editorFor(uri: vscode.Uri | string | undefined): vscode.TextEditor | undefined {
  if (uri !== undefined) {
    const target = toUri(uri).toString();
    return vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === target);
  }
  const active = vscode.window.activeTextEditor;
  return active?.document.languageId === 'sql' ? active : undefined;
}

function toUri(uri: vscode.Uri | string): vscode.Uri {
  return typeof uri === 'string' ? vscode.Uri.parse(uri) : uri;
}

function basename(uri: vscode.Uri): string {
  return uri.path.split('/').pop() ?? uri.path;
}

function firstLine(sql: string): string {
  const line = sql.split('\n').find((l) => l.trim() !== '' && !l.trim().startsWith('--')) ?? sql;
  return line.length > 60 ? `${line.slice(0, 59)}…` : line.trim();
}
