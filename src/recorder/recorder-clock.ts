/**
 * The clock a recorder reads and sets its timers with, injectable so tests control time.
 *
 * @module
 */

/** A timer handle returned by {@link RecorderClock.setTimeout}; opaque to the recorder. */
export interface RecorderTimer {
  /** Node's `Timeout.unref()`, when the clock has it: the recorder's background timers call it. */
  unref?: () => unknown;
}

/**
 * The clock of an event recorder: wall time in milliseconds and one-shot timers. Event
 * timestamps, the correlator's intervals and token buckets, retry delays and the
 * events.k8s.io/v1 series timers all use it, so a test can drive them without waiting.
 *
 * @example
 * ```ts
 * import { createEventRecorder } from 'kube-events/recorder';
 * import type { RecorderClock } from 'kube-events/recorder';
 *
 * let offset = 0;
 * const clock: RecorderClock = {
 *   now: () => Date.now() + offset,
 *   setTimeout: (callback, ms) => setTimeout(callback, ms),
 *   clearTimeout: (timer) => { clearTimeout(timer as NodeJS.Timeout); },
 * };
 * const recorder = createEventRecorder({ component: 'example.com/webhook', clock });
 * offset += 600_000; // ten minutes later, as far as the recorder knows
 * ```
 */
export interface RecorderClock {
  /** Milliseconds since the Unix epoch (fractions allowed). */
  now(): number;
  /** Calls `callback` once, `ms` milliseconds from now. */
  setTimeout(callback: () => void, ms: number): RecorderTimer;
  /** Cancels a timer set with {@link RecorderClock.setTimeout}; a fired or cleared timer is ignored. */
  clearTimeout(timer: RecorderTimer): void;
}

/**
 * The real clock: `Date.now()` and Node's timers.
 *
 * @example
 * ```ts
 * import { systemClock } from 'kube-events/recorder';
 *
 * console.log(new Date(systemClock.now()).toISOString());
 * ```
 */
export const systemClock: RecorderClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => {
    clearTimeout(timer as NodeJS.Timeout);
  },
};
