/**
 * The schema tree's node base: a stable id (a path from the profile down, so expansion state
 * survives refreshes), its TreeItem, and its children loaded on demand. Errors while loading
 * become an ErrorNode with a retry action, never an empty list; long lists end in a LoadMoreNode.
 */
import * as vscode from 'vscode';

/** What every node can reach: where it lives (profile, database) and the tree's services. */
export interface NodeContext {
  profileId: string;
  database?: string;
}

export abstract class TreeNode {
  abstract readonly id: string;
  abstract readonly context: NodeContext;
  /** The node whose children this node is among (undefined for a profile). */
  abstract readonly parent: TreeNode | undefined;
  abstract treeItem(): vscode.TreeItem;
  /** Children; nodes without any return []. */
  children(): Promise<TreeNode[]> {
    return Promise.resolve([]);
  }
  /** Forgets cached answers below this node (Refresh). */
  invalidate(): void {}

  get profileId(): string {
    return this.context.profileId;
  }
}

export class ErrorNode extends TreeNode {
  readonly id: string;
  readonly context: NodeContext;

  constructor(
    readonly parent: TreeNode,
    readonly message: string,
  ) {
    super();
    this.id = `${parent.id}/!error`;
    this.context = parent.context;
  }

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(`Could not load: ${firstLine(this.message)}`, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    item.tooltip = new vscode.MarkdownString().appendText(this.message).appendMarkdown('\n\nClick to retry.');
    item.contextValue = 'pgx.error';
    item.command = { command: 'pgExplorer.retry', title: 'Retry', arguments: [this] };
    return item;
  }
}

export class MessageNode extends TreeNode {
  readonly id: string;
  readonly context: NodeContext;

  constructor(
    readonly parent: TreeNode,
    private readonly text: string,
  ) {
    super();
    this.id = `${parent.id}/!message`;
    this.context = parent.context;
  }

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.text, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.contextValue = 'pgx.message';
    return item;
  }
}

/** The last row of a paged list: shows the next page when clicked. */
export class LoadMoreNode extends TreeNode {
  readonly id: string;
  readonly context: NodeContext;

  constructor(
    readonly parent: TreeNode & { showMore(): void },
    private readonly shown: number,
    private readonly total: number,
  ) {
    super();
    this.id = `${parent.id}/!more`;
    this.context = parent.context;
  }

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(`Load more… (${this.shown} of ${this.total} shown)`, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('ellipsis');
    item.contextValue = 'pgx.loadMore';
    item.command = { command: 'pgExplorer.loadMore', title: 'Load more', arguments: [this.parent] };
    return item;
  }
}

export function firstLine(text: string): string {
  const line = text.split('\n')[0];
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

/** A markdown tooltip from lines, the first in bold; text is escaped. */
export function tooltip(title: string, lines: (string | null | undefined)[]): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown('**').appendText(title).appendMarkdown('**');
  for (const line of lines) if (line) md.appendMarkdown('\n\n').appendText(line);
  return md;
}
