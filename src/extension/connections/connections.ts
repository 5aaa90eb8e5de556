/**
 * The host's pools: one PgPool per (profile, database), opened on first use and closed when
 * nothing retains it and it has been idle for a while (`pgExplorer.poolIdleMinutes`). Opening
 * joins the profile's secrets from SecretStorage, asks for a missing password, and asks the user
 * about an unknown or changed SSH host key (storing the fingerprint when trusted).
 */
import * as vscode from 'vscode';
import { PgError, PgPool, parseService } from '../../pool';
import { connectTimeoutMs, describeProfile, toPgConfig } from '../profiles/profile';
import type { ConnectionProfile } from '../profiles/profile';
import type { ProfileStore } from '../profiles/store';
import { readPoolLimits } from './limits';
import type { PoolLimits } from './limits';

/** The bounded pool settings (limits.ts) as VS Code has them now. */
export function poolLimits(): PoolLimits {
  const settings = vscode.workspace.getConfiguration('pgExplorer');
  return readPoolLimits((key) => settings.get(key));
}

interface PoolEntry {
  profileId: string;
  database: string;
  opening: Promise<PgPool>;
  pool?: PgPool;
  retained: number;
  lastUsed: number;
}

export class Connections implements vscode.Disposable {
  private readonly entries = new Map<string, PoolEntry>();
  private readonly noticeChannels = new Map<string, vscode.OutputChannel>();
  private readonly stateChanged = new vscode.EventEmitter<string>();
  /** Fires with a profile id when one of its pools opened or closed. */
  readonly onDidChangeState = this.stateChanged.event;
  private readonly idleTimer: NodeJS.Timeout;
  private readonly closingHooks = new Set<(profileId: string) => Promise<void>>();
  private disposed = false;

  constructor(
    private readonly store: ProfileStore,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.idleTimer = setInterval(() => void this.closeIdle(), 30_000);
    this.idleTimer.unref?.();
  }

  /** The pool of one database of a profile, opening it (and asking for what is missing) on first use. */
  async pool(profileId: string, database?: string): Promise<PgPool> {
    const profile = this.requireProfile(profileId);
    const db = database ?? profile.database;
    const key = entryKey(profileId, db);
    let entry = this.entries.get(key);
    if (!entry) {
      // Concurrent callers share one opening; a failed opening is forgotten so the next call retries.
      const created: PoolEntry = {
        profileId,
        database: db,
        retained: 0,
        lastUsed: Date.now(),
        opening: this.open(profile, db).then(
          async (pool) => {
            if (this.entries.get(key) !== created) {
              // Disconnected (or disposed) while opening: nobody may keep this pool.
              await pool.close();
              throw new PgError('closed', `The connection to ${profile.name} was closed while it was opening.`);
            }
            created.pool = pool;
            this.stateChanged.fire(profileId);
            return pool;
          },
          (err: unknown) => {
            if (this.entries.get(key) === created) this.entries.delete(key);
            throw err;
          },
        ),
      };
      this.entries.set(key, created);
      entry = created;
    }
    entry.lastUsed = Date.now();
    return entry.opening;
  }

  /** Keeps a pool from being closed as idle while the returned disposable lives (a bound editor). */
  retain(profileId: string, database: string): vscode.Disposable {
    const key = entryKey(profileId, database);
    const bump = (delta: number): void => {
      const entry = this.entries.get(key);
      if (entry) {
        entry.retained = Math.max(0, entry.retained + delta);
        entry.lastUsed = Date.now();
      }
    };
    bump(1);
    let released = false;
    return new vscode.Disposable(() => {
      if (!released) bump(-1);
      released = true;
    });
  }

  isConnected(profileId: string): boolean {
    return [...this.entries.values()].some((e) => e.profileId === profileId && e.pool !== undefined);
  }

  /** The pool of a database if it is open (never opens one). */
  openPool(profileId: string, database: string): PgPool | undefined {
    return this.entries.get(entryKey(profileId, database))?.pool;
  }

  /** Profiles with at least one open pool. */
  profileIdsWithPools(): string[] {
    return [...new Set([...this.entries.values()].filter((e) => e.pool).map((e) => e.profileId))];
  }

  /** Databases of the profile with an open pool. */
  openDatabases(profileId: string): string[] {
    return [...this.entries.values()].filter((e) => e.profileId === profileId && e.pool).map((e) => e.database);
  }

  /**
   * Registers work to do before a profile's pools close (editors release their sessions and tell
   * the user about rolled-back transactions, rather than the server doing it silently).
   */
  onWillDisconnect(hook: (profileId: string) => Promise<void>): vscode.Disposable {
    this.closingHooks.add(hook);
    return new vscode.Disposable(() => this.closingHooks.delete(hook));
  }

  /** Closes every pool of the profile: its sessions end, open transactions are rolled back. */
  async disconnect(profileId: string): Promise<void> {
    for (const hook of this.closingHooks) await hook(profileId).catch(() => undefined);
    const closing = [...this.entries.entries()].filter(([, e]) => e.profileId === profileId);
    for (const [key] of closing) this.entries.delete(key);
    await Promise.all(closing.map(([, e]) => e.opening.then((p) => p.close()).catch(() => undefined)));
    if (closing.length > 0) {
      this.log.info(`Disconnected ${this.store.get(profileId)?.name ?? profileId}.`);
      this.stateChanged.fire(profileId);
    }
  }

  /**
   * Opens and closes a pool with the profile as given (not yet saved): the server's version
   * (server_version), or the real error.
   */
  async test(profile: ConnectionProfile, secrets: Parameters<typeof toPgConfig>[2]): Promise<string> {
    const timeout = connectTimeoutMs(profile);
    const pool = await PgPool.open(toPgConfig(profile, profile.database, secrets), {
      maxSize: 1,
      idleTimeoutMs: 0,
      ...(timeout !== undefined ? { connectTimeoutMs: timeout } : {}),
    });
    try {
      const session = pool.session(`test-${Date.now()}`);
      const outcome = await session.execute('SHOW server_version');
      const version = outcome.kind === 'rows' ? (outcome.page.rows[0]?.[0] ?? '') : '';
      await session.release();
      return version ?? '';
    } finally {
      await pool.close();
    }
  }

  /** The output channel for server notices of one profile's connections. */
  noticeChannel(profile: ConnectionProfile): vscode.OutputChannel {
    let channel = this.noticeChannels.get(profile.id);
    if (!channel) {
      channel = vscode.window.createOutputChannel(`PG Explorer: ${profile.name}`);
      this.noticeChannels.set(profile.id, channel);
    }
    return channel;
  }

  private async open(profile: ConnectionProfile, database: string): Promise<PgPool> {
    let current = profile;
    for (let attempt = 0; ; attempt += 1) {
      const secrets = await this.store.readSecrets(current);
      if (current.service) {
        // Read again at every connect (the file is the source), with its errors as they are.
        const service = parseService(current.service);
        // libpq: a password in the service file is used; one stored for the profile wins.
        if (service.config.auth.kind === 'password' && secrets.password === undefined) secrets.password = service.config.auth.password;
      }
      if (current.auth === 'password' && secrets.password === undefined) {
        const password = await askPassword(current, 'No password is stored for this connection.');
        if (password === undefined) throw new PgError('auth', `No password for ${describeProfile(current)}: connecting was cancelled.`);
        await this.store.storeSecret(current.id, 'password', password);
        secrets.password = password;
      }
      const target = `${current.name} (${describeProfile({ ...current, database })})`;
      this.log.info(`Connecting to ${target}…`);
      try {
        const limits = poolLimits();
        const timeout = connectTimeoutMs(current);
        const pool = await PgPool.open(toPgConfig(current, database, secrets), {
          maxSize: limits.maxConnections,
          maxSizeHint: 'the setting pgExplorer.maxConnections',
          cursorIdleTimeoutMs: limits.cursorIdleTimeoutMs,
          ...(timeout !== undefined ? { connectTimeoutMs: timeout } : {}),
          onWarning: (message) => this.log.warn(`${current.name}: ${message}`),
        });
        this.log.info(`Connected to ${target}.`);
        return pool;
      } catch (err) {
        const error = err instanceof PgError ? err : new PgError('connect', String(err));
        this.log.error(`Could not connect to ${target}: ${error.message}`);
        if (this.disposed || attempt >= 2) throw error;
        if (error.kind === 'tunnel' && error.fingerprint && current.ssh && (error.hostKey === 'unknown' || error.hostKey === 'changed')) {
          const trusted = await askTrust(current, error);
          if (!trusted) throw error;
          current = { ...current, ssh: { ...current.ssh, trustedFingerprint: error.fingerprint } };
          await this.store.save(current);
          this.log.info(`Trusted SSH host key ${error.fingerprint} for ${current.ssh?.host ?? ''} (profile ${current.name}).`);
          continue;
        }
        if (error.kind === 'auth' && current.auth === 'password') {
          const password = await askPassword(current, error.message);
          if (password === undefined) throw error;
          await this.store.storeSecret(current.id, 'password', password);
          continue;
        }
        throw error;
      }
    }
  }

  private requireProfile(profileId: string): ConnectionProfile {
    const profile = this.store.get(profileId);
    if (!profile) throw new PgError('config', `There is no connection with id "${profileId}" in the settings (pgExplorer.connections).`);
    return profile;
  }

  private async closeIdle(): Promise<void> {
    const limit = Date.now() - poolLimits().poolIdleMs;
    for (const [key, entry] of this.entries) {
      if (!entry.pool || entry.retained > 0 || entry.lastUsed > limit) continue;
      if (entry.pool.stats().leased > 1) continue;
      this.entries.delete(key);
      this.log.info(`Closing the idle connection pool of ${key}.`);
      // No state event: the tree would redraw its expanded nodes and open the pool again at once.
      // It is opened again on the next use; the profile's icon catches up on the next refresh.
      await entry.pool.close().catch(() => undefined);
    }
  }

  /** Closes every pool and tunnel (deactivate). */
  async closeAll(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => e.opening.then((p) => p.close()).catch(() => undefined)));
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.idleTimer);
    void this.closeAll();
    for (const channel of this.noticeChannels.values()) channel.dispose();
    this.noticeChannels.clear();
    this.stateChanged.dispose();
  }
}

function entryKey(profileId: string, database: string): string {
  return `${profileId}/${database}`;
}

async function askPassword(profile: ConnectionProfile, reason: string): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: `Password for ${profile.name}`,
    prompt: `${reason} Password for ${describeProfile(profile)} (kept in VS Code's secret storage)`,
    password: true,
    ignoreFocusOut: true,
  });
}

async function askTrust(profile: ConnectionProfile, error: PgError): Promise<boolean> {
  const trust = 'Trust this key and connect';
  const answer = await vscode.window.showWarningMessage(
    `SSH host key check for ${profile.ssh?.host ?? ''} (${profile.name})`,
    { modal: true, detail: `${error.message}\n\nFingerprint: ${error.fingerprint ?? ''}` },
    trust,
  );
  return answer === trust;
}
