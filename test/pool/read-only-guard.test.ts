/**
 * Read-only profiles are enforced, not advisory (issue 11, item 9): the pool refuses, before
 * sending, every statement that would turn read-only off, and the session stays read-only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PgPool } from '../../src/pool';
import type { ExecutionOutcome, PgConfig } from '../../src/pool';
import { toPgConfig } from '../../src/extension/profiles/profile';
import { startCluster, SUPERUSER_PASSWORD } from '../harness/cluster';
import { rejectsWith } from '../harness/expect';
import type { Cluster } from '../harness/cluster';

let cluster: Cluster;
let readOnly: PgPool;
let writable: PgPool;

/** The pool's config for a read-only profile, built the way the extension builds it. */
function readOnlyConfig(): PgConfig {
  const base = cluster.config();
  return toPgConfig(
    { id: 'ro', name: 'ro', host: base.host, port: base.port, database: base.database, user: base.user, auth: 'password', readOnly: true },
    base.database,
    { password: SUPERUSER_PASSWORD },
  );
}

before(async () => {
  cluster = await startCluster();
  await cluster.sql('CREATE TABLE numbers (n int PRIMARY KEY)');
  await cluster.sql('INSERT INTO numbers SELECT generate_series(1, 10)');
  await cluster.sql('CREATE ROLE reader');
  await cluster.sql('GRANT SELECT ON numbers TO reader');
  readOnly = await PgPool.open(readOnlyConfig());
  writable = await PgPool.open(cluster.config());
});

after(async () => {
  await Promise.all([readOnly?.close(), writable?.close()]);
  await cluster.stop();
});

function firstValue(outcome: ExecutionOutcome): string | null {
  assert.equal(outcome.kind, 'rows', `expected rows, got ${outcome.kind}`);
  return (outcome as Extract<ExecutionOutcome, { kind: 'rows' }>).page.rows[0][0];
}

/** What a user sees when trying to write: the server's 25006, because the session is still read-only. */
async function assertStillReadOnly(session: string): Promise<void> {
  const error = await rejectsWith(readOnly.execute(session, 'INSERT INTO numbers VALUES (1000)'), 'query');
  assert.equal(error.code, '25006', error.message);
  await readOnly.execute(session, 'ROLLBACK');
  assert.equal(firstValue(await readOnly.execute(session, 'SHOW default_transaction_read_only')), 'on');
  assert.equal(firstValue(await readOnly.execute(session, 'SHOW transaction_read_only')), 'on');
}

interface Escape {
  sql: string;
  /** Statements run first in the same session (e.g. BEGIN, for the transaction-level settings). */
  before?: string[];
  says: RegExp;
}

const ESCAPES: Escape[] = [
  { sql: 'SET default_transaction_read_only = off', says: /read-only: SET default_transaction_read_only = off would turn that off\. Edit the connection to make it writable\./ },
  { sql: "SET SESSION default_transaction_read_only TO 'false'", says: /SET default_transaction_read_only = false would turn that off/ },
  { sql: 'SET LOCAL default_transaction_read_only = 0', before: ['BEGIN'], says: /SET LOCAL default_transaction_read_only = 0 would turn that off/ },
  { sql: 'SET "Default_Transaction_Read_Only" = no', says: /SET default_transaction_read_only = no would turn that off/ },
  { sql: 'SET transaction_read_only = off', before: ['BEGIN'], says: /SET transaction_read_only = off would turn that off/ },
  { sql: 'SET LOCAL transaction_read_only TO off', before: ['BEGIN'], says: /SET LOCAL transaction_read_only = off would turn that off/ },
  { sql: 'SET default_transaction_read_only TO DEFAULT', says: /SET default_transaction_read_only TO DEFAULT would reset it/ },
  { sql: 'RESET default_transaction_read_only', says: /RESET default_transaction_read_only would reset it, and only the connection settings may change it/ },
  // Before PostgreSQL 16 this one makes the open transaction read-write.
  { sql: 'RESET transaction_read_only', before: ['BEGIN'], says: /RESET transaction_read_only would reset it/ },
  { sql: 'RESET ALL', says: /RESET ALL would reset every setting of the session, read-only included/ },
  { sql: 'DISCARD ALL', says: /DISCARD ALL would reset every setting of the session, read-only included/ },
  { sql: 'BEGIN READ WRITE', says: /BEGIN READ WRITE would start a read-write transaction/ },
  { sql: 'BEGIN ISOLATION LEVEL SERIALIZABLE, READ WRITE', says: /BEGIN READ WRITE would start a read-write transaction/ },
  { sql: 'START TRANSACTION READ WRITE', says: /START TRANSACTION READ WRITE would start a read-write transaction/ },
  { sql: 'SET TRANSACTION READ WRITE', before: ['BEGIN'], says: /SET TRANSACTION READ WRITE would make the transaction read-write/ },
  { sql: 'SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE', says: /SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE would make the session's transactions read-write/ },
  { sql: "SELECT set_config('default_transaction_read_only', 'off', false)", says: /set_config\('default_transaction_read_only', …\) would turn that off/ },
  { sql: "SELECT pg_catalog.SET_CONFIG('Transaction_Read_Only', 'off', true)", before: ['BEGIN'], says: /set_config\('transaction_read_only', …\) would turn that off/ },
  { sql: "SELECT n FROM numbers WHERE set_config('default_transaction_read_only', 'off', false) IS NOT NULL", says: /set_config\('default_transaction_read_only', …\)/ },
  { sql: "WITH x AS (SELECT set_config('default_transaction_read_only'::text, 'off', false)) SELECT * FROM x", says: /set_config\('default_transaction_read_only', …\)/ },
  { sql: "SELECT * FROM set_config(new_value => 'off', setting_name => 'default_transaction_read_only', is_local => false)", says: /set_config\('default_transaction_read_only', …\)/ },
  { sql: "SELECT set_config('default_transaction_' || 'read_only', 'off', false)", says: /set_config\(\) with a setting name that is not a constant/ },
  { sql: "SELECT set_config(name, 'off', false) FROM (VALUES ('default_transaction_read_only')) AS v(name)", says: /set_config\(\) with a setting name that is not a constant/ },
  { sql: 'SET SESSION AUTHORIZATION reader', says: /SET SESSION AUTHORIZATION would make the session act as another login role/ },
  { sql: 'ALTER SYSTEM SET default_transaction_read_only = off', says: /ALTER SYSTEM would change the server's configuration file/ },
  { sql: 'SELECT 1; SET default_transaction_read_only = off', says: /SET default_transaction_read_only = off would turn that off/ },
  // A DO block's PL/pgSQL is parsed and checked statement by statement, expression by expression.
  { sql: 'DO $$BEGIN SET default_transaction_read_only = off; END$$', says: /SET default_transaction_read_only = off inside DO would turn that off/ },
  { sql: "DO $do$DECLARE v text := set_config('default_transaction_read_only', 'off', false); BEGIN END$do$", says: /set_config\('default_transaction_read_only', …\) inside DO would turn that off/ },
  { sql: "DO $$DECLARE a text[]; BEGIN a[1] := pg_catalog.set_config('transaction_read_only', 'off', true); END$$", before: ['BEGIN'], says: /set_config\('transaction_read_only', …\) inside DO/ },
  { sql: "DO $$BEGIN IF set_config('default_transaction_read_only', 'off', false) = 'off' THEN NULL; END IF; END$$", says: /set_config\('default_transaction_read_only', …\) inside DO/ },
  { sql: "DO $$BEGIN EXECUTE 'SET default_transaction_read_only = off'; END$$", says: /SET default_transaction_read_only = off inside DO would turn that off/ },
  { sql: "DO $$BEGIN EXECUTE 'SET default_' || 'transaction_read_only = off'; END$$", says: /EXECUTE of a statement built at run time inside DO would be able to turn it off unseen/ },
  { sql: "DO LANGUAGE plperl $$ spi_exec_query('SET default_transaction_read_only = off') $$", says: /DO in LANGUAGE plperl would run code whose statements cannot be checked/ },
];

describe('a read-only profile', () => {
  test('the profile makes a read-only pool config', () => {
    const config = readOnlyConfig();
    assert.equal(config.readOnly, true);
    assert.deepEqual(config.startupSettings, { default_transaction_read_only: 'on' });
  });

  for (const escape of ESCAPES) {
    test(`refuses ${escape.before ? `${escape.before.join('; ')}; ` : ''}${escape.sql}`, async () => {
      const session = `escape:${escape.sql}`;
      try {
        for (const sql of escape.before ?? []) await readOnly.execute(session, sql);
        const error = await rejectsWith(readOnly.execute(session, escape.sql), 'readOnly', escape.says);
        assert.equal(error.code, undefined, 'refused by the pool, not by the server');
        await assertStillReadOnly(session);
      } finally {
        await readOnly.releaseSession(session);
      }
    });
  }

  test('finds an escape in a statement nested deeper than the JS stack would walk', async () => {
    const sql = `SELECT ${'1 + '.repeat(5000)}1, set_config('default_transaction_read_only', 'off', false)`;
    await rejectsWith(readOnly.execute('deep', sql), 'readOnly', /set_config\('default_transaction_read_only', …\) would turn that off/);
    await assertStillReadOnly('deep');
    await readOnly.releaseSession('deep');
  });

  test('points at what it refused, in characters, in the statement of a multi-statement string', async () => {
    const sql = "SELECT 'größe'; SELECT set_config('default_transaction_read_only', 'off', false)";
    const error = await rejectsWith(readOnly.execute('position', sql), 'readOnly');
    assert.equal(error.position, sql.indexOf('set_config') + 1);
    await readOnly.releaseSession('position');
  });

  test('still runs reads and every setting that keeps it read-only', async () => {
    const s = 'allowed';
    assert.equal(firstValue(await readOnly.execute(s, 'SELECT count(*) FROM numbers')), '10');
    await readOnly.execute(s, 'SET search_path = public');
    await readOnly.execute(s, 'RESET search_path');
    await readOnly.execute(s, 'SET default_transaction_read_only = on');
    await readOnly.execute(s, "SET SESSION default_transaction_read_only TO 'true'");
    await readOnly.execute(s, 'BEGIN READ ONLY');
    await readOnly.execute(s, 'SET TRANSACTION READ ONLY');
    await readOnly.execute(s, 'SET transaction_read_only = on');
    assert.equal(firstValue(await readOnly.execute(s, 'SELECT max(n) FROM numbers')), '10');
    await readOnly.execute(s, 'COMMIT');
    await readOnly.execute(s, 'START TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await readOnly.execute(s, 'COMMIT');
    await readOnly.execute(s, 'SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
    await readOnly.execute(s, 'DISCARD PLANS');
    // SET ROLE never turns read-only off: it only narrows (or widens, within the login's
    // memberships) what the session may touch, and the session stays read-only.
    await readOnly.execute(s, 'SET ROLE reader');
    assert.equal(firstValue(await readOnly.execute(s, 'SELECT current_user')), 'reader');
    await readOnly.execute(s, 'RESET ROLE');
    await readOnly.execute(s, 'RESET SESSION AUTHORIZATION');
    assert.equal(firstValue(await readOnly.execute(s, "SELECT set_config('search_path', 'public', false)")), 'public');
    assert.equal(firstValue(await readOnly.execute(s, "SELECT set_config('default_transaction_read_only', 'on', false)")), 'on');
    // Mentions in literals and comments are not calls.
    assert.equal(
      firstValue(await readOnly.execute(s, "SELECT 'set_config(''default_transaction_read_only'', ''off'', false)' -- SET default_transaction_read_only = off")),
      "set_config('default_transaction_read_only', 'off', false)",
    );
    // A DO block whose statements keep read-only on runs.
    await readOnly.execute(
      s,
      "DO $$DECLARE n bigint; BEGIN SELECT count(*) INTO n FROM numbers; EXECUTE 'SELECT 1'; " +
        "PERFORM set_config('search_path', 'public', false); RAISE NOTICE 'n=%', n; END$$",
    );
    await assertStillReadOnly(s);
    await readOnly.releaseSession(s);
  });

  test('leaves text that does not parse to the server, which says what is wrong', async () => {
    const error = await rejectsWith(readOnly.execute('syntax', 'SELEC 1'), 'query');
    assert.equal(error.code, '42601');
    await readOnly.releaseSession('syntax');
  });
});

describe('a read-only profile on PostgreSQL 13', () => {
  let old: Cluster;
  let pool: PgPool;
  before(async () => {
    old = await startCluster({ major: 13 });
    pool = await PgPool.open(old.config({ readOnly: true, startupSettings: { default_transaction_read_only: 'on' } }));
  });
  after(async () => {
    await pool?.close();
    await old?.stop();
  });

  test('refuses what the parser cannot read but the server runs, when it names a read-only setting', async () => {
    // Postfix operators went away in PostgreSQL 14: the parser (18) rejects this, PostgreSQL 13 runs it.
    const sql = "SELECT set_config('default_transaction_read_only', 'off', false), 5 !";
    await rejectsWith(pool.execute('s', sql), 'readOnly', /parser cannot read and that mentions set_config would go unchecked/);
    assert.equal(firstValue(await pool.execute('s', 'SHOW default_transaction_read_only')), 'on');
    // What names none of them goes to the server as before.
    assert.equal(firstValue(await pool.execute('s', 'SELECT 5 !')), '120');
    await pool.releaseSession('s');
  });
});

describe("the server-side read-only role the README describes", () => {
  test('cannot write even when its session turns read-only off', async () => {
    await cluster.sql("CREATE ROLE reporting LOGIN PASSWORD 'reporting-pw'");
    await cluster.sql('GRANT pg_read_all_data TO reporting');
    await cluster.sql('ALTER ROLE reporting SET default_transaction_read_only = on');
    // A writable profile (no client-side guard) logged in as that role.
    const pool = await PgPool.open(cluster.config({ user: 'reporting', auth: { kind: 'password', password: 'reporting-pw' } }));
    try {
      assert.equal(firstValue(await pool.execute('r', 'SHOW default_transaction_read_only')), 'on');
      assert.equal(firstValue(await pool.execute('r', 'SELECT count(*) FROM numbers')), '10');
      await pool.execute('r', 'SET default_transaction_read_only = off');
      const insert = await rejectsWith(pool.execute('r', 'INSERT INTO numbers VALUES (3000)'), 'query');
      assert.equal(insert.code, '42501', insert.message);
      const create = await rejectsWith(pool.execute('r', 'CREATE TABLE public.mine (x int)'), 'query');
      assert.equal(create.code, '42501', create.message);
    } finally {
      await pool.close();
    }
  });
});

describe('a writable profile', () => {
  test('is unaffected: what a read-only profile refuses runs as before', async () => {
    const s = 'writable';
    assert.equal(writable.config.readOnly, undefined);
    await writable.execute(s, 'SET default_transaction_read_only = on');
    await writable.execute(s, 'SET default_transaction_read_only = off');
    await writable.execute(s, 'RESET ALL');
    await writable.execute(s, 'BEGIN READ WRITE');
    await writable.execute(s, 'SET TRANSACTION READ WRITE');
    await writable.execute(s, 'INSERT INTO numbers VALUES (2000)');
    await writable.execute(s, 'ROLLBACK');
    assert.equal(firstValue(await writable.execute(s, "SELECT set_config('default_transaction_read_only', 'off', false)")), 'off');
    await writable.execute(s, 'DISCARD ALL');
    await writable.releaseSession(s);
  });

});
