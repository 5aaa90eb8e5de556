/**
 * The query history's storage: per profile, newest first, in the extension's global state.
 * What goes in has its secrets removed (redact.ts) and is capped, so that neither a password nor
 * a pasted 50 MB INSERT ends up in VS Code's state database: an entry keeps at most
 * MAX_ENTRY_CHARS characters, a profile's history at most HISTORY_LIMIT entries and
 * MAX_TOTAL_CHARS characters (oldest dropped first).
 */
import { loadScanner } from '../sql/scanner';
import { redactSecrets } from './redact';

export const HISTORY_LIMIT = 500;
export const MAX_ENTRY_CHARS = 20_000;
export const MAX_TOTAL_CHARS = 1_000_000;

export interface HistoryEntry {
  sql: string;
  database: string;
  /** ms since the epoch. */
  ranAt: number;
  ok: boolean;
}

/** The part of vscode.Memento the history uses (so the store runs outside VS Code too). */
export interface HistoryState {
  get<T>(key: string, defaultValue: T): T;
  update(key: string, value: unknown): Thenable<void>;
}

export class QueryHistory {
  constructor(private readonly state: HistoryState) {}

  list(profileId: string): HistoryEntry[] {
    return this.state.get<HistoryEntry[]>(key(profileId), []);
  }

  async add(profileId: string, entries: HistoryEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await loadScanner();
    const kept = [...entries].reverse().map((entry) => ({ ...entry, sql: keptText(entry.sql) }));
    const next: HistoryEntry[] = [];
    let total = 0;
    for (const entry of [...kept, ...this.list(profileId)]) {
      if (next.length >= HISTORY_LIMIT || total + entry.sql.length > MAX_TOTAL_CHARS) break;
      next.push(entry);
      total += entry.sql.length;
    }
    await this.state.update(key(profileId), next);
  }

  async clear(profileId: string): Promise<void> {
    await this.state.update(key(profileId), undefined);
  }
}

/**
 * Cut first, then redacted: a 50 MB INSERT is never parsed whole in the extension host. A cut
 * statement does not parse, so its secrets are found by the scanner's tokens (redact.ts); the
 * redaction marker may be a little longer than the secret it replaces, hence the margin.
 */
function keptText(sql: string): string {
  if (sql.length <= MAX_ENTRY_CHARS) return redactSecrets(sql);
  const note = `\n-- … cut by the history: ${sql.length} characters in all`;
  return redactSecrets(sql.slice(0, MAX_ENTRY_CHARS - note.length - 200)).slice(0, MAX_ENTRY_CHARS - note.length) + note;
}

function key(profileId: string): string {
  return `pgExplorer.history.${profileId}`;
}
