/**
 * The webview's end of src/shared/protocol.ts: posts commands to the host and hands typed
 * notifications to whoever listens. The VS Code API object can be acquired once per page.
 * A grid talks through a `Channel`: `direct` in a results panel of its own, a slot's channel
 * (slots.ts) in the docked results view, which holds one grid per editor.
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
  return parseState(api.getState());
}

export function saveState(state: SavedState): void {
  api.setState(state);
}

export function parseState(value: unknown): SavedState {
  const raw = value as Partial<SavedState> | undefined;
  return { runId: raw?.runId ?? null, activeTab: raw?.activeTab ?? 0, views: raw?.views ?? {} };
}

/** The page's whole saved state, for the docked view's slots (each keeps its own part). */
export function loadPageState(): unknown {
  return api.getState();
}

export function savePageState(state: unknown): void {
  api.setState(state);
}

/** How one grid talks to its host. */
export interface Channel {
  post<P>(command: IpcCommand<P>, params: P): void;
  onMessage(handler: (message: IpcMessage) => void): void;
  loadState(): SavedState;
  saveState(state: SavedState): void;
}

/** A results panel of its own: the page is the grid's. */
export const direct: Channel = { post, onMessage, loadState, saveState };
