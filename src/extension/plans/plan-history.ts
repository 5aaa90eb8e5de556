/**
 * The plans of each SQL editor: the last MAX_PLANS EXPLAINs run from it, oldest first, each with
 * its SQL, options and time, so two can be compared (before and after an index). Kept in memory
 * for the editor's life: the list goes when the document closes.
 */
import * as vscode from 'vscode';
import type { PlanEntry } from '../../shared/plan-protocol';

export const MAX_PLANS = 20;

export class PlanHistory implements vscode.Disposable {
  private readonly plans = new Map<string, PlanEntry[]>();
  private readonly closed = vscode.workspace.onDidCloseTextDocument((doc) => this.plans.delete(doc.uri.toString()));

  add(uri: vscode.Uri, entry: PlanEntry): PlanEntry[] {
    const list = [...(this.plans.get(uri.toString()) ?? []), entry].slice(-MAX_PLANS);
    this.plans.set(uri.toString(), list);
    return list;
  }

  list(uri: vscode.Uri): PlanEntry[] {
    return this.plans.get(uri.toString()) ?? [];
  }

  dispose(): void {
    this.closed.dispose();
    this.plans.clear();
  }
}
