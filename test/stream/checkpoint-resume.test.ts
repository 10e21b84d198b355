import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestCluster } from '../../src/testing/index.ts';
import type { AnsweredRequest, TestCluster } from '../../src/testing/index.ts';
import { CheckpointError, createEventStream, createFileCheckpointStore, createMemoryCheckpointStore } from '../../src/stream/index.ts';
import type { Checkpoint, CheckpointStore, EventStreamItem, MemoryCheckpointStore } from '../../src/stream/index.ts';
import type { Recorder} from './stream-helpers.ts';
import { EV, ManualClock, coreEvent, once, record, streamOptions } from './stream-helpers.ts';

let cluster: TestCluster;
let dir: string;
const requests: AnsweredRequest[] = [];
beforeAll(async () => {
  cluster = await startTestCluster({ bookmarkInterval: 0, namespaces: ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9'] });
  cluster.events.on('request', (r) => requests.push(r));
  dir = await mkdtemp(join(tmpdir(), 'kube-events-resume-'));
});
afterAll(async () => {
  await cluster.close();
  await rm(dir, { recursive: true, force: true });
});

/** (uid@rv) of every added/updated item of several runs: each must appear once. */
function deliveredKeys(...runs: Recorder[]): string[] {
  return runs.flatMap((r) => r.items.flatMap((i) => (i.type === 'added' || i.type === 'updated' ? [`${i.event.uid}@${i.event.resourceVersion}`] : [])));
}

function tail(r: Recorder): string[] {
  return r.summary().filter((s) => !s.startsWith('error')).map((s) => s.replace(/@\d+$/, ''));
}

describe('EventStream resumes from a checkpoint', () => {
  it('after a stop, watches from the saved resourceVersion: only what changed while it was down, once', async () => {
    for (const n of ['keep', 'change', 'remove']) cluster.api.create(EV, 'r1', coreEvent(n, 'r1'));
    const checkpoint = createFileCheckpointStore(join(dir, 'r1.json'));
    const a = record(cluster, { namespace: 'r1', checkpoint });
    await a.untilCount('synced', 1);
    cluster.api.patch(EV, 'r1', 'change', { count: 2 });
    await a.untilCount('updated', 1);
    await a.stream.stop();
    await a.done;
    const saved = await checkpoint.load();
    expect(saved?.resourceVersion).toBe(a.ofType('updated')[0]!.event.resourceVersion);
    expect(saved?.events.map((e) => e[3]).sort()).toEqual(['change', 'keep', 'remove']);

    // While it is down.
    cluster.api.patch(EV, 'r1', 'change', { count: 3 });
    cluster.api.patch(EV, 'r1', 'change', { count: 4 });
    cluster.api.delete(EV, 'r1', 'remove');
    cluster.api.create(EV, 'r1', coreEvent('new', 'r1'));

    requests.length = 0;
    const b = record(cluster, { namespace: 'r1', checkpoint });
    await b.until(() => b.summary().length >= 5, '5 items');
    expect(tail(b)).toEqual(['synced resume', 'updated change', 'updated change', 'deleted remove', 'added new']);
    expect(b.ofType('updated').map((i) => i.event.count)).toEqual([3, 4]);
    expect(b.ofType('deleted')[0]!.event?.name).toBe('remove');
    expect(requests.some((q) => q.path.includes('limit='))).toBe(false);
    expect(new Set(deliveredKeys(a, b)).size).toBe(deliveredKeys(a, b).length);
    await b.stream.stop();
    await b.done;
  });

  it('when the saved resourceVersion is too old (410 on resume): relists and delivers only the differences', async () => {
    for (const n of ['keep', 'change', 'remove']) cluster.api.create(EV, 'r2', coreEvent(n, 'r2'));
    const checkpoint = createMemoryCheckpointStore();
    const a = record(cluster, { namespace: 'r2', checkpoint });
    await a.untilCount('synced', 1);
    await a.stream.stop();
    await a.done;

    cluster.api.patch(EV, 'r2', 'change', { count: 2 });
    cluster.api.patch(EV, 'r2', 'change', { count: 3 });
    cluster.api.delete(EV, 'r2', 'remove');
    cluster.api.create(EV, 'r2', coreEvent('new', 'r2'));
    cluster.faults.compact();

    const b = record(cluster, { namespace: 'r2', checkpoint });
    const gone = once(b.stream, 'gone');
    await b.untilCount('synced', 2);
    await gone;
    expect(tail(b)).toEqual(['synced resume', 'updated change', 'added new', 'deleted remove', 'synced relist']);
    // Folded: the two writes while it was down arrive as one update at the latest version.
    expect(b.ofType('updated')[0]!.event.count).toBe(3);
    expect(b.ofType('deleted')[0]!.event).toBeUndefined();
    expect(new Set(deliveredKeys(a, b)).size).toBe(deliveredKeys(a, b).length);
    await b.stream.stop();
    await b.done;
    expect(checkpoint.current?.events.map((e) => e[3]).sort()).toEqual(['change', 'keep', 'new']);
  });

  it('stopped in the middle of the initial list: the next run delivers only the rest', async () => {
    for (let i = 0; i < 6; i++) cluster.api.create(EV, 'r3', coreEvent(`p${i}`, 'r3'));
    const checkpoint = createMemoryCheckpointStore();
    const a = createEventStream(streamOptions(cluster, { namespace: 'r3', checkpoint, pageSize: 2, bufferSize: 2 }));
    const it = a[Symbol.asyncIterator]();
    const first: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { value } = await it.next();
      if (value?.type === 'added') first.push(value.event.name);
    }
    await a.stop(); // p2 was handed out, not committed
    expect(first).toEqual(['p0', 'p1', 'p2']);
    expect(checkpoint.current?.resourceVersion).toBeNull();
    expect(checkpoint.current?.events.map((e) => e[3])).toEqual(['p0', 'p1']);
    const b = record(cluster, { namespace: 'r3', checkpoint });
    await b.untilCount('synced', 1);
    expect(tail(b)).toEqual(['added p2', 'added p3', 'added p4', 'added p5', 'synced initial']);
    await b.stream.stop();
    await b.done;
  });

  it('stopped in the middle of a resync relist: the checkpoint has no resume point, so nothing is replayed over it', async () => {
    cluster.api.create(EV, 'r9', coreEvent('x', 'r9'));
    const clock = new ManualClock();
    const checkpoint = createMemoryCheckpointStore();
    const a = createEventStream(streamOptions(cluster, { namespace: 'r9', checkpoint, clock, resyncInterval: 60_000, autoCommit: false, bufferSize: 1 }));
    const watching = once(a, 'watching');
    const it = a[Symbol.asyncIterator]();
    for (let i = 0; i < 2; i++) a.commit((await it.next()).value as EventStreamItem);
    await watching;
    // The watch hangs; two writes it never delivers; then the periodic resync relists.
    cluster.faults.stallWatches();
    cluster.api.patch(EV, 'r9', 'x', { count: 2 });
    cluster.api.patch(EV, 'r9', 'x', { count: 3 });
    clock.advance(60_000);
    const updated = (await it.next()).value as EventStreamItem;
    expect(updated).toMatchObject({ type: 'updated', event: { count: 3 } });
    a.commit(updated);
    await a.stop(); // before the resync's `synced` item
    expect(checkpoint.current?.resourceVersion).toBeNull();
    const b = record(cluster, { namespace: 'r9', checkpoint });
    await b.untilCount('synced', 1);
    expect(tail(b)).toEqual(['synced relist']);
    await b.stream.stop();
    await b.done;
  });

  it('a checkpoint of another scope is not resumed by watch: it relists and compares', async () => {
    cluster.api.create(EV, 'r4', coreEvent('w', 'r4', { type: 'Warning' }));
    cluster.api.create(EV, 'r4', coreEvent('n', 'r4'));
    const checkpoint = createMemoryCheckpointStore();
    const a = record(cluster, { namespace: 'r4', checkpoint });
    await a.untilCount('synced', 1);
    await a.stream.stop();
    await a.done;
    const b = record(cluster, { namespace: 'r4', fieldSelector: 'type=Warning', checkpoint });
    await b.untilCount('synced', 1);
    expect(tail(b)).toEqual(['deleted n', 'synced relist']);
    await b.stream.stop();
    await b.done;
  });

  it('a core/v1 checkpoint resumes an events.k8s.io/v1 stream without duplicates (same uids and resourceVersions)', async () => {
    cluster.api.create(EV, 'r5', coreEvent('x', 'r5'));
    const checkpoint = createMemoryCheckpointStore();
    const a = record(cluster, { namespace: 'r5', checkpoint });
    await a.untilCount('synced', 1);
    await a.stream.stop();
    await a.done;
    cluster.api.patch(EV, 'r5', 'x', { count: 2 });
    const b = record(cluster, { namespace: 'r5', checkpoint, api: 'events.k8s.io/v1' });
    await b.untilCount('updated', 1);
    expect(tail(b)).toEqual(['synced resume', 'updated x']);
    expect(b.ofType('updated')[0]!.event.api).toBe('events.k8s.io/v1');
    await b.stream.stop();
    await b.done;
  });

  it('saves the committed position debounced: at most once per checkpointInterval, coalescing commits', async () => {
    const clock = new ManualClock();
    const checkpoint = createMemoryCheckpointStore();
    const r = record(cluster, { namespace: 'r6', checkpoint, clock, checkpointInterval: 5_000 });
    await once(r.stream, 'watching');
    for (let i = 0; i < 5; i++) cluster.api.create(EV, 'r6', coreEvent(`d${i}`, 'r6'));
    await r.untilCount('added', 5);
    expect(checkpoint.saves).toBe(0);
    const saved = once<[Checkpoint]>(r.stream, 'checkpoint');
    clock.advance(5_000);
    const [cp] = await saved;
    expect(checkpoint.saves).toBe(1);
    // The last item is handed out but not committed until the consumer asks for the next one.
    expect(cp.events.length).toBeGreaterThanOrEqual(4);
    await r.stream.stop();
    await r.done;
    expect(checkpoint.saves).toBe(2);
    expect(checkpoint.current?.events).toHaveLength(5);
  });

  it('a crash (no stop) re-delivers what came after the last saved checkpoint: at-least-once for that tail', async () => {
    const real = createMemoryCheckpointStore();
    let crashed = false;
    const crashing: CheckpointStore = { load: () => real.load(), save: (cp) => (crashed ? Promise.resolve() : real.save(cp)) };
    cluster.api.create(EV, 'r7', coreEvent('before', 'r7'));
    const a = record(cluster, { namespace: 'r7', checkpoint: crashing, checkpointInterval: 0 });
    await a.untilCount('synced', 1);
    while (real.current?.synced !== true) await once(a.stream, 'checkpoint');
    crashed = true;
    cluster.api.create(EV, 'r7', coreEvent('after', 'r7'));
    await a.untilCount('added', 2);
    await a.stream.stop(); // its save is lost, as in a crash
    await a.done;
    const b = record(cluster, { namespace: 'r7', checkpoint: real });
    await b.untilCount('added', 1);
    expect(tail(b)).toEqual(['synced resume', 'added after']);
    await b.stream.stop();
    await b.done;
  });

  it('a checkpoint that cannot be read ends the stream (a fresh list would deliver everything again); a transient load error is retried', async () => {
    const bad: CheckpointStore = { load: () => Promise.reject(new CheckpointError('checkpoint-load', 'not a valid kube-events checkpoint', false)), save: () => Promise.resolve() };
    const r = record(cluster, { namespace: 'r8', checkpoint: bad });
    const err = await r.done;
    expect(err).toMatchObject({ code: 'ERR_CHECKPOINT', retryable: false });
    expect(r.stream.state).toBe('failed');

    let calls = 0;
    const flaky: MemoryCheckpointStore = createMemoryCheckpointStore();
    const wrapped: CheckpointStore = {
      load: () => (++calls === 1 ? Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })) : flaky.load()),
      save: (cp) => flaky.save(cp),
    };
    const ok = record(cluster, { namespace: 'r8', checkpoint: wrapped });
    await ok.untilCount('synced', 1);
    expect(ok.ofType('error').map((i) => i.error.code)).toEqual(['ERR_CHECKPOINT']);
    expect(calls).toBe(2);
    await ok.stream.stop();
    await ok.done;
    expect(flaky.current?.synced).toBe(true);
    const items: EventStreamItem[] = ok.items;
    expect(items.some((i) => i.type === 'synced')).toBe(true);
  });
});
