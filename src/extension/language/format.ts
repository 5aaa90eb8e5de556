/**
 * Format Document for SQL: each statement through sql-formatter's PostgreSQL dialect, kept only
 * when PostgreSQL's parser reads the result as the very same statement (the parse trees, locations
 * aside, are equal, which also means the same fingerprint). A statement the parser cannot read, or
 * whose formatting would change it, is left exactly as written. psql meta-command lines and the
 * text between statements (comments, blank lines) are not touched.
 *
 * Only the PostgreSQL dialect of sql-formatter is imported (its ESM build, so the bundle leaves the
 * other dialects out); the dialect's tokenizer is built on the first format request.
 */
import { parseSync } from '../sql/scanner';
import { formatDialect, postgresql } from 'sql-formatter';
import { splitStatements } from '../sql/splitter';
import { maskMetaCommands } from './documents';

export interface FormatEdit {
  start: number;
  end: number;
  text: string;
}

function format(sql: string, options: { keywordCase: 'upper' | 'preserve'; tabWidth: number }): string {
  return formatDialect(sql, { dialect: postgresql, ...options });
}

/** The statement's parse tree without positions (which formatting moves), or undefined when it does not parse. */
export function meaningOf(sql: string): string | undefined {
  try {
    return JSON.stringify(parseSync(sql), (key, value: unknown) => (key === 'location' || key === 'stmt_location' || key === 'stmt_len' ? undefined : value));
  } catch {
    return undefined;
  }
}

/** Edits that format each statement of `script` whose meaning formatting keeps. */
export function formatEdits(script: string, options: { tabWidth?: number; uppercase?: boolean } = {}): FormatEdit[] {
  const edits: FormatEdit[] = [];
  for (const statement of splitStatements(maskMetaCommands(script))) {
    const before = meaningOf(statement.text);
    if (before === undefined) continue;
    let formatted: string;
    try {
      formatted = format(statement.text, { keywordCase: options.uppercase === false ? 'preserve' : 'upper', tabWidth: options.tabWidth ?? 2 }).trim();
    } catch {
      continue;
    }
    if (formatted === statement.text || meaningOf(formatted) !== before) continue;
    edits.push({ start: statement.start, end: statement.end, text: formatted });
  }
  return edits;
}
