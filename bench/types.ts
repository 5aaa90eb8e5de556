/**
 * One benchmark figure, as `npm run bench` prints it and writes it to bench/results/latest.json.
 * Other bench modules (e.g. bench/introspect.ts) return these so the runner can print and record them.
 */
export interface BenchFigure {
  name: string;
  /** The measured value (median of the runs); null when it could not be measured here. */
  value: number | null;
  /** Unit of `value` and `baseline`, e.g. "ms", "rows/s", "MB". */
  unit: string;
  /** The same thing done the plain way, measured in the same run; null when there is none. */
  baseline: number | null;
  /** value / baseline, or null without a baseline. */
  ratio: number | null;
  /** The goal in words, e.g. "ratio <= 1.5"; null when none is set. */
  target: string | null;
  /** Whether the target was met; null when no target is set or nothing was measured. */
  met: boolean | null;
  /** What the baseline is, and anything a reader needs to read the figure right. */
  note?: string;
}
