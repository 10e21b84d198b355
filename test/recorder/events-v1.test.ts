/**
 * events.k8s.io/v1 recording against the test cluster, as client-go's tools/events does it:
 * first POST, second PATCH of `series {count: 2, lastObservedTime}`, later repeats counted
 * locally; series refreshed every 30 min and finished 6 min after their last occurrence (on a
 * manual clock); the isomorphic key; `api: 'auto'` by discovery.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setImmediate as tick } from 'node:timers/promises';
import { startTestCluster } from '../../src/testing/index.ts';
import type { TestCluster } from '../../src/testing/index.ts';
import { SERIES_FINISH_AFTER_MS, SERIES_REFRESH_INTERVAL_MS, createEventRecorder } from '../../src/recorder/index.ts';
import type { EventRecorder, EventRecorderOptions, SentEventInfo } from '../../src/recorder/index.ts';
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
const MICRO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function recorder(options: Partial<EventRecorderOptions> = {}): { rec: EventRecorder; clock: ManualClock; sent: SentEventInfo[] } {
  const clock = new ManualClock(T0);
  const rec = createEventRecorder({ kubeConfig: cluster.kubeConfig, component: 'one-pilot.example.com/webhook', instance: 'webhook-0', api: 'events.k8s.io/v1', clock, ...options });
  const sent: SentEventInfo[] = [];
  rec.on('sent', (s) => sent.push(s));
  open.push(rec);
  return { rec, clock, sent };
}

/** Resolves with the next `sent` of `rec`. */
function nextSent(rec: EventRecorder): Promise<SentEventInfo> {
  return new Promise((resolve) => rec.once('sent', resolve));
}

describe('events.k8s.io/v1 recorder (client-go tools/events)', () => {
  it('creates the first occurrence with a six-digit eventTime, reportingController/Instance, action, regarding and note', async () => {
    const ns = freshNamespace(cluster);
    const { rec, clock, sent } = recorder();
    clock.advance(123.456);
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: ns, uid: 'p-1' } };
    rec.warning(deployment(ns), 'OnePilotFail', 'could not inject the sidecar', { related: pod, action: 'InjectSidecar' });
    rec.normal(deployment(ns), 'Injected', 'sidecar injected');
    await rec.flush();
    const evs = v1Events(cluster, ns);
    expect(evs).toHaveLength(2);
    const warning = evs.find((e) => e.reason === 'OnePilotFail');
    expect(warning).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      eventTime: '2026-11-23T10:00:00.123456Z',
      reportingController: 'one-pilot.example.com/webhook',
      reportingInstance: 'webhook-0',
      action: 'InjectSidecar',
      type: 'Warning',
      note: 'could not inject the sidecar',
      regarding: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: ns, uid: `uid-${ns}-web` },
      related: { kind: 'Pod', name: 'web-1', uid: 'p-1' },
    });
    expect(warning.series).toBeUndefined();
    expect(warning.eventTime).toMatch(MICRO);
    // Without an action, the reason stands in (events.k8s.io/v1 requires one).
    expect(evs.find((e) => e.reason === 'Injected')).toMatchObject({ action: 'Injected', type: 'Normal' });
    expect(sent.map((s) => [s.api, s.verb])).toEqual([
      ['events.k8s.io/v1', 'create'],
      ['events.k8s.io/v1', 'create'],
    ]);
    // The same Events, read through core/v1.
    expect(coreEvents(cluster, ns).find((e) => e.reason === 'OnePilotFail')).toMatchObject({ reportingComponent: 'one-pilot.example.com/webhook', involvedObject: { name: 'web' } });
  });

  it('second occurrence: PATCH series {count: 2, lastObservedTime}; later ones counted locally, written by flush()', async () => {
    const ns = freshNamespace(cluster);
    const { rec, clock } = recorder();
    const calls = countEventCalls(cluster, ns);
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    await rec.flush();
    clock.advance(5000.25);
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    await rec.flush();
    expect(v1Events(cluster, ns)[0].series).toEqual({ count: 2, lastObservedTime: '2026-11-23T10:00:05.000250Z' });
    clock.advance(1000);
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    clock.advance(1000);
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    await tick();
    await tick();
    expect(rec.stats).toMatchObject({ queued: 0, pendingWrites: 0, apiCalls: 2 });
    expect(v1Events(cluster, ns)[0].series.count).toBe(2);
    await rec.flush();
    await calls.until(rec.stats.apiCalls);
    expect(calls.calls.map((c) => `${c.verb} ${c.status}`)).toEqual(['POST 201', 'PATCH 200', 'PATCH 200']);
    expect(v1Events(cluster, ns)[0].series).toEqual({ count: 4, lastObservedTime: '2026-11-23T10:00:07.000250Z' });
    // Nothing new: flush() writes nothing.
    await rec.flush();
    expect(rec.stats.apiCalls).toBe(3);
  });

  it('isomorphic events (same object, type, reason, action; other note) join one series, keeping the first note', async () => {
    const ns = freshNamespace(cluster);
    const { rec } = recorder();
    rec.warning(deployment(ns), 'OnePilotFail', 'first note');
    rec.warning(deployment(ns), 'OnePilotFail', 'second note');
    rec.warning(deployment(ns), 'OnePilotFail', 'third note', { action: 'Other' });
    await rec.flush();
    const evs = v1Events(cluster, ns);
    expect(evs).toHaveLength(2);
    expect(evs.find((e) => e.action === 'OnePilotFail')).toMatchObject({ note: 'first note', series: { count: 2 } });
    expect(evs.find((e) => e.action === 'Other').series).toBeUndefined();
  });

  it('an object that changed between two calls (resourceVersion) is another regarding, so another Event, as upstream keys it', async () => {
    const ns = freshNamespace(cluster);
    const { rec } = recorder();
    const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: ns, resourceVersion: '1' } };
    rec.warning(obj, 'Invalid', 'x');
    rec.warning(obj, 'Invalid', 'x');
    obj.metadata.resourceVersion = '2';
    rec.warning(obj, 'Invalid', 'x');
    await rec.flush();
    const evs = v1Events(cluster, ns);
    expect(evs.map((e) => [e.regarding.resourceVersion, e.series?.count ?? 1]).sort()).toEqual([
      ['1', 2],
      ['2', 1],
    ]);
  });

  it('refreshes every series every 30 minutes (a PATCH even when nothing changed), so that it does not expire', async () => {
    const ns = freshNamespace(cluster);
    const { rec, clock } = recorder();
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    rec.warning(deployment(ns, 'single'), 'OnePilotFail', 'x');
    await rec.flush();
    expect(rec.stats.apiCalls).toBe(2);
    // Keep the series alive (an occurrence every 5 min) so that it is not finished first.
    for (let t = 0; t < 25; t += 5) {
      clock.advance(5 * 60_000);
      rec.warning(deployment(ns), 'OnePilotFail', 'x');
      await tick();
    }
    const refreshed = nextSent(rec);
    clock.advance(SERIES_REFRESH_INTERVAL_MS - 25 * 60_000);
    const s = await refreshed;
    expect(s.verb).toBe('patch');
    expect(s.event).toMatchObject({ series: { count: 7 } });
    await rec.flush();
    expect(rec.stats.apiCalls).toBe(3); // the singleton has no series: not refreshed
  });

  it('finishes a series 6 minutes after its last occurrence: writes the final count, then forgets it', async () => {
    const ns = freshNamespace(cluster);
    const { rec, clock } = recorder();
    for (let i = 0; i < 5; i++) rec.warning(deployment(ns), 'OnePilotFail', 'x');
    await rec.flush();
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    await tick();
    expect(v1Events(cluster, ns)[0].series.count).toBe(5);
    clock.advance(SERIES_FINISH_AFTER_MS); // the finish check runs, but the series is exactly 6 min old: not yet
    await tick();
    expect(rec.stats.pendingWrites).toBe(0);
    const finished = nextSent(rec);
    clock.advance(SERIES_FINISH_AFTER_MS);
    expect((await finished).event).toMatchObject({ series: { count: 7 } });
    await rec.flush();
    // Forgotten: the next occurrence starts a new Event.
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    await rec.flush();
    const evs = v1Events(cluster, ns);
    expect(evs).toHaveLength(2);
    expect(evs.map((e) => e.series?.count ?? 1).sort()).toEqual([1, 7]);
  });

  it('re-creates a deleted series Event (PATCH 404 → POST with the series)', async () => {
    const ns = freshNamespace(cluster);
    const { rec } = recorder();
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    await rec.flush();
    const [ev] = v1Events(cluster, ns);
    cluster.api.delete({ apiVersion: 'events.k8s.io/v1', resource: 'events' }, ns, ev.metadata.name);
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    await rec.flush();
    const [again] = v1Events(cluster, ns);
    expect(again).toMatchObject({ metadata: { name: ev.metadata.name }, series: { count: 3 } });
  });
});

describe("api: 'auto'", () => {
  it('uses events.k8s.io/v1 when discovery serves it', async () => {
    const ns = freshNamespace(cluster);
    const { rec } = recorder({ api: 'auto' });
    const paths: string[] = [];
    const on = (r: { path: string }): void => {
      paths.push(r.path);
    };
    cluster.events.on('request', on);
    expect(rec.stats.api).toBeUndefined();
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    await rec.flush();
    cluster.events.off('request', on);
    expect(rec.stats.api).toBe('events.k8s.io/v1');
    expect(paths[0]).toBe('/apis/events.k8s.io/v1');
    expect(v1Events(cluster, ns)[0]).toMatchObject({ reportingController: 'one-pilot.example.com/webhook' });
  });

  it('falls back to core/v1 when the server does not serve events.k8s.io/v1 (404)', async () => {
    const ns = freshNamespace(cluster);
    cluster.faults.injectFailures({ status: 404, count: 1, match: { path: /^\/apis\/events\.k8s\.io\/v1$/ } });
    const { rec } = recorder({ api: 'auto' });
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    await rec.flush();
    expect(rec.stats.api).toBe('core/v1');
    const [ev] = coreEvents(cluster, ns);
    expect(ev).toMatchObject({ count: 2, source: { component: 'one-pilot.example.com/webhook' } });
    expect(ev.eventTime).toBeNull();
  });
});
