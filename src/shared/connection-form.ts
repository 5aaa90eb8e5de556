/**
 * The connection form's messages (Add / Edit Connection), in the descriptors of protocol.ts.
 * The webview holds the fields as the user typed them; the host holds the profile, the secrets
 * typed during the form's life (in memory only, for Test, Back and Save) and SecretStorage.
 * A secret crosses only from the webview to the host: the webview is told at most whether a
 * secret is saved or was typed, never its value.
 */
import { IpcCommand, IpcNotification } from './protocol';

export { isIpcMessage } from './protocol';
export type { IpcMessage } from './protocol';

export const FORM_AUTH_METHODS = ['password', 'pgpass', 'certificate', 'none'] as const;
export type FormAuth = (typeof FORM_AUTH_METHODS)[number];
export const FORM_TLS_MODES = ['prefer', 'disable', 'require', 'verify-ca', 'verify-full'] as const;
export type FormTlsMode = (typeof FORM_TLS_MODES)[number];
export const FORM_SSH_AUTH = ['key', 'agent', 'password'] as const;
export type FormSshAuth = (typeof FORM_SSH_AUTH)[number];
export const FORM_COLORS = ['', 'red', 'orange', 'yellow', 'green', 'blue', 'purple'] as const;
export type FormColor = (typeof FORM_COLORS)[number];

/** Every field of the form as text or a choice; the host turns them into a profile (and says what is wrong). */
export interface ConnectionFormValues {
  name: string;
  host: string;
  port: string;
  database: string;
  user: string;
  auth: FormAuth;
  pgpassFile: string;
  tlsMode: FormTlsMode;
  caFile: string;
  certFile: string;
  keyFile: string;
  ssh: boolean;
  sshHost: string;
  sshPort: string;
  sshUser: string;
  sshAuth: FormSshAuth;
  sshKeyFile: string;
  readOnly: boolean;
  color: FormColor;
}

export const FORM_SECRET_NAMES = ['password', 'tlsKeyPassphrase', 'sshPassword', 'sshKeyPassphrase'] as const;
export type FormSecretName = (typeof FORM_SECRET_NAMES)[number];
/** Secrets typed in the form: only ever sent to the host. An absent name was not typed. */
export type FormSecrets = Partial<Record<FormSecretName, string>>;
/** What the webview may know of a secret: stored in SecretStorage, or typed in this form and kept by the host. */
export type SecretState = 'saved' | 'typed';
export type SecretStates = Partial<Record<FormSecretName, SecretState>>;

/** A field's problem, shown under it. */
export interface FieldProblem {
  field: keyof ConnectionFormValues;
  message: string;
}

export interface FormInitParams {
  title: string;
  mode: 'add' | 'edit';
  values: ConnectionFormValues;
  secrets: SecretStates;
}

export interface FormTestResult {
  ok: boolean;
  /** The server version on success, the server's (or the tunnel's) error otherwise. */
  message: string;
  /** An unknown or changed SSH host key: the fingerprint the user may trust. */
  hostKeyFingerprint?: string;
  problems?: FieldProblem[];
}

export interface FormSaveResult {
  saved: boolean;
  /** Why it was not saved: the test failed (Save anyway or Back), or fields are wrong. */
  test?: FormTestResult;
  problems?: FieldProblem[];
}

/** What the webview sends with Test and Save, and on every change (so Back and a rebuilt page keep it). */
export interface FormState {
  values: ConnectionFormValues;
  /** Secrets typed since the last message; a secret not named keeps what the host has. */
  secrets: FormSecrets;
}

// Webview -> host
export const FormReadyCommand = new IpcCommand<Record<string, never>>('form/ready');
export const FormChangedCommand = new IpcCommand<FormState>('form/changed');
export const FormTestCommand = new IpcCommand<FormState>('form/test');
export const FormSaveCommand = new IpcCommand<FormState & { anyway: boolean }>('form/save');
export const FormTrustHostKeyCommand = new IpcCommand<{ fingerprint: string }>('form/trustHostKey');
export const FormFillFromStringCommand = new IpcCommand<{ text: string }>('form/fillFromString');
export const FormCancelCommand = new IpcCommand<Record<string, never>>('form/cancel');

// Host -> webview
export const FormInitNotification = new IpcNotification<FormInitParams>('form/init');
export const FormTestingNotification = new IpcNotification<Record<string, never>>('form/testing');
export const FormTestResultNotification = new IpcNotification<FormTestResult>('form/testResult');
export const FormSaveResultNotification = new IpcNotification<FormSaveResult>('form/saveResult');
/** A connection string read into the fields (or why it could not be). */
export const FormFilledNotification = new IpcNotification<{ values?: ConnectionFormValues; secrets?: SecretStates; error?: string; ignored?: string[] }>('form/filled');
