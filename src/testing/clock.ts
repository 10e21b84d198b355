/**
 * The test cluster's clock: real time plus an offset that tests move forward with `advance()`.
 * Event TTLs, watch-history expiry and timestamps all read it, so a test can expire events
 * without waiting.
 */

/**
 * A controllable clock.
 *
 * @example
 * ```ts
 * const cluster = await startTestCluster();
 * cluster.clock.advance(61 * 60_000); // an hour and a minute later: events past their TTL are deleted
 * ```
 */
export interface TestClock {
  /** Milliseconds since the epoch, as the cluster sees it. */
  now(): number;
  /** Moves the clock forward by `ms` and runs whatever became due (TTL expiry, history trimming). */
  advance(ms: number): void;
}

/** The clock implementation; `onAdvance` runs after every `advance()`. */
export class OffsetClock implements TestClock {
  #offset = 0;
  #listeners: (() => void)[] = [];

  now(): number {
    return Date.now() + this.#offset;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`Expected \`ms\` to be a finite number >= 0, got \`${ms}\``);
    this.#offset += ms;
    for (const l of this.#listeners) l();
  }

  onAdvance(listener: () => void): void {
    this.#listeners.push(listener);
  }
}

/** RFC 3339 with seconds precision in UTC, as Kubernetes serializes `metav1.Time`. */
export function formatTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** RFC 3339 with microseconds, as Kubernetes serializes `metav1.MicroTime`. */
export function formatMicroTime(ms: number): string {
  const iso = new Date(ms).toISOString(); // …T12:34:56.789Z
  return `${iso.slice(0, -1)}000Z`;
}
