/** Helpers for EventStream tests: Event fixtures, a recording consumer and a manual clock. */
import { createEventStream } from '../../src/stream/index.ts';
import type { EventStream, EventStreamItem, EventStreamOptions, StreamClock } from '../../src/stream/index.ts';
import type { TestCluster } from '../../src/testing/index.ts';

/** The core/v1 events resource, for `cluster.api`. */
export const EV = { apiVersion: 'v1', resource: 'events' } as const;

/** A minimal valid core/v1 Event about a Pod (shared with the test-cluster tests). */
export { coreEvent } from '../testing/http-helpers.ts';

/** Fast retries for tests (no jitter), so a retry never waits long in real time. */
export const FAST_BACKOFF = { initialDelay: 5, maxDelay: 40, jitter: 0 } as const;

/** Stream options against a test cluster, with fast retries. */
export function streamOptions(cluster: TestCluster, extra: EventStreamOptions = {}): EventStreamOptions {
  return { kubeConfig: cluster.kubeConfig, backoff: FAST_BACKOFF, ...extra };
}

/** Iterates a stream in the background, recording every item; `until` waits for a condition on what was recorded. */
export class Recorder {
  readonly items: EventStreamItem[] = [];
  readonly stream: EventStream;
  readonly done: Promise<unknown>;
  #waiters: { check: () => boolean; resolve: () => void }[] = [];

  constructor(stream: EventStream) {
    this.stream = stream;
    this.done = (async () => {
      try {
        for await (const item of stream) {
          this.items.push(item);
          this.#wake();
        }
        return undefined;
      } catch (err) {
        return err;
      } finally {
        this.#wake();
      }
    })();
  }

  #wake(): void {
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.check()) return true;
      w.resolve();
      return false;
    });
  }

  /** Resolves once `check()` is true (checked after every item). */
  until(check: () => boolean, what = 'condition'): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`timed out waiting for ${what}; items: ${JSON.stringify(this.summary())}`));
      }, 15_000);
      this.#waiters.push({
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /** Waits for `n` items of `type` (counting all recorded so far). */
  untilCount(type: EventStreamItem['type'], n: number): Promise<void> {
    return this.until(() => this.ofType(type).length >= n, `${n} ${type} items`);
  }

  /** Items of one type. */
  ofType<T extends EventStreamItem['type']>(type: T): Extract<EventStreamItem, { type: T }>[] {
    return this.items.filter((i): i is Extract<EventStreamItem, { type: T }> => i.type === type);
  }

  /** A compact view: type and name@rv (for messages and assertions). */
  summary(): string[] {
    return this.items.map((i) => {
      if (i.type === 'added' || i.type === 'updated') return `${i.type} ${i.event.name}@${i.event.resourceVersion}`;
      if (i.type === 'deleted') return `deleted ${i.key.name}`;
      if (i.type === 'synced') return `synced ${i.reason}`;
      return `error ${i.error.code}`;
    });
  }

  /** Event items (added/updated) as `name@count`. */
  names(): string[] {
    return this.items.flatMap((i) => (i.type === 'added' || i.type === 'updated' ? [`${i.type}:${i.event.name}:${i.event.count}`] : []));
  }
}

/** Starts a stream on the cluster and a recorder on it. */
export function record(cluster: TestCluster, extra: EventStreamOptions = {}): Recorder {
  return new Recorder(createEventStream(streamOptions(cluster, extra)));
}

/** A clock that moves only when told; timers fire in order on `advance`. */
export class ManualClock implements StreamClock {
  #now: number;
  #timers = new Set<{ at: number; fn: () => void }>();

  constructor(start = Date.parse('2026-11-23T12:00:00Z')) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const t = { at: this.#now + ms, fn };
    this.#timers.add(t);
    return () => this.#timers.delete(t);
  }

  /** Timers waiting. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let next: { at: number; fn: () => void } | undefined;
      for (const t of this.#timers) if (t.at <= end && (!next || t.at < next.at)) next = t;
      if (!next) break;
      this.#timers.delete(next);
      this.#now = Math.max(this.#now, next.at);
      next.fn();
    }
    this.#now = end;
  }
}

/** Resolves on the next `name` event of an emitter. */
export function once<T extends unknown[] = unknown[]>(emitter: { once(event: any, fn: (...args: any[]) => void): unknown }, name: string): Promise<T> {
  return new Promise((resolve) => {
    emitter.once(name, (...args: unknown[]) => {
      resolve(args as T);
    });
  });
}
