/**
 * PostgreSQL's own scanner (libpg-query's WASM build), loaded once, just after activation. quote.ts asks
 * it which words are keywords, so identifier quoting follows the server's keyword list.
 */
import { loadModule } from 'libpg-query';

let loading: Promise<void> | undefined;
let loaded = false;

/** Loads the WASM scanner once; `scanSync` needs it. */
export function loadScanner(): Promise<void> {
  loading ??= loadModule().then(() => {
    loaded = true;
  });
  return loading;
}

export function scannerLoaded(): boolean {
  return loaded;
}
