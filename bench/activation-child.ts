/**
 * Loads the built extension (dist/extension.js) in a fresh process with a stand-in `vscode`
 * module and calls activate(): the cost of our own code at activation, without VS Code's.
 * Usage: node --import tsx bench/activation-child.ts <path to dist/extension.js>
 * Prints one JSON line: { ms, requireMs } or { error }.
 */
import * as fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

/**
 * A value that answers every property read and call with another such value, so the extension's
 * registrations (commands, tree views, output channels) succeed without a real API behind them.
 * `then` stays undefined so awaiting one does not hang; symbols stay undefined so it never poses as a primitive.
 */
function anything(): unknown {
  const target = function stub(): void {};
  // What the extension stores on a stand-in (a subclass's fields, an item's label) reads back as stored.
  const own = new Map<string | symbol, unknown>();
  return new Proxy(target, {
    get: (_t, prop) => (own.has(prop) ? own.get(prop) : prop === 'then' || typeof prop === 'symbol' ? undefined : anything()),
    set: (_t, prop, value) => {
      own.set(prop, value);
      return true;
    },
    defineProperty: (_t, prop, descriptor) => {
      own.set(prop, descriptor.value ?? descriptor.get?.());
      return true;
    },
    apply: () => anything(),
    construct: () => anything() as object,
  });
}

function fakeContext(): unknown {
  const real: Record<string, unknown> = { subscriptions: [], extensionPath: process.cwd(), extensionMode: 1 };
  return new Proxy(real, { get: (t, prop) => (typeof prop === 'symbol' ? undefined : prop in t ? t[prop] : anything()) });
}

interface ModuleInternals {
  _load(request: string, parent: unknown, isMain: boolean): unknown;
}

/**
 * The stand-in module: the API's top-level names as real own properties (bundlers copy a
 * namespace import's own properties, which a Proxy does not list), each answering anything.
 * The names come from @types/vscode, so the stand-in follows the API the extension compiles against.
 */
function fakeVscode(): Record<string, unknown> {
  const typings = fs.readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8');
  const names = new Set([...typings.matchAll(/^\texport (?:namespace|class|enum|const|function|let) (\w+)/gm)].map((m) => m[1]));
  return Object.fromEntries([...names].map((name) => [name, anything()]));
}

async function main(): Promise<void> {
  const file = process.argv[2];
  const internals = Module as unknown as ModuleInternals;
  const load = internals._load.bind(Module);
  const vscode = fakeVscode();
  internals._load = (request, parent, isMain) => (request === 'vscode' ? vscode : load(request, parent, isMain));
  const started = performance.now();
  const extension = createRequire(__filename)(file) as { activate?: (context: unknown) => unknown };
  const loaded = performance.now();
  await extension.activate?.(fakeContext());
  const ms = performance.now() - started;
  process.stdout.write(`${JSON.stringify({ ms, requireMs: loaded - started })}\n`);
}

main().catch((err: unknown) => {
  process.stdout.write(`${JSON.stringify({ error: err instanceof Error ? err.message : String(err) })}\n`);
});
