/**
 * The query history keeps no secrets and stays bounded: statements that set or carry a password
 * are stored with it removed (PostgreSQL's parser finds them), and an entry's size and a
 * profile's total are capped. The store runs over a plain in-memory state here (the same
 * get/update surface as vscode.Memento); the statements come from real syntax, and what was
 * redacted still parses where it did.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseSync } from 'libpg-query';
import { HISTORY_LIMIT, MAX_ENTRY_CHARS, MAX_TOTAL_CHARS, QueryHistory } from '../../src/extension/history/history-store';
import type { HistoryState } from '../../src/extension/history/history-store';

const SECRET = 'Tr0ub4dor&3-secret';

class MemoryState implements HistoryState {
  readonly values = new Map<string, unknown>();
  get<T>(key: string, defaultValue: T): T {
    return (this.values.has(key) ? this.values.get(key) : defaultValue) as T;
  }
  update(key: string, value: unknown): Promise<void> {
    this.values.set(key, structuredClone(value));
    return Promise.resolve();
  }
  /** Everything stored, as VS Code would write it to its state database. */
  dump(): string {
    return JSON.stringify([...this.values]);
  }
}

async function stored(sql: string): Promise<string> {
  const state = new MemoryState();
  const history = new QueryHistory(state);
  await history.add('p', [{ sql, database: 'db', ranAt: 0, ok: true }]);
  assert.ok(!state.dump().includes(SECRET.slice(0, 10)), `the secret was kept: ${state.dump()}`);
  return history.list('p')[0].sql;
}

describe('history keeps no secrets', () => {
  const cases = [
    `CREATE ROLE app LOGIN PASSWORD '${SECRET}'`,
    `create user app with encrypted password '${SECRET}' valid until '2030-01-01'`,
    `ALTER ROLE app WITH PASSWORD E'${SECRET}\\''`,
    `ALTER USER "App" PASSWORD $pw$${SECRET}$pw$`,
    `CREATE USER MAPPING FOR app SERVER remote OPTIONS (user 'app', password '${SECRET}')`,
    `ALTER USER MAPPING FOR app SERVER remote OPTIONS (SET password '${SECRET}')`,
    `SELECT dblink_connect('conn', 'host=remote dbname=db user=app password=${SECRET}')`,
    `SELECT dblink_connect('conn', 'host=remote password=''${SECRET} with space'' user=app')`,
    `SELECT * FROM dblink('postgresql://app:${SECRET}@remote/db', 'SELECT 1') AS t(x int)`,
    `CREATE SUBSCRIPTION s CONNECTION 'host=remote password=${SECRET}' PUBLICATION p`,
    `DO $$ BEGIN EXECUTE 'CREATE ROLE x PASSWORD ''${SECRET}'''; END $$`,
    // Does not parse (typo): the scanner still finds the literal after PASSWORD.
    `CRATE ROLE app PASSWORD '${SECRET}'`,
  ];
  for (const sql of cases) {
    test(sql.replace(SECRET, '<secret>'), async () => {
      const kept = await stored(sql);
      assert.match(kept, /password redacted|<redacted>/);
    });
  }

  test('the statement stays recognisable and no longer runs as it was', async () => {
    const kept = await stored(`CREATE ROLE app LOGIN PASSWORD '${SECRET}' VALID UNTIL '2030-01-01'`);
    assert.equal(kept, "CREATE ROLE app LOGIN PASSWORD /* password redacted */ VALID UNTIL '2030-01-01'");
    assert.throws(() => parseSync(kept), /syntax error/);
  });

  test('statements without a secret are kept as they were, PASSWORD NULL included', async () => {
    for (const sql of ["SELECT 'password'", 'ALTER ROLE app PASSWORD NULL', "SELECT 'é', 1; -- é"]) {
      const state = new MemoryState();
      const history = new QueryHistory(state);
      await history.add('p', [{ sql, database: 'db', ranAt: 0, ok: true }]);
      assert.equal(history.list('p')[0].sql, sql);
    }
  });

  test('offsets after multi-byte text are right', async () => {
    assert.equal(await stored(`SELECT 'ünïcødé'; ALTER ROLE app PASSWORD '${SECRET}'`), "SELECT 'ünïcødé'; ALTER ROLE app PASSWORD /* password redacted */");
  });
});

describe('history is bounded', () => {
  test('a huge statement is cut, saying how long it was', async () => {
    const sql = `INSERT INTO t VALUES ${Array.from({ length: 20_000 }, (_, i) => `(${i})`).join(', ')}`;
    const history = new QueryHistory(new MemoryState());
    await history.add('p', [{ sql, database: 'db', ranAt: 0, ok: true }]);
    const kept = history.list('p')[0].sql;
    assert.ok(kept.length <= MAX_ENTRY_CHARS, String(kept.length));
    assert.match(kept, new RegExp(`cut by the history: ${sql.length} characters in all$`));
  });

  test("a profile's history keeps the newest entries within the count and the total size", async () => {
    const history = new QueryHistory(new MemoryState());
    const big = (n: number): string => `SELECT ${n} /* ${'x'.repeat(MAX_ENTRY_CHARS - 40)} */`;
    for (let n = 0; n < 80; n += 1) await history.add('p', [{ sql: big(n), database: 'db', ranAt: n, ok: true }]);
    const entries = history.list('p');
    const total = entries.reduce((sum, e) => sum + e.sql.length, 0);
    assert.ok(total <= MAX_TOTAL_CHARS, String(total));
    assert.equal(entries[0].ranAt, 79);
    assert.ok(entries.length < 80 && entries.length >= MAX_TOTAL_CHARS / MAX_ENTRY_CHARS - 1);

    const small = new QueryHistory(new MemoryState());
    await small.add('p', Array.from({ length: HISTORY_LIMIT + 20 }, (_, n) => ({ sql: `SELECT ${n}`, database: 'db', ranAt: n, ok: true })));
    assert.equal(small.list('p').length, HISTORY_LIMIT);
    assert.equal(small.list('p')[0].sql, `SELECT ${HISTORY_LIMIT + 19}`);
  });
});

describe('history redacts what it keeps of a long statement', () => {
  test('a password before the cut is removed; the statement is not parsed whole', async () => {
    const sql = `ALTER ROLE app PASSWORD '${SECRET}'; SELECT ${'1 + '.repeat(50_000)}1`;
    const kept = await stored(sql);
    assert.ok(kept.startsWith('ALTER ROLE app PASSWORD /* password redacted */;'), kept.slice(0, 80));
    assert.ok(kept.length <= MAX_ENTRY_CHARS);
  });

  test('a cut inside a string that may hold a password keeps nothing of it', async () => {
    const sql = `SELECT dblink_connect('c', 'password=${SECRET}${'x'.repeat(30_000)}')`;
    assert.match(await stored(sql), /not kept in the history|<redacted>/);
  });
});
