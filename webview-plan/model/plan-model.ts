/**
 * EXPLAIN (FORMAT JSON) as the plan view reads it: the server's JSON text turned into a flat list
 * of nodes (pre-order, so a node's subtree follows it), each with its inclusive and exclusive time,
 * its misestimate and its buffers, and a ranking of the nodes that cost the most. No DOM here, so
 * the tests and the bench reach it directly.
 *
 * Times: EXPLAIN ANALYZE prints a node's time per loop (an average); the node's inclusive time is
 * that times its loops. Inside a parallel plan the loops of a node include every worker's, and the
 * workers run at once, so the loops are divided by the workers of the enclosing Gather (plus the
 * leader), as explain.depesz.com and pev2 do. A node's exclusive time is its inclusive time less
 * its children's; InitPlans and CTEs are counted where their rows are consumed, so the difference
 * can go below zero and is then 0.
 */

/** One node of the plan, as the view draws it. */
export interface PlanNode {
  /** Pre-order index: 0 is the root. */
  readonly id: number;
  readonly parentId: number | null;
  readonly depth: number;
  readonly childIds: number[];
  /** "Seq Scan", "Hash Join", ... */
  readonly nodeType: string;
  /** "Seq Scan on public.orders o", "Index Scan using orders_pkey on orders". */
  readonly label: string;
  /** "Outer", "Inner", "InitPlan", "SubPlan", "Member" and the sub-plan's name when it has one. */
  readonly relationship: string | undefined;
  /** Extra lines the node prints (join condition, filter, sort key, index condition). */
  readonly details: string[];
  readonly startupCost: number;
  readonly totalCost: number;
  /** Total cost less the children's total cost (what the ranking uses without ANALYZE). */
  readonly exclusiveCost: number;
  readonly planRows: number;
  /** Per loop, as the server prints it; undefined without ANALYZE. */
  readonly actualRows: number | undefined;
  readonly loops: number | undefined;
  /** Milliseconds; undefined without ANALYZE. */
  readonly inclusiveMs: number | undefined;
  readonly exclusiveMs: number | undefined;
  /** max(actual / estimated, estimated / actual) with 0 read as 1; undefined without ANALYZE. */
  readonly misestimate: number | undefined;
  /** 'under': more rows than the planner thought; 'over': fewer. */
  readonly misestimateDirection: 'under' | 'over' | undefined;
  /** Loops 0: the node never ran (e.g. the other side of an empty join). */
  readonly neverExecuted: boolean;
  readonly buffers: Buffers | undefined;
  /** Rows the filter or join filter threw away (per loop). */
  readonly rowsRemoved: number | undefined;
}

export interface Buffers {
  sharedHit: number;
  sharedRead: number;
  sharedDirtied: number;
  sharedWritten: number;
  tempRead: number;
  tempWritten: number;
}

export interface PlanModel {
  readonly nodes: PlanNode[];
  /** True when the plan has actual times (EXPLAIN ANALYZE, timing on). */
  readonly analyzed: boolean;
  readonly planningMs: number | undefined;
  readonly executionMs: number | undefined;
  /** The root's inclusive time (analyzed) or total cost: what bars are scaled against. */
  readonly total: number;
  /** Trigger times (ANALYZE of a data-modifying statement). */
  readonly triggers: { name: string; relation: string | undefined; ms: number; calls: number }[];
  /** SETTINGS: the planner settings that differ from the default. */
  readonly settings: Record<string, string>;
  /** Every node id, the most expensive first (exclusive time, or exclusive cost without ANALYZE). */
  readonly ranking: number[];
}

/** Misestimates at least this big are highlighted. */
export const MISESTIMATE_HIGHLIGHT = 10;

type Json = Record<string, unknown>;

/**
 * Parses the text of EXPLAIN (FORMAT JSON): one top-level array holding one object with "Plan".
 * Throws an Error that says what was wrong when the text is anything else.
 */
export function parsePlan(text: string): PlanModel {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`The plan is not JSON (${(err as Error).message}). Run EXPLAIN with FORMAT JSON.`);
  }
  const top = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!isObject(top) || !isObject(top.Plan)) throw new Error('The plan has no "Plan" object: is this the output of EXPLAIN (FORMAT JSON)?');

  const nodes: PlanNode[] = [];
  const visit = (raw: Json, parentId: number | null, depth: number, parallel: number): number => {
    const id = nodes.length;
    const workers = num(raw['Workers Launched']) ?? num(raw['Workers Planned']);
    // Gather's own loops are the leader's; its children run in each worker and in the leader.
    const childParallel = (raw['Node Type'] === 'Gather' || raw['Node Type'] === 'Gather Merge') && workers !== undefined ? workers + 1 : parallel;
    const node = buildNode(raw, id, parentId, depth, parallel);
    nodes.push(node);
    const children = Array.isArray(raw.Plans) ? raw.Plans.filter(isObject) : [];
    for (const child of children) node.childIds.push(visit(child, id, depth + 1, childParallel));
    return id;
  };
  visit(top.Plan, null, 0, 1);

  const analyzed = nodes.some((n) => n.inclusiveMs !== undefined);
  for (const node of nodes) {
    const mutable = node as { exclusiveMs: number | undefined; exclusiveCost: number };
    const children = node.childIds.map((c) => nodes[c]);
    mutable.exclusiveCost = Math.max(0, node.totalCost - sum(children.map((c) => c.totalCost)));
    if (node.inclusiveMs !== undefined) mutable.exclusiveMs = Math.max(0, node.inclusiveMs - sum(children.map((c) => c.inclusiveMs ?? 0)));
  }
  const weight = (n: PlanNode): number => (analyzed ? (n.exclusiveMs ?? 0) : n.exclusiveCost);
  const ranking = nodes.map((n) => n.id).sort((a, b) => weight(nodes[b]) - weight(nodes[a]) || a - b);

  const triggers = (Array.isArray(top.Triggers) ? top.Triggers.filter(isObject) : []).map((t) => ({
    name: str(t['Trigger Name']) ?? 'trigger',
    relation: str(t.Relation),
    ms: num(t.Time) ?? 0,
    calls: num(t.Calls) ?? 0,
  }));
  const settings: Record<string, string> = {};
  if (isObject(top.Settings)) for (const [k, v] of Object.entries(top.Settings)) settings[k] = String(v);
  const root = nodes[0];
  return {
    nodes,
    analyzed,
    planningMs: num(top['Planning Time']),
    executionMs: num(top['Execution Time']),
    total: analyzed ? (root.inclusiveMs ?? 0) : root.totalCost,
    triggers,
    settings,
    ranking,
  };
}

function buildNode(raw: Json, id: number, parentId: number | null, depth: number, parallel: number): PlanNode & { childIds: number[] } {
  const nodeType = str(raw['Node Type']) ?? 'Node';
  const loops = num(raw['Actual Loops']);
  const perLoopMs = num(raw['Actual Total Time']);
  const actualRows = num(raw['Actual Rows']);
  const planRows = num(raw['Plan Rows']) ?? 0;
  const neverExecuted = loops === 0;
  const inclusiveMs = perLoopMs !== undefined && loops !== undefined ? (perLoopMs * loops) / Math.max(1, Math.min(parallel, loops)) : undefined;
  let misestimate: number | undefined;
  let misestimateDirection: 'under' | 'over' | undefined;
  if (actualRows !== undefined && !neverExecuted) {
    const actual = Math.max(1, actualRows);
    const estimated = Math.max(1, planRows);
    misestimate = Math.max(actual / estimated, estimated / actual);
    misestimateDirection = actual > estimated ? 'under' : actual < estimated ? 'over' : undefined;
  }
  const buffers = hasBuffers(raw)
    ? {
        sharedHit: num(raw['Shared Hit Blocks']) ?? 0,
        sharedRead: num(raw['Shared Read Blocks']) ?? 0,
        sharedDirtied: num(raw['Shared Dirtied Blocks']) ?? 0,
        sharedWritten: num(raw['Shared Written Blocks']) ?? 0,
        tempRead: num(raw['Temp Read Blocks']) ?? 0,
        tempWritten: num(raw['Temp Written Blocks']) ?? 0,
      }
    : undefined;
  const removed = (num(raw['Rows Removed by Filter']) ?? 0) + (num(raw['Rows Removed by Join Filter']) ?? 0) + (num(raw['Rows Removed by Index Recheck']) ?? 0);
  const relationship = [str(raw['Parent Relationship']), str(raw['Subplan Name'])].filter(Boolean).join(' ') || undefined;
  return {
    id,
    parentId,
    depth,
    childIds: [],
    nodeType,
    label: labelOf(raw, nodeType),
    relationship,
    details: detailsOf(raw),
    startupCost: num(raw['Startup Cost']) ?? 0,
    totalCost: num(raw['Total Cost']) ?? 0,
    exclusiveCost: 0,
    planRows,
    actualRows,
    loops,
    inclusiveMs,
    exclusiveMs: undefined,
    misestimate,
    misestimateDirection,
    neverExecuted,
    buffers,
    rowsRemoved: removed > 0 ? removed : undefined,
  };
}

/** The node's first line, close to what text EXPLAIN prints. */
function labelOf(raw: Json, nodeType: string): string {
  const parts: string[] = [];
  const strategy = str(raw.Strategy);
  const join = str(raw['Join Type']);
  if (nodeType === 'Aggregate' && strategy && strategy !== 'Plain') parts.push(`${strategy === 'Hashed' ? 'Hash' : strategy === 'Sorted' ? 'Group' : strategy} Aggregate`);
  else if (join && join !== 'Inner' && /Join|Nested Loop/.test(nodeType)) parts.push(`${nodeType.replace(' Join', '')} ${join} Join`);
  else if (nodeType === 'ModifyTable' && str(raw.Operation)) parts.push(str(raw.Operation) ?? nodeType);
  else parts.push(nodeType);
  const index = str(raw['Index Name']);
  if (index) parts.push(`using ${index}`);
  const relation = str(raw['Relation Name']);
  if (relation) {
    const schema = str(raw.Schema);
    const alias = str(raw.Alias);
    parts.push(`on ${schema ? `${schema}.` : ''}${relation}${alias && alias !== relation ? ` ${alias}` : ''}`);
  } else if (str(raw['CTE Name'])) {
    parts.push(`on ${str(raw['CTE Name'])}`);
  } else if (str(raw['Function Name'])) {
    parts.push(`on ${str(raw['Function Name'])}`);
  }
  return parts.join(' ');
}

const DETAIL_KEYS = ['Hash Cond', 'Merge Cond', 'Join Filter', 'Index Cond', 'Recheck Cond', 'Filter', 'Sort Key', 'Group Key', 'Sort Method', 'One-Time Filter'];

function detailsOf(raw: Json): string[] {
  const lines: string[] = [];
  for (const key of DETAIL_KEYS) {
    const value = raw[key];
    if (value === undefined) continue;
    lines.push(`${key}: ${Array.isArray(value) ? value.map(String).join(', ') : String(value)}`);
  }
  return lines;
}

function hasBuffers(raw: Json): boolean {
  return raw['Shared Hit Blocks'] !== undefined || raw['Shared Read Blocks'] !== undefined;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function sum(values: number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

/** "1.23 ms", "12.3 ms", "1.2 s" */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 1 : 2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(ms >= 1 ? 2 : 3)} ms`;
}

const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** "×12", "×1.5", "×12,345" */
export function formatFactor(factor: number): string {
  return `×${factor >= 10 ? INTEGER.format(Math.round(factor)) : factor.toFixed(1)}`;
}
