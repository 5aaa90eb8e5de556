/**
 * Connection profiles as the pool sees them: where the server is, how to authenticate, whether
 * to use TLS and whether to go through an SSH hop. Pure data plus the translation into
 * node-postgres' client options; nothing here opens a socket.
 */
import type { Duplex } from 'node:stream';
import type { ClientConfig } from 'pg';
import { PgError } from './errors';

export type PgTlsMode = 'disable' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';
/** libpq's channel_binding: SCRAM-SHA-256-PLUS never, when offered (the default), or always. */
export type PgChannelBinding = 'disable' | 'prefer' | 'require';

export interface PgTlsOptions {
  mode: PgTlsMode;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  keyPassphrase?: string;
}

export type PgAuthMethod =
  | { kind: 'password'; password: string }
  | { kind: 'none' }
  | { kind: 'pgpass'; file?: string }
  | { kind: 'certificate' };

export interface SshTunnelRef {
  host: string;
  port?: number;
  user: string;
  auth:
    | { kind: 'key'; privateKeyFile: string; passphrase?: string }
    | { kind: 'agent'; socket?: string }
    | { kind: 'password'; password: string };
  hostKey: { kind: 'knownHosts'; file?: string } | { kind: 'fingerprint'; sha256: string };
}

export interface PgConfig {
  host: string;
  port: number;
  database: string;
  user: string;
  auth: PgAuthMethod;
  /** Shown in pg_stat_activity; default "PG Explorer". */
  applicationName?: string;
  /** Absent means libpq's default, `prefer`: TLS when the server offers it. */
  tls?: PgTlsOptions;
  ssh?: SshTunnelRef;
  /** Default `prefer`, as libpq (see auth-rules.ts). */
  channelBinding?: PgChannelBinding;
  /** libpq's require_auth text, e.g. `scram-sha-256` or `!password,!md5` (see auth-rules.ts). */
  requireAuth?: string;
  /**
   * Server settings sent in the startup packet (`-c name=value`), e.g.
   * `{ default_transaction_read_only: 'on' }` for a read-only profile. Because they are part of
   * the startup packet, `DISCARD ALL` between sessions resets to them, not away from them.
   */
  startupSettings?: Record<string, string>;
  /**
   * A read-only profile: besides `default_transaction_read_only = on` in `startupSettings`, the
   * pool refuses statements that would turn read-only off before sending them (read-only-guard.ts).
   */
  readOnly?: boolean;
}

export const DEFAULT_APPLICATION_NAME = 'PG Explorer';

/**
 * How the pool's sockets reach the server. Directly: TCP to `host:port`. Through SSH: `stream`
 * makes an unopened socket whose connect() opens a fresh channel to `host:port` (as the SSH server
 * sees it) on the profile's SSH connection; pg gets it as its `stream`, and each CancelRequest
 * opens one of its own. There is no local port either way.
 */
export interface Route {
  host: string;
  port: number;
  stream?: () => RouteSocket;
}

/** What pg and the CancelRequest need of a socket beyond a Duplex (net.Socket has all of it). */
export interface RouteSocket extends Duplex {
  connect(port: number, host: string): this;
}

/** "user@host:port/database", for messages and logs. Never carries a secret. */
export function describeTarget(config: PgConfig): string {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const via = config.ssh ? ` via ssh ${config.ssh.user}@${config.ssh.host}` : '';
  return `${config.user}@${host}:${config.port}/${config.database}${via}`;
}

export function validateConfig(config: PgConfig): void {
  const problems: string[] = [];
  if (!config.host) problems.push('host is empty');
  if (!Number.isInteger(config.port) || config.port < 1 || config.port > 65535) {
    problems.push(`port ${String(config.port)} is not a number from 1 to 65535`);
  }
  if (!config.database) problems.push('database is empty');
  if (!config.user) problems.push('user is empty');
  if (problems.length > 0) {
    throw new PgError('config', `The connection settings are incomplete: ${problems.join('; ')}.`);
  }
}

/** Encodes startup settings as the libpq `options` string, escaping spaces and backslashes. */
function startupOptions(settings: Record<string, string> | undefined): string | undefined {
  if (!settings) return undefined;
  const parts = Object.entries(settings).map(([name, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name)) {
      throw new PgError('config', `"${name}" is not a valid server setting name.`);
    }
    return `-c ${name}=${value.replace(/\\/g, '\\\\').replace(/ /g, '\\ ')}`;
  });
  return parts.length > 0 ? parts.join(' ') : undefined;
}

/** What node-postgres calls when the server asks for a password (see connect.ts). */
export type PasswordSource = () => Promise<string>;

/**
 * node-postgres options for one pooled connection. Values are never parsed into JS types: the
 * pool reads every column as the server's text. The password is always a function, called only
 * when the server asks, so that pg never falls back to PGPASSWORD or its own ~/.pgpass reading.
 */
export function clientConfigFor(
  config: PgConfig,
  route: Route,
  extra: { connectTimeoutMs: number; password: PasswordSource; ssl: ClientConfig['ssl']; enableChannelBinding: boolean },
): ClientConfig & { enableChannelBinding: boolean } {
  return {
    host: route.host,
    port: route.port,
    ...(route.stream ? { stream: route.stream } : {}),
    database: config.database,
    user: config.user,
    password: extra.password,
    application_name: config.applicationName ?? DEFAULT_APPLICATION_NAME,
    // The pool reads text as UTF-8; PGCLIENTENCODING in the environment must not change that.
    client_encoding: 'UTF8',
    connectionTimeoutMillis: extra.connectTimeoutMs,
    options: startupOptions(config.startupSettings),
    ssl: extra.ssl,
    // pg 8.23 offers SCRAM-SHA-256-PLUS with it when the server does, over TLS (libpq's prefer).
    enableChannelBinding: extra.enableChannelBinding,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
}
