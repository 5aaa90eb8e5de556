/**
 * What a psql backslash meta-command does to the statement being collected, as psql's
 * command.c has it. PG Explorer runs no meta-command itself; it only keeps psql's statement
 * boundaries (`\g` sends the query, `\r` throws it away) and says which ones it skipped.
 */

export type MetaEffect =
  /** Sends the query collected so far, like `;` (`\g`, `\gx`). */
  | 'send'
  /** Sends the query, then does something psql-side we skip (`\gset`, `\gexec`, `\watch`). */
  | 'send-then-skip'
  /** Throws the query away unsent (`\r`; `\gdesc` only describes it). */
  | 'discard'
  /** Runs in psql alone; the query goes on collecting (`\set`, `\echo`, `\d`, `\i`, ...). */
  | 'skip';

const EFFECTS: Record<string, MetaEffect> = {
  g: 'send',
  gx: 'send',
  gset: 'send-then-skip',
  gexec: 'send-then-skip',
  watch: 'send-then-skip',
  crosstabview: 'send-then-skip',
  gdesc: 'discard',
  r: 'discard',
  reset: 'discard',
};

export function metaEffect(name: string): MetaEffect {
  return EFFECTS[name] ?? 'skip';
}

/** Says the meta-command was not run, and what became of the statement before it. */
export function skippedNote(name: string): string {
  const note = `psql meta-command \\${name} skipped: PG Explorer does not run psql meta-commands`;
  switch (metaEffect(name)) {
    case 'send-then-skip':
      return `${note} (the statement before it ran; what \\${name} does with its result did not happen)`;
    case 'discard':
      return `${note} (the statement before it was not run, as psql would not run it)`;
    default:
      return note;
  }
}
