/**
 * The connection service file (`pg_service.conf`) read with libpq's rules (fe-connect.c,
 * parseServiceInfo / parseServiceFile):
 *   - the user's file is `PGSERVICEFILE`, else `~/.pg_service.conf`; the system file is
 *     `PGSYSCONFDIR/pg_service.conf` (default: Debian's and Ubuntu's `/etc/postgresql-common`);
 *   - a service found in the user's file is taken from there alone; only a service missing from
 *     it is looked up in the system file;
 *   - ini-like: `[name]` starts a service, `keyword=value` lines follow (no quoting, no space
 *     trimmed around `=`), leading and trailing white space and lines starting with `#` ignored;
 *   - inside a service the first line for a keyword wins, and keywords given explicitly (in the
 *     connection string or the profile) win over the service's;
 *   - `service=` inside a service is an error (no nesting), as is a line without `=`.
 * Why not an npm ini parser: they trim around `=`, unquote values and merge duplicate sections,
 * all of which libpq does not do.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PgError } from './errors';

/** Where the two files are, from the environment (libpq's variables). */
export function serviceFiles(env: NodeJS.ProcessEnv = process.env): { user: string; system: string } {
  const user = env.PGSERVICEFILE || path.join(env.HOME || os.homedir(), '.pg_service.conf');
  const system = path.join(env.PGSYSCONFDIR || '/etc/postgresql-common', 'pg_service.conf');
  return { user, system };
}

export interface ServiceDefinition {
  name: string;
  /** The file it was read from. */
  file: string;
  /** keyword -> value, first occurrence wins. */
  params: Map<string, string>;
}

/** Every service of one file's text, in file order (a repeated name keeps its first section). */
export function parseServiceFile(text: string, file: string): ServiceDefinition[] {
  const services: ServiceDefinition[] = [];
  const seen = new Set<string>();
  let current: ServiceDefinition | undefined;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n += 1) {
    const line = lines[n].trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      const close = line.indexOf(']');
      const name = close > 0 ? line.slice(1, close) : line.slice(1);
      // libpq compares the text between "[" and "]"; a later section of the same name is never reached.
      current = seen.has(name) ? undefined : { name, file, params: new Map() };
      if (current) {
        seen.add(name);
        services.push(current);
      }
      continue;
    }
    if (!current) continue;
    const eq = line.indexOf('=');
    if (eq < 0) throw new PgError('config', `Syntax error in the service file ${file}, line ${n + 1}: expected keyword=value.`);
    const key = line.slice(0, eq);
    if (key === 'service') {
      throw new PgError('config', `Nested service specifications are not supported (the service file ${file}, line ${n + 1}).`);
    }
    if (!current.params.has(key)) current.params.set(key, line.slice(eq + 1));
  }
  return services;
}

function readFile(file: string): ServiceDefinition[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // libpq ignores a missing file; one that exists but cannot be read is an error.
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw new PgError('config', `Could not read the service file ${file} (${code ?? 'error'}).`, {}, { cause: err });
  }
  return parseServiceFile(text, file);
}

/** The service `name` with libpq's precedence (user file, then system file), or a PgError naming both files. */
export function lookupService(name: string, env: NodeJS.ProcessEnv = process.env): ServiceDefinition {
  const files = serviceFiles(env);
  for (const file of [files.user, files.system]) {
    const found = readFile(file).find((s) => s.name === name);
    if (found) return found;
  }
  throw new PgError(
    'config',
    `The service "${name}" is not defined in ${files.user} or ${files.system} (set PGSERVICEFILE or PGSYSCONFDIR to use other files).`,
  );
}

/** Every service a user can use: the user's file first, then the system file's services it does not shadow. */
export function listServices(env: NodeJS.ProcessEnv = process.env): ServiceDefinition[] {
  const files = serviceFiles(env);
  const user = readFile(files.user);
  const names = new Set(user.map((s) => s.name));
  return [...user, ...readFile(files.system).filter((s) => !names.has(s.name))];
}
