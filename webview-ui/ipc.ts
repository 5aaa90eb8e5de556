/**
 * The webview's end of src/shared/protocol.ts: posts commands to the host and hands typed
 * notifications to whoever listens. The VS Code API object can be acquired once per page.
 */
import { isIpcMessage } from '../src/shared/protocol';
import type { IpcCommand, IpcMessage } from '../src/shared/protocol';

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

/** Small UI state VS Code keeps for the panel (scroll position, tab, column widths); never rows. */
export interface SavedState {
  runId: string | null;
  activeTab: number;
  views: Record<number, { scrollTop: number; scrollLeft: number; widths: number[] }>;
}

export function loadState(): SavedState {
  const raw = api.getState() as Partial<SavedState> | undefined;
  return { runId: raw?.runId ?? null, activeTab: raw?.activeTab ?? 0, views: raw?.views ?? {} };
}

export function saveState(state: SavedState): void {
  api.setState(state);
}
