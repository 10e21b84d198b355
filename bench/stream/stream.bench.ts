/**
 * EventStream throughput and memory.
 *
 * Throughput: items/s through `createEventStream` reading a watch of ~1 KB Events from the test
 * cluster (HTTPS, replayed from history, so every consumer gets the same bytes), against two
 * baselines on the same watch in the same run: (a) a bare node:https reader that splits lines and
 * `JSON.parse`s each — the floor of any JSON watch client — and (b) @kubernetes/client-node's
 * `Watch`. The stream does more per item than (a): it normalizes each Event to a `KubeEvent`,
 * tracks its uid and resourceVersion, queues it with backpressure and hands it out through an
 * async iterator. Targets (issue 3): ≥ 0.7 × (a), ≥ 1.0 × (b).
 *
 * Memory: heap per tracked Event after a stream has listed N Events (what the stream keeps to
 * never deliver one twice), without and with a checkpoint store (which keeps the committed set too).
 */
import { request } from 'node:https';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Watch } from '@kubernetes/client-node';
import { startTestCluster } from '../../src/testing/index.ts';
import type { TestCluster } from '../../src/testing/index.ts';
import { createEventStream, createMemoryCheckpointStore } from '../../src/stream/index.ts';
import type { EventStreamOptions } from '../../src/stream/index.ts';
import type { BenchResult } from '../bench-result.ts';
import { median } from '../bench-result.ts';

const EVENTS = 50_000;
const RUNS = 7;
const MEMORY_EVENTS = 50_000;
const NS = 'bench';
const EVENTS_REF = { apiVersion: 'v1', resource: 'events' };

function kilobyteEvent(i: number): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `web-6d4cf56db6-x${i}.17f1a2b3c4d5e6f7`, namespace: NS, labels: { app: 'web', tier: 'frontend' } },
    involvedObject: { kind: 'Pod', namespace: NS, name: `web-6d4cf56db6-x${i}`, uid: '8b0a7c3e-8f5d-4f0e-9b8a-2c1d3e4f5a6b', apiVersion: 'v1', resourceVersion: '123456', fieldPath: 'spec.containers{app}' },
    reason: 'BackOff',
    message: `Back-off restarting failed container app in pod web-6d4cf56db6-x${i}_bench(8b0a7c3e-8f5d-4f0e-9b8a-2c1d3e4f5a6b): the container exited with code 137 after the liveness probe failed three times in a row; see the pod logs for details.`,
    source: { component: 'kubelet', host: 'node-17.europe-west4-a.c.example-project.internal' },
    firstTimestamp: '2026-11-23T10:00:00Z',
    lastTimestamp: '2026-11-23T10:05:00Z',
    count: 7,
    type: 'Warning',
    reportingComponent: 'kubelet',
    reportingInstance: 'node-17.europe-west4-a.c.example-project.internal',
  };
}

function watchPath(fromRv: string): string {
  return `/api/v1/namespaces/${NS}/events?watch=true&allowWatchBookmarks=true&resourceVersion=${fromRv}`;
}

/** (a) node:https, split on `\n`, `JSON.parse` each line. */
function rawSplitParse(cluster: TestCluster, fromRv: string, n: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let count = 0;
    let rest = '';
    let sink = 0;
    const req = request(`${cluster.url}${watchPath(fromRv)}`, { ca: cluster.caPem, headers: { Authorization: `Bearer ${cluster.adminToken}` }, agent: false }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const text = rest + chunk;
        let start = 0;
        for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', start)) {
          const ev = JSON.parse(text.slice(start, i)) as { type: string };
          sink += ev.type.length;
          start = i + 1;
          if (++count === n) {
            const ms = performance.now() - t0;
            req.destroy();
            resolve(sink > 0 ? (n / ms) * 1000 : 0);
            return;
          }
        }
        rest = text.slice(start);
      });
    });
    req.on('error', (e) => {
      if (count < n) reject(e);
    });
    req.end();
  });
}

/** (b) @kubernetes/client-node Watch. */
async function clientNodeWatch(cluster: TestCluster, fromRv: string, n: number): Promise<number> {
  const watch = new Watch(cluster.kubeConfig);
  const t0 = performance.now();
  let count = 0;
  let finish: (ms: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (finish = resolve));
  const controller = await watch.watch(
    `/api/v1/namespaces/${NS}/events`,
    { allowWatchBookmarks: true, resourceVersion: fromRv },
    () => {
      if (++count === n) finish(performance.now() - t0);
    },
    () => undefined,
  );
  const ms = await done;
  controller.abort();
  return (n / ms) * 1000;
}

/** The EventStream, resuming at `fromRv` (a checkpoint), so it reads the same watch. */
async function eventStream(cluster: TestCluster, fromRv: string, n: number): Promise<number> {
  const checkpoint = createMemoryCheckpointStore({
    version: 1,
    scope: `namespace=${NS} labelSelector= fieldSelector=`,
    resourceVersion: fromRv,
    synced: true,
    events: [],
    savedAt: new Date().toISOString(),
  });
  const t0 = performance.now();
  const stream = createEventStream({ kubeConfig: cluster.kubeConfig, namespace: NS, checkpoint, checkpointInterval: 60_000 });
  let count = 0;
  let sink = 0;
  let ms = 0;
  for await (const item of stream) {
    if (item.type !== 'added') continue;
    sink += item.event.count;
    if (++count === n) {
      ms = performance.now() - t0;
      break;
    }
  }
  await stream.stop();
  return sink > 0 ? (n / ms) * 1000 : 0;
}

function gcFunction(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function heapAfterGc(gc: () => void): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise<void>((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed;
}

/** Heap bytes per tracked Event: the heap with a stream that listed N Events, less the heap before it started. */
async function bytesPerTrackedEvent(cluster: TestCluster, withCheckpoint: boolean): Promise<number> {
  const gc = gcFunction();
  const options: EventStreamOptions = { kubeConfig: cluster.kubeConfig, namespace: NS, checkpointInterval: 3_600_000 };
  const before = await heapAfterGc(gc);
  const stream = createEventStream(withCheckpoint ? { ...options, checkpoint: createMemoryCheckpointStore() } : options);
  // Event-emitter mode commits each item after its listeners: once `synced` is handled, nothing is queued.
  const synced = new Promise<void>((resolve) => stream.once('synced', () => { resolve(); }));
  stream.start();
  await synced;
  const tracked = stream.stats.trackedEvents;
  const withStream = await heapAfterGc(gc);
  await stream.stop();
  return (withStream - before) / tracked;
}

/** Runs the EventStream benchmarks. */
export async function runStreamBenchmarks(): Promise<BenchResult[]> {
  const cluster = await startTestCluster({ namespaces: [NS], bookmarkInterval: 0, historyWindow: 3_600_000 });
  try {
    const from = cluster.resourceVersion();
    for (let i = 0; i < EVENTS; i++) cluster.api.create(EVENTS_REF, NS, kilobyteEvent(i) as never);
    // Warm-up: the server caches each object's serialization; every measured run then reads the same cached bytes.
    await rawSplitParse(cluster, from, EVENTS);
    await eventStream(cluster, from, 1000);
    await clientNodeWatch(cluster, from, 1000);
    const raw: number[] = [];
    const peer: number[] = [];
    const ours: number[] = [];
    // Interleaved, and in a rotating order, so a busy moment of the machine does not favour one of them.
    const contenders: (() => Promise<void>)[] = [
      async () => {
        raw.push(await rawSplitParse(cluster, from, EVENTS));
      },
      async () => {
        peer.push(await clientNodeWatch(cluster, from, EVENTS));
      },
      async () => {
        ours.push(await eventStream(cluster, from, EVENTS));
      },
    ];
    for (let run = 0; run < RUNS; run++) {
      for (let k = 0; k < contenders.length; k++) await contenders[(run + k) % contenders.length]?.();
    }
    const value = median(ours);
    const rawValue = median(raw);
    const peerValue = median(peer);
    const perEvent: number[] = [];
    const perEventWithCheckpoint: number[] = [];
    const memoryCluster = await startTestCluster({ namespaces: [NS], bookmarkInterval: 0 });
    try {
      for (let i = 0; i < MEMORY_EVENTS; i++) memoryCluster.api.create(EVENTS_REF, NS, kilobyteEvent(i) as never);
      for (let run = 0; run < 3; run++) {
        perEvent.push(await bytesPerTrackedEvent(memoryCluster, false));
        perEventWithCheckpoint.push(await bytesPerTrackedEvent(memoryCluster, true));
      }
    } finally {
      await memoryCluster.close();
    }
    const label = `EventStream items/s (${EVENTS} ~1 KB Events, watch over HTTPS from the test cluster, normalized to KubeEvent)`;
    return [
      {
        scenario: label,
        unit: 'items/s',
        value,
        baseline: '(a) node:https + split + JSON.parse of the same watch',
        baselineValue: rawValue,
        ratio: value / rawValue,
        target: '>= 0.7 x (a)',
        met: value >= 0.7 * rawValue,
      },
      {
        scenario: label,
        unit: 'items/s',
        value,
        baseline: '(b) @kubernetes/client-node Watch on the same watch',
        baselineValue: peerValue,
        ratio: value / peerValue,
        target: '>= 1.0 x (b)',
        met: value >= peerValue,
      },
      {
        scenario: `EventStream heap per tracked Event (${MEMORY_EVENTS} listed; without / with a checkpoint store)`,
        unit: 'bytes',
        value: median(perEventWithCheckpoint),
        baseline: 'without a checkpoint store (one uid → resourceVersion map)',
        baselineValue: median(perEvent),
        ratio: median(perEventWithCheckpoint) / median(perEvent),
      },
    ];
  } finally {
    await cluster.close();
  }
}
