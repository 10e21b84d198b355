/** A RecorderClock that moves only when the test says so, and tells the test when timers are set. */
import type { RecorderClock, RecorderTimer } from '../../../src/recorder/index.ts';

interface PendingTimer extends RecorderTimer {
  readonly id: number;
  readonly at: number;
  readonly ms: number;
  readonly callback: () => void;
}

/** A manual clock; starts at 2026-11-23T10:00:00Z unless told otherwise. */
export class ManualClock implements RecorderClock {
  #now: number;
  #nextId = 1;
  #timers: PendingTimer[] = [];
  #onSet: ((t: PendingTimer) => boolean)[] = [];

  constructor(start = Date.UTC(2026, 10, 23, 10, 0, 0)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): RecorderTimer {
    const t: PendingTimer = { id: this.#nextId++, at: this.#now + ms, ms, callback };
    this.#timers.push(t);
    this.#onSet = this.#onSet.filter((w) => !w(t));
    return t;
  }

  clearTimeout(timer: RecorderTimer): void {
    this.#timers = this.#timers.filter((t) => t !== timer);
  }

  /** Timers not yet fired, soonest first: their delay as set. */
  pending(): number[] {
    return [...this.#timers].sort((a, b) => a.at - b.at).map((t) => t.ms);
  }

  /**
   * Resolves with how far to advance to reach the soonest pending timer set for at most `max` ms,
   * or, when there is none, the next such timer to be set.
   */
  nextTimer(max = Infinity): Promise<number> {
    const soonest = [...this.#timers].filter((t) => t.ms <= max).sort((a, b) => a.at - b.at)[0];
    if (soonest !== undefined) return Promise.resolve(Math.max(0, soonest.at - this.#now));
    return new Promise((resolve) =>
      this.#onSet.push((t) => {
        if (t.ms > max) return false;
        resolve(t.ms);
        return true;
      }),
    );
  }

  /** Moves time forward, firing due timers in order (timers they set fire too when due). */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = Math.max(this.#now, due.at);
      due.callback();
    }
    this.#now = end;
  }
}
