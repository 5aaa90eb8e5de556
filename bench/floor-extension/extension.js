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
      const panel = blankPanel(context, 'Floor');
      panel.webview.onDidReceiveMessage((m) => {
        if (m && m.ready) void panel.webview.postMessage({ show: ['1', 'first row'] });
      });
    }),
    vscode.commands.registerCommand('pgxFloor.postBytes', async () => {
      // Figure 7's Fetch all without us: the same pages' bytes (their sizes written by
      // bench/figures/ui.ts to floor-pages.json in the workspace), made before the clock starts,
      // posted one at a time as fetchLoop does (the next after the last one's postMessage settled).
      const folder = vscode.workspace.workspaceFolders[0].uri;
      const sizes = JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, 'floor-pages.json'))).toString('utf8'));
      const pages = sizes.map(([bytes, ends]) => ({ bytes: new Uint8Array(bytes).fill(97), ends: new Int32Array(ends) }));
      const panel = blankPanel(context, 'Floor bytes');
      panel.webview.onDidReceiveMessage(async (m) => {
        if (!m || !m.ready) return;
        const started = Date.now();
        for (let i = 0; i < pages.length; i++) await panel.webview.postMessage({ page: pages[i], last: i === pages.length - 1, started });
      });
    }),
  );
  const stamps = globalThis.__pgxFloorLoad;
  log.info(
    `PG Explorer Floor activated in ${Math.round(performance.now() - started)} ms (bundle evaluated ${stamps.start}..${stamps.end}, ${stamps.end - stamps.start} ms; activate() called at ${calledAt}, ${calledAt - stamps.end} ms later; logged at ${Date.now()}).`,
  );
}

/** As src/extension/results/results-host.ts makes a results panel: beside, scripts on, a script and a stylesheet from the extension's folder behind a nonce'd CSP. */
function blankPanel(context, title) {
  const panel = vscode.window.createWebviewPanel('pgxFloor.blank', title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'media')],
    retainContextWhenHidden: true,
  });
  const script = panel.webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'media', 'floor.js'));
  const style = panel.webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'media', 'floor.css'));
  const nonce = String(Math.random()).slice(2);
  panel.webview.html = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${panel.webview.cspSource}; script-src 'nonce-${nonce}'">
<link rel="stylesheet" href="${style}"><title>${title}</title></head>
<body><div id="app"></div><script nonce="${nonce}" src="${script}"></script></body></html>`;
  return panel;
}

module.exports = { activate, deactivate() {} };
globalThis.__pgxFloorLoad.end = Date.now();
