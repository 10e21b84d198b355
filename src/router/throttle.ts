/**
 * Per-route throttling (dedup): a bounded map from key to window, on an injected clock.
 *
 * @module
 */
import type { KubeEvent } from '../stream/kube-event.ts';
import type { FieldPath, InvolvedObject } from './route-spec.ts';
import type { FieldGetter } from './event-fields.ts';
import { fieldGetter } from './event-fields.ts';

/**
 * The default throttle key: client-go's event-correlator key (tools/record/events_cache.go
 * `getEventKey`), so that what client-go would have folded into one Event is one key here too.
 *
 * @example
 * ```ts
 * router().route((r) => r.throttle({ per: [...DEFAULT_THROTTLE_KEY, 'involved.labels.team'], window: '5m' }).to('slack'));
 * ```
 */
export const DEFAULT_THROTTLE_KEY: readonly FieldPath[] = [
  'source.component',
  'source.host',
  'regarding.kind',
  'regarding.namespace',
  'regarding.name',
  'regarding.fieldPath',
  'regarding.uid',
  'regarding.apiVersion',
  'type',
  'reason',
  'message',
];

/**
 * The most keys one throttled route remembers: client-go's `maxLruCacheEntries` (4096, in
 * tools/record/events_cache.go), the bound its correlator puts on the same kind of cache.
 *
 * @example
 * ```ts
 * router().to('a').compile({ maxThrottleKeys: DEFAULT_THROTTLE_MAX_KEYS * 4 });
 * ```
 */
export const DEFAULT_THROTTLE_MAX_KEYS = 4096;

interface Window {
  /** When the window opened (the last event that passed), ms. */
  start: number;
  /** Repeats suppressed since. */
  suppressed: number;
  /** The key's field values, for reports. */
  readonly values: readonly (string | undefined)[];
}

/** An expired window whose repeats no later event carried, as `flush` returns it. */
export interface ExpiredWindow {
  /** The key's field values. */
  readonly key: readonly (string | undefined)[];
  /** Repeats suppressed in it. */
  readonly repeats: number;
}

/** One route's throttle state. */
export class Throttle {
  readonly #windowMs: number;
  readonly #getters: readonly FieldGetter[];
  readonly #maxKeys: number;
  readonly #windows = new Map<string, Window>();
  /** Keys dropped because the map was full. */
  evictions = 0;
  /** Repeats whose count was lost with an evicted key. */
  lostRepeats = 0;

  /**
   * @param per - The key fields (validated paths).
   * @param windowMs - The window, ms > 0.
   * @param maxKeys - The most keys remembered.
   */
  constructor(per: readonly FieldPath[], windowMs: number, maxKeys: number) {
    this.#windowMs = windowMs;
    this.#maxKeys = maxKeys;
    this.#getters = per.map((p) => {
      const g = fieldGetter(p);
      if (g === undefined) throw new Error(`unknown field path ${p} (validation should have caught it)`);
      return g;
    });
  }

  /** How many keys are remembered. */
  get size(): number {
    return this.#windows.size;
  }

  /** The key's values for an event (`undefined` for an absent label). */
  values(event: KubeEvent, involved: InvolvedObject | undefined): (string | undefined)[] {
    return this.#getters.map((g) => g(event, involved));
  }

  #key(event: KubeEvent, involved: InvolvedObject | undefined): string {
    const getters = this.#getters;
    let key = '';
    for (let i = 0; i < getters.length; i++) {
      const v = (getters[i] as FieldGetter)(event, involved);
      // \u0001 marks an absent label, so that it differs from an empty one.
      key += i === 0 ? (v ?? '\u0001') : `\u0000${v ?? '\u0001'}`;
    }
    return key;
  }

  /**
   * Admits an event at `now`: returns the repeats it carries (≥ 0) when it passes, or minus the
   * number of repeats so far (≤ -1) when it is suppressed.
   */
  admit(event: KubeEvent, involved: InvolvedObject | undefined, now: number): number {
    const windows = this.#windows;
    const key = this.#key(event, involved);
    const w = windows.get(key);
    if (w === undefined) {
      this.#sweep(now);
      if (windows.size >= this.#maxKeys) {
        // Windows are kept in order of opening: the first is the oldest.
        const oldest = windows.keys().next();
        if (oldest.done !== true) {
          this.lostRepeats += windows.get(oldest.value)?.suppressed ?? 0;
          windows.delete(oldest.value);
          this.evictions++;
        }
      }
      windows.set(key, { start: now, suppressed: 0, values: this.values(event, involved) });
      return 0;
    }
    if (now - w.start < this.#windowMs) {
      w.suppressed++;
      return -w.suppressed;
    }
    const repeats = w.suppressed;
    w.start = now;
    w.suppressed = 0;
    // Re-insert: the map stays ordered by window start.
    windows.delete(key);
    windows.set(key, w);
    return repeats;
  }

  /** Forgets up to two expired windows that carry no repeats, from the oldest. */
  #sweep(now: number): void {
    let n = 0;
    for (const [key, w] of this.#windows) {
      if (n++ >= 2 || now - w.start < this.#windowMs || w.suppressed > 0) return;
      this.#windows.delete(key);
    }
  }

  /** Removes and returns every expired window that suppressed repeats no later event carried. */
  flush(now: number): ExpiredWindow[] {
    const out: ExpiredWindow[] = [];
    for (const [key, w] of this.#windows) {
      if (now - w.start < this.#windowMs) continue;
      if (w.suppressed > 0) out.push({ key: w.values, repeats: w.suppressed });
      this.#windows.delete(key);
    }
    return out;
  }
}
