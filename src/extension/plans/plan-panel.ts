/**
 * The plan webview of one SQL editor: its HTML under the same strict CSP as the results grid
 * (scripts only with the panel's nonce, styles only from the extension, nothing remote), the
 * ready handshake, and the plans posted to it. The webview parses and draws; it reports each
 * drawing back (`plan/drawn`), which the Explain commands return to their callers.
 */
import * as vscode from 'vscode';
import { PlanDrawnCommand, PlanReadyCommand, PlansNotification, isIpcMessage } from '../../shared/plan-protocol';
import type { DrawnParams, PlansParams } from '../../shared/plan-protocol';
import { newNonce, webviewHtml } from '../results/html';

export const PLAN_VIEW_TYPE = 'pgExplorer.plan';

export class PlanPanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private ready = false;
  /** Whether the current plans reached a page already (a later ready is a rebuilt page). */
  private posted = false;
  private pending: PlansParams | undefined;
  private readonly waiters: { planId: string; resolve: (drawn: DrawnParams) => void }[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;

  constructor(extensionUri: vscode.Uri, title: string) {
    this.panel = vscode.window.createWebviewPanel(
      PLAN_VIEW_TYPE,
      title,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        enableScripts: true,
        localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
        // The plans are re-posted by the host on ready, so the page may be rebuilt when hidden.
        retainContextWhenHidden: false,
      },
    );
    this.panel.webview.html = planHtml(this.panel.webview, extensionUri, newNonce());
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      this.panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Shows the editor's plans; resolves when the webview has drawn `params.show` (or after 20 s, with undefined). */
  show(params: PlansParams): Promise<DrawnParams | undefined> {
    this.panel.reveal(undefined, true);
    const drawn = new Promise<DrawnParams | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 20_000);
      this.waiters.push({ planId: params.show, resolve: (d) => { clearTimeout(timer); resolve(d); } });
    });
    this.pending = params;
    this.posted = this.ready;
    if (this.ready) void this.panel.webview.postMessage(PlansNotification.message(params));
    return drawn;
  }

  private receive(message: unknown): void {
    if (!isIpcMessage(message)) return;
    if (PlanReadyCommand.is(message)) {
      this.ready = true;
      if (this.pending) void this.panel.webview.postMessage(PlansNotification.message(this.posted ? { ...this.pending, reload: true } : this.pending));
      this.posted = this.pending !== undefined;
    } else if (PlanDrawnCommand.is(message)) {
      const drawn = message.params;
      for (const waiter of this.waiters.splice(0)) {
        if (drawn.planIds.includes(waiter.planId)) waiter.resolve(drawn);
        else this.waiters.push(waiter);
      }
    }
  }

  dispose(): void {
    if (this.disposables.length === 0) return;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
    this.disposed.fire();
    this.disposed.dispose();
  }
}

function planHtml(webview: vscode.Webview, extensionUri: vscode.Uri, nonce: string): string {
  return webviewHtml(webview, extensionUri, nonce, { script: 'plan-webview.js', style: 'plan.css', title: 'Plan' });
}
