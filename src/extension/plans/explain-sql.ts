/**
 * What an EXPLAIN will be, decided without VS Code: which options the server takes, the EXPLAIN
 * text itself, and what the user is told before EXPLAIN ANALYZE runs a statement that changes data.
 * Pure functions, so the unit tests read the exact words the modal shows.
 */
import { EXPLAIN_OPTIONS } from '../../shared/plan-protocol';
import type { ExplainOption } from '../../shared/plan-protocol';

/** The first server_version_num that takes each option (FORMAT JSON, BUFFERS and VERBOSE are older than 12). */
const SINCE: Partial<Record<ExplainOption, { num: number; name: string }>> = {
  SETTINGS: { num: 120000, name: '12' },
  WAL: { num: 130000, name: '13' },
};

export interface OptionAvailability {
  option: ExplainOption;
  /** Why the server cannot take it; undefined when it can. */
  unavailable?: string;
}

/** Every option with, for the ones this server does not know, why. */
export function optionsFor(serverVersionNum: number): OptionAvailability[] {
  return EXPLAIN_OPTIONS.map((option) => {
    const since = SINCE[option];
    if (since && serverVersionNum < since.num) {
      return { option, unavailable: `needs PostgreSQL ${since.name} or later (this server is ${versionName(serverVersionNum)})` };
    }
    return { option };
  });
}

/** What a server does not take is dropped; WAL without ANALYZE is refused by the server, so it needs ANALYZE. */
export function effectiveOptions(picked: readonly ExplainOption[], serverVersionNum: number, analyze: boolean): ExplainOption[] {
  const available = new Set(optionsFor(serverVersionNum).filter((o) => !o.unavailable).map((o) => o.option));
  const options = new Set(picked.filter((o) => available.has(o) && o !== 'ANALYZE'));
  if (analyze) options.add('ANALYZE');
  else options.delete('WAL');
  return EXPLAIN_OPTIONS.filter((o) => options.has(o));
}

/** EXPLAIN (FORMAT JSON, ...) <statement>: the options are keywords from a fixed list, never user text. */
export function explainSql(statement: string, options: readonly ExplainOption[]): string {
  const list = ['FORMAT JSON', ...options.filter((o) => EXPLAIN_OPTIONS.includes(o))];
  return `EXPLAIN (${list.join(', ')}) ${stripTrailingSemicolon(statement)}`;
}

function stripTrailingSemicolon(sql: string): string {
  return sql.replace(/[\s;]+$/u, '');
}

/** "PostgreSQL 11.22" from 110022, "PostgreSQL 9.6.24" from 90624. */
export function versionName(num: number): string {
  const major = Math.floor(num / 10000);
  return major >= 10 ? `${major}.${num % 10000}` : `${major}.${Math.floor(num / 100) % 100}.${num % 100}`;
}

export type RollbackKind = 'transaction' | 'savepoint';

/**
 * The modal shown before EXPLAIN ANALYZE runs a statement that is not a plain query: names what it
 * is (the reason the pool's parser gave) and how it is undone.
 */
export function rollbackWarning(reason: string, how: RollbackKind): { message: string; detail: string; button: string } {
  const undo =
    how === 'savepoint'
      ? 'It runs after a SAVEPOINT and is rolled back to it, so your open transaction stays as it was.'
      : 'It runs inside BEGIN ... ROLLBACK, so nothing it changes is kept.';
  return {
    message: `EXPLAIN ANALYZE runs the statement for real: ${reason}.`,
    detail: `${undo} Triggers fire and sequences advance (a rollback does not undo nextval), and the rows it touches stay locked until it ends.`,
    button: 'Run and Roll Back',
  };
}
