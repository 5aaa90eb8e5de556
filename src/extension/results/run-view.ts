/**
 * Turns one run of the SQL editor (StatementRun[] with the pool's outcomes) into the RunView the
 * webview shows. Plain mapping, no vscode: the rows of first pages pass through, nothing is kept.
 */
import { packRows } from '../../shared/packed-rows';
import type { ColumnMeta, PgError } from '../../pool';
import type { ErrorView, ResultSetView, RunView, StatementView, TransactionFate } from '../../shared/protocol';
import type { StatementRun } from './contract';
import { resultTitle } from './result-title';

/** Longest statement text the panel gets (it shows one line of it; the editor has the rest). */
const SQL_TEXT_LIMIT = 10_000;

export interface ResultSource {
  resultId: number;
  columns: ColumnMeta[];
  /** The named cursor the result is paged from (a run of several statements), else the session's protocol cursor. */
  cursorName?: string;
  /** The statement, for export (run again on a short lease of its own). */
  sql: string;
}

export interface BuiltRun {
  view: RunView;
  sources: ResultSource[];
  /**
   * The results that can still be paged, each with the named cursor it is paged from (undefined:
   * the session's protocol cursor, which only the last statement that ran can hold).
   */
  pageable: Map<number, string | undefined>;
}

export function buildRunView(
  runId: string,
  meta: { title: string; readOnly: boolean; maxRowsInGrid: number; cursorOpen: boolean; openCursors?: string[]; canExplain?: boolean },
  statements: StatementRun[],
): BuiltRun {
  const views: StatementView[] = [];
  const results: ResultSetView[] = [];
  const sources: ResultSource[] = [];
  const pageableResults = new Map<number, string | undefined>();
  // Every execute closes the session's previous cursor: only a result of the last statement that
  // reached the server can still be paged.
  const lastRan = statements.reduce((last, s, i) => (s.outcome || s.error ? i : last), -1);
  const fateAfter = (index: number): TransactionFate => transactionFateAfter(statements, index);
  statements.forEach((s, index) => {
    const view: StatementView = {
      index,
      sql: s.sql.length > SQL_TEXT_LIMIT ? `${s.sql.slice(0, SQL_TEXT_LIMIT)}…` : s.sql,
      offset: s.offset,
      status: s.error ? 'error' : 'ok',
      notices: s.skipped !== undefined ? [s.skipped] : (s.outcome?.notices ?? []),
      ...(s.outcome?.noticesDropped ? { noticesDropped: s.outcome.noticesDropped } : {}),
    };
    if (s.skipped !== undefined) view.command = 'Skipped';
    if (s.error) view.error = errorView(s.error);
    const o = s.outcome;
    if (o) {
      view.durationMs = o.durationMs;
      if (o.sessionReset) view.sessionReset = o.sessionReset;
      if (o.kind === 'command') {
        view.command = o.command;
        view.rowCount = o.rowCount;
      } else {
        const resultId = results.length + 1;
        view.command = 'SELECT';
        view.rowCount = o.page.done ? o.page.rowsSoFar : null;
        if (!o.page.done) view.rowsSoFar = o.page.rowsSoFar;
        view.resultId = resultId;
        const name = o.cursor.name;
        const pageable = !o.page.done && (name !== undefined ? (meta.openCursors ?? []).includes(name) : index === lastRan && meta.cursorOpen);
        if (pageable) pageableResults.set(resultId, name);
        results.push({
          resultId,
          statementIndex: index,
          title: resultTitle(s.sql, resultId),
          columns: o.cursor.columns.map((c) => ({ name: c.name, typeName: c.typeName, typeOid: c.typeOid, tableOid: c.tableOid, columnNumber: c.columnNumber })),
          firstPage: { packed: packRows(o.page.rows, o.cursor.columns.length), offset: 0, done: o.page.done, rowsSoFar: o.page.rowsSoFar },
          pageable,
          ...(pageable && o.cursor.scrollable ? { scrollable: true } : {}),
          ...(o.txStatus !== 'idle' ? { readInTransaction: fateAfter(index) } : {}),
          ...(o.page.done || pageable
            ? {}
            : {
                notPageableReason:
                  index === lastRan || name !== undefined
                    ? 'the cursor is closed. Run the statement again to page through it.'
                    : 'a later statement of the run closed its cursor. Run it alone to page through it, or export it.',
              }),
        });
        sources.push({ resultId, columns: o.cursor.columns, sql: s.sql, ...(name !== undefined ? { cursorName: name } : {}) });
      }
    }
    views.push(view);
  });
  // Several result sets: number the tabs, as two may come from the same table.
  if (results.length > 1) for (const r of results) r.title = `${r.resultId}: ${r.title}`;
  return {
    view: { runId, title: meta.title, readOnly: meta.readOnly, maxRowsInGrid: meta.maxRowsInGrid, ...(meta.canExplain ? { canExplain: true } : {}), statements: views, results },
    sources,
    pageable: pageableResults,
  };
}

export function errorView(error: PgError | Error): ErrorView {
  const e = error as Partial<PgError>;
  const view: ErrorView = { kind: e.kind ?? 'error', message: error.message };
  if (e.code) view.code = e.code;
  if (e.detail) view.detail = e.detail;
  if (e.hint) view.hint = e.hint;
  if (e.position !== undefined) view.position = e.position;
  if (e.where) view.where = e.where;
  return view;
}

/**
 * What became of the transaction statement `index` ran in, by the later statements of the run:
 * the first one that left the session idle ended it (its command tag says how; a failed
 * transaction only rolls back), else it is still open.
 */
function transactionFateAfter(statements: StatementRun[], index: number): TransactionFate {
  let failed = false;
  for (const s of statements.slice(index + 1)) {
    if (s.error) failed = true;
    const o = s.outcome;
    if (!o || o.txStatus !== 'idle') continue;
    if (failed || (o.kind === 'command' && o.command === 'ROLLBACK')) return 'rolledBack';
    return o.kind === 'command' && o.command === 'COMMIT' ? 'committed' : 'ended';
  }
  return 'open';
}
