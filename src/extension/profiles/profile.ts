/**
 * A connection profile as stored in the settings (`pgExplorer.connections`). It never holds a
 * secret: passwords and key passphrases live in SecretStorage under the profile's id
 * (secrets.ts), and are joined in only when a PgConfig is built for the pool.
 */
import type { PgConfig, PgTlsMode } from '../../pool';

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
    applicationName: 'PG Explorer',
  };
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
  if (profile.readOnly) {
    config.startupSettings = { default_transaction_read_only: 'on' };
    config.readOnly = true;
  }
  return config;
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
export function parseProfile(value: unknown): { profile?: ConnectionProfile; problem?: string } {
  if (typeof value !== 'object' || value === null) return { problem: 'an entry is not an object' };
  const v = value as Record<string, unknown>;
  const str = (key: string): string | undefined => (typeof v[key] === 'string' ? (v[key] as string) : undefined);
  const id = str('id');
  const name = str('name') ?? id;
  if (!id || !name) return { problem: 'an entry has no "id"' };
  const host = str('host') ?? 'localhost';
  const port = typeof v.port === 'number' ? v.port : Number(v.port ?? 5432);
  const auth = (str('auth') ?? 'password') as ProfileAuth;
  if (!['password', 'none', 'pgpass', 'certificate'].includes(auth)) return { problem: `"${name}": unknown auth "${auth}"` };
  const profile: ConnectionProfile = {
    id,
    name,
    host,
    port,
    database: str('database') ?? 'postgres',
    user: str('user') ?? 'postgres',
    auth,
  };
  if (str('pgpassFile')) profile.pgpassFile = str('pgpassFile');
  if (typeof v.tls === 'object' && v.tls !== null) profile.tls = v.tls as ProfileTls;
  if (typeof v.ssh === 'object' && v.ssh !== null) profile.ssh = v.ssh as ProfileSsh;
  if (v.readOnly === true) profile.readOnly = true;
  if (v.agentTools === false) profile.agentTools = false;
  const color = str('color');
  if (color && (PROFILE_COLORS as readonly string[]).includes(color)) profile.color = color as ProfileColor;
  return { profile };
}
