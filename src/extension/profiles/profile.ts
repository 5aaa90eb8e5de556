/**
 * A connection profile as stored in the settings (`pgExplorer.connections`). It never holds a
 * secret: passwords and key passphrases live in SecretStorage under the profile's id
 * (secrets.ts), and are joined in only when a PgConfig is built for the pool.
 */
import { randomUUID } from 'node:crypto';
import type { ParsedConnectionString, PgChannelBinding, PgConfig, PgTlsMode } from '../../pool';

export type ProfileAuth = 'password' | 'none' | 'pgpass' | 'certificate';
export type SshAuth = 'key' | 'agent' | 'password';

/** Theme colours a profile can be marked with (tree icon and status-bar entry). */
export const PROFILE_COLORS = ['red', 'orange', 'yellow', 'green', 'blue', 'purple'] as const;
export type ProfileColor = (typeof PROFILE_COLORS)[number];

export interface ProfileTls {
  mode: PgTlsMode;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

export interface ProfileSsh {
  host: string;
  port?: number;
  user: string;
  auth: SshAuth;
  privateKeyFile?: string;
  /** The agent's socket; default SSH_AUTH_SOCK. */
  agentSocket?: string;
  /** known_hosts file to check the host key against; default ~/.ssh/known_hosts. */
  knownHostsFile?: string;
  /** A host key the user trusted (`SHA256:...`): checked instead of known_hosts. */
  trustedFingerprint?: string;
}

export interface ConnectionProfile {
  id: string;
  name: string;
  host: string;
  port: number;
  database: string;
  user: string;
  auth: ProfileAuth;
  /** For `pgpass`: the password file; default PGPASSFILE or ~/.pgpass. */
  pgpassFile?: string;
  tls?: ProfileTls;
  ssh?: ProfileSsh;
  /** Sessions start with default_transaction_read_only = on; the grid offers no edits. */
  readOnly?: boolean;
  /** `false` keeps the agent tools (src/extension/agent) away from this connection. */
  agentTools?: boolean;
  color?: ProfileColor;
  /**
   * A service of pg_service.conf: its settings fill in what the profile does not say (libpq's
   * precedence, see parseProfile); its password, if any, is read from the file at connect.
   */
  service?: string;
  /** application_name; default "PG Explorer". */
  applicationName?: string;
  /** libpq's connect_timeout in seconds (0 waits forever); default 10. */
  connectTimeoutSeconds?: number;
  /** Other server settings sent at connect (libpq's options='-c name=value'). */
  startupSettings?: Record<string, string>;
  channelBinding?: PgChannelBinding;
  /** libpq's require_auth, e.g. "scram-sha-256". */
  requireAuth?: string;
}

/** The secrets a profile may need, by name. */
export interface ProfileSecrets {
  password?: string;
  tlsKeyPassphrase?: string;
  sshPassword?: string;
  sshKeyPassphrase?: string;
}
export type SecretName = keyof ProfileSecrets;

/** "name (user@host:port/db)" for pickers and messages; never carries a secret. */
export function describeProfile(profile: ConnectionProfile): string {
  const via = profile.ssh ? ` via ${profile.ssh.user}@${profile.ssh.host}` : '';
  return `${profile.user}@${profile.host}:${profile.port}/${profile.database}${via}`;
}

/** The theme colour id of a profile's colour, for ThemeIcon and the status bar. */
export function themeColorId(color: ProfileColor): string {
  return `charts.${color}`;
}

/** The pool's settings for one database of the profile, with the secrets joined in. */
export function toPgConfig(profile: ConnectionProfile, database: string, secrets: ProfileSecrets): PgConfig {
  const config: PgConfig = {
    host: profile.host,
    port: profile.port,
    database,
    user: profile.user,
    auth:
      profile.auth === 'password'
        ? { kind: 'password', password: secrets.password ?? '' }
        : profile.auth === 'pgpass'
          ? { kind: 'pgpass', ...(profile.pgpassFile ? { file: profile.pgpassFile } : {}) }
          : { kind: profile.auth },
    applicationName: profile.applicationName ?? 'PG Explorer',
  };
  if (profile.channelBinding) config.channelBinding = profile.channelBinding;
  if (profile.requireAuth) config.requireAuth = profile.requireAuth;
  if (profile.tls && profile.tls.mode !== 'disable') {
    config.tls = {
      mode: profile.tls.mode,
      ...(profile.tls.caFile ? { caFile: profile.tls.caFile } : {}),
      ...(profile.tls.certFile ? { certFile: profile.tls.certFile } : {}),
      ...(profile.tls.keyFile ? { keyFile: profile.tls.keyFile } : {}),
      ...(secrets.tlsKeyPassphrase ? { keyPassphrase: secrets.tlsKeyPassphrase } : {}),
    };
  } else if (profile.tls) {
    config.tls = { mode: 'disable' };
  }
  if (profile.ssh) {
    const ssh = profile.ssh;
    config.ssh = {
      host: ssh.host,
      ...(ssh.port ? { port: ssh.port } : {}),
      user: ssh.user,
      auth:
        ssh.auth === 'key'
          ? { kind: 'key', privateKeyFile: ssh.privateKeyFile ?? '', ...(secrets.sshKeyPassphrase ? { passphrase: secrets.sshKeyPassphrase } : {}) }
          : ssh.auth === 'agent'
            ? { kind: 'agent', ...(ssh.agentSocket ? { socket: ssh.agentSocket } : {}) }
            : { kind: 'password', password: secrets.sshPassword ?? '' },
      hostKey: ssh.trustedFingerprint
        ? { kind: 'fingerprint', sha256: ssh.trustedFingerprint }
        : { kind: 'knownHosts', ...(ssh.knownHostsFile ? { file: ssh.knownHostsFile } : {}) },
    };
  }
  const startup = { ...profile.startupSettings, ...(profile.readOnly ? { default_transaction_read_only: 'on' } : {}) };
  if (Object.keys(startup).length > 0) config.startupSettings = startup;
  if (profile.readOnly) config.readOnly = true;
  return config;
}

/** PoolOptions' connectTimeoutMs from the profile's connect_timeout (libpq: seconds, at least 2, 0 waits forever). */
export function connectTimeoutMs(profile: ConnectionProfile): number | undefined {
  const seconds = profile.connectTimeoutSeconds;
  return seconds === undefined ? undefined : seconds <= 0 ? 0 : Math.max(seconds, 2) * 1000;
}

/** The secrets a profile asks for, given its settings. */
export function secretsNeeded(profile: ConnectionProfile): SecretName[] {
  const names: SecretName[] = [];
  if (profile.auth === 'password') names.push('password');
  if (profile.tls?.keyFile) names.push('tlsKeyPassphrase');
  if (profile.ssh?.auth === 'password') names.push('sshPassword');
  if (profile.ssh?.auth === 'key') names.push('sshKeyPassphrase');
  return names;
}

/**
 * Reads one entry of the setting, which a person may have edited by hand: anything malformed is
 * reported rather than guessed.
 */
export function parseProfile(
  value: unknown,
  readService?: (name: string) => ParsedConnectionString,
): { profile?: ConnectionProfile; problem?: string } {
  if (typeof value !== 'object' || value === null) return { problem: 'an entry is not an object' };
  const v = value as Record<string, unknown>;
  const str = (key: string): string | undefined => (typeof v[key] === 'string' ? (v[key] as string) : undefined);
  const id = str('id');
  const name = str('name') ?? id;
  if (!id || !name) return { problem: 'an entry has no "id"' };
  // libpq's precedence: what the profile says, then the service's settings, then the defaults.
  const serviceName = str('service');
  let base: Partial<ConnectionProfile> = {};
  let problem: string | undefined;
  if (serviceName && readService) {
    try {
      base = profileFromConfig(readService(serviceName).config).profile;
    } catch (err) {
      problem = `"${name}": ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  const host = str('host') ?? base.host ?? 'localhost';
  const port = typeof v.port === 'number' ? v.port : Number(v.port ?? base.port ?? 5432);
  const auth = (str('auth') ?? base.auth ?? 'password') as ProfileAuth;
  if (!['password', 'none', 'pgpass', 'certificate'].includes(auth)) return { problem: `"${name}": unknown auth "${auth}"` };
  const profile: ConnectionProfile = {
    ...stripIdentity(base),
    id,
    name,
    host,
    port,
    database: str('database') ?? base.database ?? 'postgres',
    user: str('user') ?? base.user ?? 'postgres',
    auth,
  };
  if (serviceName) profile.service = serviceName;
  if (str('applicationName')) profile.applicationName = str('applicationName');
  if (typeof v.connectTimeoutSeconds === 'number' && Number.isFinite(v.connectTimeoutSeconds) && v.connectTimeoutSeconds >= 0) {
    profile.connectTimeoutSeconds = v.connectTimeoutSeconds;
  }
  if (typeof v.startupSettings === 'object' && v.startupSettings !== null && !Array.isArray(v.startupSettings)) {
    const settings = Object.entries(v.startupSettings as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string');
    profile.startupSettings = { ...base.startupSettings, ...Object.fromEntries(settings) };
  }
  const channelBinding = str('channelBinding');
  if (channelBinding === 'disable' || channelBinding === 'prefer' || channelBinding === 'require') profile.channelBinding = channelBinding;
  if (str('requireAuth')) profile.requireAuth = str('requireAuth');
  if (str('pgpassFile')) profile.pgpassFile = str('pgpassFile');
  if (typeof v.tls === 'object' && v.tls !== null) profile.tls = v.tls as ProfileTls;
  if (typeof v.ssh === 'object' && v.ssh !== null) profile.ssh = v.ssh as ProfileSsh;
  if (v.readOnly === true) profile.readOnly = true;
  if (v.agentTools === false) profile.agentTools = false;
  const color = str('color');
  if (color && (PROFILE_COLORS as readonly string[]).includes(color)) profile.color = color as ProfileColor;
  return problem ? { profile, problem } : { profile };
}

function stripIdentity(base: Partial<ConnectionProfile>): Partial<ConnectionProfile> {
  const rest = { ...base };
  delete rest.id;
  delete rest.name;
  return rest;
}

/**
 * A profile (and its secrets, kept apart) from the pool's reading of a connection string or a
 * service. Nothing the string said is dropped silently: `default_transaction_read_only=on`
 * makes the profile read-only, other `-c` settings, application_name, connect_timeout,
 * channel_binding and require_auth are kept; what is left over is in `ignored`.
 */
export function profileFromConfig(
  config: PgConfig,
  parsed: Pick<ParsedConnectionString, 'connectTimeoutMs' | 'ignoredOptions'> = { ignoredOptions: [] },
): { profile: ConnectionProfile; secrets: ProfileSecrets; ignored: string[] } {
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
  if (config.applicationName) profile.applicationName = config.applicationName;
  if (parsed.connectTimeoutMs !== undefined) profile.connectTimeoutSeconds = parsed.connectTimeoutMs / 1000;
  if (config.channelBinding) profile.channelBinding = config.channelBinding;
  if (config.requireAuth) profile.requireAuth = config.requireAuth;
  const settings = { ...config.startupSettings };
  const readOnly = settings.default_transaction_read_only;
  if (readOnly !== undefined && /^(on|true|yes|1)$/i.test(readOnly.trim())) {
    profile.readOnly = true;
    delete settings.default_transaction_read_only;
  }
  if (Object.keys(settings).length > 0) profile.startupSettings = settings;
  return { profile, secrets, ignored: [...parsed.ignoredOptions] };
}
