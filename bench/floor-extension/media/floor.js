// The blank webview's whole script: ready first, then one row when the host answers.
performance.mark('pgx:script');
const vscode = acquireVsCodeApi();
window.addEventListener('message', (event) => {
  if (!event.data || !event.data.show) return;
  performance.mark('pgx:show');
  const row = document.createElement('div');
  row.className = 'floor-row';
  for (const text of event.data.show) {
    const cell = document.createElement('span');
    cell.textContent = text;
    row.append(cell);
  }
  document.getElementById('app').append(row);
  requestAnimationFrame(() => performance.mark('pgx:first-frame'));
});
vscode.postMessage({ ready: true });
performance.mark('pgx:ready');
