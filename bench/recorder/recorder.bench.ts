/**
 * The event recorder's costs:
 * - what one `warning()` call costs the caller (median ns per call over runs, and the p99 of
 *   single calls), against the cheapest thing a call could do — pushing an object onto an array —
 *   measured in the same run;
 * - API calls for bursts of identical and of distinct events, against client-go's algorithm for
 *   the same burst (bench/recorder/client-go-model.ts), with the count each leaves on the server.
 */
import { startTestCluster } from '../../src/testing/index.ts';
import type { TestCluster } from '../../src/testing/index.ts';
import { createEventRecorder } from '../../src/recorder/index.ts';
import type { EventApi, EventRecorder } from '../../src/recorder/index.ts';
import type { BenchResult } from '../bench-result.ts';
import { median } from '../bench-result.ts';
import { modelClientGoEventsV1, modelClientGoRecord } from './client-go-model.ts';
import type { ModelEvent, ModelResult } from './client-go-model.ts';

const RUNS = 31;
const CALLS = 10_000;
const DISTINCT = 500;
const BATCH = 100;
const MESSAGE = 'could not inject the sidecar: configmap "one-pilot" not found';

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; uid: string; resourceVersion: string };
}

function deployment(namespace: string, name: string): Obj {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace, uid: `uid-${name}`, resourceVersion: '4711' } };
}

function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

/** ns per call of `body(i)` over `n` calls. */
function perCall(n: number, body: (i: number) => void): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) body(i);
  return ((performance.now() - t0) / n) * 1e6;
}

async function callCost(cluster: TestCluster): Promise<BenchResult[]> {
  const rec = createEventRecorder({ kubeConfig: cluster.kubeConfig, component: 'bench.example.com/recorder', api: 'core/v1', correlator: { burstSize: 1_000_000 } });
  const identical: number[] = [];
  const distinct: number[] = [];
  const push: number[] = [];
  const singles: number[] = [];
  const pushSingles: number[] = [];
  const dep = deployment('bench', 'web');
  let sink: unknown[] = [];
  for (let run = 0; run < RUNS; run++) {
    identical.push(perCall(CALLS, () => { rec.warning(dep, 'OnePilotFail', MESSAGE); }));
    await rec.flush();
    const objs = Array.from({ length: DISTINCT }, (_, i) => deployment('bench', `web-${run}-${i}`));
    distinct.push(perCall(DISTINCT, (i) => { rec.warning(objs[i]!, 'OnePilotFail', MESSAGE); }));
    await rec.flush();
    sink = [];
    push.push(perCall(CALLS, (i) => { sink.push({ obj: dep, reason: 'OnePilotFail', message: MESSAGE, i }); }));
    // Short batches, each timed: how much a caller can wait at worst (p99), identical and distinct mixed 4:1.
    const more = Array.from({ length: 200 }, (_, i) => deployment('bench', `solo-${run}-${i}`));
    for (let b = 0; b < 10; b++) {
      singles.push(perCall(BATCH, (i) => { rec.warning(i % 5 === 0 ? more[b * 20 + i / 5]! : dep, 'OnePilotFail', MESSAGE); }));
      pushSingles.push(perCall(BATCH, (i) => { sink.push({ obj: dep, reason: 'OnePilotFail', message: MESSAGE, i }); }));
    }
    await rec.flush();
  }
  await rec.close();
  if (sink.length === 0) throw new Error('unreachable');
  const baseline = median(push);
  const row = (scenario: string, value: number): BenchResult => ({
    scenario,
    unit: 'ns/call',
    value,
    baseline: 'pushing an object onto an array (same loop)',
    baselineValue: baseline,
    ratio: value / baseline,
    target: '< 2000 ns/call',
    met: value < 2000,
  });
  return [
    row(`warning(): one call, identical events merged while they wait (median of ${RUNS} runs of ${CALLS} calls)`, median(identical)),
    row(`warning(): one call, distinct events, each a new queue entry (median of ${RUNS} runs of ${DISTINCT} calls)`, median(distinct)),
    {
      scenario: `warning(): p99 over ${RUNS * 10} timed batches of ${BATCH} calls (4 identical : 1 distinct) — the slow tail a caller can meet, GC included`,
      unit: 'ns/call',
      value: percentile(singles, 99),
      baseline: 'p99 of the same batches of array pushes',
      baselineValue: percentile(pushSingles, 99),
      ratio: percentile(singles, 99) / percentile(pushSingles, 99),
    },
  ];
}

interface BurstCase {
  readonly name: string;
  readonly api: EventApi;
  /** The calls, in order: [object name, reason, message]. */
  readonly calls: readonly (readonly [string, string, string])[];
  readonly model: (timeline: ModelEvent[]) => ModelResult;
}

function grid(objects: number, reasons: number, repeats: number, message: (r: number) => string = () => 'x', reason: (r: number) => string = (r) => `Reason${r}`): (readonly [string, string, string])[] {
  const out: (readonly [string, string, string])[] = [];
  for (let rep = 0; rep < repeats; rep++) for (let o = 0; o < objects; o++) for (let r = 0; r < reasons; r++) out.push([`web-${o}`, reason(r), message(r)]);
  return out;
}

async function burst(cluster: TestCluster, c: BurstCase, index: number): Promise<BenchResult> {
  const ns = `burst-${index}`;
  cluster.api.create({ apiVersion: 'v1', resource: 'namespaces' }, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const rec: EventRecorder = createEventRecorder({ kubeConfig: cluster.kubeConfig, component: 'bench.example.com/recorder', api: c.api });
  for (const [obj, reason, message] of c.calls) rec.warning(deployment(ns, obj), reason, message);
  await rec.flush();
  const ours = rec.stats.apiCalls;
  await rec.close();
  const at = Date.now();
  const model = c.model(c.calls.map(([object, reason, message]) => ({ object, type: 'Warning', reason, message, at })));
  // What each leaves on the server: the occurrences its Events count, summed.
  const stored = cluster.api.list({ apiVersion: 'v1', resource: 'events' }, ns) as { count?: number; series?: { count?: number } }[];
  const oursCounted = stored.reduce((a, e) => a + (e.series?.count ?? e.count ?? 1), 0);
  const modelCounted = [...model.serverCounts.values()].reduce((a, b) => a + b, 0);
  return {
    scenario: `${c.name} [${c.api}]: ${c.calls.length} calls → the server counts ${oursCounted} occurrences (client-go: ${modelCounted})`,
    unit: 'API calls',
    value: ours,
    baseline: "client-go's algorithm for the same burst (one call per event until its spam filter stops it)",
    baselineValue: model.apiCalls,
    ratio: ours / model.apiCalls,
    target: '<= client-go',
    met: ours <= model.apiCalls,
  };
}

/** Runs the recorder benchmarks. */
export async function runRecorderBenchmarks(): Promise<BenchResult[]> {
  const cluster = await startTestCluster({ namespaces: ['bench'], bookmarkInterval: 0 });
  try {
    const out = await callCost(cluster);
    const cases: BurstCase[] = [
      { name: '10 000 identical warnings on one object', api: 'core/v1', calls: grid(1, 1, 10_000, () => MESSAGE, () => 'OnePilotFail'), model: (t) => modelClientGoRecord(t) },
      { name: '10 000 identical warnings on one object', api: 'events.k8s.io/v1', calls: grid(1, 1, 10_000, () => MESSAGE, () => 'OnePilotFail'), model: modelClientGoEventsV1 },
      { name: '1 000 distinct warnings (50 objects × 20 reasons), once each', api: 'core/v1', calls: grid(50, 20, 1), model: (t) => modelClientGoRecord(t) },
      { name: '10 000 warnings: 50 objects × 20 reasons, each repeated 10 times, interleaved', api: 'core/v1', calls: grid(50, 20, 10), model: (t) => modelClientGoRecord(t) },
      {
        name: '1 000 warnings: 10 objects × 100 distinct messages of one reason (aggregation)',
        api: 'core/v1',
        calls: grid(10, 100, 1, (r) => `volume v${r} failed`, () => 'FailedMount'),
        model: (t) => modelClientGoRecord(t),
      },
    ];
    for (const [i, c] of cases.entries()) out.push(await burst(cluster, c, i));
    return out;
  } finally {
    await cluster.close();
  }
}
