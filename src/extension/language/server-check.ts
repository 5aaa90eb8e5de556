/**
 * The server check: after the parser is satisfied, each SELECT / INSERT / UPDATE / DELETE /
 * MERGE / VALUES / WITH / TABLE statement goes to the database as a protocol Parse message only
 * (PgPool.checkStatement: never bound or executed) on the pool's browser session, so unknown
 * tables and columns, ambiguous names and type mismatches show at their position before anything
 * runs. Only when the document's pool is already open: the check never connects. Verdicts are kept
 * per statement text until the catalog changes.
 *
 * Names resolve as in the tab: the check runs under the tab's search_path as its session last
 * reported it (SET LOCAL in a short read-only transaction on the browser session, check.ts), so a
 * tab that ran `SET search_path = s3` is checked against s3. The browser session cannot see the
 * tab's temp tables, so a statement naming one is not checked at all (a temp table may also
 * shadow a permanent one of the same name, whose columns would be wrong). Checking it on the
 * tab's own connection instead would put our traffic on the wire the user runs on, and a run
 * started meanwhile would wait for it; skipping costs only the check of those statements.
 */
import * as vscode from 'vscode';
import type { PgError, PgPool } from '../../pool';
import { positionToOffset } from '../sql/splitter';
import type { SqlStatement } from '../sql/splitter';
import { DEFAULT_SESSION } from './catalog-index';
import type { SessionView } from './catalog-index';
import type { LanguageState } from './state';
import { tokenize } from './tokens';

const CHECKED = /^\s*(select|insert|update|delete|merge|values|with|table)\b/i;
/** Most statements checked in one pass (a long script is checked where it is edited next). */
const MAX_PER_PASS = 200;

export class ServerCheck implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('pgExplorer.check');
  private verdicts = new WeakMap<PgPool, Map<string, PgError | null>>();
  private readonly passes = new Map<string, number>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly state: LanguageState) {
    // A changed catalog or session view can change every verdict.
    this.subscription = state.onDidChange(() => {
      this.verdicts = new WeakMap();
      for (const document of vscode.workspace.textDocuments) {
        if (document.languageId === 'sql' && this.collection.has(document.uri)) this.collection.delete(document.uri);
      }
    });
  }

  /** Checks the statements that parsed; a newer pass for the document makes this one stop. */
  async check(document: vscode.TextDocument, statements: readonly SqlStatement[]): Promise<void> {
    const key = document.uri.toString();
    const pass = (this.passes.get(key) ?? 0) + 1;
    this.passes.set(key, pass);
    const pool = this.state.enabled('serverCheck') ? this.state.poolFor(document.uri) : undefined;
    if (!pool) {
      this.collection.delete(document.uri);
      return;
    }
    const version = document.version;
    const session = await this.state.settledSessionView(document.uri);
    if (this.passes.get(key) !== pass || document.version !== version || document.isClosed) return;
    // After the wait: a changed session view replaced the verdicts.
    let verdicts = this.verdicts.get(pool);
    if (!verdicts) this.verdicts.set(pool, (verdicts = new Map()));
    const searchPath = checkedPath(session);
    const diagnostics: vscode.Diagnostic[] = [];
    for (const statement of statements.filter((s) => CHECKED.test(s.text)).slice(0, MAX_PER_PASS)) {
      if (namesTempTable(statement.text, session)) continue;
      const verdictKey = `${searchPath?.join(',') ?? ''}\u0000${statement.text}`;
      let verdict = verdicts.get(verdictKey);
      if (verdict === undefined) {
        try {
          verdict = (await pool.checkStatement(statement.text, { searchPath })) ?? null;
        } catch {
          // Not connected any more, or the text cannot be sent: no verdict, no diagnostic.
          return;
        }
        verdicts.set(verdictKey, verdict);
      }
      if (this.passes.get(key) !== pass || document.version !== version || document.isClosed) return;
      if (verdict) diagnostics.push(diagnosticFor(document, statement, verdict));
    }
    this.collection.set(document.uri, diagnostics);
  }

  clear(document: vscode.TextDocument): void {
    this.collection.delete(document.uri);
  }

  dispose(): void {
    this.subscription.dispose();
    this.collection.dispose();
  }
}

const ERROR_TOKEN = /[\w$]+|"[^"]*"|'[^']*'|\S/;

/**
 * The tab's search_path for the check, without its own temp schema (the browser session's would
 * be another); undefined before the tab's session was read (the browser session's is the same then).
 */
function checkedPath(session: SessionView): string[] | undefined {
  if (session === DEFAULT_SESSION) return undefined;
  return session.searchPath.filter((s) => !s.startsWith('pg_temp'));
}

/** Whether a statement names one of the tab's temp tables (as a word or quoted name). */
function namesTempTable(sql: string, session: SessionView): boolean {
  if (session.temp.length === 0) return false;
  const names = new Set(session.temp.map((t) => t.name));
  return tokenize(sql).some((t) => (t.kind === 'word' || t.kind === 'quoted') && names.has(t.name));
}

function diagnosticFor(document: vscode.TextDocument, statement: SqlStatement, error: PgError): vscode.Diagnostic {
  const local = error.position !== undefined && error.position > 0 ? positionToOffset(statement.text, error.position) : 0;
  const at = document.positionAt(statement.start + local);
  const range = document.getWordRangeAtPosition(at, ERROR_TOKEN) ?? new vscode.Range(at, at.translate(0, 1));
  const parts = [error.message];
  if (error.detail) parts.push(`DETAIL: ${error.detail}`);
  if (error.hint) parts.push(`HINT: ${error.hint}`);
  const diagnostic = new vscode.Diagnostic(range, parts.join('\n'), vscode.DiagnosticSeverity.Error);
  diagnostic.source = 'PostgreSQL (server check)';
  if (error.code) diagnostic.code = error.code;
  return diagnostic;
}
