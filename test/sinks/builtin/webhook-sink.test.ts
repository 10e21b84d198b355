import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createWebhookSink } from '../../../src/sinks/builtin/webhook-sink.ts';
import type { WebhookSinkOptions } from '../../../src/sinks/builtin/webhook-sink.ts';
import { runSinkConformance } from '../../../src/sinks/conformance/run-sink-conformance.ts';
import type { SendResult, Sink } from '../../../src/sinks/sink.ts';
import { HttpRequestError, HttpStatusError } from '../../../src/sinks/sink-errors.ts';
import type { KubeEvent } from '../../../src/stream/kube-event.ts';
import { createCertificateAuthority, issueClientCertificate, issueServerCertificate } from '../../../src/testing/certificates.ts';
import type { CertificateAuthority, CertificateKeyPair } from '../../../src/testing/certificates.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';
import type { WebhookReceiver } from '../support/webhook-receiver.ts';
import { testEvent } from '../support/test-events.ts';

const badOptions = [
  () => createWebhookSink({ url: 'ftp://example.com/' }),
  () => createWebhookSink({ url: 'not a url' }),
  () => createWebhookSink({ url: 'https://user:secret@example.com/' }),
  () => createWebhookSink({ url: 'http://example.com/', tls: { insecureSkipTlsVerify: true } }),
  () => createWebhookSink({ url: 'http://example.com/', auth: { bearer: '' } }),
  () => createWebhookSink({ url: 'http://example.com/', method: 'GET' as 'POST' }),
  () => createWebhookSink({ url: 'http://example.com/', headers: { 'x-n': 1 as unknown as string } }),
  () => createWebhookSink({ url: 'http://example.com/', idempotencyHeader: 'bad header' }),
  () => createWebhookSink({ url: 'https://example.com/', tls: { cert: 'pem' } }),
  () => createWebhookSink({ url: 'http://example.com/', maxSockets: 0 }),
];

function harness(options: Partial<WebhookSinkOptions> = {}) {
  return async () => {
    const receiver = await startWebhookReceiver();
    const sink = createWebhookSink({ url: receiver.url, ...options });
    return {
      sink,
      received: () => receiver.stored.flatMap((r) => (Array.isArray(r.body) ? r.body.map((b: any) => b.uid as string) : [r.body.uid as string])),
      failNext: (kind: 'retryable' | 'permanent', count: number, retryAfterMs?: number) => {
        receiver.failNext(kind === 'retryable' ? 503 : 400, count, retryAfterMs === undefined ? undefined : String(retryAfterMs / 1000));
      },
      close: () => receiver.close(),
    };
  };
}

runSinkConformance(harness(), { test: it, describe, name: 'webhook (one request per event)', badOptions, retryAfter: true });
runSinkConformance(harness({ batch: true }), { test: it, describe, name: 'webhook (one request per batch)', badOptions, retryAfter: true });

const signal = new AbortController().signal;
const ctx = { signal, attempt: 1 };
let receiver: WebhookReceiver | undefined;
const sinks: Sink[] = [];

function sinkFor(options: WebhookSinkOptions): Sink {
  const sink = createWebhookSink(options);
  sinks.push(sink);
  return sink;
}

afterEach(async () => {
  for (const sink of sinks.splice(0)) await sink.close?.();
  await receiver?.close();
  receiver = undefined;
});

async function sendOne(sink: Sink, ev: KubeEvent = testEvent(1)): Promise<SendResult> {
  const out = await sink.send([ev], ctx);
  return Array.isArray(out) ? (out[0] as SendResult) : (out as SendResult);
}

describe('webhook sink: requests', () => {
  it('POSTs the event as JSON with content-type, custom headers, a bearer token and an idempotency key', async () => {
    receiver = await startWebhookReceiver();
    const sink = sinkFor({ url: receiver.url, headers: { 'X-Cluster': 'prod-eu' }, auth: { bearer: 's3cret' } });
    const ev = testEvent(7, 'api-0', 'pulled image');
    expect(await sendOne(sink, ev)).toEqual({ status: 'delivered' });
    const req = receiver.stored[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/hook');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-cluster']).toBe('prod-eu');
    expect(req.headers.authorization).toBe('Bearer s3cret');
    expect(req.headers['idempotency-key']).toBe('ev-7/1007');
    expect(req.body).toEqual(JSON.parse(JSON.stringify(ev)));
    expect(req.body.raw.involvedObject.name).toBe('api-0');
  });

  it('sends HTTP Basic credentials, the method asked for, and the layout as the body', async () => {
    receiver = await startWebhookReceiver();
    const sink = sinkFor({ url: receiver.url, method: 'PUT', auth: { username: 'exporter', password: 'pa:ss' }, layout: (ev) => ({ text: `${ev.reason}: ${ev.message}` }), idempotencyHeader: false });
    await sendOne(sink, testEvent(1, 'web-0', 'hello'));
    const req = receiver.stored[0]!;
    expect(req.method).toBe('PUT');
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from('exporter:pa:ss').toString('base64')}`);
    expect(req.headers['idempotency-key']).toBeUndefined();
    expect(req.body).toEqual({ text: 'BackOff: hello' });
  });

  it('sends one JSON array per batch with batch: true', async () => {
    receiver = await startWebhookReceiver();
    const sink = sinkFor({ url: receiver.url, batch: true, layout: (ev) => ev.uid });
    expect(await sink.send([testEvent(1), testEvent(2), testEvent(3)], ctx)).toEqual({ status: 'delivered' });
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.stored[0]!.body).toEqual(['ev-1', 'ev-2', 'ev-3']);
  });
});

describe('webhook sink: status → result', () => {
  it.each([200, 201, 202, 204])('%i is delivered', async (status) => {
    receiver = await startWebhookReceiver();
    receiver.failNext(status, 1);
    expect(await sendOne(sinkFor({ url: receiver.url }))).toEqual({ status: 'delivered' });
  });

  it.each([
    [408, undefined, undefined],
    [429, '7', 7_000],
    [500, undefined, undefined],
    [502, '0', 0],
    [503, 'soon', undefined],
    [504, undefined, undefined],
  ])('%i is retryable (Retry-After %s → %s ms)', async (status, retryAfter, ms) => {
    receiver = await startWebhookReceiver();
    receiver.failNext(status, 1, retryAfter);
    const result = await sendOne(sinkFor({ url: receiver.url }));
    expect(result.status).toBe('retryable');
    expect(result.status === 'retryable' ? result.retryAfterMs : 'not retryable').toBe(ms);
    expect(result.status === 'retryable' && result.error).toBeInstanceOf(HttpStatusError);
    expect(result.status === 'retryable' && (result.error as HttpStatusError).status).toBe(status);
  });

  it('reads a Retry-After HTTP date against the clock', async () => {
    receiver = await startWebhookReceiver();
    receiver.failNext(503, 1, 'Wed, 21 Oct 2015 07:28:00 GMT');
    const result = await sendOne(sinkFor({ url: receiver.url, clock: () => Date.parse('Wed, 21 Oct 2015 07:27:30 GMT') }));
    expect(result).toMatchObject({ status: 'retryable', retryAfterMs: 30_000 });
  });

  it.each([301, 400, 401, 403, 404, 413, 422])('%i is permanent, with the status and body in the error', async (status) => {
    receiver = await startWebhookReceiver();
    receiver.failNext(status, 1);
    const result = await sendOne(sinkFor({ url: receiver.url, name: 'hook' }));
    expect(result.status).toBe('permanent');
    const error = (result as unknown as { error: HttpStatusError }).error;
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error.code).toBe('ERR_SINK_HTTP_STATUS');
    expect(error.status).toBe(status);
    expect(error.message).toBe(`Sink "hook" got HTTP ${status}: refused with ${status}`);
  });

  it('stops a batch at the first retryable failure so that nothing overtakes it, and goes on after a permanent one', async () => {
    receiver = await startWebhookReceiver();
    const sink = sinkFor({ url: receiver.url });
    receiver.failNext(200, 1);
    receiver.failNext(400, 1);
    receiver.failNext(200, 1);
    receiver.failNext(503, 1);
    const results = (await sink.send([1, 2, 3, 4, 5].map((i) => testEvent(i)), ctx)) as SendResult[];
    expect(results.map((r) => r.status)).toEqual(['delivered', 'permanent', 'delivered', 'retryable', 'retryable']);
    expect(receiver.requests).toHaveLength(4);
  });

  it('reports a refused connection as retryable', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => { resolve(); }));
    const result = await sendOne(sinkFor({ url: `http://127.0.0.1:${port}/` }));
    expect(result.status).toBe('retryable');
    expect((result as { error: Error }).error).toBeInstanceOf(HttpRequestError);
    expect((result as { error: Error }).error.message).toContain('ECONNREFUSED');
  });

  it('gives up on a request when the signal aborts, as retryable', async () => {
    receiver = await startWebhookReceiver();
    receiver.hold();
    const sink = sinkFor({ url: receiver.url });
    const ctl = new AbortController();
    const arrived = receiver.arrival();
    const pending = sink.send([testEvent(1)], { signal: ctl.signal, attempt: 1 });
    await arrived;
    ctl.abort(new Error('timeout'));
    const out = (await pending) as SendResult[];
    expect(out[0]?.status).toBe('retryable');
    receiver.release();
  });
});

describe('webhook sink: TLS', () => {
  let ca: CertificateAuthority;
  let server: CertificateKeyPair;
  let client: CertificateKeyPair;
  beforeAll(async () => {
    ca = await createCertificateAuthority();
    server = await issueServerCertificate(ca, { hosts: ['127.0.0.1'] });
    client = await issueClientCertificate(ca, { commonName: 'kube-events' });
  });

  it('verifies the server against the given CA', async () => {
    receiver = await startWebhookReceiver({ cert: server.certPem, key: server.keyPem });
    expect(await sendOne(sinkFor({ url: receiver.url, tls: { ca: ca.certPem } }))).toEqual({ status: 'delivered' });
  });

  it('refuses a server its CAs do not vouch for (retryable: the operator can fix the CA)', async () => {
    receiver = await startWebhookReceiver({ cert: server.certPem, key: server.keyPem });
    const result = await sendOne(sinkFor({ url: receiver.url }));
    expect(result.status).toBe('retryable');
    expect((result as { error: Error }).error.message).toMatch(/self.signed|unable to verify|issuer/i);
    expect(receiver.requests).toHaveLength(0);
  });

  it('skips verification only with insecureSkipTlsVerify, and warns', async () => {
    receiver = await startWebhookReceiver({ cert: server.certPem, key: server.keyPem });
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w.message);
    };
    process.on('warning', onWarning);
    try {
      expect(await sendOne(sinkFor({ url: receiver.url, name: 'lab', tls: { insecureSkipTlsVerify: true } }))).toEqual({ status: 'delivered' });
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toContain(`Webhook sink "lab": tls.insecureSkipTlsVerify is set; the server certificate of ${new URL(receiver.url).host} is not verified`);
  });

  it('presents a client certificate for mutual TLS', async () => {
    receiver = await startWebhookReceiver({ cert: server.certPem, key: server.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true });
    expect(await sendOne(sinkFor({ url: receiver.url, tls: { ca: ca.certPem, cert: client.certPem, key: client.keyPem } }))).toEqual({ status: 'delivered' });
    expect(receiver.stored[0]?.clientAuthorized).toBe(true);
    const without = await sendOne(sinkFor({ url: receiver.url, tls: { ca: ca.certPem } }));
    expect(without.status).toBe('retryable');
  });
});
