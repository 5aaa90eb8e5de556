/**
 * The results webview: tabs for the result sets of a run plus Messages, the virtual grid with its
 * edit toolbar, and a footer about paging, the open cursor's transaction and exports. Talks to the
 * host only through src/shared/protocol.ts.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
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
} from '../src/shared/protocol';
import type { SortFilteredParams } from '../src/shared/protocol';
import type { AppliedParams, CellValue, ChangeSet, CursorStateParams, ExportFormat, ExportProgressParams, IpcMessage, RunView } from '../src/shared/protocol';
import { formatCount, formatMs, h, hx } from './dom';
import { GridView } from './grid/grid-view';
import type { GridSource } from './grid/grid-view';
import { direct } from './ipc';
import type { Channel, SavedState } from './ipc';
import { formatCopy } from './model/copy-format';
import type { CopyFormat } from './model/copy-format';
import { ResultState } from './model/result-state';
import { shouldFetchMore } from './model/row-store';
import { FIT_ROWS } from './model/column-layout';
import { exportNotes, sessionNote, staleRowsNote, transactionFate } from './model/run-status';
import { renderMessages } from './views/messages';
import type { LostConnection } from './views/messages';
import { markFirstRun } from './boot-marks';
import { bootDock } from './slots';
import type { SlotApp } from './slots';
import { SortFilterView } from './views/sort-filter-view';
import { openViewer } from './views/viewer';

/** Rows before the end of the loaded ones at which the next page is asked for. */
const PREFETCH_MARGIN = 200;
/** Scroll cursors: rows either side of the viewport that should be held. */
const RANGE_MARGIN = 200;
/** Scroll cursors: rows per range read (fewer would mean more round trips while scrolling). */
const RANGE_PAGE = 1_000;
const MAX_RANGE_PAGE = 5_000;

class App implements SlotApp {
  private run: RunView | undefined;
  private results: ResultState[] = [];
  private active = 0;
  private cursor: CursorStateParams | undefined;
  /** Every export's last progress, by id: the footer shows each under its own result only. */
  private readonly exports = new Map<number, ExportProgressParams>();
  private nextRequestId = 1;
  private applying: number | undefined;
  /** The change set in flight: the host's reply refers to its changes by index. */
  private sent: ChangeSet | undefined;
  private state: SavedState;
  /** After a lost connection: what Reconnect said, for Messages. */
  private reconnected: { ok: boolean; message: string } | undefined;
  private reconnecting = false;
  private saveTimer = 0;
  private repaintFrame = 0;
  /** The last loaded row in view at the previous viewport report (to tell a scrollbar jump from a scroll). */
  private lastViewport: number | undefined;

  private readonly tabs = h('div', { class: 'tabs-host' });
  private readonly toolbar = h('div', { class: 'toolbar', role: 'toolbar' });
  private readonly banner = h('div', { class: 'banner', hidden: true, role: 'status' });
  private readonly gridHost = h('div', { class: 'grid-host' });
  private readonly messagesHost = h('div', { class: 'messages-host', hidden: true });
  private readonly footer = h('div', { class: 'footer', role: 'status' });
  private readonly grid: GridView;
  private readonly sortFilter = new SortFilterView({
    current: () => {
      const r = this.current;
      return r ? { resultId: r.view.resultId, columns: r.columns, pendingEdits: !r.pending.isEmpty } : undefined;
    },
    send: (resultId, spec) => {
      if (this.run) this.io.post(SortFilterCommand, { runId: this.run.runId, resultId, spec });
    },
    changed: () => this.grid.refresh(),
  });

  constructor(
    root: HTMLElement,
    private readonly io: Channel,
  ) {
    this.state = io.loadState();
    root.append(this.tabs, this.toolbar, this.sortFilter.element, this.banner, this.gridHost, this.messagesHost, this.footer);
    this.grid = new GridView(this.gridHost, {
      onViewport: (last, first) => this.maybeFetch(last, first),
      onJumpToEnd: () => this.jumpToEnd(),
      onCommitEdit: (row, col, value) => this.setCell(row, col, value),
      onOpenValue: (row, col) => this.openValue(row, col),
      onCopy: () => this.copy('tsv'),
      onDeleteKey: () => this.deleteSelected(),
      onSelectionChange: () => undefined,
      onScrollChange: () => this.saveSoon(),
      onWidthsChange: () => this.saveSoon(),
      onHeaderClick: (col, shift) => this.sortFilter.headerClick(col, shift),
      onCellMenu: (row, col, x, y) => this.openCellMenu(row, col, x, y),
    });
    this.renderAll();
    io.onMessage((m) => this.onMessage(m));
    // Handshake: the host holds its messages until this arrives.
    io.post(ReadyCommand, {});
    markFirstRun(io);
  }

  willHide(): void {
    this.rememberView();
  }

  didShow(): void {
    // Out of the document the grid lost its scroll position and size: draw it again where it was.
    this.showActive();
  }

  // -----------------------------------------------------------------------------------------------
  // Messages from the host

  private onMessage(m: IpcMessage): void {
    if (ShowRunNotification.is(m)) {
      this.showRun(m.params);
    } else if (PageNotification.is(m)) {
      const r = this.result(m.params.runId, m.params.resultId);
      if (!r) return;
      const page = m.params.page;
      r.addPage(page.packed, page.done, page.rowsSoFar, m.params.elapsedMs, m.params.continuing, page.offset);
      // Drawn once per frame however many pages land in it: Fetch all's pages come faster than
      // frames, and each redraw (the footer's buttons are web components) costs the renderer.
      this.repaintSoon();
    } else if (RowCountNotification.is(m)) {
      const r = this.result(m.params.runId, m.params.resultId);
      if (!r) return;
      r.counting = false;
      const after = r.afterCount;
      r.afterCount = undefined;
      if (m.params.total === undefined) {
        r.fetchError = m.params.error?.message ?? 'The rows could not be counted.';
      } else {
        r.setTotal(m.params.total);
        if (r === this.current) {
          this.grid.refresh();
          if (after === 'end') this.grid.goToRow(r.displayCount - 1);
        }
      }
      this.renderFooter();
    } else if (PageFailedNotification.is(m)) {
      const r = this.result(m.params.runId, m.params.resultId);
      if (!r) return;
      r.fetching = false;
      r.fetchingAll = false;
      r.requested = undefined;
      r.fetchError = m.params.error.message;
      this.renderFooter();
    } else if (ReconnectedNotification.is(m)) {
      if (m.params.runId !== this.run?.runId) return;
      this.reconnecting = false;
      this.reconnected = { ok: m.params.ok, message: m.params.message };
      if (!this.current) this.showActive();
    } else if (CursorStateNotification.is(m)) {
      if (m.params.runId !== this.run?.runId) return;
      const wasLost = this.cursor?.connectionLost === true;
      this.cursor = m.params;
      // Lost now: the Messages tab says so in its name, and offers what to do when opened.
      if (wasLost !== (m.params.connectionLost === true)) {
        this.renderTabs();
        if (!this.current) this.showActive();
      }
      const open = m.params.openResultIds;
      for (const r of this.results) {
        if (open ? open.includes(r.view.resultId) : r.view.resultId !== m.params.resultId || m.params.cursorOpen) continue;
        if (r.more && !r.fetching) {
          r.more = false;
          r.notPageableReason = m.params.reason ?? 'The cursor was closed; the rest of the result was not loaded.';
        }
      }
      this.renderFooter();
    } else if (EditabilityNotification.is(m)) {
      const r = this.result(m.params.runId, m.params.resultId);
      if (!r) return;
      r.editability = this.run?.readOnly ? { editable: false, reason: 'The connection profile is read-only.' } : m.params.editability;
      if (r === this.current) {
        this.renderToolbar();
        this.grid.refresh();
      }
    } else if (AppliedNotification.is(m)) {
      this.onApplied(m.params);
    } else if (ExportProgressNotification.is(m)) {
      this.exports.set(m.params.exportId, m.params);
      this.renderFooter();
    } else if (SortabilityNotification.is(m)) {
      if (this.result(m.params.runId, m.params.resultId)) this.sortFilter.sortability(m.params.resultId, m.params.reason);
    } else if (SortFilteredNotification.is(m)) {
      this.onSortFiltered(m.params);
    }
  }

  /** The host re-ran a result sorted / filtered: its rows are replaced, the other results keep theirs. */
  private onSortFiltered(p: SortFilteredParams): void {
    const old = this.result(p.runId, p.resultId);
    const run = this.run;
    if (!old || !run) return;
    const index = this.results.indexOf(old);
    this.sortFilter.answered(p.resultId, p.spec, p.result !== undefined, { sql: p.sql, error: p.error?.message });
    // The re-run closed the session's previous cursor: the result it paged stops here.
    for (const r of this.results) {
      if (r !== old && r.more && p.closedResultIds?.includes(r.view.resultId)) {
        r.more = false;
        r.notPageableReason = 'sorting or filtering another result set closed its cursor.';
      }
    }
    if (p.result) {
      this.results[index] = new ResultState(p.result, run.maxRowsInGrid, p.durationMs ?? 0);
      if (run.readOnly) this.results[index].editability = { editable: false, reason: 'The connection profile is read-only.' };
      // The same columns, sorted or filtered: widths the user set stay, the scroll starts over.
      const widths = index === this.active ? this.grid.columnWidths : this.state.views[p.resultId]?.widths;
      this.state.views[p.resultId] = { scrollTop: 0, scrollLeft: 0, widths: widths ?? [] };
      if (index === this.active) this.showActive();
    } else if (p.sql !== undefined && old.more) {
      // It ran and failed: the session's cursor was closed with it.
      old.more = false;
      old.notPageableReason = `the filter failed: ${p.error?.message ?? ''}`;
      this.renderFooter();
    }
  }

  private showRun(run: RunView): void {
    this.run = run;
    this.banner.hidden = true;
    this.cursor = undefined;
    this.reconnected = undefined;
    this.reconnecting = false;
    this.sortFilter.reset();
    const byStatement = new Map(run.statements.map((s) => [s.index, s]));
    this.results = run.results.map((v) => new ResultState(v, run.maxRowsInGrid, byStatement.get(v.statementIndex)?.durationMs ?? 0));
    if (run.readOnly) for (const r of this.results) r.editability = { editable: false, reason: 'The connection profile is read-only.' };
    const sameRun = this.state.runId === run.runId;
    // A run that failed opens on Messages, where the error is; otherwise on its first result.
    const failed = run.statements.some((s) => s.status === 'error');
    this.active = sameRun ? Math.min(this.state.activeTab, this.results.length) : failed ? this.results.length : 0;
    if (!sameRun) this.state = { runId: run.runId, activeTab: this.active, views: {} };
    this.renderAll();
    if (run.rowsReleased) this.flash('The panel was reloaded. Its rows were kept only in the panel: run the statement again to see them.', 'info');
  }

  private onApplied(p: AppliedParams): void {
    const r = this.result(p.runId, p.resultId);
    if (!r || p.requestId !== this.applying) return;
    this.applying = undefined;
    const set = this.sent;
    this.sent = undefined;
    if (!set) return;
    const report = r.applyOutcome(set, p.outcome);
    this.flash(report.text, report.kind);
    if (report.focus) {
      this.grid.scrollToCell(report.focus.row, report.focus.col);
      this.grid.selection.set(report.focus, false);
    }
    this.renderFooter();
    this.grid.refresh();
    this.renderToolbar();
  }

  // -----------------------------------------------------------------------------------------------
  // Paging

  private result(runId: string, resultId: number): ResultState | undefined {
    if (runId !== this.run?.runId) return undefined;
    return this.results.find((r) => r.view.resultId === resultId);
  }

  private get current(): ResultState | undefined {
    return this.results[this.active];
  }

  private maybeFetch(lastVisible: number, firstVisible = lastVisible): void {
    const r = this.current;
    const run = this.run;
    if (!r || !run) return;
    if (r.scrollable) {
      this.maybeFetchRange(r, firstVisible, lastVisible);
      return;
    }
    const loadedLast = lastVisible - r.pending.newRows.length;
    const want = shouldFetchMore(
      { loaded: r.store.length, lastVisible: loadedLast, exhausted: !r.more, inFlight: r.fetching, capReached: r.store.capReached, failed: r.fetchError !== undefined },
      PREFETCH_MARGIN,
    );
    if (want) this.fetch(r, false);
  }

  /**
   * A scroll cursor's result: ask for the rows the viewport (and a margin either side) lacks, one
   * range at a time; near the end of what is known while the total is not, the next rows. A jump
   * to the bottom of the scrollbar from far above counts the rows first (the server reads them
   * all once), so the scrollbar then spans the whole result.
   */
  private maybeFetchRange(r: ResultState, firstVisible: number, lastVisible: number): void {
    const fresh = r.pending.newRows.length;
    const first = Math.max(0, firstVisible - fresh);
    const last = Math.max(0, lastVisible - fresh);
    const previous = this.lastViewport;
    this.lastViewport = last;
    const atBottom = lastVisible >= r.displayCount - 1;
    if (r.store.total === null && atBottom && previous !== undefined && previous < last - 3 * this.grid.pageRows && !r.counting) {
      this.countRows(r, 'end');
      return;
    }
    if (r.requested || r.fetching || r.fetchError !== undefined || !this.run) return;
    const missing = r.store.firstMissing(Math.max(0, first - RANGE_MARGIN), last + RANGE_MARGIN + 1);
    let want = missing && { offset: missing.offset, count: Math.min(Math.max(missing.count, RANGE_PAGE), MAX_RANGE_PAGE) };
    if (!want && r.store.total === null && r.more && last + PREFETCH_MARGIN >= r.store.length) {
      // Reading on from the end, as a forward cursor does: a small page first, then bigger ones.
      want = { offset: r.store.extent, count: r.store.extent <= RANGE_PAGE ? RANGE_PAGE : MAX_RANGE_PAGE };
    }
    if (!want) return;
    if (r.store.total !== null) want.count = Math.max(1, Math.min(want.count, r.store.total - want.offset));
    r.requested = want;
    this.io.post(FetchPageCommand, { runId: this.run.runId, resultId: r.view.resultId, all: false, offset: want.offset, count: want.count });
  }

  /** Ctrl+End on a scroll cursor's result whose size is not known yet: count, then go to the last row. */
  private jumpToEnd(): boolean {
    const r = this.current;
    if (!r?.scrollable || r.store.total !== null) return false;
    this.countRows(r, 'end');
    return true;
  }

  private countRows(r: ResultState, after: 'end' | undefined): void {
    if (!this.run || r.counting) return;
    r.counting = true;
    r.afterCount = after;
    this.io.post(CountRowsCommand, { runId: this.run.runId, resultId: r.view.resultId });
    this.renderFooter();
  }

  private fetch(r: ResultState, all: boolean): void {
    if (!this.run || r.fetching) return;
    r.fetching = true;
    r.fetchingAll = all;
    r.fetchError = undefined;
    // A scroll cursor's Fetch all reads on from the end of what is known.
    // (past a range still on its way: the host answers requests in order).
    const from = r.scrollable ? { offset: Math.max(r.store.extent, r.requested ? r.requested.offset + r.requested.count : 0) } : {};
    this.io.post(FetchPageCommand, { runId: this.run.runId, resultId: r.view.resultId, all, ...from });
    this.renderFooter();
  }

  // -----------------------------------------------------------------------------------------------
  // Editing

  private setCell(displayRow: number, col: number, value: CellValue): void {
    const r = this.current;
    if (!r) return;
    r.setCell(displayRow, col, value);
    this.clearBanner();
    this.grid.refresh();
    this.renderToolbar();
  }

  private gridSource(r: ResultState): GridSource {
    return {
      columns: r.columns,
      rowCount: () => r.displayCount,
      cell: (row, col) => {
        const c = r.cell(row, col);
        return { value: c.value, edited: c.edited, isDefault: c.isDefault, refused: r.refusedAt(row, col) };
      },
      sampleRows: () => {
        const rows: (readonly CellValue[])[] = [];
        for (let i = 0; i < Math.min(r.store.length, FIT_ROWS); i++) {
          const row = r.store.row(i);
          if (row) rows.push(row);
        }
        return rows;
      },
      rowLabel: (row) => {
        const at = r.locate(row);
        return at.kind === 'new' ? `+${at.index + 1}` : String(at.index + 1);
      },
      rowState: (row) => {
        const at = r.locate(row);
        if (at.kind === 'new') return r.refusedAt(row) ? 'new row-refused' : 'new';
        if (!r.store.has(at.index)) return 'loading';
        const s = r.pending.rowState(at.index);
        if (s === 'clean' && r.refusedAt(row)) return 'refused';
        return s === 'clean' ? '' : s;
      },
      canEdit: (row, col) => {
        if (!r.canEdit || this.applying !== undefined || !r.columnWritable(col)) return false;
        const at = r.locate(row);
        return at.kind === 'new' || r.pending.rowState(at.index) !== 'deleted';
      },
      headerSort: (col) => this.sortFilter.headerSort(col),
    };
  }

  private addRow(): void {
    const r = this.current;
    if (!r?.canEdit) return;
    r.pending.addRow();
    this.clearBanner();
    this.grid.refresh();
    const first = r.editability.editable ? r.editability.columns.findIndex((c) => c.writable) : 0;
    this.grid.scrollToCell(r.pending.newRows.length - 1, Math.max(0, first));
    this.grid.selection.set({ row: r.pending.newRows.length - 1, col: Math.max(0, first) }, false);
    this.grid.refresh();
    this.grid.focus();
    this.renderToolbar();
  }

  private deleteSelected(): void {
    const r = this.current;
    if (!r?.canEdit || this.applying !== undefined) return;
    const rows = this.grid.selection.rows();
    const loaded: number[] = [];
    const fresh: number[] = [];
    for (const d of rows) {
      const at = r.locate(d);
      if (at.kind === 'new') fresh.push(at.tempId);
      else loaded.push(at.index);
    }
    r.pending.removeNewRows(fresh);
    // A row marked for deletion is deleted only if it still holds what was shown: keep its values.
    for (const i of loaded) r.store.pin(i);
    if (loaded.length) r.pending.toggleDelete(loaded);
    this.grid.refresh();
    this.renderToolbar();
  }

  private setNullSelected(): void {
    const r = this.current;
    if (!r?.canEdit) return;
    const rect = this.grid.selection.rect;
    for (let row = rect.top; row <= rect.bottom; row++) {
      for (let col = rect.left; col <= rect.right; col++) {
        if (this.gridSource(r).canEdit(row, col)) r.setCell(row, col, null);
      }
    }
    this.grid.refresh();
    this.renderToolbar();
  }

  private commit(): void {
    const r = this.current;
    const run = this.run;
    if (!r || !run || !r.editability.editable || r.pending.isEmpty || this.applying !== undefined) return;
    const changes = r.pending.toChangeSet(r.editability.keyColumns, (i) => r.store.row(i));
    this.applying = this.nextRequestId++;
    this.sent = changes;
    this.io.post(ApplyChangesCommand, { runId: run.runId, resultId: r.view.resultId, requestId: this.applying, changes });
    this.flash('Committing…', 'info');
    this.renderToolbar();
  }

  private discard(): void {
    const r = this.current;
    if (!r) return;
    r.discard();
    this.banner.hidden = true;
    this.grid.refresh();
    this.renderToolbar();
  }

  private resolveConflict(rowIndex: number, keep: boolean): void {
    const r = this.current;
    if (!r) return;
    if (keep) {
      const current = r.pending.keepMine(rowIndex);
      if (current) r.store.replace(rowIndex, current);
    } else {
      const current = r.pending.takeServers(rowIndex);
      if (current) r.store.replace(rowIndex, current);
      else if (current === null) r.store.remove([rowIndex]);
    }
    this.banner.hidden = true;
    this.grid.refresh();
    this.renderToolbar();
  }

  /** Right-click on a cell: what can be done with it, then its quick filters. */
  private openCellMenu(row: number, col: number, x: number, y: number): void {
    const r = this.current;
    if (!r) return;
    const value = r.cell(row, col).value;
    const column = r.columns[col];
    const canSetNull = this.gridSource(r).canEdit(row, col);
    this.sortFilter.openMenu(col, value, x, y, [
      { label: 'Copy value', keys: '', action: 'cell-copy-value', run: () => this.io.post(CopyTextCommand, { text: value ?? '', what: `the value of ${column.name}` }) },
      { label: 'Copy row', keys: '', action: 'cell-copy-row', run: () => this.copyRow(row) },
      { label: 'View value', keys: 'Shift+Enter', action: 'cell-view-value', run: () => this.openValue(row, col) },
      ...(canSetNull ? [{ label: 'Set NULL', keys: '', action: 'cell-set-null', run: () => this.setCell(row, col, null) }] : []),
    ]);
  }

  /** The whole row as TSV with its header line (what the grid shows, pending values included). */
  private copyRow(displayRow: number): void {
    const r = this.current;
    if (!r) return;
    const text = formatCopy('tsv', { columns: r.columns, rows: r.valuesOf([displayRow], 0, r.columns.length - 1), header: true });
    this.io.post(CopyTextCommand, { text, what: '1 row as TSV' });
  }

  private openValue(displayRow: number, col: number): void {
    const r = this.current;
    if (!r) return;
    const source = this.gridSource(r);
    openViewer({
      column: r.columns[col],
      value: r.cell(displayRow, col).value,
      editable: source.canEdit(displayRow, col),
      onApply: (value) => this.setCell(displayRow, col, value),
      onCopy: (text) => this.io.post(CopyTextCommand, { text, what: 'value' }),
    });
  }

  // -----------------------------------------------------------------------------------------------
  // Copy and export

  private copy(format: CopyFormat): void {
    const r = this.current;
    if (!r || r.displayCount === 0) return;
    const rect = this.grid.selection.rect;
    const rows = this.grid.selection.rows();
    const columns = r.columns.slice(rect.left, rect.right + 1);
    const table = this.tableOf(r);
    const text = formatCopy(format, {
      columns,
      rows: r.valuesOf(rows, rect.left, rect.right),
      header: rows.length > 1 || columns.length > 1,
      ...(table ? { table } : {}),
    });
    this.io.post(CopyTextCommand, { text, what: `${rows.length} ${rows.length === 1 ? 'row' : 'rows'} as ${format.toUpperCase()}` });
  }

  private tableOf(r: ResultState): { schema: string; name: string } | undefined {
    if (!r.editability.editable) return undefined;
    const m = /^"((?:[^"]|"")*)"\."((?:[^"]|"")*)"$/.exec(r.editability.table);
    return m ? { schema: m[1].replace(/""/g, '"'), name: m[2].replace(/""/g, '"') } : undefined;
  }

  private exportAs(format: ExportFormat): void {
    const r = this.current;
    if (!r || !this.run) return;
    this.io.post(ExportCommand, { runId: this.run.runId, resultId: r.view.resultId, format });
  }

  // -----------------------------------------------------------------------------------------------
  // Rendering

  private renderAll(): void {
    this.renderTabs();
    this.showActive();
  }

  private renderTabs(): void {
    this.tabs.replaceChildren();
    if (!this.run) {
      this.tabs.append(h('p', { class: 'muted empty' }, 'Run a statement to see its results here.'));
      return;
    }
    const tabs = hx('vscode-tabs', { 'selected-index': String(this.active) });
    for (const r of this.results) tabs.append(hx('vscode-tab-header', { slot: 'header' }, r.view.title));
    const errors = this.run.statements.filter((s) => s.status === 'error').length;
    const lost = this.cursor?.connectionLost ? ', connection lost' : '';
    tabs.append(hx('vscode-tab-header', { slot: 'header' }, errors ? `Messages (${errors} error${errors > 1 ? 's' : ''}${lost})` : lost ? 'Messages (connection lost)' : 'Messages'));
    tabs.addEventListener('vsc-tabs-select', (e) => {
      const index = (e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
      if (index === this.active) return;
      this.rememberView();
      this.active = index;
      this.state.activeTab = index;
      this.saveSoon();
      this.showActive();
    });
    this.tabs.append(tabs);
  }

  private showActive(): void {
    const r = this.current;
    const showingMessages = !r;
    this.gridHost.hidden = showingMessages;
    this.messagesHost.hidden = !showingMessages;
    if (showingMessages) {
      this.grid.setSource(undefined);
      this.messagesHost.replaceChildren(renderMessages(this.run?.statements ?? [], this.lostConnection()));
    } else {
      this.grid.setSource(this.gridSource(r), this.state.views[r.view.resultId]);
    }
    this.renderToolbar();
    this.sortFilter.render();
    this.renderFooter();
  }

  /** Messages' actions while the session's connection is lost (and after Reconnect, until the next run). */
  private lostConnection(): LostConnection | undefined {
    const run = this.run;
    if (!run || (!this.cursor?.connectionLost && !this.reconnected)) return undefined;
    return {
      reconnecting: this.reconnecting,
      ...(this.reconnected ? { status: this.reconnected } : {}),
      onReconnect: () => {
        this.reconnecting = true;
        this.reconnected = undefined;
        this.io.post(ReconnectCommand, { runId: run.runId });
        this.showActive();
      },
      onRunAgain: () => this.io.post(RunAgainCommand, { runId: run.runId }),
    };
  }

  private renderToolbar(): void {
    this.toolbar.replaceChildren();
    const r = this.current;
    if (!r) return;
    const button = (label: string, action: string, onClick: () => void, opts: { secondary?: boolean; disabled?: boolean; title?: string } = {}): HTMLElement => {
      const b = hx('vscode-button', { secondary: opts.secondary ?? true, disabled: opts.disabled, 'data-action': action, title: opts.title }, label);
      b.addEventListener('click', () => {
        if (!(b as HTMLElement & { disabled?: boolean }).disabled) onClick();
      });
      return b;
    };
    const left = h('div', { class: 'toolbar-group' });
    if (r.editability.editable) {
      const s = r.pending.summary;
      const busy = this.applying !== undefined;
      const pendingText = r.pending.isEmpty
        ? `Editing ${r.editability.table.replace(/"([a-z_][a-z0-9_$]*)"/g, '$1')}`
        : `${[s.edited && `${s.edited} edited`, s.inserted && `${s.inserted} new`, s.deleted && `${s.deleted} deleted`].filter(Boolean).join(', ')} (pending)`;
      left.append(
        h('span', { class: `edit-status${r.pending.isEmpty ? '' : ' pending'}` }, pendingText),
        button('Add row', 'add-row', () => this.addRow(), { disabled: busy }),
        button('Delete rows', 'delete-rows', () => this.deleteSelected(), { disabled: busy, title: 'Mark the selected rows for deletion (Ctrl+Delete)' }),
        button('Set NULL', 'set-null', () => this.setNullSelected(), { disabled: busy }),
        button('Commit', 'commit', () => this.commit(), { secondary: false, disabled: busy || r.pending.isEmpty || s.conflicts > 0 }),
        button('Discard', 'discard', () => this.discard(), { disabled: busy || r.pending.isEmpty }),
      );
    } else {
      left.append(h('span', { class: 'read-only', title: r.editability.reason }, `Read-only: ${r.editability.reason}`));
    }
    const right = h('div', { class: 'toolbar-group' });
    right.append(h('span', { class: 'muted' }, 'Copy as'));
    for (const f of ['tsv', 'csv', 'markdown', 'insert'] as const) {
      right.append(button(f === 'markdown' ? 'Markdown' : f.toUpperCase(), `copy-${f}`, () => this.copy(f)));
    }
    right.append(
      button('Export CSV…', 'export-csv', () => this.exportAs('csv')),
      button('Export JSON…', 'export-json', () => this.exportAs('json')),
    );
    // The result's statement in the plan view, on the editor's own session (an editor's run only).
    if (this.run?.canExplain) {
      const run = this.run;
      right.append(button('Explain', 'explain', () => this.io.post(ExplainCommand, { runId: run.runId, resultId: r.view.resultId }), { title: "Show the statement's plan (EXPLAIN, without running it)" }));
    }
    this.toolbar.append(left, right);
    this.renderConflicts(r);
  }

  private renderConflicts(r: ResultState): void {
    const s = r.pending.summary;
    if (s.conflicts === 0) return;
    const list = h('div', { class: 'conflicts' });
    for (let i = 0; i < r.store.length; i++) {
      const c = r.pending.conflictOf(i);
      if (!c) continue;
      const keep = hx('vscode-button', { 'data-action': 'keep-mine' }, 'Keep mine');
      keep.addEventListener('click', () => this.resolveConflict(i, true));
      const take = hx('vscode-button', { secondary: true, 'data-action': 'take-server' }, "Take server's");
      take.addEventListener('click', () => this.resolveConflict(i, false));
      const now = c.current ? r.columns.map((col, j) => `${col.name}=${c.current?.[j] ?? 'NULL'}`).join(', ') : 'the row was deleted';
      list.append(
        h('div', { class: 'conflict', 'data-row': String(i) }, h('b', {}, `Row ${i + 1}: `), c.message, h('div', { class: 'muted server-now' }, `On the server now: ${now}`), keep, take),
      );
      if (list.childElementCount >= 20) break;
    }
    this.toolbar.append(list);
  }

  private renderFooter(): void {
    this.footer.replaceChildren();
    const r = this.current;
    const run = this.run;
    const parts: (HTMLElement | string)[] = [];
    if (r && run) {
      const loaded = r.scrollable ? r.store.heldRows : r.store.length;
      parts.push(h('span', { 'data-testid': 'rows-loaded' }, `${formatCount(loaded)} ${loaded === 1 ? 'row' : 'rows'} loaded`));
      const total = r.store.total;
      if (r.scrollable && total !== null && loaded < total) {
        parts.push(
          h(
            'span',
            { 'data-testid': 'rows-total', title: 'The grid holds a window of the result and reads the rows where you look (a scroll cursor on the server).' },
            `of ${formatCount(total)}`,
          ),
        );
      } else if (r.counting) {
        parts.push(h('span', {}, 'counting rows…'));
      } else if (r.store.capReached && (r.more || r.rowsSoFar > loaded)) {
        const why = r.scrollable
          ? 'the grid holds this many rows at once and reads the others where you scroll.'
          : 'the grid holds no more rows.';
        parts.push(h('span', { class: 'warn' }, `Row cap (${formatCount(run.maxRowsInGrid)}) reached: ${why} Export the whole result:`));
        for (const f of ['csv', 'json'] as const) {
          const b = hx('vscode-button', { secondary: true, 'data-action': `export-${f}` }, `Export ${f.toUpperCase()}…`);
          b.addEventListener('click', () => this.exportAs(f));
          parts.push(b);
        }
      } else if (r.more) {
        parts.push(h('span', {}, r.fetching ? (r.fetchingAll ? 'fetching all…' : 'loading more…') : 'more available'));
        if (!r.scrollable) {
          parts.push(
            h(
              'span',
              { class: 'muted', title: 'Only a single plain SELECT, VALUES or TABLE is read through a scroll cursor; this result reads forward.' },
              'Ctrl+End goes to the last loaded row',
            ),
          );
        }
      } else if (r.notPageableReason) {
        parts.push(h('span', { class: 'warn', title: r.notPageableReason }, `more exist: ${r.notPageableReason}`));
      } else {
        parts.push(h('span', {}, 'all rows'));
      }
      parts.push(h('span', { class: 'muted' }, `${formatMs(r.statementMs)}${r.fetchMs > 0 ? ` + ${formatMs(r.fetchMs)} paging` : ''}`));
      if (r.fetchError) parts.push(h('span', { class: 'error' }, r.fetchError));
      if (r.more && !r.store.capReached) {
        if (r.fetching) {
          // Stop after the page in flight; Cancel interrupts the page itself (a slow query's next rows).
          if (r.fetchingAll) {
            const stop = hx('vscode-button', { secondary: true, 'data-action': 'stop-fetch' }, 'Stop');
            stop.addEventListener('click', () => this.io.post(StopFetchCommand, { runId: run.runId }));
            parts.push(stop);
          }
          const cancel = hx('vscode-button', { secondary: true, 'data-action': 'cancel' }, 'Cancel');
          cancel.addEventListener('click', () => this.io.post(CancelCommand, { runId: run.runId }));
          parts.push(cancel);
        } else {
          const all = hx('vscode-button', { secondary: true, 'data-action': 'fetch-all', disabled: r.fetching }, 'Fetch all');
          all.addEventListener('click', () => this.fetch(r, true));
          parts.push(all);
        }
      }
    }
    if (r && run) {
      // Rows the session's own news has made stale (a rollback since they were read), and the
      // cell the server refused in the last commit: from the run and the session, never kept.
      const stale = staleRowsNote(transactionFate(r.view.readInTransaction, this.cursor));
      this.gridHost.classList.toggle('stale', stale !== undefined);
      if (stale) parts.push(h('span', { class: 'warn', 'data-testid': 'stale-rows' }, stale));
      if (r.refused) {
        const at = r.displayRowOf(r.refused.row);
        const where = `${r.rowLabel(r.refused.row)}${r.refused.col !== undefined ? `, column ${r.columns[r.refused.col]?.name ?? ''}` : ''}`;
        const show = hx('vscode-button', { secondary: true, 'data-action': 'show-refused' }, 'Show');
        show.addEventListener('click', () => {
          if (at === undefined) return;
          this.grid.scrollToCell(at, r.refused?.col ?? 0);
          this.grid.selection.set({ row: at, col: r.refused?.col ?? 0 }, false);
          this.grid.refresh();
          this.grid.focus();
        });
        parts.push(h('span', { class: 'error', 'data-testid': 'refused-cell' }, `Commit refused at ${where}: ${r.refused.message}`), show);
      }
    }
    const note = run ? sessionNote(this.cursor, this.current?.view.resultId) : undefined;
    if (run && note) {
      const close = hx('vscode-button', { secondary: true, 'data-action': 'close-cursor', disabled: !note.closable }, 'Close cursor');
      close.addEventListener('click', () => this.io.post(CloseCursorCommand, note.resultId !== undefined ? { runId: run.runId, resultId: note.resultId } : { runId: run.runId }));
      parts.push(h('span', { class: 'tx' }, note.text), close);
    }
    for (const x of exportNotes(this.exports.values(), run?.runId, r?.view.resultId)) {
      parts.push(h('span', { class: `export ${x.state}`, 'data-testid': 'export-note' }, x.text));
      if (x.running) {
        const cancel = hx('vscode-button', { secondary: true, 'data-action': 'cancel-export' }, 'Cancel export');
        cancel.addEventListener('click', () => this.io.post(CancelExportCommand, { exportId: x.exportId }));
        parts.push(cancel);
      }
      // A finished export is said once, under its result; the next run does not inherit it.
    }
    this.footer.append(...parts.map((p) => (typeof p === 'string' ? h('span', {}, p) : p)));
  }

  private repaintSoon(): void {
    if (this.repaintFrame) return;
    this.repaintFrame = requestAnimationFrame(() => {
      this.repaintFrame = 0;
      this.grid.refresh();
      this.renderFooter();
    });
  }

  /** A commit's outcome stays until the next change, so it never describes newer edits. */
  private clearBanner(): void {
    const r = this.current;
    if (r && r.pending.summary.conflicts > 0) return;
    this.banner.hidden = true;
  }

  private flash(text: string, kind: 'ok' | 'warn' | 'error' | 'info'): void {
    this.banner.hidden = false;
    this.banner.className = `banner ${kind}`;
    this.banner.textContent = text;
  }

  // -----------------------------------------------------------------------------------------------
  // Saved view state (scroll position, tab, widths)

  private rememberView(): void {
    const r = this.current;
    if (!r) return;
    this.state.views[r.view.resultId] = {
      scrollTop: this.grid.scroller.scrollTop,
      scrollLeft: this.grid.scroller.scrollLeft,
      widths: this.grid.columnWidths,
    };
  }

  private saveSoon(): void {
    if (this.saveTimer) return;
    this.saveTimer = window.setTimeout(() => {
      this.saveTimer = 0;
      this.rememberView();
      this.io.saveState(this.state);
    }, 300);
  }
}

const container = document.getElementById('app') ?? document.body;
// The docked results view holds one grid per SQL editor; a panel of its own holds one.
if (document.body.dataset.mode === 'dock') bootDock(container, (root, io) => new App(root, io));
else new App(container, direct);
