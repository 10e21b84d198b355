/** One measured scenario: the figure, the baseline measured in the same run, and their ratio. */
export interface BenchResult {
  /** What was measured. */
  scenario: string;
  /** Unit of `value` and `baselineValue`, e.g. `events/s`. */
  unit: string;
  /** Median of the runs. */
  value: number;
  /** What the baseline is. */
  baseline: string;
  /** Median of the baseline's runs. */
  baselineValue: number;
  /** value / baselineValue (higher is better for rates). */
  ratio: number;
  /** A target, if the issue sets one, e.g. `>= 200000 events/s`. */
  target?: string;
  /** Whether the target is met. */
  met?: boolean;
}

/** The median of numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}
