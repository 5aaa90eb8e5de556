/**
 * The plan webview's end of src/shared/plan-protocol.ts: the one place that calls
 * acquireVsCodeApi (it can be called once per page).
 */
import { isIpcMessage } from '../src/shared/plan-protocol';
import type { IpcMessage } from '../src/shared/plan-protocol';
import type { IpcCommand } from '../src/shared/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function post<P>(command: IpcCommand<P>, params: P): void {
  api.postMessage(command.message(params));
}

export function onMessage(handler: (message: IpcMessage) => void): void {
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (isIpcMessage(event.data)) handler(event.data);
  });
}

/** Which plans are shown, kept by VS Code while the panel is hidden (the plans come again on ready). */
export interface SavedState {
  show: string | null;
  compareWith: string | null;
}

export function loadState(): SavedState {
  const raw = api.getState() as Partial<SavedState> | undefined;
  return { show: raw?.show ?? null, compareWith: raw?.compareWith ?? null };
}

export function saveState(state: SavedState): void {
  api.setState(state);
}
