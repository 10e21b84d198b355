/**
 * Exponential backoff with jitter, with client-go's reflector defaults.
 *
 * @module
 */
import { InvalidOptionError } from '../errors.ts';
import type { StreamClock } from './stream-clock.ts';
import { systemClock } from './stream-clock.ts';

// The defaults are client-go's reflector backoff, `wait.NewExponentialBackoffManager(800ms, 30s,
// 2min, 2.0, 1.0, clock)` in staging/src/k8s.io/client-go/tools/cache/reflector.go. Its comment
// gives the reason: the reflector used to retry once a second; with these values retries settle
// at one every [30 s, 60 s) (about 0.02 QPS per watcher, a ~98 % cut in load on an unhealthy API
// server), and if no backoff was needed for 2 minutes the server is taken to be healthy again and
// the delays start over. The arithmetic follows k8s.io/apimachinery/pkg/util/wait/backoff.go
// (`Backoff.Step`, `Jitter`, `exponentialBackoffManagerImpl.getNextBackoff`).

/** The first delay: 800 ms (client-go reflector). */
export const DEFAULT_BACKOFF_INITIAL_DELAY_MS = 800;
/** The largest delay before jitter: 30 s (client-go reflector). */
export const DEFAULT_BACKOFF_MAX_DELAY_MS = 30_000;
/** Each delay is this many times the one before: 2 (client-go reflector). */
export const DEFAULT_BACKOFF_FACTOR = 2;
/** Each delay is stretched by a random fraction of itself up to this: 1.0, so a delay `d` becomes `[d, 2d)` (client-go reflector). */
export const DEFAULT_BACKOFF_JITTER = 1;
/** With no backoff asked for this long, the delays start over: 2 min (client-go reflector). */
export const DEFAULT_BACKOFF_RESET_AFTER_MS = 120_000;

/**
 * Settings of {@link createBackoff}; every field defaults to client-go's reflector value.
 *
 * @example
 * ```ts
 * import { createEventStream } from 'kube-events/stream';
 *
 * // Retry faster than client-go, e.g. against a local cluster.
 * const stream = createEventStream({ backoff: { initialDelay: 100, maxDelay: 5_000 } });
 * ```
 */
export interface BackoffOptions {
  /**
   * The first delay, in milliseconds.
   * @defaultValue `800` ({@link DEFAULT_BACKOFF_INITIAL_DELAY_MS})
   */
  readonly initialDelay?: number;
  /**
   * The largest delay before jitter, in milliseconds.
   * @defaultValue `30_000` ({@link DEFAULT_BACKOFF_MAX_DELAY_MS})
   */
  readonly maxDelay?: number;
  /**
   * The factor between consecutive delays (≥ 1).
   * @defaultValue `2` ({@link DEFAULT_BACKOFF_FACTOR})
   */
  readonly factor?: number;
  /**
   * Each delay `d` is stretched to `d + random() × jitter × d`.
   * @defaultValue `1` ({@link DEFAULT_BACKOFF_JITTER})
   */
  readonly jitter?: number;
  /**
   * When no delay was asked for during this many milliseconds, the next one is `initialDelay` again.
   * @defaultValue `120_000` ({@link DEFAULT_BACKOFF_RESET_AFTER_MS})
   */
  readonly resetAfter?: number;
}

/**
 * A sequence of retry delays.
 *
 * @example
 * ```ts
 * import { createBackoff } from 'kube-events/stream';
 *
 * const backoff = createBackoff();
 * backoff.next(); // in [800, 1600)
 * backoff.next(); // in [1600, 3200)
 * backoff.reset();
 * ```
 */
export interface Backoff {
  /** The next delay, in milliseconds. */
  next(): number;
  /** The largest delay this backoff hands out before jitter (`maxDelay`). */
  readonly maxDelay: number;
  /** Starts over from the initial delay. */
  reset(): void;
}

function checkNumber(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new InvalidOptionError(`backoff.${name}`, `a finite number >= ${min}`, value);
  }
  return value;
}

/**
 * An exponential backoff with jitter that resets after a quiet period, as client-go's
 * `ExponentialBackoffManager`: delays `initialDelay × factor^n` capped at `maxDelay`, each
 * stretched by up to `jitter × delay` at random, starting over once `resetAfter` ms have passed
 * since the last delay was asked for.
 *
 * @param options - Delays; every field defaults to client-go's reflector value.
 * @param deps - `clock` for the reset period and `random` for jitter (injectable for tests).
 * @returns The backoff.
 * @throws `InvalidOptionError` (from `kube-events`) for an option that is not a finite number in range.
 *
 * @example
 * ```ts
 * import { createBackoff } from 'kube-events/stream';
 *
 * const noJitter = createBackoff({ jitter: 0 });
 * [noJitter.next(), noJitter.next(), noJitter.next()]; // [800, 1600, 3200]
 * ```
 */
export function createBackoff(
  options: BackoffOptions = {},
  deps: { readonly clock?: StreamClock; readonly random?: () => number } = {},
): Backoff {
  const initialDelay = checkNumber('initialDelay', options.initialDelay, DEFAULT_BACKOFF_INITIAL_DELAY_MS, 0);
  const maxDelay = checkNumber('maxDelay', options.maxDelay, DEFAULT_BACKOFF_MAX_DELAY_MS, 0);
  const factor = checkNumber('factor', options.factor, DEFAULT_BACKOFF_FACTOR, 1);
  const jitter = checkNumber('jitter', options.jitter, DEFAULT_BACKOFF_JITTER, 0);
  const resetAfter = checkNumber('resetAfter', options.resetAfter, DEFAULT_BACKOFF_RESET_AFTER_MS, 0);
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? Math.random;
  let current = Math.min(initialDelay, maxDelay);
  let lastAt: number | undefined;
  return {
    maxDelay,
    next() {
      const now = clock.now();
      if (lastAt !== undefined && now - lastAt > resetAfter) current = Math.min(initialDelay, maxDelay);
      lastAt = now;
      const delay = current;
      current = Math.min(current * factor, maxDelay);
      return jitter > 0 ? delay + random() * jitter * delay : delay;
    },
    reset() {
      current = Math.min(initialDelay, maxDelay);
      lastAt = undefined;
    },
  };
}
