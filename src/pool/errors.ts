/**
 * The one error type the pool throws. Errors are data: the server's fields stay typed so the
 * editor can underline `position` and the grid can show `hint`, never folded into a string.
 */

export type PgErrorKind =
  /** The connection settings are malformed or contradict each other. */
  | 'config'
  /** The server could not be reached (DNS, refused, timeout, TLS handshake). */
  | 'connect'
  /** The server refused the credentials (SQLSTATE class 28). */
  | 'auth'
  /** The SSH hop failed: host key, authentication, forwarding. */
  | 'tunnel'
  /** The server rejected the statement. */
  | 'query'
  /** The statement was cancelled on request (SQLSTATE 57014 after a CancelRequest). */
  | 'cancelled'
  /** The session's connection died; the session's state (SET, temp tables, transaction) is gone. */
  | 'connectionLost'
  /** Every connection is leased and none could be reclaimed in time. */
  | 'poolExhausted'
  /** The session already has a call in flight. */
  | 'sessionBusy'
  /** `fetchPage` on a session with no open cursor. */
  | 'noCursor'
  /** A read-only profile's statement that would turn read-only off; refused before it was sent. */
  | 'readOnly'
  /** The pool was closed. */
  | 'closed';

export interface PgErrorFields {
  code?: string;
  detail?: string;
  hint?: string;
  position?: number;
  schema?: string;
  table?: string;
  column?: string;
  constraint?: string;
  severity?: string;
  where?: string;
  /** For `tunnel` errors about an unknown or changed host key: `SHA256:...` as ssh-keygen prints it. */
  fingerprint?: string;
  /** For `tunnel` host key errors: why the key was refused. Only `unknown` and `changed` may be trusted by the user. */
  hostKey?: 'unknown' | 'changed' | 'revoked';
  /** For a batch of `applyChanges` the server refused: the 0-based change it refused. */
  changeIndex?: number;
}

export class PgError extends Error implements PgErrorFields {
  readonly kind: PgErrorKind;
  readonly code?: string;
  readonly detail?: string;
  readonly hint?: string;
  /** 1-based character offset into the statement, as the server reports it. */
  readonly position?: number;
  readonly schema?: string;
  readonly table?: string;
  readonly column?: string;
  readonly constraint?: string;
  readonly severity?: string;
  readonly where?: string;
  readonly fingerprint?: string;
  readonly hostKey?: 'unknown' | 'changed' | 'revoked';
  readonly changeIndex?: number;

  constructor(kind: PgErrorKind, message: string, fields: PgErrorFields = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PgError';
    this.kind = kind;
    // Copy only the fields that are present so the object stays tidy when logged.
    for (const [key, value] of Object.entries(fields)) {
      if (value !== undefined && value !== '') {
        (this as Record<string, unknown>)[key] = value;
      }
    }
  }
}

/** The shape node-postgres gives server errors (`DatabaseError`) and socket errors. */
interface DriverError {
  message?: string;
  code?: string;
  detail?: string;
  hint?: string;
  position?: string;
  schema?: string;
  table?: string;
  column?: string;
  constraint?: string;
  severity?: string;
  where?: string;
  errno?: number;
  syscall?: string;
  hostname?: string;
}

/** SQLSTATEs after which the backend is gone. */
const CONNECTION_LOST_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006']);

/** Socket-level messages node-postgres uses when the wire breaks under a live client. */
const LOST_MESSAGES = [
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Client was closed and is not queryable',
  'Client has encountered a connection error and is not queryable',
];

export function isConnectionLossError(err: unknown): boolean {
  if (err instanceof PgError) return err.kind === 'connectionLost';
  const e = err as DriverError | undefined;
  if (!e) return false;
  if (e.code && CONNECTION_LOST_CODES.has(e.code)) return true;
  if (e.code === 'ECONNRESET' || e.code === 'EPIPE' || e.code === 'ETIMEDOUT') return true;
  return LOST_MESSAGES.some((m) => (e.message ?? '').startsWith(m));
}

/**
 * Turns whatever node-postgres threw during a statement into a PgError. `cancelRequested` tells
 * a user's cancel (kind `cancelled`) from a server-side statement_timeout (kind `query`).
 */
export function toQueryError(err: unknown, context: { cancelRequested: boolean; txFailed?: boolean }): PgError {
  if (err instanceof PgError) return err;
  const e = (err ?? {}) as DriverError;
  const fields = serverFields(e);
  if (isConnectionLossError(err)) {
    return new PgError(
      'connectionLost',
      `The connection to the server was lost (${e.message ?? 'socket closed'}). ` +
        'The session state (SET, temporary tables, open transaction) is gone; run the statement again to reconnect.',
      fields,
      { cause: err },
    );
  }
  if (e.code === '57014' && context.cancelRequested) {
    return new PgError('cancelled', 'The statement was cancelled.', fields, { cause: err });
  }
  if (e.code === '25P02') {
    return new PgError(
      'query',
      `${e.message ?? 'current transaction is aborted'}. The transaction failed earlier: run ROLLBACK to continue.`,
      { ...fields, hint: fields.hint ?? 'Run ROLLBACK (or ROLLBACK TO SAVEPOINT) before the next statement.' },
      { cause: err },
    );
  }
  if (e.code?.startsWith('28')) {
    return new PgError('auth', e.message ?? 'Authentication failed.', fields, { cause: err });
  }
  if (e.code === undefined) {
    return new PgError('query', e.message ?? String(err), fields, { cause: err });
  }
  return new PgError('query', e.message ?? 'The statement failed.', fields, { cause: err });
}

/** Turns a failure while opening a connection into a PgError a person can act on. */
export function toConnectError(err: unknown, target: string): PgError {
  if (err instanceof PgError) return err;
  const e = (err ?? {}) as DriverError;
  const fields = serverFields(e);
  const code = e.code ?? '';
  if (code.startsWith('28')) {
    // The server's own text (e.g. 'password authentication failed for user "x"') names the user, never the secret.
    return new PgError('auth', `${e.message ?? 'Authentication failed'} (${target}).`, fields, { cause: err });
  }
  if (code === '3D000') {
    return new PgError('connect', `${e.message ?? 'Database does not exist'} (${target}). Check the database name.`, fields, { cause: err });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new PgError('connect', `The host name ${e.hostname ?? ''} does not resolve (${target}). Check the host.`, fields, { cause: err });
  }
  if (code === 'ECONNREFUSED') {
    return new PgError('connect', `Nothing accepts connections at ${target}. Is the server running, and is the port right?`, fields, { cause: err });
  }
  if (/timeout/i.test(e.message ?? '')) {
    return new PgError('connect', `No answer from ${target} within the connect timeout. Check the host, port and firewall.`, fields, { cause: err });
  }
  return new PgError('connect', `Could not connect to ${target}: ${e.message ?? String(err)}`, fields, { cause: err });
}

function serverFields(e: DriverError): PgErrorFields {
  const position = e.position !== undefined ? Number.parseInt(e.position, 10) : undefined;
  return {
    code: e.code && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined,
    detail: e.detail,
    hint: e.hint,
    position: position !== undefined && Number.isFinite(position) ? position : undefined,
    schema: e.schema,
    table: e.table,
    column: e.column,
    constraint: e.constraint,
    severity: e.severity,
    where: e.where,
  };
}
