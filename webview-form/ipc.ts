/**
 * The connection form's end of src/shared/connection-form.ts: the one place that calls
 * acquireVsCodeApi. Nothing is kept with setState: what is typed (secrets above all) lives in
 * this page and, for the form's life, in the host's memory, never in VS Code's saved state.
 */
import { isIpcMessage } from '../src/shared/connection-form';
import type { IpcMessage } from '../src/shared/connection-form';
import type { IpcCommand } from '../src/shared/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
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
