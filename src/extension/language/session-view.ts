/**
 * What a tab's own session adds to the catalog: its search_path (after any SET) and its temp
 * tables, which no other tab sees. Read with one small query in the tab's session, only when that
 * session is free (no statement running, no open cursor whose result a panel is paging, no failed
 * transaction), so reading it never changes what the user sees.
 *
 * This is the one place that reaches into a tab's session (through its handle); only
 * `readSessionView` knows how.
 */
import type { CatalogRelation, Session } from '../../pool';
import type { SessionView } from './catalog-index';

const SESSION_VIEW_SQL = `SELECT pg_catalog.array_to_json(pg_catalog.current_schemas(true))::text,
  (SELECT pg_catalog.json_agg(pg_catalog.json_build_object('schema', n.nspname, 'name', c.relname, 'kind', c.relkind,
    'columns', (SELECT pg_catalog.json_agg(pg_catalog.json_build_object('name', a.attname,
        'type', pg_catalog.format_type(a.atttypid, a.atttypmod), 'notNull', a.attnotnull) ORDER BY a.attnum)
      FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)))::text
   FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relnamespace = pg_catalog.pg_my_temp_schema() AND c.relkind IN ('r', 'p', 'v', 'm'))`;

interface TempRow {
  schema: string;
  name: string;
  kind: string;
  columns: { name: string; type: string; notNull: boolean }[] | null;
}

/**
 * The session's search path and temp tables, or undefined when the session is busy, holds a
 * cursor, is in a failed transaction, or has no connection yet (then it sees what a new session sees).
 */
export async function readSessionView(session: Session): Promise<SessionView | undefined> {
  const info = session.info();
  if (info.busy || info.cursorOpen || info.txStatus === 'failed' || !info.connected) return undefined;
  // In the background: a run the user starts meanwhile waits for it (a few ms) instead of failing.
  const outcome = await session.execute(SESSION_VIEW_SQL, { background: true });
  if (outcome.kind !== 'rows' || outcome.page.rows.length === 0) return undefined;
  const [path, temp] = outcome.page.rows[0];
  const rows = temp ? (JSON.parse(temp) as TempRow[]) : [];
  return {
    searchPath: path ? (JSON.parse(path) as string[]) : [],
    temp: rows.map(
      (r): CatalogRelation => ({
        oid: '0',
        schema: r.schema,
        name: r.name,
        kind: r.kind === 'v' ? 'view' : r.kind === 'm' ? 'materializedView' : 'table',
        estimatedRows: null,
        approximateBytes: '0',
        comment: null,
        columns: (r.columns ?? []).map((c) => ({ ...c, default: null, comment: null, inPrimaryKey: false })),
      }),
    ),
  };
}
