import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Registry } from 'prom-client';
import { createSinkRunner } from '../../../src/sinks/runner/sink-runner.ts';
import type { SinkRunnerOptions } from '../../../src/sinks/runner/runner-options.ts';
import type { ItemOutcome } from '../../../src/sinks/runner/item-outcome.ts';
import { delivered, permanent, retryable } from '../../../src/sinks/sink.ts';
import type { Sink } from '../../../src/sinks/sink.ts';
import { InvalidOptionError } from '../../../src/errors.ts';
import type { KubeEvent } from '../../../src/stream/kube-event.ts';
import { eventNumber, testEvent } from '../support/test-events.ts';
import { deferred, scriptedSink } from '../support/scripted-sink.ts';

async function flush(): Promise<void> {
  await vi.advanceTimersByTimeAsync(0);
}

/** Advances the fake clock until `promise` settles (close timeouts, retry delays). */
async function settle<T>(promise: Promise<T>): Promise<T> {
  const state = { done: false };
  const watched = promise.finally(() => {
    state.done = true;
  });
  for (let i = 0; i < 1_000 && !state.done; i++) await vi.advanceTimersByTimeAsync(1_000);
  return watched;
}
const numbers = (batch: readonly KubeEvent[]): number[] => batch.map(eventNumber);

/** Fake timers drive batching latency, retry delays and timeouts; jitter is off unless a test sets it. */
function options(extra: SinkRunnerOptions = {}): SinkRunnerOptions {
  return { random: () => 0, ...extra, batch: { maxLatency: 100, ...extra.batch } };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('batching', () => {
  it('sends a batch as soon as it has maxItems items, and the rest after maxLatency', async () => {
    const sink = scriptedSink<KubeEvent>();
    const runner = createSinkRunner(sink, options({ batch: { maxItems: 4, maxLatency: 100 } }));
    for (let i = 0; i < 10; i++) void runner.enqueue(testEvent(i, `pod-${i}`));
    await flush();
    expect(sink.calls.map((c) => numbers(c.batch))).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    await vi.advanceTimersByTimeAsync(99);
    expect(sink.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.calls.map((c) => numbers(c.batch))).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    await settle(runner.close());
  });

  it('keeps a batch under maxBytes by the size option, sending an oversized item alone', async () => {
    const sink = scriptedSink<KubeEvent>();
    const sizes = new Map([
      [0, 40],
      [1, 40],
      [2, 40],
      [3, 500],
      [4, 10],
    ]);
    const runner = createSinkRunner(sink, options({ concurrency: 1, size: (ev) => sizes.get(eventNumber(ev)) ?? 0, batch: { maxBytes: 100, maxLatency: 0 } }));
    for (let i = 0; i < 5; i++) void runner.enqueue(testEvent(i, `pod-${i}`));
    await settle(runner.drain());
    expect(sink.calls.map((c) => numbers(c.batch))).toEqual([[0], [1, 2], [3], [4]]);
    await settle(runner.close());
  });

  it('sends a lone item after exactly maxLatency', async () => {
    const sink = scriptedSink<KubeEvent>();
    const runner = createSinkRunner(sink, options({ batch: { maxLatency: 250 } }));
    void runner.enqueue(testEvent(1));
    await vi.advanceTimersByTimeAsync(249);
    expect(sink.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.calls).toHaveLength(1);
    await settle(runner.close());
  });

  it('runs at most `concurrency` sends at once', async () => {
    const gate = deferred();
    const sink = scriptedSink<KubeEvent>('slow', async () => {
      await gate.promise;
      return delivered();
    });
    const runner = createSinkRunner(sink, options({ concurrency: 3, batch: { maxItems: 1, maxLatency: 0 } }));
    for (let i = 0; i < 10; i++) void runner.enqueue(testEvent(i, `pod-${i}`));
    await flush();
    expect(sink.running).toBe(3);
    gate.resolve();
    await settle(runner.drain());
    expect(sink.maxRunning).toBe(3);
    expect(sink.delivered.map(eventNumber).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await settle(runner.close());
  });
});

describe('retry', () => {
  it('retries retryable items with exponential backoff (800 ms, 1.6 s, 3.2 s …) until delivered', async () => {
    let failures = 3;
    const sink = scriptedSink<KubeEvent>('flaky', () => (failures-- > 0 ? retryable(new Error('503')) : delivered()));
    const runner = createSinkRunner(sink, options({ batch: { maxLatency: 0 } }));
    const retries: number[] = [];
    runner.on('retry', ({ delayMs }) => retries.push(delayMs));
    const outcome = deferred<ItemOutcome>();
    void runner.enqueue(testEvent(1), outcome.resolve);
    await flush();
    expect(sink.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(799);
    expect(sink.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1600 + 3200);
    expect(sink.calls).toHaveLength(4);
    expect(await outcome.promise).toEqual({ status: 'delivered' });
    expect(retries).toEqual([800, 1600, 3200]);
    expect(sink.calls.map((c) => c.context.attempt)).toEqual([1, 2, 3, 4]);
    expect(runner.stats()).toMatchObject({ delivered: 1, retried: 3, failed: { retryable: 3, permanent: 0 } });
    await settle(runner.close());
  });

  it('stretches delays by the jitter and caps them at maxDelay', async () => {
    const sink = scriptedSink<KubeEvent>('down', () => retryable(new Error('down')));
    const runner = createSinkRunner(sink, { random: () => 0.5, batch: { maxLatency: 0 }, retry: { maxAttempts: 8, maxDelay: 5_000 }, closeTimeout: 0 });
    const retries: number[] = [];
    runner.on('retry', ({ delayMs }) => retries.push(delayMs));
    void runner.enqueue(testEvent(1));
    await vi.advanceTimersByTimeAsync(200_000);
    // base 800·2^n capped at 5000, each × 1.5
    expect(retries).toEqual([1200, 2400, 4800, 7500, 7500, 7500, 7500]);
    expect(runner.stats().dropped['retries-exhausted']).toBe(1);
    await settle(runner.close());
  });

  it('waits the Retry-After the sink reports instead of the backoff, up to maxRetryAfter', async () => {
    const answers = [retryable(new Error('429'), 5_000), retryable(new Error('429'), 3_600_000), delivered()];
    const sink = scriptedSink<KubeEvent>('limited', () => answers.shift() ?? delivered());
    const runner = createSinkRunner(sink, options({ batch: { maxLatency: 0 }, retry: { maxRetryAfter: 60_000 } }));
    const retries: number[] = [];
    runner.on('retry', ({ delayMs }) => retries.push(delayMs));
    void runner.enqueue(testEvent(1));
    await flush();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(sink.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sink.calls).toHaveLength(3);
    expect(retries).toEqual([5_000, 60_000]);
    await settle(runner.close());
  });

  it('on partial success re-sends only the retryable items and drops the permanent ones', async () => {
    const sink = scriptedSink<KubeEvent>('bulk', (batch, { attempt }) =>
      attempt === 1 ? [delivered(), retryable(new Error('es_rejected_execution_exception')), permanent(new Error('mapper_parsing_exception'))] : batch.map(() => delivered()),
    );
    const runner = createSinkRunner(sink, options({ batch: { maxItems: 3 }, key: () => undefined }));
    const outcomes: [number, ItemOutcome][] = [];
    for (let i = 0; i < 3; i++) void runner.enqueue(testEvent(i), (o) => outcomes.push([i, o]));
    await flush();
    await vi.advanceTimersByTimeAsync(800);
    expect(sink.calls.map((c) => numbers(c.batch))).toEqual([[0, 1, 2], [1]]);
    expect(outcomes).toEqual([
      [0, { status: 'delivered' }],
      [2, { status: 'dropped', reason: 'permanent', error: new Error('mapper_parsing_exception') }],
      [1, { status: 'delivered' }],
    ]);
    expect(runner.stats()).toMatchObject({ delivered: 2, retried: 1, failed: { retryable: 1, permanent: 1 } });
    expect(runner.stats().dropped.permanent).toBe(1);
    await settle(runner.close());
  });

  it('keeps the order within a key across retries while other keys flow', async () => {
    let failFirstA = 2;
    const sink = scriptedSink<KubeEvent>('ordered', (batch) =>
      batch.map((ev) => (ev.regarding.name === 'a' && eventNumber(ev) === 0 && failFirstA-- > 0 ? retryable(new Error('busy')) : delivered())),
    );
    const runner = createSinkRunner(sink, options({ concurrency: 4, batch: { maxItems: 1, maxLatency: 0 } }));
    const keys = ['a', 'b', 'a', 'b', 'a', 'c'];
    keys.forEach((key, i) => void runner.enqueue(testEvent(i, key)));
    await flush();
    // a0 failed; a2 and a4 wait behind it; b1 and c5 go, then b3 once b1 is done.
    expect(numbers(sink.delivered)).toEqual([1, 5, 3]);
    await vi.advanceTimersByTimeAsync(800);
    expect(numbers(sink.delivered)).toEqual([1, 5, 3]);
    await vi.advanceTimersByTimeAsync(1600);
    expect(numbers(sink.delivered)).toEqual([1, 5, 3, 0, 2, 4]);
    // Never two batches of one key at once.
    expect(sink.calls.every((c) => new Set(c.batch.map((ev) => ev.regarding.name)).size === c.batch.length)).toBe(true);
    await settle(runner.close());
  });

  it('gives up after maxAttempts with reason retries-exhausted', async () => {
    const sink = scriptedSink<KubeEvent>('down', () => retryable(new Error('connection refused')));
    const runner = createSinkRunner(sink, options({ batch: { maxLatency: 0 }, retry: { maxAttempts: 3 } }));
    const outcome = deferred<ItemOutcome>();
    void runner.enqueue(testEvent(1), outcome.resolve);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sink.calls).toHaveLength(3);
    expect(await outcome.promise).toEqual({ status: 'dropped', reason: 'retries-exhausted', error: new Error('connection refused') });
    await settle(runner.close());
  });

  it('treats a throwing send as retryable and a timed-out send as retryable with its signal aborted', async () => {
    const signals: AbortSignal[] = [];
    const answers: (() => Promise<never> | never)[] = [
      () => {
        throw new Error('boom');
      },
      () => new Promise<never>(() => undefined),
    ];
    const sink = scriptedSink<KubeEvent>('odd', (_batch, { signal }) => {
      signals.push(signal);
      const next = answers.shift();
      return next ? next() : delivered();
    });
    const runner = createSinkRunner(sink, options({ batch: { maxLatency: 0 }, sendTimeout: 1_000 }));
    const errors: string[] = [];
    runner.on('retry', ({ error }) => errors.push((error as Error & { code: string }).code));
    void runner.enqueue(testEvent(1));
    await flush();
    await vi.advanceTimersByTimeAsync(800);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(signals[1]?.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(1_600);
    expect(errors).toEqual(['ERR_SINK_SEND', 'ERR_SINK_TIMEOUT']);
    expect(runner.stats().delivered).toBe(1);
    await settle(runner.close());
  });

  it('drops a batch whose results break the contract, with an ERR_SINK_CONTRACT error', async () => {
    const bad: Sink = { name: 'bad', send: () => Promise.resolve([delivered()]) };
    const runner = createSinkRunner(bad, options({ batch: { maxItems: 2, maxLatency: 1_000 }, key: () => undefined }));
    const errors: string[] = [];
    runner.on('error', (err) => errors.push((err as Error & { code: string }).code));
    void runner.enqueue(testEvent(1));
    void runner.enqueue(testEvent(2));
    await settle(runner.drain());
    expect(errors).toEqual(['ERR_SINK_CONTRACT']);
    expect(runner.stats().dropped.permanent).toBe(2);
    await settle(runner.close());
  });
});

describe('overflow', () => {
  it('block: enqueue waits for room and keeps the order', async () => {
    const gate = deferred();
    const sink = scriptedSink<KubeEvent>('stalled', async () => {
      await gate.promise;
      return delivered();
    });
    const runner = createSinkRunner(sink, options({ overflow: 'block', bufferSize: 4, concurrency: 1, batch: { maxItems: 2, maxLatency: 0 } }));
    const admitted: number[] = [];
    const all = Array.from({ length: 8 }, (_, i) => runner.enqueue(testEvent(i)).then(() => admitted.push(i)));
    await flush();
    expect(admitted).toEqual([0, 1, 2, 3]);
    expect(runner.stats()).toMatchObject({ buffered: 4, blocked: 4 });
    gate.resolve();
    await Promise.all(all);
    await settle(runner.drain());
    expect(admitted).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(numbers(sink.delivered)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(runner.stats().dropped['buffer-full']).toBe(0);
    await settle(runner.close());
  });

  it('block: more waiting callers than the buffer holds are dropped as buffer-full, and waiting ones as closed on close', async () => {
    const sink = scriptedSink<KubeEvent>('down', () => retryable(new Error('down')));
    const runner = createSinkRunner(sink, options({ overflow: 'block', bufferSize: 2, batch: { maxItems: 2, maxLatency: 0 }, closeTimeout: 1_000 }));
    const outcomes = new Map<number, ItemOutcome>();
    const admitted = Array.from({ length: 6 }, (_, i) => runner.enqueue(testEvent(i), (o) => outcomes.set(i, o)));
    await flush();
    // 2 held, 2 waiting (the bound is bufferSize), 2 dropped at once.
    expect(runner.stats()).toMatchObject({ buffered: 2, blocked: 2 });
    expect([...outcomes]).toEqual([
      [4, { status: 'dropped', reason: 'buffer-full' }],
      [5, { status: 'dropped', reason: 'buffer-full' }],
    ]);
    await settle(runner.close());
    await Promise.all(admitted);
    expect(runner.stats().dropped).toMatchObject({ 'buffer-full': 2, closed: 4 });
    expect([...outcomes.keys()].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('drop-newest: counts exactly the items that did not fit', async () => {
    const sink = scriptedSink<KubeEvent>('down', () => retryable(new Error('down')));
    const runner = createSinkRunner(sink, options({ overflow: 'drop-newest', bufferSize: 10, batch: { maxItems: 5, maxLatency: 0 }, closeTimeout: 0 }));
    const dropped: number[] = [];
    for (let i = 0; i < 25; i++) {
      void runner.enqueue(testEvent(i, `pod-${i}`), (o) => {
        if (o.status === 'dropped') dropped.push(i);
      });
    }
    await flush();
    expect(dropped).toEqual(Array.from({ length: 15 }, (_, i) => i + 10));
    expect(runner.stats().dropped['buffer-full']).toBe(15);
    await settle(runner.close());
  });

  it('drop-oldest: drops the oldest waiting items, never those in flight, and counts them', async () => {
    const sink = scriptedSink<KubeEvent>('down', () => retryable(new Error('down')));
    const runner = createSinkRunner(sink, options({ overflow: 'drop-oldest', bufferSize: 10, concurrency: 1, batch: { maxItems: 5, maxLatency: 1_000 }, closeTimeout: 0 }));
    const dropped: number[] = [];
    const drops: number[] = [];
    runner.on('drop', ({ count }) => drops.push(count));
    for (let i = 0; i < 25; i++) {
      void runner.enqueue(testEvent(i, `pod-${i}`), (o) => {
        if (o.status === 'dropped') dropped.push(i);
      });
    }
    await flush();
    // 0–4 are in flight (retrying); the waiting half keeps the newest 5: 20–24.
    expect(dropped).toEqual(Array.from({ length: 15 }, (_, i) => i + 5));
    expect(drops.reduce((a, b) => a + b, 0)).toBe(15);
    expect(runner.stats()).toMatchObject({ buffered: 10, inFlight: 5 });
    await settle(runner.close());
    expect(dropped.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(runner.stats().dropped).toMatchObject({ 'buffer-full': 15, closed: 10 });
  });

  it('bounds the buffer in bytes as well as items', async () => {
    const sink = scriptedSink<KubeEvent>('down', () => retryable(new Error('down')));
    const runner = createSinkRunner(sink, options({ overflow: 'drop-newest', size: () => 100, maxBufferedBytes: 350, batch: { maxLatency: 0 }, closeTimeout: 0 }));
    for (let i = 0; i < 5; i++) void runner.enqueue(testEvent(i, `pod-${i}`));
    await flush();
    expect(runner.stats()).toMatchObject({ buffered: 3, bufferedBytes: 300 });
    expect(runner.stats().dropped['buffer-full']).toBe(2);
    await settle(runner.close());
  });
});

describe('drain and close', () => {
  it('drain sends partial batches at once and resolves when all is delivered', async () => {
    const sink = scriptedSink<KubeEvent>();
    const runner = createSinkRunner(sink, options({ batch: { maxItems: 100, maxLatency: 60_000 } }));
    for (let i = 0; i < 3; i++) void runner.enqueue(testEvent(i));
    await settle(runner.drain());
    expect(numbers(sink.delivered)).toEqual([0, 1, 2]);
    await settle(runner.close());
  });

  it('drain rejects with the signal reason when aborted first', async () => {
    const sink = scriptedSink<KubeEvent>('down', () => retryable(new Error('down')));
    const runner = createSinkRunner(sink, options({ closeTimeout: 0 }));
    void runner.enqueue(testEvent(1));
    const ctl = new AbortController();
    const draining = runner.drain({ signal: ctl.signal });
    ctl.abort(new Error('gave up'));
    await expect(draining).rejects.toThrow('gave up');
    await settle(runner.close());
  });

  it('close drains, closes the sink once, emits close, and refuses later items', async () => {
    const sink = scriptedSink<KubeEvent>();
    const runner = createSinkRunner(sink, options({ batch: { maxLatency: 60_000 } }));
    let closed = 0;
    runner.on('close', () => closed++);
    for (let i = 0; i < 3; i++) void runner.enqueue(testEvent(i));
    await Promise.all([runner.close(), runner.close()]);
    expect(numbers(sink.delivered)).toEqual([0, 1, 2]);
    expect(sink.closed).toBe(1);
    expect(closed).toBe(1);
    await expect(runner.enqueue(testEvent(9))).rejects.toMatchObject({ code: 'ERR_SINK_RUNNER_CLOSED' });
  });

  it('close during an outage waits closeTimeout, then aborts the send and drops what is left as closed', async () => {
    const signals: AbortSignal[] = [];
    const sink = scriptedSink<KubeEvent>('hung', (_batch, { signal }) => {
      signals.push(signal);
      return new Promise<never>(() => undefined);
    });
    const runner = createSinkRunner(sink, options({ batch: { maxItems: 2, maxLatency: 0 }, concurrency: 1, closeTimeout: 5_000, sendTimeout: 0 }));
    const outcomes: ItemOutcome[] = [];
    for (let i = 0; i < 5; i++) void runner.enqueue(testEvent(i), (o) => outcomes.push(o));
    const closing = runner.close();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(outcomes).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    await closing;
    expect(signals[0]?.aborted).toBe(true);
    expect(outcomes).toEqual(Array.from({ length: 5 }, () => ({ status: 'dropped', reason: 'closed' })));
    expect(runner.stats()).toMatchObject({ buffered: 0, dropped: { closed: 5 } });
  });
});

describe('metrics', () => {
  it('exports sent, failed, retried, dropped, buffered and the send duration through prom-client', async () => {
    const registry = new Registry();
    let fail = 1;
    const sink = scriptedSink<KubeEvent>('hook', () => (fail-- > 0 ? retryable(new Error('503')) : delivered()));
    const runner = createSinkRunner(sink, options({ registry, overflow: 'drop-newest', bufferSize: 2, batch: { maxItems: 2, maxLatency: 1_000 } }));
    for (let i = 0; i < 3; i++) void runner.enqueue(testEvent(i));
    await vi.advanceTimersByTimeAsync(800);
    await settle(runner.drain());
    const text = await registry.metrics();
    expect(text).toContain('kube_events_sink_sent_total{sink="hook"} 2');
    expect(text).toContain('kube_events_sink_failed_total{sink="hook",kind="retryable"} 2');
    expect(text).toContain('kube_events_sink_retried_total{sink="hook"} 2');
    expect(text).toContain('kube_events_sink_dropped_total{sink="hook",reason="buffer-full"} 1');
    expect(text).toContain('kube_events_sink_buffered{sink="hook"} 0');
    expect(text).toContain('kube_events_sink_spilled_bytes{sink="hook"} 0');
    expect(text).toContain('kube_events_sink_send_duration_seconds_count{sink="hook"} 2');
    expect(runner.registry).toBe(registry);
    await settle(runner.close());
  });

  it('lets runners share a registry, but not two open runners of one sink name', async () => {
    const registry = new Registry();
    const a = createSinkRunner(scriptedSink<KubeEvent>('a'), { registry });
    const b = createSinkRunner(scriptedSink<KubeEvent>('b'), { registry });
    expect(() => createSinkRunner(scriptedSink<KubeEvent>('a'), { registry })).toThrow(InvalidOptionError);
    await a.close();
    const again = createSinkRunner(scriptedSink<KubeEvent>('a'), { registry });
    await Promise.all([b.close(), again.close()]);
  });
});

describe('options', () => {
  const sink = scriptedSink<KubeEvent>();
  it.each([
    [{ concurrency: 0 }, 'Expected `concurrency` to be an integer >= 1, got `0` (number)'],
    [{ batch: { maxItems: 1.5 } }, 'Expected `batch.maxItems` to be an integer >= 1, got `1.5` (number)'],
    [{ batch: { maxLatency: -1 } }, 'Expected `batch.maxLatency` to be a finite number >= 0, got `-1` (number)'],
    [{ bufferSize: 10, batch: { maxItems: 20 } }, 'Expected `bufferSize` to be an integer >= batch.maxItems (20), got `10` (number)'],
    [{ overflow: 'drop' }, "Expected `overflow` to be one of 'block', 'drop-oldest', 'drop-newest', 'spill', got `drop` (string)"],
    [{ overflow: 'spill' }, "Expected `spill` to be an object with `directory` when overflow is 'spill', got `undefined` (undefined)"],
    [{ spill: { directory: '/tmp/x' } }, "Expected `spill` to be absent unless overflow is 'spill' (overflow is 'block'), got `{\"directory\":\"/tmp/x\"}` (object)"],
    [{ retry: { factor: 0.5 } }, 'Expected `retry.factor` to be a finite number >= 1, got `0.5` (number)'],
    [{ sendTimeout: Number.NaN }, 'Expected `sendTimeout` to be a finite number >= 0, got `null` (number)'],
    [{ key: 'uid' }, 'Expected `key` to be a function, got `uid` (string)'],
  ])('rejects %j', (bad, message) => {
    expect(() => createSinkRunner(sink, bad as SinkRunnerOptions)).toThrow(InvalidOptionError);
    expect(() => createSinkRunner(sink, bad as SinkRunnerOptions)).toThrow(message);
  });

  it('rejects a sink without a name or send', () => {
    expect(() => createSinkRunner({ name: '', send: () => Promise.resolve(delivered()) })).toThrow('Expected `sink.name` to be a non-empty string, got `` (string)');
    expect(() => createSinkRunner({ name: 'x' } as unknown as Sink)).toThrow('Expected `sink.send` to be a function, got `undefined` (undefined)');
  });
});
