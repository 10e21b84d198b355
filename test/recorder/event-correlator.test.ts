/**
 * The core/v1 EventCorrelator on its own (no API server): aggregation, de-duplication, the spam
 * filter and the LRU, on a fake timeline — and, as a property, the same decisions as the
 * independent model of client-go's events_cache.go in bench/recorder/client-go-model.ts.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AGGREGATED_MESSAGE_PREFIX, DEFAULT_CORRELATOR_OPTIONS, EventCorrelator } from '../../src/recorder/event-correlator.ts';
import type { CoreEventDraft, CorrelatorOptions } from '../../src/recorder/event-correlator.ts';
import { EventNamer } from '../../src/recorder/event-name.ts';
import type { EventObjectReference } from '../../src/recorder/object-reference.ts';
import { modelClientGoRecord } from '../../bench/recorder/client-go-model.ts';
import type { ModelEvent } from '../../bench/recorder/client-go-model.ts';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const pod = (name: string): EventObjectReference => ({ apiVersion: 'v1', kind: 'Pod', name, namespace: 'shop', uid: `uid-${name}` });

function correlator(options: CorrelatorOptions = {}): EventCorrelator {
  return new EventCorrelator({ ...DEFAULT_CORRELATOR_OPTIONS, ...options }, { component: 'example.com/ctl', host: 'ctl-1' }, new EventNamer());
}

function draft(object: EventObjectReference, reason: string, message: string, at: number, type = 'Warning'): CoreEventDraft {
  return { involvedObject: object, type, reason, message, action: undefined, related: undefined, annotations: undefined, firstTs: at, lastTs: at };
}

describe('EventCorrelator (client-go events_cache.go)', () => {
  it('de-duplicates identical events into one state whose count rises; the name stays that of the first', () => {
    const c = correlator();
    const a = c.observe(draft(pod('web-1'), 'BackOff', 'restarting', T0), 1);
    const b = c.observe(draft(pod('web-1'), 'BackOff', 'restarting', T0 + 5000), 3);
    expect(b).toBe(a);
    expect(b.count).toBe(4);
    expect(b.name).toBe(`web-1.${(BigInt(T0) * 1_000_000n).toString(16)}`);
    expect(b.firstTimestamp).toBe(T0);
    expect(b.lastTimestamp).toBe(T0 + 5000);
    // A different message, type, reason or object is another event.
    expect(c.observe(draft(pod('web-1'), 'BackOff', 'other', T0), 1)).not.toBe(a);
    expect(c.observe(draft(pod('web-1'), 'BackOff', 'restarting', T0, 'Normal'), 1)).not.toBe(a);
    expect(c.observe(draft(pod('web-2'), 'BackOff', 'restarting', T0), 1)).not.toBe(a);
  });

  it('combines the 10th distinct message of one object/type/reason within 600 s into one "(combined from similar events)" event', () => {
    const c = correlator();
    const states = Array.from({ length: 12 }, (_, i) => c.observe(draft(pod('web-1'), 'FailedMount', `volume v${i} failed`, T0 + i * 1000), 1));
    expect(new Set(states.slice(0, 9)).size).toBe(9);
    expect(states.slice(0, 9).every((s) => s.count === 1)).toBe(true);
    const combined = states[9]!;
    expect(states[10]).toBe(combined);
    expect(states[11]).toBe(combined);
    expect(combined.count).toBe(3);
    expect(combined.message).toBe(`${AGGREGATED_MESSAGE_PREFIX}volume v11 failed`);
    expect(combined.firstTimestamp).toBe(T0 + 9000);
    // After 600 s of quiet the group starts over: a new message is an event of its own again.
    const later = c.observe(draft(pod('web-1'), 'FailedMount', 'volume v99 failed', T0 + 11_000 + 600_001), 1);
    expect(later).not.toBe(combined);
    expect(later.message).toBe('volume v99 failed');
  });

  it('lets 25 writes through per object and type, then one per 300 s (spam filter, type in the key: kubernetes#124747)', () => {
    const c = correlator();
    const results = Array.from({ length: 30 }, (_, i) => c.allow(c.observe(draft(pod('web-1'), `R${i}`, 'x', T0), 1), T0));
    expect(results.filter(Boolean)).toHaveLength(25);
    expect(results.slice(25).some(Boolean)).toBe(false);
    // Warnings have their own bucket: Normals did not use it up.
    const normal = c.observe(draft(pod('web-1'), 'Started', 'x', T0, 'Normal'), 1);
    expect(c.allow(normal, T0)).toBe(true);
    // Another object has its own bucket.
    expect(c.allow(c.observe(draft(pod('web-2'), 'R0', 'x', T0), 1), T0)).toBe(true);
    // One token comes back after 300 s.
    const s = c.observe(draft(pod('web-1'), 'R0', 'x', T0 + 299_000), 1);
    expect(c.allow(s, T0 + 299_000)).toBe(false);
    expect(c.allow(s, T0 + 300_000)).toBe(true);
    expect(c.allow(s, T0 + 300_000)).toBe(false);
  });

  it('forgets the least recently used event when its cache is full (lruCacheSize)', () => {
    const c = correlator({ lruCacheSize: 2 });
    const a = c.observe(draft(pod('a'), 'R', 'x', T0), 1);
    c.observe(draft(pod('b'), 'R', 'x', T0), 1);
    expect(c.observe(draft(pod('a'), 'R', 'x', T0), 1)).toBe(a); // a is now the most recent
    c.observe(draft(pod('c'), 'R', 'x', T0), 1); // evicts b
    expect(c.observe(draft(pod('a'), 'R', 'x', T0), 1)).toBe(a);
    expect(c.observe(draft(pod('b'), 'R', 'x', T0), 1).count).toBe(1);
  });

  it('names events <object>.<hex nanos>, unique within a millisecond, and a UUID when that is no valid name', () => {
    const namer = new EventNamer();
    const a = namer.name('web-1', T0);
    const b = namer.name('web-1', T0);
    expect(a).toBe(`web-1.${(BigInt(T0) * 1_000_000n).toString(16)}`);
    expect(b).toBe(`web-1.${(BigInt(T0) * 1_000_000n + 1n).toString(16)}`);
    expect(namer.name('Web_1', T0)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(namer.name('x'.repeat(250), T0)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('decides as client-go does, occurrence by occurrence (property, against the independent model)', () => {
    const event = fc.record({
      object: fc.constantFrom('a', 'b'),
      type: fc.constantFrom('Normal', 'Warning'),
      reason: fc.constantFrom('R1', 'R2'),
      message: fc.integer({ min: 0, max: 14 }).map((i) => `m${i}`),
      gap: fc.constantFrom(0, 0, 0, 1000, 60_000, 299_000, 601_000),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 150 }), fc.constantFrom(4, 4096), (seq, lruCacheSize) => {
        const c = correlator({ lruCacheSize });
        let at = T0;
        const timeline: ModelEvent[] = [];
        const ours: { count: number; name: string; ok: boolean }[] = [];
        for (const e of seq) {
          at += e.gap;
          const ref = pod(e.object);
          timeline.push({ object: e.object, type: e.type, reason: e.reason, message: e.message, at });
          const s = c.observe(draft(ref, e.reason, e.message, at, e.type), 1);
          ours.push({ count: s.count, name: s.name, ok: c.allow(s, at) });
        }
        const model = modelClientGoRecord(timeline, { lruSize: lruCacheSize });
        // Same calls, and each written event ends with the same count.
        const written = ours.filter((o) => o.ok);
        expect(written.length).toBe(model.apiCalls);
        expect(written.filter((o) => o.count > 1).length).toBe(model.patches);
        const finalCounts = new Map<string, number>();
        for (const o of written) finalCounts.set(o.name, o.count);
        expect([...finalCounts.values()].sort((x, y) => x - y)).toEqual([...model.serverCounts.values()].sort((x, y) => x - y));
      }),
      { numRuns: 300 },
    );
  });
});
