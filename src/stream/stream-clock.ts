/**
 * The clock an EventStream reads and schedules its timers on, injectable for tests.
 *
 * @module
 */

/**
 * Time and timers for an EventStream: idle timeouts, backoff sleeps, checkpoint debouncing and
 * periodic resync all go through it, so a test can drive them with a manual clock instead of
 * waiting.
 *
 * @example
 * ```ts
 * import type { StreamClock } from 'kube-events/stream';
 *
 * // A clock that only moves when the test says so.
 * let now = 0;
 * const timers = new Set<{ at: number; fn: () => void }>();
 * const clock: StreamClock = {
 *   now: () => now,
 *   setTimer: (ms, fn) => {
 *     const t = { at: now + ms, fn };
 *     timers.add(t);
 *     return () => timers.delete(t);
 *   },
 * };
 * ```
 */
export interface StreamClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Runs `callback` once, `ms` milliseconds from now.
   *
   * @returns A function that cancels the timer (a no-op once it has fired).
   */
  setTimer(ms: number, callback: () => void): () => void;
}

/**
 * The real clock: `Date.now()` and `setTimeout`.
 *
 * @example
 * ```ts
 * import { systemClock } from 'kube-events/stream';
 *
 * const cancel = systemClock.setTimer(1000, () => console.log('a second later'));
 * cancel();
 * ```
 */
export const systemClock: StreamClock = {
  now: () => Date.now(),
  setTimer: (ms, callback) => {
    const timer = setTimeout(callback, ms);
    return () => {
      clearTimeout(timer);
    };
  },
};

/**
 * A sleep that ends after `ms` on `clock`, or early (resolving) when `signal` aborts.
 *
 * @param clock - The clock to schedule on.
 * @returns The sleep function.
 */
export function sleepOn(clock: StreamClock): (ms: number, signal?: AbortSignal) => Promise<void> {
  return (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted === true) {
        resolve();
        return;
      }
      const done = (): void => {
        cancel();
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const cancel = clock.setTimer(ms, done);
      signal?.addEventListener('abort', done, { once: true });
    });
}
