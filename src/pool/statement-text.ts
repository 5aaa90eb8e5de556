/**
 * Checks on SQL text before it goes on the wire. The protocol carries statements as C strings in
 * UTF-8: a NUL cuts the message short (the server answers only "insufficient data left in
 * message"), and a lone UTF-16 surrogate has no UTF-8 form, so Node would silently send U+FFFD in
 * its place and the server would store a different character than the one in the editor.
 */
import { PgError } from './errors';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function checkStatementText(sql: string): void {
  const nul = sql.indexOf('\u0000');
  if (nul >= 0) {
    throw new PgError(
      'query',
      `The statement contains a NUL character (U+0000) at position ${nul + 1}; PostgreSQL does not accept it in SQL text. ` +
        'Remove it, or pass such data as a bytea parameter.',
      { position: nul + 1 },
    );
  }
  const lone = LONE_SURROGATE.exec(sql);
  if (lone) {
    throw new PgError('query', loneSurrogateMessage('The statement', lone[0], lone.index), { position: lone.index + 1 });
  }
}

/** String parameters must have a UTF-8 form too; NUL in a parameter is left to the server (22021). */
export function checkParameters(params: unknown[] | undefined): void {
  params?.forEach((value, i) => {
    if (typeof value !== 'string') return;
    const lone = LONE_SURROGATE.exec(value);
    if (lone) throw new PgError('query', loneSurrogateMessage(`Parameter $${i + 1}`, lone[0], lone.index));
  });
}

function loneSurrogateMessage(what: string, char: string, index: number): string {
  const code = char.charCodeAt(0).toString(16).toUpperCase();
  return (
    `${what} contains a lone UTF-16 surrogate (U+${code}) at position ${index + 1}, which has no UTF-8 form: ` +
    'sent as it is, it would be stored as U+FFFD. Fix the text (often half of a broken emoji) and run it again.'
  );
}
