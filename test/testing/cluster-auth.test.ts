import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api } from '@kubernetes/client-node';
import { startTestCluster } from '../../src/testing/index.ts';
import type { TestCluster } from '../../src/testing/index.ts';
import { call } from './http-helpers.ts';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({
    users: [
      { name: 'system:serviceaccount:default:reader', token: 'reader-token', rules: [{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['events'], namespaces: ['default'] }] },
      { name: 'alice', groups: ['devs'] },
    ],
  });
});
afterAll(async () => {
  await cluster.close();
});

describe('authentication and authorization', () => {
  it('no credentials or a bad token is 401 Unauthorized', async () => {
    for (const token of [null, 'wrong']) {
      const res = await call(cluster, 'GET', '/api/v1/events', { token });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    }
  });

  it('a restricted token gets 403 Forbidden with the real message outside its rules', async () => {
    expect((await call(cluster, 'GET', '/api/v1/namespaces/default/events', { token: 'reader-token' })).status).toBe(200);
    const other = await call(cluster, 'GET', '/api/v1/namespaces/kube-system/events', { token: 'reader-token' });
    expect(other.status).toBe(403);
    expect(other.body.message).toBe('events is forbidden: User "system:serviceaccount:default:reader" cannot list resource "events" in API group "" in the namespace "kube-system"');
    const all = await call(cluster, 'GET', '/api/v1/events', { token: 'reader-token' });
    expect(all.body.message).toBe('events is forbidden: User "system:serviceaccount:default:reader" cannot list resource "events" in API group "" at the cluster scope');
    const create = await call(cluster, 'POST', '/apis/events.k8s.io/v1/namespaces/default/events', { token: 'reader-token', body: {} });
    expect(create.status).toBe(403);
    expect(create.body.message).toBe('events.events.k8s.io is forbidden: User "system:serviceaccount:default:reader" cannot create resource "events" in API group "events.k8s.io" in the namespace "default"');
  });

  it('client certificates authenticate as their CN; client-node uses them through kubeConfigFor', async () => {
    const kc = await cluster.kubeConfigFor('alice', { auth: 'certificate' });
    expect(kc.getCurrentUser()?.certData).toBeTruthy();
    const core = kc.makeApiClient(CoreV1Api);
    const res = await core.listNamespace();
    expect(res.items.map((n) => n.metadata?.name)).toContain('default');
    const restricted = await cluster.kubeConfigFor('system:serviceaccount:default:reader');
    await expect(restricted.makeApiClient(CoreV1Api).listNamespace()).rejects.toMatchObject({ code: 403 });
  });
});

describe('plain HTTP', () => {
  it('is served when asked, with token auth', async () => {
    const c = await startTestCluster({ http: true });
    try {
      expect(c.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const ok = await fetch(`${c.httpUrl}/api/v1/namespaces`, { headers: { Authorization: `Bearer ${c.adminToken}` } });
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { kind: string }).kind).toBe('NamespaceList');
      const anon = await fetch(`${c.httpUrl}/api/v1/namespaces`);
      expect(anon.status).toBe(401);
    } finally {
      await c.close();
    }
    const plain = await startTestCluster();
    expect(plain.httpUrl).toBeUndefined();
    await plain.close();
  });
});
