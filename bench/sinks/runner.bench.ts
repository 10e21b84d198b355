/**
 * Sink runner benchmarks.
 *
 * 1. Events/s through `createSinkRunner` to a no-op sink (batches of 500, concurrency 4, the
 *    default ordering key and size estimate, `block` overflow, every `enqueue()` awaited), against
 *    a baseline measured in the same run: the same no-op sink called directly with the same
 *    events in batches of the same size. The ratio is the runner's cost.
 * 2. Peak RSS while 1 M events arrive as fast as `enqueue()` takes them during an outage (every
 *    send retryable), with `drop-oldest` and with `spill` (default fsync `always`), each in its
 *    own child process running the built JavaScript (compiled into `bench/.work/`, as users run
 *    it; Node's TypeScript type stripping alone costs some 40 MB). Baseline: a child that makes
 *    the same 1 M events without a runner. Measured twice: with V8's default heap sizing (which
 *    on a large machine lets garbage pile up: the baseline alone is well over 100 MB) and with
 *    the heap sized as for a small container (`--max-old-space-size=96 --max-semi-space-size=2`).
 *    Target < 150 MB.
 *
 * Run: `node --conditions=source -e "import('./bench/sinks/runner.bench.ts').then(m => m.runSinkBenchmarks()).then(r => console.table(r))"`
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSinkRunner } from '../../src/sinks/runner/sink-runner.ts';
import { delivered } from '../../src/sinks/sink.ts';
import type { Sink } from '../../src/sinks/sink.ts';
import type { KubeEvent } from '../../src/stream/kube-event.ts';
import type { BenchResult } from '../bench-result.ts';
import { median } from '../bench-result.ts';
import { benchEvent } from './bench-events.ts';
import { compileForBench } from './compile-for-bench.ts';

const EVENTS = 200_000;
const BATCH = 500;
const RUNS = 5;
const OUTAGE_EVENTS = 1_000_000;
const RSS_TARGET = 150 * 1024 * 1024;
const SMALL_HEAP = ['--max-old-space-size=96', '--max-semi-space-size=2'];

function noopSink(): Sink & { count: number } {
  const sink = {
    name: 'noop',
    count: 0,
    send(batch: readonly KubeEvent[]) {
      sink.count += batch.length;
      return Promise.resolve(delivered());
    },
  };
  return sink;
}

async function throughRunner(events: readonly KubeEvent[]): Promise<number> {
  const sink = noopSink();
  const runner = createSinkRunner(sink, { batch: { maxItems: BATCH, maxLatency: 50 }, bufferSize: 10_000, concurrency: 4 });
  const t0 = performance.now();
  for (const ev of events) await runner.enqueue(ev);
  await runner.drain();
  const ms = performance.now() - t0;
  await runner.close();
  if (sink.count !== events.length) throw new Error(`runner delivered ${sink.count} of ${events.length}`);
  return (events.length / ms) * 1000;
}

async function direct(events: readonly KubeEvent[]): Promise<number> {
  const sink = noopSink();
  const signal = new AbortController().signal;
  const t0 = performance.now();
  for (let i = 0; i < events.length; i += BATCH) await sink.send(events.slice(i, i + BATCH), { signal, attempt: 1 });
  const ms = performance.now() - t0;
  return (events.length / ms) * 1000;
}

interface RssRun {
  readonly policy: string;
  readonly peakRss: number;
  readonly finalRss: number;
  readonly elapsedMs: number;
  readonly stats: { readonly dropped?: Record<string, number>; readonly spilled?: number };
}

function rssChild(script: string, flags: readonly string[], policy: 'none' | 'drop-oldest' | 'spill'): Promise<RssRun> {
  const dir = mkdtempSync(join(tmpdir(), 'kube-events-bench-spill-'));
  return new Promise<RssRun>((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, script, policy, dir, String(OUTAGE_EVENTS)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0) reject(new Error(`outage-rss ${policy} exited with ${code}`));
      else resolve(JSON.parse(out) as RssRun);
    });
  });
}

function droppedText(run: RssRun): string {
  const dropped = Object.entries(run.stats.dropped ?? {}).filter(([, n]) => n > 0);
  return dropped.length === 0 ? 'none dropped' : dropped.map(([reason, n]) => `${n.toLocaleString('en-US')} dropped (${reason})`).join(', ');
}

/** Runs the sink runner benchmarks. */
export async function runSinkBenchmarks(): Promise<BenchResult[]> {
  const events = Array.from({ length: EVENTS }, (_, i) => benchEvent(i));
  const runner: number[] = [];
  const baseline: number[] = [];
  // One unmeasured round first, so that both sides are compiled by the JIT before they are timed.
  await throughRunner(events);
  await direct(events);
  for (let i = 0; i < RUNS; i++) {
    runner.push(await throughRunner(events));
    baseline.push(await direct(events));
  }
  const out: BenchResult[] = [];
  const value = median(runner);
  const baselineValue = median(baseline);
  out.push({
    scenario: `sink runner to a no-op sink (${EVENTS.toLocaleString('en-US')} events, batches of ${BATCH}, concurrency 4, enqueue awaited)`,
    unit: 'events/s',
    value,
    baseline: `the no-op sink's send() called directly in batches of ${BATCH}`,
    baselineValue,
    ratio: value / baselineValue,
  });

  const compiled = compileForBench(join(import.meta.dirname, 'outage-rss.ts'), 'sinks-rss');
  try {
    for (const [heap, flags] of [
      ['default V8 heap sizing', []],
      [`heap sized for a small container (${SMALL_HEAP.join(' ')})`, SMALL_HEAP],
    ] as const) {
      const none = await rssChild(compiled.entry, flags, 'none');
      for (const policy of ['drop-oldest', 'spill'] as const) {
        const run = await rssChild(compiled.entry, flags, policy);
        out.push({
          scenario: `peak RSS, ${OUTAGE_EVENTS.toLocaleString('en-US')} events during an outage, overflow '${policy}', ${heap} (${(run.elapsedMs / 1000).toFixed(1)} s; ${run.stats.spilled === undefined || run.stats.spilled === 0 ? '' : `${run.stats.spilled.toLocaleString('en-US')} spilled, `}${droppedText(run)})`,
          unit: 'MB',
          value: run.peakRss / 1024 / 1024,
          baseline: `a process making the same events without a runner, same flags (${(none.elapsedMs / 1000).toFixed(1)} s)`,
          baselineValue: none.peakRss / 1024 / 1024,
          ratio: run.peakRss / none.peakRss,
          target: '< 150 MB',
          met: run.peakRss < RSS_TARGET,
        });
      }
    }
  } finally {
    compiled.remove();
  }
  return out;
}
