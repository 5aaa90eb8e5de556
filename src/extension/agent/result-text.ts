/**
 * What the model reads back: rows as JSON arrays of the server's text (so NULL and the string
 * 'NULL' stay apart and nothing is reformatted), one per line, and a last line that says whether
 * the result is whole or where and why it was cut. Plain text, no vscode.
 */
import type { PgError } from '../../pool';
import type { QueryOutcome } from './query';

export interface ResultContext {
  connection: string;
  database: string;
  statementTimeoutMs: number;
  maxRows: number;
  maxResultBytes: number;
}

export function queryResultText(outcome: QueryOutcome, context: ResultContext): string {
  const head = `Read-only query on ${JSON.stringify(context.connection)}, database ${JSON.stringify(context.database)} (the transaction was rolled back).`;
  if (outcome.kind === 'error') return `${head}\n${serverErrorText(outcome.error, context)}`;
  if (outcome.kind === 'command') {
    const count = outcome.rowCount === null ? '' : ` (${outcome.rowCount} rows)`;
    return `${head}\nThe statement returned no rows: ${outcome.command}${count}.`;
  }
  const columns = outcome.columns.map((c) => `${c.name} ${c.typeName}`).join(', ');
  const lines = [
    head,
    `Columns: ${columns}`,
    'Rows, one JSON array per line, each value as PostgreSQL printed it (null is SQL NULL):',
    ...outcome.rows.map((row) => JSON.stringify(row)),
    cutLine(outcome, context),
  ];
  return lines.join('\n');
}

function cutLine(outcome: Extract<QueryOutcome, { kind: 'rows' }>, context: ResultContext): string {
  const n = outcome.rows.length;
  if (outcome.cut === 'rows') {
    return (
      `RESULT CUT: these are the first ${n} rows; the query returned more (row cap ${context.maxRows}, ` +
      'the setting pgExplorer.agent.maxRows). Narrow it with WHERE, LIMIT or an aggregate to see others.'
    );
  }
  if (outcome.cut === 'bytes' && n === 0) {
    return (
      `RESULT CUT: no rows shown; the first row alone is larger than the byte cap (${context.maxResultBytes} bytes, ` +
      'the setting pgExplorer.agent.maxResultBytes). Select fewer columns, or shorten long ones (e.g. left(col, 200)).'
    );
  }
  if (outcome.cut === 'bytes') {
    return (
      `RESULT CUT: these are the first ${n} rows; the next row would pass the byte cap (${context.maxResultBytes} bytes, ` +
      'the setting pgExplorer.agent.maxResultBytes). Select fewer or shorter columns, or fewer rows.'
    );
  }
  return `${n} ${n === 1 ? 'row' : 'rows'}: the whole result.`;
}

/** The plan as the server printed it (EXPLAIN's one JSON value), cut at the byte cap if it must be. */
export function explainResultText(outcome: QueryOutcome, context: ResultContext, analyze: boolean): string {
  const head =
    `EXPLAIN${analyze ? ' ANALYZE' : ''} on ${JSON.stringify(context.connection)}, database ${JSON.stringify(context.database)}` +
    `${analyze ? ' (the statement was executed in a read-only transaction, then rolled back)' : ''}.`;
  if (outcome.kind === 'error') return `${head}\n${serverErrorText(outcome.error, context)}`;
  if (outcome.kind !== 'rows' || outcome.rows.length === 0) return `${head}\nThe server returned no plan.`;
  const plan = outcome.rows.map((row) => row[0] ?? '').join('\n');
  const bytes = Buffer.from(plan, 'utf8');
  if (outcome.cut !== 'bytes' && bytes.length <= context.maxResultBytes) return `${head}\nPlan (JSON):\n${plan}`;
  // Cut on a character boundary: decoding a prefix may end in a partial character, which is dropped.
  const prefix = bytes.subarray(0, context.maxResultBytes).toString('utf8').replace(/\uFFFD$/, '');
  return (
    `${head}\nPlan (JSON, cut):\n${prefix}\nPLAN CUT at ${context.maxResultBytes} bytes (the setting ` +
    'pgExplorer.agent.maxResultBytes): the JSON above is incomplete. Explain a smaller part of the query.'
  );
}

/** A server error as the model should read it: the server's own text and fields, and what it means here. */
export function serverErrorText(error: PgError, context: Pick<ResultContext, 'statementTimeoutMs'>): string {
  const code = error.code ? ` (SQLSTATE ${error.code})` : '';
  const lines = [`ERROR${code}: ${error.message}`];
  if (error.detail) lines.push(`DETAIL: ${error.detail}`);
  if (error.hint) lines.push(`HINT: ${error.hint}`);
  if (error.position !== undefined) lines.push(`POSITION: character ${error.position} of the statement`);
  if (error.code === '25006') {
    lines.push(
      'The server refused to write: these tools run statements in a read-only transaction. Nothing was changed. ' +
        'To change data, use pgExplorer_proposeSql: it opens the SQL in an editor for the user to review and run.',
    );
  } else if (error.code === '57014' && error.kind !== 'cancelled') {
    lines.push(
      `The statement was stopped by statement_timeout (${context.statementTimeoutMs / 1000} s, the setting ` +
        'pgExplorer.agent.statementTimeoutSeconds). Make it cheaper (a WHERE, a LIMIT, an index) or ask the user to raise the limit.',
    );
  } else if (error.kind === 'cancelled') {
    lines.push('The statement was cancelled on request.');
  }
  return lines.join('\n');
}
