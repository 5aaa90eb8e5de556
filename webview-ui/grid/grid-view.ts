/**
 * The virtual grid: only the rows and columns in view (plus a little overscan) are in the DOM,
 * whatever the number of loaded rows or columns. Two @tanstack/virtual-core virtualizers over one
 * scroll element, one per direction. The header and the row numbers stay put (CSS sticky).
 *
 * The grid knows nothing of paging or editing rules: it asks its GridSource for what to draw and
 * reports what the user does (near the end, edit a cell, open a value, copy).
 */
import { Virtualizer, elementScroll, observeElementOffset, observeElementRect } from '@tanstack/virtual-core';
import type { CellValue, ColumnView } from '../../src/shared/results-model';
import { h } from '../dom';
import { fitColumnWidths, isNumericColumn } from '../model/column-layout';
import type { TextMeasure } from '../model/column-layout';
import { Selection, tabTarget } from '../model/selection';
import { cellText } from '../model/value-view';

export const ROW_HEIGHT = 22;
const HEADER_HEIGHT = 40;
const ROWNUM_MIN_WIDTH = 48;
const MIN_COL_WIDTH = 40;
/**
 * Tallest the scrolled canvas gets. Browsers stop scrolling a little past 33,000,000 px (1,500,000
 * rows of 22 px); past this height the scrollbar maps its range onto the rows instead of a pixel
 * per pixel, so 10,000,000 rows fit the same bar.
 */
const MAX_CANVAS_HEIGHT = 10_000_000;
const ROW_OVERSCAN = 10;

export interface GridCell {
  value: CellValue;
  /** A pending (uncommitted) change. */
  edited: boolean;
  /** A new row's cell nobody typed in: the column's DEFAULT will be used, not NULL. */
  isDefault?: boolean;
  /** The server refused this cell's value in the last commit. */
  refused?: boolean;
}

export interface GridSource {
  readonly columns: ColumnView[];
  rowCount(): number;
  cell(row: number, col: number): GridCell;
  /** Text of the row number cell ("12", "+1" for a new row). */
  rowLabel(row: number): string;
  /** '' | 'new' | 'edited' | 'deleted' | 'conflict' */
  rowState(row: number): string;
  canEdit(row: number, col: number): boolean;
  /** The first rows, to fit each column's width to its content when the result is first shown. */
  sampleRows?(): readonly (readonly CellValue[])[];
  /** Sort on the server: a column's mark (▲, ▼2), whether a click sorts it, and what its tooltip adds. */
  headerSort?(col: number): { mark: string; sortable: boolean; note?: string };
}

export interface GridEvents {
  /** The rows in view changed (to fetch the rows they need in time). */
  onViewport(lastVisibleRow: number, firstVisibleRow: number): void;
  /** Ctrl+End: true when the owner goes to the end itself (it first has to learn where the end is). */
  onJumpToEnd?(): boolean;
  onCommitEdit(row: number, col: number, value: CellValue): void;
  onOpenValue(row: number, col: number): void;
  onCopy(): void;
  onDeleteKey(): void;
  onSelectionChange(): void;
  onScrollChange(): void;
  onWidthsChange(): void;
  /** A header click (not on the resize handle): true when it was taken (a sort), false to select the column. */
  onHeaderClick?(col: number, shift: boolean): boolean;
  /** Right-click on a cell (its quick filters). */
  onCellMenu?(row: number, col: number, x: number, y: number): void;
}

export class GridView {
  readonly selection = new Selection();
  readonly scroller: HTMLDivElement;
  private readonly canvas: HTMLDivElement;
  private readonly header: HTMLDivElement;
  private readonly body: HTMLDivElement;
  private source: GridSource | undefined;
  private widths: number[] = [];
  /** Right-aligned columns (numbers, by the column's type). */
  private numeric: boolean[] = [];
  private measureContext: CanvasRenderingContext2D | null | undefined;
  private rowNumWidth = ROWNUM_MIN_WIDTH;
  private rowCount = 0;
  private readonly cols: Virtualizer<HTMLDivElement, HTMLDivElement>;
  private frame = 0;
  private editor: { row: number; col: number; input: HTMLInputElement; box: HTMLElement } | undefined;
  private dragging = false;
  /** Set while render() rebuilds the rows (the cell editor's blur then means nothing). */
  private redrawing = false;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    host: HTMLElement,
    private readonly events: GridEvents,
  ) {
    this.header = h('div', { class: 'grid-header', role: 'row' });
    this.body = h('div', { class: 'grid-body' });
    this.canvas = h('div', { class: 'grid-canvas' }, this.header, this.body);
    this.scroller = h('div', { class: 'grid', tabindex: '0', role: 'grid', 'aria-multiselectable': 'true' }, this.canvas);
    host.append(this.scroller);

    const common = {
      getScrollElement: () => this.scroller,
      scrollToFn: elementScroll,
      observeElementRect,
      observeElementOffset,
      onChange: () => this.schedule(),
    };
    this.cols = new Virtualizer<HTMLDivElement, HTMLDivElement>({
      ...common,
      count: 0,
      horizontal: true,
      estimateSize: (i) => this.widths[i] ?? 120,
      paddingStart: this.rowNumWidth,
      scrollPaddingStart: this.rowNumWidth,
      overscan: 3,
    });
    this.cleanups.push(this.cols._didMount());
    // Rows are windowed here (not by a virtualizer): the scroll position maps to the first row in
    // view, pixel for pixel up to MAX_CANVAS_HEIGHT and scaled beyond it.
    this.scroller.addEventListener(
      'scroll',
      () => {
        this.schedule();
        this.events.onScrollChange();
      },
      { passive: true },
    );
    this.scroller.addEventListener('keydown', (e) => this.onKey(e));
    this.scroller.addEventListener('mousedown', (e) => this.onMouseDown(e));
    this.scroller.addEventListener('mouseover', (e) => this.onMouseOver(e));
    this.scroller.addEventListener('contextmenu', (e) => this.onContextMenu(e));
    const up = (): void => {
      this.dragging = false;
    };
    window.addEventListener('mouseup', up);
    this.cleanups.push(() => window.removeEventListener('mouseup', up));
  }

  setSource(source: GridSource | undefined, view?: { scrollTop: number; scrollLeft: number; widths: number[] }): void {
    this.closeEditor(false);
    this.source = source;
    const columns = source?.columns ?? [];
    this.numeric = columns.map((c) => isNumericColumn(c));
    // Widths the user set (saved with the view) stay; the others fit the header and the first page.
    const fitted = source && !(view && view.widths.length === columns.length) ? fitColumnWidths(columns, source.sampleRows?.() ?? [], this.textMeasure()) : [];
    this.widths = columns.map((_, i) => view?.widths[i] ?? fitted[i] ?? 120);
    this.selection.set({ row: 0, col: 0 }, false);
    this.updateCounts();
    this.cols.measure();
    this.renderHeader();
    this.render();
    if (view) {
      this.scroller.scrollTop = view.scrollTop;
      this.scroller.scrollLeft = view.scrollLeft;
    } else {
      this.scroller.scrollTop = 0;
      this.scroller.scrollLeft = 0;
    }
  }

  get columnWidths(): number[] {
    return [...this.widths];
  }

  /** Rows were added, removed or changed: recount and redraw. */
  refresh(): void {
    this.updateCounts();
    this.render();
  }

  /** Rows that fit on the screen (Page Up/Down). */
  get pageRows(): number {
    return Math.max(1, Math.floor((this.scroller.clientHeight - HEADER_HEIGHT) / ROW_HEIGHT) - 1);
  }

  /** How many row elements are in the DOM (tests check it stays bounded). */
  get renderedRowCount(): number {
    return this.body.childElementCount;
  }

  focus(): void {
    this.scroller.focus({ preventScroll: true });
  }

  scrollToCell(row: number, col: number): void {
    this.scrollToRow(row);
    this.cols.scrollToIndex(col, { align: 'auto' });
  }

  /** Moves the focus (and the view) to `row`, e.g. once the owner of the rows learnt where the end is. */
  goToRow(row: number): void {
    if (!this.source) return;
    const target = Math.max(0, Math.min(row, this.source.rowCount() - 1));
    this.selection.set({ row: target, col: this.selection.focus.col }, false);
    this.scrollToCell(target, this.selection.focus.col);
    this.after();
  }

  /** The rows area's height in px (the scroller without the sticky header). */
  private get viewHeight(): number {
    return Math.max(0, this.scroller.clientHeight - HEADER_HEIGHT);
  }

  /** Height of the rows in the canvas: true to the pixel up to MAX_CANVAS_HEIGHT, then capped (scaled). */
  private get rowsHeight(): number {
    return Math.min(this.rowCount * ROW_HEIGHT, MAX_CANVAS_HEIGHT);
  }

  private get scaled(): boolean {
    return this.rowCount * ROW_HEIGHT > MAX_CANVAS_HEIGHT;
  }

  /** The first row in view for a scroll position. */
  private firstRowAt(scrollTop: number): number {
    if (!this.scaled) return Math.floor(scrollTop / ROW_HEIGHT);
    const range = this.rowsHeight - this.viewHeight;
    const rows = this.rowCount - Math.floor(this.viewHeight / ROW_HEIGHT);
    return range <= 0 ? 0 : Math.max(0, Math.min(this.rowCount - 1, Math.round((scrollTop / range) * rows)));
  }

  /** The scroll position that puts `row` first in view (scaled mode). */
  private scrollTopFor(first: number): number {
    const range = this.rowsHeight - this.viewHeight;
    const rows = this.rowCount - Math.floor(this.viewHeight / ROW_HEIGHT);
    return rows <= 0 ? 0 : (first / rows) * range;
  }

  /** Scrolls as little as needed to show `row` whole. */
  private scrollToRow(row: number): void {
    const inView = Math.max(1, Math.floor(this.viewHeight / ROW_HEIGHT));
    if (!this.scaled) {
      const top = row * ROW_HEIGHT;
      const bottom = top + ROW_HEIGHT;
      if (top < this.scroller.scrollTop) this.scroller.scrollTop = top;
      else if (bottom > this.scroller.scrollTop + this.viewHeight) this.scroller.scrollTop = bottom - this.viewHeight;
      return;
    }
    const first = this.firstRowAt(this.scroller.scrollTop);
    if (row < first) this.scroller.scrollTop = this.scrollTopFor(row);
    else if (row >= first + inView) this.scroller.scrollTop = this.scrollTopFor(row - inView + 1);
    // At the very end the scaled position rounds: the bottom of the bar is the last rows.
    if (row >= this.rowCount - inView) this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  startEdit(row: number, col: number, initial?: string): void {
    if (!this.source?.canEdit(row, col)) return;
    this.closeEditor(false);
    this.scrollToCell(row, col);
    const current = this.source.cell(row, col).value;
    const input = h('input', { class: 'cell-editor', type: 'text', spellcheck: 'false', 'aria-label': `Edit ${this.source.columns[col].name}` });
    input.value = initial ?? current ?? '';
    const isDefault = this.source.cell(row, col).isDefault === true;
    if (current === null && initial === undefined) input.placeholder = isDefault ? 'DEFAULT' : 'NULL';
    // The whole value, wrapped, in the viewer: offered where the editing happens.
    const expand = h('button', { class: 'cell-editor-expand', type: 'button', tabindex: '-1', title: 'Open in the value viewer (Shift+Enter)', 'aria-label': 'Open in the value viewer' }, '⤢');
    expand.addEventListener('mousedown', (e) => {
      e.preventDefault();
      e.stopPropagation();
      this.closeEditor(true);
      this.events.onOpenValue(row, col);
    });
    const box = h('div', { class: 'cell-editor-box' }, input, expand);
    this.editor = { row, col, input, box };
    input.addEventListener('keydown', (e) => {
      e.stopPropagation();
      if (e.key === 'Enter' && e.shiftKey) {
        e.preventDefault();
        this.closeEditor(true);
        this.events.onOpenValue(row, col);
      } else if (e.key === 'Enter') {
        e.preventDefault();
        this.closeEditor(true);
        this.moveFocus('ArrowDown');
      } else if (e.key === 'Tab') {
        e.preventDefault();
        this.closeEditor(true);
        this.tab(e.shiftKey);
      } else if (e.key === 'Escape') {
        e.preventDefault();
        this.closeEditor(false);
      }
    });
    input.addEventListener('blur', () => {
      // A redraw moves the editor into its new cell, which takes the focus: not the user leaving it.
      if (this.redrawing) return;
      if (this.editor?.input === input) this.closeEditor(true);
    });
    this.render();
    input.focus();
    if (initial === undefined) input.select();
  }

  dispose(): void {
    for (const c of this.cleanups) c();
    cancelAnimationFrame(this.frame);
    this.scroller.remove();
  }

  // -----------------------------------------------------------------------------------------------

  private closeEditor(commit: boolean): void {
    const editor = this.editor;
    if (!editor) return;
    this.editor = undefined;
    const original = this.source?.cell(editor.row, editor.col).value ?? null;
    const text = editor.input.value;
    editor.box.remove();
    // An untouched NULL stays NULL: the empty input means "no change" there, not ''.
    if (commit && !(original === null && text === '')) this.events.onCommitEdit(editor.row, editor.col, text);
    this.render();
    this.focus();
  }

  /** Tab / Shift+Tab: the next (previous) cell, wrapping to the next (previous) row. */
  private tab(back: boolean): void {
    if (!this.source) return;
    const next = tabTarget(this.selection.focus, { rows: this.source.rowCount(), cols: this.source.columns.length }, back);
    this.selection.set(next, false);
    this.scrollToCell(next.row, next.col);
    this.events.onSelectionChange();
    this.render();
  }

  private moveFocus(key: string): void {
    if (!this.source) return;
    this.selection.navigate(key, { rows: this.source.rowCount(), cols: this.source.columns.length, pageRows: this.pageRows }, { shift: false, ctrl: false });
    this.scrollToCell(this.selection.focus.row, this.selection.focus.col);
    this.events.onSelectionChange();
    this.render();
  }

  private updateCounts(): void {
    const rowCount = this.source?.rowCount() ?? 0;
    const digits = String(Math.max(rowCount, 1)).length;
    this.rowNumWidth = Math.max(ROWNUM_MIN_WIDTH, 14 + digits * 8);
    this.rowCount = rowCount;
    this.cols.setOptions({ ...this.cols.options, count: this.widths.length, paddingStart: this.rowNumWidth, scrollPaddingStart: this.rowNumWidth });
    this.cols._willUpdate();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private renderHeader(): void {
    this.header.replaceChildren();
    this.header.style.height = `${HEADER_HEIGHT}px`;
    if (!this.source) return;
    this.drawHeader();
  }

  private drawHeader(): void {
    const source = this.source;
    if (!source) return;
    const corner = h('div', { class: 'grid-corner', role: 'columnheader' }, '#');
    corner.style.width = `${this.rowNumWidth}px`;
    const cells: HTMLElement[] = [corner];
    for (const item of this.cols.getVirtualItems()) {
      const column = source.columns[item.index];
      const handle = h('div', { class: 'col-resize', 'data-resize': String(item.index), title: 'Drag to resize' });
      const { mark, sortable, note } = source.headerSort?.(item.index) ?? { mark: '', sortable: false };
      const cell = h(
        'div',
        {
          class: `grid-hcell${sortable ? ' sortable' : ''}${this.numeric[item.index] ? ' num' : ''}`,
          role: 'columnheader',
          'data-col': String(item.index),
          'aria-sort': mark.startsWith('▲') ? 'ascending' : mark.startsWith('▼') ? 'descending' : undefined,
          title: `${column.name} (${column.typeName})${note ? `\n${note}` : ''}`,
        },
        h('span', { class: 'col-name' }, column.name),
        h('span', { class: 'col-type' }, column.typeName),
        mark ? h('span', { class: 'sort-mark', 'data-testid': 'sort-mark' }, mark) : null,
        handle,
      );
      cell.style.left = `${item.start}px`;
      cell.style.width = `${item.size}px`;
      cells.push(cell);
    }
    this.header.replaceChildren(...cells);
  }

  private render(): void {
    const source = this.source;
    const totalH = HEADER_HEIGHT + this.rowsHeight;
    const totalW = this.cols.getTotalSize();
    this.canvas.style.height = `${Math.max(totalH, HEADER_HEIGHT)}px`;
    this.canvas.style.width = `${Math.max(totalW, this.rowNumWidth)}px`;
    if (!source) {
      this.body.replaceChildren();
      return;
    }
    this.drawHeader();
    const rowItems = this.visibleRows();
    const colItems = this.cols.getVirtualItems();
    const rect = this.selection.rect;
    const focus = this.selection.focus;
    const fragment: HTMLElement[] = [];
    // Before the editor moves into its redrawn cell (moving it takes its focus away).
    const hadFocus = this.editor ? document.activeElement === this.editor.input : false;
    this.redrawing = true;
    for (const r of rowItems) {
      const state = source.rowState(r.index);
      const row = h('div', { class: `grid-row${state ? ` row-${state}` : ''}${r.index % 2 ? ' odd' : ''}`, role: 'row', 'data-row': String(r.index) });
      row.style.top = `${r.start}px`;
      row.style.height = `${r.size}px`;
      row.style.width = `${Math.max(totalW, this.rowNumWidth)}px`;
      const num = h('div', { class: 'grid-rownum', role: 'rowheader', 'data-row': String(r.index) }, source.rowLabel(r.index));
      num.style.width = `${this.rowNumWidth}px`;
      row.append(num);
      for (const c of colItems) {
        const { value, edited, isDefault, refused } = source.cell(r.index, c.index);
        // A row still on its way (a scroll cursor's window) is drawn empty until its page lands.
        const shown =
          state === 'loading' ? { text: '', isNull: false, truncated: false } : isDefault ? { text: 'DEFAULT', isNull: false, truncated: false } : cellText(value);
        const selected = r.index >= rect.top && r.index <= rect.bottom && c.index >= rect.left && c.index <= rect.right;
        const classes = ['grid-cell'];
        if (this.numeric[c.index]) classes.push('num');
        if (isDefault) classes.push('default');
        if (refused) classes.push('refused');
        if (shown.isNull) classes.push('null');
        if (edited) classes.push('edited');
        if (selected) classes.push('selected');
        if (r.index === focus.row && c.index === focus.col) classes.push('focused');
        const cell = h(
          'div',
          {
            class: classes.join(' '),
            role: 'gridcell',
            'data-row': String(r.index),
            'data-col': String(c.index),
            title: isDefault ? "The column's DEFAULT is used unless you type a value" : refused ? 'The server refused this value in the last commit' : undefined,
          },
          shown.text,
        );
        if (shown.truncated) cell.append(h('span', { class: 'more', 'data-open': '1', title: 'Open the whole value' }, '…'));
        cell.style.left = `${c.start}px`;
        cell.style.width = `${c.size}px`;
        if (this.editor && this.editor.row === r.index && this.editor.col === c.index) cell.append(this.editor.box);
        row.append(cell);
      }
      fragment.push(row);
    }
    this.body.replaceChildren(...fragment);
    if (hadFocus && this.editor) this.editor.input.focus();
    this.redrawing = false;
    // The last row on screen, from the scroll position itself (not the overscanned range), and
    // only once the grid has a size: a panel still being laid out must not look like a tall screen.
    const height = this.scroller.clientHeight;
    if (height > 0) {
      const first = this.firstRowAt(this.scroller.scrollTop);
      const last = this.scaled ? first + Math.floor(this.viewHeight / ROW_HEIGHT) : Math.floor((this.scroller.scrollTop + height - HEADER_HEIGHT) / ROW_HEIGHT);
      this.events.onViewport(Math.min(last, source.rowCount() - 1), Math.min(first, Math.max(0, source.rowCount() - 1)));
    }
  }

  /** The rows to draw (those in view plus an overscan), each with its top in the canvas. */
  private visibleRows(): { index: number; start: number; size: number }[] {
    const count = this.rowCount;
    if (count === 0) return [];
    const scrollTop = this.scroller.scrollTop;
    const first = this.firstRowAt(scrollTop);
    const inView = Math.ceil(this.viewHeight / ROW_HEIGHT) + 1;
    const from = Math.max(0, first - ROW_OVERSCAN);
    const to = Math.min(count, first + inView + ROW_OVERSCAN);
    const items: { index: number; start: number; size: number }[] = [];
    for (let i = from; i < to; i++) {
      // Scaled: rows sit where the scroll position is, the first in view at the top of the view.
      const start = this.scaled ? HEADER_HEIGHT + scrollTop + (i - first) * ROW_HEIGHT : HEADER_HEIGHT + i * ROW_HEIGHT;
      // Nothing below the canvas: that would make the scroll range grow under the user's hand.
      if (start + ROW_HEIGHT > HEADER_HEIGHT + this.rowsHeight + ROW_HEIGHT) break;
      items.push({ index: i, start, size: ROW_HEIGHT });
    }
    return items;
  }

  private cellAt(target: EventTarget | null): { row: number; col: number | null } | undefined {
    const el = (target as HTMLElement | null)?.closest<HTMLElement>('[data-row]');
    if (!el) return undefined;
    const row = Number(el.dataset.row);
    const col = el.dataset.col !== undefined ? Number(el.dataset.col) : null;
    return { row, col };
  }

  private onMouseDown(e: MouseEvent): void {
    const target = e.target as HTMLElement;
    if (target.classList.contains('cell-editor')) return;
    const resize = target.closest<HTMLElement>('[data-resize]');
    if (resize) {
      e.preventDefault();
      this.startResize(Number(resize.dataset.resize), e.clientX);
      return;
    }
    if (!this.source) return;
    const headerCell = target.closest<HTMLElement>('.grid-hcell');
    if (headerCell) {
      // A header click sorts (when the result can be sorted on the server), else selects the column.
      const col = Number(headerCell.dataset.col);
      if (this.events.onHeaderClick?.(col, e.shiftKey)) {
        e.preventDefault();
        return;
      }
      this.selection.anchor = { row: 0, col };
      this.selection.focus = { row: Math.max(0, this.source.rowCount() - 1), col };
      this.after();
      return;
    }
    const at = this.cellAt(target);
    if (!at) return;
    // A double click is told by the click count: the cell under the mouse is redrawn (a new
    // element) after the first click, so the browser's dblclick event would not fire reliably.
    if (e.detail === 2 && at.col !== null) {
      e.preventDefault();
      this.onDoubleClick(at.row, at.col);
      return;
    }
    if (target.dataset.open) {
      e.preventDefault();
      if (at.col !== null) this.events.onOpenValue(at.row, at.col);
      return;
    }
    this.focus();
    e.preventDefault();
    if (at.col === null) {
      // Row number: select whole rows (Shift extends from the anchor row).
      const from = e.shiftKey ? this.selection.anchor.row : at.row;
      this.selection.selectRows(from, at.row, this.source.columns.length);
    } else {
      this.selection.set({ row: at.row, col: at.col }, e.shiftKey);
      this.dragging = true;
    }
    this.after();
  }

  private onContextMenu(e: MouseEvent): void {
    const at = this.cellAt(e.target);
    if (!at || at.col === null || !this.events.onCellMenu) return;
    e.preventDefault();
    this.selection.set({ row: at.row, col: at.col }, false);
    this.after();
    this.events.onCellMenu(at.row, at.col, e.clientX, e.clientY);
  }

  private onMouseOver(e: MouseEvent): void {
    if (!this.dragging) return;
    const at = this.cellAt(e.target);
    if (!at || at.col === null) return;
    this.selection.set({ row: at.row, col: at.col }, true);
    this.after();
  }

  private onDoubleClick(row: number, col: number): void {
    if (!this.source) return;
    if (this.source.canEdit(row, col)) this.startEdit(row, col);
    else this.events.onOpenValue(row, col);
  }

  private onKey(e: KeyboardEvent): void {
    if (!this.source) return;
    const ctrl = e.ctrlKey || e.metaKey;
    const { row, col } = this.selection.focus;
    if (ctrl && (e.key === 'c' || e.key === 'C')) {
      e.preventDefault();
      this.events.onCopy();
      return;
    }
    if (ctrl && (e.key === 'a' || e.key === 'A')) {
      e.preventDefault();
      this.selection.anchor = { row: 0, col: 0 };
      this.selection.focus = { row: Math.max(0, this.source.rowCount() - 1), col: Math.max(0, this.source.columns.length - 1) };
      this.after();
      return;
    }
    if (ctrl && e.key === 'End' && !e.shiftKey && this.events.onJumpToEnd?.()) {
      // The owner learns where the end is first, then calls goToRow.
      e.preventDefault();
      return;
    }
    if (e.key === 'Tab' && !ctrl && !e.altKey) {
      // Tab moves between cells (it would otherwise leave the grid for the next control).
      e.preventDefault();
      this.tab(e.shiftKey);
      return;
    }
    const ctx = { rows: this.source.rowCount(), cols: this.source.columns.length, pageRows: this.pageRows };
    if (this.selection.navigate(e.key, ctx, { shift: e.shiftKey, ctrl })) {
      e.preventDefault();
      this.scrollToCell(this.selection.focus.row, this.selection.focus.col);
      this.after();
      return;
    }
    if (e.key === 'Enter' && e.shiftKey) {
      e.preventDefault();
      this.events.onOpenValue(row, col);
    } else if (e.key === 'Enter' || e.key === 'F2') {
      e.preventDefault();
      if (this.source.canEdit(row, col)) this.startEdit(row, col);
      else this.events.onOpenValue(row, col);
    } else if (e.key === 'Delete' && ctrl) {
      e.preventDefault();
      this.events.onDeleteKey();
    } else if (e.key.length === 1 && !ctrl && !e.altKey && this.source.canEdit(row, col)) {
      // Typing over a cell starts editing it with that character.
      e.preventDefault();
      this.startEdit(row, col, e.key);
    }
  }

  private after(): void {
    this.events.onSelectionChange();
    this.render();
  }

  /** Text widths in the grid's own fonts (a canvas measures without laying anything out). */
  private textMeasure(): TextMeasure {
    // Read the fonts each time a result is shown: a panel's font may settle after its first one.
    const context = (this.measureContext ??= document.createElement('canvas').getContext('2d'));
    const style = getComputedStyle(this.scroller);
    const size = parseFloat(style.fontSize) || 13;
    const family = style.fontFamily || 'monospace';
    const width = (font: string, fallbackPerChar: number) => (text: string): number => {
      if (!context) return text.length * fallbackPerChar;
      context.font = font;
      // A little room: a web font that replaces its fallback later draws a few pixels wider.
      return Math.ceil(context.measureText(text).width * 1.06);
    };
    return {
      name: width(`600 ${size}px ${family}`, size * 0.65),
      type: width(`${size * 0.85}px ${family}`, size * 0.55),
      cell: width(`${size}px ${family}`, size * 0.62),
    };
  }

  private startResize(col: number, startX: number): void {
    const startWidth = this.widths[col];
    const move = (e: MouseEvent): void => {
      this.widths[col] = Math.max(MIN_COL_WIDTH, Math.round(startWidth + e.clientX - startX));
      this.cols.measure();
      this.schedule();
    };
    const up = (): void => {
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
      this.events.onWidthsChange();
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  }
}
