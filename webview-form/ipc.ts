/**
 * The connection form's channel to the host (src/shared/webview-channel.ts). Nothing is kept with
 * saveState: what is typed (secrets above all) lives in this page and, for the form's life, in the
 * host's memory, never in VS Code's saved state.
 */
import { webviewChannel } from '../src/shared/webview-channel';

const channel = webviewChannel<Record<string, never>>(window, {});

export const { post, onMessage } = channel;
