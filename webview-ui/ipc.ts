/**
 * The results grid's channel to the host (src/shared/webview-channel.ts) and the small UI state
 * VS Code keeps for the panel. A grid talks through a `Channel`: `direct` in a results panel of
 * its own, a slot's channel (slots.ts) in the docked results view, which holds one grid per editor.
 */
import type { IpcCommand, IpcMessage } from '../src/shared/protocol';
import { webviewChannel } from '../src/shared/webview-channel';

/** Small UI state VS Code keeps for the panel (scroll position, tab, column widths); never rows. */
export interface SavedState {
  runId: string | null;
  activeTab: number;
  views: Record<number, { scrollTop: number; scrollLeft: number; widths: number[] }>;
}

const channel = webviewChannel<SavedState>(window, { runId: null, activeTab: 0, views: {} });

export const { post, onMessage, loadState, saveState, loadPageState, savePageState } = channel;

export function parseState(value: unknown): SavedState {
  const raw = value as Partial<SavedState> | undefined;
  return { runId: raw?.runId ?? null, activeTab: raw?.activeTab ?? 0, views: raw?.views ?? {} };
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
