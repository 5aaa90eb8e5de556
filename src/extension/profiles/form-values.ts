/**
 * The connection form's fields to a profile and back. Pure (no vscode): what the form shows for a
 * profile, and the profile its fields make, or the problems of each field that keep it from being
 * one. Settings the form does not show (from an import or a hand edit) are kept on edit.
 */
import type { ConnectionFormValues, FieldProblem, FormColor } from '../../shared/connection-form';
import { PROFILE_COLORS } from './profile';
import type { ConnectionProfile, ProfileColor } from './profile';

export function emptyFormValues(): ConnectionFormValues {
  return {
    name: '',
    host: 'localhost',
    port: '5432',
    database: 'postgres',
    user: 'postgres',
    auth: 'password',
    pgpassFile: '',
    tlsMode: 'prefer',
    caFile: '',
    certFile: '',
    keyFile: '',
    ssh: false,
    sshHost: '',
    sshPort: '22',
    sshUser: '',
    sshAuth: 'key',
    sshKeyFile: '~/.ssh/id_ed25519',
    readOnly: false,
    color: '',
  };
}

export function formValuesOf(profile: Partial<ConnectionProfile>): ConnectionFormValues {
  const empty = emptyFormValues();
  return {
    name: profile.name ?? empty.name,
    host: profile.host ?? empty.host,
    port: profile.port !== undefined ? String(profile.port) : empty.port,
    database: profile.database ?? empty.database,
    user: profile.user ?? empty.user,
    auth: profile.auth ?? empty.auth,
    pgpassFile: profile.pgpassFile ?? '',
    tlsMode: profile.tls?.mode ?? empty.tlsMode,
    caFile: profile.tls?.caFile ?? '',
    certFile: profile.tls?.certFile ?? '',
    keyFile: profile.tls?.keyFile ?? '',
    ssh: profile.ssh !== undefined,
    sshHost: profile.ssh?.host ?? '',
    sshPort: profile.ssh?.port !== undefined ? String(profile.ssh.port) : empty.sshPort,
    sshUser: profile.ssh?.user ?? '',
    sshAuth: profile.ssh?.auth ?? empty.sshAuth,
    sshKeyFile: profile.ssh?.privateKeyFile ?? (profile.ssh ? '' : empty.sshKeyFile),
    readOnly: profile.readOnly === true,
    color: (profile.color ?? '') as FormColor,
  };
}

/** Whether the TLS section (files, passphrase) applies: a mode that uses TLS for sure, or a client certificate. */
export function tlsSectionShown(values: Pick<ConnectionFormValues, 'tlsMode' | 'auth'>): boolean {
  return values.auth === 'certificate' || values.tlsMode === 'require' || values.tlsMode === 'verify-ca' || values.tlsMode === 'verify-full';
}

/**
 * The profile the fields make, on top of `base` (the profile being edited, whose other settings
 * stay), or every field's problem. A section that is not shown (SSH off, TLS files under
 * `prefer`) writes nothing.
 */
export function profileFromForm(
  values: ConnectionFormValues,
  id: string,
  base: Partial<ConnectionProfile> = {},
): { profile?: ConnectionProfile; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const need = (field: keyof ConnectionFormValues, what: string): string => {
    const v = String(values[field]).trim();
    if (!v) problems.push({ field, message: `${what} is needed.` });
    return v;
  };
  const port = (field: 'port' | 'sshPort'): number => {
    const n = Number(values[field].trim());
    if (!Number.isInteger(n) || n < 1 || n > 65535) problems.push({ field, message: 'A port is a number from 1 to 65535.' });
    return n;
  };
  const name = need('name', 'A name');
  const host = need('host', 'A host');
  const portNumber = port('port');
  const database = need('database', 'A database');
  const user = need('user', 'A user');
  const profile: ConnectionProfile = { ...kept(base), id, name, host, port: portNumber, database, user, auth: values.auth };
  if (values.auth === 'pgpass' && values.pgpassFile.trim()) profile.pgpassFile = values.pgpassFile.trim();

  profile.tls = { mode: values.tlsMode };
  if (values.auth === 'certificate' && (values.tlsMode === 'prefer' || values.tlsMode === 'disable')) {
    problems.push({ field: 'tlsMode', message: 'Certificate authentication needs TLS: pick require, verify-ca or verify-full.' });
  } else if (tlsSectionShown(values)) {
    if (values.caFile.trim()) profile.tls.caFile = values.caFile.trim();
    const cert = values.certFile.trim();
    const key = values.keyFile.trim();
    if (values.auth === 'certificate') {
      if (!cert) problems.push({ field: 'certFile', message: 'A client certificate file is needed for certificate authentication.' });
      if (!key) problems.push({ field: 'keyFile', message: 'A client key file is needed for certificate authentication.' });
    } else if (Boolean(cert) !== Boolean(key)) {
      problems.push({ field: cert ? 'keyFile' : 'certFile', message: 'A client certificate needs both its file and its key file.' });
    }
    if (cert) profile.tls.certFile = cert;
    if (key) profile.tls.keyFile = key;
  }

  if (values.ssh) {
    const sshHost = need('sshHost', 'An SSH host');
    const sshPort = port('sshPort');
    const sshUser = need('sshUser', 'An SSH user');
    profile.ssh = { host: sshHost, port: sshPort, user: sshUser, auth: values.sshAuth };
    if (values.sshAuth === 'key') profile.ssh.privateKeyFile = need('sshKeyFile', 'A private key file');
    // What the form does not show stays, as long as it is the same SSH host.
    const old = base.ssh;
    if (old && old.host === sshHost && (old.port ?? 22) === sshPort) {
      if (old.trustedFingerprint) profile.ssh.trustedFingerprint = old.trustedFingerprint;
      if (old.knownHostsFile) profile.ssh.knownHostsFile = old.knownHostsFile;
    }
    if (old?.agentSocket && values.sshAuth === 'agent') profile.ssh.agentSocket = old.agentSocket;
  }
  if (values.readOnly) profile.readOnly = true;
  if (values.color && (PROFILE_COLORS as readonly string[]).includes(values.color)) profile.color = values.color as ProfileColor;
  return problems.length > 0 ? { problems } : { profile, problems };
}

/** Settings the form does not show: kept as they were on edit. */
function kept(base: Partial<ConnectionProfile>): Partial<ConnectionProfile> {
  const out: Partial<ConnectionProfile> = {};
  if (base.service) out.service = base.service;
  if (base.applicationName) out.applicationName = base.applicationName;
  if (base.connectTimeoutSeconds !== undefined) out.connectTimeoutSeconds = base.connectTimeoutSeconds;
  if (base.startupSettings) out.startupSettings = { ...base.startupSettings };
  if (base.channelBinding) out.channelBinding = base.channelBinding;
  if (base.requireAuth) out.requireAuth = base.requireAuth;
  if (base.agentTools === false) out.agentTools = false;
  return out;
}
