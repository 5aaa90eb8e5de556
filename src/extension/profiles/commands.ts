/**
 * Profile commands: add, edit, duplicate, remove, connect, disconnect and import from a
 * connection string. Each takes a tree node or a profile id, or asks which profile.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { PgError, parseConnectionString } from '../../pool';
import type { PgConfig } from '../../pool';
import type { Connections } from '../connections/connections';
import type { DocumentBindings } from '../editors/bindings';
import { describeProfile, parseProfile } from './profile';
import type { ConnectionProfile, ProfileSecrets } from './profile';
import type { ProfileStore } from './store';
import { runProfileWizard } from './wizard';

/** What a profile command is called with: a tree node (with profileId), an id, or nothing. */
export type ProfileArg = string | { profileId: string } | undefined;

/** The argument `pgExplorer.addConnection` takes when called by another extension or a test: no prompts. */
export interface AddConnectionArgs {
  profile: Partial<ConnectionProfile> & { name: string };
  secrets?: ProfileSecrets;
}

export function registerProfileCommands(
  store: ProfileStore,
  connections: Connections,
  bindings: DocumentBindings,
  log: vscode.LogOutputChannel,
): vscode.Disposable[] {
  const resolve = async (arg: ProfileArg, placeHolder: string): Promise<ConnectionProfile | undefined> => {
    const id = typeof arg === 'string' ? arg : arg?.profileId;
    if (id) return store.get(id);
    const profiles = store.list();
    if (profiles.length === 0) {
      void vscode.window.showInformationMessage('There is no PostgreSQL connection yet: add one first.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      profiles.map((p) => ({ label: p.name, description: describeProfile(p), profile: p })),
      { placeHolder },
    );
    return picked?.profile;
  };

  return [
    vscode.commands.registerCommand('pgExplorer.addConnection', async (args?: AddConnectionArgs) => {
      if (args && typeof args === 'object' && 'profile' in args) return addWithoutPrompts(store, args);
      const profile = await runProfileWizard(store, connections, {}, 'Add PostgreSQL connection');
      if (profile) log.info(`Added connection ${profile.name} (${describeProfile(profile)}).`);
      return profile?.id;
    }),
    vscode.commands.registerCommand('pgExplorer.editConnection', async (arg?: ProfileArg) => {
      const profile = await resolve(arg, 'Connection to edit');
      if (!profile) return;
      const saved = await runProfileWizard(store, connections, profile, `Edit ${profile.name}`);
      if (!saved) return;
      log.info(`Edited connection ${saved.name} (${describeProfile(saved)}).`);
      // Open pools still use the old settings: reconnect on next use.
      await connections.disconnect(saved.id);
    }),
    vscode.commands.registerCommand('pgExplorer.duplicateConnection', async (arg?: ProfileArg) => {
      const profile = await resolve(arg, 'Connection to duplicate');
      if (!profile) return;
      const names = new Set(store.list().map((p) => p.name));
      let name = `${profile.name} (copy)`;
      for (let n = 2; names.has(name); n += 1) name = `${profile.name} (copy ${n})`;
      const copy: ConnectionProfile = { ...structuredClone(profile), id: randomUUID(), name };
      await store.save(copy);
      await store.copySecrets(profile.id, copy.id);
      log.info(`Duplicated connection ${profile.name} as ${name}.`);
      return copy.id;
    }),
    vscode.commands.registerCommand('pgExplorer.removeConnection', async (arg?: ProfileArg, options?: { confirm?: boolean }) => {
      const profile = await resolve(arg, 'Connection to remove');
      if (!profile) return;
      if (options?.confirm !== false) {
        const remove = 'Remove';
        const answer = await vscode.window.showWarningMessage(
          `Remove the connection ${profile.name}?`,
          { modal: true, detail: `${describeProfile(profile)}. Its stored password and passphrases are deleted too; open editors using it are disconnected.` },
          remove,
        );
        if (answer !== remove) return;
      }
      await connections.disconnect(profile.id);
      await store.remove(profile.id);
      await bindings.forgetProfile(profile.id);
      log.info(`Removed connection ${profile.name}.`);
    }),
    vscode.commands.registerCommand('pgExplorer.connect', async (arg?: ProfileArg) => {
      const profile = await resolve(arg, 'Connection to open');
      if (!profile) return;
      try {
        await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Connecting to ${profile.name}…` },
          () => connections.pool(profile.id),
        );
      } catch (err) {
        void vscode.window.showErrorMessage(`Could not connect to ${profile.name}: ${(err as Error).message}`);
      }
    }),
    vscode.commands.registerCommand('pgExplorer.disconnect', async (arg?: ProfileArg) => {
      const profile = await resolve(arg, 'Connection to close');
      if (profile) await connections.disconnect(profile.id);
    }),
    vscode.commands.registerCommand('pgExplorer.importConnectionString', async (text?: string) => {
      const profile = await importConnectionString(store, connections, typeof text === 'string' ? text : undefined);
      if (profile) log.info(`Imported connection ${profile.name} (${describeProfile(profile)}).`);
      return profile?.id;
    }),
  ];
}

async function addWithoutPrompts(store: ProfileStore, args: AddConnectionArgs): Promise<string> {
  const { profile, problem } = parseProfile({ ...args.profile, id: args.profile.id ?? randomUUID() });
  if (!profile) throw new PgError('config', `The connection is not valid: ${problem ?? 'unknown problem'}.`);
  await store.save(profile);
  for (const [name, value] of Object.entries(args.secrets ?? {}) as [keyof ProfileSecrets, string][]) {
    await store.storeSecret(profile.id, name, value);
  }
  return profile.id;
}

async function importConnectionString(store: ProfileStore, connections: Connections, given?: string): Promise<ConnectionProfile | undefined> {
  let text = given;
  if (text === undefined) {
    const clip = (await vscode.env.clipboard.readText()).trim();
    const looksLikeOne = /^postgres(ql)?:\/\//i.test(clip) || /^\s*\w+\s*=/.test(clip);
    text = await vscode.window.showInputBox({
      title: 'Import connection string',
      prompt: 'postgresql://user@host:5432/db?sslmode=require, or host=… port=… dbname=… (a password in it goes to secret storage)',
      value: looksLikeOne ? clip : '',
      password: false,
      ignoreFocusOut: true,
    });
    if (text === undefined) return undefined;
  }
  let config: PgConfig;
  let ignored: string[];
  try {
    const parsed = parseConnectionString(text);
    config = parsed.config;
    ignored = parsed.ignoredOptions;
  } catch (err) {
    void vscode.window.showErrorMessage(`Not a connection string PG Explorer can read: ${(err as Error).message}`);
    return undefined;
  }
  const { profile, secrets } = profileFromConfig(config);
  const name = given !== undefined
    ? profile.name
    : await vscode.window.showInputBox({ title: 'Import connection string', prompt: 'Name shown in the explorer', value: profile.name, ignoreFocusOut: true });
  if (!name) return undefined;
  profile.name = name;
  if (given === undefined) {
    const failure = await connections.test(profile, secrets).then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    if (failure) {
      const save = 'Save anyway';
      const answer = await vscode.window.showErrorMessage(`Test connection failed: ${failure.message}`, { modal: true }, save);
      if (answer !== save) return undefined;
    }
  }
  await store.save(profile);
  for (const [key, value] of Object.entries(secrets) as [keyof ProfileSecrets, string][]) await store.storeSecret(profile.id, key, value);
  if (ignored.length > 0) {
    void vscode.window.showInformationMessage(`Imported ${profile.name}. Options with no effect here were ignored: ${ignored.join(', ')}.`);
  }
  return profile;
}

/** A profile (and its secrets, kept apart) from the pool's reading of a connection string. */
export function profileFromConfig(config: PgConfig): { profile: ConnectionProfile; secrets: ProfileSecrets } {
  const secrets: ProfileSecrets = {};
  const profile: ConnectionProfile = {
    id: randomUUID(),
    name: `${config.user}@${config.host}/${config.database}`,
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.user,
    auth: config.auth.kind,
  };
  if (config.auth.kind === 'password') secrets.password = config.auth.password;
  if (config.auth.kind === 'pgpass' && config.auth.file) profile.pgpassFile = config.auth.file;
  if (config.tls) {
    profile.tls = { mode: config.tls.mode };
    if (config.tls.caFile) profile.tls.caFile = config.tls.caFile;
    if (config.tls.certFile) profile.tls.certFile = config.tls.certFile;
    if (config.tls.keyFile) profile.tls.keyFile = config.tls.keyFile;
    if (config.tls.keyPassphrase) secrets.tlsKeyPassphrase = config.tls.keyPassphrase;
  }
  return { profile, secrets };
}
