/**
 * The seam between the SQL editors / schema tree (which run statements) and the results panels
 * (which show them and page further through the session's cursor). The editor side calls these;
 * the results side implements them.
 */
import type { ExecutionOutcome, PgError, Session } from '../../pool';

/** Where a result set lives: the session holding its cursor, and what to call the panel. */
export interface ResultsTarget {
  /** Stable key: one panel per key (the SQL document's URI, or `table:<profile>/<db>/<schema>.<table>`). */
  key: string;
  title: string;
  /** The session that produced the results: paging, edits and export all act as it. */
  session: Session;
  /** A read-only profile: the grid offers no edits. */
  readOnly: boolean;
  /** Runs the same statements again in the same place (Messages' Run again, after a lost connection). */
  runAgain?: () => Promise<unknown>;
}

/** One statement of a run, in order: what ran and how it ended. */
export interface StatementRun {
  sql: string;
  /** Offset of the statement in its document, for messages. */
  offset: number;
  outcome?: ExecutionOutcome;
  error?: PgError;
  /** Not sent (a psql meta-command, COPY data): why, as Messages shows it. */
  skipped?: string;
}

export interface ResultsPresenter {
  /**
   * Shows the statements of one run (in the editor's place: its slot of the docked results view,
   * or its panel beside it, per `pgExplorer.results.location`). The last
   * row-returning statement's cursor is the session's open one; the panel pages it with
   * `session.fetchPage()`.
   */
  showRun(target: ResultsTarget, statements: StatementRun[]): Promise<void>;
  /**
   * A run of the target starts: its results place (and webview) is made and brought on screen
   * now, so the page loads while the statements run instead of after them. showRun fills it.
   */
  prepareRun(target: ResultsTarget): void;
  /** Runs `sql` ("Open data" of one table) in the target's session, which the panel owns from then on. */
  openTableData(target: ResultsTarget, sql: string): Promise<void>;
  /** Closes the panel of a target (its session is released by the caller). */
  dispose(key: string): void;
}
