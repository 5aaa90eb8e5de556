/**
 * The grid's cell selection: an anchor and a focus cell spanning a rectangle, moved by the
 * keyboard (arrows, Page Up/Down, Home/End, with Shift to extend). Pure data: no DOM.
 */

export interface CellPos {
  row: number;
  col: number;
}

export interface Rect {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

export type NavKey = 'ArrowUp' | 'ArrowDown' | 'ArrowLeft' | 'ArrowRight' | 'PageUp' | 'PageDown' | 'Home' | 'End';

export interface NavContext {
  rows: number;
  cols: number;
  /** Rows one page moves (what fits on screen). */
  pageRows: number;
}

export class Selection {
  anchor: CellPos = { row: 0, col: 0 };
  focus: CellPos = { row: 0, col: 0 };

  get rect(): Rect {
    return {
      top: Math.min(this.anchor.row, this.focus.row),
      bottom: Math.max(this.anchor.row, this.focus.row),
      left: Math.min(this.anchor.col, this.focus.col),
      right: Math.max(this.anchor.col, this.focus.col),
    };
  }

  contains(row: number, col: number): boolean {
    const r = this.rect;
    return row >= r.top && row <= r.bottom && col >= r.left && col <= r.right;
  }

  /** Selected rows, top to bottom. */
  rows(): number[] {
    const { top, bottom } = this.rect;
    return Array.from({ length: bottom - top + 1 }, (_, i) => top + i);
  }

  set(cell: CellPos, extend: boolean): void {
    this.focus = { ...cell };
    if (!extend) this.anchor = { ...cell };
  }

  selectRows(from: number, to: number, cols: number): void {
    this.anchor = { row: from, col: 0 };
    this.focus = { row: to, col: Math.max(0, cols - 1) };
  }

  /**
   * Moves the focus for a key. Home/End go to the row's first/last column, with Ctrl/Cmd to the
   * first/last row. Returns false when the key is not a navigation key.
   */
  navigate(key: string, ctx: NavContext, mods: { shift: boolean; ctrl: boolean }): boolean {
    if (ctx.rows === 0 || ctx.cols === 0) return false;
    const f = this.focus;
    const lastRow = ctx.rows - 1;
    const lastCol = ctx.cols - 1;
    let next: CellPos;
    switch (key as NavKey) {
      case 'ArrowUp':
        next = { row: mods.ctrl ? 0 : f.row - 1, col: f.col };
        break;
      case 'ArrowDown':
        next = { row: mods.ctrl ? lastRow : f.row + 1, col: f.col };
        break;
      case 'ArrowLeft':
        next = { row: f.row, col: mods.ctrl ? 0 : f.col - 1 };
        break;
      case 'ArrowRight':
        next = { row: f.row, col: mods.ctrl ? lastCol : f.col + 1 };
        break;
      case 'PageUp':
        next = { row: f.row - Math.max(1, ctx.pageRows), col: f.col };
        break;
      case 'PageDown':
        next = { row: f.row + Math.max(1, ctx.pageRows), col: f.col };
        break;
      case 'Home':
        next = mods.ctrl ? { row: 0, col: 0 } : { row: f.row, col: 0 };
        break;
      case 'End':
        next = mods.ctrl ? { row: lastRow, col: lastCol } : { row: f.row, col: lastCol };
        break;
      default:
        return false;
    }
    next = { row: clamp(next.row, 0, lastRow), col: clamp(next.col, 0, lastCol) };
    this.set(next, mods.shift);
    return true;
  }
}

/**
 * Tab moves to the next cell of the row and on to the first cell of the next row (Shift+Tab
 * back, to the last cell of the row above), as in a spreadsheet; it stays put at either end of
 * the grid, so Tab never leaves it mid-result.
 */
export function tabTarget(from: CellPos, ctx: Pick<NavContext, 'rows' | 'cols'>, back: boolean): CellPos {
  if (ctx.rows === 0 || ctx.cols === 0) return from;
  const lastCol = ctx.cols - 1;
  if (!back) {
    if (from.col < lastCol) return { row: from.row, col: from.col + 1 };
    return from.row < ctx.rows - 1 ? { row: from.row + 1, col: 0 } : from;
  }
  if (from.col > 0) return { row: from.row, col: from.col - 1 };
  return from.row > 0 ? { row: from.row - 1, col: lastCol } : from;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}
