import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { createSinkRunner } from '../../../src/sinks/runner/sink-runner.ts';
import type { ItemOutcome } from '../../../src/sinks/runner/item-outcome.ts';
import type { OverflowPolicy } from '../../../src/sinks/runner/runner-options.ts';
import { delivered, permanent, retryable } from '../../../src/sinks/sink.ts';
import type { SendResult, Sink } from '../../../src/sinks/sink.ts';

interface Item {
  readonly id: number;
  readonly key: string;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function settle<T>(promise: Promise<T>): Promise<T> {
  const state = { done: false };
  const watched = promise.finally(() => {
    state.done = true;
  });
  for (let i = 0; i < 10_000 && !state.done; i++) await vi.advanceTimersByTimeAsync(100);
  return watched;
}

describe('sink runner invariants (property)', () => {
  it('settles every item exactly once, delivers each at most once, in order within its key, and counts every drop', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          keys: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 60 }),
          // What the receiver answers, per attempt, cycling.
          answers: fc.array(fc.constantFrom<'d' | 'r' | 'p'>('d', 'd', 'd', 'r', 'p'), { minLength: 1, maxLength: 20 }),
          concurrency: fc.integer({ min: 1, max: 4 }),
          maxItems: fc.integer({ min: 1, max: 6 }),
          bufferSize: fc.integer({ min: 6, max: 40 }),
          overflow: fc.constantFrom<OverflowPolicy>('block', 'drop-oldest', 'drop-newest'),
          maxAttempts: fc.constantFrom(3, Number.POSITIVE_INFINITY),
        }),
        async ({ keys, answers, concurrency, maxItems, bufferSize, overflow, maxAttempts }) => {
          let turn = 0;
          const deliveredIds: Item[] = [];
          const sink: Sink<Item> = {
            name: 'prop',
            send(batch) {
              // An ordered receiver: after refusing an item for now, it refuses the later items of that key in the batch too.
              const refused = new Set<string>();
              const results: SendResult[] = batch.map((item) => {
                // Give up failing after a while, so that an infinite retry budget ends.
                const a = refused.has(item.key) ? 'r' : turn > 200 ? 'd' : answers[turn++ % answers.length];
                if (a === 'r') refused.add(item.key);
                return a === 'd' ? delivered() : a === 'r' ? retryable(new Error('503')) : permanent(new Error('400'));
              });
              batch.forEach((item, i) => {
                if (results[i]?.status === 'delivered') deliveredIds.push(item);
              });
              return Promise.resolve(results);
            },
          };
          const runner = createSinkRunner(sink, {
            key: (item) => item.key,
            size: () => 1,
            concurrency,
            batch: { maxItems, maxLatency: 10 },
            bufferSize,
            overflow,
            retry: { maxAttempts, initialDelay: 5, maxDelay: 20 },
            random: () => 0.5,
          });
          const outcomes = new Map<number, ItemOutcome[]>();
          const items = keys.map((k, id) => ({ id, key: `k${k}` }));
          const admitted = items.map((item) =>
            runner.enqueue(item, (o) => {
              outcomes.set(item.id, [...(outcomes.get(item.id) ?? []), o]);
            }),
          );
          await settle(Promise.all(admitted));
          await settle(runner.drain());
          await settle(runner.close());

          // Every item told exactly once.
          for (const item of items) expect(outcomes.get(item.id)).toHaveLength(1);
          // Delivered at most once, and exactly the ones acknowledged as delivered.
          expect(new Set(deliveredIds.map((i) => i.id)).size).toBe(deliveredIds.length);
          const ackedDelivered = items.filter((i) => outcomes.get(i.id)?.[0]?.status === 'delivered').map((i) => i.id);
          expect([...deliveredIds.map((i) => i.id)].sort((a, b) => a - b)).toEqual(ackedDelivered);
          // In order within each key.
          const last = new Map<string, number>();
          for (const item of deliveredIds) {
            expect(item.id).toBeGreaterThan(last.get(item.key) ?? -1);
            last.set(item.key, item.id);
          }
          // Drops counted by reason, exactly as told.
          const stats = runner.stats();
          const told = new Map<string, number>();
          for (const [o] of outcomes.values()) if (o?.status === 'dropped') told.set(o.reason, (told.get(o.reason) ?? 0) + 1);
          for (const [reason, n] of Object.entries(stats.dropped)) expect(n).toBe(told.get(reason) ?? 0);
          expect(stats.delivered + Object.values(stats.dropped).reduce((a, b) => a + b, 0)).toBe(items.length);
          if (overflow === 'block') expect(stats.dropped['buffer-full']).toBe(0);
          expect(stats.buffered).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);
});
