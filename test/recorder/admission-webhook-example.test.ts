/**
 * The seed scenario, end to end (examples/admission-webhook.ts): real AdmissionReview requests
 * over HTTPS to the example webhook; the JSONPatch it answers; and, when it fails, the pod
 * allowed unchanged and the Warning `OnePilotFail` on the owning Deployment in the test cluster —
 * read back through the API and through kubectl, with the right count after repeats.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:https';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestCluster } from '../../src/testing/index.ts';
import type { JsonObject, TestCluster } from '../../src/testing/index.ts';
import { createCertificateAuthority, issueServerCertificate } from '../../src/testing/certificates.ts';
import { createEventRecorder } from '../../src/recorder/index.ts';
import type { EventRecorder } from '../../src/recorder/index.ts';
import { envPatch, startOnePilotWebhook } from '../../examples/admission-webhook.ts';
import type { OnePilotWebhook } from '../../examples/admission-webhook.ts';
import { ensureKubectl } from '../peers/kubectl.ts';

const run = promisify(execFile);
const NS = 'shop';
let cluster: TestCluster;
let recorder: EventRecorder;
let webhook: OnePilotWebhook;
let caPem: string;
let home: string;
let kubectl: string;
let deploymentUid: string;

beforeAll(async () => {
  kubectl = await ensureKubectl();
  cluster = await startTestCluster({ namespaces: [NS], bookmarkInterval: 0 });
  home = await mkdtemp(join(tmpdir(), 'kubectl-home-'));
  const dep = cluster.api.create({ apiVersion: 'apps/v1', resource: 'deployments' }, NS, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: NS },
    spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } } },
  });
  deploymentUid = (dep.metadata as JsonObject).uid as string;
  cluster.api.create({ apiVersion: 'apps/v1', resource: 'replicasets' }, NS, {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web-6d4cf56db6', namespace: NS, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: deploymentUid, controller: true }] },
    spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } } },
  });
  const ca = await createCertificateAuthority({ commonName: 'webhook-test-ca' });
  const tls = await issueServerCertificate(ca, { hosts: ['127.0.0.1'] });
  caPem = ca.certPem;
  recorder = createEventRecorder({ kubeConfig: cluster.kubeConfig, component: 'one-pilot.example.com/webhook', api: 'core/v1' });
  webhook = await startOnePilotWebhook({ kubeConfig: cluster.kubeConfig, recorder, tls: { cert: tls.certPem, key: tls.keyPem }, port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await webhook.close();
  await recorder.close();
  await cluster.close();
  await rm(home, { recursive: true, force: true });
});

function pod(uid: string): JsonObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: 'web-6d4cf56db6-',
      namespace: NS,
      labels: { app: 'web' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-6d4cf56db6', uid: `rs-${uid}`, controller: true }],
    },
    spec: {
      containers: [
        { name: 'app', image: 'nginx' },
        { name: 'proxy', image: 'envoy', env: [{ name: 'LOG_LEVEL', value: 'info' }] },
      ],
    },
  };
}

function admissionReview(uid: string, overrides: JsonObject = {}): JsonObject {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      operation: 'CREATE',
      namespace: NS,
      userInfo: { username: 'system:serviceaccount:kube-system:replicaset-controller' },
      object: pod(uid),
      dryRun: false,
      ...overrides,
    },
  };
}

/** POSTs to the webhook as the API server does. */
function post(body: unknown): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = request(`${webhook.url}/mutate?timeout=10s`, { method: 'POST', ca: caPem, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function kc(...args: string[]): Promise<string> {
  const { stdout } = await run(kubectl, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, KUBECONFIG: cluster.kubeconfigPath }, timeout: 30_000 });
  return stdout;
}

describe('examples/admission-webhook.ts', () => {
  it('fails open: allows the pod with no patch and records Warning OnePilotFail on the owning Deployment', async () => {
    const res = await post(admissionReview('req-1'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'req-1', allowed: true } });
    await recorder.flush();
    const events = cluster.api.list({ apiVersion: 'v1', resource: 'events' }, NS) as any[];
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'Warning',
      reason: 'OnePilotFail',
      message: 'could not inject ONE_PILOT_ENDPOINT: configmaps "one-pilot" not found',
      involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: NS, uid: deploymentUid },
      action: 'InjectEnv',
      source: { component: 'one-pilot.example.com/webhook' },
      count: 1,
    });
  });

  it('repeated failures become one Event with a rising count, as kubectl get events shows', async () => {
    for (const uid of ['req-2', 'req-3', 'req-4']) expect((await post(admissionReview(uid))).body.response).toEqual({ uid, allowed: true });
    await recorder.flush();
    const list = JSON.parse(await kc('get', 'events', '-n', NS, '--field-selector', 'reason=OnePilotFail', '-o', 'json'));
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ reason: 'OnePilotFail', count: 4, involvedObject: { kind: 'Deployment', name: 'web' } });
    // kubectl's own table (server-side printing); COUNT is a wide column.
    const table = (await kc('get', 'events', '-n', NS, '-o', 'wide')).split('\n');
    expect(table[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+SUBOBJECT\s+SOURCE\s+MESSAGE\s+FIRST SEEN\s+COUNT\s+NAME$/);
    expect(table[1]).toMatch(/^\S+\s+Warning\s+OnePilotFail\s+deployment\/web\s+one-pilot\.example\.com\/webhook, \S+\s+could not inject ONE_PILOT_ENDPOINT: configmaps "one-pilot" not found\s+\S+\s+4\s+web\.[0-9a-f]+$/);
  });

  it('with its ConfigMap present: answers the JSONPatch that adds the variable to each container', async () => {
    cluster.api.create({ apiVersion: 'v1', resource: 'configmaps' }, NS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'one-pilot', namespace: NS }, data: { endpoint: 'https://pilot.shop:9000' } });
    const res = await post(admissionReview('req-5'));
    expect(res.body.response).toMatchObject({ uid: 'req-5', allowed: true, patchType: 'JSONPatch' });
    const patch = JSON.parse(Buffer.from(res.body.response.patch, 'base64').toString('utf8'));
    expect(patch).toEqual([
      { op: 'add', path: '/spec/containers/0/env', value: [{ name: 'ONE_PILOT_ENDPOINT', value: 'https://pilot.shop:9000' }] },
      { op: 'add', path: '/spec/containers/1/env/-', value: { name: 'ONE_PILOT_ENDPOINT', value: 'https://pilot.shop:9000' } },
    ]);
    await recorder.flush();
    expect((cluster.api.list({ apiVersion: 'v1', resource: 'events' }, NS) as any[])[0].count).toBe(4);
  });

  it('leaves other requests alone, and answers 400 to what is not an AdmissionReview', async () => {
    expect((await post(admissionReview('req-6', { operation: 'DELETE' }))).body.response).toEqual({ uid: 'req-6', allowed: true });
    expect((await post(admissionReview('req-7', { kind: { group: 'apps', version: 'v1', kind: 'Deployment' } }))).body.response).toEqual({ uid: 'req-7', allowed: true });
    expect((await post({ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: { uid: 'x' } })).status).toBe(400);
    const already = pod('p');
    (already.spec as any).containers[0].env = [{ name: 'ONE_PILOT_ENDPOINT', value: 'set' }];
    (already.spec as any).containers.pop();
    expect(envPatch(already as never, 'ONE_PILOT_ENDPOINT', 'v')).toEqual([]);
  });
});
