import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { match } from 'ts-pattern';
import { startTestCluster } from '../../src/testing/index.ts';
import type { AnsweredRequest, TestCluster } from '../../src/testing/index.ts';
import { createEventStream, EventStreamStateError } from '../../src/stream/index.ts';
import type { EventStreamItem } from '../../src/stream/index.ts';
import { InvalidOptionError } from '../../src/errors.ts';
import { EV, ManualClock, coreEvent, once, record, streamOptions } from './stream-helpers.ts';

let cluster: TestCluster;
let requests: AnsweredRequest[] = [];
beforeAll(async () => {
  cluster = await startTestCluster({ bookmarkInterval: 0, namespaces: ['a', 'b', 'sel', 'age', 'v1api', 'pos', 'emit', 'manual', 'del', 'resync'] });
  cluster.events.on('request', (r) => requests.push(r));
});
afterAll(async () => {
  await cluster.close();
});

describe('createEventStream: list then watch', () => {
  it('lists in pages (limit, continue), then watches with bookmarks from the list resourceVersion', async () => {
    for (let i = 0; i < 5; i++) cluster.api.create(EV, 'a', coreEvent(`page-${i}`, 'a'));
    requests = [];
    const r = record(cluster, { namespace: 'a', pageSize: 2 });
    const watching = once<[string | undefined]>(r.stream, 'watching');
    await r.untilCount('synced', 1);
    expect(r.summary().slice(0, 6)).toEqual(['added page-0@' + r.ofType('added')[0]!.event.resourceVersion, expect.stringMatching(/^added page-1/), expect.stringMatching(/^added page-2/), expect.stringMatching(/^added page-3/), expect.stringMatching(/^added page-4/), 'synced initial']);
    expect(r.ofType('added').every((i) => i.origin === 'list')).toBe(true);
    const synced = r.ofType('synced')[0]!;
    expect(synced).toMatchObject({ reason: 'initial', trackedEvents: 5 });
    const lists = requests.filter((q) => q.path.startsWith('/api/v1/namespaces/a/events?limit=2'));
    expect(lists).toHaveLength(3);
    expect(lists.filter((q) => q.path.includes('continue='))).toHaveLength(2);
    expect(await watching).toEqual([synced.resourceVersion]);
    await r.stream.stop();
    await r.done;
  });

  it('delivers updates (count 3 → 4 is an item) and deletions, each once', async () => {
    cluster.api.create(EV, 'b', coreEvent('crash', 'b', { reason: 'BackOff', type: 'Warning', count: 3 }));
    const r = record(cluster, { namespace: 'b' });
    await r.untilCount('synced', 1);
    const first = r.ofType('added')[0]!;
    expect(first.event.count).toBe(3);
    cluster.api.patch(EV, 'b', 'crash', { count: 4 });
    await r.untilCount('updated', 1);
    const upd = r.ofType('updated')[0]!;
    expect(upd.event.count).toBe(4);
    expect(upd.previousResourceVersion).toBe(first.event.resourceVersion);
    expect(upd.origin).toBe('watch');
    cluster.api.delete(EV, 'b', 'crash');
    await r.untilCount('deleted', 1);
    const del = r.ofType('deleted')[0]!;
    expect(del.key).toMatchObject({ uid: first.event.uid, namespace: 'b', name: 'crash' });
    expect(del.event?.count).toBe(4);
    expect(r.summary().filter((s) => !s.startsWith('synced'))).toHaveLength(3);
    await r.stream.stop();
    await r.done;
  });

  it('honours namespace, label and field selectors', async () => {
    cluster.api.create(EV, 'sel', coreEvent('keep', 'sel', { type: 'Warning', metadata: { name: 'keep', namespace: 'sel', labels: { app: 'web' } } }));
    cluster.api.create(EV, 'sel', coreEvent('normal', 'sel', { metadata: { name: 'normal', namespace: 'sel', labels: { app: 'web' } } }));
    cluster.api.create(EV, 'sel', coreEvent('other-app', 'sel', { type: 'Warning', metadata: { name: 'other-app', namespace: 'sel', labels: { app: 'db' } } }));
    cluster.api.create(EV, 'a', coreEvent('other-ns', 'a', { type: 'Warning', metadata: { name: 'other-ns', namespace: 'a', labels: { app: 'web' } } }));
    const r = record(cluster, { namespace: 'sel', labelSelector: 'app=web', fieldSelector: 'type=Warning' });
    await r.untilCount('synced', 1);
    cluster.api.create(EV, 'sel', coreEvent('live', 'sel', { type: 'Warning', metadata: { name: 'live', namespace: 'sel', labels: { app: 'web' } } }));
    cluster.api.create(EV, 'sel', coreEvent('live-normal', 'sel', { metadata: { name: 'live-normal', namespace: 'sel', labels: { app: 'web' } } }));
    // An Event that stops matching the field selector is a deletion for this stream.
    cluster.api.patch(EV, 'sel', 'keep', { type: 'Normal' });
    await r.untilCount('deleted', 1);
    expect(r.names()).toEqual(['added:keep:1', 'added:live:1']);
    expect(r.ofType('deleted')[0]!.key.name).toBe('keep');
    await r.stream.stop();
    await r.done;
  });

  it('maxEventAge skips old Events on the initial list only; a skipped Event that changes is delivered as added', async () => {
    const now = Date.now();
    const old = new Date(now - 3 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const recent = new Date(now - 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
    cluster.api.create(EV, 'age', coreEvent('old', 'age', { firstTimestamp: old, lastTimestamp: old }));
    cluster.api.create(EV, 'age', coreEvent('recent', 'age', { firstTimestamp: old, lastTimestamp: recent }));
    const r = record(cluster, { namespace: 'age', maxEventAge: 3600_000 });
    await r.untilCount('synced', 1);
    expect(r.names()).toEqual(['added:recent:1']);
    expect(r.ofType('synced')[0]!.trackedEvents).toBe(2);
    cluster.api.patch(EV, 'age', 'old', { count: 2, lastTimestamp: recent });
    cluster.api.create(EV, 'age', coreEvent('old-but-new', 'age', { firstTimestamp: old, lastTimestamp: old }));
    await r.untilCount('added', 3);
    expect(r.names()).toEqual(['added:recent:1', 'added:old:2', 'added:old-but-new:1']);
    await r.stream.stop();
    await r.done;
  });

  it('bookmarks move the committed position without an item', async () => {
    const r = record(cluster, { namespace: 'pos' });
    await once(r.stream, 'watching');
    cluster.api.create(EV, 'a', coreEvent('elsewhere', 'a'));
    const bookmark = once<[string]>(r.stream, 'bookmark');
    cluster.sendBookmarks();
    const [rv] = await bookmark;
    expect(rv).toBe(cluster.resourceVersion());
    expect(r.stream.position.resourceVersion).toBe(rv);
    expect(r.items).toHaveLength(1);
    await r.stream.stop();
    await r.done;
  });

  it('reads events.k8s.io/v1 (and auto picks it by discovery) with the same semantics', async () => {
    cluster.api.create(EV, 'v1api', coreEvent('one', 'v1api', { count: 2 }));
    for (const api of ['events.k8s.io/v1', 'auto'] as const) {
      requests = [];
      const r = record(cluster, { namespace: 'v1api', api });
      await r.untilCount('synced', 1);
      expect(r.stream.api).toBe('events.k8s.io/v1');
      const added = r.ofType('added')[0]!;
      expect(added.event.api).toBe('events.k8s.io/v1');
      expect(added.event.count).toBe(api === 'auto' ? 3 : 2);
      expect(added.event.message).toBe('Started container app');
      cluster.api.patch(EV, 'v1api', 'one', { count: api === 'auto' ? 4 : 3 });
      await r.untilCount('updated', 1);
      expect(r.ofType('updated')[0]!.event.count).toBe(api === 'auto' ? 4 : 3);
      expect(requests.some((q) => q.path.startsWith('/apis/events.k8s.io/v1/namespaces/v1api/events?'))).toBe(true);
      if (api === 'auto') expect(requests.some((q) => q.path === '/apis/events.k8s.io/v1')).toBe(true);
      await r.stream.stop();
      await r.done;
    }
  });

  it('periodic resync relists and delivers only differences (none while the watch is healthy)', async () => {
    cluster.api.create(EV, 'resync', coreEvent('r1', 'resync'));
    const clock = new ManualClock();
    const r = record(cluster, { namespace: 'resync', resyncInterval: 60_000, clock });
    await once(r.stream, 'watching');
    cluster.api.patch(EV, 'resync', 'r1', { count: 2 });
    await r.untilCount('updated', 1);
    const rewatch = once<[string | undefined]>(r.stream, 'watching');
    clock.advance(60_000);
    await r.untilCount('synced', 2);
    expect(r.summary().map((s) => s.replace(/@\d+$/, ''))).toEqual(['added r1', 'synced initial', 'updated r1', 'synced resync']);
    const resynced = r.ofType('synced')[1]!;
    expect(await rewatch).toEqual([resynced.resourceVersion]);
    expect(r.stream.stats.retries).toBe(0);
    await r.stream.stop();
    await r.done;
  });

  it('start() delivers items to `item` listeners and commits each after they return', async () => {
    cluster.api.create(EV, 'emit', coreEvent('e1', 'emit'));
    const stream = createEventStream(streamOptions(cluster, { namespace: 'emit' }));
    const seen: string[] = [];
    stream.on('item', (item) => {
      seen.push(
        match(item)
          .with({ type: 'added' }, { type: 'updated' }, (i) => `${i.type}:${i.event.name}`)
          .with({ type: 'deleted' }, (i) => `deleted:${i.key.name}`)
          .with({ type: 'synced' }, (i) => `synced:${i.reason}`)
          .with({ type: 'error' }, (i) => `error:${i.error.code}`)
          .exhaustive(),
      );
    });
    const synced = once(stream, 'synced');
    stream.start();
    await synced;
    expect(seen).toEqual(['added:e1', 'synced:initial']);
    expect(stream.position.seq).toBe(1);
    expect(stream.position.synced).toBe(true);
    expect(() => stream[Symbol.asyncIterator]()).toThrow(EventStreamStateError);
    const ended = once(stream, 'end');
    await stream.stop();
    expect(await ended).toEqual([undefined]);
    expect(stream.state).toBe('stopped');
    expect(() => {
      stream.start();
    }).toThrow(/stopped; create a new one/);
  });

  it('autoCommit: false leaves the position until commit(item)', async () => {
    cluster.api.create(EV, 'manual', coreEvent('m1', 'manual'));
    cluster.api.create(EV, 'manual', coreEvent('m2', 'manual'));
    const stream = createEventStream(streamOptions(cluster, { namespace: 'manual', autoCommit: false }));
    const it1 = stream[Symbol.asyncIterator]();
    const a = (await it1.next()).value as EventStreamItem;
    const b = (await it1.next()).value as EventStreamItem;
    const s = (await it1.next()).value as EventStreamItem;
    expect([a.type, b.type, s.type]).toEqual(['added', 'added', 'synced']);
    expect(stream.position).toEqual({ resourceVersion: undefined, seq: -1, synced: false });
    stream.commit(a);
    expect(stream.position.seq).toBe(a.seq);
    stream.commit(s);
    expect(stream.position.resourceVersion).toBe(s.type === 'synced' ? s.resourceVersion : '');
    expect(stream.position.synced).toBe(true);
    stream.commit(a); // already committed: no-op
    expect(() => {
      stream.commit({ ...s, seq: 999 });
    }).toThrow(EventStreamStateError);
    await it1.return?.();
    expect(stream.state).toBe('stopped');
  });

  it('leaving a for-await loop stops the stream', async () => {
    cluster.api.create(EV, 'del', coreEvent('d1', 'del'));
    const stream = createEventStream(streamOptions(cluster, { namespace: 'del' }));
    for await (const item of stream) {
      expect(item.type).toBe('added');
      break;
    }
    expect(stream.state).toBe('stopped');
  });

  it('validates options with the one error shape', () => {
    expect(() => createEventStream({ kubeConfig: cluster.kubeConfig, pageSize: 0 })).toThrow('Expected `pageSize` to be an integer >= 1, got `0` (number)');
    expect(() => createEventStream({ kubeConfig: cluster.kubeConfig, api: 'v2' as never })).toThrow(InvalidOptionError);
    expect(() => createEventStream({ kubeConfig: cluster.kubeConfig, initialList: 'eager' as never })).toThrow(/initialList/);
    expect(() => createEventStream({ kubeConfig: cluster.kubeConfig, idleTimeout: -1 })).toThrow(/idleTimeout/);
    expect(() => createEventStream({ kubeConfig: cluster.kubeConfig, checkpoint: {} as never })).toThrow(/checkpoint/);
  });
});
