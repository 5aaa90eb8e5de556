/**
 * Opening one connection for a profile: which `ssl` settings to try (TLS then plain for
 * `prefer`), where the password comes from (the profile, the password file, or nowhere), and
 * errors that say which of those failed. The pool calls this for every new connection.
 */
import type { PasswordSource, PgConfig, Route } from './config';
import { AuthWatch } from './auth-rules';
import { clientConfigFor } from './config';
import { PooledConnection } from './connection';
import { PgError, toConnectError } from './errors';
import { passwordFromFile, pgpassFilePath } from './pgpass';
import { explainTlsFailure, isTlsRefused, sslAttempts } from './tls';

export interface OpenOptions {
  connectTimeoutMs: number;
  /** "user@host:port/db", for messages. */
  target: string;
  /** Non-fatal problems a person should see (e.g. an insecure password file that was ignored). */
  onWarning: (message: string) => void;
}

export async function openProfileConnection(config: PgConfig, route: Route, options: OpenOptions): Promise<PooledConnection> {
  const attempts = sslAttempts(config);
  for (let i = 0; ; i += 1) {
    const password = passwordFor(config, options);
    const watch = new AuthWatch(config, options.target);
    try {
      const clientConfig = clientConfigFor(config, route, {
        connectTimeoutMs: options.connectTimeoutMs,
        // require_auth / channel_binding are checked when the server has said what it wants.
        password: () => {
          watch.checkBeforePassword();
          return password.source();
        },
        ssl: attempts[i],
        enableChannelBinding: watch.enableChannelBinding,
      });
      const connection = await PooledConnection.open(clientConfig, route, options.target, (client) => watch.attach(client));
      try {
        watch.checkAfterConnect();
        await checkStartupSettings(connection, config.startupSettings, options.target);
      } catch (err) {
        await connection.close();
        throw err instanceof PgError ? err : toConnectError(err, options.target);
      }
      return connection;
    } catch (err) {
      // prefer: the server said 'N' to the TLS request, so go on in plain text as libpq does.
      if (i + 1 < attempts.length && isTlsRefused(err)) continue;
      throw explainTlsFailure(err, config, options.target) ?? explainStartupRefused(err, options.target) ?? password.explain(err);
    }
  }
}

const POOLER_ADVICE =
  'A connection pooler such as pgbouncer refuses or drops the startup "options" parameter. Connect to the server ' +
  'directly, or make the server enforce the setting for this role (e.g. ALTER ROLE ... SET default_transaction_read_only = on) ' +
  "and add options to pgbouncer's ignore_startup_parameters.";

/** pgbouncer without `options` in ignore_startup_parameters refuses the startup packet. */
function explainStartupRefused(err: unknown, target: string): PgError | undefined {
  const message = err instanceof Error ? err.message : '';
  if (!/unsupported startup parameter: options/.test(message)) return undefined;
  return new PgError(
    'config',
    `The server at ${target} refused the profile's startup settings (unsupported startup parameter: options). ${POOLER_ADVICE}`,
    {},
    { cause: err },
  );
}

/**
 * Startup settings make a profile read-only, so a connection where they did not take effect
 * (pgbouncer with `ignore_startup_parameters = options` drops them silently) must not be used.
 * Applied means: the server got the value from the startup packet (source 'client'), or the
 * setting already has that value (e.g. from ALTER ROLE ... SET).
 */
async function checkStartupSettings(connection: PooledConnection, settings: Record<string, string> | undefined, target: string): Promise<void> {
  const names = Object.keys(settings ?? {});
  if (!settings || names.length === 0) return;
  const result = await connection.client.query<{ name: string; value: string | null; source: string | null }>(
    `SELECT n AS name, current_setting(n, true) AS value, s.source
     FROM unnest($1::text[]) AS n LEFT JOIN pg_catalog.pg_settings s ON s.name = lower(n)`,
    [names],
  );
  const missed = result.rows.filter((row) => row.source !== 'client' && !sameSetting(row.value, settings[row.name]));
  if (missed.length === 0) return;
  const what = missed.map((row) => `${row.name}=${settings[row.name]} (it is ${row.value ?? 'unset'})`).join(', ');
  throw new PgError('config', `The server at ${target} did not apply the profile's startup settings: ${what}. ${POOLER_ADVICE}`);
}

const BOOLEAN_WORDS: Record<string, string> = { on: 'on', true: 'on', yes: 'on', '1': 'on', off: 'off', false: 'off', no: 'off', '0': 'off' };

function sameSetting(actual: string | null, wanted: string | undefined): boolean {
  if (actual === null || wanted === undefined) return false;
  const norm = (v: string): string => BOOLEAN_WORDS[v.trim().toLowerCase()] ?? v.trim().toLowerCase();
  return norm(actual) === norm(wanted);
}

interface Password {
  source: PasswordSource;
  /** Adds where the password came from to an authentication failure. */
  explain(err: unknown): unknown;
}

function passwordFor(config: PgConfig, options: OpenOptions): Password {
  const auth = config.auth;
  const asIs = (err: unknown): unknown => err;
  switch (auth.kind) {
    case 'password':
      return {
        // PostgreSQL never accepts an empty password; say so instead of pg's SCRAM internals.
        source: () =>
          auth.password === ''
            ? Promise.reject(new PgError('auth', `The server asks for a password (${options.target}), and the profile's password is empty.`))
            : Promise.resolve(auth.password),
        explain: asIs,
      };
    case 'none':
      return {
        source: () =>
          Promise.reject(
            new PgError(
              'auth',
              `The server asks for a password (${options.target}), but this profile connects without one. ` +
                'Choose password or password-file authentication, or let pg_hba.conf admit this user without a password.',
            ),
          ),
        explain: asIs,
      };
    case 'certificate':
      return {
        source: () =>
          Promise.reject(
            new PgError(
              'auth',
              `The server asks for a password (${options.target}), but this profile authenticates with its client certificate. ` +
                'pg_hba.conf must use the cert method for this user and address.',
            ),
          ),
        explain: asIs,
      };
    case 'pgpass': {
      const file = pgpassFilePath(auth.file);
      let used = false;
      return {
        source: () => {
          const warnings: string[] = [];
          const found = passwordFromFile(
            file,
            { host: config.host, port: config.port, database: config.database, user: config.user },
            (message) => {
              warnings.push(message);
              options.onWarning(message);
            },
          );
          if (found === undefined) {
            const why = warnings.length > 0 ? ` It was ignored: ${warnings.join(' ')}` : '';
            return Promise.reject(
              new PgError(
                'auth',
                `The server asks for a password (${options.target}), and the password file ${file} has no usable line for ` +
                  `${config.host}:${config.port}:${config.database}:${config.user}.${why}`,
              ),
            );
          }
          used = true;
          return Promise.resolve(found);
        },
        explain: (err) => {
          if (!used || !(err instanceof PgError) || err.kind !== 'auth') return err;
          // libpq says the same: the password to fix is in the file, not in the profile.
          const { code, severity, detail, hint } = err;
          return new PgError('auth', `${err.message} The password was read from ${file}.`, { code, severity, detail, hint }, { cause: err.cause });
        },
      };
    }
  }
}
