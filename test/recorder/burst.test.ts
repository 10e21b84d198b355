/**
 * Bursts: the exact count ends up on the server after `flush()`, for no more API calls than
 * client-go's algorithm spends on the same burst (modelled in bench/recorder/client-go-model.ts).
 * client-go makes one API call per event until its spam filter's 25 tokens are gone and then
 * leaves the count stale; the recorder merges identical events that wait, so a burst costs a
 * write or two and carries the whole count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setImmediate as tick } from 'node:timers/promises';
import { startTestCluster } from '../../src/testing/index.ts';
import type { TestCluster } from '../../src/testing/index.ts';
import { createEventRecorder } from '../../src/recorder/index.ts';
import type { EventRecorder, EventRecorderOptions } from '../../src/recorder/index.ts';
import { modelClientGoEventsV1, modelClientGoRecord } from '../../bench/recorder/client-go-model.ts';
import type { ModelEvent } from '../../bench/recorder/client-go-model.ts';
import { ManualClock } from './support/manual-clock.ts';
import { countEventCalls } from './support/cluster-calls.ts';
import { coreEvents, deployment, freshNamespace, v1Events } from './support/fixtures.ts';

let cluster: TestCluster;
const open: EventRecorder[] = [];
beforeAll(async () => {
  cluster = await startTestCluster({ bookmarkInterval: 0 });
});
afterAll(async () => {
  await Promise.all(open.map((r) => r.close()));
  await cluster.close();
});

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const BURST = 10_000;

function recorder(options: Partial<EventRecorderOptions> = {}): EventRecorder {
  const rec = createEventRecorder({ kubeConfig: cluster.kubeConfig, component: 'example.com/ctl', api: 'core/v1', clock: new ManualClock(T0), ...options });
  open.push(rec);
  return rec;
}

function identical(n: number): ModelEvent[] {
  return Array.from({ length: n }, () => ({ object: 'web', type: 'Warning', reason: 'OnePilotFail', message: 'could not inject the sidecar', at: T0 }));
}

describe('a burst of 10 000 identical warnings on one object', () => {
  it('core/v1: exact count 10 000 on the server after flush(), in 1 API call — client-go: 25 calls, count left at 25', async () => {
    const ns = freshNamespace(cluster);
    const rec = recorder();
    const calls = countEventCalls(cluster, ns);
    for (let i = 0; i < BURST; i++) rec.warning(deployment(ns), 'OnePilotFail', 'could not inject the sidecar');
    await rec.flush();
    await calls.until(rec.stats.apiCalls);

    const events = coreEvents(cluster, ns);
    expect(events).toHaveLength(1);
    expect(events[0].count).toBe(BURST);
    const ours = calls.writes();
    const clientGo = modelClientGoRecord(identical(BURST));
    // The two numbers: ours 1 call (one create with count 10 000); client-go 1 create + 24
    // patches, then 9 975 events dropped by its spam filter with the server's count stale at 25.
    expect(ours).toBe(1);
    expect(clientGo.apiCalls).toBe(25);
    expect([...clientGo.serverCounts.values()]).toEqual([25]);
    expect(ours).toBeLessThanOrEqual(clientGo.apiCalls);
    expect(rec.stats).toMatchObject({ recorded: BURST, coalesced: BURST - 1, written: 1, dropped: { 'spam-filtered': 0, 'queue-full': 0 } });
  });

  it('core/v1, spread over 100 turns of the event loop while writes are slow: still exact, and fewer calls than client-go', async () => {
    const ns = freshNamespace(cluster);
    const rec = recorder();
    cluster.faults.addLatency(5, { namespace: ns });
    const calls = countEventCalls(cluster, ns);
    for (let chunk = 0; chunk < 100; chunk++) {
      for (let i = 0; i < BURST / 100; i++) rec.warning(deployment(ns), 'OnePilotFail', 'could not inject the sidecar');
      await tick();
    }
    await rec.flush();
    await calls.until(rec.stats.apiCalls);
    cluster.faults.clear();
    expect(coreEvents(cluster, ns)[0].count).toBe(BURST);
    // Pending writes of one Event merge while one is under way: one POST, then a PATCH per
    // round trip — a handful of calls here, at most client-go's 25 (the spam filter caps both).
    const ours = calls.writes();
    expect(calls.count('POST')).toBe(1);
    expect(ours).toBeLessThanOrEqual(modelClientGoRecord(identical(BURST)).apiCalls);
    expect(rec.stats.dropped['spam-filtered']).toBe(0);
  });

  it('events.k8s.io/v1: exact series count 10 000 after flush(), in 1 API call — client-go: 2 calls, series count left at 2', async () => {
    const ns = freshNamespace(cluster);
    const rec = recorder({ api: 'events.k8s.io/v1' });
    const calls = countEventCalls(cluster, ns);
    for (let i = 0; i < BURST; i++) rec.warning(deployment(ns), 'OnePilotFail', 'could not inject the sidecar');
    await rec.flush();
    await calls.until(rec.stats.apiCalls);
    const events = v1Events(cluster, ns);
    expect(events).toHaveLength(1);
    expect(events[0].series.count).toBe(BURST);
    const clientGo = modelClientGoEventsV1(identical(BURST));
    expect(calls.writes()).toBe(1);
    expect(clientGo.apiCalls).toBe(2);
    expect([...clientGo.serverCounts.values()]).toEqual([2]);
  });
});

describe('a burst of distinct events', () => {
  it('50 objects × 20 reasons × 10 repeats, interleaved: exact counts, 1000 calls — client-go: 1250 calls, counts stale', async () => {
    const ns = freshNamespace(cluster);
    const rec = recorder();
    const calls = countEventCalls(cluster, ns);
    const timeline: ModelEvent[] = [];
    for (let rep = 0; rep < 10; rep++) {
      for (let o = 0; o < 50; o++) {
        for (let r = 0; r < 20; r++) {
          rec.warning(deployment(ns, `web-${o}`), `Reason${r}`, 'x');
          timeline.push({ object: `web-${o}`, type: 'Warning', reason: `Reason${r}`, message: 'x', at: T0 });
        }
      }
    }
    await rec.flush();
    await calls.until(rec.stats.apiCalls);
    const events = coreEvents(cluster, ns);
    expect(events).toHaveLength(1000);
    expect(events.every((e) => e.count === 10)).toBe(true);
    const clientGo = modelClientGoRecord(timeline);
    expect(calls.writes()).toBe(1000);
    expect(clientGo.apiCalls).toBe(1250);
    expect(Math.max(...clientGo.serverCounts.values())).toBe(2);
    expect(calls.writes()).toBeLessThanOrEqual(clientGo.apiCalls);
  });
});
