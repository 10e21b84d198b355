import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster } from '../../src/testing/index.ts';
import type { TestCluster } from '../../src/testing/index.ts';
import { call, coreEvent, openWatch } from './http-helpers.ts';

let cluster: TestCluster;
const EV = { apiVersion: 'v1', resource: 'events' };
beforeAll(async () => {
  cluster = await startTestCluster({ bookmarkInterval: 0 });
});
afterAll(async () => {
  await cluster.close();
});

describe('fault controls', () => {
  it('dropWatches ends every open watch abruptly', async () => {
    const a = await openWatch(cluster, `/api/v1/events?watch=true&resourceVersion=${cluster.resourceVersion()}`);
    const b = await openWatch(cluster, `/api/v1/events?watch=true&resourceVersion=${cluster.resourceVersion()}`);
    await cluster.waitForWatches(2);
    expect(cluster.faults.dropWatches()).toBe(2);
    expect((await a.ended).how).toBe('aborted');
    expect((await b.ended).how).toBe('aborted');
  });

  it('stallWatches keeps the connection open but sends nothing; new watches are unaffected unless asked', async () => {
    const stalled = await openWatch(cluster, `/api/v1/events?watch=true&resourceVersion=${cluster.resourceVersion()}`);
    await cluster.waitForWatches(1);
    cluster.faults.stallWatches();
    const fresh = await openWatch(cluster, `/api/v1/events?watch=true&resourceVersion=${cluster.resourceVersion()}`);
    cluster.api.create(EV, 'default', coreEvent('stall-1'));
    expect((await fresh.next(1))[0].object.metadata.name).toBe('stall-1');
    let got = false;
    void stalled.next(1).then(() => (got = true), () => undefined);
    // The fresh watch received the event, so the stalled one had the same chance: it got nothing.
    expect(got).toBe(false);
    expect(cluster.openWatches()).toBe(2);
    stalled.close();
    fresh.close();
  });

  it('stallWatches({ newWatches: true }) also stalls watches opened later', async () => {
    cluster.faults.stallWatches({ newWatches: true });
    const w = await openWatch(cluster, `/api/v1/events?watch=true&resourceVersion=0`);
    const control = await call(cluster, 'GET', '/api/v1/events');
    expect(control.body.items.length).toBeGreaterThan(0);
    let got = false;
    void w.next(1).then(() => (got = true), () => undefined);
    await call(cluster, 'GET', '/version');
    expect(got).toBe(false);
    cluster.faults.unstallNewWatches();
    w.close();
  });

  it('tearWatches writes half of the next event line, then drops the connection', async () => {
    const w = await openWatch(cluster, `/api/v1/events?watch=true&resourceVersion=${cluster.resourceVersion()}`);
    await cluster.waitForWatches(1);
    cluster.faults.tearWatches();
    cluster.api.create(EV, 'default', coreEvent('torn-1'));
    const end = await w.ended;
    expect(end.how).toBe('aborted');
    expect(end.partial.length).toBeGreaterThan(0);
    expect(() => JSON.parse(end.partial)).toThrow();
    expect(end.partial.startsWith('{"type":"ADDED"')).toBe(true);
  });

  it('injectFailures answers matching requests with the real 500/503/429 bodies, count times', async () => {
    cluster.faults.injectFailures({ status: 429, count: 2, retryAfterSeconds: 3, match: { resource: 'events', verbs: ['list'] } });
    const r1 = await call(cluster, 'GET', '/api/v1/events');
    expect(r1.status).toBe(429);
    expect(r1.headers['retry-after']).toBe('3');
    expect(r1.body).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', code: 429, details: { retryAfterSeconds: 3 } });
    expect((await call(cluster, 'GET', '/api/v1/namespaces')).status).toBe(200);
    expect((await call(cluster, 'GET', '/api/v1/events')).status).toBe(429);
    expect((await call(cluster, 'GET', '/api/v1/events')).status).toBe(200);
    cluster.faults.injectFailures({ status: 500 });
    const r500 = await call(cluster, 'GET', '/api/v1/pods');
    expect(r500.body).toMatchObject({ reason: 'InternalError', code: 500 });
    cluster.faults.injectFailures({ status: 503, retryAfterSeconds: 2 });
    const r503 = await call(cluster, 'GET', '/api/v1/pods');
    expect(r503.body).toMatchObject({ reason: 'ServiceUnavailable', code: 503 });
    expect(r503.headers['retry-after']).toBe('2');
    expect(() => { cluster.faults.injectFailures({ status: 200 }); }).toThrow(/Expected `status` to be an HTTP error status/);
  });

  it('addLatency delays matching requests', async () => {
    cluster.faults.addLatency(150, { resource: 'pods' });
    const t0 = performance.now();
    await call(cluster, 'GET', '/api/v1/pods');
    const slow = performance.now() - t0;
    cluster.faults.clear();
    expect(slow).toBeGreaterThanOrEqual(145);
  });

  it('restart drops connections and the watch cache but keeps data; resourceVersions continue', async () => {
    cluster.api.create(EV, 'default', coreEvent('before-restart'));
    const rvBefore = cluster.resourceVersion();
    const w = await openWatch(cluster, `/api/v1/events?watch=true&resourceVersion=${rvBefore}`);
    await cluster.faults.restart({ downtimeMs: 50 });
    expect((await w.ended).how).toBe('aborted');
    const list = await call(cluster, 'GET', '/api/v1/namespaces/default/events');
    expect(list.body.items.map((i: any) => i.metadata.name)).toContain('before-restart');
    const old = await openWatch(cluster, `/api/v1/events?watch=true&resourceVersion=${Number(rvBefore) - 1}`);
    expect((await old.next(1))[0].object.code).toBe(410);
    const created = cluster.api.create(EV, 'default', coreEvent('after-restart'));
    expect(Number((created.metadata as any).resourceVersion)).toBeGreaterThan(Number(rvBefore));
  });
});

describe('request events', () => {
  it('report a watch the client closed', async () => {
    const seen: string[] = [];
    cluster.events.on('request', (r) => seen.push(r.path));
    const w = await openWatch(cluster, `/api/v1/events?watch=true&resourceVersion=${cluster.resourceVersion()}`);
    await cluster.waitForWatches(1);
    const ended = new Promise<void>((resolve) => cluster.events.once('request', () => { resolve(); }));
    w.close();
    await ended;
    expect(seen.some((p) => p.startsWith('/api/v1/events?watch=true'))).toBe(true);
  });
});
