/**
 * core/v1 recording against the test cluster, as client-go's tools/record does it: the Event's
 * shape, name and namespace; de-duplication by PATCH (and 404 → create); aggregation; the spam
 * filter on a fake clock; the LRU.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster } from '../../src/testing/index.ts';
import type { TestCluster } from '../../src/testing/index.ts';
import { AGGREGATED_MESSAGE_PREFIX, NOTE_TRUNCATION_MARKER, createEventRecorder } from '../../src/recorder/index.ts';
import type { DroppedEventInfo, EventRecorder, EventRecorderOptions, SentEventInfo } from '../../src/recorder/index.ts';
import { ManualClock } from './support/manual-clock.ts';
import { countEventCalls } from './support/cluster-calls.ts';
import { coreEvents, deployment, freshNamespace } from './support/fixtures.ts';

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

function recorder(options: Partial<EventRecorderOptions> = {}): { rec: EventRecorder; clock: ManualClock; sent: SentEventInfo[]; dropped: DroppedEventInfo[] } {
  const clock = new ManualClock(T0);
  const rec = createEventRecorder({ kubeConfig: cluster.kubeConfig, component: 'one-pilot.example.com/webhook', instance: 'webhook-0', api: 'core/v1', clock, ...options });
  const sent: SentEventInfo[] = [];
  const dropped: DroppedEventInfo[] = [];
  rec.on('sent', (s) => sent.push(s));
  rec.on('dropped', (d) => dropped.push(d));
  open.push(rec);
  return { rec, clock, sent, dropped };
}

describe('core/v1 recorder (client-go tools/record)', () => {
  it('creates the Event as client-go does: name <object>.<hex nanos>, the object’s namespace, source and reporting fields', async () => {
    const ns = freshNamespace(cluster);
    const { rec, sent } = recorder();
    const dep = { ...deployment(ns), metadata: { ...deployment(ns).metadata, resourceVersion: '77' } };
    rec.warning(dep, 'OnePilotFail', 'could not inject the sidecar');
    await rec.flush();
    const [ev, more] = coreEvents(cluster, ns);
    expect(more).toBeUndefined();
    expect(ev).toMatchObject({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `web.${(BigInt(T0) * 1_000_000n).toString(16)}`, namespace: ns },
      involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: ns, uid: `uid-${ns}-web`, resourceVersion: '77' },
      reason: 'OnePilotFail',
      message: 'could not inject the sidecar',
      type: 'Warning',
      count: 1,
      firstTimestamp: '2026-11-23T10:00:00Z',
      lastTimestamp: '2026-11-23T10:00:00Z',
      source: { component: 'one-pilot.example.com/webhook', host: 'webhook-0' },
      reportingComponent: 'one-pilot.example.com/webhook',
      reportingInstance: 'webhook-0',
    });
    expect(ev.eventTime).toBeNull();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ api: 'core/v1', verb: 'create', occurrences: 1, event: { metadata: { name: ev.metadata.name } } });
    expect(rec.stats).toMatchObject({ recorded: 1, written: 1, apiCalls: 1, api: 'core/v1', queued: 0, pendingWrites: 0 });
  });

  it('records an Event about a cluster-scoped object in `default`, and takes an ObjectReference with a fieldPath', async () => {
    const { rec } = recorder();
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${Date.now()}`, uid: 'n-1' } };
    rec.normal(node, 'NodeReady', 'node is ready');
    const ns = freshNamespace(cluster);
    rec.normal({ apiVersion: 'v1', kind: 'Pod', name: 'web-1', namespace: ns, fieldPath: 'spec.containers{app}' }, 'Pulled', 'image pulled');
    await rec.flush();
    const inDefault = coreEvents(cluster, 'default').find((e) => e.involvedObject.name === node.metadata.name);
    expect(inDefault).toMatchObject({ metadata: { namespace: 'default' }, involvedObject: { kind: 'Node', name: node.metadata.name, uid: 'n-1' }, type: 'Normal' });
    expect(inDefault.involvedObject.namespace).toBeUndefined();
    expect(coreEvents(cluster, ns)[0]).toMatchObject({ involvedObject: { fieldPath: 'spec.containers{app}', name: 'web-1' } });
  });

  it('turns repeats into a strategic-merge PATCH of count, lastTimestamp and message on the same Event', async () => {
    const ns = freshNamespace(cluster);
    const { rec, clock, sent } = recorder();
    const calls = countEventCalls(cluster, ns);
    rec.warning(deployment(ns), 'OnePilotFail', 'timeout');
    await rec.flush();
    clock.advance(42_000);
    rec.warning(deployment(ns), 'OnePilotFail', 'timeout');
    await rec.flush();
    clock.advance(1_000);
    rec.warning(deployment(ns), 'OnePilotFail', 'timeout');
    await rec.flush();
    await calls.until(rec.stats.apiCalls);
    expect(calls.calls.map((c) => `${c.verb} ${c.status}`)).toEqual(['POST 201', 'PATCH 200', 'PATCH 200']);
    const evs = coreEvents(cluster, ns);
    expect(evs).toHaveLength(1);
    expect(evs[0]).toMatchObject({ count: 3, firstTimestamp: '2026-11-23T10:00:00Z', lastTimestamp: '2026-11-23T10:00:43Z' });
    expect(sent.map((s) => [s.verb, s.occurrences])).toEqual([['create', 1], ['patch', 1], ['patch', 1]]);
  });

  it('re-creates an Event whose PATCH answers 404 (expired or deleted), carrying the count on', async () => {
    const ns = freshNamespace(cluster);
    const { rec } = recorder();
    rec.warning(deployment(ns), 'OnePilotFail', 'timeout');
    rec.warning(deployment(ns), 'OnePilotFail', 'timeout');
    await rec.flush();
    const [first] = coreEvents(cluster, ns);
    expect(first.count).toBe(2);
    cluster.api.delete({ apiVersion: 'v1', resource: 'events' }, ns, first.metadata.name);
    const calls = countEventCalls(cluster, ns);
    const before = rec.stats.apiCalls;
    rec.warning(deployment(ns), 'OnePilotFail', 'timeout');
    await rec.flush();
    await calls.until(rec.stats.apiCalls - before);
    expect(calls.calls.map((c) => `${c.verb} ${c.status}`)).toEqual(['PATCH 404', 'POST 201']);
    const [again] = coreEvents(cluster, ns);
    expect(again).toMatchObject({ metadata: { name: first.metadata.name }, count: 3 });
    expect(again.metadata.uid).not.toBe(first.metadata.uid);
  });

  it('combines the 10th and later distinct messages about one object and reason into "(combined from similar events): …"', async () => {
    const ns = freshNamespace(cluster);
    const { rec, clock } = recorder();
    for (let i = 0; i < 12; i++) {
      clock.advance(1000);
      rec.warning(deployment(ns), 'FailedMount', `volume v${i} could not be mounted`);
      await rec.flush();
    }
    const evs = coreEvents(cluster, ns);
    expect(evs).toHaveLength(10);
    const combined = evs.filter((e) => e.message.startsWith(AGGREGATED_MESSAGE_PREFIX));
    expect(combined).toHaveLength(1);
    expect(combined[0]).toMatchObject({ count: 3, message: `${AGGREGATED_MESSAGE_PREFIX}volume v11 could not be mounted`, reason: 'FailedMount' });
    expect(evs.filter((e) => e.count === 1)).toHaveLength(9);
  });

  it('spam filter: 25 writes per object and type, then one per 300 s on the fake clock; Normals do not use the Warnings’ bucket', async () => {
    const ns = freshNamespace(cluster);
    const { rec, clock, dropped } = recorder();
    for (let i = 0; i < 30; i++) rec.warning(deployment(ns), `Reason${i}`, 'x');
    await rec.flush();
    expect(coreEvents(cluster, ns)).toHaveLength(25);
    expect(dropped).toHaveLength(5);
    expect(dropped[0]).toMatchObject({ reason: 'spam-filtered', eventReason: 'Reason25', type: 'Warning', occurrences: 1, object: { name: 'web', namespace: ns } });
    expect(rec.stats.dropped['spam-filtered']).toBe(5);
    rec.normal(deployment(ns), 'Scaled', 'scaled up');
    await rec.flush();
    expect(coreEvents(cluster, ns)).toHaveLength(26);
    clock.advance(299_000);
    rec.warning(deployment(ns), 'Later1', 'x');
    await rec.flush();
    expect(coreEvents(cluster, ns)).toHaveLength(26);
    clock.advance(1_000);
    rec.warning(deployment(ns), 'Later2', 'x');
    rec.warning(deployment(ns), 'Later3', 'x');
    await rec.flush();
    const reasons = coreEvents(cluster, ns).map((e) => e.reason);
    expect(reasons).toContain('Later2');
    expect(reasons).not.toContain('Later3');
  });

  it('a repeat the spam filter held back is counted, and its count goes with the next write (as upstream)', async () => {
    const ns = freshNamespace(cluster);
    const { rec, clock } = recorder({ correlator: { burstSize: 1 } });
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    await rec.flush();
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    await rec.flush();
    expect(coreEvents(cluster, ns)[0].count).toBe(1);
    clock.advance(300_000);
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    await rec.flush();
    expect(coreEvents(cluster, ns)[0].count).toBe(3);
  });

  it('forgets the least recently used events beyond correlator.lruCacheSize: a forgotten repeat is a new Event', async () => {
    const ns = freshNamespace(cluster);
    const { rec } = recorder({ correlator: { lruCacheSize: 2 } });
    rec.warning(deployment(ns, 'a'), 'R', 'x');
    rec.warning(deployment(ns, 'b'), 'R', 'x');
    rec.warning(deployment(ns, 'c'), 'R', 'x');
    await rec.flush();
    rec.warning(deployment(ns, 'c'), 'R', 'x');
    rec.warning(deployment(ns, 'a'), 'R', 'x');
    await rec.flush();
    const evs = coreEvents(cluster, ns);
    expect(evs.filter((e) => e.involvedObject.name === 'c').map((e) => e.count)).toEqual([2]);
    expect(evs.filter((e) => e.involvedObject.name === 'a').map((e) => e.count)).toEqual([1, 1]);
  });

  it('writes annotations, related and action; truncates a long message with a visible marker', async () => {
    const ns = freshNamespace(cluster);
    const { rec } = recorder();
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: ns, uid: 'p-1' } };
    rec.warning(deployment(ns), 'OnePilotFail', `sidecar: ${'é'.repeat(700)}`, { action: 'InjectSidecar', related: pod, annotations: { 'one-pilot.example.com/attempt': '3' } });
    await rec.flush();
    const [ev] = coreEvents(cluster, ns);
    expect(ev).toMatchObject({
      metadata: { annotations: { 'one-pilot.example.com/attempt': '3' } },
      related: { kind: 'Pod', name: 'web-1', namespace: ns, uid: 'p-1', apiVersion: 'v1' },
      action: 'InjectSidecar',
    });
    expect(Buffer.byteLength(ev.message)).toBeLessThanOrEqual(1024);
    expect(ev.message.endsWith(NOTE_TRUNCATION_MARKER)).toBe(true);
    expect(ev.message.startsWith('sidecar: éé')).toBe(true);
  });
});
