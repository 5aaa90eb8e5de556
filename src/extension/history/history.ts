/**
 * Query history per profile: the last statements run, newest first, kept in the extension's
 * global state with their secrets removed and their size capped (history-store.ts). Searchable
 * from a quick pick and reopened into an editor bound to the same profile and database.
 */
import * as vscode from 'vscode';
import type { HistoryEntry, QueryHistory } from './history-store';

export { HISTORY_LIMIT, QueryHistory } from './history-store';
export type { HistoryEntry } from './history-store';

/** Quick pick over a profile's history; resolves to the chosen entry. */
export async function pickHistoryEntry(history: QueryHistory, profileId: string, profileName: string): Promise<HistoryEntry | undefined> {
  const entries = history.list(profileId);
  if (entries.length === 0) {
    void vscode.window.showInformationMessage(`No query history for ${profileName} yet.`);
    return undefined;
  }
  type Item = vscode.QuickPickItem & { entry: HistoryEntry };
  const items: Item[] = entries.map((entry) => ({
    label: `${entry.ok ? '$(check)' : '$(error)'} ${oneLine(entry.sql, 100)}`,
    description: `${entry.database} · ${new Date(entry.ranAt).toLocaleString()}`,
    detail: entry.sql.length > 100 || entry.sql.includes('\n') ? oneLine(entry.sql, 400) : undefined,
    entry,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: `Query history: ${profileName}`,
    placeHolder: 'Search the statements run on this connection',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.entry;
}

function oneLine(sql: string, max: number): string {
  const line = sql.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
