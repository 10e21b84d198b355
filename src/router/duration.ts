/**
 * Durations in route configs: a number of milliseconds or `'500ms'`, `'10s'`, `'10m'`, `'1h30m'`.
 *
 * @module
 */

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;

/**
 * Milliseconds of a duration, or `undefined` when it is not one: a finite number ≥ 0, or one or
 * more `<number><unit>` parts (`ms`, `s`, `m`, `h`, `d`) with nothing between them.
 *
 * @param value - The duration.
 * @returns Its milliseconds, or `undefined`.
 *
 * @example
 * ```ts
 * parseDuration('1h30m'); // 5_400_000
 * parseDuration('10x'); // undefined
 * ```
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string' || value === '') return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < value.length) {
    const m = PART.exec(value);
    if (m === null) return undefined;
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? Number.NaN);
  }
  return Number.isFinite(total) ? total : undefined;
}
