/**
 * The only way an agent's change reaches a database: it proposes the SQL, and this tool opens it
 * in a new untitled sql editor bound to the connection, for the user to read and run (their
 * session, their transaction, Commit / Rollback in the status bar). The tool never runs it, so it
 * asks no confirmation: the editor is what the user reviews. Refused on a read-only connection
 * (access.ts).
 */
import * as vscode from 'vscode';
import type { DocumentBindings } from '../editors/bindings';
import type { ProfileStore } from '../profiles/store';
import { resolveConnection } from './access';
import { proposalHeader } from './proposal';
import { ToolRefusal } from './refusal';
import { agentSettings } from './settings';
import { throwIfCancelled } from './sql-tools';
import type { AgentTool, Prepared } from './tool';

export const PROPOSE_TOOL = 'pgExplorer_proposeSql';

export interface ProposeInput {
  connection?: unknown;
  database?: unknown;
  sql?: unknown;
  explanation?: unknown;
}

export class ProposeTool implements AgentTool<ProposeInput> {
  readonly name = PROPOSE_TOOL;

  constructor(
    private readonly store: ProfileStore,
    private readonly bindings: DocumentBindings,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async prepare(input: ProposeInput): Promise<Prepared> {
    const { profile, target } = resolveConnection(this.store.list(), input, 'propose', agentSettings().enabled);
    proposedSql(input.sql);
    return { invocationMessage: `Opening proposed SQL for ${profile.name} / ${target.database} in an editor (not run)` };
  }

  async invoke(input: ProposeInput, token: vscode.CancellationToken): Promise<string> {
    const { profile, target } = resolveConnection(this.store.list(), input, 'propose', agentSettings().enabled);
    const sql = proposedSql(input.sql);
    throwIfCancelled(token);
    const content = `${proposalHeader(profile.name, target.database, input.explanation)}${sql.endsWith('\n') ? sql : `${sql}\n`}`;
    const document = await vscode.workspace.openTextDocument({ language: 'sql', content });
    await this.bindings.set(document.uri, { profileId: profile.id, database: target.database });
    await vscode.window.showTextDocument(document, { preview: false });
    this.log.info(`Agent proposed SQL for ${profile.name} / ${target.database} in ${document.uri.toString()}.`);
    return (
      `Opened the SQL in a new editor (${document.uri.toString()}) bound to ${JSON.stringify(profile.name)}, database ` +
      `${JSON.stringify(target.database)}. It has NOT run: the user reviews it and runs it, in their own session and ` +
      'transaction, or not at all. Do not assume it ran; ask the user what happened.'
    );
  }
}

function proposedSql(sql: unknown): string {
  if (typeof sql !== 'string' || sql.trim() === '') throw new ToolRefusal(`${PROPOSE_TOOL} needs "sql": the statements to propose.`);
  return sql;
}
