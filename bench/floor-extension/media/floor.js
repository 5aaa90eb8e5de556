// The blank webview's whole script: ready first, then one row when the host answers.
performance.mark('pgx:script');
const vscode = acquireVsCodeApi();
let pages = 0;
window.addEventListener('message', (event) => {
  if (event.data && event.data.page) {
    // Fetch all's bytes: taken in and counted, as the grid's store keeps a page without cutting it.
    pages += 1;
    if (event.data.last) {
      const done = document.createElement('div');
      done.className = 'floor-bytes-done';
      done.dataset.ms = String(Date.now() - event.data.started);
      done.dataset.pages = String(pages);
      document.getElementById('app').append(done);
    }
    return;
  }
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
