/**
 * The server check: a statement goes to the server as a protocol Parse message only (the unnamed
 * prepared statement) followed by Sync. The server parses and analyzes it (an unknown table or
 * column, an ambiguous name or a type mismatch fails here, with its position) and plans nothing,
 * binds nothing, executes nothing: no row is read or written, no trigger or function body runs.
 *
 * node-postgres runs any object with `submit(connection)` as a query and routes the backend's
 * replies to its handle* methods (how pg-cursor works). The casts into those internals stay in
 * this file, as connection.ts keeps its own.
 */
import type { Client } from 'pg';
import { quoteIdent } from './edit';
import { PgError, isConnectionLossError, toQueryError } from './errors';

export interface CheckOptions {
  /**
   * The schemas names are looked up in, in order, as a tab's session has them after its own
   * `SET search_path`: the check then runs inside a transaction of its own under SET LOCAL, rolled
   * back after, so the checking session's own setting never changes.
   */
  searchPath?: readonly string[];
}

/** The part of node-postgres' protocol connection that a Parse-only check writes to. */
interface ProtocolConnection {
  parse(message: { text: string; name?: string; types?: number[] }): void;
  sync(): void;
}

/** What node-postgres calls on the query in flight (client.js routes backend messages here). */
class ParseOnly {
  private settled = false;

  constructor(
    private readonly text: string,
    private readonly done: (error: unknown) => void,
  ) {}

  submit(connection: ProtocolConnection): void {
    connection.parse({ text: this.text, types: [] });
    connection.sync();
  }

  /**
   * The client forgets the query in flight on an ErrorResponse (its ReadyForQuery then goes to
   * nobody), so the check settles here; the client sends nothing more until that ReadyForQuery.
   */
  handleError(error: unknown): void {
    this.settle(error);
  }

  handleReadyForQuery(): void {
    this.settle(undefined);
  }

  private settle(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.done(error);
  }

  // Not expected after Parse + Sync; present so a stray message cannot throw inside the client.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyInResponse(): void {}
  handleCopyData(): void {}
}

/**
 * Parses and analyzes `sql` on the server without running it. Resolves to the server's error
 * (with its 1-based `position` in `sql`) or undefined when the statement is valid; rejects only
 * when the connection itself fails.
 */
export async function checkStatement(client: Client, sql: string, options: CheckOptions = {}): Promise<PgError | undefined> {
  if (!options.searchPath) return parseOnly(client, sql);
  const path = options.searchPath.length > 0 ? options.searchPath.map(quoteIdent).join(', ') : "''";
  await client.query(`BEGIN READ ONLY; SET LOCAL search_path TO ${path}`);
  try {
    return await parseOnly(client, sql);
  } finally {
    // After a failed Parse the transaction is aborted; ROLLBACK ends it either way.
    await client.query('ROLLBACK');
  }
}

function parseOnly(client: Client, sql: string): Promise<PgError | undefined> {
  return new Promise((resolve, reject) => {
    const check = new ParseOnly(sql, (error) => {
      if (error === undefined) resolve(undefined);
      else if (isConnectionLossError(error)) reject(toQueryError(error, { cancelRequested: false }));
      else resolve(toQueryError(error, { cancelRequested: false }));
    });
    try {
      (client as unknown as { query(submittable: ParseOnly): unknown }).query(check);
    } catch (err) {
      reject(err instanceof PgError ? err : toQueryError(err, { cancelRequested: false }));
    }
  });
}
