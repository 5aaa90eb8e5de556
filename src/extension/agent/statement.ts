/**
 * The one statement a query or explain call may carry, cut out by the editor's own splitter
 * (psql's own lexing rules), so `;` inside strings, dollar quotes and comments never counts, and the
 * text the confirmation shows is the text sent. Several statements are refused here rather than
 * left to the server: one confirmation must mean one statement.
 */
import { splitStatements } from '../sql/splitter';
import { ToolRefusal } from './refusal';

/** The statement's text without its terminating `;`. */
export async function singleStatement(sql: unknown, tool: string): Promise<string> {
  if (typeof sql !== 'string' || sql.trim() === '') {
    throw new ToolRefusal(`${tool} needs "sql": the text of one SQL statement.`);
  }
  const statements = splitStatements(sql);
  if (statements.length === 0) throw new ToolRefusal(`The "sql" given to ${tool} holds no statement (only comments or blanks).`);
  if (statements.length > 1) {
    throw new ToolRefusal(
      `The "sql" given to ${tool} holds ${statements.length} statements; it runs exactly one per call. ` +
        'Send each statement in a call of its own.',
    );
  }
  return statements[0].text;
}

/** `EXPLAIN (FORMAT JSON) <statement>`; with ANALYZE (and BUFFERS) the statement is executed. */
export function explainSql(statement: string, analyze: boolean): string {
  return `EXPLAIN (${analyze ? 'ANALYZE, BUFFERS, ' : ''}FORMAT JSON) ${statement}`;
}
