/**
 * Figure 7's helpers: the workbench as a user drives it (open a .sql file, bind it, run the
 * statement under the caret), probes installed inside the results webview (they stamp times with
 * the page's own clock, so no polling delay lands in a figure), and the extension host's RSS read
 * from /proc. Scripts run in the page as strings: bench/ is type-checked without the DOM library.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import type { Frame, Page } from 'playwright-core';
import { ShowRunNotification } from '../../src/shared/protocol';

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function waitFor(check: () => Promise<boolean>, what: string | (() => string), timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await delay(50);
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${typeof what === 'string' ? what : what()}`);
}

// -------------------------------------------------------------------------------------------------
// The workbench

/** Opens a workspace file through Quick Open and waits for its text. */
export async function openFile(page: Page, file: string, text: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(file);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: file }).first().click();
  await page.locator('.monaco-editor .view-lines', { hasText: text }).first().waitFor({ state: 'visible' });
}

/** Puts the caret at the start of the editor line holding `text` (and the focus in the editor). */
export async function caretOnLine(page: Page, text: string): Promise<void> {
  await page.locator('.monaco-editor .view-line', { hasText: text }).first().click({ position: { x: 2, y: 5 } });
}

/** Answers the connection picker a first Run shows (and the database picker, if the server has several). */
export async function pickConnection(page: Page, profile: string, database: string): Promise<void> {
  const row = (label: string) => page.locator('.quick-input-list .monaco-list-row', { hasText: new RegExp(`^${label}`) }).first();
  await row(profile).waitFor({ state: 'visible', timeout: 20_000 });
  await row(profile).click();
  // A database picker follows only when the server has more than one database.
  const title = page.locator('.quick-input-widget .quick-input-title', { hasText: 'Database on' });
  const asked = await title.waitFor({ state: 'visible', timeout: 2_000 }).then(() => true, () => false);
  if (asked) await row(database).click();
}

// -------------------------------------------------------------------------------------------------
// The results webview (two iframes deep; the inner document is pre/fake.html)

export async function resultsFrame(page: Page, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (!frame.url().includes('fake.html')) continue;
      if (await frame.evaluate<boolean>(`!!document.querySelector('.grid')`).catch(() => false)) return frame;
    }
    await delay(100);
  }
  throw new Error(`no results webview within ${timeoutMs / 1000} s`);
}

/**
 * An expression: the text of the first cell of the first grid row drawn with a size, or null:
 * what "a visible row" means here. `old` names a WeakSet of cells to pass over.
 */
function firstVisibleCellExpr(old = 'null'): string {
  return `((old) => {
  for (const cell of document.querySelectorAll('.grid-row [data-col="0"]')) {
    if (old && old.has(cell)) continue;
    const box = cell.getBoundingClientRect();
    if (cell.textContent && box.height > 0 && box.bottom > 0 && box.top < innerHeight) return cell.textContent;
  }
  return null;
})(${old})`;
}

/**
 * Installs (once) a listener for the host's next run/show message: after it, each animation frame
 * looks for a visible grid row and stamps Date.now() when there is one. The app's own listener was
 * registered first, so the new run is already rendered when this one runs.
 */
const PROBE = `(() => {
  if (window.__pgxBench) return true;
  const b = (window.__pgxBench = { armed: false, firstRowAt: null, firstCell: null, runId: null, loads: [], old: null });
  window.addEventListener('message', (event) => {
    const m = event.data;
    if (!b.armed || !m || m.method !== ${JSON.stringify(ShowRunNotification.method)}) return;
    b.armed = false;
    b.runId = m.params && m.params.runId;
    const look = () => {
      // A cell drawn after the key press: the grid builds new row elements for a new run.
      const text = ${firstVisibleCellExpr('b.old')};
      if (text === null) return void requestAnimationFrame(look);
      b.firstRowAt = Date.now();
      b.firstCell = text;
    };
    requestAnimationFrame(look);
  });
  // Rows loaded as the footer reports them, stamped when the footer changes.
  const footer = document.querySelector('.footer');
  const rowsLoaded = () => {
    const text = document.querySelector('[data-testid=rows-loaded]')?.textContent ?? '';
    const m = /^([\\d,]+) rows? loaded/.exec(text);
    return m ? Number(m[1].replace(/,/g, '')) : null;
  };
  if (footer) new MutationObserver(() => {
    const n = rowsLoaded();
    const last = b.loads[b.loads.length - 1];
    if (n !== null && (!last || last[1] !== n)) b.loads.push([Date.now(), n]);
  }).observe(footer, { childList: true, subtree: true, characterData: true });
  return true;
})()`;

export async function installProbe(frame: Frame): Promise<void> {
  await frame.evaluate(PROBE);
}

export async function armProbe(frame: Frame): Promise<void> {
  await frame.evaluate(`(() => {
    const b = window.__pgxBench;
    Object.assign(b, { armed: true, firstRowAt: null, firstCell: null, loads: [], old: new WeakSet(document.querySelectorAll('.grid-row [data-col="0"]')) });
  })()`);
}

export interface ProbeState {
  armed: boolean;
  firstRowAt: number | null;
  firstCell: string | null;
  runId: string | null;
  /** [Date.now(), rows loaded] each time the footer's count changed since the probe was armed. */
  loads: [number, number][];
}

export async function probeState(frame: Frame): Promise<ProbeState> {
  return frame.evaluate<ProbeState>(
    `(() => { const b = window.__pgxBench; return { armed: b.armed, firstRowAt: b.firstRowAt, firstCell: b.firstCell, runId: b.runId, loads: b.loads }; })()`,
  );
}

/** Text of the first visible row's first cell, or null (for the first run, before any probe exists). */
export async function firstVisibleCell(frame: Frame): Promise<string | null> {
  return frame.evaluate<string | null>(firstVisibleCellExpr());
}

export interface Footer {
  text: string;
  rowsLoaded: number | null;
  /** The host's own time reading pages ("+ 772 ms paging"), in ms; null when the footer shows none. */
  pagingMs: number | null;
}

export async function footer(frame: Frame): Promise<Footer> {
  const f = await frame.evaluate<{ text: string; rows: string }>(
    `({ text: document.querySelector('.footer')?.textContent ?? '', rows: document.querySelector('[data-testid=rows-loaded]')?.textContent ?? '' })`,
  );
  const rows = /^([\d,]+) rows? loaded/.exec(f.rows);
  const paging = /\+ ([\d.]+) (ms|s) paging/.exec(f.text);
  return {
    text: f.text,
    rowsLoaded: rows ? Number(rows[1].replace(/,/g, '')) : null,
    pagingMs: paging ? Number(paging[1]) * (paging[2] === 's' ? 1000 : 1) : null,
  };
}

export interface DomCount {
  /** Every node of the document, open shadow roots included (vscode-elements draw inside them). */
  nodes: number;
  elements: number;
  /** Grid row elements in the DOM. */
  gridRows: number;
}

export async function domCount(frame: Frame): Promise<DomCount> {
  return frame.evaluate<DomCount>(`(() => {
    let nodes = 0, elements = 0;
    const walk = (root) => {
      const it = document.createTreeWalker(root, NodeFilter.SHOW_ALL);
      for (let n = it.currentNode; n; n = it.nextNode()) {
        nodes++;
        if (n.nodeType === 1) { elements++; if (n.shadowRoot) walk(n.shadowRoot); }
      }
    };
    walk(document);
    return { nodes, elements, gridRows: document.querySelectorAll('.grid-row').length };
  })()`);
}

export async function scrollGrid(frame: Frame, to: 'top' | 'end'): Promise<void> {
  await frame.evaluate(`document.querySelector('.grid').scrollTop = ${to === 'top' ? 0 : 1e9}`);
}

// -------------------------------------------------------------------------------------------------
// The run's processes: the extension host's memory, CPU time per side

export interface ProcInfo {
  pid: number;
  ppid: number;
  cmdline: string;
}

function processes(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // comm may hold spaces and parentheses: the fields after its last ')' are fixed.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      out.push({ pid: Number(name), ppid, cmdline });
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

function withDescendants(all: ProcInfo[], roots: ProcInfo[]): ProcInfo[] {
  const children = new Map<number, ProcInfo[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out = [...roots];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i].pid) ?? []));
  return out;
}

export interface RunProcesses {
  /** code-server's server process and every process under it, the extension host included. */
  codeServer: ProcInfo[];
  /**
   * The extension host: under code-server, its command line names it (code-server forks
   * bootstrap-fork with --type=extensionHost).
   */
  extensionHost: ProcInfo | undefined;
  /** The browser's processes (its profile folder is in the run folder). */
  chromium: ProcInfo[];
}

export function runProcesses(runDir: string): RunProcesses {
  const all = processes();
  const codeServer = withDescendants(all, all.filter((p) => p.cmdline.includes(runDir) && p.cmdline.includes('entry.js')));
  const chromium = withDescendants(all, all.filter((p) => p.cmdline.includes(runDir) && /chrom/.test(p.cmdline) && !p.cmdline.includes('entry.js')));
  const extensionHost = codeServer.find((p) => /extensionHost/.test(p.cmdline)) ?? codeServer.find((p) => /bootstrap-fork/.test(p.cmdline));
  return { codeServer, extensionHost, chromium };
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** User + system CPU seconds a process has used so far (0 once it is gone). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime), counted from the state field, which is field 3.
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

export interface CpuTimes {
  extensionHost: number;
  /** code-server's other processes (the server itself, its file watcher, ...). */
  codeServerRest: number;
  chromium: number;
  /** chromium by process type, each renderer apart (the workbench's; the webview's if it runs out of process). */
  chromiumByType: Record<string, number>;
}

/** CPU seconds each side of a run has used so far. */
export function cpuTimes(procs: RunProcesses): CpuTimes {
  const hostPid = procs.extensionHost?.pid;
  const chromiumByType: Record<string, number> = {};
  for (const p of procs.chromium) {
    const type = /--type=([\w-]+)/.exec(p.cmdline)?.[1] ?? 'browser';
    const key = type === 'renderer' ? `renderer pid ${p.pid}` : type;
    chromiumByType[key] = (chromiumByType[key] ?? 0) + cpuSeconds(p.pid);
  }
  return {
    extensionHost: hostPid === undefined ? 0 : cpuSeconds(hostPid),
    codeServerRest: procs.codeServer.filter((p) => p.pid !== hostPid).reduce((sum, p) => sum + cpuSeconds(p.pid), 0),
    chromium: Object.values(chromiumByType).reduce((a, b) => a + b, 0),
    chromiumByType,
  };
}

export function cpuSince(before: CpuTimes, after: CpuTimes): CpuTimes {
  return {
    extensionHost: after.extensionHost - before.extensionHost,
    codeServerRest: after.codeServerRest - before.codeServerRest,
    chromium: after.chromium - before.chromium,
    chromiumByType: Object.fromEntries(Object.entries(after.chromiumByType).map(([key, secs]) => [key, secs - (before.chromiumByType[key] ?? 0)])),
  };
}

/** VmRSS of a process in bytes (null once it is gone). */
export function rssBytes(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export interface RssReading {
  start: number;
  peak: number;
  peakAt: number;
  end: number;
}

/** Samples a process's RSS every `everyMs` until stopped: start, peak and end. */
export class RssSampler {
  private readonly timer: NodeJS.Timeout;
  readonly start: number;
  peak: number;
  /** Date.now() of the peak sample. */
  peakAt = Date.now();
  constructor(private readonly pid: number, everyMs = 50) {
    this.start = rssBytes(pid) ?? 0;
    this.peak = this.start;
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  private sample(): number {
    const now = rssBytes(this.pid) ?? 0;
    if (now > this.peak) {
      this.peak = now;
      this.peakAt = Date.now();
    }
    return now;
  }

  stop(): RssReading {
    clearInterval(this.timer);
    const end = this.sample();
    return { start: this.start, peak: this.peak, peakAt: this.peakAt, end };
  }
}
