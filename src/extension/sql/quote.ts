/**
 * Identifier quoting as PostgreSQL's quote_ident does it: bare when the name is a lower-case
 * identifier that is not a keyword (unreserved keywords may stay bare), double-quoted otherwise.
 * Whether a word is a keyword, and of which kind, comes from the server's own scanner
 * (libpg-query), so the list never goes stale.
 */
import { scanner } from './scanner';

const UNRESERVED_KEYWORD = 1;

export function quoteIdent(name: string): string {
  const lib = scanner();
  if (/^[a-z_][a-z0-9_$]*$/.test(name) && lib) {
    const tokens = lib.scanSync(name).tokens;
    if (tokens.length === 1 && tokens[0].text === name && tokens[0].keywordKind <= UNRESERVED_KEYWORD) return name;
  }
  return `"${name.replace(/"/g, '""')}"`;
}

/** `schema.name`, each part quoted as needed. */
export function qualifiedName(...parts: string[]): string {
  return parts.map(quoteIdent).join('.');
}
