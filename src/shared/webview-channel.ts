/**
 * A webview's end of postMessage, written once for every webview bundle (the results grid, the
 * plan view): typed commands out, typed notifications in, and the small state VS Code keeps for a
 * hidden webview. Only webview code calls `webviewChannel`: `acquireVsCodeApi` exists in the
 * webview page alone, and may be called once per page, so each bundle makes one channel at load.
 */
import { EARLY_START_GLOBAL } from './early-start';
import type { EarlyStart } from './early-start';
import { isIpcMessage } from './protocol';
import type { IpcCommand, IpcMessage } from './protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface WebviewChannel<State> {
  post<P>(command: IpcCommand<P>, params: P): void;
  onMessage(handler: (message: IpcMessage) => void): void;
  /** The saved state with every field present: `defaults` fills what VS Code did not keep. */
  loadState(): State;
  saveState(state: State): void;
  /** The page's whole saved state as VS Code keeps it, for a page that holds several parts (slots). */
  loadPageState(): unknown;
  savePageState(state: unknown): void;
}

/** The page's `window`, as far as this needs it (src/shared is also compiled without the DOM). */
export interface MessageSource {
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  /** Left by the page's inline first script, when it has one (early-start.ts). */
  [EARLY_START_GLOBAL]?: EarlyStart;
}

export function webviewChannel<State extends object>(page: MessageSource, defaults: State): WebviewChannel<State> {
  const early = page[EARLY_START_GLOBAL];
  const api = early?.api ?? acquireVsCodeApi();
  const handlers: ((message: IpcMessage) => void)[] = [];
  const deliver = (data: unknown): void => {
    if (isIpcMessage(data)) for (const handler of handlers) handler(data);
  };
  page.addEventListener('message', (event) => deliver(event.data));
  // The inline script posted ready already: the bundle's own post of it would tell the host the
  // page was reloaded.
  let readyPosted = early?.ready;
  if (early) {
    early.taken = true;
    const queued = early.queue.splice(0);
    // After the bundle's first task, in which its grids register their handlers; anything the host
    // posts later comes as a task of its own, so the order stays the host's.
    if (queued.length > 0) queueMicrotask(() => queued.forEach(deliver));
  }
  return {
    post: (command, params) => {
      if (command.method === readyPosted) {
        readyPosted = undefined;
        return;
      }
      api.postMessage(command.message(params));
    },
    onMessage: (handler) => void handlers.push(handler),
    loadState: () => ({ ...defaults, ...(api.getState() as Partial<State> | undefined) }),
    saveState: (state) => api.setState(state),
    loadPageState: () => api.getState(),
    savePageState: (state) => api.setState(state),
  };
}
