/**
 * How the recorder retries a failed Event write.
 *
 * @module
 */

/**
 * Retry settings for Event writes. Network failures, 5xx and 429 are retried; other answers are
 * final. The delay before retry `n` (1-based) is `min(initialDelay × factorⁿ⁻¹, maxDelay)`, less
 * a random fraction of up to `jitter` of itself — so that many recorders that lost the API server
 * together do not come back in step — and never less than the server's `Retry-After`.
 *
 * The defaults keep client-go's bound of 12 tries per event (`maxTriesPerEvent` in
 * tools/record/event.go and tools/events/event_broadcaster.go) and its 10 s sleep as the ceiling;
 * client-go sleeps the full 10 s from the first retry (randomizing only the first sleep), where
 * this policy starts at 1 s and doubles, so that a brief blip costs seconds.
 *
 * @example
 * ```ts
 * import { createEventRecorder } from 'kube-events/recorder';
 *
 * const recorder = createEventRecorder({ component: 'example.com/ctl', retry: { maxTries: 3, initialDelay: 200 } });
 * ```
 */
export interface RetryPolicy {
  /**
   * The most tries per write, the first included (1 disables retries).
   * @defaultValue `12`
   */
  readonly maxTries?: number;
  /**
   * The delay before the first retry, in milliseconds.
   * @defaultValue `1_000`
   */
  readonly initialDelay?: number;
  /**
   * The longest delay, in milliseconds (a longer `Retry-After` is still honoured).
   * @defaultValue `10_000`
   */
  readonly maxDelay?: number;
  /**
   * The factor between consecutive delays.
   * @defaultValue `2`
   */
  readonly factor?: number;
  /**
   * Each delay is shortened by a random fraction of itself, up to this much (0 to 1).
   * @defaultValue `0.5`
   */
  readonly jitter?: number;
}

/** The default {@link RetryPolicy}: 12 tries, delays from 1 s doubling to 10 s, jitter 0.5. */
export const DEFAULT_RETRY_POLICY: Readonly<Required<RetryPolicy>> = Object.freeze({ maxTries: 12, initialDelay: 1_000, maxDelay: 10_000, factor: 2, jitter: 0.5 });

/**
 * The delay before retry `retry` (1-based) in milliseconds.
 *
 * @param policy - The resolved policy.
 * @param retry - Which retry: 1 for the first.
 * @param random - A number in [0, 1).
 * @param retryAfterMs - The server's `Retry-After`, if any: the delay is never shorter.
 */
export function retryDelay(policy: Readonly<Required<RetryPolicy>>, retry: number, random: number, retryAfterMs: number | undefined): number {
  const base = Math.min(policy.initialDelay * policy.factor ** (retry - 1), policy.maxDelay);
  const delay = base * (1 - policy.jitter * random);
  return retryAfterMs === undefined ? delay : Math.max(delay, retryAfterMs);
}
