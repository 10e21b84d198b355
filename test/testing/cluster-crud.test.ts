import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster } from '../../src/testing/index.ts';
import type { TestCluster } from '../../src/testing/index.ts';
import { call, coreEvent } from './http-helpers.ts';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({ namespaces: ['prod'] });
});
afterAll(async () => {
  await cluster.close();
});

describe('writes', () => {
  it('create sets uid, creationTimestamp and a resourceVersion that every write bumps', async () => {
    const before = Number(cluster.resourceVersion());
    const res = await call(cluster, 'POST', '/api/v1/namespaces/default/events', { body: coreEvent('crud-a') });
    expect(res.status).toBe(201);
    expect(res.body.kind).toBe('Event');
    expect(res.body.apiVersion).toBe('v1');
    expect(res.body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const rv1 = Number(res.body.metadata.resourceVersion);
    expect(rv1).toBeGreaterThan(before);
    const upd = await call(cluster, 'PUT', '/api/v1/namespaces/default/events/crud-a', { body: { ...res.body, count: 2 } });
    expect(upd.status).toBe(200);
    expect(Number(upd.body.metadata.resourceVersion)).toBeGreaterThan(rv1);
    expect(upd.body.metadata.uid).toBe(res.body.metadata.uid);
  });

  it('generateName makes a unique name with a 5-character suffix', async () => {
    const ev = coreEvent('');
    (ev.metadata as Record<string, unknown>) = { generateName: 'web-', namespace: 'default' };
    const res = await call(cluster, 'POST', '/api/v1/namespaces/default/events', { body: ev });
    expect(res.status).toBe(201);
    expect(res.body.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('a second create of the same name is 409 AlreadyExists with the real Status body', async () => {
    await call(cluster, 'POST', '/api/v1/namespaces/default/events', { body: coreEvent('crud-dup') });
    const res = await call(cluster, 'POST', '/api/v1/namespaces/default/events', { body: coreEvent('crud-dup') });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'events "crud-dup" already exists',
      reason: 'AlreadyExists',
      details: { name: 'crud-dup', kind: 'events' },
      code: 409,
    });
  });

  it('an update with a stale resourceVersion is 409 Conflict', async () => {
    const created = await call(cluster, 'POST', '/api/v1/namespaces/default/events', { body: coreEvent('crud-stale') });
    await call(cluster, 'PUT', '/api/v1/namespaces/default/events/crud-stale', { body: { ...created.body, count: 2 } });
    const res = await call(cluster, 'PUT', '/api/v1/namespaces/default/events/crud-stale', { body: { ...created.body, count: 3 } });
    expect(res.status).toBe(409);
    expect(res.body.reason).toBe('Conflict');
    expect(res.body.message).toBe(
      'Operation cannot be fulfilled on events "crud-stale": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('a write that changes nothing keeps the resourceVersion', async () => {
    const created = await call(cluster, 'POST', '/api/v1/namespaces/default/events', { body: coreEvent('crud-noop') });
    const same = await call(cluster, 'PUT', '/api/v1/namespaces/default/events/crud-noop', { body: created.body });
    expect(same.status).toBe(200);
    expect(same.body.metadata.resourceVersion).toBe(created.body.metadata.resourceVersion);
  });

  it('get of a missing object is 404 NotFound; group resources are qualified', async () => {
    const res = await call(cluster, 'GET', '/api/v1/namespaces/default/events/nope');
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('events "nope" not found');
    const dep = await call(cluster, 'GET', '/apis/apps/v1/namespaces/default/deployments/nope');
    expect(dep.body.message).toBe('deployments.apps "nope" not found');
    expect(dep.body.details).toEqual({ name: 'nope', group: 'apps', kind: 'deployments' });
  });

  it('creating in a namespace that does not exist is 404 for the namespace', async () => {
    const res = await call(cluster, 'POST', '/api/v1/namespaces/ghost/events', { body: coreEvent('x', 'ghost') });
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('namespaces "ghost" not found');
  });

  it('a body namespace that differs from the URL is 400', async () => {
    const res = await call(cluster, 'POST', '/api/v1/namespaces/default/events', { body: coreEvent('x', 'prod') });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('the namespace of the provided object does not match the namespace sent on the request');
  });

  it('malformed JSON is 400 BadRequest, not a crash', async () => {
    const res = await call(cluster, 'POST', '/api/v1/namespaces/default/events', { body: '{"kind": "Event",' });
    expect(res.status).toBe(400);
    expect(res.body.reason).toBe('BadRequest');
  });

  it('an unknown path is the real 404 body', async () => {
    const res = await call(cluster, 'GET', '/api/v1/namespaces/default/widgets');
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('the server could not find the requested resource');
  });

  it('patch: strategic merge (as client-go sends for events), JSON merge and JSON patch', async () => {
    await call(cluster, 'POST', '/api/v1/namespaces/default/events', { body: coreEvent('crud-patch') });
    const smp = await call(cluster, 'PATCH', '/api/v1/namespaces/default/events/crud-patch', {
      body: { count: 2, lastTimestamp: '2026-11-23T10:05:00Z', message: 'again' },
      contentType: 'application/strategic-merge-patch+json',
    });
    expect(smp.status).toBe(200);
    expect(smp.body).toMatchObject({ count: 2, lastTimestamp: '2026-11-23T10:05:00Z', message: 'again', reason: 'Started' });
    const merge = await call(cluster, 'PATCH', '/api/v1/namespaces/default/events/crud-patch', {
      body: { metadata: { labels: { a: 'b' } } },
      contentType: 'application/merge-patch+json',
    });
    expect(merge.body.metadata.labels).toEqual({ a: 'b' });
    const json = await call(cluster, 'PATCH', '/api/v1/namespaces/default/events/crud-patch', {
      body: [{ op: 'replace', path: '/count', value: 7 }],
      contentType: 'application/json-patch+json',
    });
    expect(json.body.count).toBe(7);
    const missing = await call(cluster, 'PATCH', '/api/v1/namespaces/default/events/nope', { body: { count: 2 }, contentType: 'application/merge-patch+json' });
    expect(missing.status).toBe(404);
    const unsupported = await call(cluster, 'PATCH', '/api/v1/namespaces/default/events/crud-patch', { body: { count: 2 }, contentType: 'text/plain' });
    expect(unsupported.status).toBe(415);
  });

  it('delete returns a Success Status; preconditions are checked', async () => {
    const created = await call(cluster, 'POST', '/api/v1/namespaces/default/events', { body: coreEvent('crud-del') });
    const bad = await call(cluster, 'DELETE', '/api/v1/namespaces/default/events/crud-del', { body: { preconditions: { uid: 'other' } } });
    expect(bad.status).toBe(409);
    const res = await call(cluster, 'DELETE', '/api/v1/namespaces/default/events/crud-del');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'crud-del', kind: 'events', uid: created.body.metadata.uid } });
    expect((await call(cluster, 'GET', '/api/v1/namespaces/default/events/crud-del')).status).toBe(404);
  });

  it('deletecollection deletes what the selector matches and returns it', async () => {
    await call(cluster, 'POST', '/api/v1/namespaces/prod/events', { body: coreEvent('dc-1', 'prod', { type: 'Warning', reason: 'BackOff' }) });
    await call(cluster, 'POST', '/api/v1/namespaces/prod/events', { body: coreEvent('dc-2', 'prod') });
    const res = await call(cluster, 'DELETE', '/api/v1/namespaces/prod/events?fieldSelector=type%3DWarning');
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: any) => i.metadata.name)).toEqual(['dc-1']);
    const left = await call(cluster, 'GET', '/api/v1/namespaces/prod/events');
    expect(left.body.items.map((i: any) => i.metadata.name)).toEqual(['dc-2']);
  });

  it('status subresource: the main resource ignores status, /status changes only status', async () => {
    const dep = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] } } },
    };
    const created = await call(cluster, 'POST', '/apis/apps/v1/namespaces/default/deployments', { body: dep });
    expect(created.status).toBe(201);
    expect(created.body.metadata.generation).toBe(1);
    const st = await call(cluster, 'PUT', '/apis/apps/v1/namespaces/default/deployments/web/status', { body: { ...created.body, status: { replicas: 1 }, spec: { ...dep.spec, replicas: 5 } } });
    expect(st.body.status).toEqual({ replicas: 1 });
    expect(st.body.spec.replicas).toBe(1);
    const main = await call(cluster, 'PUT', '/apis/apps/v1/namespaces/default/deployments/web', { body: { ...st.body, spec: { ...dep.spec, replicas: 3 }, status: { replicas: 9 } } });
    expect(main.body.spec.replicas).toBe(3);
    expect(main.body.status).toEqual({ replicas: 1 });
    expect(main.body.metadata.generation).toBe(2);
  });

  it('CRDs: once created, their custom resources are served and discoverable', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'sinks.kube-events.io' },
      spec: {
        group: 'kube-events.io',
        scope: 'Namespaced',
        names: { plural: 'sinks', singular: 'sink', kind: 'Sink', shortNames: ['ks'] },
        versions: [{ name: 'v1alpha1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } }, subresources: { status: {} } }],
      },
    };
    expect((await call(cluster, 'POST', '/apis/kube-events.io/v1alpha1/namespaces/default/sinks', { body: {} })).status).toBe(404);
    const res = await call(cluster, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: crd });
    expect(res.status).toBe(201);
    const got = await call(cluster, 'GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/sinks.kube-events.io');
    expect(got.body.status.conditions.map((c: any) => [c.type, c.status])).toContainEqual(['Established', 'True']);
    const sink = { apiVersion: 'kube-events.io/v1alpha1', kind: 'Sink', metadata: { name: 's1' }, spec: { url: 'syslog-tls://example.com:6514' } };
    const made = await call(cluster, 'POST', '/apis/kube-events.io/v1alpha1/namespaces/default/sinks', { body: sink });
    expect(made.status).toBe(201);
    expect(made.body.metadata.generation).toBe(1);
    const list = await call(cluster, 'GET', '/apis/kube-events.io/v1alpha1/sinks');
    expect(list.body.items[0]).toMatchObject({ apiVersion: 'kube-events.io/v1alpha1', kind: 'Sink' });
    const disc = await call(cluster, 'GET', '/apis/kube-events.io/v1alpha1');
    expect(disc.body.resources.map((r: any) => r.name)).toEqual(['sinks', 'sinks/status']);
    const smp = await call(cluster, 'PATCH', '/apis/kube-events.io/v1alpha1/namespaces/default/sinks/s1', { body: { spec: {} }, contentType: 'application/strategic-merge-patch+json' });
    expect(smp.status).toBe(415);
    await call(cluster, 'DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/sinks.kube-events.io');
    expect((await call(cluster, 'GET', '/apis/kube-events.io/v1alpha1/sinks')).status).toBe(404);
  });
});
