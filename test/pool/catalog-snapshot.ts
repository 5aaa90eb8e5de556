/**
 * A schema as the catalogs hold it, one line of text per fact, without oids: the oracle for the
 * DDL round trip where no pg_dump of the server's major is at hand (16 to 18), and a second one
 * beside pg_dump where there is. It reads pg_catalog directly, not through the code under test.
 */
import type { Client } from 'pg';

function snapshotSql(v: number): string {
  const statsTarget = v >= 130000 ? 's.stxstattarget::text' : `''`;
  return `
WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = $1),
rel AS (SELECT c.* FROM pg_class c WHERE c.relnamespace = (SELECT oid FROM ns) AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S'))
SELECT line FROM (
  SELECT 'schema ' || pg_get_userbyid(n.nspowner) || ' ' || coalesce(n.nspacl::text, '-') || ' ' || coalesce(obj_description(n.oid, 'pg_namespace'), '-') AS line
    FROM pg_namespace n WHERE n.oid = (SELECT oid FROM ns)
  UNION ALL SELECT format('relation %s %s %s %s rls=%s/%s replident=%s of=%s owner=%s acl=%s bound=%s key=%s inherits=%s comment=%s populated=%s',
      c.relname, c.relkind, c.relpersistence, coalesce(c.reloptions::text, '-') || coalesce((SELECT t.reloptions::text FROM pg_class t WHERE t.oid = c.reltoastrelid), ''),
      c.relrowsecurity, c.relforcerowsecurity, c.relreplident, c.reloftype::regtype, pg_get_userbyid(c.relowner), c.relacl,
      pg_get_expr(c.relpartbound, c.oid), CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
      (SELECT string_agg(i.inhparent::regclass::text, ',' ORDER BY i.inhseqno) FROM pg_inherits i WHERE i.inhrelid = c.oid),
      obj_description(c.oid, 'pg_class'), c.relispopulated)
    FROM rel c
  UNION ALL SELECT format('column %s.%s #%s %s notnull=%s identity=%s generated=%s default=%s local=%s inh=%s stat=%s storage=%s options=%s/%s acl=%s coll=%s comment=%s',
      c.relname, a.attname, a.attnum, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity, a.attgenerated,
      pg_get_expr(ad.adbin, ad.adrelid), a.attislocal, a.attinhcount, a.attstattarget, a.attstorage, a.attoptions, a.attfdwoptions, a.attacl,
      (SELECT co.collname FROM pg_collation co WHERE co.oid = a.attcollation), col_description(c.oid, a.attnum))
    FROM rel c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
  UNION ALL SELECT format('constraint %s.%s %s %s valid=%s deferrable=%s comment=%s',
      coalesce(c.relname, k.contypid::regtype::text), k.conname, k.contype, pg_get_constraintdef(k.oid), k.convalidated, k.condeferrable,
      obj_description(k.oid, 'pg_constraint'))
    FROM pg_constraint k LEFT JOIN rel c ON c.oid = k.conrelid
    WHERE k.connamespace = (SELECT oid FROM ns) AND k.contype <> 'n'
  UNION ALL SELECT format('index %s %s valid=%s replident=%s clustered=%s comment=%s', c.relname, pg_get_indexdef(i.indexrelid), i.indisvalid, i.indisreplident, i.indisclustered,
      obj_description(i.indexrelid, 'pg_class'))
    FROM pg_index i JOIN rel c ON c.oid = i.indrelid
  UNION ALL SELECT format('trigger %s %s %s comment=%s', c.relname, pg_get_triggerdef(t.oid), t.tgenabled, obj_description(t.oid, 'pg_trigger'))
    FROM pg_trigger t JOIN rel c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal
  UNION ALL SELECT format('policy %s %s %s %s %s %s %s comment=%s', c.relname, p.polname, p.polcmd, p.polpermissive,
      (SELECT string_agg(CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r) END, ',' ORDER BY r) FROM unnest(p.polroles) r),
      pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid), obj_description(p.oid, 'pg_policy'))
    FROM pg_policy p JOIN rel c ON c.oid = p.polrelid
  UNION ALL SELECT format('rule %s %s %s comment=%s', c.relname, pg_get_ruledef(r.oid), r.ev_enabled, obj_description(r.oid, 'pg_rewrite'))
    FROM pg_rewrite r JOIN rel c ON c.oid = r.ev_class
  UNION ALL SELECT format('statistics %s %s %s comment=%s', pg_get_statisticsobjdef(s.oid), pg_get_userbyid(s.stxowner), ${statsTarget},
      obj_description(s.oid, 'pg_statistic_ext'))
    FROM pg_statistic_ext s WHERE s.stxnamespace = (SELECT oid FROM ns)
  UNION ALL SELECT format('sequence %s %s %s %s %s %s %s %s', c.relname, s.seqtypid::regtype, s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle)
    FROM pg_sequence s JOIN rel c ON c.oid = s.seqrelid
  UNION ALL SELECT format('type %s %s owner=%s acl=%s comment=%s', t.typname, t.typtype, pg_get_userbyid(t.typowner), t.typacl, obj_description(t.oid, 'pg_type'))
    FROM pg_type t WHERE t.typnamespace = (SELECT oid FROM ns)
  UNION ALL SELECT format('routine %s(%s) %s owner=%s acl=%s comment=%s body=%s', p.proname, pg_get_function_identity_arguments(p.oid), p.prokind,
      pg_get_userbyid(p.proowner), p.proacl, obj_description(p.oid, 'pg_proc'),
      CASE WHEN p.prokind = 'a' THEN (SELECT format('%s %s %s %s', a.aggtransfn, a.aggtranstype::regtype, a.agginitval, a.aggkind) FROM pg_aggregate a WHERE a.aggfnoid = p.oid)
        ELSE pg_get_functiondef(p.oid) END)
    FROM pg_proc p WHERE p.pronamespace = (SELECT oid FROM ns)
  UNION ALL SELECT format('depends %s on %s (%s)', pg_describe_object(d.classid, d.objid, d.objsubid), pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid), d.deptype)
    FROM pg_depend d JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid
    WHERE p.pronamespace = (SELECT oid FROM ns) AND d.deptype IN ('i', 'e')
  UNION ALL SELECT format('event trigger %s %s %s %s %s owner=%s comment=%s', e.evtname, e.evtevent, e.evtfoid::regproc, e.evttags, e.evtenabled,
      pg_get_userbyid(e.evtowner), obj_description(e.oid, 'pg_event_trigger'))
    FROM pg_event_trigger e
) facts ORDER BY line COLLATE "C"`;
}

export async function catalogSnapshot(client: Client, schema: string): Promise<string[]> {
  const { rows: version } = await client.query<{ v: number }>(`SELECT current_setting('server_version_num')::int AS v`);
  await client.query('SET search_path = pg_catalog');
  try {
    const { rows } = await client.query<{ line: string }>(snapshotSql(version[0].v), [schema]);
    return rows.map((r) => r.line);
  } finally {
    await client.query('RESET search_path');
  }
}
