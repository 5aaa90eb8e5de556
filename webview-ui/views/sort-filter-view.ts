/**
 * The filter bar above the grid (a WHERE text of the user's own, the quick filters as chips, what
 * the result is sorted by, or why it cannot be), the cell context menu of quick filters, and the
 * header marks. Sends whole specs through `send`; the host's answers come back through
 * `answered` / `sortability`. The rules live in model/sort-state.ts.
 */
import type { CellValue, ColumnView } from '../../src/shared/results-model';
import type { SortFilterSpec } from '../../src/shared/sort-filter-model';
import { h, hx } from '../dom';
import { SortFilterState, describeQuickFilter, quickFiltersFor, sortMark } from '../model/sort-state';

export interface SortFilterTarget {
  resultId: number;
  columns: ColumnView[];
  pendingEdits: boolean;
}

export interface SortFilterHooks {
  /** The result the grid shows now, if any. */
  current(): SortFilterTarget | undefined;
  send(resultId: number, spec: SortFilterSpec): void;
  /** Something changed that the header shows (marks, tooltips). */
  changed(): void;
}

/** An entry of the cell menu above the quick filters. */
export interface CellMenuAction {
  label: string;
  /** The keyboard shortcut that does the same, shown beside it ('' for none). */
  keys: string;
  /** data-action of the item (tests and styles find it by that). */
  action: string;
  run(): void;
}

export class SortFilterView {
  readonly element = h('div', { class: 'filter-bar', 'data-testid': 'filter-bar' });
  private states = new Map<number, SortFilterState>();
  /** The filter text being typed, per result (kept across tab switches and re-renders). */
  private drafts = new Map<number, string>();

  constructor(private readonly hooks: SortFilterHooks) {}

  /** A new run: nothing of the last one's sort or filter applies. */
  reset(): void {
    this.states = new Map();
    this.drafts = new Map();
    closeMenu();
  }

  state(resultId: number): SortFilterState {
    let s = this.states.get(resultId);
    if (!s) {
      s = new SortFilterState();
      this.states.set(resultId, s);
    }
    return s;
  }

  sortability(resultId: number, reason: string | undefined): void {
    const s = this.state(resultId);
    s.sortable = reason === undefined;
    s.reason = reason;
    this.render();
    this.hooks.changed();
  }

  answered(resultId: number, spec: SortFilterSpec, ok: boolean, detail: { sql?: string; error?: string }): void {
    const s = this.state(resultId);
    s.answered(spec, ok, detail);
    if (ok) this.drafts.set(resultId, spec.where);
    this.render();
    this.hooks.changed();
  }

  /** A header click: true when it sorted (or was refused with a note), false to let the grid select the column. */
  headerClick(column: number, add: boolean): boolean {
    const t = this.hooks.current();
    if (!t) return false;
    const s = this.state(t.resultId);
    if (s.sortable === false) return false;
    this.request(s, s.sortBy(column, add));
    return true;
  }

  /** What a column's header shows of the sort: its mark, whether a click sorts, the tooltip's line. */
  headerSort(column: number): { mark: string; sortable: boolean; note?: string } {
    const t = this.hooks.current();
    if (!t) return { mark: '', sortable: false };
    const s = this.state(t.resultId);
    const mark = sortMark(s.current.sort, column);
    if (s.sortable === false) return { mark, sortable: false, note: `Cannot sort: ${s.reason ?? ''}` };
    if (s.sortable) return { mark, sortable: true, note: `Click to sort by ${t.columns[column]?.name ?? ''} (ascending, descending, none); Shift+click to add it to the sort` };
    return { mark, sortable: false };
  }

  /** The cell's context menu of quick filters, at the mouse. */
  openMenu(column: number, value: CellValue, x: number, y: number, actions: CellMenuAction[] = []): void {
    const t = this.hooks.current();
    if (!t) return;
    const s = this.state(t.resultId);
    closeMenu();
    const menu = h('div', { class: 'cell-menu', role: 'menu', 'data-testid': 'cell-menu' });
    // The cell's own actions (copy, view, set NULL) come first, then the filters by its value.
    for (const a of actions) {
      const item = h('button', { class: 'cell-menu-action', role: 'menuitem', 'data-action': a.action }, h('span', {}, a.label), a.keys ? h('span', { class: 'cell-menu-keys muted' }, a.keys) : null);
      item.addEventListener('click', () => {
        closeMenu();
        a.run();
      });
      menu.append(item);
    }
    if (actions.length) menu.append(h('div', { class: 'cell-menu-separator', role: 'separator' }));
    const blocked = s.blocked(t.pendingEdits);
    if (blocked) {
      menu.append(h('div', { class: 'cell-menu-note muted' }, blocked));
    } else {
      for (const filter of quickFiltersFor(column, value)) {
        const item = h('button', { class: 'cell-menu-item', role: 'menuitem', 'data-op': filter.op }, `Filter: ${describeQuickFilter(filter, t.columns)}`);
        item.addEventListener('click', () => {
          closeMenu();
          this.request(s, s.withQuick(filter));
        });
        menu.append(item);
      }
    }
    menu.style.left = `${x}px`;
    menu.style.top = `${y}px`;
    document.body.append(menu);
    const away = (e: Event): void => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !menu.contains(e.target as Node)) {
        closeMenu();
        window.removeEventListener('mousedown', away, true);
        window.removeEventListener('keydown', away, true);
      }
    };
    window.addEventListener('mousedown', away, true);
    window.addEventListener('keydown', away, true);
  }

  render(): void {
    // The bar is rebuilt whole: keep the caret where it was when the user is typing in it.
    const typing = this.element.querySelector<HTMLInputElement>('.filter-input');
    const focus = typing && document.activeElement === typing ? { start: typing.selectionStart, end: typing.selectionEnd } : undefined;
    this.draw();
    const input = this.element.querySelector<HTMLInputElement>('.filter-input');
    if (focus && input) {
      input.focus();
      input.setSelectionRange(focus.start, focus.end);
    }
  }

  private draw(): void {
    this.element.replaceChildren();
    const t = this.hooks.current();
    this.element.hidden = !t;
    if (!t) return;
    const s = this.state(t.resultId);
    if (s.sortable === false) {
      this.element.append(h('span', { class: 'muted sort-note', 'data-testid': 'sort-note', title: s.reason }, `No sort or filter: ${s.reason ?? ''}`));
      return;
    }
    const input = h('input', {
      class: 'filter-input',
      type: 'text',
      spellcheck: 'false',
      placeholder: 'an SQL condition on the columns, e.g. amount > 10 AND note IS NOT NULL (Enter applies)',
      'aria-label': 'Filter (WHERE condition)',
      title: s.sql ? `Ran:\n${s.sql}` : 'Your SQL condition, run as written after WHERE',
    });
    input.value = this.drafts.get(t.resultId) ?? s.current.where;
    input.disabled = s.sortable === undefined;
    input.addEventListener('input', () => this.drafts.set(t.resultId, input.value));
    // Keys are not stopped here: VS Code's keybindings (Ctrl+P, F1) reach the workbench from the bar.
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        this.request(s, s.withWhere(input.value));
      } else if (e.key === 'Escape') {
        input.value = s.current.where;
        this.drafts.set(t.resultId, input.value);
      }
    });
    const apply = hx('vscode-button', { secondary: true, 'data-action': 'apply-filter', disabled: s.sortable === undefined }, 'Filter');
    apply.addEventListener('click', () => this.request(s, s.withWhere(input.value)));
    this.element.append(h('span', { class: 'muted' }, 'WHERE'), input, apply);
    const spec = s.current;
    spec.quick.forEach((filter, i) => {
      const remove = h('button', { class: 'chip-remove', title: 'Remove this filter', 'aria-label': 'Remove this filter' }, '×');
      remove.addEventListener('click', () => this.request(s, s.withoutQuick(i)));
      this.element.append(h('span', { class: 'filter-chip', 'data-testid': 'quick-filter' }, describeQuickFilter(filter, t.columns), remove));
    });
    if (spec.sort.length) {
      const by = spec.sort.map((k) => `${t.columns[k.column]?.name ?? k.column + 1} ${k.direction === 'asc' ? '▲' : '▼'}`).join(', ');
      this.element.append(h('span', { class: 'muted sort-summary', 'data-testid': 'sort-summary' }, `sorted by ${by}`));
    }
    if (spec.sort.length || spec.quick.length || spec.where.trim()) {
      const clear = hx('vscode-button', { secondary: true, 'data-action': 'clear-sort-filter' }, 'Clear');
      clear.addEventListener('click', () => {
        this.drafts.set(t.resultId, '');
        this.request(s, s.cleared());
      });
      this.element.append(clear);
    }
    if (s.busy) this.element.append(h('span', { class: 'muted' }, 'running…'));
    if (s.error) this.element.append(h('span', { class: 'error filter-error', 'data-testid': 'filter-error' }, s.error));
  }

  private request(s: SortFilterState, spec: SortFilterSpec): void {
    // Read now, not when the bar was drawn: edits may have been made or discarded since.
    const t = this.hooks.current();
    if (!t || this.states.get(t.resultId) !== s) return;
    const blocked = s.blocked(t.pendingEdits);
    if (blocked) {
      s.error = blocked;
    } else {
      s.send(spec);
      this.hooks.send(t.resultId, spec);
    }
    this.render();
    this.hooks.changed();
  }
}

function closeMenu(): void {
  document.querySelector('.cell-menu')?.remove();
}
