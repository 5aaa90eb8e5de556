/**
 * When the extension's bundle started and finished evaluating (stamped by the esbuild banner and
 * footer of scripts/build.mjs, epoch ms), told with activate()'s own start in the activation log
 * line, which bench/ reads to split the activation figure (bench/floor-extension writes the same).
 */
interface LoadStamps {
  start?: number;
  end?: number;
}

export function loadTiming(activateStart: number): string {
  const stamps = (globalThis as { __pgxLoad?: LoadStamps }).__pgxLoad;
  if (stamps?.start === undefined || stamps.end === undefined) return '';
  // `logged at`: when activate() hands the line to the output channel, which writes it (with its
  // own time stamp) only once VS Code has registered the channel with the workbench.
  return ` (bundle evaluated ${stamps.start}..${stamps.end}, ${stamps.end - stamps.start} ms; activate() called at ${activateStart}, ${activateStart - stamps.end} ms later; logged at ${Date.now()})`;
}
