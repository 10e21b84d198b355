/**
 * Fidelity of the test cluster against a client we did not write: @kubernetes/client-node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api, EventsV1Api, KubernetesObjectApi, PatchStrategy, Watch, makeInformer, setHeaderOptions } from '@kubernetes/client-node';
import type { CoreV1Event, EventsV1Event } from '@kubernetes/client-node';
import { startTestCluster } from '../../src/testing/index.ts';
import type { TestCluster } from '../../src/testing/index.ts';
import { coreEvent } from './http-helpers.ts';

let cluster: TestCluster;
let core: CoreV1Api;
let eventsV1: EventsV1Api;
beforeAll(async () => {
  cluster = await startTestCluster({ namespaces: ['cn'], bookmarkInterval: 0 });
  core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  eventsV1 = cluster.kubeConfig.makeApiClient(EventsV1Api);
});
afterAll(async () => {
  await cluster.close();
});

describe('@kubernetes/client-node against the test cluster', () => {
  it('CoreV1Api: create, read, list and strategic-merge patch an Event as client-go’s recorder does', async () => {
    const created = await core.createNamespacedEvent({ namespace: 'cn', body: coreEvent('cn-1', 'cn') as unknown as CoreV1Event });
    expect(created.metadata.uid).toBeTruthy();
    expect(created.involvedObject.name).toBe('web-1');
    expect(created.firstTimestamp).toBeInstanceOf(Date);
    const patched = await core.patchNamespacedEvent(
      { name: 'cn-1', namespace: 'cn', body: { count: 2, lastTimestamp: '2026-11-23T10:01:00Z', message: 'Started container app (again)' } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(patched.count).toBe(2);
    expect(patched.lastTimestamp?.toISOString()).toBe('2026-11-23T10:01:00.000Z');
    const read = await core.readNamespacedEvent({ name: 'cn-1', namespace: 'cn' });
    expect(read.message).toBe('Started container app (again)');
    const list = await core.listEventForAllNamespaces({ fieldSelector: 'involvedObject.name=web-1' });
    expect(list.items.map((e) => e.metadata.name)).toContain('cn-1');
    expect(list.metadata?.resourceVersion).toBe(cluster.resourceVersion());
    await expect(core.readNamespacedEvent({ name: 'missing', namespace: 'cn' })).rejects.toMatchObject({ code: 404 });
  });

  it('EventsV1Api: create (6-digit eventTime) with series, read back through core/v1, patch the series, and a 422 for a bad event', async () => {
    const body: EventsV1Event = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'cn-v1', namespace: 'cn' },
      eventTime: new Date('2026-11-23T10:00:00.123456Z'),
      reportingController: 'kube-events.io/test',
      reportingInstance: 'test-1',
      action: 'Inject',
      reason: 'OnePilotFail',
      note: 'could not inject sidecar',
      type: 'Warning',
      regarding: { kind: 'Deployment', name: 'web', namespace: 'cn', apiVersion: 'apps/v1', uid: 'u-1' },
    };
    // client-node serializes Date with toISOString() (3 fraction digits); a MicroTime needs 6, so
    // the real server answers 400 — a pitfall the recorder must avoid. A raw JSON body works.
    await expect(eventsV1.createNamespacedEvent({ namespace: 'cn', body })).rejects.toMatchObject({ code: 400 });
    const objects = KubernetesObjectApi.makeApiClient(cluster.kubeConfig);
    const created = (await objects.create({ ...body, eventTime: '2026-11-23T10:00:00.123456Z' } as never)) as EventsV1Event;
    expect(created.reportingController).toBe('kube-events.io/test');
    const asCore = await core.readNamespacedEvent({ name: 'cn-v1', namespace: 'cn' });
    expect(asCore.involvedObject.kind).toBe('Deployment');
    expect(asCore.message).toBe('could not inject sidecar');
    expect(asCore.reportingComponent).toBe('kube-events.io/test');
    const patched = await eventsV1.patchNamespacedEvent(
      { name: 'cn-v1', namespace: 'cn', body: { series: { count: 2, lastObservedTime: '2026-11-23T10:00:05.000000Z' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(patched.series?.count).toBe(2);
    const list = await eventsV1.listNamespacedEvent({ namespace: 'cn' });
    expect(list.items.map((e) => e.metadata?.name)).toContain('cn-v1');
    await expect(objects.create({ ...body, eventTime: '2026-11-23T10:00:00.123456Z', metadata: { name: 'cn-bad', namespace: 'cn' }, type: 'Fatal' } as never)).rejects.toMatchObject({ code: 422 });
  });

  it('Watch: receives ADDED and MODIFIED for changes after the resourceVersion it starts from', async () => {
    const rv = cluster.resourceVersion();
    const seen: [string, string][] = [];
    let resolve!: () => void;
    const two = new Promise<void>((r) => (resolve = r));
    const watch = new Watch(cluster.kubeConfig);
    const req = await watch.watch(
      '/api/v1/namespaces/cn/events',
      { resourceVersion: rv },
      (type, obj: CoreV1Event) => {
        seen.push([type, obj.metadata.name ?? '']);
        if (seen.length === 2) resolve();
      },
      () => undefined,
    );
    await cluster.waitForWatches(1);
    cluster.api.create({ apiVersion: 'v1', resource: 'events' }, 'cn', coreEvent('cn-w', 'cn'));
    cluster.api.patch({ apiVersion: 'v1', resource: 'events' }, 'cn', 'cn-w', { count: 5 });
    await two;
    expect(seen).toEqual([['ADDED', 'cn-w'], ['MODIFIED', 'cn-w']]);
    req.abort();
  });

  it('makeInformer: lists, watches, and recovers through a 410 Gone by relisting', async () => {
    const informer = makeInformer(cluster.kubeConfig, '/api/v1/namespaces/cn/events', () => core.listNamespacedEvent({ namespace: 'cn' }));
    const added = new Set<string>();
    const waiters: { name: string; resolve: () => void }[] = [];
    informer.on('add', (obj) => {
      const name = obj.metadata.name ?? '';
      added.add(name);
      for (const w of waiters.filter((x) => x.name === name)) w.resolve();
    });
    // client-node's informer stops on a dropped connection and reports it as an error; its
    // documented remedy is to start it again, which re-watches from the last resourceVersion.
    informer.on('error', () => {
      void informer.start();
    });
    const waitFor = (name: string) => (added.has(name) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ name, resolve })));
    await informer.start();
    expect(added.has('cn-1')).toBe(true);
    await cluster.waitForWatches(1);
    cluster.api.create({ apiVersion: 'v1', resource: 'events' }, 'cn', coreEvent('cn-live', 'cn'));
    await waitFor('cn-live');
    // Force a 410: compact history, then drop the watch; the informer re-watches from a too-old RV,
    // gets the ERROR 410, relists and sees what happened while it was away.
    cluster.api.create({ apiVersion: 'v1', resource: 'events' }, 'cn', coreEvent('cn-while-away', 'cn'));
    cluster.faults.stallWatches();
    cluster.api.create({ apiVersion: 'v1', resource: 'events' }, 'cn', coreEvent('cn-missed', 'cn'));
    cluster.faults.compact();
    const paths: string[] = [];
    cluster.events.on('request', (r) => paths.push(r.path));
    cluster.faults.dropWatches();
    await waitFor('cn-missed');
    // It got there by a 410 and a relist: a plain list request followed the drop.
    expect(paths.some((p) => p.startsWith('/api/v1/namespaces/cn/events') && !p.includes('watch=true'))).toBe(true);
    expect(informer.list('cn').map((e) => e.metadata.name)).toEqual(expect.arrayContaining(['cn-1', 'cn-live', 'cn-while-away', 'cn-missed']));
    await informer.stop();
  });
});
