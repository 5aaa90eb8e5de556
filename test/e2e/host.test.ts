/**
 * The extension inside a real VS Code (code-server + chromium): builds the extension and the
 * extension-host mocha suites (test/extension-host/), starts a throwaway PostgreSQL cluster with
 * the fixture schema, runs the suites in the extension host and fails if any fails.
 * The first run installs the toolchain (scripts/e2e-setup.mjs, ~1.5-2.5 min); later runs reuse it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SUPERUSER, SUPERUSER_PASSWORD, startCluster } from '../harness/cluster';
import { freePort } from '../harness/ports';
import type { Cluster } from '../harness/cluster';
import { ensureExtensionBuilt, ensureToolchain, repoRoot } from './harness/code-server';
import type { Toolchain } from './harness/code-server';
import { runExtensionHostTests } from './harness/extension-host';
import { FIXTURE_DATABASE, createFixture } from './harness/fixture-schema';

/** Files under `dir` whose text contains `needle` (secret storage is encrypted, so it does not show). */
function filesContaining(dir: string, needle: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[])
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).isFile() && fs.readFileSync(f).includes(needle));
}

describe('extension host (code-server)', { timeout: 8 * 60_000 }, () => {
  let tools: Toolchain;
  let cluster: Cluster;
  let testsEntry: string;

  before(async () => {
    tools = await ensureToolchain();
    ensureExtensionBuilt();
    testsEntry = execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'e2e-build.mjs')], { cwd: repoRoot }).toString().trim();
    cluster = await startCluster();
    await createFixture(cluster);
  });

  after(async () => {
    await cluster?.stop();
  });

  it('passes the extension-host suites', async () => {
    let leaks: string[] = [];
    const run = await runExtensionHostTests({
      name: 'host',
      extensionPath: repoRoot,
      testsEntry,
      env: {
        PGX_MOCHA: tools.mocha,
        PGX_SUITES: process.env.PGX_SUITES ?? '',
        PGX_PG_HOST: cluster.host,
        PGX_PG_PORT: String(cluster.port),
        PGX_PG_USER: SUPERUSER,
        PGX_PG_DATABASE: FIXTURE_DATABASE,
        PGX_DEAD_PORT: String(await freePort()),
      },
      // The throwaway cluster's password, for the tests that add profiles with it.
      secretEnv: { PGX_PG_PASSWORD: SUPERUSER_PASSWORD },
      onLog: process.env.PGX_E2E_VERBOSE ? (line) => console.log(`  [ext-host] ${line}`) : undefined,
      inspectRunDir: (runDir) => {
        leaks = filesContaining(path.join(runDir, 'user-data'), SUPERUSER_PASSWORD);
      },
    });
    if (run.exitCode !== 0) console.log(run.log);
    assert.equal(run.exitCode, 0, 'extension-host tests failed (their output is above)');
    // Mocha exits 0 when nothing ran (a PGX_SUITES that matches no suite): that is no pass.
    assert.match(run.log, /\b[1-9]\d* passing\b/, `no extension-host test ran (PGX_SUITES=${process.env.PGX_SUITES ?? ''})`);
    // Profiles were added with the password and used all through: it went to SecretStorage only,
    // never into settings.json, the extension's log, the output channels or any other file.
    assert.deepEqual(leaks, [], 'the password was written to these files');
  });
});
