import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster } from '../../src/testing/index.ts';
import type { TestCluster } from '../../src/testing/index.ts';
import { call, coreEvent, openWatch } from './http-helpers.ts';

let cluster: TestCluster;
const EV = { apiVersion: 'v1', resource: 'events' };
beforeAll(async () => {
  cluster = await startTestCluster({ namespaces: ['w'], bookmarkInterval: 0 });
});
afterAll(async () => {
  await cluster.close();
});

describe('watch', () => {
  it('streams ADDED, MODIFIED and DELETED as one JSON object per line, from an exact resourceVersion', async () => {
    const rv = cluster.resourceVersion();
    const w = await openWatch(cluster, `/api/v1/namespaces/w/events?watch=true&resourceVersion=${rv}`);
    expect(w.status).toBe(200);
    const created = cluster.api.create(EV, 'w', coreEvent('w-1', 'w'));
    cluster.api.patch(EV, 'w', 'w-1', { count: 2 });
    cluster.api.delete(EV, 'w', 'w-1');
    const evs = await w.next(3);
    expect(evs.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(evs[0].object).toMatchObject({ kind: 'Event', apiVersion: 'v1', metadata: { name: 'w-1', uid: (created.metadata as any).uid } });
    expect(evs[1].object.count).toBe(2);
    const rvs = evs.map((e) => Number(e.object.metadata.resourceVersion));
    expect(rvs[0]).toBeLessThan(rvs[1]!);
    expect(rvs[1]).toBeLessThan(rvs[2]!);
    w.close();
  });

  it('replays changes after an older resourceVersion that is still in history', async () => {
    const rv = cluster.resourceVersion();
    cluster.api.create(EV, 'w', coreEvent('w-2', 'w'));
    cluster.api.create(EV, 'w', coreEvent('w-3', 'w'));
    const w = await openWatch(cluster, `/api/v1/namespaces/w/events?watch=1&resourceVersion=${rv}`);
    const evs = await w.next(2);
    expect(evs.map((e) => e.object.metadata.name)).toEqual(['w-2', 'w-3']);
    w.close();
  });

  it('resourceVersion "" and "0" start with synthetic ADDED events for the current state', async () => {
    for (const rv of ['', '0']) {
      const w = await openWatch(cluster, `/api/v1/namespaces/w/events?watch=true&resourceVersion=${rv}`);
      const evs = await w.next(2);
      expect(evs.map((e) => [e.type, e.object.metadata.name])).toEqual([['ADDED', 'w-2'], ['ADDED', 'w-3']]);
      w.close();
    }
  });

  it('a compacted resourceVersion gets an ERROR event with the real 410 Expired Status, then the watch ends', async () => {
    const rv = cluster.resourceVersion();
    cluster.api.create(EV, 'w', coreEvent('w-4', 'w'));
    cluster.faults.compact();
    const w = await openWatch(cluster, `/api/v1/namespaces/w/events?watch=true&resourceVersion=${rv}`);
    const [ev] = await w.next(1);
    expect(ev.type).toBe('ERROR');
    expect(ev.object).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `too old resource version: ${rv} (${cluster.resourceVersion()})`,
      reason: 'Expired',
      code: 410,
    });
    expect((await w.ended).how).toBe('end');
  });

  it('history older than the window is trimmed on the cluster clock, so old resourceVersions expire', async () => {
    const c = await startTestCluster({ historyWindow: 60_000 });
    try {
      const rv = c.resourceVersion();
      c.api.create(EV, 'default', coreEvent('old'));
      c.clock.advance(61_000);
      c.api.create(EV, 'default', coreEvent('new'));
      const w = await openWatch(c, `/api/v1/namespaces/default/events?watch=true&resourceVersion=${rv}`);
      expect((await w.next(1))[0].object.code).toBe(410);
      const ok = await openWatch(c, `/api/v1/namespaces/default/events?watch=true&resourceVersion=${Number(c.resourceVersion()) - 1}`);
      expect((await ok.next(1))[0].object.metadata.name).toBe('new');
      ok.close();
    } finally {
      await c.close();
    }
  });

  it('sends BOOKMARKs only to watches that allow them', async () => {
    const withB = await openWatch(cluster, `/api/v1/namespaces/w/events?watch=true&allowWatchBookmarks=true&resourceVersion=${cluster.resourceVersion()}`);
    const without = await openWatch(cluster, `/api/v1/namespaces/w/events?watch=true&resourceVersion=${cluster.resourceVersion()}`);
    cluster.sendBookmarks();
    cluster.api.create(EV, 'w', coreEvent('w-5', 'w'));
    const [bm, added] = await withB.next(2);
    expect(bm).toEqual({ type: 'BOOKMARK', object: { kind: 'Event', apiVersion: 'v1', metadata: { resourceVersion: String(Number(cluster.resourceVersion()) - 1), creationTimestamp: null } } });
    expect(added.type).toBe('ADDED');
    expect((await without.next(1))[0].type).toBe('ADDED');
    withB.close();
    without.close();
  });

  it('bookmarks come on the configured interval', async () => {
    const c = await startTestCluster({ bookmarkInterval: 20 });
    try {
      const w = await openWatch(c, '/api/v1/events?watch=true&allowWatchBookmarks=true&resourceVersion=' + c.resourceVersion());
      const [a, b] = await w.next(2);
      expect([a.type, b.type]).toEqual(['BOOKMARK', 'BOOKMARK']);
      w.close();
    } finally {
      await c.close();
    }
  });

  it('sendInitialEvents=true sends the state as ADDED, then a BOOKMARK annotated k8s.io/initial-events-end', async () => {
    const w = await openWatch(cluster, '/api/v1/namespaces/w/events?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&resourceVersion=');
    const names = cluster.api.list(EV, 'w').map((e: any) => e.metadata.name);
    const evs = await w.next(names.length + 1);
    expect(evs.slice(0, -1).map((e) => e.object.metadata.name)).toEqual(names);
    const end = evs[evs.length - 1];
    expect(end.type).toBe('BOOKMARK');
    expect(end.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    expect(end.object.metadata.resourceVersion).toBe(cluster.resourceVersion());
    w.close();
  });

  it('sendInitialEvents without resourceVersionMatch=NotOlderThan is 422; a server without WatchList refuses it', async () => {
    const res = await call(cluster, 'GET', '/api/v1/events?watch=true&sendInitialEvents=true');
    expect(res.status).toBe(422);
    expect(res.body.message).toBe('ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan');
    const c = await startTestCluster({ watchList: false });
    try {
      const r2 = await call(c, 'GET', '/api/v1/events?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true');
      expect(r2.status).toBe(422);
      expect(r2.body.message).toContain('sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled');
    } finally {
      await c.close();
    }
  });

  it('timeoutSeconds ends the watch cleanly', async () => {
    const w = await openWatch(cluster, `/api/v1/namespaces/w/events?watch=true&timeoutSeconds=1&resourceVersion=${cluster.resourceVersion()}`);
    expect(await w.ended).toEqual({ how: 'end', partial: '' });
  });

  it('with a selector, objects that start or stop matching arrive as ADDED and DELETED', async () => {
    const w = await openWatch(cluster, `/api/v1/namespaces/w/events?watch=true&fieldSelector=type%3DWarning&resourceVersion=${cluster.resourceVersion()}`);
    cluster.api.create(EV, 'w', coreEvent('w-sel', 'w'));
    cluster.api.patch(EV, 'w', 'w-sel', { type: 'Warning' });
    cluster.api.patch(EV, 'w', 'w-sel', { message: 'still warning' });
    cluster.api.patch(EV, 'w', 'w-sel', { type: 'Normal' });
    const evs = await w.next(3);
    expect(evs.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    w.close();
  });

  it('legacy /watch/ paths work and the events.k8s.io/v1 watch converts objects', async () => {
    const w = await openWatch(cluster, `/apis/events.k8s.io/v1/watch/namespaces/w/events?resourceVersion=${cluster.resourceVersion()}`);
    cluster.api.create(EV, 'w', coreEvent('w-v1', 'w'));
    const [ev] = await w.next(1);
    expect(ev.object.apiVersion).toBe('events.k8s.io/v1');
    expect(ev.object.regarding.name).toBe('web-1');
    expect(ev.object.note).toBe('Started container app');
    w.close();
  });

  it('expired events are deleted at their TTL on the cluster clock, and watchers see DELETED', async () => {
    const c = await startTestCluster({ eventTTL: 60_000 });
    try {
      c.api.create(EV, 'default', coreEvent('ttl-a'));
      c.clock.advance(30_000);
      c.api.create(EV, 'default', coreEvent('ttl-b'));
      const w = await openWatch(c, `/api/v1/namespaces/default/events?watch=true&resourceVersion=${c.resourceVersion()}`);
      c.clock.advance(31_000);
      const [ev] = await w.next(1);
      expect([ev.type, ev.object.metadata.name]).toEqual(['DELETED', 'ttl-a']);
      expect(c.api.list(EV, 'default').map((e: any) => e.metadata.name)).toEqual(['ttl-b']);
      // An update resets the TTL, as kube-apiserver re-applies the lease on every write.
      c.clock.advance(20_000);
      c.api.patch(EV, 'default', 'ttl-b', { count: 2 });
      c.clock.advance(50_000);
      expect(c.api.list(EV, 'default')).toHaveLength(1);
      c.clock.advance(11_000);
      expect(c.api.list(EV, 'default')).toHaveLength(0);
      w.close();
    } finally {
      await c.close();
    }
  });
});
