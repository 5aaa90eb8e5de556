/**
 * Connection strings as libpq reads them (fe-connect.c): `postgres://` / `postgresql://` URIs
 * (percent-encoding, `[v6]` hosts, query parameters) and keyword/value strings
 * (`host=db port=5432 password='it''s'` with `\'` and `\\` escapes). Defaults are libpq's:
 * host localhost, port 5432, user = the OS user, database = the user, sslmode prefer, the
 * password from the password file when none is given.
 *
 * Errors are PgError kind `config` naming the bad part; a password (or anything that may be part
 * of one) is never echoed.
 */
import * as os from 'node:os';
import type { PgChannelBinding, PgConfig, PgTlsMode, PgTlsOptions } from './config';
import { parseRequireAuth } from './auth-rules';
import { PgError } from './errors';
import { lookupService } from './pg-service';

export interface ParsedConnectionString {
  config: PgConfig;
  /** connect_timeout in ms (libpq: seconds, at least 2; 0 = wait forever), for PoolOptions. */
  connectTimeoutMs?: number;
  /** libpq options that were recognised but have no effect here, for the host to mention. */
  ignoredOptions: string[];
}

/** Keywords we apply. */
const SUPPORTED = new Set([
  'host', 'port', 'dbname', 'user', 'password', 'passfile', 'sslmode', 'sslrootcert', 'sslcert', 'sslkey',
  'sslpassword', 'application_name', 'fallback_application_name', 'connect_timeout', 'options', 'channel_binding',
  'require_auth', 'service',
]);

/** libpq keywords that change nothing here that a user relies on for safety: accepted and reported. */
const IGNORED = new Set([
  'client_encoding', 'keepalives', 'keepalives_idle', 'keepalives_interval', 'keepalives_count', 'tcp_user_timeout',
  'target_session_attrs', 'sslcompression', 'sslsni', 'sslcrl', 'sslcrldir', 'ssl_min_protocol_version',
  'ssl_max_protocol_version', 'gssencmode', 'krbsrvname', 'gsslib', 'gssdelegation', 'load_balance_hosts',
  'sslnegotiation', 'sslcertmode',
]);

/** Keywords whose value is a secret: never echoed, and the token after one is not echoed either. */
const SECRET = new Set(['password', 'sslpassword']);

const TLS_MODES: readonly PgTlsMode[] = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'];
const CHANNEL_BINDING: readonly PgChannelBinding[] = ['disable', 'prefer', 'require'];

/**
 * Reads a URI or keyword/value string. `service=name` takes the service's settings from
 * pg_service.conf (see pg-service.ts; `env` gives PGSERVICEFILE / PGSYSCONFDIR / HOME), and
 * what the string itself says wins over the service, as in libpq.
 */
export function parseConnectionString(text: string, env: NodeJS.ProcessEnv = process.env): ParsedConnectionString {
  const trimmed = text.trim();
  const isUri = /^postgres(?:ql)?:\/\//i.test(trimmed);
  refuseControlCharacters(trimmed, isUri);
  if (/^jdbc:/i.test(trimmed)) {
    throw new PgError('config', 'JDBC URLs are not supported: remove the "jdbc:" prefix to get a postgresql:// URI.');
  }
  const params = isUri ? parseUri(trimmed) : parseKeywordValue(trimmed);
  const service = params.get('service');
  if (service) {
    for (const [key, value] of serviceParams(service, env)) if (!params.has(key)) params.set(key, value);
  }
  return build(params);
}

/** A service of pg_service.conf read as if it were a connection string of its own. */
export function parseService(name: string, env: NodeJS.ProcessEnv = process.env): ParsedConnectionString {
  return build(serviceParams(name, env));
}

function serviceParams(name: string, env: NodeJS.ProcessEnv): Params {
  const definition = lookupService(name, env);
  for (const [key, value] of definition.params) {
    try {
      checkKeyword(key, true);
      checkValue(key, value);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new PgError('config', `The service "${name}" in ${definition.file}: ${why}`);
    }
  }
  return new Map(definition.params);
}

type Params = Map<string, string>;

/**
 * NUL cannot travel in the startup packet (libpq's strings end at it) and other control
 * characters in a host, user or database are never what a person meant: usually a paste that
 * brought a terminal escape or a stray line break along. Refused before parsing, by position,
 * so that a password is never echoed. Keyword/value strings may be spread over lines.
 */
function refuseControlCharacters(text: string, isUri: boolean): void {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    const isControl = code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0);
    if (!isControl) continue;
    if (!isUri && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) {
      // White space between keyword=value pairs is allowed; inside a value it is checked later.
      continue;
    }
    throw new PgError(
      'config',
      `The connection string contains the control character ${unicodeName(code)} at character ${i + 1}. ` +
        'Remove it (it often comes with a paste); NUL and control characters cannot be part of a host, user, database or password.',
    );
  }
}

/** A value (after unquoting and percent-decoding) must not carry control characters either. */
function checkValue(key: string, value: string): void {
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0)) {
      const what = SECRET.has(key) ? `The ${key}` : `The value of "${key}"`;
      throw new PgError(
        'config',
        `${what} contains the control character ${unicodeName(code)}: remove it. NUL and control characters cannot be sent to the server.`,
      );
    }
  }
}

function unicodeName(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// URI: postgresql://[user[:password]@][host][:port][/dbname][?param=value&...]

function parseUri(uri: string): Params {
  const params: Params = new Map();
  let rest = uri.slice(uri.indexOf('://') + 3);
  const queryStart = rest.indexOf('?');
  // A '?' before the path with an '@' after it was almost always in the user name or password
  // (unencoded): what follows it is secret, so say which characters to encode and echo nothing.
  const firstSlash = rest.indexOf('/');
  if (queryStart >= 0 && (firstSlash < 0 || queryStart < firstSlash) && rest.indexOf('@', queryStart) >= 0) {
    throw new PgError(
      'config',
      'The URI has a "?" before its "@": percent-encode a "?" in the user name or password (%3F), as well as "@", "/" and ":" ' +
        '(%40, %2F, %3A); an "@" in a parameter value is written %40.',
    );
  }
  const query = queryStart >= 0 ? rest.slice(queryStart + 1) : '';
  if (queryStart >= 0) rest = rest.slice(0, queryStart);

  // libpq takes the first '@' before the path as the end of the user part.
  const slash = rest.indexOf('/');
  const authorityEnd = slash >= 0 ? slash : rest.length;
  // An '@' after the first '/' (or a second '@') is almost always an unencoded '/' or '@' in a
  // password: refuse it without echoing the pieces, which would otherwise show up as "host".
  if (rest.indexOf('@', authorityEnd) >= 0 || rest.slice(0, authorityEnd).split('@').length > 2) {
    throw new PgError(
      'config',
      'The URI has an "@" where the host or database should be. Percent-encode "@", "/", ":" and "?" in the user name and password (%40, %2F, %3A, %3F).',
    );
  }
  const at = rest.slice(0, authorityEnd).indexOf('@');
  if (at >= 0) {
    const userInfo = rest.slice(0, at);
    const colon = userInfo.indexOf(':');
    const user = colon >= 0 ? userInfo.slice(0, colon) : userInfo;
    if (user) params.set('user', decode(user, 'the user name'));
    if (colon >= 0) params.set('password', decode(userInfo.slice(colon + 1), 'the password'));
    rest = rest.slice(at + 1);
  }
  const pathStart = rest.indexOf('/');
  const hostPort = pathStart >= 0 ? rest.slice(0, pathStart) : rest;
  const dbname = pathStart >= 0 ? rest.slice(pathStart + 1) : '';

  if (hostPort.includes(',')) {
    throw new PgError('config', `Several hosts ("${hostPort}") are not supported: give one host.`);
  }
  let host = hostPort;
  let port = '';
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0) throw new PgError('config', `The IPv6 host "${hostPort}" is missing its closing "]".`);
    host = hostPort.slice(1, close);
    const after = hostPort.slice(close + 1);
    if (after && !after.startsWith(':')) {
      throw new PgError('config', `Unexpected "${after}" after the IPv6 host [${host}]: expected ":port".`);
    }
    port = after.slice(1);
    if (!host) throw new PgError('config', 'The IPv6 host between "[" and "]" is empty.');
  } else {
    const colon = hostPort.lastIndexOf(':');
    if (colon >= 0) {
      host = hostPort.slice(0, colon);
      port = hostPort.slice(colon + 1);
    }
    host = decode(host, 'the host');
  }
  if (host) params.set('host', host);
  if (port) {
    // Without an '@', "user:password" reads as "host:port": never echo what may be a password.
    if (!/^\d+$/.test(port)) {
      throw new PgError(
        'config',
        at < 0
          ? 'The URI\'s port (after the ":" that follows the host) is not a number. If the part before it is user:password, end it with "@" and the host.'
          : 'The URI\'s port (after the ":" that follows the host) is not a number from 1 to 65535.',
      );
    }
    params.set('port', port);
  }
  if (dbname) params.set('dbname', decode(dbname, 'the database name'));

  for (const pair of query.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    if (eq < 0) {
      throw new PgError('config', `The URI parameter "${decode(pair, 'a parameter name')}" has no "=value".`);
    }
    let key = decode(pair.slice(0, eq), 'a parameter name');
    let value = decode(pair.slice(eq + 1), SECRET.has(key) ? `the ${key} parameter` : `the value of "${key}"`);
    // libpq accepts the JDBC spelling ssl=true for sslmode=require.
    if (key === 'ssl') {
      if (value !== 'true') throw new PgError('config', `The URI parameter ssl only takes the value "true" (got "${value}").`);
      key = 'sslmode';
      value = 'require';
    }
    checkKeyword(key, false);
    params.set(key, value);
  }
  // After percent-decoding, the authority's parts and the parameters alike.
  for (const [key, value] of params) checkValue(key, value);
  return params;
}

/** Percent-decoding as libpq does it: %XY escapes of UTF-8 bytes, no "+" for space, no %00. */
function decode(part: string, what: string): string {
  if (!part.includes('%')) return part;
  const bytes: number[] = [];
  for (let i = 0; i < part.length; i += 1) {
    const ch = part[i];
    if (ch !== '%') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const hex = part.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
      throw new PgError('config', `Invalid percent-encoding in ${what}: "%" must be followed by two hex digits.`);
    }
    const byte = Number.parseInt(hex, 16);
    if (byte === 0) throw new PgError('config', `Forbidden %00 in ${what}.`);
    bytes.push(byte);
    i += 2;
  }
  return Buffer.from(bytes).toString('utf8');
}

// ---------------------------------------------------------------------------------------------
// Keyword/value: host=db port=5432 dbname='my db'

function parseKeywordValue(text: string): Params {
  const params: Params = new Map();
  let i = 0;
  let previous: string | undefined;
  const skipSpace = (): void => {
    while (i < text.length && /\s/.test(text[i])) i += 1;
  };
  for (;;) {
    skipSpace();
    if (i >= text.length) break;
    const keyStart = i;
    while (i < text.length && text[i] !== '=' && !/\s/.test(text[i])) i += 1;
    const key = text.slice(keyStart, i);
    // A token after a secret may be the rest of an unquoted password with a space in it.
    const shown = previous && SECRET.has(previous) ? `the text after the ${previous} value` : `"${key}"`;
    skipSpace();
    if (text[i] !== '=') {
      throw new PgError('config', `Missing "=" after ${shown} in the connection string. Quote values that contain spaces: key='a value'.`);
    }
    i += 1;
    skipSpace();
    let value = '';
    if (text[i] === "'") {
      i += 1;
      let closed = false;
      while (i < text.length) {
        const ch = text[i];
        if (ch === '\\' && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
        } else if (ch === "'") {
          i += 1;
          closed = true;
          break;
        } else {
          value += ch;
          i += 1;
        }
      }
      if (!closed) {
        throw new PgError('config', `The quoted value of ${SECRET.has(key) ? key : `"${key}"`} has no closing quote (').`);
      }
    } else {
      while (i < text.length && !/\s/.test(text[i])) {
        if (text[i] === '\\' && i + 1 < text.length) i += 1;
        value += text[i];
        i += 1;
      }
    }
    if (previous && SECRET.has(previous) && !SUPPORTED.has(key) && !IGNORED.has(key)) {
      throw new PgError('config', `Unknown option after the ${previous} value: if the ${previous} contains a space, quote it: ${previous}='...'.`);
    }
    checkKeyword(key, true);
    checkValue(key, value);
    params.set(key, value);
    previous = key;
  }
  return params;
}

function checkKeyword(key: string, keywordForm: boolean): void {
  if (SUPPORTED.has(key) || IGNORED.has(key)) return;
  if (key === 'servicefile') {
    throw new PgError('config', 'servicefile= is not supported: set PGSERVICEFILE, or put the service in ~/.pg_service.conf.');
  }
  if (key === 'hostaddr') throw new PgError('config', 'hostaddr is not supported: put the address in host.');
  if (key === 'requirepeer' || key === 'replication') {
    throw new PgError('config', `The option ${key} is not supported here, and ignoring it could weaken what you asked for.`);
  }
  const where = keywordForm ? 'in the connection string' : 'in the URI query';
  throw new PgError('config', `Unknown connection option "${key}" ${where}.`);
}

// ---------------------------------------------------------------------------------------------

function build(params: Params): ParsedConnectionString {
  const ignoredOptions = [...params.keys()].filter((key) => IGNORED.has(key));
  const get = (key: string): string | undefined => {
    const value = params.get(key);
    return value === undefined || value === '' ? undefined : value;
  };

  const host = get('host') ?? 'localhost';
  if (host.includes(',')) throw new PgError('config', `Several hosts ("${host}") are not supported: give one host.`);
  const portText = get('port') ?? '5432';
  if (portText.includes(',')) throw new PgError('config', `Several ports ("${portText}") are not supported: give one port.`);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
    throw new PgError('config', `The port "${portText}" is not a number from 1 to 65535.`);
  }
  const user = get('user') ?? os.userInfo().username;
  const database = get('dbname') ?? user;

  const password = params.get('password');
  const auth: PgConfig['auth'] =
    password !== undefined && password !== '' ? { kind: 'password', password } : { kind: 'pgpass', file: get('passfile') };
  if (auth.kind === 'pgpass' && auth.file === undefined) delete auth.file;

  const modeText = get('sslmode') ?? 'prefer';
  if (modeText === 'allow') {
    throw new PgError('config', 'sslmode allow is not supported: use prefer (TLS when offered) or disable.');
  }
  if (!(TLS_MODES as readonly string[]).includes(modeText)) {
    throw new PgError('config', `sslmode "${modeText}" is not one of ${TLS_MODES.join(', ')}.`);
  }
  const tls: PgTlsOptions = { mode: modeText as PgTlsMode };
  const caFile = get('sslrootcert');
  if (caFile === 'system') {
    // libpq: the system's roots, and verify-full is then the only sensible mode.
    if (tls.mode !== 'verify-full') {
      throw new PgError('config', 'sslrootcert=system needs sslmode=verify-full (libpq refuses weaker modes with it).');
    }
  } else if (caFile) {
    tls.caFile = caFile;
  }
  const certFile = get('sslcert');
  const keyFile = get('sslkey');
  const keyPassphrase = params.get('sslpassword');
  if (certFile) tls.certFile = certFile;
  if (keyFile) tls.keyFile = keyFile;
  if (keyPassphrase) tls.keyPassphrase = keyPassphrase;

  const config: PgConfig = { host, port, database, user, auth, tls };
  const applicationName = get('application_name') ?? get('fallback_application_name');
  if (applicationName) config.applicationName = applicationName;
  const options = get('options');
  if (options) config.startupSettings = parseOptions(options);

  const channelBinding = get('channel_binding');
  if (channelBinding !== undefined) {
    if (!CHANNEL_BINDING.includes(channelBinding as PgChannelBinding)) {
      throw new PgError('config', `channel_binding "${channelBinding}" is not one of ${CHANNEL_BINDING.join(', ')}.`);
    }
    config.channelBinding = channelBinding as PgChannelBinding;
  }
  const requireAuth = get('require_auth');
  if (requireAuth !== undefined) {
    parseRequireAuth(requireAuth); // refuses what cannot be honoured now, not at the first connect
    config.requireAuth = requireAuth;
  }

  const result: ParsedConnectionString = { config, ignoredOptions };
  const timeout = get('connect_timeout');
  if (timeout !== undefined) {
    if (!/^-?\d+$/.test(timeout)) {
      throw new PgError('config', `connect_timeout "${timeout}" is not a whole number of seconds.`);
    }
    const seconds = Number(timeout);
    // libpq: zero or less waits forever; 1 becomes 2 so one slow round trip cannot fail.
    result.connectTimeoutMs = seconds <= 0 ? 0 : Math.max(seconds, 2) * 1000;
  }
  return result;
}

/** The `options` value: `-c name=value` and `--name=value` settings, backslash-escaped spaces. */
function parseOptions(text: string): Record<string, string> {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length) {
      word += text[i + 1];
      i += 1;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);

  const settings: Record<string, string> = {};
  for (let i = 0; i < words.length; i += 1) {
    let assignment: string | undefined;
    if (words[i] === '-c') assignment = words[++i];
    else if (words[i].startsWith('-c')) assignment = words[i].slice(2);
    else if (words[i].startsWith('--')) assignment = words[i].slice(2);
    const eq = assignment?.indexOf('=') ?? -1;
    if (!assignment || eq <= 0) {
      throw new PgError('config', `The options value "${text}" must consist of -c name=value settings.`);
    }
    settings[assignment.slice(0, eq).replace(/-/g, '_')] = assignment.slice(eq + 1);
  }
  return settings;
}
