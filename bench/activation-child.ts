/**
 * Loads the built extension (dist/extension.js) in a fresh process with a stand-in `vscode`
 * module and calls activate(): the cost of our own code at activation, without VS Code's.
 * Usage: node --import tsx bench/activation-child.ts <path to dist/extension.js>
 * Prints one JSON line: { ms } or { error }.
 */
import Module, { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

/**
 * A value that answers every property read and call with another such value, so the extension's
 * registrations (commands, tree views, output channels) succeed without a real API behind them.
 * `then` stays undefined so awaiting one does not hang; symbols stay undefined so it never poses as a primitive.
 */
function anything(): unknown {
  const target = function stub(): void {};
  return new Proxy(target, {
    get: (_t, prop) => (prop === 'then' || typeof prop === 'symbol' ? undefined : anything()),
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

async function main(): Promise<void> {
  const file = process.argv[2];
  const internals = Module as unknown as ModuleInternals;
  const load = internals._load.bind(Module);
  const vscode = anything();
  internals._load = (request, parent, isMain) => (request === 'vscode' ? vscode : load(request, parent, isMain));
  const started = performance.now();
  const extension = createRequire(__filename)(file) as { activate?: (context: unknown) => unknown };
  await extension.activate?.(fakeContext());
  const ms = performance.now() - started;
  process.stdout.write(`${JSON.stringify({ ms })}\n`);
}

main().catch((err: unknown) => {
  process.stdout.write(`${JSON.stringify({ error: err instanceof Error ? err.message : String(err) })}\n`);
});
