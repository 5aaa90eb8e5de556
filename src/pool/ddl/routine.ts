/**
 * Functions, procedures and aggregates with their owners, privileges and comments, and the event
 * triggers that call them (event triggers belong to no schema: they are written with their
 * function). Functions come from the server's pg_get_functiondef; aggregates, which have none, are
 * rebuilt from pg_aggregate as pg_dump does. A zero-argument aggregate is `name(*)`.
 */
import type { Client } from 'pg';
import type { Routine } from '../introspect-types';
import type { DdlPiece } from './piece';
import { aclJson, commentOn, grants, ownerTo } from './privileges';
import type { AclItem } from './privileges';
import type { Quoter } from './quote';

/** $1: oids of the routines. Identity arguments are printed here, under search_path = pg_catalog: qualified. */
const ROUTINE_META_SQL = `SELECT p.oid, CASE WHEN p.prokind <> 'a' THEN pg_catalog.pg_get_functiondef(p.oid) END AS def,
  pg_catalog.pg_get_function_identity_arguments(p.oid) AS args,
  pg_catalog.pg_get_userbyid(p.proowner) AS owner, ${aclJson('p.proacl')} AS acl
FROM pg_catalog.pg_proc p WHERE p.oid = ANY ($1::oid[])`;

/** $1: oids of functions. The event triggers that execute them. */
const EVENT_TRIGGERS_SQL = `SELECT e.evtfoid AS function, e.evtname AS name, e.evtevent AS event, e.evttags AS tags,
  e.evtenabled AS enabled, pg_catalog.pg_get_userbyid(e.evtowner) AS owner,
  e.evtfoid::pg_catalog.regproc::text AS function_name,
  (SELECT d.description FROM pg_catalog.pg_description d WHERE d.objoid = e.oid
    AND d.classoid = 'pg_catalog.pg_event_trigger'::pg_catalog.regclass) AS comment
FROM pg_catalog.pg_event_trigger e WHERE e.evtfoid = ANY ($1::oid[]) ORDER BY e.evtname`;

interface RoutineMeta {
  oid: number;
  def: string | null;
  args: string;
  owner: string;
  acl: AclItem[] | null;
}

interface EventTriggerRow {
  function: number;
  name: string;
  event: string;
  tags: string[] | null;
  enabled: 'O' | 'D' | 'R' | 'A';
  owner: string;
  function_name: string;
  comment: string | null;
}

/**
 * $1: oids of aggregates. The CREATE AGGREGATE options, rebuilt from pg_aggregate as pg_dump does;
 * regproc and format_type print qualified names under the DDL transaction's search_path.
 */
const AGGREGATE_SQL = `
SELECT a.aggfnoid::oid AS oid, a.aggkind AS kind, p.proparallel AS parallel,
  CASE WHEN a.aggtransfn <> 0 THEN a.aggtransfn::pg_catalog.regproc::text END AS sfunc,
  pg_catalog.format_type(a.aggtranstype, NULL) AS stype, a.aggtransspace AS sspace,
  CASE WHEN a.aggfinalfn <> 0 THEN a.aggfinalfn::pg_catalog.regproc::text END AS finalfunc,
  a.aggfinalextra AS finalfunc_extra, a.aggfinalmodify AS finalfunc_modify,
  CASE WHEN a.aggcombinefn <> 0 THEN a.aggcombinefn::pg_catalog.regproc::text END AS combinefunc,
  CASE WHEN a.aggserialfn <> 0 THEN a.aggserialfn::pg_catalog.regproc::text END AS serialfunc,
  CASE WHEN a.aggdeserialfn <> 0 THEN a.aggdeserialfn::pg_catalog.regproc::text END AS deserialfunc,
  a.agginitval AS initcond,
  CASE WHEN a.aggmtransfn <> 0 THEN a.aggmtransfn::pg_catalog.regproc::text END AS msfunc,
  CASE WHEN a.aggminvtransfn <> 0 THEN a.aggminvtransfn::pg_catalog.regproc::text END AS minvfunc,
  CASE WHEN a.aggmtranstype <> 0 THEN pg_catalog.format_type(a.aggmtranstype, NULL) END AS mstype,
  a.aggmtransspace AS msspace,
  CASE WHEN a.aggmfinalfn <> 0 THEN a.aggmfinalfn::pg_catalog.regproc::text END AS mfinalfunc,
  a.aggmfinalextra AS mfinalfunc_extra, a.aggmfinalmodify AS mfinalfunc_modify, a.aggminitval AS minitcond,
  CASE WHEN a.aggsortop <> 0 THEN (SELECT pg_catalog.quote_ident(n.nspname) || '.' || o.oprname
    FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace WHERE o.oid = a.aggsortop) END AS sortop
FROM pg_catalog.pg_aggregate a JOIN pg_catalog.pg_proc p ON p.oid = a.aggfnoid
WHERE a.aggfnoid = ANY ($1::oid[])`;

interface AggregateRow {
  oid: number;
  kind: 'n' | 'o' | 'h';
  parallel: 's' | 'r' | 'u';
  sfunc: string;
  stype: string;
  sspace: number;
  finalfunc: string | null;
  finalfunc_extra: boolean;
  finalfunc_modify: 'r' | 's' | 'w';
  combinefunc: string | null;
  serialfunc: string | null;
  deserialfunc: string | null;
  initcond: string | null;
  msfunc: string | null;
  minvfunc: string | null;
  mstype: string | null;
  msspace: number;
  mfinalfunc: string | null;
  mfinalfunc_extra: boolean;
  mfinalfunc_modify: 'r' | 's' | 'w';
  minitcond: string | null;
  sortop: string | null;
}

/** One piece per routine, in the order given. */
export async function routinePieces(client: Client, q: Quoter, routines: Routine[]): Promise<DdlPiece[]> {
  const oids = routines.map((r) => r.oid);
  const { rows } = await client.query<RoutineMeta>(ROUTINE_META_SQL, [oids]);
  const meta = new Map(rows.map((r) => [r.oid, r]));
  const defs = new Map(rows.map((r) => [r.oid, r.def?.trim() ?? '']));
  if (routines.some((r) => r.kind === 'aggregate')) {
    const aggregates = await client.query<AggregateRow>(AGGREGATE_SQL, [oids]);
    for (const a of aggregates.rows) {
      const routine = routines.find((r) => r.oid === a.oid);
      if (routine) defs.set(a.oid, aggregateDefinition(q, routine.schema, routine.name, signature(routine, meta.get(a.oid)), a));
    }
  }
  const triggers = (await client.query<EventTriggerRow>(EVENT_TRIGGERS_SQL, [oids])).rows;
  return routines.map((r) => {
    const m = meta.get(r.oid);
    const noun = r.kind === 'procedure' ? 'PROCEDURE' : r.kind === 'aggregate' ? 'AGGREGATE' : 'FUNCTION';
    const target = `${q.qualified(r.schema, r.name)}(${signature(r, m)})`;
    const owner = m?.owner ?? '';
    // GRANT ON FUNCTION covers aggregates too (there is no GRANT ON AGGREGATE).
    const grantNoun = r.kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION';
    const grantTarget = `${q.qualified(r.schema, r.name)}(${m?.args ?? ''})`;
    const create = [
      defs.get(r.oid) ?? '',
      ownerTo(q, noun, target, owner),
      ...grants(q, `${grantNoun} ${grantTarget}`, owner, m?.acl ?? null),
      ...commentOn(q, `${noun} ${target}`, r.comment),
    ];
    // Event triggers name the function: they come after everything, like triggers.
    const after = triggers.filter((t) => t.function === r.oid).flatMap((t) => eventTrigger(q, t));
    return { create, after };
  });
}

/** The argument list that names a routine: `*` for an aggregate of no arguments. */
function signature(r: Routine, m: RoutineMeta | undefined): string {
  const args = m?.args ?? '';
  return r.kind === 'aggregate' && args === '' ? '*' : args;
}

function eventTrigger(q: Quoter, t: EventTriggerRow): string[] {
  const name = q.ident(t.name);
  let text = `CREATE EVENT TRIGGER ${name} ON ${t.event}`;
  if (t.tags && t.tags.length > 0) text += `\n    WHEN TAG IN (${t.tags.map((tag) => q.literal(tag)).join(', ')})`;
  text += `\n    EXECUTE FUNCTION ${t.function_name}()`;
  const out = [text];
  if (t.enabled !== 'O') out.push(`ALTER EVENT TRIGGER ${name} ${{ D: 'DISABLE', R: 'ENABLE REPLICA', A: 'ENABLE ALWAYS' }[t.enabled]}`);
  out.push(ownerTo(q, 'EVENT TRIGGER', name, t.owner), ...commentOn(q, `EVENT TRIGGER ${name}`, t.comment));
  return out;
}

const MODIFY = { r: 'READ_ONLY', s: 'SHAREABLE', w: 'READ_WRITE' } as const;

function aggregateDefinition(q: Quoter, schema: string, name: string, args: string, a: AggregateRow): string {
  const options = [`SFUNC = ${a.sfunc}`, `STYPE = ${a.stype}`];
  if (a.sspace !== 0) options.push(`SSPACE = ${a.sspace}`);
  if (a.finalfunc) {
    options.push(`FINALFUNC = ${a.finalfunc}`);
    if (a.finalfunc_extra) options.push('FINALFUNC_EXTRA');
    options.push(`FINALFUNC_MODIFY = ${MODIFY[a.finalfunc_modify]}`);
  }
  if (a.combinefunc) options.push(`COMBINEFUNC = ${a.combinefunc}`);
  if (a.serialfunc) options.push(`SERIALFUNC = ${a.serialfunc}`);
  if (a.deserialfunc) options.push(`DESERIALFUNC = ${a.deserialfunc}`);
  if (a.initcond !== null) options.push(`INITCOND = ${q.literal(a.initcond)}`);
  if (a.msfunc) options.push(`MSFUNC = ${a.msfunc}`);
  if (a.minvfunc) options.push(`MINVFUNC = ${a.minvfunc}`);
  if (a.mstype) options.push(`MSTYPE = ${a.mstype}`);
  if (a.msspace !== 0) options.push(`MSSPACE = ${a.msspace}`);
  if (a.mfinalfunc) {
    options.push(`MFINALFUNC = ${a.mfinalfunc}`);
    if (a.mfinalfunc_extra) options.push('MFINALFUNC_EXTRA');
    options.push(`MFINALFUNC_MODIFY = ${MODIFY[a.mfinalfunc_modify]}`);
  }
  if (a.minitcond !== null) options.push(`MINITCOND = ${q.literal(a.minitcond)}`);
  if (a.sortop) options.push(`SORTOP = ${a.sortop}`);
  if (a.parallel === 's') options.push('PARALLEL = SAFE');
  if (a.parallel === 'r') options.push('PARALLEL = RESTRICTED');
  if (a.kind === 'h') options.push('HYPOTHETICAL');
  // Identity arguments print an ordered-set aggregate's signature as `direct ORDER BY aggregated`.
  return `CREATE AGGREGATE ${q.qualified(schema, name)}(${args}) (\n    ${options.join(',\n    ')}\n)`;
}

