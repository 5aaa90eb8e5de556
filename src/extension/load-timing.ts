/**
 * When the extension's bundle started and finished evaluating (stamped by the esbuild banner and
 * footer of scripts/build.mjs, epoch ms), told with activate()'s own start in the activation log
 * line, which bench/ reads to split the activation figure.
 */
interface LoadStamps {
  start?: number;
  end?: number;
}

export function loadTiming(activateStart: number): string {
  const stamps = (globalThis as { __pgxLoad?: LoadStamps }).__pgxLoad;
  if (stamps?.start === undefined || stamps.end === undefined) return '';
  return ` (bundle evaluated ${stamps.start}..${stamps.end}, ${stamps.end - stamps.start} ms; activate() called at ${activateStart}, ${activateStart - stamps.end} ms later)`;
}
