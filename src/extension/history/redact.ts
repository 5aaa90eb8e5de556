/**
 * Secrets out of statements before they are kept in the history. Found with PostgreSQL's own
 * parser (libpg-query's parseSync) where the statement parses:
 *   - `PASSWORD '...'` of CREATE/ALTER ROLE|USER|GROUP, and `password '...'` in the OPTIONS of
 *     CREATE/ALTER USER MAPPING, SERVER or FOREIGN TABLE: every DefElem named password;
 *   - string constants that carry a connection string with a password (dblink_connect,
 *     dblink, CREATE SUBSCRIPTION ... CONNECTION, postgres:// URIs with user:password@), and
 *     strings that hold such statements (EXECUTE 'CREATE ROLE ... PASSWORD ''x''').
 * The literal is replaced by a comment, so a statement reopened from the history and run again
 * fails instead of setting a password to a placeholder. Where the text does not parse, the
 * scanner's tokens are used the same way; where it cannot even be scanned and mentions a
 * password, the statement is not kept at all, and so it is while the scanner is not loaded
 * (history-store.ts loads it first; libpg-query is imported only through sql/scanner.ts, whose
 * dynamic import keeps its WASM out of activation).
 */
import type { ScanToken } from 'libpg-query';
import { scanner } from '../sql/scanner';

export const REDACTED_LITERAL = '/* password redacted */';
const NOT_KEPT = '-- statement not kept in the history: it may hold a password, and it could not be read to remove it';

const STRING_TOKENS = new Set(['SCONST', 'USCONST']);

/** Passwords inside a string literal's source text: key=value, key 'value', URIs. */
const INNER_SECRETS: [RegExp, string][] = [
  // password=secret, password = 'se cret', password=''x'' (in a quoted string)
  [/(\bpassword\s*=\s*)(''(?:''''|[^'])*''|'(?:''|[^'])*'|[^\s',;)]+)/gi, '$1<redacted>'],
  // PASSWORD 'x' / password ''x'' in a statement held by a string (EXECUTE, a function body)
  [/(\bpassword\s+)(''(?:''''|[^'])*''|'(?:''|[^'])*')/gi, '$1<redacted>'],
  // postgresql://user:secret@host
  [/(postgres(?:ql)?:\/\/[^:/@\s']*:)[^@\s']*@/gi, '$1<redacted>@'],
];

/** `sql` with every secret the parser or scanner finds replaced (the scanner must be loaded). */
export function redactSecrets(sql: string): string {
  const lib = scanner();
  let tokens: ScanToken[];
  try {
    if (!lib) throw new Error('the scanner is not loaded');
    tokens = lib.scanSync(sql).tokens;
  } catch {
    return /pass/i.test(sql) ? NOT_KEPT : sql;
  }
  const bytes = Buffer.from(sql, 'utf8');
  const toUtf16 = (byte: number): number => bytes.subarray(0, byte).toString('utf8').length;
  const edits = new Map<number, { start: number; end: number; text: string }>();
  const redactWhole = (t: ScanToken): void => {
    edits.set(t.start, { start: toUtf16(t.start), end: toUtf16(t.end), text: REDACTED_LITERAL });
  };
  const redactInside = (t: ScanToken): void => {
    // Offsets cost a pass over the text: only for literals that may hold a secret.
    if (edits.has(t.start) || !/password|postgres(ql)?:\/\//i.test(t.text)) return;
    const source = sql.slice(toUtf16(t.start), toUtf16(t.end));
    let redacted = source;
    for (const [pattern, replacement] of INNER_SECRETS) redacted = redacted.replace(pattern, replacement);
    if (redacted !== source) edits.set(t.start, { start: toUtf16(t.start), end: toUtf16(t.end), text: redacted });
  };
  const tokenAt = new Map(tokens.map((t, i) => [t.start, i]));

  /** The value after a password option: skip the option's own words, take the literal. */
  const redactOptionValue = (location: number): void => {
    const first = tokenAt.get(location);
    if (first === undefined) return;
    for (let i = first; i < Math.min(tokens.length, first + 4); i += 1) {
      const t = tokens[i];
      if (STRING_TOKENS.has(t.tokenName)) return redactWhole(t);
      if (!/^(encrypted|unencrypted|password|add|set|with)$/i.test(t.text.replace(/"/g, ''))) return;
    }
  };

  let parsed: unknown;
  try {
    parsed = lib.parseSync(sql);
  } catch {
    parsed = undefined;
  }
  if (parsed !== undefined) {
    walk(parsed, (node) => {
      const defElem = node.DefElem as { defname?: string; location?: number } | undefined;
      if (defElem && /^pass(word)?$/i.test(defElem.defname ?? '') && typeof defElem.location === 'number') {
        redactOptionValue(defElem.location);
      }
    });
  } else {
    // Does not parse: PASSWORD (or password) followed by a literal, by tokens.
    tokens.forEach((t) => {
      if (/^"?password"?$/i.test(t.text)) redactOptionValue(t.start);
    });
  }
  // Connection strings and quoted statements in any string constant.
  for (const t of tokens) if (STRING_TOKENS.has(t.tokenName)) redactInside(t);

  const sorted = [...edits.values()].sort((a, b) => b.start - a.start);
  let out = sql;
  for (const edit of sorted) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}

function walk(value: unknown, visit: (node: Record<string, unknown>) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, visit);
  } else if (value !== null && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    visit(node);
    for (const child of Object.values(node)) walk(child, visit);
  }
}
