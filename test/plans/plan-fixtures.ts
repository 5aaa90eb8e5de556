/**
 * Tables and queries whose plans the plan tests capture from a real server: a misestimate the
 * planner cannot see (two correlated columns), a parallel scan, and a plan of about 500 nodes.
 */

/** Loaded into a fresh database; ANALYZEd so the estimates are the planner's real ones. */
export const PLAN_FIXTURE = `
CREATE TABLE corr (id int PRIMARY KEY, a int NOT NULL, b int NOT NULL, note text);
INSERT INTO corr SELECT g, g % 100, g % 100, 'note ' || g FROM generate_series(1, 100000) g;
CREATE TABLE small (id int PRIMARY KEY, label text);
INSERT INTO small SELECT g, 'label ' || g FROM generate_series(1, 20) g;
CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL);
INSERT INTO counters VALUES (1, 10), (2, 20);
ANALYZE;
`;

/**
 * a and b are equal in every row, so a = 1 AND b = 1 matches 1,000 rows; the planner multiplies
 * the two selectivities (1/100 each) and expects 10: a misestimate of ×100.
 */
export const MISESTIMATE_QUERY = 'SELECT c.id, s.label FROM corr c JOIN small s ON s.id = c.id % 20 + 1 WHERE c.a = 1 AND c.b = 1';

/** Settings that make the planner choose a Gather over a Parallel Seq Scan even for a small table. */
export const FORCE_PARALLEL = [
  'SET parallel_setup_cost = 0',
  'SET parallel_tuple_cost = 0',
  'SET min_parallel_table_scan_size = 0',
  'SET max_parallel_workers_per_gather = 2',
];
export const PARALLEL_QUERY = 'SELECT count(*) FROM corr WHERE note LIKE $$note 1%$$';

/**
 * A UNION ALL of `branches` joins of two small tables: each branch is a Hash Join over a Seq Scan
 * and a Hash of a Seq Scan (4 nodes), under one Append: 4 × branches + 1 nodes (the tests check
 * that count against the server's JSON, since another server version could plan it otherwise).
 */
export function unionOfJoins(branches: number): string {
  const parts: string[] = [];
  for (let i = 0; i < branches; i++) {
    parts.push(`SELECT x.id, y.label FROM small x JOIN small y ON y.id = x.id WHERE x.label <> 'branch ${i}'`);
  }
  return parts.join('\nUNION ALL\n');
}

/** Branches that give about 500 nodes. */
export const BIG_PLAN_BRANCHES = 125;
