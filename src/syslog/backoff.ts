/**
 * Exponential reconnect backoff with jitter.
 *
 * @module
 */

/**
 * Reconnect backoff settings. The defaults are client-go's reflector backoff
 * (`wait.NewExponentialBackoffManager(800ms, 30s, 2min, 2.0, 1.0, clock)` in
 * staging/src/k8s.io/client-go/tools/cache/reflector.go): delays double from 800 ms to a 30 s
 * cap, each stretched by up to 100 % at random so that many senders do not reconnect in step
 * (so retries settle in [30 s, 60 s)), and the sequence starts over once a connection has stayed
 * up for two minutes.
 *
 * @example
 * ```ts
 * import type { SyslogBackoffOptions } from 'kube-events/syslog';
 *
 * const fast: SyslogBackoffOptions = { initialDelay: 100, maxDelay: 5_000 };
 * ```
 */
export interface SyslogBackoffOptions {
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
   * Each delay is stretched by a random fraction of itself, up to this much.
   * @defaultValue `1`
   */
  readonly jitter?: number;
  /**
   * A connection that stayed up this long (milliseconds) resets the delays to `initialDelay`.
   * @defaultValue `120_000`
   */
  readonly resetAfter?: number;
}

/** client-go reflector's defaults; see {@link SyslogBackoffOptions}. */
export const DEFAULT_BACKOFF = { initialDelay: 800, maxDelay: 30_000, factor: 2, jitter: 1, resetAfter: 120_000 } as const;

/** The delay sequence of one transport. */
export class Backoff {
  readonly #options: Required<SyslogBackoffOptions>;
  readonly #random: () => number;
  #attempt = 0;

  constructor(options: Required<SyslogBackoffOptions>, random: () => number) {
    this.#options = options;
    this.#random = random;
  }

  /** The number of delays handed out since the last reset. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The next delay, in milliseconds. */
  next(): number {
    const { initialDelay, maxDelay, factor, jitter } = this.#options;
    const base = Math.min(initialDelay * factor ** this.#attempt, maxDelay);
    this.#attempt++;
    return base + this.#random() * jitter * base;
  }

  /** Starts over from `initialDelay` if the connection lasted `resetAfter` or longer. */
  connectionLasted(ms: number): void {
    if (ms >= this.#options.resetAfter) this.#attempt = 0;
  }
}
