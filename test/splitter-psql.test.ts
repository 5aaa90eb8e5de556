/**
 * psql is the oracle: every script in test/fixtures/splitter runs through Debian's psql against
 * a throwaway cluster that logs every statement it receives (log_statement = all, JSON log),
 * and what psql sent must be what our splitter says it would send, in order.
 *
 * Normalised on both sides: whitespace runs become one space, the terminating `;` (psql sends
 * it, we do not) and spaces before a `;` (our `\;` reads ` ;`) are dropped. A query that is only
 * comments (psql sends `/* x *\/;`, we skip it: it does nothing) is left out of psql's side.
 * Meta-commands used here (\set, \echo, \pset, ...) send nothing to the server themselves.
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
import { startCluster, SUPERUSER, SUPERUSER_PASSWORD } from './harness/cluster';
import type { Cluster } from './harness/cluster';

const PSQL = '/usr/bin/psql';
const FIXTURES = path.join(__dirname, 'fixtures', 'splitter');

/** Scripts that need the session's settings changed, with what psql connects with. */
const SETTINGS: Record<string, { pgOptions: string; split: SplitOptions }> = {
  'standard-strings-off.sql': { pgOptions: '-c standard_conforming_strings=off', split: { standardConformingStrings: false } },
};

const normalise = (sql: string): string =>
  sql
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\s*;$/, '')
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

  for (const file of fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.sql')).sort()) {
    it(`splits ${file} as psql does`, async () => {
      const script = fs.readFileSync(path.join(FIXTURES, file), 'utf8');
      const settings = SETTINGS[file];
      const app = `splitter-${path.basename(file, '.sql')}`;
      const scriptPath = path.join(cluster.dir, file);
      fs.writeFileSync(scriptPath, script);
      const psql = spawnSync(PSQL, ['-X', '-q', '-v', 'ON_ERROR_STOP=0', '-f', scriptPath, '-h', cluster.host, '-p', String(cluster.port), '-U', SUPERUSER, '-d', 'postgres'], {
        env: { ...process.env, PGPASSWORD: SUPERUSER_PASSWORD, PGAPPNAME: app, PGOPTIONS: settings?.pgOptions ?? '' },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      assert.equal(psql.status, 0, psql.stderr);
      const sent = (await queriesSentBy(app)).filter((q) => !onlyComments(q)).map(normalise);
      assert.ok(sent.length > 0, 'psql sent something');
      assert.deepEqual(ourQueries(script, settings?.split ?? {}), sent);
    });
  }
});
