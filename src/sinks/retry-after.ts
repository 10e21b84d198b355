/**
 * `parseRetryAfter`: the HTTP `Retry-After` header as milliseconds, for the HTTP sinks.
 *
 * @module
 */

/** `delay-seconds` of RFC 9110 §10.2.3: one or more digits. */
const DELAY_SECONDS = /^\d+$/;

/**
 * The HTTP `Retry-After` header (RFC 9110 §10.2.3: `HTTP-date / delay-seconds`) as milliseconds
 * from `now`, for a `retryable` result's `retryAfterMs`. A date in the past gives `0`; an absent or
 * malformed value gives `undefined`, so the runner falls back to its backoff.
 *
 * @param value - The header value.
 * @param now - The current time in milliseconds since the epoch, for the HTTP-date form.
 * @returns Milliseconds to wait, or `undefined`.
 *
 * @example
 * ```ts
 * parseRetryAfter('120', Date.now()); // 120_000
 * parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:00 GMT')); // 60_000
 * parseRetryAfter('soon', Date.now()); // undefined
 * ```
 */
export function parseRetryAfter(value: string | readonly string[] | undefined | null, now: number): number | undefined {
  const text = (typeof value === 'string' ? value : value?.[0])?.trim();
  if (text === undefined || text === '') return undefined;
  if (DELAY_SECONDS.test(text)) return Number(text) * 1000;
  // Date.parse accepts IMF-fixdate and the two obsolete forms RFC 9110 §5.6.7 requires recipients to accept.
  const at = Date.parse(text);
  if (Number.isNaN(at) || !/[a-z]/i.test(text)) return undefined;
  return Math.max(0, at - now);
}
