/**
 * The plan view's channel to the host (src/shared/webview-channel.ts) and what VS Code keeps
 * while the panel is hidden.
 */
import { webviewChannel } from '../src/shared/webview-channel';

/** Which plans are shown, kept by VS Code while the panel is hidden (the plans come again on ready). */
export interface SavedState {
  show: string | null;
  compareWith: string | null;
}

const channel = webviewChannel<SavedState>(window, { show: null, compareWith: null });

export const { post, onMessage, loadState, saveState } = channel;
