/** Builds BenchFigure rows so every figure computes ratio and met the same way. */
import { round } from './stats';
import type { BenchFigure } from './types';

export interface FigureInput {
  name: string;
  value: number | null;
  unit: string;
  baseline: number | null;
  /** The goal for value / baseline ('ratio') or for value alone ('value'); omit for none. */
  target?: { of: 'ratio' | 'value'; op: '<=' | '>=' | '<'; limit: number };
  note?: string;
}

export function figure(input: FigureInput): BenchFigure {
  const { name, value, unit, baseline, target, note } = input;
  const ratio = value !== null && baseline !== null && baseline !== 0 ? value / baseline : null;
  let met: boolean | null = null;
  let targetText: string | null = null;
  if (target) {
    targetText = `${target.of} ${target.op} ${target.limit}${target.of === 'value' ? ` ${unit}` : ''}`;
    const subject = target.of === 'ratio' ? ratio : value;
    if (subject !== null) {
      met = target.op === '<=' ? subject <= target.limit : target.op === '<' ? subject < target.limit : subject >= target.limit;
    }
  }
  return {
    name,
    value: value === null ? null : round(value, value >= 100 ? 0 : 2),
    unit,
    baseline: baseline === null ? null : round(baseline, baseline >= 100 ? 0 : 2),
    ratio: ratio === null ? null : round(ratio, 2),
    target: targetText,
    met,
    ...(note ? { note } : {}),
  };
}
