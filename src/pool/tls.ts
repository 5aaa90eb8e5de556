/**
 * TLS options for node-postgres built from libpq's sslmode meanings, never from pg's own URL
 * parser (which treats `require` as `verify-full`):
 *   disable      plain
 *   prefer       TLS if the server offers it, else plain; no certificate check
 *   require      TLS; no certificate check, unless a root certificate is there (the profile's CA file,
 *                or ~/.postgresql/root.crt): then the chain, like verify-ca (libpq's documented rule)
 *   verify-ca    TLS; the chain must lead to the CA; the host name is not checked
 *   verify-full  TLS; the chain and the host name (checked against the profile's host, also
 *                through an SSH tunnel, where TLS runs inside the SSH channel)
 * A profile without TLS settings means `prefer`, libpq's default. A leading `~` in a file name is
 * the home folder. Files are read on each connection attempt so a renewed certificate is picked
 * up on reconnect.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import type { PgConfig, PgTlsMode } from './config';
import { PgError } from './errors';
import { expandHome } from './paths';

/** What node-postgres takes as `ssl`: TLS options, or false for a plain connection. */
export type SslSetting = tls.ConnectionOptions | false;

/** pg's error when the server answers the SSLRequest with 'N'. */
const SERVER_REFUSED_TLS = 'The server does not support SSL connections';

/** libpq's default locations, used when the profile names no file. */
function defaultFile(name: string): string | undefined {
  const file = path.join(os.homedir(), '.postgresql', name);
  return fs.existsSync(file) ? file : undefined;
}

/**
 * The `ssl` settings to try in order: one for most modes, TLS then plain for `prefer` (the second
 * is used only when the server refuses TLS, see `isTlsRefused`).
 */
export function sslAttempts(config: PgConfig): SslSetting[] {
  const mode: PgTlsMode = config.tls?.mode ?? 'prefer';
  if (mode === 'disable') {
    if (config.auth.kind === 'certificate') {
      throw new PgError('config', 'Client-certificate authentication needs TLS: choose a TLS mode other than disable.');
    }
    return [false];
  }
  // libpq never asks for TLS on a Unix-domain socket; prefer (the default) goes plain there.
  if (mode === 'prefer' && config.host.startsWith('/') && !config.ssh) return [false];
  const options = tlsOptions(config, mode);
  return mode === 'prefer' && config.auth.kind !== 'certificate' ? [options, false] : [options];
}

function tlsOptions(config: PgConfig, mode: Exclude<PgTlsMode, 'disable'>): tls.ConnectionOptions {
  const settings = config.tls ?? { mode };
  const options: tls.ConnectionOptions = {};

  // libpq: "if a root CA file exists, the behavior of sslmode=require will be the same as that of verify-ca".
  const caFile = settings.caFile ?? (mode === 'prefer' ? undefined : defaultFile('root.crt'));
  if (mode === 'verify-ca' && !caFile) {
    throw new PgError(
      'config',
      'TLS mode verify-ca needs a root CA file (caFile, or ~/.postgresql/root.crt): without one there is nothing to check the chain against.',
    );
  }
  if (caFile) options.ca = readTlsFile(caFile, 'root CA');
  // verify-full without a CA file trusts the system's roots, as libpq's sslrootcert=system.
  const checkChain = mode === 'verify-ca' || mode === 'verify-full' || caFile !== undefined;
  options.rejectUnauthorized = checkChain;
  if (mode === 'verify-full') {
    // The name to check is always the profile's host, whatever the socket (an SSH channel included).
    const expected = config.host;
    options.checkServerIdentity = (_host, cert) => tls.checkServerIdentity(expected, cert);
    if (net.isIP(expected) === 0) options.servername = expected;
  } else {
    options.checkServerIdentity = () => undefined;
  }

  const wantsCert = config.auth.kind === 'certificate';
  const certFile = settings.certFile ?? (wantsCert ? defaultFile('postgresql.crt') : undefined);
  const keyFile = settings.keyFile ?? (wantsCert ? defaultFile('postgresql.key') : undefined);
  if (wantsCert && (!certFile || !keyFile)) {
    throw new PgError(
      'config',
      'Client-certificate authentication needs a certificate file and a key file (certFile and keyFile, or ~/.postgresql/postgresql.crt and .key).',
    );
  }
  if (certFile && !keyFile) throw new PgError('config', `A client certificate (${certFile}) needs its key file too (keyFile).`);
  if (keyFile && !certFile) throw new PgError('config', `A client key (${keyFile}) needs its certificate file too (certFile).`);
  if (certFile && keyFile) {
    options.cert = readTlsFile(certFile, 'client certificate');
    const key = readTlsFile(keyFile, 'client key');
    checkKeyOpens(key, keyFile, settings.keyPassphrase);
    options.key = key;
    if (settings.keyPassphrase !== undefined) options.passphrase = settings.keyPassphrase;
  }
  return options;
}

function readTlsFile(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(expandHome(file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new PgError('config', `Could not read the ${what} file ${file} (${code}).`, {}, { cause: err });
  }
}

/** Fails early, and without OpenSSL's jargon, when the key is encrypted and the passphrase is wrong. */
function checkKeyOpens(key: Buffer, keyFile: string, passphrase: string | undefined): void {
  try {
    crypto.createPrivateKey({ key, passphrase: passphrase ?? '' });
  } catch {
    const why = passphrase === undefined ? 'it is encrypted and no passphrase was given' : 'the passphrase is wrong';
    throw new PgError('config', `Could not open the client key ${keyFile}: ${why} (or it is not a PEM private key).`);
  }
}

/** True when the connection failed only because the server answered the TLS request with 'N'. */
export function isTlsRefused(err: unknown): boolean {
  return causeMessage(err) === SERVER_REFUSED_TLS;
}

const CHAIN_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'INVALID_CA',
]);

/**
 * A PgError saying which TLS check failed (the server refusing TLS, the chain, the host name),
 * or undefined when `err` is not about TLS.
 */
export function explainTlsFailure(err: unknown, config: PgConfig, target: string): PgError | undefined {
  const mode = config.tls?.mode ?? 'prefer';
  if (mode === 'disable') return undefined;
  // Only the driver's own error says anything about TLS; a PgError without one is ours.
  const driverError = err instanceof PgError ? err.cause : err;
  if (!driverError || typeof driverError !== 'object') return undefined;
  const cause = driverError as ErrorLike;
  const code = typeof cause.code === 'string' ? cause.code : '';
  const reason = cause.message ?? '';
  if (reason === SERVER_REFUSED_TLS) {
    return new PgError(
      'connect',
      `The server at ${target} does not accept TLS connections, and TLS mode ${mode} requires TLS. ` +
        'Turn on ssl in the server, or choose TLS mode prefer or disable.',
      {},
      { cause: err },
    );
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new PgError(
      'connect',
      `The server's certificate does not name the host "${config.host}" (TLS mode verify-full checks the host name): ${reason}. ` +
        'Connect by a name the certificate lists, or use verify-ca to check only the chain.',
      {},
      { cause: err },
    );
  }
  if (CHAIN_CODES.has(code)) {
    const ca = config.tls?.caFile ?? (defaultFile('root.crt') ? '~/.postgresql/root.crt' : "the system's trusted roots");
    return new PgError(
      'connect',
      `The server's certificate chain did not verify against ${ca} (TLS mode ${mode} checks the chain): ${reason} (${code}).`,
      {},
      { cause: err },
    );
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || reason === 'There was an error establishing an SSL connection') {
    return new PgError('connect', `The TLS handshake with ${target} failed: ${reason}`, {}, { cause: err });
  }
  return undefined;
}

interface ErrorLike {
  message?: string;
  code?: unknown;
  cause?: unknown;
}

function causeMessage(err: unknown): string | undefined {
  const driverError = (err instanceof PgError ? err.cause : err) as ErrorLike | undefined;
  return driverError?.message;
}
