/**
 * Router benchmarks: decisions per second with 10 and with 100 routes (the target:
 * >= 1 M decisions/s with 100 rules on one core), and payload renders per second.
 *
 * Baselines, measured in the same run on the same events:
 * - decisions: a hand-written `if` chain implementing exactly the same routes (drop rules, first
 *   match, root receiver) and returning the same receivers — the cost floor of the routing logic
 *   itself, without a DSL;
 * - renders: `JSON.stringify` of an object built by hand from the same fields the layout renders.
 *
 * Run: `node --conditions=source -e "import('./bench/router/router.bench.ts').then(m => m.runRouterBenchmarks()).then(r => console.table(r))"`
 */
import { compileLayout, glob, router } from '../../src/router/index.ts';
import type { Decision, RouteBuilder } from '../../src/router/index.ts';
import { fromCoreV1Event } from '../../src/stream/kube-event.ts';
import type { KubeEvent } from '../../src/stream/kube-event.ts';
import type { BenchResult } from '../bench-result.ts';
import { median } from '../bench-result.ts';

const RUNS = 5;
const RUN_MS = 400;
const EVENTS = 4096;
const REASONS = ['BackOff', 'FailedMount', 'FailedScheduling', 'Pulled', 'Created', 'Started', 'Unhealthy', 'Killing'] as const;
const KINDS = ['Pod', 'Deployment', 'ReplicaSet', 'Node'] as const;

/** Events spread over 2 × `rules` namespaces, so about half match no route and walk all of them. */
function makeEvents(rules: number): KubeEvent[] {
  return Array.from({ length: EVENTS }, (_, i) => {
    const namespace = i % 13 === 0 ? `test-${i % 5}` : `team-${(i * 7919) % (rules * 2)}`;
    return fromCoreV1Event({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `web-${i}.17cb3c8a1e2f4b5d`, namespace, uid: `uid-${i}`, resourceVersion: String(1000 + i) },
      involvedObject: { kind: KINDS[i % KINDS.length] ?? 'Pod', name: `web-${i % 50}`, namespace, apiVersion: 'v1', uid: `obj-${i % 50}` },
      reason: REASONS[(i * 31) % REASONS.length] ?? 'BackOff',
      message: `Back-off restarting failed container app in pod web-${i % 50}`,
      type: i % 3 === 0 ? 'Normal' : 'Warning',
      count: 1 + (i % 9),
      source: { component: 'kubelet', host: `node-${i % 12}` },
      firstTimestamp: '2024-05-01T10:00:00Z',
      lastTimestamp: '2024-05-01T10:05:00Z',
      reportingComponent: 'kubelet',
      reportingInstance: `node-${i % 12}`,
    });
  });
}

const RECEIVERS = ['r0', 'r1', 'r2', 'r3', 'r4'] as const;
type Receiver = (typeof RECEIVERS)[number] | 'archive';

/**
 * Route i: events in namespace `team-i` (an exact match — the router indexes sibling routes on
 * it — or, with `regexes`, `/^team-i$/`, which it cannot index and scans) about a Pod/Deployment
 * with a failure reason.
 */
function routeRule(i: number, regexes: boolean): (r: RouteBuilder<Receiver>) => RouteBuilder<Receiver> {
  const receiver = RECEIVERS[i % RECEIVERS.length] ?? 'r0';
  const namespace = regexes ? new RegExp(`^team-${i}$`) : `team-${i}`;
  return (r) => r.match({ namespace, kind: ['Pod', 'Deployment'], reason: [glob('Failed*'), 'BackOff', 'Unhealthy'] }).to(receiver);
}

function buildRouter(rules: number, regexes: boolean) {
  let b = router({ receivers: [...RECEIVERS, 'archive'] })
    .drop({ namespace: glob('test-*') })
    .drop({ type: 'Normal', reason: ['Pulled', 'Created', 'Started'] });
  for (let i = 0; i < rules; i++) b = b.route(routeRule(i, regexes));
  return b.to('archive').compile();
}

/** The same routes as a hand-written if chain (the baseline): one `if` per route, in order. */
function baselineFor(rules: number): (ev: KubeEvent) => string[] | 'dropped' {
  const namespaces = Array.from({ length: rules }, (_, i) => `team-${i}`);
  const receivers = Array.from({ length: rules }, (_, i) => RECEIVERS[i % RECEIVERS.length] ?? 'r0');
  return (ev) => {
    if (ev.namespace.startsWith('test-')) return 'dropped';
    if (ev.type === 'Normal' && (ev.reason === 'Pulled' || ev.reason === 'Created' || ev.reason === 'Started')) return 'dropped';
    const out = ['archive'];
    for (let i = 0; i < rules; i++) {
      if (
        ev.namespace === namespaces[i] &&
        (ev.regarding.kind === 'Pod' || ev.regarding.kind === 'Deployment') &&
        (ev.reason.startsWith('Failed') || ev.reason === 'BackOff' || ev.reason === 'Unhealthy')
      ) {
        out.push(receivers[i] ?? 'r0');
        break;
      }
    }
    return out;
  };
}

/** Calls `fn` over the events for RUN_MS and returns calls per second. */
function rate(events: readonly KubeEvent[], fn: (ev: KubeEvent) => unknown): number {
  let count = 0;
  let sink = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < RUN_MS) {
    for (let i = 0; i < events.length; i++) {
      if (fn(events[i] as KubeEvent) !== undefined) sink++;
    }
    count += events.length;
    elapsed = performance.now() - start;
  }
  if (sink !== count) throw new Error('a decision returned nothing');
  return (count / elapsed) * 1000;
}

function receiversOf(d: Decision): string[] | 'dropped' {
  return d.type === 'dropped' ? 'dropped' : d.type === 'deliver' ? d.deliveries.map((x) => x.receiver) : [];
}

function decisionBenchmark(rules: number, regexes = false): BenchResult {
  const events = makeEvents(rules);
  const routes = buildRouter(rules, regexes);
  const baseline = baselineFor(rules);
  // Both must decide the same, or the comparison means nothing.
  for (const ev of events) {
    const a = JSON.stringify(receiversOf(routes.decide(ev)));
    const b = JSON.stringify(baseline(ev));
    if (a !== b) throw new Error(`router and baseline disagree on ${ev.namespace}/${ev.reason}: ${a} vs ${b}`);
  }
  const ours: number[] = [];
  const base: number[] = [];
  // Warm up both, then alternate runs so that neither gets a systematically better slot.
  rate(events, (ev) => routes.decide(ev));
  rate(events, baseline);
  for (let r = 0; r < RUNS; r++) {
    ours.push(rate(events, (ev) => routes.decide(ev)));
    base.push(rate(events, baseline));
  }
  const value = median(ours);
  const baselineValue = median(base);
  const target = rules === 100 && !regexes ? 1_000_000 : undefined;
  return {
    scenario: `router decisions, ${rules} routes${regexes ? ' keyed by regex (not indexable: a linear scan)' : ''} + 2 drop rules + root receiver (first match; ~half the events match no route)`,
    unit: 'decisions/s',
    value,
    baseline: `hand-written if chain over the same ${rules} routes`,
    baselineValue,
    ratio: value / baselineValue,
    ...(target === undefined ? {} : { target: `>= ${target} decisions/s`, met: value >= target }),
  };
}

function renderBenchmark(): BenchResult {
  const events = makeEvents(10);
  const render = compileLayout({
    title: '{{type}} {{reason}} on {{regarding.kind}} {{namespace}}/{{regarding.name}}',
    text: '{{truncate message 200}}',
    count: '{{count}}',
    host: '{{source.host}}',
    team: '{{label "team" "unowned"}}',
    at: '{{timestampIso}}',
  });
  const involved = { labels: { team: 'payments' } };
  const baseline = (ev: KubeEvent): string =>
    JSON.stringify({
      title: `${ev.type} ${ev.reason} on ${ev.regarding.kind} ${ev.namespace}/${ev.regarding.name}`,
      text: ev.message.length > 200 ? `${ev.message.slice(0, 199)}…` : ev.message,
      count: String(ev.count),
      host: ev.source.host,
      team: involved.labels.team,
      at: (ev.series?.lastObservedTime ?? ev.lastTimestamp ?? ev.eventTime ?? ev.firstTimestamp)?.toISOString() ?? '',
    });
  const ours = (ev: KubeEvent): string => JSON.stringify(render(ev, { involved }));
  const sample = events[0] as KubeEvent;
  if (ours(sample) !== baseline(sample)) throw new Error(`layout and baseline disagree: ${ours(sample)} vs ${baseline(sample)}`);
  const a: number[] = [];
  const b: number[] = [];
  rate(events, ours);
  rate(events, baseline);
  for (let r = 0; r < RUNS; r++) {
    a.push(rate(events, ours));
    b.push(rate(events, baseline));
  }
  const value = median(a);
  const baselineValue = median(b);
  return {
    scenario: 'payload renders: a 6-field Handlebars layout (truncate, label, timestampIso) + JSON.stringify',
    unit: 'renders/s',
    value,
    baseline: 'JSON.stringify of the same fields built by hand',
    baselineValue,
    ratio: value / baselineValue,
  };
}

/** Runs the router benchmarks. */
export async function runRouterBenchmarks(): Promise<BenchResult[]> {
  await Promise.resolve();
  return [decisionBenchmark(10), decisionBenchmark(100), decisionBenchmark(100, true), renderBenchmark()];
}
