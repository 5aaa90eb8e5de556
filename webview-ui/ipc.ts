/**
 * The results grid's channel to the host (src/shared/webview-channel.ts) and the small UI state
 * VS Code keeps for the panel.
 */
import { webviewChannel } from '../src/shared/webview-channel';

/** Small UI state VS Code keeps for the panel (scroll position, tab, column widths); never rows. */
export interface SavedState {
  runId: string | null;
  activeTab: number;
  views: Record<number, { scrollTop: number; scrollLeft: number; widths: number[] }>;
}

const channel = webviewChannel<SavedState>(window, { runId: null, activeTab: 0, views: {} });

export const { post, onMessage, loadState, saveState } = channel;
