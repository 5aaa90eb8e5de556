/**
 * Typed access to mocha's BDD globals. Mocha is installed with the e2e toolchain (e2e-tools/),
 * not in the extension's dependencies, so its types are not available to the project's typecheck;
 * these few signatures are all the suites use.
 */
export interface TestContext {
  timeout(ms: number): void;
  skip(): never;
}

type TestFn = (this: TestContext) => Promise<void> | void;

interface Bdd {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: TestFn): void;
  before(fn: TestFn): void;
  after(fn: TestFn): void;
  beforeEach(fn: TestFn): void;
  afterEach(fn: TestFn): void;
}

const bdd = (): Bdd => globalThis as unknown as Bdd;

export const describe = (name: string, fn: () => void): void => bdd().describe(name, fn);
export const it = (name: string, fn: TestFn): void => bdd().it(name, fn);
export const before = (fn: TestFn): void => bdd().before(fn);
export const after = (fn: TestFn): void => bdd().after(fn);
export const beforeEach = (fn: TestFn): void => bdd().beforeEach(fn);
export const afterEach = (fn: TestFn): void => bdd().afterEach(fn);
