/**
 * The connection form (Add / Edit Connection): every field on one page, the TLS files and the SSH
 * tunnel shown only when chosen, Test (the server's version or its error, here), Save (tests
 * first; a failure offers Save anyway or Back, and Back returns to the fields as they were typed)
 * and Cancel. Each change goes to the host, which keeps it for the form's life: a page VS Code
 * rebuilds gets the fields back, and of a secret only whether it is saved or was typed.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-form-helper/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import {
  FORM_AUTH_METHODS,
  FORM_COLORS,
  FORM_SSH_AUTH,
  FORM_TLS_MODES,
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
} from '../src/shared/connection-form';
import type { ConnectionFormValues, FieldProblem, FormSecretName, FormSecrets, FormTestResult, SecretStates } from '../src/shared/connection-form';
import { onMessage, post } from './ipc';

type TextField = Exclude<{ [K in keyof ConnectionFormValues]: ConnectionFormValues[K] extends string ? K : never }[keyof ConnectionFormValues], ChoiceField>;
type ChoiceField = 'auth' | 'tlsMode' | 'sshAuth' | 'color';
type FlagField = 'ssh' | 'readOnly';

/** The properties of vscode-elements' controls this page uses. */
interface ValueElement extends HTMLElement {
  value: string;
}
interface CheckElement extends HTMLElement {
  checked: boolean;
}

const LABELS: Record<string, string> = {
  password: 'Password (kept in VS Code secret storage)',
  pgpass: 'Password file (.pgpass, libpq rules)',
  certificate: 'Client certificate (TLS)',
  none: 'No password (trust, peer)',
  prefer: 'prefer: TLS when the server offers it',
  disable: 'disable: never TLS',
  require: 'require: always TLS, certificate not checked',
  'verify-ca': 'verify-ca: certificate signed by your CA',
  'verify-full': 'verify-full: verify-ca, and the host name must match',
  key: 'Private key file',
  agent: 'SSH agent (SSH_AUTH_SOCK)',
  '': 'No colour',
};
const SECRET_LABELS: Record<FormSecretName, string> = {
  password: 'Password',
  tlsKeyPassphrase: 'Passphrase of the client key',
  sshPassword: 'SSH password',
  sshKeyPassphrase: 'Passphrase of the private key',
};

const app = document.getElementById('app') ?? document.body;
const texts = new Map<TextField, ValueElement>();
const choices = new Map<ChoiceField, ValueElement>();
const flags = new Map<FlagField, CheckElement>();
const secretFields = new Map<FormSecretName, { input: ValueElement; helper: HTMLElement }>();
const problemsShown = new Map<string, HTMLElement>();
let secretStates: SecretStates = {};
/** Secrets typed since the last message to the host. */
let typed: FormSecrets = {};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function custom<T extends HTMLElement>(tag: string, attrs: Record<string, string> = {}): T {
  const node = document.createElement(tag) as T;
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

function row(id: string, label: string, control: HTMLElement, helper?: HTMLElement): HTMLElement {
  const group = el('div', 'field');
  const l = custom<HTMLElement>('vscode-label', { for: id });
  l.textContent = label;
  const problem = custom<HTMLElement>('vscode-form-helper', { class: 'problem' });
  problem.hidden = true;
  problemsShown.set(id, problem);
  group.append(l, control, ...(helper ? [helper] : []), problem);
  return group;
}

function textField(field: TextField, label: string, placeholder = ''): HTMLElement {
  const input = custom<ValueElement>('vscode-textfield', { id: `f-${field}`, placeholder });
  input.addEventListener('input', changed);
  texts.set(field, input);
  return row(`f-${field}`, label, input);
}

function choiceField(field: ChoiceField, label: string, options: readonly string[]): HTMLElement {
  const select = custom<ValueElement>('vscode-single-select', { id: `f-${field}` });
  for (const value of options) {
    const option = custom<HTMLElement>('vscode-option', { value });
    option.textContent = LABELS[value] ?? value;
    select.append(option);
  }
  select.addEventListener('change', changed);
  choices.set(field, select);
  return row(`f-${field}`, label, select);
}

function flagField(field: FlagField, label: string): HTMLElement {
  const box = custom<CheckElement>('vscode-checkbox', { id: `f-${field}`, label });
  box.addEventListener('change', changed);
  flags.set(field, box);
  const group = el('div', 'field');
  group.append(box);
  return group;
}

function secretField(name: FormSecretName): HTMLElement {
  const input = custom<ValueElement>('vscode-textfield', { id: `f-${name}`, type: 'password' });
  const helper = custom<HTMLElement>('vscode-form-helper', { class: 'secret-state' });
  input.addEventListener('input', () => {
    typed[name] = input.value;
    changed();
  });
  secretFields.set(name, { input, helper });
  return row(`f-${name}`, SECRET_LABELS[name], input, helper);
}

function section(id: string, title: string, ...children: HTMLElement[]): HTMLElement {
  const fieldset = el('fieldset', 'section');
  fieldset.id = id;
  fieldset.append(el('legend', undefined, title), ...children);
  return fieldset;
}

function button(id: string, label: string, onClick: () => void, secondary = false): HTMLElement {
  const b = custom<HTMLElement>('vscode-button', { id, ...(secondary ? { secondary: '' } : {}) });
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

// ---- the page ----
const title = el('h1');
const connectionString = custom<ValueElement>('vscode-textfield', { id: 'f-connectionString', type: 'password', placeholder: 'postgresql://user@host:5432/db?sslmode=require' });
const filled = el('p', 'note');
const pasteRow = el('div', 'paste');
pasteRow.append(connectionString, button('fill', 'Fill from connection string', () => post(FormFillFromStringCommand, { text: connectionString.value }), true));

const pgpassRow = textField('pgpassFile', 'Password file (empty: PGPASSFILE or ~/.pgpass)');
const passwordRow = secretField('password');
const tls = section('tls', 'TLS files',
  textField('caFile', 'CA certificate file (PEM; empty: the system CAs)'),
  textField('certFile', 'Client certificate file (PEM)'),
  textField('keyFile', 'Client key file (PEM)'),
  secretField('tlsKeyPassphrase'));
const sshKeyRows = [textField('sshKeyFile', 'Private key file'), secretField('sshKeyPassphrase')];
const sshPasswordRow = secretField('sshPassword');
const ssh = section('ssh', 'SSH tunnel',
  textField('sshHost', 'SSH host'),
  textField('sshPort', 'SSH port'),
  textField('sshUser', 'SSH user'),
  choiceField('sshAuth', 'SSH authentication', FORM_SSH_AUTH),
  ...sshKeyRows,
  sshPasswordRow);

const status = el('div', 'status');
status.id = 'status';
status.setAttribute('role', 'status');
const trust = button('trust', 'Trust this host key and test again', () => {
  const fingerprint = trust.dataset.fingerprint;
  if (fingerprint) post(FormTrustHostKeyCommand, { fingerprint });
}, true);
trust.hidden = true;

const form = el('div', 'form');
form.id = 'form';
// Hidden until the host's init arrives: its fill() would overwrite anything typed before it, and
// the sections shown depend on the values it brings.
form.hidden = true;
form.append(
  section('paste', 'Paste a connection string (optional)', pasteRow, filled),
  section('server', 'Server',
    textField('name', 'Name shown in the explorer'),
    textField('host', 'Host'),
    textField('port', 'Port'),
    textField('database', 'Database'),
    textField('user', 'User'),
    choiceField('auth', 'Authentication', FORM_AUTH_METHODS),
    passwordRow,
    pgpassRow,
    choiceField('tlsMode', 'TLS', FORM_TLS_MODES)),
  tls,
  flagField('ssh', 'Connect through an SSH tunnel'),
  ssh,
  section('options', 'Options',
    flagField('readOnly', 'Read-only (sessions start with default_transaction_read_only = on; no edits in the grid)'),
    choiceField('color', 'Colour in the tree and status bar', FORM_COLORS)),
  status,
  trust,
  buttons(
    button('test', 'Test', () => post(FormTestCommand, takeState())),
    button('save', 'Save', () => post(FormSaveCommand, { ...takeState(), anyway: false })),
    button('cancel', 'Cancel', () => post(FormCancelCommand, {}), true)),
);

// Save's test failed: Save anyway, or Back to the fields as they were typed.
const failedMessage = el('pre', 'failed-text');
failedMessage.id = 'failed-message';
const failed = el('div', 'failed');
failed.id = 'failed';
failed.hidden = true;
failed.append(
  el('h2', undefined, 'Test connection failed'),
  failedMessage,
  buttons(
    button('back', 'Back', () => showForm()),
    button('save-anyway', 'Save anyway', () => post(FormSaveCommand, { ...takeState(), anyway: true }), true),
    button('cancel-failed', 'Cancel', () => post(FormCancelCommand, {}), true)),
);
app.append(title, form, failed);

function buttons(...children: HTMLElement[]): HTMLElement {
  const bar = el('div', 'buttons');
  bar.append(...children);
  return bar;
}

function showForm(): void {
  failed.hidden = true;
  form.hidden = false;
}

function values(): ConnectionFormValues {
  const v = {} as Record<string, string | boolean>;
  for (const [field, input] of texts) v[field] = input.value;
  for (const [field, select] of choices) v[field] = select.value;
  for (const [field, box] of flags) v[field] = box.checked;
  return v as unknown as ConnectionFormValues;
}

function takeState(): { values: ConnectionFormValues; secrets: FormSecrets } {
  const secrets = typed;
  typed = {};
  for (const name of Object.keys(secrets) as FormSecretName[]) if (secrets[name]) secretStates[name] = 'typed';
  return { values: values(), secrets };
}

function changed(): void {
  post(FormChangedCommand, takeState());
  layout();
}

/** Shows only the sections the choices call for. */
function layout(): void {
  const v = values();
  passwordRow.hidden = v.auth !== 'password';
  pgpassRow.hidden = v.auth !== 'pgpass';
  tls.hidden = !(v.auth === 'certificate' || v.tlsMode === 'require' || v.tlsMode === 'verify-ca' || v.tlsMode === 'verify-full');
  ssh.hidden = !v.ssh;
  for (const r of sshKeyRows) r.hidden = v.sshAuth !== 'key';
  sshPasswordRow.hidden = v.sshAuth !== 'password';
  for (const [name, { input, helper }] of secretFields) {
    const state = secretStates[name];
    helper.textContent = input.value ? '' : state === 'saved' ? `${SECRET_LABELS[name]} saved: leave empty to keep it.` : state === 'typed' ? 'Typed in this form: kept until you save or close it.' : '';
  }
}

function fill(v: ConnectionFormValues): void {
  for (const [field, input] of texts) input.value = v[field];
  for (const [field, select] of choices) select.value = v[field];
  for (const [field, box] of flags) box.checked = v[field];
  layout();
}

function showProblems(problems: FieldProblem[] = []): void {
  for (const helper of problemsShown.values()) helper.hidden = true;
  for (const p of problems) {
    const helper = problemsShown.get(`f-${p.field}`);
    if (!helper) continue;
    helper.textContent = p.message;
    helper.hidden = false;
  }
}

function showTest(result: FormTestResult): void {
  showProblems(result.problems);
  status.className = `status ${result.ok ? 'ok' : 'error'}`;
  status.textContent = result.ok ? `Connected: ${result.message}` : result.message;
  trust.hidden = !result.hostKeyFingerprint;
  if (result.hostKeyFingerprint) trust.dataset.fingerprint = result.hostKeyFingerprint;
  status.scrollIntoView({ block: 'nearest' });
}

onMessage((message) => {
  if (FormInitNotification.is(message)) {
    title.textContent = message.params.title;
    secretStates = { ...message.params.secrets };
    fill(message.params.values);
    showForm();
  } else if (FormTestingNotification.is(message)) {
    status.className = 'status';
    status.textContent = 'Testing…';
    trust.hidden = true;
  } else if (FormTestResultNotification.is(message)) {
    showTest(message.params);
  } else if (FormSaveResultNotification.is(message)) {
    const result = message.params;
    showProblems(result.problems);
    if (result.test && !result.test.ok) {
      showTest(result.test);
      failedMessage.textContent = result.test.message;
      form.hidden = true;
      failed.hidden = false;
    } else if (result.problems?.length) {
      status.className = 'status error';
      status.textContent = 'Some fields need a look (see below each).';
    }
  } else if (FormFilledNotification.is(message)) {
    const p = message.params;
    if (p.error) {
      filled.textContent = p.error;
      filled.className = 'note error';
      return;
    }
    connectionString.value = '';
    if (p.secrets) secretStates = { ...secretStates, ...p.secrets };
    if (p.values) fill(p.values);
    filled.className = 'note';
    filled.textContent = p.ignored?.length ? `Filled in. Not kept (no effect in PG Explorer): ${p.ignored.join(', ')}.` : 'Filled in from the connection string.';
  }
});

post(FormReadyCommand, {});
