/**
 * One editor's (or one "Open data" table's) results: the ready handshake and the host's side of
 * paging, editing, export and copy, whichever place shows the grid (results-host.ts: a panel
 * beside the editor, or the editor's slot in the docked results view).
 *
 * Architecture invariant: the host forwards pages and forgets them. It holds the run's metadata
 * (statements, columns, SQL) and at most the page in flight, never the rows shown.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { Disposable, Session, SessionChange, SessionInfo } from '../../pool';
import {
  AppliedNotification,
  ApplyChangesCommand,
  CancelCommand,
  CancelExportCommand,
  CloseCursorCommand,
  CopyTextCommand,
  CountRowsCommand,
  CursorStateNotification,
  EditabilityNotification,
  ExplainCommand,
  ExportCommand,
  ExportProgressNotification,
  FetchPageCommand,
  PageFailedNotification,
  PageNotification,
  ReadyCommand,
  RowCountNotification,
  ReconnectCommand,
  ReconnectedNotification,
  RunAgainCommand,
  ShowRunNotification,
  SortFilterCommand,
  SortFilteredNotification,
  SortabilityNotification,
  StopFetchCommand,
} from '../../shared/protocol';
import type { EditabilityView, ExportParams, IpcMessage, IpcNotification, RunView, SortFilterParams } from '../../shared/protocol';
import type { ResultsTarget, StatementRun } from './contract';
import { applyGridChanges, checkEditability } from './edits';
import type { EditableResult } from './edits';
import { startExport } from './export';
import type { ExportHandle } from './export';
import { fetchLoop } from './paging';
import type { PageSource } from './paging';
import { packRows } from '../../shared/packed-rows';
import type { ResultsHost, ResultsLocation } from './results-host';
import { buildRunView, errorView } from './run-view';
import type { ResultSource } from './run-view';
import { runSortFilter, sortFilterBase } from './sort-filter';
import type { SortFilterBase } from './sort-filter';

/** Rows held in the webview at once (the grid scales its scrollbar, so this bounds memory, not reach). */
const MAX_ROWS_IN_GRID = 1_500_000;
const DEFAULT_MAX_ROWS = 1_000_000;

interface CurrentRun {
  runId: string;
  view: RunView;
  sources: Map<number, ResultSource>;
  /** Results that can still be paged, with the named cursor of each (undefined: the protocol cursor). */
  pageable: Map<number, string | undefined>;
  /** Results paged from a scroll cursor (read at any row, counted on request). */
  scrollable: Set<number>;
  /** Scroll cursors: rows read without a gap from the first (a result held whole is closed at its end). */
  readThrough: Map<number, number>;
  editable: Map<number, EditableResult>;
  /** What the webview was told about each result's editability (re-posted to a reloaded webview). */
  editability: Map<number, EditabilityView>;
  fetching: boolean;
  stopRequested: boolean;
  closedReason?: string;
  /** Sort / filter: each result's own query (a new spec wraps it, not the last wrapped one). */
  sortFilterBases: Map<number, SortFilterBase>;
  /** Results shown sorted / filtered with quick-filter parameters (COPY takes none: no export). */
  parameterized: Set<number>;
  /** The session's transaction ended after the run was shown (the first end: what the rows were read in). */
  transactionEnded?: 'committed' | 'rolledBack' | 'ended';
  /** The session's connection was lost while this run was shown: Messages offers Reconnect and Run again. */
  connectionLost: boolean;
}

export class ResultsPanel implements vscode.Disposable {
  private ready = false;
  private everReady = false;
  private queue: IpcMessage[] = [];
  private run: CurrentRun | undefined;
  private readonly exports = new Map<number, ExportHandle>();
  private nextExportId = 1;
  private readonly disposables: vscode.Disposable[] = [];
  /** The subscription to the shown session's changes (the footer follows them; nothing is polled). */
  private sessionEvents: Disposable | undefined;
  private disposed = false;
  private ownsSession = false;
  private fetchChain: Promise<void> = Promise.resolve();
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidClose = this.closed.event;

  constructor(
    private target: ResultsTarget,
    private readonly host: ResultsHost,
    private readonly log?: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      host.onDidReceiveMessage((m) => void this.onMessage(m).catch((err: unknown) => this.log?.error(`results panel: ${(err as Error).message}`))),
      host.onDidDispose(() => this.onPanelClosed()),
    );
  }

  get key(): string {
    return this.target.key;
  }

  get visible(): boolean {
    return this.host.visible;
  }

  get location(): ResultsLocation {
    return this.host.location;
  }

  reveal(): void {
    this.host.reveal();
  }

  /**
   * Shows a run: replaces what the panel showed, posts the first pages, then checks editability.
   * `ownsSession`: the session exists for this panel alone ("Open data" gets a fresh one each time
   * and nobody else releases it), so the panel releases it when it is replaced or closed.
   */
  show(target: ResultsTarget, statements: StatementRun[], ownsSession = false): void {
    if (this.disposed) {
      // Closed while the statement ran: the session was released with the panel.
      if (ownsSession) void target.session.release().catch(() => undefined);
      return;
    }
    // The named cursors of the run this one replaces hold results on the server that nobody can
    // page any more.
    if (this.run && this.target.session === target.session) this.closeNamedCursors(this.run);
    this.switchTo(target, ownsSession);
    this.host.setTitle(target.title);
    // Exports run on leases of their own with their own copy of the SQL: a new run does not stop them.
    const runId = randomUUID();
    const info = target.session.info();
    const built = buildRunView(
      runId,
      {
        title: target.title,
        readOnly: target.readOnly,
        maxRowsInGrid: maxRowsInGrid(),
        cursorOpen: info.cursorOpen,
        openCursors: info.openCursors,
        canExplain: editorUriOf(target) !== undefined,
      },
      statements,
    );
    this.run = {
      runId,
      // Rows are not kept: a reloaded webview gets the run without them (see onReady).
      view: { ...built.view, results: built.view.results.map((r) => ({ ...r, firstPage: { ...r.firstPage, packed: packRows([], r.columns.length) } })) },
      sources: new Map(built.sources.map((s) => [s.resultId, s])),
      pageable: built.pageable,
      scrollable: new Set(built.view.results.filter((r) => r.scrollable).map((r) => r.resultId)),
      readThrough: new Map(built.view.results.map((r) => [r.resultId, r.firstPage.packed.count])),
      editable: new Map(),
      editability: new Map(),
      fetching: false,
      stopRequested: false,
      sortFilterBases: new Map(built.sources.map((s) => [s.resultId, sortFilterBase(s.sql, s.columns)])),
      parameterized: new Set(),
      connectionLost: statements.some((s) => s.error?.kind === 'connectionLost'),
    };
    this.post(ShowRunNotification, built.view);
    this.postCursorState();
    this.postSortability(this.run);
    // In the background: the editor's run is over once the rows are shown, whatever the checks take.
    void this.checkEditability(target, runId, built.sources).catch((err: unknown) => this.log?.warn(`editability: ${(err as Error).message}`));
  }

  /** One result after another: each check takes a short lease, and a run may have many result sets. */
  private async checkEditability(target: ResultsTarget, runId: string, sources: ResultSource[]): Promise<void> {
    for (const source of sources) {
      const result = await checkEditability(target.session, source.columns, target.readOnly);
      if (this.run?.runId !== runId || this.disposed) return;
      if (result.editable) this.run.editable.set(source.resultId, result.editable);
      this.run.editability.set(source.resultId, result.view);
      this.post(EditabilityNotification, { runId, resultId: source.resultId, editability: result.view });
    }
  }

  /**
   * Takes a session for this panel alone before its first statement runs ("Open data"), so that
   * closing the panel meanwhile cancels the statement and releases the session.
   */
  adopt(target: ResultsTarget): void {
    this.switchTo(target, true);
  }

  dispose(): void {
    this.host.dispose();
  }

  /** Shows `target`'s session from now on: releases an owned previous one, follows the new one's changes. */
  private switchTo(target: ResultsTarget, ownsSession: boolean): void {
    const previous = this.target;
    if (this.ownsSession && previous.session !== target.session) void previous.session.release().catch(() => undefined);
    this.ownsSession = ownsSession;
    this.target = target;
    if (this.sessionEvents && previous.session === target.session) return;
    this.sessionEvents?.dispose();
    this.sessionEvents = target.session.onDidChange((change) => this.onSessionChange(change));
  }

  /** What the pool did to the session unasked (cursor closed when idle, connection lost), shown as it happens. */
  private onSessionChange(change: SessionChange): void {
    const run = this.run;
    if (!run || this.disposed) return;
    if ((change.change === 'cursorClosed' || change.change === 'connectionLost' || change.change === 'released') && change.reason) {
      run.closedReason ??= change.reason;
    }
    // Rows read inside the transaction may show what it changed: the grid says whether that stands.
    if (change.change === 'txStatus' && change.info.txStatus === 'idle') run.transactionEnded ??= change.ended ?? 'ended';
    if (change.change === 'connectionLost') run.transactionEnded ??= 'rolledBack';
    if (change.change === 'connectionLost') run.connectionLost = true;
    if (change.change !== 'busy') this.postCursorState();
  }

  // -----------------------------------------------------------------------------------------------

  private post<P>(type: IpcNotification<P>, params: P): void {
    void this.postNow(type, params);
  }

  /** Posts (or queues until the webview is ready); resolves when VS Code has taken the message. */
  private postNow<P>(type: IpcNotification<P>, params: P): Thenable<unknown> {
    const message = type.message(params);
    if (!this.ready) {
      this.queue.push(message);
      return Promise.resolve();
    }
    return this.host.postMessage(message);
  }

  private async onMessage(m: IpcMessage): Promise<void> {
    if (ReadyCommand.is(m)) return this.onReady();
    const run = this.run;
    if (CopyTextCommand.is(m)) {
      await vscode.env.clipboard.writeText(m.params.text);
      vscode.window.setStatusBarMessage(`PG Explorer: copied ${m.params.what}`, 3_000);
      return;
    }
    if (CancelCommand.is(m)) {
      await this.target.session.cancel().catch((err: unknown) => {
        void vscode.window.showErrorMessage(`Could not cancel: ${(err as Error).message}`);
      });
      return;
    }
    if (CancelExportCommand.is(m)) {
      this.exports.get(m.params.exportId)?.cancel();
      return;
    }
    if (!run) return;
    if (ReconnectCommand.is(m)) {
      if (m.params.runId === run.runId) await this.reconnect(run);
      return;
    }
    if (RunAgainCommand.is(m)) {
      // The same statements in the same editor; its new run replaces this one here.
      if (m.params.runId === run.runId) await this.target.runAgain?.();
      return;
    }
    if (FetchPageCommand.is(m)) {
      // One request at a time, each answered by its pages or a failure: the webview counts on it.
      if (m.params.runId !== run.runId) return;
      const { resultId, all, offset, count } = m.params;
      const next = this.fetchChain.then(() => this.fetch(run, resultId, all, offset, count));
      this.fetchChain = next.catch(() => undefined);
      await next;
    } else if (CountRowsCommand.is(m)) {
      if (m.params.runId !== run.runId) return;
      const next = this.fetchChain.then(() => this.count(run, m.params.resultId));
      this.fetchChain = next.catch(() => undefined);
      await next;
    } else if (StopFetchCommand.is(m)) {
      if (m.params.runId === run.runId) run.stopRequested = true;
    } else if (CloseCursorCommand.is(m)) {
      if (m.params.runId !== run.runId) return;
      run.stopRequested = true;
      const closing = m.params.resultId !== undefined ? [m.params.resultId] : [...run.pageable.keys()];
      // Said before the cursors close: the session's own events about it come while they do.
      run.closedReason = 'you closed the cursor. Run the statement again to see the rest.';
      const names = closing.filter((id) => run.pageable.has(id)).map((id) => run.pageable.get(id));
      for (const id of closing) run.pageable.delete(id);
      for (const name of names) {
        await this.target.session.closeQuery(name).catch((err: unknown) => this.log?.warn(`closeQuery: ${(err as Error).message}`));
      }
      this.postCursorState();
    } else if (ApplyChangesCommand.is(m)) {
      if (m.params.runId !== run.runId) return;
      const editable = run.editable.get(m.params.resultId);
      const outcome = editable
        ? await applyGridChanges(this.target.session, editable, m.params.changes)
        : { kind: 'failed' as const, error: { kind: 'query', message: 'This result cannot be edited.' } };
      this.post(AppliedNotification, { runId: m.params.runId, resultId: m.params.resultId, requestId: m.params.requestId, outcome });
    } else if (ExportCommand.is(m)) {
      if (m.params.runId === run.runId) await this.export(run, m.params);
    } else if (ExplainCommand.is(m)) {
      const uri = editorUriOf(this.target);
      const source = run.sources.get(m.params.resultId);
      if (m.params.runId !== run.runId || !uri || !source) return;
      await vscode.commands.executeCommand('pgExplorer.explain', { uri, sql: source.sql });
    } else if (SortFilterCommand.is(m)) {
      if (m.params.runId !== run.runId) return;
      // After the page in flight (one call at a time per session); a Fetch all stops there.
      run.stopRequested = true;
      const next = this.fetchChain.then(() => this.sortFilter(run, m.params));
      this.fetchChain = next.catch(() => undefined);
      await next;
    }
  }

  // ----------------------------------------------------------------------------------------------
  // Sort and filter on the server (sort-filter.ts builds and runs the wrapped query)

  /** Tells the grid which results can be sorted and filtered, and why not the others. */
  private postSortability(run: CurrentRun): void {
    for (const [resultId, base] of run.sortFilterBases) {
      void base.refusal.then((reason) => {
        if (this.run === run && !this.disposed) this.post(SortabilityNotification, { runId: run.runId, resultId, ...(reason ? { reason } : {}) });
      });
    }
  }

  /** Runs a result's query again, sorted and filtered, and shows it in place of that result set. */
  private async sortFilter(run: CurrentRun, p: SortFilterParams): Promise<void> {
    const base = run.sortFilterBases.get(p.resultId);
    const index = run.view.results.findIndex((r) => r.resultId === p.resultId);
    if (!base || index < 0 || this.run !== run || this.disposed) return;
    // The result's own named cursor (a run of several statements) is replaced by the re-run.
    const ownCursor = run.pageable.get(p.resultId);
    if (ownCursor !== undefined) {
      run.pageable.delete(p.resultId);
      await this.target.session.closeQuery(ownCursor).catch(() => undefined);
    }
    const outcome = await runSortFilter(this.target.session, base, p.spec);
    if (this.run !== run || this.disposed) return;
    const reply = { runId: run.runId, resultId: p.resultId, spec: p.spec };
    if (outcome.kind === 'refused') {
      this.post(SortFilteredNotification, { ...reply, error: errorView(outcome.error) });
      return;
    }
    // The statement was sent: the session's protocol cursor is closed, whichever result it paged
    // (named cursors stay open).
    // (and so is every scroll cursor: the next statement of the session ends it).
    const closedResultIds = [...run.pageable].filter(([id, name]) => (name === undefined || run.scrollable.has(id)) && id !== p.resultId).map(([id]) => id);
    for (const id of closedResultIds) run.pageable.delete(id);
    run.pageable.delete(p.resultId);
    const old = run.view.results[index];
    const info = this.target.session.info();
    const built = buildRunView(
      run.runId,
      { title: run.view.title, readOnly: run.view.readOnly, maxRowsInGrid: run.view.maxRowsInGrid, cursorOpen: info.cursorOpen, openCursors: info.openCursors },
      [outcome.statement],
    );
    const fresh = built.view.results[0];
    const source = built.sources[0];
    if (outcome.statement.error || !fresh || !source) {
      const error = outcome.statement.error ? errorView(outcome.statement.error) : { kind: 'query', message: 'The query returned no rows to show.' };
      run.closedReason = `the ${p.spec.where || p.spec.quick.length ? 'filter' : 'sort'} failed: ${error.message}`;
      this.post(SortFilteredNotification, { ...reply, sql: outcome.statement.sql, error, closedResultIds });
      this.postCursorState();
      return;
    }
    const result = { ...fresh, resultId: p.resultId, statementIndex: old.statementIndex, title: old.title };
    run.scrollable.delete(p.resultId);
    if (result.pageable) run.pageable.set(p.resultId, source.cursorName);
    if (result.pageable && result.scrollable) run.scrollable.add(p.resultId);
    run.readThrough.set(p.resultId, result.firstPage.packed.count);
    run.closedReason = undefined;
    run.view.results = run.view.results.map((r, i) =>
      i === index
        ? { ...result, firstPage: { ...result.firstPage, packed: packRows([], result.columns.length) } }
        : closedResultIds.includes(r.resultId)
          ? { ...r, pageable: false, notPageableReason: 'sorting or filtering another result set closed its cursor.' }
          : r,
    );
    if (outcome.params.length) run.parameterized.add(p.resultId);
    else run.parameterized.delete(p.resultId);
    run.sources.set(p.resultId, { ...source, resultId: p.resultId });
    run.editable.delete(p.resultId);
    run.editability.delete(p.resultId);
    this.post(SortFilteredNotification, { ...reply, result, durationMs: outcome.statement.outcome?.durationMs ?? 0, sql: outcome.statement.sql, closedResultIds });
    this.postCursorState();
    void this.checkEditability(this.target, run.runId, [run.sources.get(p.resultId) ?? source]).catch((err: unknown) => this.log?.warn(`editability: ${(err as Error).message}`));
  }

  private onReady(): void {
    const reloaded = this.everReady;
    this.ready = true;
    this.everReady = true;
    const queued = this.queue;
    this.queue = [];
    if (reloaded && this.run) {
      // The webview was rebuilt: it has lost its rows and the host never kept them.
      const view: RunView = {
        ...this.run.view,
        rowsReleased: true,
        results: this.run.view.results.map((r) => ({
          ...r,
          pageable: false,
          notPageableReason: 'the panel was reloaded and rows are kept only in it. Run the statement again.',
        })),
      };
      void this.host.postMessage(ShowRunNotification.message(view));
      for (const [resultId, editability] of this.run.editability) {
        void this.host.postMessage(EditabilityNotification.message({ runId: this.run.runId, resultId, editability }));
      }
      this.postCursorState();
      this.postSortability(this.run);
      return;
    }
    for (const message of queued) void this.host.postMessage(message);
  }

  /** Reads pages from the result's cursor and forwards each (paging.ts); `all` keeps going to the end or the cap. */
  private async fetch(run: CurrentRun, resultId: number, all: boolean, offset?: number, count?: number): Promise<void> {
    if (this.run !== run) return;
    if (!run.pageable.has(resultId)) {
      this.post(PageFailedNotification, { runId: run.runId, resultId, error: { kind: 'noCursor', message: run.closedReason ?? 'This result has no open cursor to page. Run the statement again.' } });
      return;
    }
    run.fetching = true;
    run.stopRequested = false;
    const session: Session = this.target.session;
    const cursorName = run.pageable.get(resultId);
    const source: PageSource = {
      session,
      cursorName,
      scrollable: run.scrollable.has(resultId),
      width: run.sources.get(resultId)?.columns.length ?? 0,
    };
    try {
      const last = await fetchLoop({
        source,
        all,
        offset,
        count,
        cap: run.view.maxRowsInGrid,
        gone: () => this.run !== run || this.disposed,
        stopRequested: () => run.stopRequested,
        post: (read, continuing) => {
          const { offset: at, packed } = read.page;
          if (at <= (run.readThrough.get(resultId) ?? 0)) run.readThrough.set(resultId, Math.max(run.readThrough.get(resultId) ?? 0, at + packed.count));
          return this.postNow(PageNotification, { runId: run.runId, resultId, page: read.page, elapsedMs: read.elapsedMs, continuing });
        },
      });
      if (last?.done && !source.scrollable) run.pageable.delete(resultId);
      // A scroll cursor stays open at its end (any row can be read again), unless the grid now
      // holds every row from the first to the last and never has to drop one: then it is closed,
      // as a forward cursor read to its end is, and its transaction ends.
      const through = run.readThrough.get(resultId) ?? 0;
      if (last?.done && source.scrollable && cursorName !== undefined && through === last.offset + last.packed.count && through <= run.view.maxRowsInGrid) {
        run.pageable.delete(resultId);
        run.scrollable.delete(resultId);
        await session.closeQuery(cursorName).catch((err: unknown) => this.log?.warn(`closeQuery: ${(err as Error).message}`));
      }
    } catch (err) {
      if (this.run === run) {
        this.post(PageFailedNotification, { runId: run.runId, resultId, error: errorView(err as Error) });
        if (!stillOpen(session.info(), cursorName)) {
          run.pageable.delete(resultId);
          run.closedReason = (err as Error).message;
        }
      }
    } finally {
      run.fetching = false;
      if (this.run === run) this.postCursorState();
    }
  }

  /** Counts a scroll cursor's rows (on the server, once) for the grid's Ctrl+End and scrollbar. */
  private async count(run: CurrentRun, resultId: number): Promise<void> {
    const name = run.pageable.get(resultId);
    if (this.run !== run || name === undefined || !run.scrollable.has(resultId)) {
      this.post(RowCountNotification, { runId: run.runId, resultId, error: { kind: 'noCursor', message: 'This result cannot be counted without reading it: it has no open scroll cursor.' } });
      return;
    }
    try {
      const total = await this.target.session.countRows(name);
      if (this.run === run && !this.disposed) this.post(RowCountNotification, { runId: run.runId, resultId, total });
    } catch (err) {
      if (this.run === run) this.post(RowCountNotification, { runId: run.runId, resultId, error: errorView(err as Error) });
    } finally {
      if (this.run === run) this.postCursorState();
    }
  }

  private closeNamedCursors(run: CurrentRun): void {
    for (const name of run.pageable.values()) {
      if (name !== undefined) void this.target.session.closeQuery(name).catch(() => undefined);
    }
    run.pageable.clear();
  }

  private postCursorState(): void {
    const run = this.run;
    if (!run) return;
    const info = this.target.session.info();
    if (!run.fetching) {
      for (const [resultId, name] of [...run.pageable]) {
        if (stillOpen(info, name)) continue;
        run.pageable.delete(resultId);
        run.closedReason ??= 'the cursor was closed (idle too long, or the connection was lost). Run the statement again.';
      }
    }
    const openResultIds = [...run.pageable.keys()];
    this.post(CursorStateNotification, {
      runId: run.runId,
      resultId: openResultIds[0] ?? null,
      openResultIds,
      // The protocol cursor holds a transaction; named cursors outside one (WITH HOLD) do not.
      cursorOpen: [...run.pageable].some(([id, name]) => name === undefined || (run.scrollable.has(id) && info.cursorOpen)),
      inTransaction: info.txStatus !== 'idle',
      ...(run.closedReason ? { reason: run.closedReason } : {}),
      ...(run.transactionEnded ? { transactionEnded: run.transactionEnded } : {}),
      ...(run.connectionLost ? { connectionLost: true } : {}),
    });
  }

  /** Messages' Reconnect: a fresh connection for the session now, and what it means for the user. */
  private async reconnect(run: CurrentRun): Promise<void> {
    let params: { ok: boolean; message: string };
    try {
      const info = await this.target.session.reconnect();
      run.connectionLost = false;
      params = {
        ok: true,
        message: `Reconnected (server process ${info.backendPid ?? 'unknown'}). This is a new session: the lost one's transaction, SET values and temporary tables are gone. Run again to see the rows.`,
      };
    } catch (err) {
      params = { ok: false, message: `Could not reconnect: ${(err as Error).message} Check that the server is up, then try again.` };
    }
    if (this.run !== run || this.disposed) return;
    this.post(ReconnectedNotification, { runId: run.runId, ...params });
    this.postCursorState();
  }

  private async export(run: CurrentRun, params: ExportParams): Promise<void> {
    const source = run.sources.get(params.resultId);
    if (!source) return;
    if (run.parameterized.has(params.resultId)) {
      void vscode.window.showErrorMessage(
        'This result is filtered with quick filters, whose values are parameters, and COPY takes none. Clear the quick filters (or write the condition in the filter bar) to export it.',
      );
      return;
    }
    const extension = params.format === 'csv' ? 'csv' : 'json';
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `${fileStem(run.view.results.find((r) => r.resultId === params.resultId)?.title ?? 'result')}.${extension}`;
    const uri = await vscode.window.showSaveDialog({
      title: `Export the whole result as ${extension.toUpperCase()}`,
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: params.format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
      saveLabel: 'Export',
    });
    if (!uri) return;
    if (uri.scheme !== 'file') {
      void vscode.window.showErrorMessage('Exports are written to local files only.');
      return;
    }
    const exportId = this.nextExportId++;
    const base = { exportId, runId: run.runId, resultId: params.resultId, format: params.format };
    let last = 0;
    const handle = startExport({
      session: this.target.session,
      sql: source.sql,
      format: params.format,
      file: uri.fsPath,
      onProgress: (p) => {
        const now = Date.now();
        if (now - last < 200) return;
        last = now;
        this.post(ExportProgressNotification, { ...base, state: 'running', rows: p.rows, bytes: p.bytes });
      },
    });
    this.exports.set(exportId, handle);
    this.post(ExportProgressNotification, { ...base, state: 'running', rows: 0, bytes: 0 });
    try {
      const result = await handle.done;
      this.post(ExportProgressNotification, { ...base, state: 'done', rows: result.rows, bytes: result.bytes, file: uri.fsPath });
    } catch (err) {
      const cancelled = (err as { kind?: string }).kind === 'cancelled';
      this.post(ExportProgressNotification, {
        ...base,
        state: cancelled ? 'cancelled' : 'failed',
        rows: 0,
        bytes: 0,
        message: (err as Error).message,
      });
    } finally {
      this.exports.delete(exportId);
    }
  }

  private onPanelClosed(): void {
    this.disposed = true;
    this.sessionEvents?.dispose();
    for (const handle of this.exports.values()) handle.cancel();
    // Nobody can page the cursor any more: end the transaction it holds (an owned session is
    // released, which cancels a statement still running, as when Open Data is closed at once).
    if (this.ownsSession) void this.target.session.release().catch(() => undefined);
    else {
      void this.target.session.closeQuery().catch(() => undefined);
      if (this.run) this.closeNamedCursors(this.run);
    }
    for (const d of this.disposables) d.dispose();
    this.closed.fire();
    this.closed.dispose();
  }
}

/** The SQL editor whose run a panel shows (its key is the document's URI), or undefined for Open Data. */
function editorUriOf(target: ResultsTarget): string | undefined {
  return target.key.startsWith('table:') ? undefined : target.key;
}

/** Whether the cursor a result is paged from is still open in the session. */
function stillOpen(info: SessionInfo, cursorName: string | undefined): boolean {
  return cursorName === undefined ? info.cursorOpen : info.openCursors.includes(cursorName);
}

function maxRowsInGrid(): number {
  const value = vscode.workspace.getConfiguration('pgExplorer.results').get<number>('maxRowsInGrid', DEFAULT_MAX_ROWS);
  return Number.isInteger(value) && value > 0 ? Math.min(value, MAX_ROWS_IN_GRID) : DEFAULT_MAX_ROWS;
}

function fileStem(title: string): string {
  return title.replace(/^\d+:\s*/, '').replace(/"/g, '').replace(/[^\w.-]+/g, '_').slice(0, 80) || 'result';
}
