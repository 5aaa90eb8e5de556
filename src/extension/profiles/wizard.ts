/**
 * The add / edit walk-through: the connection's fields one prompt at a time (host, port,
 * database, user, authentication, pgpass, TLS files, SSH tunnel, read-only, colour), then a
 * "test connection" step that reports the server's or the tunnel's real error. Secrets typed here
 * go to SecretStorage only.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { PgError } from '../../pool';
import type { PgTlsMode } from '../../pool';
import type { Connections } from '../connections/connections';
import { PROFILE_COLORS } from './profile';
import type { ConnectionProfile, ProfileAuth, ProfileColor, ProfileSecrets, SecretName, SshAuth } from './profile';
import type { ProfileStore } from './store';

/** Thrown inside the walk when the user presses Escape. */
class Cancelled extends Error {}

export interface WizardResult {
  profile: ConnectionProfile;
  /** Secrets typed in this walk; undefined entries keep what is stored. */
  secrets: ProfileSecrets;
}

/** Walks through the fields (pre-filled from `start`), tests, and saves. Resolves to the saved profile. */
export async function runProfileWizard(
  store: ProfileStore,
  connections: Connections,
  start: Partial<ConnectionProfile> & { secrets?: ProfileSecrets },
  title: string,
): Promise<ConnectionProfile | undefined> {
  let result: WizardResult;
  try {
    result = await collect(start, title);
  } catch (err) {
    if (err instanceof Cancelled) return undefined;
    throw err;
  }
  for (;;) {
    const stored = await store.readSecrets(result.profile);
    const secrets = { ...stored, ...stripUndefined(result.secrets) };
    const verdict = await testWithProgress(connections, result.profile, secrets);
    if (verdict === undefined) break;
    if (verdict.kind === 'tunnel' && verdict.fingerprint && result.profile.ssh && (verdict.hostKey === 'unknown' || verdict.hostKey === 'changed')) {
      const trust = 'Trust this key';
      const answer = await vscode.window.showWarningMessage(
        `Unknown or changed SSH host key for ${result.profile.ssh.host}`,
        { modal: true, detail: `${verdict.message}\n\nFingerprint: ${verdict.fingerprint}` },
        trust,
      );
      if (answer === trust) {
        result.profile.ssh = { ...result.profile.ssh, trustedFingerprint: verdict.fingerprint };
        continue;
      }
    }
    const saveAnyway = 'Save anyway';
    const edit = 'Edit again';
    const answer = await vscode.window.showErrorMessage(`Test connection failed: ${verdict.message}`, { modal: true }, saveAnyway, edit);
    if (answer === saveAnyway) break;
    if (answer !== edit) return undefined;
    try {
      result = await collect({ ...result.profile, secrets: result.secrets }, title);
    } catch (err) {
      if (err instanceof Cancelled) return undefined;
      throw err;
    }
  }
  await store.save(result.profile);
  for (const [name, value] of Object.entries(result.secrets) as [SecretName, string | undefined][]) {
    if (value !== undefined) await store.storeSecret(result.profile.id, name, value);
  }
  return result.profile;
}

async function testWithProgress(connections: Connections, profile: ConnectionProfile, secrets: ProfileSecrets): Promise<PgError | undefined> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Testing connection ${profile.name}…` },
    async () => {
      try {
        await connections.test(profile, secrets);
        void vscode.window.showInformationMessage(`Connected to ${profile.name}.`);
        return undefined;
      } catch (err) {
        return err instanceof PgError ? err : new PgError('connect', String(err));
      }
    },
  );
}

async function collect(start: Partial<ConnectionProfile> & { secrets?: ProfileSecrets }, title: string): Promise<WizardResult> {
  const secrets: ProfileSecrets = { ...start.secrets };
  const name = await text(title, 'Name shown in the explorer', start.name ?? '', (v) => (v.trim() ? undefined : 'A name is needed'));
  const host = await text(title, 'Host name or address of the PostgreSQL server', start.host ?? 'localhost', nonEmpty);
  const port = Number(await text(title, 'Port', String(start.port ?? 5432), validPort));
  const database = await text(title, 'Database', start.database ?? 'postgres', nonEmpty);
  const user = await text(title, 'User', start.user ?? 'postgres', nonEmpty);
  const auth = await pick<ProfileAuth>(title, 'How to authenticate', [
    ['password', 'Password', 'Kept in VS Code secret storage'],
    ['pgpass', 'Password file (.pgpass)', 'Read with libpq rules from PGPASSFILE or ~/.pgpass'],
    ['certificate', 'Client certificate', 'TLS client certificate (set in the TLS step)'],
    ['none', 'No password', 'trust or peer authentication'],
  ], start.auth ?? 'password');
  const profile: ConnectionProfile = { id: start.id ?? randomUUID(), name: name.trim(), host, port, database, user, auth, ...keptFields(start) };
  if (auth === 'password') {
    const password = await secret(title, `Password for ${user}@${host} (leave empty to be asked on connect)`);
    if (password !== '') secrets.password = password;
  }
  if (auth === 'pgpass') {
    const file = await text(title, 'Password file (empty: PGPASSFILE or ~/.pgpass)', start.pgpassFile ?? '');
    if (file) profile.pgpassFile = file;
  }

  const mode = await pick<PgTlsMode>(title, 'TLS', [
    ['prefer', 'prefer', 'TLS when the server offers it (libpq default)'],
    ['require', 'require', 'Always TLS, the certificate is not checked'],
    ['verify-ca', 'verify-ca', 'TLS with a certificate signed by your CA'],
    ['verify-full', 'verify-full', 'verify-ca, and the host name must match'],
    ['disable', 'disable', 'Never TLS'],
  ], start.tls?.mode ?? (auth === 'certificate' ? 'verify-full' : 'prefer'));
  profile.tls = { mode };
  if (mode === 'verify-ca' || mode === 'verify-full') {
    const caFile = await text(title, 'CA certificate file (PEM; empty: the system CAs)', start.tls?.caFile ?? '');
    if (caFile) profile.tls.caFile = caFile;
  }
  if (mode !== 'disable' && (auth === 'certificate' || start.tls?.certFile || (await yesNo(title, 'Use a TLS client certificate?', false)))) {
    profile.tls.certFile = await text(title, 'Client certificate file (PEM)', start.tls?.certFile ?? '', nonEmpty);
    profile.tls.keyFile = await text(title, 'Client key file (PEM)', start.tls?.keyFile ?? '', nonEmpty);
    const passphrase = await secret(title, 'Passphrase of the client key (empty if none)');
    if (passphrase !== '') secrets.tlsKeyPassphrase = passphrase;
  }

  if (await yesNo(title, 'Connect through an SSH tunnel?', start.ssh !== undefined)) {
    const sshHost = await text(title, 'SSH host', start.ssh?.host ?? '', nonEmpty);
    const sshPort = Number(await text(title, 'SSH port', String(start.ssh?.port ?? 22), validPort));
    const sshUser = await text(title, 'SSH user', start.ssh?.user ?? '', nonEmpty);
    const sshAuth = await pick<SshAuth>(title, 'SSH authentication', [
      ['key', 'Private key file', 'OpenSSH or PEM key, with an optional passphrase'],
      ['agent', 'SSH agent', 'The agent at SSH_AUTH_SOCK'],
      ['password', 'Password', 'Kept in VS Code secret storage'],
    ], start.ssh?.auth ?? 'key');
    profile.ssh = { host: sshHost, port: sshPort, user: sshUser, auth: sshAuth };
    if (start.ssh?.trustedFingerprint && start.ssh.host === sshHost) profile.ssh.trustedFingerprint = start.ssh.trustedFingerprint;
    if (sshAuth === 'key') {
      profile.ssh.privateKeyFile = await text(title, 'Private key file', start.ssh?.privateKeyFile ?? '~/.ssh/id_ed25519', nonEmpty);
      const passphrase = await secret(title, 'Passphrase of the private key (empty if none)');
      if (passphrase !== '') secrets.sshKeyPassphrase = passphrase;
    } else if (sshAuth === 'password') {
      const password = await secret(title, `SSH password for ${sshUser}@${sshHost}`);
      if (password !== '') secrets.sshPassword = password;
    }
  }

  if (await yesNo(title, 'Read-only? (sessions start with default_transaction_read_only = on; no edits in the grid)', start.readOnly === true)) {
    profile.readOnly = true;
  }
  const color = await pick<ProfileColor | 'none'>(
    title,
    'Colour for the tree item and status bar',
    [['none', 'No colour', ''], ...PROFILE_COLORS.map((c): [ProfileColor, string, string] => [c, c, ''])],
    start.color ?? 'none',
  );
  if (color !== 'none') profile.color = color;
  // Not asked: set by hand in the settings (README, "Using PG Explorer with an agent"); kept on edit.
  if (start.agentTools === false) profile.agentTools = false;
  return { profile, secrets };
}

/** Settings the walk does not ask about (from an import or a hand edit): kept as they were on edit. */
function keptFields(start: Partial<ConnectionProfile>): Partial<ConnectionProfile> {
  const kept: Partial<ConnectionProfile> = {};
  if (start.service) kept.service = start.service;
  if (start.applicationName) kept.applicationName = start.applicationName;
  if (start.connectTimeoutSeconds !== undefined) kept.connectTimeoutSeconds = start.connectTimeoutSeconds;
  if (start.startupSettings) kept.startupSettings = { ...start.startupSettings };
  if (start.channelBinding) kept.channelBinding = start.channelBinding;
  if (start.requireAuth) kept.requireAuth = start.requireAuth;
  return kept;
}

function nonEmpty(value: string): string | undefined {
  return value.trim() ? undefined : 'This cannot be empty';
}

function validPort(value: string): string | undefined {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? undefined : 'A port is a number from 1 to 65535';
}

async function text(title: string, prompt: string, value: string, validate?: (v: string) => string | undefined): Promise<string> {
  const answer = await vscode.window.showInputBox({ title, prompt, value, ignoreFocusOut: true, validateInput: validate });
  if (answer === undefined) throw new Cancelled();
  return answer.trim();
}

async function secret(title: string, prompt: string): Promise<string> {
  const answer = await vscode.window.showInputBox({ title, prompt, password: true, ignoreFocusOut: true });
  if (answer === undefined) throw new Cancelled();
  return answer;
}

async function pick<T extends string>(title: string, placeHolder: string, options: [T, string, string][], current: T): Promise<T> {
  const items = options.map(([value, label, detail]) => ({ label, description: value === current ? '(current)' : undefined, detail: detail || undefined, value }));
  items.sort((a, b) => Number(b.value === current) - Number(a.value === current));
  const answer = await vscode.window.showQuickPick(items, { title, placeHolder, ignoreFocusOut: true });
  if (!answer) throw new Cancelled();
  return answer.value;
}

async function yesNo(title: string, question: string, current: boolean): Promise<boolean> {
  return (await pick<'yes' | 'no'>(title, question, [['no', 'No', ''], ['yes', 'Yes', '']], current ? 'yes' : 'no')) === 'yes';
}

function stripUndefined(secrets: ProfileSecrets): ProfileSecrets {
  return Object.fromEntries(Object.entries(secrets).filter(([, v]) => v !== undefined)) as ProfileSecrets;
}
