/**
 * The read-only guard. A read-only profile starts its sessions with
 * `default_transaction_read_only = on`, but any session may turn that off again (`SET ... = off`,
 * `BEGIN READ WRITE`, `set_config(...)`), so on its own the setting is advice. Before a statement
 * of a read-only profile is sent, PostgreSQL's own parser (libpg-query) reads it and the pool
 * refuses every statement that would turn read-only off.
 *
 * This is a guard against what a person types, not a security boundary: a function or procedure
 * on the server can still change the setting where no client can see it. A role that may only
 * read is the real guard (README, "Read-only connections").
 *
 * Findings come from the AST, never from the text: `SET "Default_Transaction_Read_Only" = off`,
 * `pg_catalog.SET_CONFIG(...)` and comments or string literals that merely mention a setting are
 * all told apart the way the server tells them apart. A DO block's PL/pgSQL is parsed too, and
 * each statement and expression in it checked the same way.
 */
import type { A_Const, DefElem, DoStmt, FuncCall, Node, ParseResult, RawStmt, ScanResult, TransactionStmt, VariableSetStmt } from 'libpg-query';
import { PgError } from './errors';

/** The settings that make a session's transactions read-only (GUC names are case-insensitive). */
const READ_ONLY_SETTINGS = new Set(['default_transaction_read_only', 'transaction_read_only']);

interface Escape {
  /** The refused command, as a person would write it. */
  what: string;
  /** What it would do, completing "... would ". */
  effect: string;
  /** A byte offset into the SQL text, when the parser gave one. */
  location?: number;
  hint?: string;
}

/** libpg-query's entry points the guard uses, once its WASM is loaded. */
interface Parser {
  parse(sql: string): ParseResult;
  /** Takes a CREATE FUNCTION statement; returns PL/pgSQL's own tree (plain JSON). */
  parsePlPgSql(sql: string): unknown;
  scan(sql: string): ScanResult;
}

let parser: Promise<Parser> | undefined;

/**
 * libpg-query's WASM parser, loaded on the first statement of a read-only profile: the module
 * compiles its WASM when it is first imported, so pools of other profiles never pay for it.
 */
function loadParser(): Promise<Parser> {
  parser ??= import('libpg-query')
    .then(async (libpgQuery) => {
      await libpgQuery.loadModule();
      return { parse: libpgQuery.parseSync, parsePlPgSql: libpgQuery.parsePlPgSQLSync, scan: libpgQuery.scanSync };
    })
    .catch((err: unknown) => {
      parser = undefined; // try again on the next statement
      throw err;
    });
  return parser;
}

/**
 * Throws a `readOnly` PgError for the first statement in `sql` that would turn read-only off.
 * Every statement of a multi-statement string is checked. Text that does not parse is left to the
 * server, which fails it with its own error, unless it names a read-only setting (see
 * `unreadableEscape`).
 */
export async function refuseReadOnlyEscapes(sql: string): Promise<void> {
  let libpg: Parser;
  try {
    libpg = await loadParser();
  } catch (err) {
    // Fail closed: without the parser nothing of a read-only profile can be checked.
    throw new PgError(
      'readOnly',
      `This connection is read-only, and the check that keeps it so could not load PostgreSQL's parser (${(err as Error).message}). ` +
        'Nothing was sent. Reinstall the extension, or edit the connection to make it writable.',
      {},
      { cause: err },
    );
  }
  const escape = escapeIn(sql, libpg);
  if (escape) {
    throw new PgError(
      'readOnly',
      `This connection is read-only: ${escape.what} would ${escape.effect}. Edit the connection to make it writable.`,
      { position: characterPosition(sql, escape.location ?? 0), hint: escape.hint },
    );
  }
}

/** The first escape among the statements of `sql`, located in `sql`. */
function escapeIn(sql: string, parser: Parser): Escape | undefined {
  let tree: ParseResult;
  try {
    tree = parser.parse(sql);
  } catch {
    return unreadableEscape(sql, parser);
  }
  for (const raw of tree.stmts ?? []) {
    const escape = findEscape(raw, parser);
    if (escape) return { ...escape, location: escape.location ?? raw.stmt_location ?? 0 };
  }
  return undefined;
}

const UNREADABLE_NAMES = ['set_config', 'default_transaction_read_only', 'transaction_read_only'];

/**
 * Text that PostgreSQL 18's parser rejects may still run: servers before 14 accept postfix
 * operators (`SELECT 5 !`), and later servers accept syntax newer than the parser. Such text is
 * refused only when a token of it names a read-only setting or set_config, says READ WRITE, or
 * starts a DO block; anything else goes to the server, which will fail it or run it.
 */
function unreadableEscape(sql: string, parser: Parser): Escape | undefined {
  let tokens: ScanResult['tokens'];
  try {
    tokens = parser.scan(sql).tokens ?? [];
  } catch {
    return undefined; // an unterminated quote or comment: the server cannot run it either
  }
  const words = tokens.map((token) => token.text.toLowerCase());
  const found = tokens.findIndex((token, i) => {
    const word = words[i];
    if (token.tokenName === 'IDENT' || token.tokenName === 'SCONST') return UNREADABLE_NAMES.some((name) => word.includes(name));
    if (word === 'write') return words[i - 1] === 'read';
    return word === 'do' && (i === 0 || words[i - 1] === ';');
  });
  if (found < 0) return undefined;
  const mention = UNREADABLE_NAMES.find((name) => words[found].includes(name)) ?? (words[found] === 'do' ? 'DO' : 'READ WRITE');
  return {
    what: `a statement that PostgreSQL 18's parser cannot read and that mentions ${mention}`,
    effect: 'go unchecked',
    location: tokens[found].start,
    hint: 'Check the statement for a syntax error. If it is valid on your server, run it on a writable connection.',
  };
}

/** The parser's byte offsets as the 1-based character positions the server uses in its errors. */
function characterPosition(sql: string, byteOffset: number): number {
  const before = Buffer.from(sql, 'utf8').subarray(0, Math.max(0, byteOffset)).toString('utf8');
  return Array.from(before).length + 1;
}

/** The first escape anywhere in the statement's tree: top-level commands and nested function calls. */
function findEscape(raw: RawStmt, parser: Parser): Escape | undefined {
  let found: Escape | undefined;
  walk(raw.stmt, (_type, node) => {
    found ??= escapeOf(node as unknown as Node, parser);
    return found === undefined;
  });
  return found;
}

/**
 * Visits every node of a libpg-query tree, in order, until `visit` says stop. A node is an object
 * with one key, its type name (`VariableSetStmt`, `PLpgSQL_expr`); field names are lower-case.
 * Iterative: `1 + 1 + ...` nests as deep as the parser allows, deeper than the JS stack.
 */
function walk(root: unknown, visit: (type: string, node: Record<string, unknown>) => boolean): void {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (value === null || typeof value !== 'object') continue;
    if (!Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1 && /^[A-Z]/.test(keys[0]) && !visit(keys[0], value as Record<string, unknown>)) return;
    }
    const children = Object.values(value);
    for (let i = children.length - 1; i >= 0; i -= 1) pending.push(children[i]);
  }
}

function escapeOf(node: Node, parser: Parser): Escape | undefined {
  if ('DoStmt' in node) return doEscape(node.DoStmt, parser);
  if ('VariableSetStmt' in node) return setEscape(node.VariableSetStmt);
  if ('TransactionStmt' in node) return transactionEscape(node.TransactionStmt);
  if ('FuncCall' in node) return setConfigEscape(node.FuncCall);
  if ('DiscardStmt' in node && node.DiscardStmt.target === 'DISCARD_ALL') {
    return {
      what: 'DISCARD ALL',
      effect: 'reset every setting of the session, read-only included',
      hint: 'Discard what you mean instead: DISCARD PLANS, DISCARD TEMP or DISCARD SEQUENCES.',
    };
  }
  if ('AlterSystemStmt' in node) {
    return {
      what: 'ALTER SYSTEM',
      effect: "change the server's configuration file, which read-only transactions do not prevent",
    };
  }
  return undefined;
}

function setEscape(stmt: VariableSetStmt): Escape | undefined {
  const name = (stmt.name ?? '').toLowerCase();
  const set = stmt.is_local ? 'SET LOCAL' : 'SET';
  const location = firstLocation(stmt.args) ?? positive(stmt.location);
  switch (stmt.kind) {
    case 'VAR_SET_VALUE':
      if (READ_ONLY_SETTINGS.has(name)) {
        const values = (stmt.args ?? []).map(constantText);
        if (values.length === 1 && isTrue(values[0])) return undefined;
        return { what: `${set} ${name} = ${values.map((v) => v ?? '…').join(', ')}`, effect: 'turn that off', location };
      }
      if (name === 'session_authorization') {
        // It does not turn read-only off by itself (nor does SET ROLE, which stays allowed). It is
        // refused because it makes the session act as a login other than the profile's, which only
        // a superuser can do and nothing downstream expects. RESET / DEFAULT go back to the login.
        return { what: 'SET SESSION AUTHORIZATION', effect: 'make the session act as another login role', location };
      }
      return undefined;
    case 'VAR_SET_DEFAULT':
    case 'VAR_SET_CURRENT':
    case 'VAR_RESET':
      if (!READ_ONLY_SETTINGS.has(name)) return undefined;
      return {
        what: stmt.kind === 'VAR_RESET' ? `RESET ${name}` : `${set} ${name} ${stmt.kind === 'VAR_SET_DEFAULT' ? 'TO DEFAULT' : 'FROM CURRENT'}`,
        // Before PostgreSQL 16, RESET transaction_read_only inside a transaction makes it read-write.
        effect: 'reset it, and only the connection settings may change it',
        location,
      };
    case 'VAR_RESET_ALL':
      return {
        what: 'RESET ALL',
        effect: 'reset every setting of the session, read-only included',
        hint: 'Reset the settings you mean one by one, e.g. RESET search_path.',
      };
    case 'VAR_SET_MULTI': {
      const readWrite = readWriteOption(stmt.args);
      if (!readWrite) return undefined;
      if (stmt.name === 'SESSION CHARACTERISTICS') {
        return { what: 'SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE', effect: "make the session's transactions read-write", location: readWrite };
      }
      return { what: 'SET TRANSACTION READ WRITE', effect: 'make the transaction read-write', location: readWrite };
    }
    default:
      return undefined;
  }
}

function transactionEscape(stmt: TransactionStmt): Escape | undefined {
  if (stmt.kind !== 'TRANS_STMT_BEGIN' && stmt.kind !== 'TRANS_STMT_START') return undefined;
  const readWrite = readWriteOption(stmt.options);
  if (!readWrite) return undefined;
  return {
    what: `${stmt.kind === 'TRANS_STMT_BEGIN' ? 'BEGIN' : 'START TRANSACTION'} READ WRITE`,
    effect: 'start a read-write transaction',
    location: readWrite,
    hint: 'BEGIN on its own, or BEGIN READ ONLY, starts a transaction this connection allows.',
  };
}

/**
 * The byte offset of a `READ WRITE` among transaction modes (`transaction_read_only` = 0), or
 * undefined when there is none. Never 0: the option follows BEGIN / SET TRANSACTION.
 */
function readWriteOption(options: Node[] | undefined): number | undefined {
  for (const option of options ?? []) {
    if (!('DefElem' in option)) continue;
    const def: DefElem = option.DefElem;
    if (def.defname !== 'transaction_read_only' || !def.arg || !('A_Const' in def.arg)) continue;
    if ((def.arg.A_Const.ival?.ival ?? 0) === 0) return def.location ?? 1;
  }
  return undefined;
}

/** `set_config(name, value, is_local)`, however qualified or spelled, in any part of a statement. */
function setConfigEscape(call: FuncCall): Escape | undefined {
  const names = (call.funcname ?? []).map((part) => ('String' in part ? (part.String.sval ?? '') : ''));
  if (names[names.length - 1]?.toLowerCase() !== 'set_config') return undefined;
  const setting = argument(call, 0, 'setting_name');
  const settingName = setting && constantText(setting);
  if (settingName === undefined) {
    return {
      what: 'set_config() with a setting name that is not a constant',
      effect: 'be able to turn it off unseen',
      location: call.location,
      hint: "Name the setting as a string constant, e.g. set_config('search_path', ..., false).",
    };
  }
  const name = settingName.toLowerCase();
  if (!READ_ONLY_SETTINGS.has(name)) return undefined;
  const value = argument(call, 1, 'new_value');
  if (value && isTrue(constantText(value))) return undefined;
  return { what: `set_config('${name}', …)`, effect: 'turn that off', location: call.location };
}

/**
 * A DO block runs its statements where the guard cannot see them, so its PL/pgSQL is parsed and
 * every statement and expression in it checked. SQL built at run time (EXECUTE of anything but a
 * string constant) cannot be checked and is refused; so is a DO in another language.
 */
function doEscape(stmt: DoStmt, parser: Parser): Escape | undefined {
  let body: string | undefined;
  let language = 'plpgsql';
  let location: number | undefined;
  for (const arg of stmt.args ?? []) {
    if (!('DefElem' in arg)) continue;
    const value = arg.DefElem.arg && 'String' in arg.DefElem.arg ? (arg.DefElem.arg.String.sval ?? '') : '';
    if (arg.DefElem.defname === 'as') {
      body = value;
      location = arg.DefElem.location;
    } else if (arg.DefElem.defname === 'language') {
      language = value.toLowerCase();
    }
  }
  if (body === undefined) return undefined;
  if (language !== 'plpgsql') {
    return { what: `DO in LANGUAGE ${language}`, effect: 'run code whose statements cannot be checked', location };
  }
  const inner = plpgsqlEscape(body, parser);
  return inner && { what: `${inner.what} inside DO`, effect: inner.effect, hint: inner.hint, location };
}

/** PL/pgSQL statements whose SQL is a string computed at run time, and the field holding it. */
const DYNAMIC_SQL: Record<string, string> = {
  PLpgSQL_stmt_dynexecute: 'query',
  PLpgSQL_stmt_dynfors: 'query',
  PLpgSQL_stmt_open: 'dynquery',
  PLpgSQL_stmt_return_query: 'dynquery',
};

/** PL/pgSQL's parse modes for an expression's text (PostgreSQL's RawParseMode). */
const PLPGSQL_EXPRESSION = 2;
const PLPGSQL_ASSIGNMENTS = new Set([3, 4, 5]);

function plpgsqlEscape(body: string, parser: Parser): Escape | undefined {
  let tree: unknown;
  try {
    tree = parser.parsePlPgSql(asFunction(body));
  } catch {
    return unreadableEscape(body, parser);
  }
  let found: Escape | undefined;
  walk(tree, (type, node) => {
    const fields = node[type] as Record<string, unknown>;
    if (type === 'PLpgSQL_expr') found = expressionEscape(fields, parser);
    else if (DYNAMIC_SQL[type]) found = dynamicSqlEscape(fields[DYNAMIC_SQL[type]], parser);
    return found === undefined;
  });
  return found;
}

/** A DO body as the CREATE FUNCTION that libpg-query's PL/pgSQL parser takes. */
function asFunction(body: string): string {
  // A dollar-quote tag that does not occur in the body cannot end it early.
  let tag = 'pgx_body';
  while (body.includes(tag)) tag += '_';
  return `CREATE FUNCTION pg_temp.pgx_check() RETURNS void LANGUAGE plpgsql AS $${tag}$${body}$${tag}$`;
}

/** One PL/pgSQL expression or embedded statement, as SQL the parser reads. */
function expressionEscape(expr: Record<string, unknown>, parser: Parser): Escape | undefined {
  const query = typeof expr.query === 'string' ? expr.query : '';
  const mode = typeof expr.parseMode === 'number' ? expr.parseMode : 0;
  if (mode === PLPGSQL_EXPRESSION) return escapeIn(`SELECT ${query}`, parser);
  // `target := value` is no SQL; `target = value` reads as a comparison holding the same calls.
  if (PLPGSQL_ASSIGNMENTS.has(mode)) return escapeIn(`SELECT ${assignmentAsComparison(query, parser)}`, parser);
  return escapeIn(query, parser);
}

function assignmentAsComparison(assignment: string, parser: Parser): string {
  let tokens: ScanResult['tokens'];
  try {
    tokens = parser.scan(assignment).tokens ?? [];
  } catch {
    return assignment;
  }
  const assign = tokens.find((token) => token.text === ':=');
  if (!assign) return assignment;
  const bytes = Buffer.from(assignment, 'utf8');
  return `${bytes.subarray(0, assign.start).toString('utf8')}=${bytes.subarray(assign.end).toString('utf8')}`;
}

/** EXECUTE 'constant' is checked as the statement it names; anything computed is refused. */
function dynamicSqlEscape(expr: unknown, parser: Parser): Escape | undefined {
  if (expr === null || typeof expr !== 'object' || !('PLpgSQL_expr' in expr)) return undefined;
  const query = (expr.PLpgSQL_expr as { query?: unknown }).query;
  const constant = typeof query === 'string' ? constantExpression(query, parser) : undefined;
  if (constant !== undefined) return escapeIn(constant, parser);
  return {
    what: 'EXECUTE of a statement built at run time',
    effect: 'be able to turn it off unseen',
    hint: 'EXECUTE a string constant, or run the statements themselves.',
  };
}

/** The value of an expression that is a single constant, e.g. `'SELECT 1'`. */
function constantExpression(expression: string, parser: Parser): string | undefined {
  try {
    const stmts = parser.parse(`SELECT ${expression}`).stmts ?? [];
    const select = stmts.length === 1 && stmts[0].stmt && 'SelectStmt' in stmts[0].stmt ? stmts[0].stmt.SelectStmt : undefined;
    const targets = select?.targetList ?? [];
    if (targets.length !== 1 || !('ResTarget' in targets[0]) || !targets[0].ResTarget.val) return undefined;
    return select?.fromClause ? undefined : constantText(targets[0].ResTarget.val);
  } catch {
    return undefined;
  }
}

/** A call's argument by position, or by name when it is passed as `name => value`. */
function argument(call: FuncCall, index: number, name: string): Node | undefined {
  const args = call.args ?? [];
  for (const arg of args) {
    if ('NamedArgExpr' in arg && arg.NamedArgExpr.name?.toLowerCase() === name) return arg.NamedArgExpr.arg;
  }
  const positional = args.slice(0, index + 1);
  if (positional.length <= index || positional.some((arg) => 'NamedArgExpr' in arg)) return undefined;
  return positional[index];
}

/** The text of a constant (`'off'`, `0`, `'off'::text`), or undefined for anything computed. */
function constantText(node: Node): string | undefined {
  if ('TypeCast' in node) return node.TypeCast.arg ? constantText(node.TypeCast.arg) : undefined;
  if ('CollateClause' in node) return node.CollateClause.arg ? constantText(node.CollateClause.arg) : undefined;
  if (!('A_Const' in node)) return undefined;
  const value: A_Const = node.A_Const;
  if (value.isnull) return undefined;
  if (value.sval) return value.sval.sval ?? '';
  // An integer constant 0 comes out of the parser as `ival: {}`.
  if (value.ival) return String(value.ival.ival ?? 0);
  if (value.fval) return value.fval.fval;
  if (value.boolval) return value.boolval.boolval ? 'true' : 'false';
  return undefined;
}

/**
 * Whether PostgreSQL reads the value as boolean true (parse_bool: `on`, `1`, and any prefix of
 * `true` or `yes`, in any case). Anything else is off or invalid; either way it is refused.
 */
function isTrue(value: string | undefined): boolean {
  if (value === undefined || value === '') return false;
  const v = value.toLowerCase();
  return v === 'on' || v === '1' || 'true'.startsWith(v) || 'yes'.startsWith(v);
}

function firstLocation(args: Node[] | undefined): number | undefined {
  const first = args?.[0];
  return first && 'A_Const' in first ? positive(first.A_Const.location) : undefined;
}

function positive(location: number | undefined): number | undefined {
  return location !== undefined && location >= 0 ? location : undefined;
}
