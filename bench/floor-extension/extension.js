// Bench only (bench/figures/ui.ts): an extension that does nothing but what VS Code needs, with
// the stamps of ours (scripts/build.mjs's banner and footer, load-timing.ts's line), so the
// activation figure's floor is read the same way as ours.
globalThis.__pgxFloorLoad = { start: Date.now() };
const vscode = require('vscode');

function activate(context) {
  const started = performance.now();
  const calledAt = Date.now();
  const log = vscode.window.createOutputChannel('PG Explorer Floor', { log: true });
  context.subscriptions.push(
    log,
    vscode.commands.registerCommand('pgxFloor.openWebview', () => {
      // As src/extension/results/results-host.ts makes a results panel: beside, scripts on, a
      // script and a stylesheet from the extension's folder behind a nonce'd CSP.
      const panel = vscode.window.createWebviewPanel('pgxFloor.blank', 'Floor', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
        enableScripts: true,
        localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'media')],
        retainContextWhenHidden: true,
      });
      const script = panel.webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'media', 'floor.js'));
      const style = panel.webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'media', 'floor.css'));
      const nonce = String(Math.random()).slice(2);
      panel.webview.onDidReceiveMessage((m) => {
        if (m && m.ready) void panel.webview.postMessage({ show: ['1', 'first row'] });
      });
      panel.webview.html = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${panel.webview.cspSource}; script-src 'nonce-${nonce}'">
<link rel="stylesheet" href="${style}"><title>Floor</title></head>
<body><div id="app"></div><script nonce="${nonce}" src="${script}"></script></body></html>`;
    }),
  );
  const stamps = globalThis.__pgxFloorLoad;
  log.info(
    `PG Explorer Floor activated in ${Math.round(performance.now() - started)} ms (bundle evaluated ${stamps.start}..${stamps.end}, ${stamps.end - stamps.start} ms; activate() called at ${calledAt}, ${calledAt - stamps.end} ms later; logged at ${Date.now()}).`,
  );
}

module.exports = { activate, deactivate() {} };
globalThis.__pgxFloorLoad.end = Date.now();
