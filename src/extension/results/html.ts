/**
 * The page of a webview of ours (the results grid, the plan view): a strict
 * Content-Security-Policy (no remote anything, scripts only with this panel's nonce, styles and
 * fonts only from the extension), the stylesheet from media/ and the bundle from dist/.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { earlyStartScript } from '../../shared/early-start';
import { DockReadyCommand, ReadyCommand } from '../../shared/protocol';

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

/** `dock`: the docked results view's page, one grid per SQL editor (webview-ui/slots.ts). */
export function resultsHtml(webview: vscode.Webview, extensionUri: vscode.Uri, nonce: string, mode: 'panel' | 'dock' = 'panel'): string {
  const ready = mode === 'dock' ? DockReadyCommand.method : ReadyCommand.method;
  return webviewHtml(webview, extensionUri, nonce, { script: 'webview.js', style: 'results.css', title: 'Results', mode, early: earlyStartScript(ready) });
}

export function webviewHtml(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  nonce: string,
  page: { script: string; style: string; title: string; mode?: string; early?: string },
): string {
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', page.script));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', page.style));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${page.early ? `<script nonce="${nonce}">${page.early}</script>\n` : ''}<link rel="stylesheet" href="${style.toString()}">
<title>${page.title}</title>
</head>
<body${page.mode ? ` data-mode="${page.mode}"` : ''}>
<div id="app"></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
