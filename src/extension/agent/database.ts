/**
 * The agent tools' only door to the pool: every pool call they make is in this file. The rest of
 * src/extension/agent sees an AgentSession (one short session inside a read-only transaction) and
 * an AgentCatalog (the catalog reads of one database), so a change of the pool's session API is a
 * change of this file alone.
 *
 * A session here is never a user's: each call gets an id of its own, starts `BEGIN READ ONLY`
 * with a transaction-local statement_timeout, and always ends with ROLLBACK and a release, so the
 * connection goes back to the pool reset whatever the statement did or how it failed.
 */
import { randomUUID } from 'node:crypto';
import type * as vscode from 'vscode';
import type { DdlKind, ExecutionOutcome, PageResult, RelationDescription, SchemaContents, SchemaSummary } from '../../pool';
import type { Connections } from '../connections/connections';

/** Which database of which profile a tool works on. */
export interface AgentTarget {
  profileId: string;
  database: string;
}

/** One statement at a time inside the read-only transaction the session was opened with. */
export interface AgentSession {
  execute(sql: string, options?: { params?: unknown[]; pageSize?: number }): Promise<ExecutionOutcome>;
  fetchPage(pageSize?: number): Promise<PageResult>;
}

export interface AgentCatalog {
  listSchemas(): Promise<SchemaSummary[]>;
  schemaContents(schema: string): Promise<SchemaContents>;
  describeRelation(schema: string, name: string): Promise<RelationDescription>;
  getDdl(kind: DdlKind, schema: string, name: string): Promise<string>;
}

/** The SQL a read-only session starts with (the confirmation shows it, so it is defined once). */
export const READ_ONLY_PRELUDE = ['BEGIN READ ONLY', "SELECT pg_catalog.set_config('statement_timeout', $1, true)"] as const;

export class AgentDatabase {
  constructor(private readonly connections: Connections) {}

  /** The catalog of one database (opening its pool on first use; that may ask for a password). */
  async catalog(target: AgentTarget): Promise<AgentCatalog> {
    const pool = await this.connections.pool(target.profileId, target.database);
    return {
      listSchemas: () => pool.listSchemas(),
      schemaContents: (schema) => pool.schemaContents(schema),
      describeRelation: (schema, name) => pool.describeRelation(schema, name),
      getDdl: (kind, schema, name) => pool.getDdl(kind, schema, name),
    };
  }

  /**
   * Runs `work` on a session of its own inside `BEGIN READ ONLY` with statement_timeout set for
   * that transaction only. The token's cancellation sends a protocol cancel for what is running.
   * Whatever happens, the transaction is rolled back and the session released.
   */
  async withReadOnlySession<T>(
    target: AgentTarget,
    statementTimeoutMs: number,
    token: vscode.CancellationToken,
    work: (session: AgentSession) => Promise<T>,
  ): Promise<T> {
    const pool = await this.connections.pool(target.profileId, target.database);
    const session = pool.session(`pg-explorer:agent:${randomUUID().slice(0, 8)}`);
    const cancelling = token.onCancellationRequested(() => void session.cancel().catch(() => false));
    let begun = false;
    try {
      await session.execute(READ_ONLY_PRELUDE[0]);
      begun = true;
      // A parameter, not text pasted into SET: the value never becomes SQL.
      await session.execute(READ_ONLY_PRELUDE[1], { params: [`${Math.round(statementTimeoutMs)}ms`] });
      return await work({
        execute: (sql, options = {}) => session.execute(sql, options),
        fetchPage: (pageSize) => session.fetchPage(pageSize),
      });
    } finally {
      cancelling.dispose();
      // ROLLBACK closes the cursor first (execute does) and ends the transaction; on a lost
      // connection it fails, and the release below drops the connection instead. Without a
      // BEGIN (no free connection, say) there is nothing to roll back, and no reason to wait again.
      if (begun) await session.execute('ROLLBACK').catch(() => undefined);
      await session.release().catch(() => undefined);
    }
  }
}
