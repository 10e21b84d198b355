/**
 * One RSS measurement, in its own process so that the figure is its own:
 * `node --conditions=source bench/sinks/outage-rss.ts <none|drop-oldest|spill> <dir> <events>`.
 * The receiver is down for the whole run (every send is retryable); `<events>` events arrive as
 * fast as `enqueue()` takes them. `none` makes the same events without a runner (the baseline).
 * Prints one JSON line: peak RSS (the kernel's high-water mark, `resourceUsage().maxRSS`) and
 * final RSS in bytes, elapsed ms, the runner's counters.
 */
import { createSinkRunner } from '../../src/sinks/runner/sink-runner.ts';
import { retryable } from '../../src/sinks/sink.ts';
import type { Sink } from '../../src/sinks/sink.ts';
import { benchEvent } from './bench-events.ts';

const [policy = 'none', directory = '', count = '1000000'] = process.argv.slice(2);
const events = Number(count);
const down: Sink = { name: 'down', send: () => Promise.resolve(retryable(new Error('connection refused'))) };
const started = performance.now();
let stats: unknown;
if (policy === 'none') {
  let sink = 0;
  for (let i = 0; i < events; i++) {
    sink += benchEvent(i).message.length;
    if (i % 1000 === 0) await Promise.resolve();
  }
  stats = { checksum: sink };
} else {
  const runner = createSinkRunner(down, {
    overflow: policy as 'drop-oldest' | 'spill',
    ...(policy === 'spill' ? { spill: { directory, maxBytes: 4 * 1024 ** 3 } } : {}),
    closeTimeout: 0,
  });
  for (let i = 0; i < events; i++) await runner.enqueue(benchEvent(i));
  // Wait until every event is settled or held: the last spill writes land.
  const accounted = (): number => {
    const s = runner.stats();
    return s.spilled + s.buffered + Object.values(s.dropped).reduce((a, b) => a + b, 0);
  };
  while (accounted() < events) await new Promise((resolve) => setTimeout(resolve, 10));
  stats = runner.stats();
  await runner.close();
}
const elapsedMs = performance.now() - started;
const peak = process.resourceUsage().maxRSS * 1024;
process.stdout.write(`${JSON.stringify({ policy, peakRss: peak, finalRss: process.memoryUsage.rss(), elapsedMs, stats })}\n`);
