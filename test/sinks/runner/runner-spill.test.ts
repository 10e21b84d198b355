import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSinkRunner } from '../../../src/sinks/runner/sink-runner.ts';
import type { SinkRunnerOptions } from '../../../src/sinks/runner/runner-options.ts';
import type { ItemOutcome } from '../../../src/sinks/runner/item-outcome.ts';
import { delivered, retryable } from '../../../src/sinks/sink.ts';
import type { KubeEvent } from '../../../src/stream/kube-event.ts';
import { eventNumber, testEvent } from '../support/test-events.ts';
import { scriptedSink } from '../support/scripted-sink.ts';
import type { ScriptedSink } from '../support/scripted-sink.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kube-events-runner-spill-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A sink that fails every item as retryable while `down` is true. */
function outageSink(name = 'peer'): ScriptedSink<KubeEvent> & { down: boolean } {
  const sink = Object.assign(scriptedSink<KubeEvent>(name), { down: true });
  sink.script = (batch) => (sink.down ? retryable(new Error('connection refused')) : batch.map(() => delivered()));
  return sink;
}

function spillOptions(extra: Partial<SinkRunnerOptions> = {}): SinkRunnerOptions {
  return {
    overflow: 'spill',
    spill: { directory: dir, segmentBytes: 4096, fsync: 'never' },
    bufferSize: 10,
    concurrency: 1,
    batch: { maxItems: 5, maxLatency: 0 },
    retry: { initialDelay: 2, maxDelay: 5, jitter: 0 },
    closeTimeout: 0,
    ...extra,
  };
}

/** Resolves when `count` acks have arrived. */
function ackCounter(): { outcomes: Map<number, ItemOutcome>; ack: (i: number) => (o: ItemOutcome) => void; waitFor: (n: number) => Promise<void> } {
  const outcomes = new Map<number, ItemOutcome>();
  let waiter: { n: number; resolve: () => void } | undefined;
  return {
    outcomes,
    ack: (i) => (o) => {
      outcomes.set(i, o);
      if (waiter && outcomes.size >= waiter.n) waiter.resolve();
    },
    waitFor: (n) =>
      outcomes.size >= n
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waiter = { n, resolve };
          }),
  };
}

describe('spill', () => {
  it('spills during an outage, acknowledges spilled items, and delivers everything in order once the peer is back', async () => {
    const sink = outageSink();
    const runner = createSinkRunner(sink, spillOptions());
    const acks = ackCounter();
    for (let i = 0; i < 100; i++) await runner.enqueue(testEvent(i, `pod-${i % 7}`), acks.ack(i));
    await acks.waitFor(90);
    // The 10 items held in memory are not acknowledged until delivered; the other 90 are on disk.
    expect([...acks.outcomes.values()].every((o) => o.status === 'spilled')).toBe(true);
    expect([...acks.outcomes.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 90 }, (_, i) => i + 10));
    expect(runner.stats()).toMatchObject({ buffered: 10, spilled: 90, spillPending: true });
    expect(runner.stats().spilledBytes).toBeGreaterThan(0);
    expect(await runner.registry.metrics()).toMatch(new RegExp(`kube_events_sink_spilled_bytes\\{sink="peer"\\} ${runner.stats().spilledBytes}\\n`));
    sink.down = false;
    await runner.drain();
    expect(sink.delivered.map(eventNumber)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(acks.outcomes.size).toBe(100);
    expect(runner.stats().dropped).toMatchObject({ 'buffer-full': 0, 'spill-full': 0, closed: 0 });
    await runner.close();
  });

  it('replays what an earlier runner spilled, in order and once, before anything new', async () => {
    const down = outageSink();
    const first = createSinkRunner(down, spillOptions());
    const acks = ackCounter();
    for (let i = 0; i < 60; i++) await first.enqueue(testEvent(i, `pod-${i % 3}`), acks.ack(i));
    await acks.waitFor(50);
    await first.close();
    // The 10 held in memory were never acknowledged, so an exporter resends them; they are dropped as closed here.
    expect(first.stats().dropped.closed).toBe(10);

    const up = scriptedSink<KubeEvent>('peer');
    const second = createSinkRunner(up, spillOptions());
    for (let i = 60; i < 70; i++) await second.enqueue(testEvent(i, `pod-${i % 3}`));
    await second.drain();
    expect(up.delivered.map(eventNumber)).toEqual(Array.from({ length: 60 }, (_, i) => i + 10));
    await second.close();

    const third = createSinkRunner(scriptedSink<KubeEvent>('peer'), spillOptions());
    await third.drain();
    expect(third.stats().delivered).toBe(0);
    await third.close();
  });

  it('drops exactly what does not fit in spill.maxBytes as spill-full', async () => {
    const sink = outageSink();
    const runner = createSinkRunner(sink, spillOptions({ spill: { directory: dir, maxBytes: 8 * 1024, segmentBytes: 2048, fsync: 'never' } }));
    const acks = ackCounter();
    for (let i = 0; i < 100; i++) await runner.enqueue(testEvent(i, `pod-${i % 5}`), acks.ack(i));
    await acks.waitFor(90);
    const spilled = [...acks.outcomes.values()].filter((o) => o.status === 'spilled').length;
    const full = [...acks.outcomes.values()].filter((o) => o.status === 'dropped' && o.reason === 'spill-full').length;
    expect(spilled + full).toBe(90);
    expect(full).toBeGreaterThan(0);
    expect(runner.stats().dropped['spill-full']).toBe(full);
    expect(runner.stats().spilledBytes).toBeLessThanOrEqual(8 * 1024);
    sink.down = false;
    await runner.drain();
    expect(sink.delivered).toHaveLength(10 + spilled);
    await runner.close();
  });

  it('keeps a key in order when new items arrive while the spill is read back', async () => {
    const sink = outageSink();
    const runner = createSinkRunner(sink, spillOptions({ concurrency: 3 }));
    const acks = ackCounter();
    let i = 0;
    for (; i < 200; i++) await runner.enqueue(testEvent(i, `pod-${i % 4}`), acks.ack(i));
    await acks.waitFor(190);
    sink.down = false;
    for (; i < 400; i++) await runner.enqueue(testEvent(i, `pod-${i % 4}`), acks.ack(i));
    await runner.drain();
    const got = sink.delivered.map(eventNumber);
    expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: 400 }, (_, n) => n));
    for (let k = 0; k < 4; k++) {
      const ofKey = sink.delivered.filter((ev) => ev.regarding.name === `pod-${k}`).map(eventNumber);
      expect(ofKey).toEqual([...ofKey].sort((a, b) => a - b));
    }
    await runner.close();
  });

  it('refuses a spill directory another runner holds', async () => {
    const a = createSinkRunner(scriptedSink<KubeEvent>('a'), spillOptions());
    expect(() => createSinkRunner(scriptedSink<KubeEvent>('b'), spillOptions())).toThrow(expect.objectContaining({ code: 'ERR_SPILL' }));
    await a.close();
  });
});
