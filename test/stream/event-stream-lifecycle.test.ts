import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster } from '../../src/testing/index.ts';
import type { TestCluster } from '../../src/testing/index.ts';
import { createEventStream, createMemoryCheckpointStore } from '../../src/stream/index.ts';
import type { EventStreamItem } from '../../src/stream/index.ts';
import { EV, ManualClock, coreEvent, once, streamOptions } from './stream-helpers.ts';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({ bookmarkInterval: 0, namespaces: ['bp'] });
});
afterAll(async () => {
  await cluster.close();
});

/** Lets pending I/O callbacks run (not a timer: a few turns of the event loop). */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
}

function handles(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const h of process.getActiveResourcesInfo()) out[h] = (out[h] ?? 0) + 1;
  return out;
}

describe('EventStream backpressure', () => {
  it('a slow consumer pauses the watch socket; the buffer stays bounded; nothing is lost; a paused watch is not "idle"', async () => {
    const clock = new ManualClock();
    const stream = createEventStream(streamOptions(cluster, { namespace: 'bp', bufferSize: 20, clock, idleTimeout: 5_000 }));
    const watching = once(stream, 'watching');
    const it = stream[Symbol.asyncIterator]();
    expect((await it.next()).value).toMatchObject({ type: 'synced', reason: 'initial' });
    await watching;
    const total = 2000;
    const pad = 'x'.repeat(800);
    for (let i = 0; i < total; i++) cluster.api.create(EV, 'bp', coreEvent(`bp-${String(i).padStart(4, '0')}`, 'bp', { message: `${i} ${pad}` }));
    await turns(200);
    const stats = stream.stats;
    expect(stats.backpressure).toBe(true);
    expect(stats.buffered).toBeLessThanOrEqual(20);
    expect(stats.trackedEvents).toBeLessThanOrEqual(20);
    // Hours pass while the consumer is busy: the paused watch does not time out.
    clock.advance(60 * 60_000);
    await turns(10);
    const names: string[] = [];
    let maxAhead = 0;
    while (names.length < total) {
      const { value } = await it.next();
      const item = value as EventStreamItem;
      expect(item.type).toBe('added');
      if (item.type === 'added') names.push(item.event.name);
      maxAhead = Math.max(maxAhead, stream.stats.trackedEvents - names.length);
      if (names.length % 100 === 0) await turns(5);
    }
    expect(maxAhead).toBeLessThanOrEqual(20);
    expect(names).toEqual(Array.from({ length: total }, (_, i) => `bp-${String(i).padStart(4, '0')}`));
    expect(stream.stats.retries).toBe(0);
    await it.return?.();
  });
});

describe('EventStream stop()', () => {
  it('aborts the watch, saves the committed position and leaves no timer or socket open', async () => {
    const cluster = await startTestCluster({ bookmarkInterval: 0, namespaces: ['stop'] });
    await turns(20);
    const before = handles();
    const store = createMemoryCheckpointStore();
    const stream = createEventStream(streamOptions(cluster, { namespace: 'stop', checkpoint: store, resyncInterval: 60_000, checkpointInterval: 30_000 }));
    const watching = once(stream, 'watching');
    const items: EventStreamItem[] = [];
    const consumed = (async () => {
      for await (const item of stream) items.push(item);
    })();
    await watching;
    const got = once(stream, 'item');
    cluster.api.create(EV, 'stop', coreEvent('s1', 'stop'));
    await got;
    const watchEnded = once(cluster.events, 'watchEnd');
    const first = stream.stop();
    expect(stream.stop()).toBe(first);
    await first;
    await consumed;
    await watchEnded;
    expect(stream.state).toBe('stopped');
    expect(items.map((i) => i.type)).toEqual(['synced', 'added']);
    // The loop asked for the next item after `s1`, so `s1` was committed, and saved on stop.
    const s1 = items[1]?.type === 'added' ? items[1].event : undefined;
    expect(store.saves).toBe(1);
    expect(store.current?.events).toEqual([[s1?.uid, s1?.resourceVersion, 'stop', 's1', 1]]);
    expect(store.current?.resourceVersion).toBe(s1?.resourceVersion);
    // No kind of handle (socket, timer) is left above what was open before the stream started.
    const grown = (): string[] => {
      const now = handles();
      return Object.keys(now).filter((k) => (now[k] ?? 0) > (before[k] ?? 0));
    };
    for (let i = 0; i < 200 && grown().length > 0; i++) await turns(1);
    expect(grown()).toEqual([]);
    expect(cluster.openWatches()).toBe(0);
    await cluster.close();
  });

  it('stop() before start is a no-op that leaves the stream stopped', async () => {
    const stream = createEventStream(streamOptions(cluster));
    await stream.stop();
    expect(stream.state).toBe('stopped');
    const it = stream[Symbol.asyncIterator]();
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });
});
