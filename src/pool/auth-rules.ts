/**
 * libpq's `require_auth` and `channel_binding` as far as node-postgres can honour them. The
 * server's authentication request is watched on the driver's protocol connection, and the
 * password callback (which pg calls only after that request) refuses before anything secret is
 * sent; a server that asked for nothing is caught once the connection is up, before it is used.
 *
 * What pg 8.23 can do: cleartext password, MD5, SCRAM-SHA-256 and, with `enableChannelBinding`,
 * SCRAM-SHA-256-PLUS (tls-server-end-point) when the server offers it over TLS. It has no GSSAPI
 * or SSPI, so a `require_auth` that only allows those is refused when the profile is read.
 */
import type { PgChannelBinding, PgConfig } from './config';
import { PgError } from './errors';

/** The methods libpq's require_auth names. */
export const AUTH_METHODS = ['password', 'md5', 'scram-sha-256', 'gss', 'sspi', 'none'] as const;
export type AuthMethodName = (typeof AUTH_METHODS)[number];

/**
 * The methods a `require_auth` value allows (libpq: a comma list, or a list of `!method` that
 * allows every other one; the two forms cannot be mixed). Throws a PgError saying what is wrong.
 */
export function parseRequireAuth(text: string): AuthMethodName[] {
  const items = text.split(',').map((item) => item.trim());
  const negated = items.filter((item) => item.startsWith('!')).length;
  if (negated > 0 && negated < items.length) {
    throw new PgError('config', `require_auth "${text}" mixes methods with negated (!) methods: use one form.`);
  }
  const names = items.map((item) => (item.startsWith('!') ? item.slice(1) : item));
  for (const name of names) {
    if (!(AUTH_METHODS as readonly string[]).includes(name)) {
      throw new PgError('config', `require_auth "${text}": "${name}" is not one of ${AUTH_METHODS.join(', ')}.`);
    }
  }
  if (new Set(names).size !== names.length) throw new PgError('config', `require_auth "${text}" names a method twice.`);
  const allowed = negated > 0 ? AUTH_METHODS.filter((m) => !names.includes(m)) : (names as AuthMethodName[]);
  if (allowed.length > 0 && allowed.every((m) => m === 'gss' || m === 'sspi')) {
    throw new PgError('config', `require_auth "${text}" allows only GSSAPI/SSPI, which the PostgreSQL driver used here (node-postgres) cannot do.`);
  }
  if (allowed.length === 0) throw new PgError('config', `require_auth "${text}" allows no method at all.`);
  return allowed;
}

/** What the server asked for, as the driver's protocol connection reported it. */
type Requested = 'password' | 'md5' | 'scram-sha-256' | 'scram-sha-256-plus';

interface WireEvents {
  on(event: string, listener: (msg: { mechanisms?: string[] }) => void): void;
  stream?: { getPeerCertificate?: unknown };
}

export class AuthWatch {
  private requested: Requested | undefined;
  private readonly allowed: AuthMethodName[] | undefined;
  private readonly binding: PgChannelBinding;

  constructor(
    config: PgConfig,
    private readonly target: string,
  ) {
    this.allowed = config.requireAuth !== undefined ? parseRequireAuth(config.requireAuth) : undefined;
    this.binding = config.channelBinding ?? 'prefer';
  }

  /** Whether pg should offer SCRAM-SHA-256-PLUS (pg's enableChannelBinding). */
  get enableChannelBinding(): boolean {
    return this.binding !== 'disable';
  }

  /** Listens to the driver's protocol connection; call before `connect()`. */
  attach(client: unknown): void {
    const wire = (client as { connection: WireEvents }).connection;
    wire.on('authenticationCleartextPassword', () => (this.requested = 'password'));
    wire.on('authenticationMD5Password', () => (this.requested = 'md5'));
    wire.on('authenticationSASL', (msg) => {
      const overTls = typeof wire.stream?.getPeerCertificate === 'function';
      const plus = this.enableChannelBinding && overTls && (msg.mechanisms ?? []).includes('SCRAM-SHA-256-PLUS');
      this.requested = plus ? 'scram-sha-256-plus' : 'scram-sha-256';
    });
  }

  /** Called when pg asks for the password, i.e. before it answers the server's request. */
  checkBeforePassword(): void {
    const requested = this.requested;
    if (requested === undefined) return;
    const method: AuthMethodName = requested === 'scram-sha-256-plus' ? 'scram-sha-256' : requested;
    if (this.allowed && !this.allowed.includes(method)) {
      throw new PgError(
        'auth',
        `The server at ${this.target} asked for ${describe(requested)} authentication, which the profile's require_auth ` +
          `(${this.allowed.join(', ')}) does not allow; nothing was sent.`,
      );
    }
    if (this.binding === 'require' && requested !== 'scram-sha-256-plus') {
      throw new PgError(
        'auth',
        `channel_binding is require, but the server at ${this.target} asked for ${describe(requested)} authentication ` +
          'without channel binding (it needs SCRAM-SHA-256-PLUS over TLS); nothing was sent.',
      );
    }
  }

  /** Called once the connection is up: a server that asked for no authentication at all. */
  checkAfterConnect(): void {
    if (this.requested !== undefined) return;
    if (this.allowed && !this.allowed.includes('none')) {
      throw new PgError(
        'auth',
        `The server at ${this.target} let the connection in without authentication, which the profile's require_auth ` +
          `(${this.allowed.join(', ')}) does not allow.`,
      );
    }
    if (this.binding === 'require') {
      throw new PgError(
        'auth',
        `channel_binding is require, but the server at ${this.target} let the connection in without authentication (no channel binding).`,
      );
    }
  }
}

function describe(requested: Requested): string {
  switch (requested) {
    case 'password':
      return 'a cleartext password';
    case 'md5':
      return 'MD5 password';
    case 'scram-sha-256':
      return 'SCRAM-SHA-256';
    case 'scram-sha-256-plus':
      return 'SCRAM-SHA-256-PLUS';
  }
}
