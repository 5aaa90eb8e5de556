/**
 * PostgreSQL's own scanner (libpg-query's WASM build), loaded once, just after activation, by a
 * dynamic import: importing libpg-query starts compiling its 1.7 MB of WASM, which must not be
 * part of activation. quote.ts asks it which words are keywords, so identifier quoting follows
 * the server's keyword list (until it is loaded, every name is quoted, which is always correct).
 */
type LibPgQuery = typeof import('libpg-query');

let loading: Promise<void> | undefined;
let loaded: LibPgQuery | undefined;

/** Loads the WASM scanner once. */
export function loadScanner(): Promise<void> {
  loading ??= import('libpg-query').then(async (lib) => {
    await lib.loadModule();
    loaded = lib;
  });
  return loading;
}

/** The loaded scanner, or undefined while it is still loading. */
export function scanner(): LibPgQuery | undefined {
  return loaded;
}

export function scannerLoaded(): boolean {
  return loaded !== undefined;
}

/** libpg-query's scanSync, once loaded (callers check scannerLoaded() or await loadScanner() first). */
export function scanSync(sql: string): ReturnType<LibPgQuery['scanSync']> {
  return loadedOrThrow().scanSync(sql);
}

/** libpg-query's parseSync (the server's parser), once loaded. */
export function parseSync(sql: string): ReturnType<LibPgQuery['parseSync']> {
  return loadedOrThrow().parseSync(sql);
}

function loadedOrThrow(): LibPgQuery {
  if (!loaded) throw new Error('The SQL scanner is still loading; try again in a moment.');
  return loaded;
}
