/**
 * The value viewer: one cell's whole value in an overlay (JSON pretty-printed, bytea as a hex
 * dump), its long lines wrapped (a checkbox turns wrapping off, for a hex dump's columns). When
 * the cell may be edited, the text can be changed and applied as a pending edit.
 */
import type { CellValue, ColumnView } from '../../src/shared/results-model';
import { h, hx } from '../dom';
import { viewerText } from '../model/value-view';

export interface ViewerRequest {
  column: ColumnView;
  value: CellValue;
  editable: boolean;
  onApply(value: CellValue): void;
  onCopy(text: string): void;
}

/** The user's last wrap choice in this page (undefined: the default for the value). */
let wrapLines: boolean | undefined;

export function openViewer(req: ViewerRequest): void {
  document.querySelector('.viewer-backdrop')?.remove();
  const shown = viewerText(req.value, req.column);
  const area = h('textarea', { class: 'viewer-text', spellcheck: 'false', 'aria-label': `Value of ${req.column.name}` });
  // A hex dump cannot be typed back: an editable bytea shows its stored \x text instead.
  const initial = req.editable && shown.language === 'hex' ? (req.value ?? '') : shown.text;
  area.value = initial;
  area.readOnly = !req.editable;
  if (req.value === null) area.placeholder = 'NULL';
  const close = (): void => {
    backdrop.remove();
    document.querySelector<HTMLElement>('.grid')?.focus();
  };
  // Wrapped unless the text is laid out in columns (a hex dump); the choice lasts for the page.
  const wrapBox = h('input', { type: 'checkbox', class: 'viewer-wrap-toggle', 'aria-label': 'Wrap long lines' });
  wrapBox.checked = wrapLines ?? shown.language !== 'hex';
  const applyWrap = (): void => {
    area.classList.toggle('nowrap', !wrapBox.checked);
    area.wrap = wrapBox.checked ? 'soft' : 'off';
  };
  wrapBox.addEventListener('change', () => {
    wrapLines = wrapBox.checked;
    applyWrap();
  });
  applyWrap();
  const buttons: HTMLElement[] = [h('label', { class: 'viewer-wrap' }, wrapBox, 'Wrap lines')];
  if (req.editable) {
    const apply = hx('vscode-button', {}, 'Apply');
    apply.addEventListener('click', () => {
      // Untouched pretty-printed JSON is not a change.
      if (area.value !== initial) req.onApply(area.value);
      close();
    });
    const setNull = hx('vscode-button', { secondary: true }, 'Set NULL');
    setNull.addEventListener('click', () => {
      req.onApply(null);
      close();
    });
    buttons.push(apply, setNull);
  }
  const copy = hx('vscode-button', { secondary: true }, 'Copy');
  copy.addEventListener('click', () => req.onCopy(area.value === initial ? (req.value ?? '') : area.value));
  const closeButton = hx('vscode-button', { secondary: true }, 'Close');
  closeButton.addEventListener('click', close);
  buttons.push(copy, closeButton);
  const meta = [req.column.typeName, shown.note, req.value !== null ? `${req.value.length} characters` : undefined].filter(Boolean).join(' · ');
  const dialog = h(
    'div',
    { class: 'viewer', role: 'dialog', 'aria-modal': 'true', 'aria-label': `Value of ${req.column.name}` },
    h('div', { class: 'viewer-head' }, h('b', {}, req.column.name), h('span', { class: 'muted' }, ` ${meta}`)),
    area,
    h('div', { class: 'viewer-buttons' }, ...buttons),
  );
  const backdrop = h('div', { class: 'viewer-backdrop' }, dialog);
  backdrop.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      close();
    }
  });
  backdrop.addEventListener('mousedown', (e) => {
    if (e.target === backdrop) close();
  });
  document.body.append(backdrop);
  area.focus();
}
