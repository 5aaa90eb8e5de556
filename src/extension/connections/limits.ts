/**
 * The settings that size pools and timers, read through one function that bounds them, so a
 * value from anywhere (a workspace's .vscode/settings.json in an untrusted folder, a typo, a
 * string) cannot hold snapshots and locks forever or open thousands of connections. The same
 * bounds are in package.json's schema; these settings are also application-scoped there (a
 * workspace cannot set them) and listed as restricted for Restricted Mode.
 * No VS Code here: the caller passes a reader, so the bounds are tested as plain code.
 */

export interface PoolLimits {
  /** pgExplorer.maxConnections: connections per database, 1..100. */
  maxConnections: number;
  /** pgExplorer.closeIdleResultsMinutes as ms: 0 (never, a person's own choice) or 1 min..24 h. */
  cursorIdleTimeoutMs: number;
  /** pgExplorer.poolIdleMinutes as ms: 1 min..24 h. */
  poolIdleMs: number;
  /** pgExplorer.tree.pageSize: 10..10,000 objects per group. */
  treePageSize: number;
}

export const LIMITS = {
  maxConnections: { min: 1, max: 100, default: 10 },
  closeIdleResultsMinutes: { min: 0, max: 24 * 60, default: 5 },
  poolIdleMinutes: { min: 1, max: 24 * 60, default: 10 },
  treePageSize: { min: 10, max: 10_000, default: 500 },
} as const;

/** Reads a setting by its key under `pgExplorer` (e.g. `maxConnections`, `tree.pageSize`). */
export type SettingReader = (key: string) => unknown;

function bounded(value: unknown, limit: { min: number; max: number; default: number }, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return limit.default;
  const n = integer ? Math.floor(value) : value;
  return Math.min(limit.max, Math.max(limit.min, n));
}

export function readPoolLimits(read: SettingReader): PoolLimits {
  return {
    maxConnections: bounded(read('maxConnections'), LIMITS.maxConnections, true),
    cursorIdleTimeoutMs: Math.round(bounded(read('closeIdleResultsMinutes'), LIMITS.closeIdleResultsMinutes, false) * 60_000),
    poolIdleMs: Math.round(bounded(read('poolIdleMinutes'), LIMITS.poolIdleMinutes, false) * 60_000),
    treePageSize: bounded(read('tree.pageSize'), LIMITS.treePageSize, true),
  };
}
