/**
 * The agent settings (`pgExplorer.agent.*`). All are application-scoped, like the connections:
 * a folder someone else wrote cannot turn the tools on or raise their limits.
 */
import * as vscode from 'vscode';

export const AGENT_SECTION = 'pgExplorer.agent';

export interface AgentLimits {
  /** Most rows a query result hands the model. */
  maxRows: number;
  /** Most bytes of row text (or plan text) a result hands the model. */
  maxResultBytes: number;
  /** statement_timeout of the tools' transactions. */
  statementTimeoutMs: number;
}

export interface AgentSettings extends AgentLimits {
  enabled: boolean;
}

export function agentSettings(): AgentSettings {
  const config = vscode.workspace.getConfiguration(AGENT_SECTION);
  return {
    enabled: config.get<boolean>('enabled', true),
    maxRows: bounded(config.get<unknown>('maxRows'), 200, 1, 10_000),
    maxResultBytes: bounded(config.get<unknown>('maxResultBytes'), 32_768, 1_024, 1_048_576),
    statementTimeoutMs: bounded(config.get<unknown>('statementTimeoutSeconds'), 10, 1, 3_600) * 1_000,
  };
}

/** Hand-edited settings may be out of range or not numbers: the schema's bounds hold anyway. */
function bounded(value: unknown, fallback: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.round(value)));
}
