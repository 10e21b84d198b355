/**
 * The recorder's contract with its caller: calls return at once and throw only for bad arguments;
 * the queue is bounded (drops counted and reported); writes are bounded; flush() and close()
 * settle; close() leaves no timer or socket behind.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { setImmediate as tick } from 'node:timers/promises';
import { channel } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { startTestCluster } from '../../src/testing/index.ts';
import type { TestCluster } from '../../src/testing/index.ts';
import { EventValidationError, InvalidEventObjectError, createEventRecorder, systemClock } from '../../src/recorder/index.ts';
import type { DroppedEventInfo, EventRecorder, EventRecorderOptions, RecorderClock, RecorderTimer } from '../../src/recorder/index.ts';
import { ManualClock } from './support/manual-clock.ts';
import { coreEvents, deployment, freshNamespace } from './support/fixtures.ts';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({ bookmarkInterval: 0 });
});
afterAll(async () => {
  await cluster.close();
});

function recorder(options: Partial<EventRecorderOptions> = {}): { rec: EventRecorder; dropped: DroppedEventInfo[] } {
  const rec = createEventRecorder({ kubeConfig: cluster.kubeConfig, component: 'example.com/ctl', api: 'core/v1', ...options });
  const dropped: DroppedEventInfo[] = [];
  rec.on('dropped', (d) => dropped.push(d));
  return { rec, dropped };
}

describe('calls', () => {
  it('return at once, even when the API server cannot be reached; the failure is reported, not thrown', async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'gone', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'c', cluster: 'gone', user: 'u' }],
      currentContext: 'c',
    });
    const { rec, dropped } = recorder({ kubeConfig: kc, retry: { maxTries: 1 } });
    const errors: Error[] = [];
    rec.on('error', (e) => errors.push(e));
    expectTypeOf<EventRecorder['warning']>().returns.toBeVoid();
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) rec.warning(deployment('shop'), `R${i}`, 'x');
    expect(performance.now() - t0).toBeLessThan(50);
    await rec.close();
    expect(errors).toHaveLength(20);
    expect(dropped.every((d) => d.reason === 'failed')).toBe(true);
  });

  it('throw InvalidEventObjectError / EventValidationError for bad arguments, at the call, and record nothing', async () => {
    const { rec } = recorder();
    expect(() => { rec.warning({ kind: 'Deployment', metadata: { name: 'web' } }, 'R', 'x'); }).toThrow(InvalidEventObjectError);
    expect(() => { rec.event(deployment('shop'), 'Error' as never, 'R', 'x'); }).toThrow(EventValidationError);
    expect(() => { rec.normal(deployment('shop'), 'R'.repeat(129), 'x'); }).toThrow(/at most 128 bytes/);
    expect(() => { rec.normal(deployment('shop'), 'R', 'x', { action: 'A'.repeat(129) }); }).toThrow(/`action` to be at most 128 bytes/);
    expect(() => { rec.normal(deployment('shop'), 'R', 42 as never); }).toThrow(/Expected `message` to be a string/);
    expect(() => { rec.normal(deployment('shop'), 'R', 'x', { related: { kind: 'Pod' } }); }).toThrow(/about this related/);
    expect(rec.stats.recorded).toBe(0);
    await rec.close();
  });
});

describe('bounds', () => {
  it('drops new distinct events when the queue is full (queue-full, counted and reported); identical ones still merge', async () => {
    const ns = freshNamespace(cluster);
    const { rec, dropped } = recorder({ queueSize: 3 });
    for (let i = 0; i < 5; i++) rec.warning(deployment(ns), `R${i}`, 'x');
    rec.warning(deployment(ns), 'R0', 'x'); // merges into the waiting R0
    expect(rec.stats).toMatchObject({ recorded: 4, coalesced: 1, queued: 3, dropped: { 'queue-full': 2 } });
    expect(dropped.map((d) => [d.reason, d.eventReason])).toEqual([
      ['queue-full', 'R3'],
      ['queue-full', 'R4'],
    ]);
    await rec.close();
    expect(coreEvents(cluster, ns).map((e) => [e.reason, e.count]).sort()).toEqual([
      ['R0', 2],
      ['R1', 1],
      ['R2', 1],
    ]);
  });

  it('holds events in the queue while `queueSize` writes are pending (writes are bounded too)', async () => {
    const ns = freshNamespace(cluster);
    const { rec, dropped } = recorder({ queueSize: 2, concurrency: 1 });
    cluster.faults.addLatency(50, { namespace: ns });
    let most = 0;
    rec.on('sent', () => {
      most = Math.max(most, rec.stats.pendingWrites);
    });
    rec.warning(deployment(ns), 'R0', 'x');
    rec.warning(deployment(ns), 'R1', 'x');
    await tick();
    expect(rec.stats).toMatchObject({ queued: 0, pendingWrites: 2 });
    rec.warning(deployment(ns), 'R2', 'x');
    rec.warning(deployment(ns), 'R3', 'x');
    await tick();
    expect(rec.stats).toMatchObject({ queued: 2, pendingWrites: 2 });
    rec.warning(deployment(ns), 'R4', 'x');
    expect(dropped.map((d) => d.reason)).toEqual(['queue-full']);
    await rec.flush();
    cluster.faults.clear();
    expect(most).toBeLessThanOrEqual(2);
    expect(coreEvents(cluster, ns)).toHaveLength(4);
    await rec.close();
  });
});

describe('flush and close', () => {
  it('flush() resolves at once when nothing is pending, and waits for retries otherwise', async () => {
    const ns = freshNamespace(cluster);
    const clock = new ManualClock();
    const { rec } = recorder({ clock, random: () => 0 });
    await rec.flush();
    cluster.faults.injectFailures({ status: 503, count: 1, match: { namespace: ns, resource: 'events' } });
    rec.warning(deployment(ns), 'R', 'x');
    let flushed = false;
    const p = rec.flush().then(() => (flushed = true));
    expect(await clock.nextTimer()).toBe(1000);
    expect(flushed).toBe(false);
    clock.advance(1000);
    await p;
    expect(coreEvents(cluster, ns)).toHaveLength(1);
    await rec.close();
  });

  it('close() drops later calls as `closed` without throwing; a second close() is the same promise', async () => {
    const ns = freshNamespace(cluster);
    const { rec, dropped } = recorder();
    rec.warning(deployment(ns), 'Before', 'x');
    const closing = rec.close();
    expect(rec.close()).toBe(closing);
    rec.warning(deployment(ns), 'After', 'x');
    await closing;
    rec.warning(deployment(ns), 'After', 'x');
    expect(dropped.map((d) => [d.reason, d.eventReason])).toEqual([
      ['closed', 'After'],
      ['closed', 'After'],
    ]);
    expect(coreEvents(cluster, ns).map((e) => e.reason)).toEqual(['Before']);
  });

  it('close({ timeout }) abandons a write still retrying when the timeout runs out: dropped as `closed`, no timer left', async () => {
    const ns = freshNamespace(cluster);
    const clock = new ManualClock();
    const { rec, dropped } = recorder({ clock, random: () => 0 });
    const errors: unknown[] = [];
    rec.on('error', (e) => errors.push(e));
    cluster.faults.injectFailures({ status: 503, count: 100, match: { namespace: ns, resource: 'events' } });
    rec.warning(deployment(ns), 'R', 'x');
    rec.warning(deployment(ns), 'R', 'x');
    await clock.nextTimer(); // first try failed; sleeping 1 s
    const closing = rec.close({ timeout: 500 });
    await tick();
    clock.advance(500);
    await closing;
    cluster.faults.clear();
    expect(dropped).toMatchObject([{ reason: 'closed', occurrences: 2 }]);
    expect(errors).toEqual([]);
    expect(clock.pending()).toEqual([]);
    expect(rec.stats.pendingWrites).toBe(0);
  });

  it('leaves no socket, timer or immediate behind after close() (real clock, events.k8s.io/v1 series timers included)', async () => {
    const ns = freshNamespace(cluster);
    const sockets: Socket[] = [];
    const onSocket = (m: unknown): void => {
      sockets.push((m as { socket: Socket }).socket);
    };
    channel('net.client.socket').subscribe(onSocket);
    const live = new Set<RecorderTimer>();
    const clock: RecorderClock = {
      now: () => systemClock.now(),
      setTimeout: (callback, ms) => {
        const t = systemClock.setTimeout(() => {
          live.delete(t);
          callback();
        }, ms);
        live.add(t);
        return t;
      },
      clearTimeout: (t) => {
        live.delete(t);
        systemClock.clearTimeout(t);
      },
    };
    const immediates = (): number => process.getActiveResourcesInfo().filter((h) => h === 'Immediate').length;
    const { rec } = recorder({ api: 'events.k8s.io/v1', clock });
    for (let i = 0; i < 3; i++) rec.warning(deployment(ns), 'R', 'x');
    await rec.flush();
    expect(sockets.length).toBeGreaterThan(0);
    expect(live.size).toBe(2); // the series refresh and finish timers
    rec.warning(deployment(ns), 'R2', 'x'); // a drain scheduled at close time
    await rec.close();
    channel('net.client.socket').unsubscribe(onSocket);
    expect(sockets.every((s) => s.destroyed)).toBe(true);
    expect(live.size).toBe(0);
    expect(immediates()).toBe(0);
  });

  it('close({ timeout }) aborts a request under way (run last: the server keeps its injected latency timer)', async () => {
    const ns = freshNamespace(cluster);
    const clock = new ManualClock();
    const { rec, dropped } = recorder({ clock });
    cluster.faults.addLatency(3_000, { namespace: ns });
    rec.warning(deployment(ns), 'R', 'x');
    while (rec.stats.apiCalls === 0) await tick();
    const closing = rec.close({ timeout: 100 });
    await tick();
    clock.advance(100);
    await closing;
    cluster.faults.clear();
    expect(dropped).toMatchObject([{ reason: 'closed', occurrences: 1 }]);
    expect(rec.stats).toMatchObject({ pendingWrites: 0, written: 0, apiCalls: 1 });
  });
});
