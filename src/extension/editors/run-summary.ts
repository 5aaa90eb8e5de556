/**
 * The status bar's one line about a run: how many of the script's statements ran, which one
 * failed or was cancelled, or what the last one did. Counted from the plan (every statement the
 * run meant to send), not from those that reached the server: a run that stops at its sixth of
 * seven statements says "6 of 7", never "5 of 6". No vscode here.
 */
import type { StatementRun } from '../results/contract';

export function summarizeRun(all: StatementRun[], plannedStatements: number): string {
  const statements = all.filter((s) => s.skipped === undefined);
  const total = Math.max(plannedStatements, statements.length);
  const last = statements[statements.length - 1];
  if (!last) return 'nothing ran';
  if (last.error) {
    const n = statements.length;
    const ended = last.error.kind === 'cancelled' ? 'was cancelled' : 'failed';
    if (total === 1) return `the statement ${ended}`;
    const before = n - 1;
    const notRun = total - n;
    return `statement ${n} of ${total} ${ended} (${before} ran before it${notRun > 0 ? `, ${notRun} not run` : ''})`;
  }
  const outcome = last.outcome;
  if (!outcome) return '';
  const rows = outcome.kind === 'rows' ? outcome.page.rowsSoFar : 0;
  const what =
    outcome.kind === 'rows'
      ? `${rows}${outcome.page.done ? '' : '+'} ${rows === 1 && outcome.page.done ? 'row' : 'rows'}`
      : `${outcome.command}${outcome.rowCount !== null ? ` ${outcome.rowCount}` : ''}`;
  // Cancelled between statements: the last one that ran succeeded, the rest never started.
  const stopped = statements.length < total ? `${statements.length} of ${total} statements ran (stopped); last: ` : '';
  return `${stopped || (statements.length > 1 ? `${statements.length} statements; last: ` : '')}${what} in ${Math.round(outcome.durationMs)} ms`;
}
