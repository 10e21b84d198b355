/**
 * `npm run bench`: runs every benchmark and prints, for each scenario, the figure, the baseline
 * measured in the same run and their ratio. Pass scenario group names to run only some:
 * `npm run bench -- testing`.
 */
import type { BenchResult } from './bench-result.ts';
import { runTestClusterBenchmarks } from './testing/watch-serve.bench.ts';
import { runSyslogBenchmarks } from './syslog/encode.bench.ts';
import { runRecorderBenchmarks } from './recorder/recorder.bench.ts';
import { runRouterBenchmarks } from './router/router.bench.ts';
import { runSinkBenchmarks } from './sinks/runner.bench.ts';
import { runStreamBenchmarks } from './stream/stream.bench.ts';

const groups: Record<string, () => Promise<BenchResult[]>> = {
  testing: runTestClusterBenchmarks,
  syslog: runSyslogBenchmarks,
  recorder: runRecorderBenchmarks,
  router: runRouterBenchmarks,
  stream: runStreamBenchmarks,
  sinks: runSinkBenchmarks,
};

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3);
}

const wanted = process.argv.slice(2);
const results: BenchResult[] = [];
for (const [name, run] of Object.entries(groups)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  process.stdout.write(`running ${name} benchmarks…\n`);
  results.push(...(await run()));
}
console.log(`\nNode ${process.version}, ${(await import('node:os')).cpus().length} cores, ${new Date().toISOString()}\n`);
for (const r of results) {
  console.log(r.scenario);
  console.log(`  ${fmt(r.value)} ${r.unit}   baseline (${r.baseline}): ${fmt(r.baselineValue)} ${r.unit}   ratio ${r.ratio.toFixed(2)}${r.target ? `   target ${r.target}: ${r.met === true ? 'met' : 'NOT met'}` : ''}`);
}
