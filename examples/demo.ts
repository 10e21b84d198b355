/**
 * `npm start`: a live view of a cluster's Events.
 *
 * By default it starts kube-events' test cluster with the seeded workload simulator (realistic
 * traffic: pods scheduled, pulled, started, crash-looping, failing to schedule…) and shows what
 * flows. With KUBECONFIG set it watches that cluster instead.
 *
 * Environment: DEMO_RATE (simulated events/s, default 40), DEMO_SECONDS (stop after N seconds).
 */
import { CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import { fromEventObject } from 'kube-events/stream';
import type { KubeEvent } from 'kube-events/stream';
import { startTestCluster } from 'kube-events/testing';
import type { TestCluster, WorkloadSimulator } from 'kube-events/testing';

const rate = Number(process.env.DEMO_RATE ?? 40);
const seconds = process.env.DEMO_SECONDS === undefined ? undefined : Number(process.env.DEMO_SECONDS);
const tty = process.stdout.isTTY;

let cluster: TestCluster | undefined;
let simulator: WorkloadSimulator | undefined;
let kc: KubeConfig;
let source: string;
if (process.env.KUBECONFIG !== undefined && process.env.KUBECONFIG !== '') {
  kc = new KubeConfig();
  kc.loadFromDefault();
  source = `cluster ${kc.getCurrentCluster()?.server ?? '(unknown)'} (KUBECONFIG)`;
} else {
  cluster = await startTestCluster({ namespaces: ['prod', 'staging', 'dev', 'monitoring'] });
  simulator = cluster.simulate({ seed: 42, rate, profile: 'dev', namespaces: ['prod', 'staging', 'dev', 'monitoring'] });
  simulator.start();
  kc = cluster.kubeConfig;
  source = `simulated test cluster at ${cluster.url}, ${rate} events/s (set KUBECONFIG to watch a real cluster)`;
}

// What the view shows.
const byReason = new Map<string, { Normal: number; Warning: number }>();
const warnings: KubeEvent[] = [];
let items = 0;
let adds = 0;
let updates = 0;
const started = Date.now();
let status = 'listing…';

function count(ev: KubeEvent, kind: 'ADDED' | 'MODIFIED'): void {
  items++;
  if (kind === 'ADDED') adds++;
  else updates++;
  const row = byReason.get(ev.reason) ?? { Normal: 0, Warning: 0 };
  if (ev.type === 'Warning') {
    row.Warning++;
    warnings.push(ev);
    if (warnings.length > 8) warnings.shift();
  } else row.Normal++;
  byReason.set(ev.reason, row);
}

// List, then watch from the list's resourceVersion; on any end or error, list and watch again.
const core = kc.makeApiClient(CoreV1Api);
const watch = new Watch(kc);
let abort: AbortController | undefined;
let stopping = false;
async function follow(): Promise<void> {
  while (!stopping) {
    try {
      const list = await core.listEventForAllNamespaces({ limit: 500 });
      if (items === 0) for (const e of list.items) count(fromEventObject(e, 'core/v1'), 'ADDED');
      status = 'watching';
      await new Promise<void>((resolve) => {
        void watch
          .watch(
            '/api/v1/events',
            { resourceVersion: list.metadata?.resourceVersion ?? '', allowWatchBookmarks: true },
            (type: string, obj: unknown) => {
              if (type === 'ADDED' || type === 'MODIFIED') count(fromEventObject(obj, 'core/v1'), type);
            },
            () => {
              resolve();
            },
          )
          .then((a) => (abort = a), () => {
            resolve();
          });
      });
      status = 'reconnecting';
    } catch (err) {
      status = `error: ${err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err)} — retrying`;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}
void follow();

function pad(s: string, n: number): string {
  return s.length >= n ? `${s.slice(0, n - 1)}…` : s + ' '.repeat(n - s.length);
}

function render(): void {
  const secs = (Date.now() - started) / 1000;
  const rows = [...byReason.entries()].sort((a, b) => b[1].Normal + b[1].Warning - (a[1].Normal + a[1].Warning)).slice(0, 14);
  const out: string[] = [];
  out.push(`kube-events demo — ${source}`);
  out.push(`${status}; ${items} items (${adds} new, ${updates} updates) in ${secs.toFixed(0)} s, ${(items / Math.max(secs, 1)).toFixed(1)}/s`);
  out.push('');
  out.push(`${pad('REASON', 28)}${pad('NORMAL', 9)}WARNING`);
  for (const [reason, c] of rows) out.push(`${pad(reason, 28)}${pad(String(c.Normal), 9)}${c.Warning}`);
  out.push('');
  out.push('LATEST WARNINGS');
  for (const w of [...warnings].reverse()) {
    const obj = `${w.regarding.kind.toLowerCase()}/${w.regarding.name}`;
    out.push(`  ${pad(w.namespace, 12)}${pad(obj, 34)}${pad(w.reason, 22)}${pad(w.message, 60)}`);
  }
  if (tty) process.stdout.write(`\x1b[H\x1b[2J${out.join('\n')}\n`);
  else process.stdout.write(`${out[1] ?? ''}; top: ${rows.slice(0, 5).map(([r, c]) => `${r}=${c.Normal + c.Warning}`).join(' ')}\n`);
}
const timer = setInterval(render, tty ? 500 : 2000);

async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(timer);
  render();
  abort?.abort();
  await simulator?.stop();
  await cluster?.close();
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
if (seconds !== undefined) setTimeout(() => void shutdown(), seconds * 1000);
