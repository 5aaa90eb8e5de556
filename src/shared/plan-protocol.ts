/**
 * The messages between the host and the plan webview, in the descriptors of protocol.ts. The host
 * sends the editor's kept plans as the server printed them (EXPLAIN's JSON text); the webview
 * parses and draws them, and says when a plan is drawn (tests and the bench read that).
 */
import { IpcCommand, IpcNotification } from './protocol';

export { isIpcMessage } from './protocol';
export type { IpcMessage } from './protocol';

/** The EXPLAIN options a user can pick (FORMAT JSON is always on). */
export const EXPLAIN_OPTIONS = ['ANALYZE', 'BUFFERS', 'VERBOSE', 'SETTINGS', 'WAL'] as const;
export type ExplainOption = (typeof EXPLAIN_OPTIONS)[number];

/** One EXPLAIN that ran, kept with the editor it ran from. */
export interface PlanEntry {
  /** Unique within the host's run. */
  id: string;
  /** The statement that was explained (without EXPLAIN). */
  sql: string;
  options: ExplainOption[];
  /** Epoch milliseconds when it ran. */
  ranAt: number;
  /** The one value EXPLAIN (FORMAT JSON) returned, as the server's text. */
  json: string;
  /** Set when ANALYZE ran a data-modifying statement inside a transaction or savepoint rolled back. */
  rolledBack?: 'transaction' | 'savepoint';
  /** The server's version (server_version), for the header. */
  serverVersion: string;
}

export interface PlansParams {
  /** The editor's file name, for the title. */
  editor: string;
  /** Oldest first. */
  plans: PlanEntry[];
  /** The plan to show (the newest one just run). */
  show: string;
  /** A second plan to show beside it, when the user asked for a comparison. */
  compareWith?: string;
  /** Re-posted to a page VS Code rebuilt (a hidden panel shown again): the page's own choice wins. */
  reload?: true;
}

/** Host -> webview: the editor's plans; the webview keeps which one is shown until told otherwise. */
export const PlansNotification = new IpcNotification<PlansParams>('plan/plans');

/** Webview -> host: the script runs; the host then posts the plans. */
export const PlanReadyCommand = new IpcCommand<Record<string, never>>('plan/ready');

export interface DrawnParams {
  /** The plans now on screen (one, or two side by side). */
  planIds: string[];
  /** Nodes drawn in all of them. */
  nodes: number;
  /** From the message's arrival to the drawn DOM (after layout), in milliseconds. */
  ms: number;
  /** Where that time went: JSON and model, building the DOM, the browser's layout. */
  phases: { parseMs: number; domMs: number; layoutMs: number };
  /** Set when a plan could not be drawn: what the user sees instead. */
  error?: string;
}

/** Webview -> host: a plan (or two) was drawn. */
export const PlanDrawnCommand = new IpcCommand<DrawnParams>('plan/drawn');
