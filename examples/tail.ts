/**
 * `examples/tail.ts`: a live, filtered tail of a cluster's Events with `createEventStream` — each
 * new Event and each new version of one (a count going up) printed once, across disconnects and
 * (with TAIL_CHECKPOINT) restarts.
 *
 * By default it starts kube-events' test cluster with the workload simulator writing realistic
 * Events; with KUBECONFIG set it tails that cluster instead.
 *
 *     node --conditions=source examples/tail.ts
 *     TAIL_FIELD_SELECTOR=type=Warning TAIL_NAMESPACE=prod node --conditions=source examples/tail.ts
 *     KUBECONFIG=~/.kube/config TAIL_CHECKPOINT=./tail.checkpoint.json node --conditions=source examples/tail.ts
 *
 * Environment:
 * - TAIL_NAMESPACE: one namespace (default: all)
 * - TAIL_FIELD_SELECTOR, TAIL_LABEL_SELECTOR: selectors, e.g. `type=Warning`
 * - TAIL_API: `core/v1` (default), `events.k8s.io/v1` or `auto`
 * - TAIL_MAX_AGE_SECONDS: skip Events older than this on the initial list (default 600)
 * - TAIL_CHECKPOINT: a file to resume from
 * - TAIL_SECONDS: stop after this many seconds
 * - TAIL_RATE: simulated Events per second (test cluster only; default 20)
 */
import { KubeConfig } from '@kubernetes/client-node';
import { match } from 'ts-pattern';
import { createEventStream, createFileCheckpointStore } from 'kube-events/stream';
import type { EventApi, EventStreamOptions, KubeEvent } from 'kube-events/stream';
import { startTestCluster } from 'kube-events/testing';
import type { TestCluster, WorkloadSimulator } from 'kube-events/testing';

const env = process.env;
const seconds = env.TAIL_SECONDS === undefined ? undefined : Number(env.TAIL_SECONDS);

let cluster: TestCluster | undefined;
let simulator: WorkloadSimulator | undefined;
let kubeConfig: KubeConfig;
if (env.KUBECONFIG !== undefined && env.KUBECONFIG !== '') {
  kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  console.error(`tailing ${kubeConfig.getCurrentCluster()?.server ?? '(unknown)'} (KUBECONFIG)`);
} else {
  cluster = await startTestCluster({ namespaces: ['prod', 'staging', 'dev', 'monitoring'] });
  simulator = cluster.simulate({ seed: 7, rate: Number(env.TAIL_RATE ?? 20), profile: 'dev' });
  simulator.start();
  kubeConfig = cluster.kubeConfig;
  console.error(`tailing the simulated test cluster at ${cluster.url} (set KUBECONFIG to tail a real one)`);
}

const options: EventStreamOptions = {
  kubeConfig,
  api: (env.TAIL_API ?? 'core/v1') as EventApi | 'auto',
  namespace: env.TAIL_NAMESPACE ?? '',
  fieldSelector: env.TAIL_FIELD_SELECTOR ?? '',
  labelSelector: env.TAIL_LABEL_SELECTOR ?? '',
  maxEventAge: Number(env.TAIL_MAX_AGE_SECONDS ?? 600) * 1000,
  ...(env.TAIL_CHECKPOINT !== undefined && env.TAIL_CHECKPOINT !== '' ? { checkpoint: createFileCheckpointStore(env.TAIL_CHECKPOINT) } : {}),
};
const stream = createEventStream(options);

stream.on('reconnecting', ({ error, delayMs }) => {
  console.error(`! ${error.code}: ${error.message} (retrying in ${Math.round(delayMs)} ms)`);
});
stream.on('gone', ({ phase }) => {
  console.error(`! 410 Gone during ${phase}: relisting; only what changed will be printed`);
});

/** When the Event last happened (its latest timestamp). */
function when(ev: KubeEvent): string {
  const t = ev.series?.lastObservedTime ?? ev.eventTime ?? ev.lastTimestamp ?? ev.firstTimestamp ?? ev.creationTimestamp;
  return t === undefined ? '--:--:--' : t.toISOString().slice(11, 19);
}

function line(ev: KubeEvent, mark: string): string {
  const object = `${ev.regarding.kind}/${ev.regarding.name}`;
  const times = ev.count > 1 ? ` ×${ev.count}` : '';
  return `${when(ev)} ${mark} ${ev.type.padEnd(7)} ${(ev.namespace || '-').padEnd(11)} ${object} ${ev.reason}${times}: ${ev.message}`;
}

let printed = 0;
async function shutdown(): Promise<void> {
  await stream.stop();
  await simulator?.stop();
  await cluster?.close();
}
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
const timer = seconds === undefined ? undefined : setTimeout(() => void shutdown(), seconds * 1000);

try {
  for await (const item of stream) {
    const out = match(item)
      .with({ type: 'added' }, ({ event }) => line(event, '+'))
      .with({ type: 'updated' }, ({ event }) => line(event, '~'))
      .with({ type: 'deleted' }, () => undefined)
      .with({ type: 'synced' }, ({ reason, trackedEvents }) => `-- synced (${reason}): ${trackedEvents} events tracked; following…`)
      .with({ type: 'error' }, ({ error }) => `!! ${error.message}`)
      .exhaustive();
    if (out === undefined) continue;
    if (item.type === 'added' || item.type === 'updated') printed++;
    (item.type === 'synced' || item.type === 'error' ? console.error : console.log)(out);
  }
} finally {
  if (timer) clearTimeout(timer);
  await shutdown();
  console.error(`-- ${printed} events printed`);
}
