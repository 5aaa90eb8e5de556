/**
 * The agent tools (contributes.languageModelTools in package.json), registered with
 * `vscode.lm.registerTool`. Safe by construction: reads run in a read-only transaction that is
 * rolled back, the agent's SQL is shown to the user before it runs, and a change is only ever
 * proposed in an editor for the user to run. See README, "Using PG Explorer with an agent".
 */
import type * as vscode from 'vscode';
import type { Connections } from '../connections/connections';
import type { DocumentBindings } from '../editors/bindings';
import type { ProfileStore } from '../profiles/store';
import { DescribeObjectTool, ListConnectionsTool, ListObjectsTool, ListSchemasTool } from './catalog-tools';
import { AgentDatabase } from './database';
import { ProposeTool } from './propose-tool';
import { ExplainTool, QueryTool } from './sql-tools';
import { registerAgentTool } from './tool';
import type { AgentTool, Prepared } from './tool';

export type { Prepared };

export interface AgentTools {
  readonly disposables: vscode.Disposable[];
  /**
   * A tool's prepare step, exactly what VS Code shows before the tool runs (its confirmation).
   * For the extension-host tests: VS Code confirms tool calls there without showing anything.
   */
  prepare(name: string, input: object): Promise<Prepared>;
}

export function registerAgentTools(
  store: ProfileStore,
  connections: Connections,
  bindings: DocumentBindings,
  log: vscode.LogOutputChannel,
): AgentTools {
  const database = new AgentDatabase(connections);
  // Each tool reads its own fields off the input and checks them (a model may send anything).
  const tools: AgentTool<object>[] = [
    new ListConnectionsTool(store, connections),
    new ListSchemasTool(store, database),
    new ListObjectsTool(store, database),
    new DescribeObjectTool(store, database),
    new QueryTool(store, database, log),
    new ExplainTool(store, database, log),
    new ProposeTool(store, bindings, log),
  ];
  return {
    disposables: tools.map((tool) => registerAgentTool(tool, log)),
    async prepare(name, input) {
      const tool = tools.find((t) => t.name === name);
      if (!tool) throw new Error(`There is no PG Explorer agent tool named ${name}.`);
      return tool.prepare(input);
    },
  };
}
