/**
 * Profiles in the user settings (`pgExplorer.connections`) and their secrets in SecretStorage.
 * The settings never see a secret; SecretStorage keys are `pgExplorer/<profile id>/<secret>`.
 */
import * as vscode from 'vscode';
import { parseService } from '../../pool';
import { parseProfile, secretsNeeded } from './profile';
import type { ConnectionProfile, ProfileSecrets, SecretName } from './profile';

export const SETTING_SECTION = 'pgExplorer';
export const CONNECTIONS_KEY = 'connections';
const SECRET_NAMES: SecretName[] = ['password', 'tlsKeyPassphrase', 'sshPassword', 'sshKeyPassphrase'];

export class ProfileStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the list of profiles or one of them changed (settings edited here or by hand). */
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;
  /** Problems with hand-edited entries already logged (list() runs often). */
  private readonly reported = new Set<string>();

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SETTING_SECTION}.${CONNECTIONS_KEY}`)) this.changed.fire();
    });
  }

  private raw(): unknown[] {
    const raw = vscode.workspace.getConfiguration(SETTING_SECTION).get<unknown[]>(CONNECTIONS_KEY, []);
    return Array.isArray(raw) ? raw : [];
  }

  list(): ConnectionProfile[] {
    const profiles: ConnectionProfile[] = [];
    const seen = new Set<string>();
    for (const entry of this.raw()) {
      // A profile naming a pg_service.conf service takes what it does not say from the service.
      const { profile, problem } = parseProfile(entry, (name) => parseService(name));
      if (problem && !this.reported.has(problem)) {
        this.reported.add(problem);
        this.log.warn(`Ignoring a connection in settings: ${problem}.`);
      }
      if (!profile || seen.has(profile.id)) continue;
      seen.add(profile.id);
      profiles.push(profile);
    }
    return profiles;
  }

  get(id: string): ConnectionProfile | undefined {
    return this.list().find((p) => p.id === id);
  }

  /**
   * Adds or replaces (by id) a profile, keeping the others as they are written (a service
   * profile keeps saying only what it said). A service profile is saved as just
   * `{ id, name, service }` so the service file stays its source.
   */
  async save(profile: ConnectionProfile | { id: string; name: string; service: string }): Promise<void> {
    const all = this.raw();
    const index = all.findIndex((p) => idOf(p) === profile.id);
    if (index >= 0) all[index] = profile;
    else all.push(profile);
    await this.write(all);
  }

  async remove(id: string): Promise<void> {
    await this.write(this.raw().filter((p) => idOf(p) !== id));
    await Promise.all(SECRET_NAMES.map((name) => this.secrets.delete(secretKey(id, name))));
  }

  async readSecrets(profile: ConnectionProfile): Promise<ProfileSecrets> {
    const result: ProfileSecrets = {};
    for (const name of secretsNeeded(profile)) {
      const value = await this.secrets.get(secretKey(profile.id, name));
      if (value !== undefined) result[name] = value;
    }
    return result;
  }

  async storeSecret(profileId: string, name: SecretName, value: string | undefined): Promise<void> {
    if (value === undefined || value === '') await this.secrets.delete(secretKey(profileId, name));
    else await this.secrets.store(secretKey(profileId, name), value);
  }

  /** Copies every stored secret of one profile to another (duplicate). */
  async copySecrets(fromId: string, toId: string): Promise<void> {
    for (const name of SECRET_NAMES) {
      const value = await this.secrets.get(secretKey(fromId, name));
      if (value !== undefined) await this.secrets.store(secretKey(toId, name), value);
    }
  }

  private async write(profiles: unknown[]): Promise<void> {
    await vscode.workspace
      .getConfiguration(SETTING_SECTION)
      .update(CONNECTIONS_KEY, profiles, vscode.ConfigurationTarget.Global);
    this.changed.fire();
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function idOf(entry: unknown): string | undefined {
  return typeof entry === 'object' && entry !== null && typeof (entry as { id?: unknown }).id === 'string' ? (entry as { id: string }).id : undefined;
}

function secretKey(profileId: string, name: SecretName): string {
  return `pgExplorer/${profileId}/${name}`;
}
