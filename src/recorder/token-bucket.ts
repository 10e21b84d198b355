/**
 * A token bucket: `burst` tokens to start with, refilled continuously at `qps` per second up to
 * `burst` (client-go's `flowcontrol.NewTokenBucketRateLimiterWithClock`, whose `TryAccept` the
 * spam filter calls).
 *
 * @module
 */

/** One token bucket, read against the time passed to each call. */
export class TokenBucket {
  readonly #qps: number;
  readonly #burst: number;
  #tokens: number;
  #last: number;

  /**
   * @param qps - Tokens added per second.
   * @param burst - The bucket's size, and its tokens at `now`.
   * @param now - The current time, in milliseconds.
   */
  constructor(qps: number, burst: number, now: number) {
    this.#qps = qps;
    this.#burst = burst;
    this.#tokens = burst;
    this.#last = now;
  }

  /** Takes a token if one is available at `now` (milliseconds); false when the bucket is empty. */
  tryAccept(now: number): boolean {
    if (now > this.#last) {
      this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) / 1000) * this.#qps);
      this.#last = now;
    }
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
