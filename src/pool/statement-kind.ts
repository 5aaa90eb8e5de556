/**
 * What kind of statement a text is, by PostgreSQL's own parser (libpg-query: the server's grammar
 * compiled to WASM), for the few places where the pool must know before it acts: export runs a
 * result's statement again, which is only harmless for a plain query.
 */
type LibPgQuery = typeof import('libpg-query');

let loading: Promise<LibPgQuery> | undefined;

/**
 * The parser's WASM module, loaded once and only when first needed: a dynamic import, because
 * importing libpg-query starts compiling its WASM, which must not happen when the pool loads.
 */
export function loadParser(): Promise<LibPgQuery> {
  loading ??= import('libpg-query').then(async (lib) => {
    await lib.loadModule();
    return lib;
  });
  return loading;
}

/** Statements inside a query that change data, lock rows or create a table: not plain. */
const NOT_PLAIN: Record<string, string> = {
  InsertStmt: 'it contains an INSERT',
  UpdateStmt: 'it contains an UPDATE',
  DeleteStmt: 'it contains a DELETE',
  MergeStmt: 'it contains a MERGE',
  intoClause: 'it is SELECT ... INTO, which creates a table',
  lockingClause: 'it locks rows (FOR UPDATE / FOR SHARE)',
};

/**
 * Why running `sql` again would not be a plain read, or undefined when it is one plain
 * SELECT / VALUES / TABLE (set operations and read-only CTEs included).
 */
export async function whyNotPlainQuery(sql: string): Promise<string | undefined> {
  return (await readStatement(sql)).notPlain;
}

/** One statement as the parser reads it: why it is not a plain query (undefined when it is), and its tree. */
export interface ReadStatement {
  notPlain: string | undefined;
  /** The statement's node, e.g. `{ SelectStmt: {...} }`; undefined unless the text is exactly one statement. */
  stmt: Record<string, unknown> | undefined;
}

export async function readStatement(sql: string): Promise<ReadStatement> {
  const { parseSync } = await loadParser();
  let parsed: { stmts?: { stmt?: Record<string, unknown> }[] };
  try {
    parsed = parseSync(sql) as typeof parsed;
  } catch (err) {
    return { notPlain: `it does not parse (${(err as Error).message})`, stmt: undefined };
  }
  const statements = parsed.stmts ?? [];
  if (statements.length !== 1) return { notPlain: `it is ${statements.length} statements, not one`, stmt: undefined };
  const stmt = statements[0].stmt ?? {};
  const kind = Object.keys(stmt)[0];
  if (kind !== 'SelectStmt') return { notPlain: `it is not a SELECT, VALUES or TABLE statement (${kind ?? 'empty'})`, stmt };
  return { notPlain: findNotPlain(stmt.SelectStmt), stmt };
}

function findNotPlain(root: unknown): string | undefined {
  return findInTree(root, (key, value) =>
    Object.hasOwn(NOT_PLAIN, key) && value !== undefined && !(Array.isArray(value) && value.length === 0) ? NOT_PLAIN[key] : undefined,
  );
}

/**
 * The first answer `match` gives for a key of the parser's tree, or undefined. Walks with a stack
 * of its own: a statement nested thousands deep must not overflow JS's.
 */
export function findInTree<T>(root: unknown, match: (key: string, value: unknown) => T | undefined): T | undefined {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    for (const [key, value] of Object.entries(node)) {
      const found = match(key, value);
      if (found !== undefined) return found;
      stack.push(value);
    }
  }
  return undefined;
}
