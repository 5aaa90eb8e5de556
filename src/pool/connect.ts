/**
 * Opening one connection for a profile: which `ssl` settings to try (TLS then plain for
 * `prefer`), where the password comes from (the profile, the password file, or nowhere), and
 * errors that say which of those failed. The pool calls this for every new connection.
 */
import type { PasswordSource, PgConfig, Route } from './config';
import { clientConfigFor } from './config';
import { PooledConnection } from './connection';
import { PgError } from './errors';
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
    try {
      const clientConfig = clientConfigFor(config, route, {
        connectTimeoutMs: options.connectTimeoutMs,
        password: password.source,
        ssl: attempts[i],
      });
      return await PooledConnection.open(clientConfig, route, options.target);
    } catch (err) {
      // prefer: the server said 'N' to the TLS request, so go on in plain text as libpq does.
      if (i + 1 < attempts.length && isTlsRefused(err)) continue;
      throw explainTlsFailure(err, config, options.target) ?? password.explain(err);
    }
  }
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
