/** Raw HTTP helpers for driving the test cluster on the wire in tests. */
import { request as httpsRequest } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { JsonObject, TestCluster } from '../../src/testing/index.ts';

/** A response: status, headers and the decoded JSON body (or text). */
export interface RawResponse {
  status: number;
  headers: IncomingMessage['headers'];
  body: any;
  text: string;
}

/** Sends one request to the cluster as the admin (or with `token`, or no auth when token is null). */
export function call(
  cluster: TestCluster,
  method: string,
  path: string,
  options: { body?: unknown; contentType?: string; token?: string | null; accept?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Accept: options.accept ?? 'application/json' };
    const token = options.token === undefined ? cluster.adminToken : options.token;
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (options.body !== undefined) {
      payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const req = httpsRequest(`${cluster.url}${path}`, { method, headers, ca: cluster.caPem, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** An open watch: lines as they arrive, and how the connection ended. */
export interface RawWatch {
  status: number;
  /** Resolves with the next `n` parsed watch events. */
  next(n?: number): Promise<any[]>;
  /** Resolves when the response ends: 'end' (clean) or 'aborted' (dropped), with any partial line left. */
  ended: Promise<{ how: 'end' | 'aborted'; partial: string }>;
  close(): void;
}

/** Opens a watch and parses its lines. */
export function openWatch(cluster: TestCluster, path: string, token?: string): Promise<RawWatch> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${token ?? cluster.adminToken}` };
    const req = httpsRequest(`${cluster.url}${path}`, { method: 'GET', headers, ca: cluster.caPem, agent: false }, (res) => {
      const queue: any[] = [];
      let buf = '';
      let waiter: (() => void) | undefined;
      let endedResolve!: (v: { how: 'end' | 'aborted'; partial: string }) => void;
      const ended = new Promise<{ how: 'end' | 'aborted'; partial: string }>((r) => (endedResolve = r));
      let done = false;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          queue.push(JSON.parse(buf.slice(0, i)));
          buf = buf.slice(i + 1);
        }
        waiter?.();
      });
      res.on('end', () => {
        done = true;
        endedResolve({ how: 'end', partial: buf });
        waiter?.();
      });
      res.on('aborted', () => {
        done = true;
        endedResolve({ how: 'aborted', partial: buf });
        waiter?.();
      });
      res.on('error', () => {
        done = true;
        endedResolve({ how: 'aborted', partial: buf });
        waiter?.();
      });
      resolve({
        status: res.statusCode ?? 0,
        ended,
        next: async (n = 1) => {
          while (queue.length < n) {
            if (done) throw new Error(`watch ended with ${queue.length} of ${n} events`);
            await new Promise<void>((r) => (waiter = r));
          }
          return queue.splice(0, n);
        },
        close: () => {
          req.destroy();
        },
      });
    });
    req.on('error', (e) => {
      reject(e);
    });
    req.end();
  });
}

/** A minimal valid core/v1 Event in `namespace` about a Pod. */
export function coreEvent(name: string, namespace = 'default', extra: JsonObject = {}): JsonObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace },
    involvedObject: { kind: 'Pod', name: 'web-1', namespace, uid: '11111111-2222-3333-4444-555555555555', apiVersion: 'v1' },
    reason: 'Started',
    message: 'Started container app',
    type: 'Normal',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2026-11-23T10:00:00Z',
    lastTimestamp: '2026-11-23T10:00:00Z',
    count: 1,
    ...extra,
  };
}
