import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster } from '../../src/testing/index.ts';
import type { AnsweredRequest, TestCluster } from '../../src/testing/index.ts';
import { createEventStream, KubeApiError } from '../../src/stream/index.ts';
import type { EventStreamItem } from '../../src/stream/index.ts';
import { EV, coreEvent, once, record, streamOptions } from './stream-helpers.ts';

let cluster: TestCluster;
const requests: AnsweredRequest[] = [];
beforeAll(async () => {
  cluster = await startTestCluster({ bookmarkInterval: 0, namespaces: ['s1', 's2', 's3'] });
  cluster.events.on('request', (r) => requests.push(r));
});
afterAll(async () => {
  await cluster.close();
});

describe("initialList: 'streaming' (sendInitialEvents)", () => {
  it('reads the initial state from one watch, ends it at the initial-events-end bookmark, and goes on live', async () => {
    for (const n of ['a', 'b', 'c']) cluster.api.create(EV, 's1', coreEvent(n, 's1'));
    requests.length = 0;
    const r = record(cluster, { namespace: 's1', initialList: 'streaming' });
    const [from] = await once<[string | undefined]>(r.stream, 'watching');
    expect(from).toBeUndefined();
    await r.untilCount('synced', 1);
    expect(r.summary().map((s) => s.replace(/@\d+$/, ''))).toEqual(['added a', 'added b', 'added c', 'synced initial']);
    expect(r.ofType('added').every((i) => i.origin === 'list')).toBe(true);
    expect(r.ofType('synced')[0]!.resourceVersion).toBe(cluster.resourceVersion());
    cluster.api.patch(EV, 's1', 'b', { count: 2 });
    await r.untilCount('updated', 1);
    expect(r.ofType('updated')[0]).toMatchObject({ origin: 'watch', event: { name: 'b', count: 2 } });
    expect(requests.some((q) => q.path.includes('limit='))).toBe(false);
    await r.stream.stop();
    await r.done;
  });

  it('after 410 Gone it streams the state again and delivers only differences', async () => {
    for (const n of ['a', 'b', 'c']) cluster.api.create(EV, 's2', coreEvent(n, 's2'));
    const r = record(cluster, { namespace: 's2', initialList: 'streaming' });
    // The streaming watch is the live watch once the initial events are in.
    await r.untilCount('synced', 1);
    const gone = once(r.stream, 'gone');
    cluster.faults.dropWatches();
    cluster.api.patch(EV, 's2', 'a', { count: 5 });
    cluster.api.delete(EV, 's2', 'b');
    cluster.api.create(EV, 's2', coreEvent('d', 's2'));
    cluster.faults.compact();
    await gone;
    await r.untilCount('synced', 2);
    const tail = r.summary().slice(4).filter((s) => !s.startsWith('error')).map((s) => s.replace(/@\d+$/, ''));
    expect(tail).toEqual(['updated a', 'added d', 'deleted b', 'synced relist']);
    await r.stream.stop();
    await r.done;
  });

  it('a watch that breaks during the initial events is retried without delivering anything twice', async () => {
    for (let i = 0; i < 30; i++) cluster.api.create(EV, 's3', coreEvent(`e${String(i).padStart(2, '0')}`, 's3'));
    const stream = createEventStream(streamOptions(cluster, { namespace: 's3', initialList: 'streaming', bufferSize: 5 }));
    const it = stream[Symbol.asyncIterator]();
    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { value } = await it.next();
      if (value?.type === 'added') names.push(value.event.name);
    }
    expect(cluster.faults.dropWatches()).toBeGreaterThanOrEqual(1);
    let item: EventStreamItem | undefined;
    do {
      item = (await it.next()).value as EventStreamItem;
      if (item.type === 'added') names.push(item.event.name);
    } while (item.type !== 'synced');
    expect(names).toEqual(Array.from({ length: 30 }, (_, i) => `e${String(i).padStart(2, '0')}`));
    await it.return?.();
  });
});

describe("initialList: 'auto' and a server without WatchList", () => {
  let old: TestCluster;
  beforeAll(async () => {
    old = await startTestCluster({ bookmarkInterval: 0, watchList: false });
    old.api.create(EV, 'default', coreEvent('x'));
  });
  afterAll(async () => {
    await old.close();
  });

  it("'auto' falls back to a paginated list when the server answers 422, and remembers it", async () => {
    const r = record(old, { initialList: 'auto' });
    const [fallback] = await once<[KubeApiError]>(r.stream, 'fallback');
    expect(fallback).toBeInstanceOf(KubeApiError);
    expect(fallback.statusCode).toBe(422);
    expect(fallback.message).toContain('sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled');
    await r.untilCount('synced', 1);
    expect(r.names()).toEqual(['added:x:1']);
    expect(r.ofType('error')).toEqual([]);
    // A later relist lists directly.
    await once(r.stream, 'watching');
    const gone = once(r.stream, 'gone');
    let fallbacks = 0;
    r.stream.on('fallback', () => fallbacks++);
    old.faults.dropWatches();
    old.api.create(EV, 'default', coreEvent('y'));
    old.faults.compact();
    await gone;
    await r.untilCount('synced', 2);
    expect(fallbacks).toBe(0);
    expect(r.names()).toEqual(['added:x:1', 'added:y:1']);
    await r.stream.stop();
    await r.done;
  });

  it("'streaming' against such a server ends the stream with the 422 (nothing to retry)", async () => {
    const r = record(old, { initialList: 'streaming' });
    const err = await r.done;
    expect(err).toBeInstanceOf(KubeApiError);
    expect(err).toMatchObject({ statusCode: 422, retryable: false, operation: 'watch' });
    expect(r.stream.state).toBe('failed');
  });
});
