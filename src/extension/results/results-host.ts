/**
 * Where one results grid lives: a webview panel of its own beside the editor, or a slot of the
 * docked results view in the panel area (dock.ts). `ResultsPanel` (panel.ts) talks to either
 * through this interface only, so its dispatch, paging, edits and export are the same in both.
 */
import * as vscode from 'vscode';
import { isIpcMessage } from '../../shared/protocol';
import type { IpcMessage } from '../../shared/protocol';
import { newNonce, resultsHtml } from './html';

/** `pgExplorer.results.location`: docked under the editors (the default), or a panel beside them. */
export type ResultsLocation = 'panel' | 'beside';

export function resultsLocation(): ResultsLocation {
  return vscode.workspace.getConfiguration('pgExplorer.results').get<string>('location', 'panel') === 'beside' ? 'beside' : 'panel';
}

export interface ResultsHost {
  readonly location: ResultsLocation;
  /** Posts to the grid; resolves false when it cannot take it now (a closed docked view). */
  postMessage(message: IpcMessage): Thenable<boolean>;
  readonly onDidReceiveMessage: vscode.Event<IpcMessage>;
  /** The place is gone for good (the panel closed, the editor's slot closed). */
  readonly onDidDispose: vscode.Event<void>;
  setTitle(title: string): void;
  /** The grid is on screen now. */
  readonly visible: boolean;
  /** Brings the grid on screen without taking the focus from the editor. */
  reveal(): void;
  dispose(): void;
}

export const RESULTS_VIEW_TYPE = 'pgExplorer.results';

/** A results panel of its own in an editor group (`beside` the editor, or `active` for Open Data). */
export class PanelHost implements ResultsHost {
  readonly location = 'beside';
  private readonly panel: vscode.WebviewPanel;
  private readonly received = new vscode.EventEmitter<IpcMessage>();
  readonly onDidReceiveMessage = this.received.event;
  readonly onDidDispose: vscode.Event<void>;

  constructor(extensionUri: vscode.Uri, title: string, column: vscode.ViewColumn) {
    this.panel = vscode.window.createWebviewPanel(
      RESULTS_VIEW_TYPE,
      title,
      { viewColumn: column, preserveFocus: true },
      {
        enableScripts: true,
        localResourceRoots: resourceRoots(extensionUri),
        // The rows live only in the webview (the host forwards pages and forgets them, and the
        // cursor only reads forward), so a hidden panel's page must not be torn down: rebuilding it
        // would need the query to run again. Small UI state (scroll, tab, widths) is also saved with
        // setState for a webview that is reloaded anyway.
        retainContextWhenHidden: true,
      },
    );
    this.panel.webview.html = resultsHtml(this.panel.webview, extensionUri, newNonce());
    this.panel.webview.onDidReceiveMessage((m: unknown) => {
      if (isIpcMessage(m)) this.received.fire(m);
    });
    this.onDidDispose = this.panel.onDidDispose;
    this.panel.onDidDispose(() => this.received.dispose());
  }

  postMessage(message: IpcMessage): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  setTitle(title: string): void {
    this.panel.title = title;
  }

  get visible(): boolean {
    return this.panel.visible;
  }

  reveal(): void {
    this.panel.reveal(undefined, true);
  }

  dispose(): void {
    this.panel.dispose();
  }
}

export function resourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
}
