/** A scripted, plain-HTTP Kubernetes API for wire cases the test cluster cannot produce (garbage lines, mid-stream ERROR events). */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

/** A running fake API. */
export interface FakeApi {
  readonly kubeConfig: KubeConfig;
  /** Paths requested, in order. */
  readonly paths: string[];
  close(): Promise<void>;
}

/** A list response body. */
export function listBody(resourceVersion: string, items: unknown[]): string {
  return JSON.stringify({ kind: 'EventList', apiVersion: 'v1', metadata: { resourceVersion }, items });
}

/** A core/v1 Event object with uid and resourceVersion. */
export function wireEvent(name: string, uid: string, resourceVersion: string, count = 1): Record<string, unknown> {
  return {
    kind: 'Event',
    apiVersion: 'v1',
    metadata: { name, namespace: 'default', uid, resourceVersion },
    involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default' },
    reason: 'Started',
    message: 'Started container app',
    type: 'Normal',
    count,
  };
}

/** One watch line. */
export function line(type: string, object: unknown): string {
  return `${JSON.stringify({ type, object })}\n`;
}

/** Starts a fake API server answering with `handler`. */
export async function startFakeApi(handler: (req: IncomingMessage, res: ServerResponse, n: number) => void): Promise<FakeApi> {
  const paths: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    handler(req, res, paths.length);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'fake', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'fake', token: 'fake-token' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'fake' }],
    currentContext: 'fake',
  });
  return {
    kubeConfig,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
