/**
 * The shape every agent tool has here, and its registration with `vscode.lm.registerTool`:
 * `prepare` (no side effects: resolve the input, refuse what cannot run, say what the user must
 * confirm) and `invoke` (do it, return text for the model). Both re-read the settings and
 * profiles, since either may change between calls.
 */
import * as vscode from 'vscode';
import { PgError } from '../../pool';
import type { ConfirmationText } from './confirmation';
import { ToolRefusal } from './refusal';

export interface Prepared {
  /** Shown while the tool runs. */
  invocationMessage: string;
  /** Present when the user must say yes before the tool runs. */
  confirmation?: ConfirmationText;
}

export interface AgentTool<Input> {
  readonly name: string;
  prepare(input: Input): Promise<Prepared>;
  invoke(input: Input, token: vscode.CancellationToken): Promise<string>;
}

export function registerAgentTool<Input>(tool: AgentTool<Input>, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.lm.registerTool<Input>(tool.name, {
    prepareInvocation: async (options) => {
      const prepared = await tool.prepare(inputOf(options.input));
      return {
        invocationMessage: prepared.invocationMessage,
        ...(prepared.confirmation
          ? { confirmationMessages: { title: prepared.confirmation.title, message: new vscode.MarkdownString(prepared.confirmation.message) } }
          : {}),
      };
    },
    invoke: async (options, token) => {
      try {
        const text = await tool.invoke(inputOf(options.input), token);
        return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
      } catch (err) {
        // A refusal's message is for the model; a cancellation must stay one for VS Code.
        if (err instanceof ToolRefusal || err instanceof vscode.CancellationError) throw err;
        // Connection failures and the like: the pool's message says what to do; never a secret.
        const message = err instanceof PgError || err instanceof Error ? err.message : String(err);
        log.warn(`Agent tool ${tool.name} failed: ${message}`);
        throw new Error(message);
      }
    },
  });
}

/** A model may send anything; the tools read fields off an object and check each. */
function inputOf<Input>(input: Input): Input {
  return (typeof input === 'object' && input !== null ? input : {}) as Input;
}
