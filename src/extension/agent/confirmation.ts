/**
 * What the user reads before an agent's SQL runs: the connection, the database, the exact text
 * sent, and what wraps it. Plain markdown text (no vscode), so tests read exactly what the
 * confirmation shows.
 *
 * The SQL goes in a fenced block whose fence is longer than any run of backticks in it, so no
 * SQL can close the block early and make the rest of itself render as something else; names go
 * through escapeMarkdown for the same reason.
 */
import { READ_ONLY_PRELUDE } from './database';

export interface ConfirmationText {
  title: string;
  /** Markdown. */
  message: string;
}

export interface ConfirmationContext {
  connection: string;
  database: string;
  statementTimeoutMs: number;
}

export function queryConfirmation(context: ConfirmationContext, statement: string, limits: { maxRows: number; maxResultBytes: number }): ConfirmationText {
  return {
    title: `Run a read-only query on ${context.connection} / ${context.database}?`,
    message: [
      where(context),
      '',
      sqlBlock(statement),
      '',
      wrapping(context),
      '',
      `The agent gets at most ${limits.maxRows} rows and ${formatBytes(limits.maxResultBytes)} of the result, values as PostgreSQL prints them.`,
    ].join('\n'),
  };
}

export function explainConfirmation(context: ConfirmationContext, explain: string, analyze: boolean): ConfirmationText {
  if (!analyze) {
    return {
      title: `Explain a query on ${context.connection} / ${context.database}?`,
      message: [where(context), '', sqlBlock(explain), '', 'EXPLAIN plans the statement without running it.', '', wrapping(context)].join('\n'),
    };
  }
  return {
    title: `Execute a statement to measure it on ${context.connection} / ${context.database}?`,
    message: [
      where(context),
      '',
      sqlBlock(explain),
      '',
      '**EXPLAIN ANALYZE executes the statement**, with its full cost on the server, to measure it.',
      wrapping(context),
    ].join('\n'),
  };
}

function where(context: ConfirmationContext): string {
  return `Connection **${escapeMarkdown(context.connection)}**, database **${escapeMarkdown(context.database)}**:`;
}

function wrapping(context: ConfirmationContext): string {
  const seconds = context.statementTimeoutMs / 1000;
  return (
    `It runs on a session of its own (never an editor's) inside \`${READ_ONLY_PRELUDE[0]}\` with ` +
    `statement_timeout ${seconds} s, and the transaction is rolled back: the server refuses any write ` +
    '(SQLSTATE 25006).'
  );
}

/** A fenced `sql` block that the text cannot close. */
export function sqlBlock(sql: string): string {
  const longestRun = Math.max(0, ...[...sql.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}sql\n${sql}\n${fence}`;
}

/** Backslash-escapes every character markdown gives a meaning. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#+\-.!|~]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

export function formatBytes(bytes: number): string {
  return bytes >= 1024 && bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
}
