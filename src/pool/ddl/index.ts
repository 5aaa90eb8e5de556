/**
 * DDL text for one object, or for a whole schema, as pg_dump would write it: the object, its
 * owner, privileges, comments, and what hangs off it (indexes, constraints, triggers, rules,
 * policies, statistics objects, the event triggers of a function). Views and routines come from
 * the server's own pg_get_viewdef and pg_get_functiondef; tables are rebuilt from describeRelation
 * and relation-sql.ts; sequences and types from their catalog rows.
 *
 * Everything runs in one read-only transaction with search_path = pg_catalog, as pg_dump does:
 * then format_type, pg_get_expr, pg_get_constraintdef and friends qualify every name outside
 * pg_catalog, so the text means the same thing whatever the search_path of whoever runs it.
 */
import type { Client } from 'pg';
import { listRoutines, listSequences, listTypes, serverFacts } from '../introspect';
import type { DdlKind, Routine, RoutineKind } from '../introspect-types';
import { notFound, render } from './piece';
import type { DdlPiece } from './piece';
import { Quoter } from './quote';
import { relationPiece, tableWithPartitions } from './relation';
import { routinePieces } from './routine';
import { schemaStatements } from './schema';
import { sequencePiece, typePiece, withSequenceMeta } from './sequence-type';

/** For an overloaded function or procedure, which one; without either, every overload comes back. */
export interface DdlOptions {
  /** Its Routine.identityArguments, as listed (under the session's search_path). */
  arguments?: string;
  /** Its Routine.oid. */
  oid?: number;
}

export async function getDdl(client: Client, kind: DdlKind, schema: string, name: string, options: DdlOptions = {}): Promise<string> {
  const { keywords, version } = await serverFacts(client);
  const q = new Quoter(keywords);
  // Overloads are picked before the search_path changes: identityArguments were listed under it.
  const routines = kind === 'function' || kind === 'procedure' ? await pickRoutines(client, kind, schema, name, options) : [];
  return inDdlTransaction(client, async () => {
    const pieces: DdlPiece[] = [];
    switch (kind) {
      case 'table':
        // A partitioned table comes with its partitions (the schema's DDL writes each on its own).
        pieces.push(await tableWithPartitions(client, q, version, schema, name));
        break;
      case 'view':
      case 'materializedView':
        pieces.push(await relationPiece(client, q, version, kind, schema, name));
        break;
      case 'function':
      case 'procedure':
        // Overloads come one after the other, each with its owner, privileges and comment.
        pieces.push(...(await routinePieces(client, q, routines)));
        break;
      case 'sequence': {
        const found = (await listSequences(client, schema)).filter((s) => s.name === name);
        if (found.length === 0) throw notFound('sequence', schema, name);
        pieces.push(sequencePiece(q, (await withSequenceMeta(client, found))[0]));
        break;
      }
      case 'type': {
        const found = (await listTypes(client, schema)).find((t) => t.name === name);
        if (!found) throw notFound('type', schema, name);
        pieces.push(await typePiece(client, q, found));
        break;
      }
    }
    return render(pieces.flatMap((p) => [...p.create, ...p.after]));
  });
}

/**
 * The whole schema: CREATE SCHEMA, then every object's creating part in an order that applies on
 * an empty database (see schema.ts), then what comes after all of them.
 */
export async function getSchemaDdl(client: Client, schema: string): Promise<string> {
  const { keywords, version } = await serverFacts(client);
  const q = new Quoter(keywords);
  return inDdlTransaction(client, async () => render(await schemaStatements(client, q, version, schema)));
}

async function inDdlTransaction<T>(client: Client, fn: () => Promise<T>): Promise<T> {
  await client.query(`BEGIN READ ONLY; SET LOCAL search_path = pg_catalog`);
  try {
    return await fn();
  } finally {
    // Nothing was written; ending with ROLLBACK also undoes the SET LOCAL.
    await client.query('ROLLBACK').catch(() => undefined);
  }
}

async function pickRoutines(
  client: Client,
  kind: 'function' | 'procedure',
  schema: string,
  name: string,
  options: DdlOptions,
): Promise<Routine[]> {
  // Aggregates come as CREATE AGGREGATE; window functions have a pg_get_functiondef (they are C).
  const kinds: RoutineKind[] = kind === 'procedure' ? ['procedure'] : ['function', 'window', 'aggregate'];
  const routines = (await listRoutines(client, schema)).filter(
    (r) =>
      r.name === name &&
      kinds.includes(r.kind) &&
      (options.arguments === undefined || r.identityArguments === options.arguments) &&
      (options.oid === undefined || r.oid === options.oid),
  );
  if (routines.length === 0) {
    throw notFound(kind, schema, options.arguments === undefined ? name : `${name}(${options.arguments})`);
  }
  return routines;
}
