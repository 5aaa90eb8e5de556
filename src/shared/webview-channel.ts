/**
 * A webview's end of postMessage, written once for every webview bundle (the results grid, the
 * plan view): typed commands out, typed notifications in, and the small state VS Code keeps for a
 * hidden webview. Only webview code calls `webviewChannel`: `acquireVsCodeApi` exists in the
 * webview page alone, and may be called once per page, so each bundle makes one channel at load.
 */
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
}

export function webviewChannel<State extends object>(page: MessageSource, defaults: State): WebviewChannel<State> {
  const api = acquireVsCodeApi();
  return {
    post: (command, params) => api.postMessage(command.message(params)),
    onMessage: (handler) =>
      page.addEventListener('message', (event) => {
        if (isIpcMessage(event.data)) handler(event.data);
      }),
    loadState: () => ({ ...defaults, ...(api.getState() as Partial<State> | undefined) }),
    saveState: (state) => api.setState(state),
    loadPageState: () => api.getState(),
    savePageState: (state) => api.setState(state),
  };
}
