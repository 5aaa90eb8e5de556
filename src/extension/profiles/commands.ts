/**
 * Profile commands: add, edit, duplicate, remove, connect, disconnect, import from a connection
 * string or from pg_service.conf. Each takes a tree node or a profile id, or asks which profile.
 * The forms another extension can call with arguments (add with a profile and secrets, remove,
 * import of a given text) ask a person first (consent.ts): none of them changes anything silently.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { PgError, listServices, parseConnectionString, parseService, serviceFiles } from '../../pool';
import type { ParsedConnectionString, ServiceDefinition } from '../../pool';
import type { Connections } from '../connections/connections';
import type { DocumentBindings } from '../editors/bindings';
import { consentFor, maskedConnectionString } from './consent';
import type { Consent } from './consent';
import { describeProfile, parseProfile, profileFromConfig } from './profile';
import type { ConnectionProfile, ProfileSecrets } from './profile';
import type { ProfileStore } from './store';
import { openConnectionForm } from './connection-form';

/** What a profile command is called with: a tree node (with profileId), an id, or nothing. */
export type ProfileArg = string | { profileId: string } | undefined;

/** The argument `pgExplorer.addConnection` takes from another extension or a test: one confirmation instead of the form. */
export interface AddConnectionArgs {
  profile: Partial<ConnectionProfile> & { name: string };
  secrets?: ProfileSecrets;
}

export function registerProfileCommands(
  store: ProfileStore,
  connections: Connections,
  bindings: DocumentBindings,
  log: vscode.LogOutputChannel,
  consent: ConsentPrompt,
  extensionUri: vscode.Uri,
): vscode.Disposable[] {
  const form = { store, connections, extensionUri, log };
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
      if (args && typeof args === 'object' && 'profile' in args) return addFromArgs(store, consent, args);
      const profile = await openConnectionForm(form);
      if (profile) log.info(`Added connection ${profile.name} (${describeProfile(profile)}).`);
      return profile?.id;
    }),
    vscode.commands.registerCommand('pgExplorer.editConnection', async (arg?: ProfileArg) => {
      const profile = await resolve(arg, 'Connection to edit');
      if (!profile) return;
      const saved = await openConnectionForm(form, profile);
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
      if (!profile) return false;
      // `confirm: false` from a caller is not honoured: a person is always asked (consent.ts).
      if (!(await consent.ask(consentFor({ command: 'removeConnection', profile, options })))) return false;
      await connections.disconnect(profile.id);
      await store.remove(profile.id);
      await bindings.forgetProfile(profile.id);
      log.info(`Removed connection ${profile.name}.`);
      return true;
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
      const profile = await importConnectionString(store, connections, consent, typeof text === 'string' ? text : undefined);
      if (profile) log.info(`Imported connection ${profile.name} (${describeProfile(profile)}).`);
      return profile?.id;
    }),
    vscode.commands.registerCommand('pgExplorer.importServices', () => importServices(store, log)),
  ];
}

/**
 * Shows a Consent as a modal dialog. In the extension-host tests (ExtensionMode.Test only) the
 * suites answer it through the API instead, and see every question asked.
 */
export class ConsentPrompt {
  private answer: ((consent: Consent) => boolean) | undefined;

  async ask(consent: Consent): Promise<boolean> {
    if (this.answer) return this.answer(consent);
    const choice = await vscode.window.showWarningMessage(consent.question, { modal: true, detail: consent.detail }, consent.button);
    return choice === consent.button;
  }

  /** Test mode only (see extension.ts): answers the questions instead of a person. */
  answerWith(answer: ((consent: Consent) => boolean) | undefined): void {
    this.answer = answer;
  }
}

async function addFromArgs(store: ProfileStore, consent: ConsentPrompt, args: AddConnectionArgs): Promise<string | undefined> {
  const { profile, problem } = parseProfile({ ...args.profile, id: args.profile.id ?? randomUUID() });
  if (!profile) throw new PgError('config', `The connection is not valid: ${problem ?? 'unknown problem'}.`);
  const secrets: ProfileSecrets = { ...args.secrets };
  if (!(await consent.ask(consentFor({ command: 'addConnection', profile, secrets })))) return undefined;
  await store.save(profile);
  for (const [name, value] of Object.entries(secrets) as [keyof ProfileSecrets, string][]) {
    await store.storeSecret(profile.id, name, value);
  }
  return profile.id;
}

const looksLikeConnectionString = (text: string): boolean => /^postgres(ql)?:\/\//i.test(text) || /^\s*\w+\s*=/.test(text);

/** The clipboard is used only when the person picks it, and shown masked. */
async function askForConnectionString(): Promise<string | undefined> {
  const clip = (await vscode.env.clipboard.readText()).trim();
  if (looksLikeConnectionString(clip)) {
    let shown: string;
    try {
      shown = maskedConnectionString(parseConnectionString(clip).config);
    } catch {
      shown = 'not readable as it is';
    }
    const fromClipboard = { label: '$(clippy) Use the connection string on the clipboard', description: shown };
    const typed = { label: '$(edit) Type or paste a connection string' };
    const picked = await vscode.window.showQuickPick([fromClipboard, typed], { title: 'Import connection string', ignoreFocusOut: true });
    if (!picked) return undefined;
    if (picked === fromClipboard) return clip;
  }
  return vscode.window.showInputBox({
    title: 'Import connection string',
    prompt: 'postgresql://user@host:5432/db?sslmode=require, or host=… port=… dbname=… (hidden as you type: a password in it goes to secret storage)',
    password: true,
    ignoreFocusOut: true,
  });
}

async function importConnectionString(
  store: ProfileStore,
  connections: Connections,
  consent: ConsentPrompt,
  given?: string,
): Promise<ConnectionProfile | undefined> {
  const text = given ?? (await askForConnectionString());
  if (text === undefined) return undefined;
  let parsed: ParsedConnectionString;
  try {
    parsed = parseConnectionString(text);
  } catch (err) {
    void vscode.window.showErrorMessage(`Not a connection string PG Explorer can read: ${(err as Error).message}`);
    return undefined;
  }
  const { profile, secrets, ignored } = profileFromConfig(parsed.config, parsed);
  if (given !== undefined) {
    // Called with the text (by another extension or a link): the person still reviews it, masked.
    if (!(await consent.ask(consentFor({ command: 'importConnectionString', config: parsed.config, profile, ignored })))) return undefined;
  } else {
    const name = await vscode.window.showInputBox({
      title: 'Import connection string',
      prompt: `Name shown in the explorer for ${maskedConnectionString(parsed.config)}`,
      value: profile.name,
      ignoreFocusOut: true,
    });
    if (!name) return undefined;
    profile.name = name;
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
    void vscode.window.showWarningMessage(`Imported ${profile.name}. These options have no effect in PG Explorer and were not kept: ${ignored.join(', ')}.`);
  }
  return profile;
}

/**
 * Profiles for services of pg_service.conf. A profile keeps only the service's name (plus its
 * own id and name), so the file stays the source: what it says is read at every connect.
 */
async function importServices(store: ProfileStore, log: vscode.LogOutputChannel): Promise<string[]> {
  let services: ServiceDefinition[];
  try {
    services = listServices();
  } catch (err) {
    void vscode.window.showErrorMessage((err as Error).message);
    return [];
  }
  const files = serviceFiles();
  if (services.length === 0) {
    void vscode.window.showInformationMessage(`No services in ${files.user} or ${files.system} (PGSERVICEFILE and PGSYSCONFDIR name other files).`);
    return [];
  }
  const known = new Set(store.list().map((p) => p.service).filter(Boolean));
  type Item = vscode.QuickPickItem & { service: ServiceDefinition };
  const items: Item[] = services.map((service) => {
    let description: string;
    try {
      description = describeProfile(profileFromConfig(parseService(service.name).config).profile);
    } catch (err) {
      description = `not usable: ${(err as Error).message}`;
    }
    return { label: service.name, description, detail: service.file, picked: !known.has(service.name), service };
  });
  const picked = await vscode.window.showQuickPick(items, { title: 'Import connections from pg_service.conf', canPickMany: true, ignoreFocusOut: true });
  if (!picked || picked.length === 0) return [];
  const ids: string[] = [];
  const ignoredAll = new Set<string>();
  for (const item of picked) {
    let ignored: string[] = [];
    try {
      const parsed = parseService(item.service.name);
      ignored = profileFromConfig(parsed.config, parsed).ignored;
    } catch (err) {
      void vscode.window.showErrorMessage(`The service ${item.service.name} was not imported: ${(err as Error).message}`);
      continue;
    }
    const id = randomUUID();
    await store.save({ id, name: item.service.name, service: item.service.name });
    ignored.forEach((o) => ignoredAll.add(`${o} (${item.service.name})`));
    ids.push(id);
    log.info(`Imported the service ${item.service.name} from ${item.service.file}.`);
  }
  if (ignoredAll.size > 0) {
    void vscode.window.showWarningMessage(`Imported ${ids.length} service(s). These options have no effect in PG Explorer: ${[...ignoredAll].join(', ')}.`);
  }
  return ids;
}
