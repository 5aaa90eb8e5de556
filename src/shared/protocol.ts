/**
 * The one place where the messages between the extension host and the results webview are
 * declared (GitLens' pattern): each message is a typed descriptor with a `method` name and an
 * `is()` guard, so neither side ever reads an untyped `any` off postMessage.
 *
 * - Commands go from the webview to the host; notifications from the host to the webview.
 * - Handshake: the host holds its notifications until the webview sends `webview/ready`
 *   (a webview drops messages posted before its script has run).
 *
 * This file imports nothing: it is read by both the Node host and the browser bundle.
 */
import type {
  ChangeSet,
  EditabilityView,
  ErrorView,
  ExportFormat,
  PageView,
  ApplyOutcomeView,
  ResultSetView,
  RunView,
} from './results-model';
import type { SortFilterSpec } from './sort-filter-model';

export * from './results-model';

/** What travels over postMessage: a method name and its parameters. */
export interface IpcMessage<Params = unknown> {
  method: string;
  params: Params;
}

export function isIpcMessage(value: unknown): value is IpcMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { method?: unknown }).method === 'string' &&
    'params' in value
  );
}

abstract class IpcType<Params> {
  constructor(readonly method: string) {}

  is(message: IpcMessage): message is IpcMessage<Params> {
    return message.method === this.method;
  }

  /** Builds the message to post (the type checks the parameters). */
  message(params: Params): IpcMessage<Params> {
    return { method: this.method, params };
  }
}

/** Webview -> host. */
export class IpcCommand<Params> extends IpcType<Params> {
  readonly direction = 'toHost';
}

/** Host -> webview. */
export class IpcNotification<Params> extends IpcType<Params> {
  readonly direction = 'toWebview';
}

// -------------------------------------------------------------------------------------------------
// Webview -> host

/**
 * The webview's script runs and listens. It brings no rows of its own: rows live only in the page,
 * so a page that was rebuilt has none, and the host re-posts the run's metadata (RunView with
 * `rowsReleased`), never rows it does not have.
 */
export const ReadyCommand = new IpcCommand<Record<string, never>>('webview/ready');

export interface FetchParams {
  runId: string;
  resultId: number;
  /** Keep fetching until the end (or the grid's row cap). */
  all: boolean;
  /** A scrollable result: read from this row (0-based) instead of after the last one read. */
  offset?: number;
  /** A scrollable result: this many rows (the host's page size when absent). */
  count?: number;
}
export const FetchPageCommand = new IpcCommand<FetchParams>('results/fetch');

/** Count a scrollable result's rows (the server reads it to the end once); answered by RowCountNotification. */
export const CountRowsCommand = new IpcCommand<{ runId: string; resultId: number }>('results/count');

/** Stop a "fetch all" between pages. */
export const StopFetchCommand = new IpcCommand<{ runId: string }>('results/stopFetch');

/** Close the tab's cursor (and the transaction it holds). */
/** Show a result's statement in the plan view (EXPLAIN on the editor's session). */
export const ExplainCommand = new IpcCommand<{ runId: string; resultId: number }>('results/explain');

/** Close the cursor of one result (`resultId`), or of every result of the run. */
export const CloseCursorCommand = new IpcCommand<{ runId: string; resultId?: number }>('results/closeCursor');

/** Send a CancelRequest for the page (or fetch all) the tab's session is reading. */
export const CancelCommand = new IpcCommand<{ runId: string | null }>('results/cancel');

export interface ApplyParams {
  runId: string;
  resultId: number;
  requestId: number;
  changes: ChangeSet;
}
export const ApplyChangesCommand = new IpcCommand<ApplyParams>('results/apply');

export interface ExportParams {
  runId: string;
  resultId: number;
  format: ExportFormat;
}
export const ExportCommand = new IpcCommand<ExportParams>('export/start');
export const CancelExportCommand = new IpcCommand<{ exportId: number }>('export/cancel');

/** Text for the system clipboard (the host writes it: the webview's clipboard access varies). */
export const CopyTextCommand = new IpcCommand<{ text: string; what: string }>('clipboard/write');

// -------------------------------------------------------------------------------------------------
// Host -> webview

/** The statements of one run and the first page of each result set; replaces what was shown. */
export const ShowRunNotification = new IpcNotification<RunView>('run/show');

export interface PageParams {
  runId: string;
  resultId: number;
  page: PageView;
  /** Time the fetch took on the host, for the footer. */
  elapsedMs: number;
  /** The host goes on with another page of the same request (fetch all) without being asked. */
  continuing: boolean;
}
export const PageNotification = new IpcNotification<PageParams>('results/page');

export interface RowCountParams {
  runId: string;
  resultId: number;
  /** The number of rows; absent when counting failed (`error` says why). */
  total?: number;
  error?: ErrorView;
}
export const RowCountNotification = new IpcNotification<RowCountParams>('results/rowCount');

export interface PageFailedParams {
  runId: string;
  resultId: number;
  error: ErrorView;
}
export const PageFailedNotification = new IpcNotification<PageFailedParams>('results/pageFailed');

export interface CursorStateParams {
  runId: string;
  /** The first result whose cursor is open, if any. */
  resultId: number | null;
  /** Every result of the run that can still be paged (several, after a run of several statements). */
  openResultIds?: number[];
  /** A cursor that holds a transaction (the protocol cursor) is open. */
  cursorOpen: boolean;
  /** The session holds a transaction (a cursor's implicit one, or the user's BEGIN). */
  inTransaction: boolean;
  /** Why the cursor went away, when the pool closed it (idle timeout, connection lost). */
  reason?: string;
  /** The session's transaction ended after the run was shown (its txStatus event): how, if the server said. */
  transactionEnded?: 'committed' | 'rolledBack' | 'ended';
  /** The session's connection was lost since (or during) the run: Messages offers Reconnect and Run again. */
  connectionLost?: boolean;
}
export const CursorStateNotification = new IpcNotification<CursorStateParams>('results/cursorState');

export interface EditabilityParams {
  runId: string;
  resultId: number;
  editability: EditabilityView;
}
export const EditabilityNotification = new IpcNotification<EditabilityParams>('results/editability');

export interface AppliedParams {
  runId: string;
  resultId: number;
  requestId: number;
  outcome: ApplyOutcomeView;
}
export const AppliedNotification = new IpcNotification<AppliedParams>('results/applied');

export interface ExportProgressParams {
  exportId: number;
  /** The run whose result is exported: the footer shows an export under its own result only. */
  runId: string;
  resultId: number;
  format: ExportFormat;
  state: 'running' | 'done' | 'cancelled' | 'failed';
  rows: number;
  bytes: number;
  file?: string;
  message?: string;
}
export const ExportProgressNotification = new IpcNotification<ExportProgressParams>('export/progress');


// -------------------------------------------------------------------------------------------------
// Sorting and filtering on the server (the host re-runs the result's query wrapped)

export * from './sort-filter-model';

export interface SortFilterParams {
  runId: string;
  resultId: number;
  spec: SortFilterSpec;
}
/** Webview -> host: run the result's query again with this sort and filter (all of them, not a delta). */
export const SortFilterCommand = new IpcCommand<SortFilterParams>('results/sortFilter');

export interface SortabilityParams {
  runId: string;
  resultId: number;
  /** Why the host cannot wrap this result's query (not a single plain SELECT / VALUES / TABLE). */
  reason?: string;
}
/** Host -> webview: whether a result can be sorted and filtered, and if not, why. */
export const SortabilityNotification = new IpcNotification<SortabilityParams>('results/sortability');

export interface SortFilteredParams {
  runId: string;
  resultId: number;
  /** The spec this answers (the grid shows it in the header and the filter bar). */
  spec: SortFilterSpec;
  /** The re-run's result (same resultId, first page, pageable); absent when it failed. */
  result?: ResultSetView;
  durationMs?: number;
  /** The SQL that ran (for the filter bar's tooltip). */
  sql?: string;
  error?: ErrorView;
  /** Other results of the run whose cursor the re-run closed (they stop paging). */
  closedResultIds?: number[];
}
/** Host -> webview: the answer to a SortFilterCommand; replaces that result set's rows. */
export const SortFilteredNotification = new IpcNotification<SortFilteredParams>('results/sortFiltered');

// -------------------------------------------------------------------------------------------------
// After a lost connection (the Messages tab's actions)

/** Open a fresh connection for the session now (its transaction and SETs died with the old one). */
export const ReconnectCommand = new IpcCommand<{ runId: string }>('session/reconnect');
/** Run the run's statements again, as written, in the same editor. */
export const RunAgainCommand = new IpcCommand<{ runId: string }>('session/runAgain');

export interface ReconnectedParams {
  runId: string;
  ok: boolean;
  /** What happened, for Messages: the new backend, or why it failed and what to do. */
  message: string;
}
export const ReconnectedNotification = new IpcNotification<ReconnectedParams>('session/reconnected');

// -------------------------------------------------------------------------------------------------
// The docked results view: one webview in the panel area holding every SQL editor's results, each
// in a *slot* of its own (its own grid, rows, pending edits and scroll), the active editor's shown.
// Every message above travels inside a slot envelope there; a results panel beside the editor
// sends them bare.

/** Host -> webview: a slot's message. */
export const SlotMessageNotification = new IpcNotification<{ slot: string; message: IpcMessage }>('slot/message');
/** Host -> webview: make a slot (its grid boots and sends its own `webview/ready` in an envelope). */
export const SlotOpenNotification = new IpcNotification<{ slot: string; title: string }>('slot/open');
/** Host -> webview: show this slot (the active editor's), or, with `slot: null`, the placeholder text. */
export const SlotShowNotification = new IpcNotification<{ slot: string | null; placeholder?: string }>('slot/show');
/** Host -> webview: the slot's editor closed; its rows go. */
export const SlotCloseNotification = new IpcNotification<{ slot: string }>('slot/close');
/** Webview -> host: a slot's message. */
export const SlotCommand = new IpcCommand<{ slot: string; message: IpcMessage }>('slot/command');
/** Webview -> host: the docked view's page runs (first time, or rebuilt after the view was closed). */
export const DockReadyCommand = new IpcCommand<Record<string, never>>('dock/ready');
