/**
 * The extension host's test entry (extensionTestsPath): runs every *.suite.js beside this file
 * with mocha, loaded from the e2e toolchain (PGX_MOCHA). Only suites named in PGX_SUITES run,
 * when it is set (comma-separated substrings).
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

interface MochaRunner {
  addFile(file: string): void;
  run(done: (failures: number) => void): void;
}
type MochaConstructor = new (options: { ui: string; timeout: number; color: boolean; reporter: string }) => MochaRunner;

export function run(): Promise<void> {
  const mochaPath = process.env.PGX_MOCHA;
  if (!mochaPath) throw new Error('PGX_MOCHA (the path of the mocha package) is not set');
  // A runtime path: mocha lives in e2e-tools/, outside this bundle.
  const Mocha = createRequire(__filename)(mochaPath) as MochaConstructor;
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  const only = (process.env.PGX_SUITES ?? '').split(',').filter(Boolean);
  for (const file of fs.readdirSync(__dirname).sort()) {
    if (!file.endsWith('.suite.js')) continue;
    if (only.length > 0 && !only.some((s) => file.includes(s))) continue;
    mocha.addFile(path.join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve()));
  });
}
