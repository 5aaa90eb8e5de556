/**
 * An object's DDL in two parts, as pg_dump splits it: what creates the object (`create`), and what
 * may name other objects of the schema and so goes after all of them (`after`: foreign keys,
 * checks that call functions, NOT VALID checks, triggers, rules, policies). Show DDL prints both;
 * the schema's DDL prints every object's `create` in dependency order, then every `after`.
 */
import { PgError } from '../errors';

export interface DdlPiece {
  create: string[];
  after: string[];
}

export function render(statements: string[]): string {
  return statements.map((s) => (s.startsWith('--') ? s : `${s};`)).join('\n\n') + '\n';
}

export function notFound(what: string, schema: string, name: string): PgError {
  return new PgError('query', `There is no ${what} named "${name}" in schema "${schema}".`, { code: '42704', schema });
}
