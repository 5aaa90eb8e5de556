/**
 * What execute reads of a Run's statement before anything is sent: why it is not one plain query
 * (a cursor can be declared only over one), and the most rows its whole result can have (what fits
 * the first page goes as one Query message, whole-result.ts). Both come from the server's own
 * parser (libpg-query), which costs ~5 us in a tight loop but 13 us or more between round trips,
 * its WASM code and memory gone cold by then: as much as the rest of the pool's work on a
 * statement of one round trip.
 *
 * A verdict depends on the text alone (the parser knows no server, session or setting), so the
 * last verdicts are kept by text and a statement run again is not parsed again. The cache is
 * bounded by count and by text length, and holds the two small values, never the tree: a text
 * run for the first time always pays the parse. (The bench's figure 6 repeats one text, so it
 * measures a hit; its "a new text each time" line measures a miss.)
 */
import { readStatement } from './statement-kind';
import { wholeRowBound } from './whole-result';

export interface StatementVerdict {
  /** Why the text is not one plain SELECT / VALUES / TABLE; undefined when it is one. */
  notPlain: string | undefined;
  /** The most rows its whole result can have (0 for a command); null when the text does not bound it. */
  rowBound: number | null;
}

/** Verdicts kept (the oldest use goes first). */
export const MAX_VERDICTS = 64;
/** Longer texts are parsed each time: the cache stays under ~1 MB of keys. */
export const MAX_VERDICT_TEXT = 8_192;

const verdicts = new Map<string, StatementVerdict>();

/** The verdict on `sql` if it was read lately; no parser, no await. */
export function cachedVerdict(sql: string): StatementVerdict | undefined {
  const verdict = verdicts.get(sql);
  if (verdict === undefined) return undefined;
  // Most recently used last: Map keeps insertion order, so the first key is the one to drop.
  verdicts.delete(sql);
  verdicts.set(sql, verdict);
  return verdict;
}

/** Reads `sql` with the parser and keeps the verdict (unless the text is too long to keep). */
export async function readVerdict(sql: string): Promise<StatementVerdict> {
  const read = await readStatement(sql);
  const verdict: StatementVerdict = { notPlain: read.notPlain, rowBound: wholeRowBound(read) };
  if (sql.length <= MAX_VERDICT_TEXT) {
    verdicts.delete(sql);
    verdicts.set(sql, verdict);
    if (verdicts.size > MAX_VERDICTS) verdicts.delete(verdicts.keys().next().value as string);
  }
  return verdict;
}

/** How many verdicts are kept now (for tests of the bound). */
export function verdictCount(): number {
  return verdicts.size;
}
