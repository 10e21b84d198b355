/**
 * `runSinkConformance`: the shared suite every sink runs, built-in or yours. It drives the sink
 * through the real runner against a receiver your harness provides and checks the Sink contract:
 * every item delivered once, order within a key, batch limits, one result per item, retryable
 * and permanent failures classified, close drains, signals honoured, bad options rejected.
 *
 * It registers test cases with the `test` function you pass (vitest's or node:test's `it`), so
 * it depends on no test framework; failures throw {@link SinkConformanceError}.
 *
 * @module
 */
import { KubeEventsError } from '../../errors.ts';
import { fromCoreV1Event } from '../../stream/kube-event.ts';
import type { KubeEvent } from '../../stream/kube-event.ts';
import { eventOrderingKey } from '../event-keys.ts';
import { createSinkRunner } from '../runner/sink-runner.ts';
import type { SinkRunner } from '../runner/sink-runner.ts';
import type { SinkRunnerOptions } from '../runner/runner-options.ts';
import type { ItemOutcome } from '../runner/item-outcome.ts';
import type { SendResult, Sink } from '../sink.ts';
import { SinkConformanceError } from '../sink-errors.ts';

/**
 * A sink under test and the receiver it talks to (a local HTTP server, a temporary file, a
 * captured stream), built fresh for every case by the factory passed to
 * {@link runSinkConformance}.
 *
 * @typeParam T - The sink's items.
 *
 * @example
 * ```ts
 * const harness: SinkConformanceHarness = {
 *   sink: createWebhookSink({ url: server.url }),
 *   received: () => server.bodies.map((b) => b.uid),
 *   failNext: (kind, count, retryAfterMs) => server.failNext(kind === 'retryable' ? 503 : 400, count, retryAfterMs),
 *   close: () => server.close(),
 * };
 * ```
 */
export interface SinkConformanceHarness<T = KubeEvent> {
  /** The sink, talking to the harness's receiver. */
  readonly sink: Sink<T>;
  /** The ids (by the suite's `id` option) of the items the receiver has stored, in the order it stored them. */
  readonly received: () => readonly string[] | Promise<readonly string[]>;
  /**
   * Makes the receiver refuse the next `count` requests (or writes) without storing anything:
   * as a temporary failure (HTTP 503, with `Retry-After` when `retryAfterMs` is given) or a
   * permanent one (HTTP 400). Leave it out only when the receiver cannot fail on demand, and pass
   * `skipFailures: true` to the suite.
   */
  readonly failNext?: (kind: 'retryable' | 'permanent', count: number, retryAfterMs?: number) => void;
  /** Stops the receiver and removes what it made; called after the runner closed. */
  readonly close?: () => Promise<void>;
}

/**
 * Registers one test case; vitest's, jest's and node:test's `it` all fit. `skip`, when present,
 * registers a skipped case.
 */
export interface ConformanceTestFunction {
  (name: string, fn: () => Promise<void>): void;
  /** Registers a skipped case. */
  skip?: (name: string, fn: () => Promise<void>) => void;
}

/**
 * Options of {@link runSinkConformance}.
 *
 * @typeParam T - The sink's items.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 *
 * runSinkConformance(makeHarness, { test: it, describe, badOptions: [() => createMySink({ url: 'nope' })] });
 * ```
 */
export interface SinkConformanceOptions<T = KubeEvent> {
  /** Registers a case: vitest's or node:test's `it`. */
  readonly test: ConformanceTestFunction;
  /** Groups the cases under `sink conformance: <name>` when given. */
  readonly describe?: (name: string, fn: () => void) => void;
  /** The name in the group title. @defaultValue `'sink'` */
  readonly name?: string;
  /**
   * Calls that build the sink with an invalid option; each must throw an error with
   * `code === 'ERR_INVALID_OPTION'` and a message in the shape
   * ``Expected `option` to be …, got `value` (type)``. Pass `[]` for a sink without options.
   */
  readonly badOptions: readonly (() => unknown)[];
  /**
   * Item number `i` of ordering key `key`.
   * @defaultValue a Warning KubeEvent about Pod `default/<key>` with uid `conformance-<i>`
   */
  readonly item?: (i: number, key: string) => T;
  /**
   * The id the receiver reports an item by.
   * @defaultValue the KubeEvent's `uid`
   */
  readonly id?: (item: T) => string;
  /**
   * The ordering key of an item.
   * @defaultValue {@link eventOrderingKey}
   */
  readonly key?: (item: T) => string | undefined;
  /**
   * Skips the two failure cases (retryable, permanent), for a harness without `failNext`; they
   * are registered with `test.skip` so the report shows them as skipped.
   * @defaultValue `false`
   */
  readonly skipFailures?: boolean;
  /**
   * Whether `failNext('retryable', n, retryAfterMs)` makes the sink report `retryAfterMs` (it
   * sends `Retry-After`), so the suite checks the runner waited that long.
   * @defaultValue `false`
   */
  readonly retryAfter?: boolean;
}

/** A Warning KubeEvent number `i` about Pod `default/<key>`, uid `conformance-<i>`. */
function conformanceEvent(i: number, key: string): KubeEvent {
  return fromCoreV1Event({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${key}.conformance-${i}`, namespace: 'default', uid: `conformance-${i}`, resourceVersion: String(10_000 + i) },
    involvedObject: { kind: 'Pod', namespace: 'default', name: key, uid: `pod-${key}`, apiVersion: 'v1' },
    reason: 'BackOff',
    message: `Back-off restarting failed container (conformance item ${i})`,
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2026-01-02T03:04:05Z',
    lastTimestamp: '2026-01-02T03:04:05Z',
    count: 1,
    type: 'Warning',
  });
}

function fail(message: string): never {
  throw new SinkConformanceError(message);
}

function check(ok: boolean, message: string): void {
  if (!ok) fail(message);
}

const INVALID_OPTION_MESSAGE = /^Expected `[^`]+` to be .+, got `[\s\S]*` \([a-z]+\)$/;
const STATUSES = new Set(['delivered', 'retryable', 'permanent']);
/** Sleeps at least this long are real timers (close timeout); shorter ones (retry delays) are recorded and skipped. */
const REAL_SLEEP_FROM = 60_000;

interface Case<T> {
  readonly harness: SinkConformanceHarness<T>;
  readonly sleeps: number[];
  runner(options?: SinkRunnerOptions<T>): SinkRunner<T>;
  items(count: number, keys: number): T[];
  received(): Promise<readonly string[]>;
}

/**
 * Registers the conformance cases for the sink `factory` builds. Each case builds a fresh harness,
 * drives the sink through {@link createSinkRunner} and closes both. Retry delays are recorded and
 * skipped, so the suite runs in about a second.
 *
 * @typeParam T - The sink's items; {@link KubeEvent} by default (pass `item`, `id` and `key` for others).
 * @param factory - Builds a harness: the sink and its receiver.
 * @param options - The test function, the bad-option calls, and how to make and identify items.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { runSinkConformance } from 'kube-events/sinks';
 *
 * runSinkConformance(
 *   async () => {
 *     const server = await startMyReceiver();
 *     return { sink: createMySink({ url: server.url }), received: () => server.ids(), failNext: server.failNext, close: server.close };
 *   },
 *   { test: it, describe, name: 'my-sink', badOptions: [() => createMySink({ url: '' })] },
 * );
 * ```
 */
export function runSinkConformance<T = KubeEvent>(
  factory: () => SinkConformanceHarness<T> | Promise<SinkConformanceHarness<T>>,
  options: SinkConformanceOptions<T>,
): void {
  const test = options.test;
  const makeItem = options.item ?? (conformanceEvent as unknown as (i: number, key: string) => T);
  const idOf = options.id ?? ((item: T) => (item as unknown as KubeEvent).uid);
  const keyOf = options.key ?? (eventOrderingKey as unknown as (item: T) => string | undefined);

  const withCase = (fn: (c: Case<T>) => Promise<void>) => async (): Promise<void> => {
    const harness = await factory();
    const sleeps: number[] = [];
    const runners: SinkRunner<T>[] = [];
    const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        if (signal.aborted) {
          reject(signal.reason as Error);
          return;
        }
        if (ms < REAL_SLEEP_FROM) sleeps.push(ms);
        const timer = setTimeout(
          () => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          },
          ms < REAL_SLEEP_FROM ? 0 : ms,
        );
        const onAbort = (): void => {
          clearTimeout(timer);
          reject(signal.reason as Error);
        };
        signal.addEventListener('abort', onAbort, { once: true });
      });
    const c: Case<T> = {
      harness,
      sleeps,
      runner(extra = {}) {
        const runner = createSinkRunner(harness.sink, { key: keyOf, sendTimeout: 0, closeTimeout: REAL_SLEEP_FROM, ...extra, sleep });
        runners.push(runner);
        return runner;
      },
      items(count, keys) {
        return Array.from({ length: count }, (_, i) => makeItem(i, `key-${i % keys}`));
      },
      async received() {
        return [...(await harness.received())];
      },
    };
    try {
      await fn(c);
    } finally {
      for (const runner of runners) await runner.close();
      await harness.close?.();
    }
  };

  const checkOnce = (received: readonly string[], expected: readonly T[]): void => {
    const seen = new Set<string>();
    for (const id of received) {
      check(!seen.has(id), `item ${id} was received twice`);
      seen.add(id);
    }
    const missing = expected.map(idOf).filter((id) => !seen.has(id));
    check(missing.length === 0, `${missing.length} of ${expected.length} items never arrived (first: ${missing[0] ?? ''})`);
    check(received.length === expected.length, `expected ${expected.length} items at the receiver, found ${received.length}`);
  };

  const checkKeyOrder = (received: readonly string[], items: readonly T[]): void => {
    const byId = new Map(items.map((item, i) => [idOf(item), { i, key: keyOf(item) }]));
    const last = new Map<string | undefined, number>();
    for (const id of received) {
      const info = byId.get(id);
      if (info === undefined) continue;
      const before = last.get(info.key);
      check(before === undefined || before < info.i, `key ${String(info.key)}: item ${id} arrived after a later item of the same key`);
      last.set(info.key, info.i);
    }
  };

  const enqueueAll = async (runner: SinkRunner<T>, items: readonly T[]): Promise<Map<string, ItemOutcome>> => {
    const outcomes = new Map<string, ItemOutcome>();
    for (const item of items) {
      await runner.enqueue(item, (o) => outcomes.set(idOf(item), o));
    }
    return outcomes;
  };

  const cases = (): void => {
    test(
      'delivers every item exactly once',
      withCase(async (c) => {
        const runner = c.runner({ concurrency: 3, batch: { maxItems: 7, maxLatency: 0 } });
        const items = c.items(60, 6);
        const outcomes = await enqueueAll(runner, items);
        await runner.drain();
        checkOnce(await c.received(), items);
        check(
          [...outcomes.values()].every((o) => o.status === 'delivered') && outcomes.size === items.length,
          'every item must be acknowledged as delivered',
        );
      }),
    );

    test(
      'keeps the items of one key in order',
      withCase(async (c) => {
        const runner = c.runner({ concurrency: 4, batch: { maxItems: 3, maxLatency: 0 } });
        const items = c.items(80, 5);
        await enqueueAll(runner, items);
        await runner.drain();
        const received = await c.received();
        checkOnce(received, items);
        checkKeyOrder(received, items);
      }),
    );

    test(
      'is sent batches within maxItems and maxBytes',
      withCase(async (c) => {
        const sizes: number[] = [];
        const send = c.harness.sink.send.bind(c.harness.sink);
        const counting: Sink<T> = {
          name: c.harness.sink.name,
          send: (batch, context) => {
            sizes.push(batch.length);
            return send(batch, context);
          },
        };
        const byItems = createSinkRunner(counting, { key: keyOf, batch: { maxItems: 4, maxLatency: 5 }, size: () => 1 });
        const items = c.items(30, 3);
        await enqueueAll(byItems, items);
        await byItems.drain();
        await byItems.close();
        check(sizes.every((n) => n >= 1 && n <= 4), `batches of ${sizes.join(', ')} items for maxItems 4`);
        sizes.length = 0;
        const byBytes = createSinkRunner(counting, { key: keyOf, batch: { maxBytes: 250, maxLatency: 5 }, size: () => 100 });
        const more = c.items(60, 3).slice(30);
        await enqueueAll(byBytes, more);
        await byBytes.drain();
        await byBytes.close();
        check(sizes.every((n) => n >= 1 && n <= 2), `batches of ${sizes.join(', ')} items of 100 bytes for maxBytes 250`);
        checkOnce(await c.received(), [...items, ...more]);
      }),
    );

    test(
      'answers send() with one result per item, or one for the batch',
      withCase(async (c) => {
        const batch = c.items(3, 3);
        const raw: unknown = await c.harness.sink.send(batch, { signal: new AbortController().signal, attempt: 1 });
        const list = Array.isArray(raw) ? (raw as unknown[]) : [raw];
        check(Array.isArray(raw) ? list.length === batch.length : true, `send() resolved with ${list.length} results for a batch of ${batch.length}`);
        for (const r of list) {
          check(typeof r === 'object' && r !== null && STATUSES.has((r as SendResult).status), `send() resolved with ${JSON.stringify(r)}, not a SendResult`);
          check((r as SendResult).status === 'delivered', `a healthy receiver must get status delivered, got ${(r as SendResult).status}`);
        }
        checkOnce(await c.received(), batch);
      }),
    );

    const failureCase = (name: string, fn: (c: Case<T>, failNext: NonNullable<SinkConformanceHarness<T>['failNext']>) => Promise<void>): void => {
      if (options.skipFailures === true) {
        test.skip?.(`${name} (skipped: the receiver cannot fail on demand)`, () => Promise.resolve());
        return;
      }
      test(
        name,
        withCase(async (c) => {
          const failNext = c.harness.failNext;
          if (failNext === undefined) fail('the harness has no failNext(); implement it, or pass skipFailures: true');
          await fn(c, failNext);
        }),
      );
    };

    failureCase('retries what the receiver refuses for now, without loss, duplicates or reordering', async (c, failNext) => {
      const runner = c.runner({ concurrency: 2, batch: { maxItems: 4, maxLatency: 0 } });
      failNext('retryable', 2, options.retryAfter === true ? 2_000 : undefined);
      const items = c.items(24, 3);
      await enqueueAll(runner, items);
      await runner.drain();
      const received = await c.received();
      checkOnce(received, items);
      checkKeyOrder(received, items);
      check(runner.stats().retried > 0, 'a refused request must be retried (runner.stats().retried is 0)');
      if (options.retryAfter === true) check(c.sleeps.includes(2_000), `Retry-After: 2 must become retryAfterMs 2000; the runner waited ${c.sleeps.join(', ')} ms`);
    });

    failureCase('does not retry what the receiver rejects for good', async (c, failNext) => {
      const runner = c.runner({ concurrency: 1, batch: { maxItems: 5, maxLatency: 0 } });
      failNext('permanent', 1);
      const items = c.items(10, 2);
      const outcomes = await enqueueAll(runner, items);
      await runner.drain();
      const received = new Set(await c.received());
      const rejected = [...outcomes].filter(([, o]) => o.status === 'dropped' && o.reason === 'permanent').map(([id]) => id);
      check(rejected.length >= 1, 'a rejected request must make its items permanent failures');
      check(runner.stats().retried === 0, `permanent failures must not be retried (retried ${runner.stats().retried})`);
      for (const id of rejected) check(!received.has(id), `item ${id} was reported permanent but the receiver has it`);
      check(received.size + rejected.length === items.length, `${received.size} received + ${rejected.length} rejected != ${items.length} sent`);
    });

    test(
      'delivers everything held when the runner closes, then closes the sink once',
      withCase(async (c) => {
        let closes = 0;
        const sink = c.harness.sink;
        const wrapped: Sink<T> = {
          name: sink.name,
          send: (batch, context) => sink.send(batch, context),
          close: async () => {
            closes++;
            await sink.close?.();
          },
        };
        const runner = createSinkRunner(wrapped, { key: keyOf, batch: { maxItems: 1_000, maxLatency: 3_600_000 } });
        const items = c.items(20, 4);
        await enqueueAll(runner, items);
        await runner.close();
        checkOnce(await c.received(), items);
        check(closes === 1, `sink.close() must be called once by runner.close(), was called ${closes} times`);
        let refused: unknown;
        await runner.enqueue(items[0] as T).catch((err: unknown) => {
          refused = err;
        });
        check(refused instanceof KubeEventsError && refused.code === 'ERR_SINK_RUNNER_CLOSED', 'enqueue() after close() must reject with ERR_SINK_RUNNER_CLOSED');
      }),
    );

    test(
      'settles send() promptly when its signal is already aborted',
      withCase(async (c) => {
        const ctl = new AbortController();
        ctl.abort(new Error('shutting down'));
        let timer: NodeJS.Timeout | undefined;
        const settled = await Promise.race([
          Promise.resolve(c.harness.sink.send(c.items(2, 1), { signal: ctl.signal, attempt: 1 })).then(
            () => true,
            () => true,
          ),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => {
              resolve(false);
            }, 5_000);
          }),
        ]);
        clearTimeout(timer);
        check(settled, 'send() with an aborted signal did not settle within 5 s');
      }),
    );

    test('rejects bad options with a clear ERR_INVALID_OPTION error', async () => {
      for (const [i, build] of options.badOptions.entries()) {
        let thrown: unknown;
        let built: unknown;
        try {
          built = await build();
        } catch (err) {
          thrown = err;
        }
        if (thrown === undefined) {
          await (built as Partial<Sink<T>> | undefined)?.close?.();
          fail(`badOptions[${i}] did not throw`);
        }
        check(thrown instanceof KubeEventsError && thrown.code === 'ERR_INVALID_OPTION', `badOptions[${i}] threw ${thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : typeof thrown}, not an ERR_INVALID_OPTION error`);
        const message = (thrown as Error).message;
        check(INVALID_OPTION_MESSAGE.test(message), `badOptions[${i}]: message "${message}" is not in the shape "Expected \`option\` to be …, got \`value\` (type)"`);
      }
    });
  };

  if (options.describe === undefined) cases();
  else options.describe(`sink conformance: ${options.name ?? 'sink'}`, cases);
}
