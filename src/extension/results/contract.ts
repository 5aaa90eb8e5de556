/**
 * The seam between the SQL editors / schema tree (which run statements) and the results panels
 * (which show them and page further through the session's cursor). The editor side calls these;
 * the results side implements them.
 */
import type { ExecutionOutcome, PgError, PgPool } from '../../pool';

/** Where a result set lives: the pool, the session holding its cursor, and what to call the panel. */
export interface ResultsTarget {
  /** Stable key: one panel per key (the SQL document's URI, or `table:<profile>/<db>/<schema>.<table>`). */
  key: string;
  title: string;
  pool: PgPool;
  sessionId: string;
  /** A read-only profile: the grid offers no edits. */
  readOnly: boolean;
}

/** One statement of a run, in order: what ran and how it ended. */
export interface StatementRun {
  sql: string;
  /** Offset of the statement in its document, for messages. */
  offset: number;
  outcome?: ExecutionOutcome;
  error?: PgError;
}

export interface ResultsPresenter {
  /**
   * Shows the statements of one run (beside the editor, reusing the target's panel). The last
   * row-returning statement's cursor is the session's open one; the panel pages it with
   * `pool.fetchPage(sessionId)`.
   */
  showRun(target: ResultsTarget, statements: StatementRun[]): Promise<void>;
  /** Opens "Open data" of one table in a panel of its own session. */
  openTableData(target: ResultsTarget, table: { schema: string; table: string }): Promise<void>;
  /** Closes the panel of a target (its session is released by the caller). */
  dispose(key: string): void;
}
