/**
 * The VS Code host's entry point. The pool lives in src/pool; this side owns profiles, the tree,
 * editors and results panels (built up in later work).
 */
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('PG Explorer', { log: true });
  context.subscriptions.push(log);
  log.info('PG Explorer activated');
}

export function deactivate(): void {
  // Nothing is held outside context.subscriptions yet.
}
