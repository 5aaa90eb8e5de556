/**
 * The catalog reads behind a relation's DDL that describeRelation does not carry. One statement:
 * each part is a json_agg subquery over the relation's oid. $1: schema, $2: name.
 * Runs inside the DDL transaction (search_path = pg_catalog), so every name it prints is qualified.
 */
import { aclJson } from './privileges';
import type { AclItem } from './privileges';

export interface IdentitySequence {
  schema: string;
  name: string;
  start: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
  /** Sequences can be unlogged from 15 on; an identity sequence is made as its table is, and can change after. */
  unlogged: boolean;
}

export interface ColumnExtra {
  name: string;
  /** Declared on this table (attislocal); an inherited-only column is left to INHERITS / PARTITION. */
  local: boolean;
  inherited: boolean;
  /** What a parent gives the column: its default, and whether it is NOT NULL there. */
  parentDefault: string | null;
  parentNotNull: boolean;
  statistics: number | null;
  /** attstorage when it differs from the type's. */
  storage: 'p' | 'e' | 'm' | 'x' | null;
  /** attcompression (14+): 'p' pglz, 'l' lz4, else null. */
  compression: 'p' | 'l' | null;
  /** attoptions as the server stores them, e.g. `n_distinct=5`. */
  options: string | null;
  /** A foreign table column's options, as `name 'value', ...`. */
  fdwOptions: string | null;
  acl: AclItem[] | null;
  identitySequence: IdentitySequence | null;
}

export interface ConstraintExtra {
  name: string;
  validated: boolean;
  /** Calls a function outside pg_catalog: written after the table (it may take the table's row type). */
  callsFunction: boolean;
}

export interface PolicyRow {
  name: string;
  permissive: boolean;
  command: 'r' | 'a' | 'w' | 'd' | '*';
  /** Role names; '' is PUBLIC. */
  roles: string[];
  using: string | null;
  withCheck: string | null;
  comment: string | null;
}

export interface RuleRow {
  name: string;
  definition: string;
  /** pg_rewrite.ev_enabled: 'O' origin, 'D' disabled, 'R' replica, 'A' always. */
  enabled: 'O' | 'D' | 'R' | 'A';
  comment: string | null;
}

export interface StatisticsRow {
  schema: string;
  name: string;
  definition: string;
  owner: string;
  /** A target set with ALTER STATISTICS ... SET STATISTICS, else null. */
  target: number | null;
  comment: string | null;
}

export interface RelationMeta {
  oid: number;
  relkind: 'r' | 'p' | 'v' | 'm' | 'f';
  persistence: 'p' | 'u' | 't';
  populated: boolean;
  is_partition: boolean;
  view_def: string | null;
  rel_options: string | null;
  toast_options: string | null;
  server: string | null;
  server_options: string | null;
  inherits: string[];
  of_type: string | null;
  row_security: boolean;
  force_row_security: boolean;
  replica_identity: 'd' | 'n' | 'f' | 'i';
  replica_index: string | null;
  clustered_index: string | null;
  owner: string;
  acl: AclItem[] | null;
  columns: ColumnExtra[] | null;
  checks: ConstraintExtra[] | null;
  policies: PolicyRow[] | null;
  rules: RuleRow[] | null;
  statistics: StatisticsRow[] | null;
}

function description(catalog: string, objoid: string, subid = '0'): string {
  return `(SELECT d.description FROM pg_catalog.pg_description d WHERE d.objoid = ${objoid}
    AND d.classoid = 'pg_catalog.${catalog}'::pg_catalog.regclass AND d.objsubid = ${subid})`;
}

function options(array: string, separator: string, prefix = ''): string {
  return `(SELECT pg_catalog.string_agg('${prefix}' || pg_catalog.quote_ident(o.option_name) || '${separator}' || pg_catalog.quote_literal(o.option_value), ', ')
    FROM pg_catalog.pg_options_to_table(${array}) o)`;
}

/** `v` is server_version_num: attcompression is 14+, stxstattarget's NULL default 17+. */
export function relationMetaSql(v: number): string {
  const compression = v >= 140000 ? `CASE WHEN a.attcompression <> '' THEN a.attcompression END` : 'NULL::"char"';
  const statsTarget = v >= 130000 ? `NULLIF(s.stxstattarget::int, -1)` : 'NULL::int';
  return `
SELECT c.oid, c.relkind AS relkind, c.relpersistence AS persistence, c.relispopulated AS populated,
  c.relispartition AS is_partition,
  CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid, true) END AS view_def,
  ${options('c.reloptions', ' = ')} AS rel_options,
  ${options('(SELECT tc.reloptions FROM pg_catalog.pg_class tc WHERE tc.oid = c.reltoastrelid)', ' = ', 'toast.')} AS toast_options,
  fs.srvname AS server,
  ${options('ft.ftoptions', ' ')} AS server_options,
  ARRAY(SELECT pg_catalog.quote_ident(pn.nspname) || '.' || pg_catalog.quote_ident(pc.relname)
    FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent
    JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
    WHERE i.inhrelid = c.oid AND NOT c.relispartition ORDER BY i.inhseqno) AS inherits,
  CASE WHEN c.reloftype <> 0 THEN pg_catalog.format_type(c.reloftype, NULL) END AS of_type,
  c.relrowsecurity AS row_security, c.relforcerowsecurity AS force_row_security,
  c.relreplident AS replica_identity,
  (SELECT ic.relname FROM pg_catalog.pg_index ri JOIN pg_catalog.pg_class ic ON ic.oid = ri.indexrelid
    WHERE ri.indrelid = c.oid AND ri.indisreplident) AS replica_index,
  (SELECT ic.relname FROM pg_catalog.pg_index ci JOIN pg_catalog.pg_class ic ON ic.oid = ci.indexrelid
    WHERE ci.indrelid = c.oid AND ci.indisclustered) AS clustered_index,
  pg_catalog.pg_get_userbyid(c.relowner) AS owner,
  ${aclJson('c.relacl')} AS acl,
  (SELECT json_agg(json_build_object(
      'name', a.attname, 'local', a.attislocal, 'inherited', a.attinhcount > 0,
      'parentDefault', (SELECT pg_catalog.pg_get_expr(pad.adbin, pad.adrelid)
        FROM pg_catalog.pg_inherits pi JOIN pg_catalog.pg_attribute pa ON pa.attrelid = pi.inhparent AND pa.attname = a.attname
        JOIN pg_catalog.pg_attrdef pad ON pad.adrelid = pa.attrelid AND pad.adnum = pa.attnum
        WHERE pi.inhrelid = c.oid ORDER BY pi.inhseqno LIMIT 1),
      'parentNotNull', EXISTS (SELECT 1 FROM pg_catalog.pg_inherits pi
        JOIN pg_catalog.pg_attribute pa ON pa.attrelid = pi.inhparent AND pa.attname = a.attname
        WHERE pi.inhrelid = c.oid AND pa.attnotnull),
      'statistics', NULLIF(a.attstattarget::int, -1),
      'storage', CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage END,
      'compression', ${compression},
      'options', pg_catalog.array_to_string(a.attoptions, ', '),
      'fdwOptions', ${options('a.attfdwoptions', ' ')},
      'acl', ${aclJson('a.attacl')},
      'identitySequence', (SELECT json_build_object('schema', sn.nspname, 'name', sc.relname,
          'start', s.seqstart::text, 'increment', s.seqincrement::text, 'min', s.seqmin::text, 'max', s.seqmax::text,
          'cache', s.seqcache::text, 'cycle', s.seqcycle, 'unlogged', sc.relpersistence = 'u')
        FROM pg_catalog.pg_depend dep
        JOIN pg_catalog.pg_sequence s ON s.seqrelid = dep.objid
        JOIN pg_catalog.pg_class sc ON sc.oid = s.seqrelid
        JOIN pg_catalog.pg_namespace sn ON sn.oid = sc.relnamespace
        WHERE a.attidentity <> '' AND dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
          AND dep.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dep.refobjid = c.oid
          AND dep.refobjsubid = a.attnum AND dep.deptype = 'i' LIMIT 1)
    ) ORDER BY a.attnum)
    FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
  (SELECT json_agg(json_build_object('name', k.conname, 'validated', k.convalidated,
      'callsFunction', EXISTS (SELECT 1 FROM pg_catalog.pg_depend kd JOIN pg_catalog.pg_proc kp ON kp.oid = kd.refobjid
        WHERE kd.classid = 'pg_catalog.pg_constraint'::pg_catalog.regclass AND kd.objid = k.oid
          AND kd.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass
          AND kp.pronamespace <> 'pg_catalog'::pg_catalog.regnamespace)))
    FROM pg_catalog.pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'c') AS checks,
  (SELECT json_agg(json_build_object('name', p.polname, 'permissive', p.polpermissive, 'command', p.polcmd,
      'roles', ARRAY(SELECT CASE WHEN r.role = 0 THEN '' ELSE pg_catalog.pg_get_userbyid(r.role) END
        FROM unnest(p.polroles) WITH ORDINALITY r(role, ord) ORDER BY r.ord),
      'using', pg_catalog.pg_get_expr(p.polqual, p.polrelid),
      'withCheck', pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid),
      'comment', ${description('pg_policy', 'p.oid')}) ORDER BY p.polname)
    FROM pg_catalog.pg_policy p WHERE p.polrelid = c.oid) AS policies,
  (SELECT json_agg(json_build_object('name', rw.rulename, 'definition', pg_catalog.pg_get_ruledef(rw.oid, true),
      'enabled', rw.ev_enabled, 'comment', ${description('pg_rewrite', 'rw.oid')}) ORDER BY rw.rulename)
    FROM pg_catalog.pg_rewrite rw WHERE rw.ev_class = c.oid AND rw.rulename <> '_RETURN') AS rules,
  (SELECT json_agg(json_build_object('schema', sn.nspname, 'name', s.stxname,
      'definition', pg_catalog.pg_get_statisticsobjdef(s.oid), 'owner', pg_catalog.pg_get_userbyid(s.stxowner),
      'target', ${statsTarget}, 'comment', ${description('pg_statistic_ext', 's.oid')}) ORDER BY s.stxname)
    FROM pg_catalog.pg_statistic_ext s JOIN pg_catalog.pg_namespace sn ON sn.oid = s.stxnamespace
    WHERE s.stxrelid = c.oid) AS statistics
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_foreign_table ft ON ft.ftrelid = c.oid
LEFT JOIN pg_catalog.pg_foreign_server fs ON fs.oid = ft.ftserver
WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`;
}
