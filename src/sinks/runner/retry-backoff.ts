/**
 * The retry delays of the sink runner: exponential backoff with jitter, or the receiver's
 * `Retry-After` when it gave one.
 *
 * @module
 */

/**
 * How the runner retries `retryable` results. The backoff defaults are client-go's reflector
 * backoff (`wait.NewExponentialBackoffManager(800ms, 30s, 2min, 2.0, 1.0, clock)` in
 * staging/src/k8s.io/client-go/tools/cache/reflector.go), the same as kube-events' syslog
 * transports: delays double from 800 ms to a 30 s cap, each stretched by up to 100 % at random so
 * that many runners do not retry in step. A `Retry-After` from the receiver replaces the backoff
 * delay, up to `maxRetryAfter`.
 *
 * @example
 * ```ts
 * createSinkRunner(sink, { retry: { initialDelay: 200, maxDelay: 10_000, maxAttempts: 20 } });
 * ```
 */
export interface RetryOptions {
  /**
   * The first delay, in milliseconds.
   * @defaultValue `800`
   */
  readonly initialDelay?: number;
  /**
   * The largest delay before jitter, in milliseconds.
   * @defaultValue `30_000`
   */
  readonly maxDelay?: number;
  /**
   * The factor between consecutive delays.
   * @defaultValue `2`
   */
  readonly factor?: number;
  /**
   * Each delay is stretched by a random fraction of itself, up to this much (0 = no jitter).
   * @defaultValue `1`
   */
  readonly jitter?: number;
  /**
   * Attempts per item, the first included, before a retryable item is given up and dropped with
   * reason `retries-exhausted`. `Infinity` keeps retrying through any outage; the buffer bound and
   * the overflow policy decide what happens to new items meanwhile.
   * @defaultValue `Infinity`
   */
  readonly maxAttempts?: number;
  /**
   * The longest `Retry-After` honoured, in milliseconds; a longer one is cut to this.
   * @defaultValue `300_000` (5 minutes)
   */
  readonly maxRetryAfter?: number;
}

/** {@link RetryOptions} with every default filled in. */
export type ResolvedRetryOptions = Required<RetryOptions>;

/** client-go reflector's backoff and the runner's retry limits; see {@link RetryOptions}. */
export const DEFAULT_RETRY: ResolvedRetryOptions = {
  initialDelay: 800,
  maxDelay: 30_000,
  factor: 2,
  jitter: 1,
  maxAttempts: Number.POSITIVE_INFINITY,
  maxRetryAfter: 300_000,
};

/**
 * The delay before retry number `retry` (1 for the first retry).
 *
 * @param options - The retry settings.
 * @param retry - Which retry this is, from 1.
 * @param retryAfterMs - The receiver's `Retry-After`, if it gave one.
 * @param random - Random numbers in [0, 1).
 * @returns Milliseconds to wait.
 */
export function retryDelay(options: ResolvedRetryOptions, retry: number, retryAfterMs: number | undefined, random: () => number): number {
  if (retryAfterMs !== undefined) return Math.min(Math.max(0, retryAfterMs), options.maxRetryAfter);
  const base = Math.min(options.initialDelay * options.factor ** (retry - 1), options.maxDelay);
  return base + random() * options.jitter * base;
}
