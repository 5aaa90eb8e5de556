/**
 * A webview page's first script, inline in its HTML (src/extension/results/html.ts), run before
 * the page's bundle is even fetched: it acquires the VS Code API, posts the page's ready message
 * and keeps what the host sends until the bundle takes over (webview-channel.ts). The host waits
 * for ready before it sends anything, so that round trip now overlaps the bundle's fetch and
 * evaluation instead of following them (issue 15: the first run of an editor).
 */

/** Where the inline script leaves what it did, on the page's `window`. */
export const EARLY_START_GLOBAL = '__pgxEarlyStart';

export interface EarlyStart {
  /** The one VS Code API object of the page (acquireVsCodeApi may be called once). */
  api: { postMessage(message: unknown): void; getState(): unknown; setState(state: unknown): void };
  /** The method of the ready message already posted: the bundle's own post of it is not sent again. */
  ready: string;
  /** What the host posted before the bundle took over, in order. */
  queue: unknown[];
  /** Set by the bundle: from then on its own listener gets the messages. */
  taken: boolean;
}

/**
 * The inline script's text. Its listener is added before the bundle's, so a message never reaches
 * both; it marks `pgx:ready` for bench/first-run-breakdown.ts.
 */
export function earlyStartScript(readyMethod: string): string {
  return (
    `(() => {` +
    `const s = { api: acquireVsCodeApi(), ready: ${JSON.stringify(readyMethod)}, queue: [], taken: false };` +
    `window.${EARLY_START_GLOBAL} = s;` +
    `window.addEventListener('message', (e) => { if (!s.taken) s.queue.push(e.data); });` +
    `s.api.postMessage({ method: s.ready, params: {} });` +
    `performance.mark('pgx:ready');` +
    `})();`
  );
}
