/**
 * psql is the oracle: every script in test/fixtures/splitter runs through Debian's psql against
 * a throwaway cluster that logs every statement it receives (log_statement = all, JSON log),
 * and what psql sent must be what our splitter says it would send, in order.
 *
 * Normalised on both sides: whitespace runs become one space, the terminating `;` (psql sends
 * it, we do not; with the empty statements after it) and spaces before a `;` (our `\;` reads
 * ` ;`) are dropped. A query that is only comments (psql sends `/* x *\/;`, we skip it: it does
 * nothing) is left out of psql's side. The meta-commands used here (\set, \echo, \pset, \i,
 * \!, \h, ...) send nothing to the server themselves; \copy and \gdesc do (psql's own queries),
 * so test/splitter.test.ts covers them instead.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scanSync } from 'libpg-query';
import { loadScanner } from '../src/extension/sql/scanner';
import { splitScript } from '../src/extension/sql/splitter';
import type { SplitOptions } from '../src/extension/sql/splitter';
import { ALL_MAJORS, startCluster, SUPERUSER, SUPERUSER_PASSWORD } from './harness/cluster';
import type { Cluster, Major } from './harness/cluster';

const PSQL = '/usr/bin/psql';
const PG_DUMP = '/usr/bin/pg_dump';
/** The cluster runs the major of Debian's pg_dump (15 on Debian 12): it dumps no newer server. */
function clientMajor(): Major {
  const version = spawnSync(PG_DUMP, ['--version'], { encoding: 'utf8' }).stdout;
  const major = Number(/\) (\d+)/.exec(version)?.[1]);
  const known = ALL_MAJORS.find((m) => m === major);
  assert.ok(known, `pg_dump ${version.trim()} is of no major the harness has (${ALL_MAJORS.join(', ')})`);
  return known;
}

/** A schema nobody would split by hand: what pg_dump writes for it is the script. */
const DUMPED_SCHEMA = `
create schema "we;ird";
create table "we;ird".t (id int primary key, note text default 'a;b', raw bytea, tags text[]);
comment on table "we;ird".t is 'it''s; a comment with /* no comment */ and -- no dash';
insert into "we;ird".t values
  (1, E'tab\\there; and \\\\ backslash', '\\x00ff', '{"x;y","\\\\."}'),
  (2, '\\.', null, '{}'),
  (3, 'line
break', null, null);
create function "we;ird".f(x int) returns int language plpgsql as $body$
begin
  raise notice 'f; %', $q$;$q$;
  return x + 1;
end;
$body$;
create function "we;ird".g(x int) returns int language sql
begin atomic
  select case when x > 0 then x else -x end;
end;
create view "we;ird".v as select id, note || ';' as n from "we;ird".t;
create rule r as on insert to "we;ird".v do instead (insert into "we;ird".t (id) values (new.id); select 1);
`;
const FIXTURES = path.join(__dirname, 'fixtures', 'splitter');

/** Scripts that need the session's settings changed, with what psql connects with. */
const SETTINGS: Record<string, { pgOptions: string; split: SplitOptions }> = {
  'standard-strings-off.sql': { pgOptions: '-c standard_conforming_strings=off', split: { standardConformingStrings: false } },
};

const normalise = (sql: string): string =>
  sql
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\s;]*$/, '')
    .replace(/ ;/g, ';');

/** What our splitter says psql sends for a script, in order. */
function ourQueries(script: string, options: SplitOptions): string[] {
  return splitScript(script, options)
    .filter((e) => e.kind === 'statement')
    .map((e) => normalise(e.text));
}

/** True when PostgreSQL's scanner finds nothing in `sql` but comments and semicolons. */
function onlyComments(sql: string): boolean {
  try {
    return scanSync(sql).tokens.every((t) => t.tokenName === 'SQL_COMMENT' || t.tokenName === 'C_COMMENT' || t.tokenName === 'ASCII_59');
  } catch {
    return false;
  }
}

interface LogRecord {
  application_name?: string;
  error_severity?: string;
  message?: string;
  statement?: string;
}

describe('the splitter against psql', () => {
  let cluster: Cluster;
  let logFile: string;

  before(async () => {
    await loadScanner();
    cluster = await startCluster({
      major: clientMajor(),
      settings: {
        log_statement: "'all'",
        log_disconnections: 'on',
        logging_collector: 'on',
        log_destination: "'jsonlog'",
        log_directory: "'log'",
        log_filename: "'server.log'",
      },
    });
    logFile = path.join(cluster.dataDir, 'log', 'server.json');
  });
  after(() => cluster?.stop());

  /** The queries psql sent in the session named `app`: logged ones, and ones refused at parse. */
  async function queriesSentBy(app: string): Promise<string[]> {
    let records: LogRecord[] = [];
    // The collector writes asynchronously: wait for the session's disconnection record.
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
      records = text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as LogRecord)
        .filter((r) => r.application_name === app);
      if (records.some((r) => r.message?.startsWith('disconnection:'))) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(records.some((r) => r.message?.startsWith('disconnection:')), `no log of psql's session ${app}`);
    const sent: string[] = [];
    // log_statement logs a query once it parses; one that does not parse shows up only as its
    // ERROR's statement. An ERROR right after its own "statement:" line is the same query.
    let logged: string | undefined;
    for (const r of records) {
      if (r.error_severity === 'LOG' && r.message?.startsWith('statement: ')) {
        logged = r.message.slice('statement: '.length);
        sent.push(logged);
      } else if (r.error_severity === 'ERROR' && r.statement !== undefined) {
        if (r.statement !== logged) sent.push(r.statement);
        logged = undefined;
      }
    }
    return sent;
  }

  /** Runs `script` through psql as session `app` and returns what it sent, normalised. */
  async function psqlSends(script: string, app: string, options: { pgOptions?: string; database?: string } = {}): Promise<string[]> {
    const scriptPath = path.join(cluster.dir, `${app}.sql`);
    fs.writeFileSync(scriptPath, script);
    const psql = spawnSync(PSQL, ['-X', '-q', '-v', 'ON_ERROR_STOP=0', '-f', scriptPath, '-h', cluster.host, '-p', String(cluster.port), '-U', SUPERUSER, '-d', options.database ?? 'postgres'], {
      env: { ...process.env, PGPASSWORD: SUPERUSER_PASSWORD, PGAPPNAME: app, PGOPTIONS: options.pgOptions ?? '' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    assert.equal(psql.status, 0, psql.stderr);
    const sent = (await queriesSentBy(app)).filter((q) => !onlyComments(q)).map(normalise);
    assert.ok(sent.length > 0, 'psql sent something');
    return sent;
  }

  for (const file of fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.sql')).sort()) {
    it(`splits ${file} as psql does`, async () => {
      const script = fs.readFileSync(path.join(FIXTURES, file), 'utf8');
      const settings = SETTINGS[file];
      const sent = await psqlSends(script, `splitter-${path.basename(file, '.sql')}`, { pgOptions: settings?.pgOptions });
      assert.deepEqual(ourQueries(script, settings?.split ?? {}), sent);
    });
  }

  it('splits what pg_dump writes as psql does, COPY data and all', async () => {
    await cluster.sql('create database dumped');
    await cluster.sql('create database restored');
    await cluster.sql(DUMPED_SCHEMA, undefined, 'dumped');
    const dump = spawnSync(PG_DUMP, ['-h', cluster.host, '-p', String(cluster.port), '-U', SUPERUSER, 'dumped'], {
      env: { ...process.env, PGPASSWORD: SUPERUSER_PASSWORD },
      encoding: 'utf8',
    });
    assert.equal(dump.status, 0, dump.stderr);
    assert.match(dump.stdout, /^COPY "we;ird"\.t /m, 'the dump carries COPY data');
    const sent = await psqlSends(dump.stdout, 'splitter-pg-dump', { database: 'restored' });
    assert.deepEqual(ourQueries(dump.stdout, {}), sent);
    const restored = await cluster.sql<{ note: string }>('select note from "we;ird".t order by id', undefined, 'restored');
    assert.equal(restored.length, 3, 'psql restored the rows: the COPY data went where psql sent it');
  });
});
