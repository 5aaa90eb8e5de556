/**
 * The docked results view ("PG Explorer Results" in the panel area, under the editors): one
 * webview that holds every SQL editor's results, each in a slot of its own, and shows the active
 * editor's. Switching editors only swaps which slot is on screen: a slot's rows, pending edits,
 * open cursors, tab and scroll stay in the webview (the host forwards pages and keeps none), so
 * nothing is re-run or lost.
 *
 * The webview is kept while the panel is hidden (`retainContextWhenHidden`). If the user closes
 * the view, its page goes with its rows: the next run reveals it again, and each slot that was
 * open comes back with its run's metadata and says its rows were released (panel.ts's reload path).
 */
import * as vscode from 'vscode';
import {
  DockReadyCommand,
  SlotCloseNotification,
  SlotCommand,
  SlotMessageNotification,
  SlotOpenNotification,
  SlotShowNotification,
  isIpcMessage,
} from '../../shared/protocol';
import type { IpcMessage } from '../../shared/protocol';
import { newNonce, resultsHtml } from './html';
import { resourceRoots } from './results-host';
import type { ResultsHost } from './results-host';

export const RESULTS_DOCK_VIEW_ID = 'pgExplorer.resultsView';

export class ResultsDock implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  /** The page has booted and listens (messages before that are dropped by a webview). */
  private pageReady = false;
  private readonly slots = new Map<string, DockSlot>();
  /** The slot on screen: the active SQL editor's, or none (the placeholder). */
  private shown: string | null = null;
  private placeholder: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri) {
    this.disposables.push(
      vscode.window.registerWebviewViewProvider(RESULTS_DOCK_VIEW_ID, this, { webviewOptions: { retainContextWhenHidden: true } }),
      vscode.window.onDidChangeActiveTextEditor((editor) => this.follow(editor)),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.pageReady = false;
    view.webview.options = { enableScripts: true, localResourceRoots: resourceRoots(this.extensionUri) };
    view.webview.html = resultsHtml(view.webview, this.extensionUri, newNonce(), 'dock');
    const subscriptions = [
      view.webview.onDidReceiveMessage((m: unknown) => {
        if (!isIpcMessage(m)) return;
        if (DockReadyCommand.is(m)) this.onPageReady();
        else if (SlotCommand.is(m)) this.slots.get(m.params.slot)?.receive(m.params.message);
      }),
    ];
    view.onDidDispose(() => {
      for (const s of subscriptions) s.dispose();
      if (this.view !== view) return;
      this.view = undefined;
      this.pageReady = false;
    });
    this.describe();
  }

  /** A results place for the editor `key` (made hidden; `reveal` shows it). */
  slot(key: string, title: string): DockSlot {
    const slot = new DockSlot(this, key, title);
    this.slots.set(key, slot);
    if (this.pageReady) void this.postPage(SlotOpenNotification.message({ slot: key, title }));
    return slot;
  }

  /** The editor's results on screen; the view itself opened (not focused) if it is hidden or closed. */
  reveal(key: string): void {
    this.show(key);
    if (this.view) this.view.show(true);
    else void vscode.commands.executeCommand(`${RESULTS_DOCK_VIEW_ID}.focus`, { preserveFocus: true });
  }

  isShowing(key: string): boolean {
    return this.shown === key && this.view?.visible === true;
  }

  /** @internal DockSlot posts through here. */
  postSlot(key: string, message: IpcMessage): Thenable<boolean> {
    if (!this.pageReady) return Promise.resolve(false);
    return this.postPage(SlotMessageNotification.message({ slot: key, message }));
  }

  /** @internal A slot's editor closed. */
  closeSlot(slot: DockSlot): void {
    if (this.slots.get(slot.key) !== slot) return;
    this.slots.delete(slot.key);
    if (this.pageReady) void this.postPage(SlotCloseNotification.message({ slot: slot.key }));
    if (this.shown === slot.key) this.show(null, 'The results of this editor were closed. Run a statement to see its results here.');
  }

  /** @internal */
  retitle(slot: DockSlot): void {
    if (this.shown === slot.key) this.describe();
  }

  dispose(): void {
    for (const slot of [...this.slots.values()]) slot.dispose();
    for (const d of this.disposables) d.dispose();
  }

  /** The active editor changed: its results come on screen; another SQL editor's are not shown under it. */
  private follow(editor: vscode.TextEditor | undefined): void {
    if (!editor) return; // focus went to a webview, the panel, a non-text editor: keep what is shown
    const key = editor.document.uri.toString();
    if (this.slots.has(key)) this.show(key);
    else if (editor.document.languageId === 'sql') this.show(null, `No results for ${basename(editor.document.uri)} yet. Run a statement (Ctrl+Enter) to see them here.`);
  }

  private show(key: string | null, placeholder?: string): void {
    if (this.shown === key && this.placeholder === placeholder) return;
    this.shown = key;
    this.placeholder = placeholder;
    if (this.pageReady) void this.postPage(SlotShowNotification.message({ slot: key, ...(placeholder ? { placeholder } : {}) }));
    this.describe();
  }

  private onPageReady(): void {
    this.pageReady = true;
    // A rebuilt page has no slots: each comes back and its grid says it is ready (panel.ts then
    // re-posts its run, without the rows that went with the old page).
    for (const slot of this.slots.values()) void this.postPage(SlotOpenNotification.message({ slot: slot.key, title: slot.title }));
    void this.postPage(SlotShowNotification.message({ slot: this.shown, ...(this.placeholder ? { placeholder: this.placeholder } : {}) }));
  }

  private postPage(message: IpcMessage): Thenable<boolean> {
    return this.view ? this.view.webview.postMessage(message) : Promise.resolve(false);
  }

  /** The view's title bar says whose results it shows. */
  private describe(): void {
    if (!this.view) return;
    this.view.description = this.shown ? this.slots.get(this.shown)?.title.replace(/^Results: /, '') : undefined;
  }
}

/** One editor's place in the docked view. */
export class DockSlot implements ResultsHost {
  readonly location = 'panel';
  private readonly received = new vscode.EventEmitter<IpcMessage>();
  readonly onDidReceiveMessage = this.received.event;
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;
  private closed = false;

  constructor(
    private readonly dock: ResultsDock,
    readonly key: string,
    public title: string,
  ) {}

  postMessage(message: IpcMessage): Thenable<boolean> {
    return this.closed ? Promise.resolve(false) : this.dock.postSlot(this.key, message);
  }

  setTitle(title: string): void {
    this.title = title;
    this.dock.retitle(this);
  }

  get visible(): boolean {
    return this.dock.isShowing(this.key);
  }

  reveal(): void {
    this.dock.reveal(this.key);
  }

  /** @internal The dock hands over what the slot's grid sent. */
  receive(message: IpcMessage): void {
    if (!this.closed) this.received.fire(message);
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.dock.closeSlot(this);
    this.disposed.fire();
    this.disposed.dispose();
    this.received.dispose();
  }
}

function basename(uri: vscode.Uri): string {
  return uri.path.split('/').pop() ?? uri.path;
}
