/**
 * The connection form (Add / Edit Connection) as a webview panel: the host side. It keeps, for
 * the form's life and in memory only, the fields and the secrets typed (so Test, Back and a page
 * VS Code rebuilt keep them), tests a connection with what was typed (the server's version or its
 * error, shown in the form), and on Save writes the profile to the settings and the typed secrets
 * to SecretStorage. The webview never gets a secret back: only whether one is saved or typed.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { PgError, parseConnectionString } from '../../pool';
import {
  FORM_SECRET_NAMES,
  FormCancelCommand,
  FormChangedCommand,
  FormFillFromStringCommand,
  FormFilledNotification,
  FormInitNotification,
  FormReadyCommand,
  FormSaveCommand,
  FormSaveResultNotification,
  FormTestCommand,
  FormTestResultNotification,
  FormTestingNotification,
  FormTrustHostKeyCommand,
  isIpcMessage,
} from '../../shared/connection-form';
import type { ConnectionFormValues, FormSecrets, FormState, FormTestResult, SecretStates } from '../../shared/connection-form';
import type { Connections } from '../connections/connections';
import { newNonce, webviewHtml } from '../results/html';
import { emptyFormValues, formValuesOf, profileFromForm } from './form-values';
import { profileFromConfig } from './profile';
import type { ConnectionProfile, ProfileSecrets } from './profile';
import type { ProfileStore } from './store';

export const CONNECTION_FORM_VIEW_TYPE = 'pgExplorer.connectionForm';

export interface ConnectionFormDeps {
  store: ProfileStore;
  connections: Connections;
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
}

/** One form per profile being edited (and one Add form): opening it again shows the same one, as it was left. */
const open = new Map<string, ConnectionForm>();

/** Opens the form (or reveals the one already open for that profile); resolves with the saved profile, or undefined when closed. */
export function openConnectionForm(deps: ConnectionFormDeps, editing?: ConnectionProfile): Promise<ConnectionProfile | undefined> {
  const key = editing ? `edit:${editing.id}` : 'add';
  let form = open.get(key);
  if (!form) {
    form = new ConnectionForm(deps, editing);
    open.set(key, form);
    const created = form;
    void created.done.finally(() => {
      if (open.get(key) === created) open.delete(key);
    });
  } else {
    form.reveal();
  }
  return form.done;
}

class ConnectionForm {
  private readonly panel: vscode.WebviewPanel;
  private readonly id: string;
  private values: ConnectionFormValues;
  /** Secrets typed in this form, kept in memory until Save or close. */
  private typed: FormSecrets = {};
  private saved: SecretStates = {};
  private trusted: { host: string; port: number; fingerprint: string } | undefined;
  private finish!: (profile: ConnectionProfile | undefined) => void;
  readonly done = new Promise<ConnectionProfile | undefined>((resolve) => (this.finish = resolve));
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly deps: ConnectionFormDeps,
    private readonly editing: ConnectionProfile | undefined,
  ) {
    this.id = editing?.id ?? randomUUID();
    this.values = editing ? formValuesOf(editing) : emptyFormValues();
    this.panel = vscode.window.createWebviewPanel(
      CONNECTION_FORM_VIEW_TYPE,
      this.title(),
      vscode.ViewColumn.Active,
      {
        enableScripts: true,
        localResourceRoots: [vscode.Uri.joinPath(deps.extensionUri, 'dist'), vscode.Uri.joinPath(deps.extensionUri, 'media')],
        // A rebuilt page gets the fields again from this side on ready.
        retainContextWhenHidden: false,
      },
    );
    this.panel.webview.html = webviewHtml(this.panel.webview, deps.extensionUri, newNonce(), { script: 'form-webview.js', style: 'form.css', title: this.title() });
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message).catch((err: unknown) => this.deps.log.error(`Connection form: ${String(err)}`))),
      this.panel.onDidDispose(() => this.close(undefined)),
    );
    if (editing) void this.readSavedStates(editing);
  }

  reveal(): void {
    this.panel.reveal();
  }

  private title(): string {
    return this.editing ? `Edit ${this.editing.name}` : 'Add PostgreSQL Connection';
  }

  private async readSavedStates(profile: ConnectionProfile): Promise<void> {
    const stored = await this.deps.store.readSecrets(profile);
    for (const name of FORM_SECRET_NAMES) if (stored[name] !== undefined) this.saved[name] = 'saved';
    this.postInit();
  }

  private secretStates(): SecretStates {
    const states: SecretStates = { ...this.saved };
    for (const name of FORM_SECRET_NAMES) if (this.typed[name]) states[name] = 'typed';
    return states;
  }

  private postInit(): void {
    void this.panel.webview.postMessage(FormInitNotification.message({ title: this.title(), mode: this.editing ? 'edit' : 'add', values: this.values, secrets: this.secretStates() }));
  }

  private take(state: FormState): void {
    this.values = state.values;
    for (const name of FORM_SECRET_NAMES) {
      const value = state.secrets[name];
      if (value === undefined) continue;
      // Emptied: back to what is saved (if anything).
      if (value === '') delete this.typed[name];
      else this.typed[name] = value;
    }
  }

  private async receive(message: unknown): Promise<void> {
    if (!isIpcMessage(message)) return;
    if (FormReadyCommand.is(message)) {
      this.postInit();
    } else if (FormChangedCommand.is(message)) {
      this.take(message.params);
    } else if (FormTestCommand.is(message)) {
      this.take(message.params);
      await this.panel.webview.postMessage(FormTestingNotification.message({}));
      await this.panel.webview.postMessage(FormTestResultNotification.message(await this.test()));
    } else if (FormTrustHostKeyCommand.is(message)) {
      const profile = profileFromForm(this.values, this.id, this.editing).profile;
      if (profile?.ssh) this.trusted = { host: profile.ssh.host, port: profile.ssh.port ?? 22, fingerprint: message.params.fingerprint };
      await this.panel.webview.postMessage(FormTestingNotification.message({}));
      await this.panel.webview.postMessage(FormTestResultNotification.message(await this.test()));
    } else if (FormSaveCommand.is(message)) {
      this.take(message.params);
      await this.save(message.params.anyway);
    } else if (FormFillFromStringCommand.is(message)) {
      this.fillFrom(message.params.text);
    } else if (FormCancelCommand.is(message)) {
      this.close(undefined);
    }
  }

  /** The profile of the fields (with a host key trusted in this form), or the fields' problems. */
  private profile(): { profile?: ConnectionProfile; problems: FormTestResult['problems'] } {
    const { profile, problems } = profileFromForm(this.values, this.id, this.editing);
    const t = this.trusted;
    if (profile?.ssh && t && profile.ssh.host === t.host && (profile.ssh.port ?? 22) === t.port) profile.ssh.trustedFingerprint = t.fingerprint;
    return { profile, problems };
  }

  private async test(): Promise<FormTestResult> {
    const { profile, problems } = this.profile();
    if (!profile) return { ok: false, message: 'Some fields need a look (see below each).', problems };
    const stored = this.editing ? await this.deps.store.readSecrets(profile) : {};
    const secrets: ProfileSecrets = { ...stored, ...this.typed };
    try {
      const version = await this.deps.connections.test(profile, secrets);
      return { ok: true, message: `PostgreSQL ${version} at ${profile.host}:${profile.port}/${profile.database} as ${profile.user}` };
    } catch (err) {
      const error = err instanceof PgError ? err : new PgError('connect', String(err));
      const unknownKey = error.kind === 'tunnel' && error.fingerprint && (error.hostKey === 'unknown' || error.hostKey === 'changed');
      return { ok: false, message: error.message, ...(unknownKey && error.fingerprint ? { hostKeyFingerprint: error.fingerprint } : {}) };
    }
  }

  private async save(anyway: boolean): Promise<void> {
    const { profile, problems } = this.profile();
    if (!profile) {
      await this.panel.webview.postMessage(FormSaveResultNotification.message({ saved: false, problems }));
      return;
    }
    if (!anyway) {
      await this.panel.webview.postMessage(FormTestingNotification.message({}));
      const test = await this.test();
      if (!test.ok) {
        await this.panel.webview.postMessage(FormSaveResultNotification.message({ saved: false, test }));
        return;
      }
    }
    await this.deps.store.save(profile);
    for (const name of FORM_SECRET_NAMES) {
      const value = this.typed[name];
      if (value) await this.deps.store.storeSecret(profile.id, name, value);
    }
    this.close(profile);
  }

  private fillFrom(text: string): void {
    let result: ReturnType<typeof profileFromConfig>;
    try {
      const parsed = parseConnectionString(text.trim());
      result = profileFromConfig(parsed.config, parsed);
    } catch (err) {
      void this.panel.webview.postMessage(FormFilledNotification.message({ error: `Not a connection string PG Explorer can read: ${(err as Error).message}` }));
      return;
    }
    const name = this.values.name.trim() || result.profile.name;
    const ssh = this.values.ssh;
    this.values = { ...formValuesOf({ ...result.profile, name }), ...(ssh ? pickSsh(this.values) : {}) };
    for (const [key, value] of Object.entries(result.secrets) as [keyof FormSecrets, string][]) if (value) this.typed[key] = value;
    void this.panel.webview.postMessage(FormFilledNotification.message({ values: this.values, secrets: this.secretStates(), ignored: result.ignored }));
  }

  private close(profile: ConnectionProfile | undefined): void {
    if (this.disposables.length === 0) return;
    for (const d of this.disposables.splice(0)) d.dispose();
    // What was typed goes with the form.
    this.typed = {};
    this.panel.dispose();
    this.finish(profile);
  }
}

/** A connection string says nothing of SSH: the tunnel typed so far stays. */
function pickSsh(v: ConnectionFormValues): Partial<ConnectionFormValues> {
  return { ssh: v.ssh, sshHost: v.sshHost, sshPort: v.sshPort, sshUser: v.sshUser, sshAuth: v.sshAuth, sshKeyFile: v.sshKeyFile };
}
