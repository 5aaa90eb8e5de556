/**
 * Syntax errors as you type: each `sql` document is parsed by PostgreSQL's own parser a moment
 * after the last keystroke (debounced, so typing never waits on it), and each statement that
 * does not parse gets one error at the parser's position. psql meta-command lines are skipped.
 * The parse runs in slices that yield to the host (a first pass over 1 MB parses for ~1 s here);
 * a document over LARGE_DOCUMENT_CHARS is not checked, and one information line says why.
 * The statements that parse go on to the server check (server-check.ts).
 */
import * as vscode from 'vscode';
import { scannerLoaded } from '../sql/scanner';
import { LARGE_DOCUMENT_CHARS, documentLength, isLarge, statementsOf } from './documents';
import { SyntaxChecker } from './parse-check';
import type { ServerCheck } from './server-check';
import type { LanguageState } from './state';

const DEBOUNCE_MS = 300;
/** The word (or quoted name, or single character) an error position points at. */
const ERROR_TOKEN = /[\w$]+|"[^"]*"|'[^']*'|\S/;

export class SyntaxDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('pgExplorer.syntax');
  private readonly checkers = new WeakMap<vscode.TextDocument, SyntaxChecker>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly state: LanguageState,
    private readonly serverCheck: ServerCheck,
  ) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.collection.delete(d.uri);
        serverCheck.clear(d);
        clearTimeout(this.timers.get(d.uri.toString()));
      }),
      // A catalog that loaded or changed: check again what was waiting for it.
      state.onDidChange(() => {
        for (const d of vscode.workspace.textDocuments) this.schedule(d);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('pgExplorer.diagnostics')) for (const d of vscode.workspace.textDocuments) this.schedule(d);
      }),
    );
    for (const d of vscode.workspace.textDocuments) this.schedule(d);
  }

  private schedule(document: vscode.TextDocument): void {
    if (document.languageId !== 'sql') return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.check(document);
      }, DEBOUNCE_MS),
    );
  }

  private async check(document: vscode.TextDocument): Promise<void> {
    if (document.isClosed || !scannerLoaded()) return;
    if (!this.state.enabled('diagnostics')) {
      this.collection.delete(document.uri);
      return;
    }
    if (isLarge(document)) {
      // Splitting and parsing megabytes on every edit would hold up the host: one line says so.
      const size = `${(documentLength(document) / 1_000_000).toFixed(1)} million characters`;
      const note = new vscode.Diagnostic(
        new vscode.Range(0, 0, 0, 0),
        `This script is too large to check as you type (${size}, over ${LARGE_DOCUMENT_CHARS.toLocaleString('en-US')}): syntax and server checks are off for it; running it reports errors as usual.`,
        vscode.DiagnosticSeverity.Information,
      );
      note.source = 'PG Explorer';
      this.collection.set(document.uri, [note]);
      this.serverCheck.clear(document);
      return;
    }
    let checker = this.checkers.get(document);
    if (!checker) this.checkers.set(document, (checker = new SyntaxChecker()));
    const version = document.version;
    const problems = await checker.problemsInSlices(document.getText(), () => !document.isClosed && document.version === version);
    if (!problems) return;
    const diagnostics = problems.map((p) => {
      const at = document.positionAt(p.offset);
      const range = document.getWordRangeAtPosition(at, ERROR_TOKEN) ?? new vscode.Range(at, at.translate(0, at.character < document.lineAt(at.line).text.length ? 1 : 0));
      const diagnostic = new vscode.Diagnostic(range, p.message, vscode.DiagnosticSeverity.Error);
      diagnostic.source = 'PostgreSQL parser';
      return diagnostic;
    });
    this.collection.set(document.uri, diagnostics);
    const failed = new Set(problems.map((p) => p.statementStart));
    void this.serverCheck.check(document, statementsOf(document).filter((s) => !failed.has(s.start)));
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
    this.collection.dispose();
  }
}
