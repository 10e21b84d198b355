import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster } from '../../src/testing/index.ts';
import type { TestCluster } from '../../src/testing/index.ts';
import { call, coreEvent } from './http-helpers.ts';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({ namespaces: ['list-a', 'list-b'] });
  for (let i = 0; i < 7; i++) {
    const ns = i % 2 === 0 ? 'list-a' : 'list-b';
    cluster.api.create({ apiVersion: 'v1', resource: 'events' }, ns, coreEvent(`ev-${i}`, ns, {
      type: i < 3 ? 'Warning' : 'Normal',
      reason: i < 3 ? 'BackOff' : 'Pulled',
      metadata: { name: `ev-${i}`, namespace: ns, labels: { tier: i % 3 === 0 ? 'web' : 'db' } },
      involvedObject: { kind: i === 6 ? 'Node' : 'Pod', name: `obj-${i}`, namespace: ns, uid: `uid-${i}`, apiVersion: 'v1' },
    }));
  }
});
afterAll(async () => {
  await cluster.close();
});

const names = (body: any): string[] => body.items.map((i: any) => `${i.metadata.namespace}/${i.metadata.name}`);

describe('list', () => {
  it('returns a typed list whose items carry no apiVersion/kind, ordered by namespace and name', async () => {
    const res = await call(cluster, 'GET', '/api/v1/events');
    expect(res.status).toBe(200);
    expect(res.body.kind).toBe('EventList');
    expect(res.body.apiVersion).toBe('v1');
    expect(res.body.metadata.resourceVersion).toBe(cluster.resourceVersion());
    expect(names(res.body)).toEqual(['list-a/ev-0', 'list-a/ev-2', 'list-a/ev-4', 'list-a/ev-6', 'list-b/ev-1', 'list-b/ev-3', 'list-b/ev-5']);
    expect(res.body.items[0].kind).toBeUndefined();
  });

  it('pages with limit and continue over one consistent snapshot, with remainingItemCount', async () => {
    const p1 = await call(cluster, 'GET', '/api/v1/events?limit=3');
    expect(names(p1.body)).toEqual(['list-a/ev-0', 'list-a/ev-2', 'list-a/ev-4']);
    expect(p1.body.metadata.remainingItemCount).toBe(4);
    // A write between pages does not show up in later pages of the same snapshot.
    cluster.api.create({ apiVersion: 'v1', resource: 'events' }, 'list-b', coreEvent('ev-9', 'list-b'));
    const p2 = await call(cluster, 'GET', `/api/v1/events?limit=3&continue=${encodeURIComponent(p1.body.metadata.continue)}`);
    expect(names(p2.body)).toEqual(['list-a/ev-6', 'list-b/ev-1', 'list-b/ev-3']);
    expect(p2.body.metadata.resourceVersion).toBe(p1.body.metadata.resourceVersion);
    const p3 = await call(cluster, 'GET', `/api/v1/events?limit=3&continue=${encodeURIComponent(p2.body.metadata.continue)}`);
    expect(names(p3.body)).toEqual(['list-b/ev-5']);
    expect(p3.body.metadata.continue).toBeUndefined();
    cluster.api.delete({ apiVersion: 'v1', resource: 'events' }, 'list-b', 'ev-9');
  });

  it('an expired continue token is 410 Expired with the real message and an inconsistent continue token', async () => {
    const p1 = await call(cluster, 'GET', '/api/v1/events?limit=2');
    cluster.api.create({ apiVersion: 'v1', resource: 'events' }, 'list-b', coreEvent('ev-10', 'list-b'));
    cluster.faults.compact();
    const res = await call(cluster, 'GET', `/api/v1/events?limit=2&continue=${encodeURIComponent(p1.body.metadata.continue)}`);
    expect(res.status).toBe(410);
    expect(res.body.reason).toBe('Expired');
    expect(res.body.message).toMatch(/^The provided continue parameter is too old to display a consistent list result/);
    const next = await call(cluster, 'GET', `/api/v1/events?limit=100&continue=${encodeURIComponent(res.body.metadata.continue)}`);
    expect(next.status).toBe(200);
    expect(names(next.body)).toContain('list-b/ev-10');
    cluster.api.delete({ apiVersion: 'v1', resource: 'events' }, 'list-b', 'ev-10');
  });

  it('resourceVersion=N with resourceVersionMatch=Exact serves the state at N; a compacted N is 410', async () => {
    const rv = cluster.resourceVersion();
    cluster.api.create({ apiVersion: 'v1', resource: 'events' }, 'list-a', coreEvent('ev-exact', 'list-a'));
    const exact = await call(cluster, 'GET', `/api/v1/namespaces/list-a/events?resourceVersion=${rv}&resourceVersionMatch=Exact`);
    expect(exact.body.metadata.resourceVersion).toBe(rv);
    expect(names(exact.body)).not.toContain('list-a/ev-exact');
    const now = await call(cluster, 'GET', `/api/v1/namespaces/list-a/events?resourceVersion=${rv}&resourceVersionMatch=NotOlderThan`);
    expect(names(now.body)).toContain('list-a/ev-exact');
    cluster.faults.compact();
    const gone = await call(cluster, 'GET', `/api/v1/namespaces/list-a/events?resourceVersion=${rv}&resourceVersionMatch=Exact`);
    expect(gone.status).toBe(410);
    expect(gone.body.message).toMatch(new RegExp(`^too old resource version: ${rv} \\(\\d+\\)$`));
    cluster.api.delete({ apiVersion: 'v1', resource: 'events' }, 'list-a', 'ev-exact');
  });

  it('resourceVersion=0 and unset serve the current state', async () => {
    const a = await call(cluster, 'GET', '/api/v1/events?resourceVersion=0');
    const b = await call(cluster, 'GET', '/api/v1/events');
    expect(names(a.body)).toEqual(names(b.body));
  });

  it('a resourceVersion the server has not reached is 504 Too large resource version (after its 3 s wait)', async () => {
    const current = Number(cluster.resourceVersion());
    const res = await call(cluster, 'GET', `/api/v1/events?resourceVersion=${current + 5}&resourceVersionMatch=NotOlderThan`);
    expect(res.status).toBe(504);
    expect(res.body.reason).toBe('Timeout');
    expect(res.body.message).toBe(`Timeout: Too large resource version: ${current + 5}, current: ${current}`);
    expect(res.headers['retry-after']).toBe('1');
  });

  it.each([
    ['resourceVersionMatch=Exact', 'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided'],
    ['resourceVersion=0&resourceVersionMatch=Exact', 'resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"'],
    ['resourceVersion=5&resourceVersionMatch=Sometimes', 'resourceVersionMatch: Unsupported value: "Sometimes": supported values: "Exact", "NotOlderThan", ""'],
    ['sendInitialEvents=true', 'sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list'],
  ])('invalid list options (%s) are 422 on ListOptions.meta.k8s.io', async (query, message) => {
    const res = await call(cluster, 'GET', `/api/v1/events?${query}`);
    expect(res.status).toBe(422);
    expect(res.body.message).toBe(`ListOptions.meta.k8s.io "" is invalid: ${message}`);
    expect(res.body.details.kind).toBe('ListOptions');
    expect(res.body.details.group).toBe('meta.k8s.io');
  });

  it('a non-numeric resourceVersion is 400', async () => {
    expect((await call(cluster, 'GET', '/api/v1/events?resourceVersion=abc')).status).toBe(400);
  });

  it('label selectors: equality, set-based and existence', async () => {
    expect(names((await call(cluster, 'GET', '/api/v1/events?labelSelector=tier%3Dweb')).body)).toEqual(['list-a/ev-0', 'list-a/ev-6', 'list-b/ev-3']);
    expect(names((await call(cluster, 'GET', '/api/v1/events?labelSelector=tier%20in%20(db)')).body)).toHaveLength(4);
    expect(names((await call(cluster, 'GET', '/api/v1/events?labelSelector=!tier')).body)).toHaveLength(0);
    expect((await call(cluster, 'GET', '/api/v1/events?labelSelector=tier%20in%20(')).status).toBe(400);
  });

  it('field selectors on the fields the real server supports for events', async () => {
    const q = (s: string) => call(cluster, 'GET', `/api/v1/events?fieldSelector=${encodeURIComponent(s)}`);
    expect(names((await q('type=Warning')).body)).toEqual(['list-a/ev-0', 'list-a/ev-2', 'list-b/ev-1']);
    expect(names((await q('involvedObject.kind=Node')).body)).toEqual(['list-a/ev-6']);
    expect(names((await q('involvedObject.name=obj-3,reason=Pulled')).body)).toEqual(['list-b/ev-3']);
    expect(names((await q('reason!=Pulled,metadata.namespace=list-b')).body)).toEqual(['list-b/ev-1']);
    expect(names((await q('involvedObject.uid=uid-5')).body)).toEqual(['list-b/ev-5']);
    expect(names((await q('source=kubelet')).body)).toHaveLength(7);
    const bad = await q('spec.nodeName=x');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('spec.nodeName');
  });

  it('events.k8s.io/v1 serves the same events under its own field names', async () => {
    const res = await call(cluster, 'GET', `/apis/events.k8s.io/v1/events?fieldSelector=${encodeURIComponent('regarding.kind=Node')}`);
    expect(res.status).toBe(200);
    expect(res.body.kind).toBe('EventList');
    expect(res.body.apiVersion).toBe('events.k8s.io/v1');
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0].regarding.kind).toBe('Node');
    expect(res.body.items[0].note).toBe('Started container app');
  });

  it('serves a meta.k8s.io Table when asked, as kubectl asks', async () => {
    const res = await call(cluster, 'GET', '/api/v1/namespaces/list-a/events', { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    expect(res.body.kind).toBe('Table');
    expect(res.body.columnDefinitions.map((c: any) => c.name)).toContain('Reason');
    expect(res.body.rows).toHaveLength(4);
    expect(res.body.rows[0].object.kind).toBe('PartialObjectMetadata');
  });
});
