/**
 * The password file (`~/.pgpass`, `PGPASSFILE`) read with libpq's own rules (fe-connect.c,
 * passwordFromFile): lines `host:port:database:user:password`, `*` matches anything when it is
 * the whole field, `\` escapes `:` and `\`, the first matching line wins, `#` starts a comment,
 * and a file that is not a plain file or that the group or others can access is ignored with a
 * warning.
 *
 * Why not the `pgpass` package that ships with pg: it skips `#` comments only after leading
 * whitespace, drops lines shorter than 11 characters, splits `\\:` wrongly and writes its
 * warnings to process.stderr, where an extension host cannot show them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expandHome } from './paths';

/** libpq's DEFAULT_PGSOCKET_DIR: /tmp upstream, /var/run/postgresql in Debian's and Red Hat's builds. */
const DEFAULT_SOCKET_DIRS = new Set(['/tmp', '/var/run/postgresql', '/run/postgresql']);

export interface PgpassKey {
  host: string;
  port: number;
  database: string;
  user: string;
}

/** The file libpq would read: the profile's own, else `PGPASSFILE`, else `~/.pgpass`. */
export function pgpassFilePath(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return expandHome(explicit);
  if (env.PGPASSFILE) return expandHome(env.PGPASSFILE);
  return path.join(env.HOME ?? os.homedir(), '.pgpass');
}

/**
 * The password for `key` from `file`, or undefined when the file is missing, unusable or has no
 * matching line. Warnings (libpq's wording) go to `warn`; they never contain a password.
 */
export function passwordFromFile(file: string, key: PgpassKey, warn: (message: string) => void): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    // libpq: "If password file cannot be opened, ignore it."
    return undefined;
  }
  if (process.platform !== 'win32') {
    if (!stat.isFile()) {
      warn(`WARNING: password file "${file}" is not a plain file`);
      return undefined;
    }
    if ((stat.mode & 0o077) !== 0) {
      warn(`WARNING: password file "${file}" has group or world access; permissions should be u=rw (0600) or less`);
      return undefined;
    }
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    warn(`WARNING: could not read password file "${file}": ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    return undefined;
  }
  return matchPgpass(text, key);
}

/** The password of the first line of `text` that matches `key` (libpq's matching, byte for byte). */
export function matchPgpass(text: string, key: PgpassKey): string | undefined {
  // libpq matches the host as given; an empty host, or the default socket directory, is
  // "localhost" (docs: localhost "matches ... Unix domain socket (pghost empty or the default
  // socket directory) connections").
  const host = !key.host || DEFAULT_SOCKET_DIRS.has(key.host.replace(/\/+$/, '')) ? 'localhost' : key.host;
  const tokens = [host, String(key.port), key.database, key.user];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.length === 0 || line.startsWith('#')) continue;
    let rest: string | undefined = line;
    for (const token of tokens) {
      rest = matchField(rest, token);
      if (rest === undefined) break;
    }
    if (rest === undefined) continue;
    return unescapePassword(rest);
  }
  return undefined;
}

/**
 * libpq's pwdfMatchesString: when the field at the start of `line` equals `token` (or is `*`),
 * returns what follows the field's `:`; else undefined.
 */
function matchField(line: string, token: string): string | undefined {
  if (line.startsWith('*:')) return line.slice(2);
  let i = 0;
  let t = 0;
  while (i < line.length) {
    let escaped = false;
    if (line[i] === '\\') {
      i += 1;
      escaped = true;
      if (i >= line.length) return undefined;
    }
    if (line[i] === ':' && t === token.length && !escaped) return line.slice(i + 1);
    if (t === token.length || line[i] !== token[t]) return undefined;
    i += 1;
    t += 1;
  }
  return undefined;
}

/** The password runs to the next unescaped `:` or the end of the line. */
function unescapePassword(field: string): string {
  let out = '';
  for (let i = 0; i < field.length; i += 1) {
    let ch = field[i];
    if (ch === ':') break;
    if (ch === '\\' && i + 1 < field.length) {
      i += 1;
      ch = field[i];
    }
    out += ch;
  }
  return out;
}
