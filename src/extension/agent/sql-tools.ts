/**
 * The two tools that send an agent's SQL to a server: the read-only query and the explain.
 * Each asks the user first, showing the connection, the database and the exact statement
 * (confirmation.ts), and runs on a short session of its own in a read-only transaction that is
 * rolled back (database.ts), so a write fails at the server with SQLSTATE 25006.
 */
import * as vscode from 'vscode';
import { resolveConnection } from './access';
import type { ResolvedConnection } from './access';
import { explainConfirmation, queryConfirmation } from './confirmation';
import type { AgentDatabase } from './database';
import { runCapped } from './query';
import { explainResultText, queryResultText } from './result-text';
import type { ResultContext } from './result-text';
import { agentSettings } from './settings';
import type { AgentSettings } from './settings';
import { explainSql, singleStatement } from './statement';
import type { AgentTool, Prepared } from './tool';
import type { ProfileStore } from '../profiles/store';

export const QUERY_TOOL = 'pgExplorer_query';
export const EXPLAIN_TOOL = 'pgExplorer_explain';

/** Explain returns one JSON value; it is cut as text (result-text.ts), not as a row. */
const PLAN_READ_BYTES = 64 * 1024 * 1024;

export interface QueryInput {
  connection?: unknown;
  database?: unknown;
  sql?: unknown;
}

export interface ExplainInput extends QueryInput {
  analyze?: unknown;
}

interface Plan {
  resolved: ResolvedConnection;
  settings: AgentSettings;
  /** Exactly what is sent after the read-only prelude. */
  sql: string;
}

export class QueryTool implements AgentTool<QueryInput> {
  readonly name = QUERY_TOOL;

  constructor(
    private readonly store: ProfileStore,
    private readonly database: AgentDatabase,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  private async plan(input: QueryInput): Promise<Plan> {
    const settings = agentSettings();
    const resolved = resolveConnection(this.store.list(), input, 'read', settings.enabled);
    return { resolved, settings, sql: await singleStatement(input.sql, QUERY_TOOL) };
  }

  async prepare(input: QueryInput): Promise<Prepared> {
    const { resolved, settings, sql } = await this.plan(input);
    return {
      invocationMessage: `Running a read-only query on ${resolved.profile.name} / ${resolved.target.database}`,
      confirmation: queryConfirmation(confirmationContext(resolved, settings), sql, settings),
    };
  }

  async invoke(input: QueryInput, token: vscode.CancellationToken): Promise<string> {
    const { resolved, settings, sql } = await this.plan(input);
    throwIfCancelled(token);
    this.log.info(`Agent query on ${resolved.profile.name} / ${resolved.target.database}: ${sql}`);
    const outcome = await this.database.withReadOnlySession(resolved.target, settings.statementTimeoutMs, token, (session) =>
      runCapped(session, sql, settings),
    );
    return queryResultText(outcome, resultContext(resolved, settings));
  }
}

export class ExplainTool implements AgentTool<ExplainInput> {
  readonly name = EXPLAIN_TOOL;

  constructor(
    private readonly store: ProfileStore,
    private readonly database: AgentDatabase,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  private async plan(input: ExplainInput): Promise<Plan & { analyze: boolean }> {
    const settings = agentSettings();
    const resolved = resolveConnection(this.store.list(), input, 'read', settings.enabled);
    const analyze = input.analyze === true;
    return { resolved, settings, analyze, sql: explainSql(await singleStatement(input.sql, EXPLAIN_TOOL), analyze) };
  }

  async prepare(input: ExplainInput): Promise<Prepared> {
    const { resolved, settings, sql, analyze } = await this.plan(input);
    return {
      invocationMessage: `${analyze ? 'Executing and measuring' : 'Explaining'} a statement on ${resolved.profile.name} / ${resolved.target.database}`,
      confirmation: explainConfirmation(confirmationContext(resolved, settings), sql, analyze),
    };
  }

  async invoke(input: ExplainInput, token: vscode.CancellationToken): Promise<string> {
    const { resolved, settings, sql, analyze } = await this.plan(input);
    throwIfCancelled(token);
    this.log.info(`Agent explain on ${resolved.profile.name} / ${resolved.target.database}: ${sql}`);
    const outcome = await this.database.withReadOnlySession(resolved.target, settings.statementTimeoutMs, token, (session) =>
      runCapped(session, sql, { maxRows: 1, maxResultBytes: PLAN_READ_BYTES }),
    );
    return explainResultText(outcome, resultContext(resolved, settings), analyze);
  }
}

function confirmationContext(resolved: ResolvedConnection, settings: AgentSettings): { connection: string; database: string; statementTimeoutMs: number } {
  return { connection: resolved.profile.name, database: resolved.target.database, statementTimeoutMs: settings.statementTimeoutMs };
}

function resultContext(resolved: ResolvedConnection, settings: AgentSettings): ResultContext {
  return { ...confirmationContext(resolved, settings), maxRows: settings.maxRows, maxResultBytes: settings.maxResultBytes };
}

export function throwIfCancelled(token: vscode.CancellationToken): void {
  if (token.isCancellationRequested) throw new vscode.CancellationError();
}
