/**
 * How the recorder handles failed writes, with failures injected into the test cluster: retries
 * with backoff and jitter for 5xx, 429 (honouring Retry-After) and network errors, 12 tries by
 * default; 409 skipped; 422 dropped with a typed error naming the field; 403 reported once with
 * the RBAC rule. Time is a manual clock: retry delays are read off the timers the recorder sets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { setImmediate as tick } from 'node:timers/promises';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { startTestCluster } from '../../src/testing/index.ts';
import type { TestCluster } from '../../src/testing/index.ts';
import { EventForbiddenError, EventRejectedError, EventValidationError, EventWriteFailedError, KubeApiError, createEventRecorder } from '../../src/recorder/index.ts';
import type { DroppedEventInfo, EventRecorder, EventRecorderOptions } from '../../src/recorder/index.ts';
import type { KubeEventsError } from '../../src/errors.ts';
import { ManualClock } from './support/manual-clock.ts';
import { countEventCalls } from './support/cluster-calls.ts';
import { coreEvents, deployment, driveClock, freshNamespace, v1Events } from './support/fixtures.ts';

let cluster: TestCluster;
const open: EventRecorder[] = [];
beforeAll(async () => {
  cluster = await startTestCluster({
    bookmarkInterval: 0,
    users: [
      { name: 'create-only', rules: [{ verbs: ['create'], apiGroups: [''], resources: ['events'] }] },
      { name: 'nobody', rules: [] },
    ],
  });
});
afterAll(async () => {
  await Promise.all(open.map((r) => r.close()));
  await cluster.close();
});

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);

function recorder(options: Partial<EventRecorderOptions> = {}): { rec: EventRecorder; clock: ManualClock; errors: KubeEventsError[]; dropped: DroppedEventInfo[] } {
  const clock = new ManualClock(T0);
  const rec = createEventRecorder({ kubeConfig: cluster.kubeConfig, component: 'example.com/ctl', api: 'core/v1', clock, random: () => 0, ...options });
  const errors: KubeEventsError[] = [];
  const dropped: DroppedEventInfo[] = [];
  rec.on('error', (e) => errors.push(e));
  rec.on('dropped', (d) => dropped.push(d));
  open.push(rec);
  return { rec, clock, errors, dropped };
}

describe('retries', () => {
  it('retries 500 and 503 with doubling delays, then writes the event once', async () => {
    const ns = freshNamespace(cluster);
    const { rec, clock, errors } = recorder();
    cluster.faults.injectFailures({ status: 500, count: 2, match: { verbs: ['create'], resource: 'events', namespace: ns } });
    cluster.faults.injectFailures({ status: 503, count: 1, match: { verbs: ['create'], resource: 'events', namespace: ns } });
    const calls = countEventCalls(cluster, ns);
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    const delays = await driveClock(clock, rec.flush());
    await calls.until(rec.stats.apiCalls);
    expect(calls.calls.map((c) => c.status)).toEqual([500, 500, 503, 201]);
    expect(delays).toEqual([1000, 2000, 4000]);
    expect(coreEvents(cluster, ns)).toHaveLength(1);
    expect(rec.stats).toMatchObject({ retries: 3, written: 1, apiCalls: 4 });
    expect(errors).toEqual([]);
  });

  it('a retry sends the latest count: repeats recorded while it waited cost no extra call', async () => {
    const ns = freshNamespace(cluster);
    const { rec, clock } = recorder();
    cluster.faults.injectFailures({ status: 500, count: 1, match: { verbs: ['create'], resource: 'events', namespace: ns } });
    const calls = countEventCalls(cluster, ns);
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    const flushed = rec.flush();
    expect(await clock.nextTimer()).toBe(1000);
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    await tick(); // drained: they join the write that waits
    expect(rec.stats).toMatchObject({ queued: 0, pendingWrites: 1 });
    clock.advance(1000);
    await flushed;
    await rec.flush();
    await calls.until(rec.stats.apiCalls);
    expect(calls.calls.map((c) => `${c.verb} ${c.status}`)).toEqual(['POST 500', 'POST 201']);
    expect(coreEvents(cluster, ns)[0].count).toBe(3);
  });

  it('jitter shortens each delay by up to `jitter` of itself', async () => {
    const ns = freshNamespace(cluster);
    const { rec, clock } = recorder({ random: () => 0.5, retry: { jitter: 0.5, initialDelay: 400 } });
    cluster.faults.injectFailures({ status: 500, count: 2, match: { verbs: ['create'], resource: 'events', namespace: ns } });
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    expect(await driveClock(clock, rec.flush())).toEqual([300, 600]);
  });

  it('honours Retry-After on 429 (a longer wait than the backoff)', async () => {
    const ns = freshNamespace(cluster);
    const { rec, clock } = recorder();
    cluster.faults.injectFailures({ status: 429, count: 1, retryAfterSeconds: 7, match: { verbs: ['create'], resource: 'events', namespace: ns } });
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    expect(await driveClock(clock, rec.flush())).toEqual([7000]);
    expect(coreEvents(cluster, ns)).toHaveLength(1);
  });

  it('gives up after 12 tries: drops the occurrences as `failed` and emits EventWriteFailedError with the last answer', async () => {
    const ns = freshNamespace(cluster);
    const { rec, clock, errors, dropped } = recorder();
    cluster.faults.injectFailures({ status: 503, count: 12, match: { verbs: ['create'], resource: 'events', namespace: ns } });
    const calls = countEventCalls(cluster, ns);
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    const delays = await driveClock(clock, rec.flush());
    await calls.until(rec.stats.apiCalls);
    expect(calls.calls).toHaveLength(12);
    expect(delays).toEqual([1000, 2000, 4000, 8000, 10000, 10000, 10000, 10000, 10000, 10000, 10000]);
    expect(coreEvents(cluster, ns)).toHaveLength(0);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(EventWriteFailedError);
    expect(errors[0]).toMatchObject({ code: 'ERR_EVENT_WRITE_FAILED', tries: 12 });
    expect((errors[0]!.cause as KubeApiError).statusCode).toBe(503);
    expect(dropped).toMatchObject([{ reason: 'failed', occurrences: 2, eventReason: 'OnePilotFail' }]);
    expect(rec.stats.dropped.failed).toBe(2);
  });

  it('retries network errors (nothing listening), reporting KubeApiError with status 0 when it gives up', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => { r(); }));
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'gone', server: `https://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'c', cluster: 'gone', user: 'u' }],
      currentContext: 'c',
    });
    const { rec, clock, errors } = recorder({ kubeConfig: kc, retry: { maxTries: 3 } });
    rec.warning(deployment('shop'), 'OnePilotFail', 'x');
    expect(await driveClock(clock, rec.flush())).toEqual([1000, 2000]);
    expect(errors[0]).toBeInstanceOf(EventWriteFailedError);
    const cause = errors[0]!.cause as KubeApiError;
    expect(cause).toBeInstanceOf(KubeApiError);
    expect(cause).toMatchObject({ statusCode: 0, reason: 'ECONNREFUSED', retryable: true });
  });

  it('retries a request that times out (requestTimeout)', async () => {
    const ns = freshNamespace(cluster);
    const { rec, clock } = recorder({ requestTimeout: 100 });
    cluster.faults.addLatency(400, { verbs: ['create'], namespace: ns });
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    const flushed = rec.flush();
    await clock.nextTimer(); // the first try timed out: the recorder sleeps before the next
    cluster.faults.clear();
    clock.advance(1000);
    await flushed;
    expect(rec.stats.retries).toBe(1);
    // The timed-out POST may still have landed (the server finished it): then the retry's 409 is skipped.
    expect(coreEvents(cluster, ns)).toHaveLength(1);
  });
});

describe('answers that are not retried', () => {
  it('409 AlreadyExists on create is skipped, as client-go does; the next repeat patches the existing Event', async () => {
    const ns = freshNamespace(cluster);
    const { rec, errors, dropped } = recorder();
    const name = `web.${(BigInt(T0) * 1_000_000n).toString(16)}`;
    cluster.api.create({ apiVersion: 'v1', resource: 'events' }, ns, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: ns },
      involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: ns },
      reason: 'Other',
      message: 'already there',
      count: 5,
    });
    const calls = countEventCalls(cluster, ns);
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    await rec.flush();
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    await rec.flush();
    await calls.until(rec.stats.apiCalls);
    expect(calls.calls.map((c) => `${c.verb} ${c.status}`)).toEqual(['POST 409', 'PATCH 200']);
    expect(rec.stats.skipped).toBe(1);
    expect(errors).toEqual([]);
    expect(dropped).toEqual([]);
    expect(coreEvents(cluster, ns)[0]).toMatchObject({ metadata: { name }, count: 2, message: 'x' });
  });

  it('422 drops the event as `invalid` with an EventValidationError naming the field, without retrying', async () => {
    const ns = freshNamespace(cluster);
    const { rec, errors, dropped } = recorder();
    const calls = countEventCalls(cluster, ns);
    rec.warning(deployment(ns), 'OnePilotFail', 'x', { annotations: { 'not a valid key!': 'v' } });
    await rec.flush();
    await calls.until(rec.stats.apiCalls);
    expect(calls.calls.map((c) => c.status)).toEqual([422]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(EventValidationError);
    expect(errors[0]).toMatchObject({ code: 'ERR_EVENT_INVALID', field: 'metadata.annotations', statusCode: 422 });
    expect(errors[0]!.message).toMatch(/^The API server refused the Event: Event "web\.[0-9a-f]+" is invalid: metadata\.annotations: Invalid value: "not a valid key!"/);
    expect(dropped).toMatchObject([{ reason: 'invalid', occurrences: 1, error: errors[0] }]);
  });

  it('other 4xx (404: no such namespace) drop the event as `rejected` with EventRejectedError', async () => {
    const { rec, errors, dropped } = recorder();
    rec.warning(deployment('no-such-namespace'), 'OnePilotFail', 'x');
    await rec.flush();
    expect(errors[0]).toBeInstanceOf(EventRejectedError);
    expect(errors[0]).toMatchObject({ code: 'ERR_EVENT_REJECTED', statusCode: 404 });
    expect(dropped).toMatchObject([{ reason: 'rejected' }]);
  });

  it('403 is reported once per verb with the RBAC rule needed; every forbidden write is dropped as `forbidden`', async () => {
    const ns = freshNamespace(cluster);
    const { rec, errors, dropped } = recorder({ kubeConfig: await cluster.kubeConfigFor('create-only') });
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    await rec.flush();
    expect(errors).toEqual([]);
    for (let i = 0; i < 2; i++) {
      rec.warning(deployment(ns), 'OnePilotFail', 'x');
      await rec.flush();
    }
    expect(errors).toHaveLength(1);
    const err = errors[0] as EventForbiddenError;
    expect(err).toBeInstanceOf(EventForbiddenError);
    expect(err).toMatchObject({ code: 'ERR_EVENT_FORBIDDEN', verb: 'patch', namespace: ns, rule: { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] } });
    expect(err.message).toContain(`User "create-only" cannot patch resource "events" in API group "" in the namespace "${ns}"`);
    expect(err.message).toContain('rules:\n- apiGroups: [""]\n  resources: ["events"]\n  verbs: ["create", "patch"]');
    expect(dropped.map((d) => d.reason)).toEqual(['forbidden', 'forbidden']);
    expect(coreEvents(cluster, ns)[0].count).toBe(1);
  });

  it('403 on events.k8s.io names the events.k8s.io group', async () => {
    const ns = freshNamespace(cluster);
    const { rec, errors } = recorder({ kubeConfig: await cluster.kubeConfigFor('nobody'), api: 'events.k8s.io/v1' });
    rec.warning(deployment(ns), 'OnePilotFail', 'x');
    rec.warning(deployment(ns, 'other'), 'OnePilotFail', 'x');
    await rec.flush();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ verb: 'create', rule: { apiGroups: ['events.k8s.io'] } });
    expect(v1Events(cluster, ns)).toHaveLength(0);
    expect(rec.stats.dropped.forbidden).toBe(2);
  });
});
