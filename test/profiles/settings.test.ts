/**
 * Workspace trust: what a workspace could abuse is bounded where the code reads it, and the
 * manifest says so (application scope, schema bounds, Restricted Mode's restricted settings).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { LIMITS, readPoolLimits } from '../../src/extension/connections/limits';

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  capabilities?: { untrustedWorkspaces?: { supported: boolean | 'limited'; description?: string; restrictedConfigurations?: string[] } };
  contributes: { configuration: { properties: Record<string, { scope?: string; minimum?: number; maximum?: number }> } };
};
const settings = manifest.contributes.configuration.properties;

describe('the effective pool settings are bounded', () => {
  const read = (values: Record<string, unknown>) => readPoolLimits((key) => values[key]);

  test('absurd values are brought into range', () => {
    const limits = read({ maxConnections: 1e9, closeIdleResultsMinutes: 1e12, poolIdleMinutes: 0, 'tree.pageSize': 5e8 });
    assert.equal(limits.maxConnections, 100);
    assert.equal(limits.cursorIdleTimeoutMs, 24 * 60 * 60_000);
    assert.equal(limits.poolIdleMs, 60_000);
    assert.equal(limits.treePageSize, 10_000);
  });

  test('values that are not numbers fall back to the defaults', () => {
    const limits = read({ maxConnections: '50', closeIdleResultsMinutes: Number.NaN, poolIdleMinutes: null, 'tree.pageSize': Infinity });
    assert.deepEqual(limits, {
      maxConnections: LIMITS.maxConnections.default,
      cursorIdleTimeoutMs: LIMITS.closeIdleResultsMinutes.default * 60_000,
      poolIdleMs: LIMITS.poolIdleMinutes.default * 60_000,
      treePageSize: LIMITS.treePageSize.default,
    });
  });

  test('negative or fractional values do not slip through', () => {
    const limits = read({ maxConnections: -3, closeIdleResultsMinutes: -1, 'tree.pageSize': 12.7 });
    assert.equal(limits.maxConnections, 1);
    assert.equal(limits.cursorIdleTimeoutMs, 0);
    assert.equal(limits.treePageSize, 12);
  });
});

describe('package.json declares workspace trust and bounds', () => {
  test('Restricted Mode is supported in part, with a description and the restricted settings', () => {
    const trust = manifest.capabilities?.untrustedWorkspaces;
    assert.equal(trust?.supported, 'limited');
    assert.match(trust?.description ?? '', /Restricted Mode/);
    for (const key of ['pgExplorer.maxConnections', 'pgExplorer.closeIdleResultsMinutes', 'pgExplorer.poolIdleMinutes', 'pgExplorer.tree.pageSize']) {
      assert.ok(trust?.restrictedConfigurations?.includes(key), `${key} is not restricted`);
    }
  });

  test('the settings that hold connections and locks are application-scoped and bounded as the code bounds them', () => {
    for (const key of ['maxConnections', 'closeIdleResultsMinutes', 'poolIdleMinutes'] as const) {
      const schema = settings[`pgExplorer.${key}`];
      assert.equal(schema.scope, 'application', `pgExplorer.${key} scope`);
      assert.equal(schema.minimum, LIMITS[key].min, `pgExplorer.${key} minimum`);
      assert.equal(schema.maximum, LIMITS[key].max, `pgExplorer.${key} maximum`);
    }
    assert.equal(settings['pgExplorer.tree.pageSize'].maximum, LIMITS.treePageSize.max);
    assert.equal(settings['pgExplorer.connections'].scope, 'application');
  });
});
