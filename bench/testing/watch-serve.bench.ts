/**
 * How fast the test cluster serves a watch: events/s of ~1 KB events to a raw HTTP reader (in a
 * worker thread). Baseline, in the same run: a bare node:https server writing the same bytes as
 * pre-serialized lines — the ceiling of Node's TLS stack on this machine.
 */
import { createServer } from 'node:https';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startTestCluster } from '../../src/testing/index.ts';
import type { TestCluster } from '../../src/testing/index.ts';
import type { BenchResult } from '../bench-result.ts';
import { median } from '../bench-result.ts';
import { startWatchReader } from './watch-reader.ts';
import { createCertificateAuthority, issueServerCertificate } from '../../src/testing/certificates.ts';

const EVENTS = 100_000;
const RUNS = 3;

function kilobyteEvent(i: number): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `web-6d4cf56db6-x${i}.17f1a2b3c4d5e6f7`, namespace: 'bench', labels: { app: 'web', tier: 'frontend' } },
    involvedObject: { kind: 'Pod', namespace: 'bench', name: `web-6d4cf56db6-x${i}`, uid: '8b0a7c3e-8f5d-4f0e-9b8a-2c1d3e4f5a6b', apiVersion: 'v1', resourceVersion: '123456', fieldPath: 'spec.containers{app}' },
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

function seed(cluster: TestCluster): string {
  const before = cluster.resourceVersion();
  for (let i = 0; i < EVENTS; i++) cluster.api.create({ apiVersion: 'v1', resource: 'events' }, 'bench', kilobyteEvent(i) as never);
  return before;
}

async function clusterReplay(cluster: TestCluster, fromRv: string, useTls: boolean): Promise<{ rate: number; bytesPerEvent: number }> {
  const base = useTls ? cluster.url : (cluster.httpUrl ?? '');
  const reader = startWatchReader(`${base}/api/v1/namespaces/bench/events?watch=true&resourceVersion=${fromRv}`, { ca: cluster.caPem, token: cluster.adminToken, count: EVENTS });
  const t0 = performance.now() + performance.timeOrigin;
  const r = await reader.done;
  return { rate: (EVENTS / (r.doneAt - t0)) * 1000, bytesPerEvent: r.bytes / r.lines };
}

async function rawCeiling(lines: readonly string[], useTls: boolean): Promise<number> {
  const ca = await createCertificateAuthority();
  const tls = await issueServerCertificate(ca, { hosts: ['127.0.0.1'] });
  const handler = (_req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    // The same bytes in 64 KiB chunks: the most a Node TLS server can push to this reader.
    const chunks: string[] = [];
    let cur = '';
    for (const l of lines) {
      cur += l;
      if (cur.length >= 65536) {
        chunks.push(cur);
        cur = '';
      }
    }
    if (cur !== '') chunks.push(cur);
    let i = 0;
    const pump = (): void => {
      while (i < chunks.length) {
        if (!res.write(chunks[i++])) {
          res.once('drain', pump);
          return;
        }
      }
    };
    pump();
  };
  const server = useTls ? createServer({ key: tls.keyPem, cert: tls.certPem }, handler) : createHttpServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const reader = startWatchReader(`${useTls ? 'https' : 'http'}://127.0.0.1:${port}/`, { ca: ca.certPem, count: lines.length });
  const t0 = performance.now() + performance.timeOrigin;
  const r = await reader.done;
  server.closeAllConnections();
  await new Promise<void>((r2) => server.close(() => { r2(); }));
  return (lines.length / (r.doneAt - t0)) * 1000;
}

/** Runs the test-cluster watch benchmark, over HTTPS and over plain HTTP. */
export async function runTestClusterBenchmarks(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  for (const useTls of [true, false]) {
    const replay: number[] = [];
    const raw: number[] = [];
    let bytesPerEvent = 0;
    for (let i = 0; i < RUNS; i++) {
      // A fresh cluster per run, so no serialization is cached from an earlier run.
      const cluster = await startTestCluster({ namespaces: ['bench'], bookmarkInterval: 0, http: true });
      try {
        const from = seed(cluster);
        const r = await clusterReplay(cluster, from, useTls);
        replay.push(r.rate);
        bytesPerEvent = r.bytesPerEvent;
        // The exact bytes the cluster sent, for the baseline.
        const lines = cluster.api.list({ apiVersion: 'v1', resource: 'events' }, 'bench').map((o) => `{"type":"ADDED","object":${JSON.stringify(o)}}\n`);
        raw.push(await rawCeiling(lines, useTls));
      } finally {
        await cluster.close();
      }
    }
    const value = median(replay);
    const baselineValue = median(raw);
    out.push({
      scenario: `test cluster serves a watch over ${useTls ? 'HTTPS' : 'HTTP'} (${EVENTS} events of ${Math.round(bytesPerEvent)} B, replayed from history)`,
      unit: 'events/s',
      value,
      baseline: `bare node:${useTls ? 'https' : 'http'} server writing the same bytes, pre-serialized, in 64 KiB chunks`,
      baselineValue,
      ratio: value / baselineValue,
      target: '>= 200000 events/s',
      met: value >= 200_000,
    });
  }
  return out;
}
