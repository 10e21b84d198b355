/**
 * Kubernetes' two timestamp formats, as the API server parses them.
 *
 * @module
 */

/** `metav1.Time`: RFC 3339 in UTC with whole seconds, e.g. `2026-11-23T10:00:00Z`. */
export function formatTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * `metav1.MicroTime`: RFC 3339 in UTC with exactly six fraction digits, e.g.
 * `2026-11-23T10:00:00.123456Z` — the only form kube-apiserver accepts for `eventTime` and
 * `series.lastObservedTime` (a `Date.toISOString()` with three digits is answered 400).
 */
export function formatMicroTime(ms: number): string {
  const whole = Math.floor(ms);
  const micros = Math.min(999, Math.floor((ms - whole) * 1000));
  return `${new Date(whole).toISOString().slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
}
