/**
 * A session's context (role after SET ROLE, its own settings, whether it has temp tables): read
 * from its connection, and applied with SET LOCAL to a short lease that works on its behalf, so
 * an edit or an export acts as the tab that produced the result and not as the login role.
 */
import type { Client } from 'pg';
import type { SessionContext } from './types';

/** Never copied: per-transaction settings, and the role (applied last, by name). */
const NOT_COPIED = ['role', 'session_authorization', 'transaction_isolation', 'transaction_read_only', 'transaction_deferrable'];

/*
 * Custom settings (app.tenant, read by row-level security policies) are placeholders that
 * pg_settings does not list, so they are asked for by the names the session's statements set.
 */
const READ_CONTEXT_SQL = `
SELECT CASE WHEN current_user <> session_user THEN current_user::text END,
       (SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_array(name, setting) ORDER BY name), '[]')::text
          FROM (SELECT name, setting FROM pg_catalog.pg_settings WHERE source = 'session' AND name <> ALL ($1::text[])
                UNION ALL
                SELECT c.name, pg_catalog.current_setting(c.name, true) FROM pg_catalog.unnest($2::text[]) AS c(name)
                WHERE pg_catalog.current_setting(c.name, true) IS NOT NULL) AS s),
       EXISTS (SELECT FROM pg_catalog.pg_class WHERE relnamespace = pg_catalog.pg_my_temp_schema())`;

/** One round trip; the values come back as the server's text (no type parsing). */
export async function readContext(client: Client, customNames: Iterable<string> = []): Promise<SessionContext> {
  const result = await client.query<(string | null)[]>({
    text: READ_CONTEXT_SQL,
    values: [NOT_COPIED, [...customNames]],
    rowMode: 'array',
    types: { getTypeParser: () => (value: string) => value },
  });
  const [role, settings, temp] = result.rows[0] ?? [];
  return { role: role ?? null, settings: JSON.parse(settings ?? '[]') as [string, string][], hasTempTables: temp === 't' };
}

/**
 * Applies a context to the current transaction (set_config(..., true) is SET LOCAL): every
 * setting first, the role last, because a role switched to first might not be allowed to set
 * the others. One round trip; a no-op for the login context.
 */
export async function applyContext(client: Client, context: SessionContext): Promise<void> {
  const entries: [string, string][] = [...context.settings];
  if (context.role !== null) entries.push(['role', context.role]);
  if (entries.length === 0) return;
  await client.query({
    text: 'SELECT pg_catalog.count(pg_catalog.set_config(e->>0, e->>1, true)) FROM pg_catalog.json_array_elements($1::json) AS e',
    values: [JSON.stringify(entries)],
  });
}

/** Command tags (first word) of statements that cannot change a session's role, settings or temp tables. */
const CONTEXT_NEUTRAL = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'FETCH', 'MOVE', 'COPY', 'EXPLAIN', 'SHOW', 'VALUES', 'TABLE']);

/**
 * Whether a statement that ran may have changed the session's context: anything but plain DML
 * and reads, and any statement that names set_config or a temporary table. (A function that
 * calls set_config behind a plain SELECT is not seen; SET inside a function is local to it.)
 */
export function mayChangeContext(sql: string, command: string): boolean {
  const tag = command.trim().split(/\s+/)[0]?.toUpperCase() ?? '';
  if (!CONTEXT_NEUTRAL.has(tag)) return true;
  return /set_config|\btemp(orary)?\b|\bpg_temp/i.test(sql);
}

/** Most custom setting names a session remembers (a script that sets thousands is not a session's context). */
const MAX_CUSTOM_NAMES = 100;

/**
 * Adds to `names` the custom settings (a dotted name, e.g. app.tenant) that a statement may set:
 * `SET [SESSION | LOCAL] a.b`, `RESET a.b` and `set_config('a.b', ...)`. Names are folded as the
 * server folds them (lower case unless double-quoted).
 */
export function collectCustomSettingNames(sql: string, names: Set<string>): void {
  const ident = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)`;
  const patterns = [
    new RegExp(String.raw`\b(?:set(?:\s+(?:session|local))?|reset)\s+(${ident}\s*\.\s*${ident})`, 'gi'),
    /set_config\s*\(\s*'((?:[^']|'')+)'/gi,
  ];
  for (const pattern of patterns) {
    for (const match of sql.matchAll(pattern)) {
      if (names.size >= MAX_CUSTOM_NAMES) return;
      const raw = match[1];
      const name = pattern.flags.includes('g') && raw.includes("''") ? raw.replace(/''/g, "'") : raw;
      if (!name.includes('.')) continue;
      names.add(
        name
          .split('.')
          .map((part) => {
            const p = part.trim();
            return p.startsWith('"') ? p.slice(1, -1).replace(/""/g, '"') : p.toLowerCase();
          })
          .join('.'),
      );
    }
  }
}
