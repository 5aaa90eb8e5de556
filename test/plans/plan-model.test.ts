/**
 * The plan view's model and EXPLAIN runner against real servers: plans captured from PostgreSQL
 * (a join with a misestimate the planner cannot see, a parallel scan, a ~500-node UNION ALL, a
 * plan without ANALYZE), parsed into nodes with exclusive times, misestimate factors and a
 * ranking; EXPLAIN ANALYZE of an UPDATE rolled back (a transaction, or a savepoint inside the
 * user's own); the options each server version takes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PgPool } from '../../src/pool';
import type { Session } from '../../src/pool';
import { effectiveOptions, explainSql, optionsFor, rollbackWarning } from '../../src/extension/plans/explain-sql';
import { rollbackKindFor, runExplain, serverVersion, whyRollBack } from '../../src/extension/plans/run-explain';
import { MISESTIMATE_HIGHLIGHT, parsePlan } from '../../webview-plan/model/plan-model';
import type { PlanModel } from '../../webview-plan/model/plan-model';
import { startCluster } from '../harness/cluster';
import type { Cluster } from '../harness/cluster';
import { BIG_PLAN_BRANCHES, FORCE_PARALLEL, MISESTIMATE_QUERY, PARALLEL_QUERY, PLAN_FIXTURE, unionOfJoins } from './plan-fixtures';

let cluster: Cluster;
let pool: PgPool;
let sessions = 0;

before(async () => {
  cluster = await startCluster();
  await cluster.sql('CREATE DATABASE plans');
  await cluster.sql(PLAN_FIXTURE, [], 'plans');
  pool = await PgPool.open(cluster.config({ database: 'plans' }));
});

after(async () => {
  await pool?.close();
  await cluster?.stop();
});

function session(): Session {
  sessions += 1;
  return pool.session(`plan-test-${sessions}`);
}

/** Checks what holds for every plan: exclusive = inclusive - children (never below 0), ranking order. */
function checkInvariants(model: PlanModel, json: string): void {
  // One node per "Node Type" the server printed, in pre-order.
  assert.equal(model.nodes.length, (json.match(/"Node Type"/g) ?? []).length);
  for (const node of model.nodes) {
    for (const child of node.childIds) assert.equal(model.nodes[child].parentId, node.id);
    if (node.inclusiveMs !== undefined) {
      const children = node.childIds.reduce((s, c) => s + (model.nodes[c].inclusiveMs ?? 0), 0);
      assert.ok(Math.abs((node.exclusiveMs ?? -1) - Math.max(0, node.inclusiveMs - children)) < 1e-9, `exclusive time of node ${node.id}`);
    }
  }
  const weight = (id: number): number => (model.analyzed ? (model.nodes[id].exclusiveMs ?? 0) : model.nodes[id].exclusiveCost);
  assert.equal(model.ranking.length, model.nodes.length);
  for (let i = 1; i < model.ranking.length; i++) assert.ok(weight(model.ranking[i - 1]) >= weight(model.ranking[i]), 'slowest first');
}

describe('plan model on plans from a real server', () => {
  test('a join with a ×100 misestimate: times, rows, buffers, ranking', async () => {
    const s = session();
    const { json } = await runExplain(s, MISESTIMATE_QUERY, ['ANALYZE', 'BUFFERS'], undefined);
    const model = parsePlan(json);
    checkInvariants(model, json);
    assert.equal(model.analyzed, true);
    assert.ok(model.executionMs !== undefined && model.planningMs !== undefined);
    const scan = model.nodes.find((n) => n.label.includes('on public.corr') || n.label.includes('on corr'));
    assert.ok(scan, `a scan of corr in ${model.nodes.map((n) => n.label).join(', ')}`);
    assert.equal(scan.actualRows, 1000);
    assert.ok(scan.planRows <= 20, `the planner expects about 10 rows (${scan.planRows})`);
    assert.ok((scan.misestimate ?? 0) >= MISESTIMATE_HIGHLIGHT, `misestimate ${scan.misestimate}`);
    assert.equal(scan.misestimateDirection, 'under');
    assert.equal(scan.misestimate, 1000 / scan.planRows);
    assert.ok(scan.buffers && scan.buffers.sharedHit + scan.buffers.sharedRead > 0, 'the scan read blocks');
    assert.ok(scan.details.some((d) => d.startsWith('Filter: ')), 'the filter is shown');
    assert.equal(scan.rowsRemoved, 99_000);
    // Inclusive time: per-loop time × loops, as the server printed it.
    const raw = findRaw(JSON.parse(json)[0].Plan, scan.id);
    assert.equal(scan.inclusiveMs, raw['Actual Total Time'] * raw['Actual Loops']);
    assert.equal(model.total, model.nodes[0].inclusiveMs);
    await s.release();
  });

  test('a parallel scan: a worker node\'s loops are divided among the workers of its Gather', async () => {
    const s = session();
    for (const set of FORCE_PARALLEL) await s.execute(set);
    const { json } = await runExplain(s, PARALLEL_QUERY, ['ANALYZE'], undefined);
    const model = parsePlan(json);
    checkInvariants(model, json);
    const gatherIndex = model.nodes.findIndex((n) => n.nodeType === 'Gather');
    assert.ok(gatherIndex >= 0, `a Gather in ${model.nodes.map((n) => n.nodeType).join(', ')}`);
    const rawGather = findRaw(JSON.parse(json)[0].Plan, gatherIndex);
    const launched = rawGather['Workers Launched'] as number;
    const scan = model.nodes.find((n) => n.nodeType === 'Seq Scan' && n.depth > model.nodes[gatherIndex].depth);
    assert.ok(scan, 'a parallel seq scan under the Gather');
    const raw = findRaw(JSON.parse(json)[0].Plan, scan.id);
    assert.equal(raw['Actual Loops'], launched + 1);
    assert.ok(Math.abs((scan.inclusiveMs ?? 0) - raw['Actual Total Time']) < 1e-9, 'loops divided by workers + leader');
    await s.release();
  });

  test(`a UNION ALL of ${BIG_PLAN_BRANCHES} joins gives a ~500-node plan, parsed whole`, async () => {
    const s = session();
    const { json } = await runExplain(s, unionOfJoins(BIG_PLAN_BRANCHES), ['ANALYZE', 'BUFFERS'], undefined);
    const model = parsePlan(json);
    checkInvariants(model, json);
    assert.ok(model.nodes.length >= 450 && model.nodes.length <= 600, `${model.nodes.length} nodes`);
    assert.equal(model.nodes[0].nodeType, 'Append');
    assert.equal(model.nodes[0].childIds.length, BIG_PLAN_BRANCHES);
    assert.equal(Math.max(...model.nodes.map((n) => n.depth)) <= 4, true);
    await s.release();
  });

  test('an overestimate and a node that never ran', async () => {
    const s = session();
    // a < 50 AND b >= 50 never holds (a = b), the planner expects a quarter of the table.
    const over = parsePlan((await runExplain(s, 'SELECT * FROM corr c WHERE c.a < 50 AND c.b >= 50', ['ANALYZE'], undefined)).json);
    const scan = over.nodes.find((n) => n.nodeType.includes('Scan'));
    assert.ok(scan);
    assert.equal(scan.actualRows, 0);
    assert.equal(scan.misestimateDirection, 'over');
    assert.equal(scan.misestimate, scan.planRows, 'no rows counts as one');
    assert.ok(scan.planRows >= 1000);
    // The outer side finds nothing, so the inner side of the nested loop never runs.
    await s.execute('SET enable_hashjoin = off');
    await s.execute('SET enable_mergejoin = off');
    const { json } = await runExplain(s, "SELECT * FROM small s JOIN corr c ON c.id = s.id WHERE s.label = 'none'", ['ANALYZE'], undefined);
    const never = parsePlan(json);
    checkInvariants(never, json);
    const skipped = never.nodes.filter((n) => n.neverExecuted);
    assert.ok(skipped.length > 0, `a node never executed in ${never.nodes.map((n) => `${n.label} loops ${n.loops}`).join(', ')}`);
    for (const n of skipped) {
      assert.equal(n.loops, 0);
      assert.equal(n.inclusiveMs, 0);
      assert.equal(n.misestimate, undefined, 'no misestimate for a node that never ran');
    }
    await s.release();
  });

  test('without ANALYZE: costs only, ranked by exclusive cost', async () => {
    const s = session();
    const { json } = await runExplain(s, MISESTIMATE_QUERY, [], undefined);
    const model = parsePlan(json);
    checkInvariants(model, json);
    assert.equal(model.analyzed, false);
    assert.equal(model.executionMs, undefined);
    assert.ok(model.nodes.every((n) => n.inclusiveMs === undefined && n.misestimate === undefined));
    assert.equal(model.total, model.nodes[0].totalCost);
    const top = model.nodes[model.ranking[0]];
    assert.equal(top.exclusiveCost, Math.max(...model.nodes.map((n) => n.exclusiveCost)));
    await s.release();
  });

  test('text that is not a plan ends in an error that says what to run', () => {
    assert.throws(() => parsePlan('Seq Scan on t'), /not JSON.*FORMAT JSON/);
    assert.throws(() => parsePlan('[{"Query": 1}]'), /no "Plan" object/);
  });
});

describe('EXPLAIN ANALYZE of a statement that changes data', () => {
  const update = 'UPDATE counters SET n = n + 1 WHERE id = 1';
  const valueOf = async (): Promise<number> => (await cluster.sql<{ n: number }>('SELECT n FROM counters WHERE id = 1', [], 'plans'))[0].n;

  test('the parser says why it must be rolled back; a plain query needs nothing', async () => {
    assert.match((await whyRollBack(update)) ?? '', /UPDATE/);
    assert.match((await whyRollBack('WITH d AS (DELETE FROM counters RETURNING *) SELECT * FROM d')) ?? '', /DELETE/);
    assert.match((await whyRollBack('SELECT * INTO t2 FROM counters')) ?? '', /INTO/);
    assert.match((await whyRollBack('CREATE TABLE t3 AS SELECT 1')) ?? '', /CREATE TABLE AS/);
    assert.match((await whyRollBack('MERGE INTO counters c USING small s ON s.id = c.id WHEN MATCHED THEN UPDATE SET n = 0')) ?? '', /a MERGE/);
    assert.match((await whyRollBack('SELECT * FROM counters FOR UPDATE')) ?? '', /locks rows/);
    assert.equal(await whyRollBack('SELECT * FROM counters'), undefined);
  });

  test('outside a transaction: BEGIN ... ROLLBACK, the row unchanged, no transaction left open', async () => {
    const s = session();
    const before = await valueOf();
    const how = rollbackKindFor(s);
    assert.equal(how, 'transaction');
    const ran = await runExplain(s, update, ['ANALYZE'], how);
    assert.equal(ran.rolledBack, 'transaction');
    const model = parsePlan(ran.json);
    assert.equal(model.nodes[0].label, 'Update on public.counters'.replace('public.', ''));
    assert.equal(await valueOf(), before, 'a separate client sees the row unchanged');
    assert.equal(s.info().txStatus, 'idle');
    await s.release();
  });

  test('inside the user\'s transaction: a savepoint, so the user\'s own change and transaction stay', async () => {
    const s = session();
    const before = await valueOf();
    await s.execute('BEGIN');
    await s.execute('UPDATE counters SET n = n + 100 WHERE id = 2');
    const how = rollbackKindFor(s);
    assert.equal(how, 'savepoint');
    await runExplain(s, update, ['ANALYZE'], how);
    assert.equal(s.info().txStatus, 'inTransaction', 'the user\'s transaction is still open');
    const mine = await s.execute('SELECT (SELECT n FROM counters WHERE id = 1), (SELECT n FROM counters WHERE id = 2)');
    assert.ok(mine.kind === 'rows');
    assert.deepEqual(mine.page.rows[0], [String(before), '120'], 'the EXPLAINed update is undone, the user\'s is not');
    await s.execute('ROLLBACK');
    await s.release();
  });

  test('a statement that fails inside the savepoint leaves the user\'s transaction usable', async () => {
    const s = session();
    await s.execute('BEGIN');
    await assert.rejects(runExplain(s, 'UPDATE counters SET n = n / 0', ['ANALYZE'], 'savepoint'), /division by zero/);
    assert.equal(s.info().txStatus, 'inTransaction');
    await s.execute('SELECT 1');
    await s.execute('ROLLBACK');
    await s.release();
  });

  test('a failed transaction is refused with what to do', async () => {
    const s = session();
    await s.execute('BEGIN');
    await assert.rejects(s.execute('SELECT 1 / 0'));
    assert.throws(() => rollbackKindFor(s), /roll it back/);
    await s.execute('ROLLBACK');
    await s.release();
  });

  test('the modal names the statement kind and how it is undone', async () => {
    const reason = (await whyRollBack(update)) ?? '';
    const outside = rollbackWarning(reason, 'transaction');
    assert.equal(outside.message, 'EXPLAIN ANALYZE runs the statement for real: it is an UPDATE.');
    assert.match(outside.detail, /BEGIN \.\.\. ROLLBACK/);
    assert.match(rollbackWarning(reason, 'savepoint').detail, /SAVEPOINT.*your open transaction stays/);
  });
});

describe('EXPLAIN options per server version', () => {
  test('SETTINGS needs 12, WAL needs 13, and each says why', () => {
    const on11 = optionsFor(110022);
    assert.match(on11.find((o) => o.option === 'SETTINGS')?.unavailable ?? '', /PostgreSQL 12 or later \(this server is 11\.22\)/);
    assert.match(on11.find((o) => o.option === 'WAL')?.unavailable ?? '', /PostgreSQL 13 or later/);
    const on12 = optionsFor(120022);
    assert.equal(on12.find((o) => o.option === 'SETTINGS')?.unavailable, undefined);
    assert.match(on12.find((o) => o.option === 'WAL')?.unavailable ?? '', /13 or later \(this server is 12\.22\)/);
    assert.ok(optionsFor(170000).every((o) => o.unavailable === undefined));
  });

  test('what a server cannot take is dropped; WAL goes with ANALYZE only', () => {
    assert.deepEqual(effectiveOptions(['BUFFERS', 'WAL', 'SETTINGS'], 120000, true), ['ANALYZE', 'BUFFERS', 'SETTINGS']);
    assert.deepEqual(effectiveOptions(['WAL', 'VERBOSE'], 170000, false), ['VERBOSE']);
    assert.equal(explainSql('select 1;  \n', ['ANALYZE', 'BUFFERS']), 'EXPLAIN (FORMAT JSON, ANALYZE, BUFFERS) select 1');
  });

  test('PostgreSQL 12 takes SETTINGS; the session reports its version', { timeout: 60_000 }, async () => {
    const old = await startCluster({ major: 12 });
    const oldPool = await PgPool.open(old.config());
    try {
      const s = oldPool.session('v12');
      const version = await serverVersion(s);
      assert.equal(Math.floor(version.num / 10000), 12);
      const options = effectiveOptions(['BUFFERS', 'SETTINGS', 'WAL'], version.num, true);
      assert.deepEqual(options, ['ANALYZE', 'BUFFERS', 'SETTINGS']);
      await s.execute('SET work_mem = $$7MB$$');
      const model = parsePlan((await runExplain(s, 'SELECT 1', options, undefined)).json);
      assert.equal(model.settings.work_mem, '7MB');
      await s.release();
    } finally {
      await oldPool.close();
      await old.stop();
    }
  });

  test('WAL on the main server: an INSERT rolled back still reports its WAL', async () => {
    const s = session();
    const options = effectiveOptions(['WAL'], (await serverVersion(s)).num, true);
    const { json } = await runExplain(s, "INSERT INTO small VALUES (1000, 'x')", options, 'transaction');
    assert.match(json, /"WAL Records": [1-9]/);
    assert.equal((await cluster.sql('SELECT 1 FROM small WHERE id = 1000', [], 'plans')).length, 0);
    await s.release();
  });
});

/** The raw JSON node with pre-order index `index`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function findRaw(root: any, index: number): any {
  let at = 0;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const walk = (node: any): any => {
    if (at === index) return node;
    at += 1;
    for (const child of node.Plans ?? []) {
      const found = walk(child);
      if (found) return found;
    }
    return undefined;
  };
  return walk(root);
}
