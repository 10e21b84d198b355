/**
 * Fidelity of the test cluster against the real kubectl (Go client-go), run as a subprocess.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestCluster } from '../../src/testing/index.ts';
import type { TestCluster } from '../../src/testing/index.ts';
import { coreEvent } from './http-helpers.ts';
import { ensureKubectl } from '../peers/kubectl.ts';

const run = promisify(execFile);
let cluster: TestCluster;
let home: string;
let kubectl: string;

beforeAll(async () => {
  kubectl = await ensureKubectl();
  cluster = await startTestCluster({ namespaces: ['kc'] });
  home = await mkdtemp(join(tmpdir(), 'kubectl-home-'));
});
afterAll(async () => {
  await cluster.close();
  await rm(home, { recursive: true, force: true });
});

function env(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, KUBECONFIG: cluster.kubeconfigPath };
}

async function kc(...args: string[]): Promise<string> {
  const { stdout } = await run(kubectl, args, { env: env(), timeout: 30_000 });
  return stdout;
}

describe('kubectl against the test cluster', () => {
  it('get --raw for discovery', async () => {
    const version = JSON.parse(await kc('get', '--raw', '/version'));
    expect(version.major).toBe('1');
    const groups = JSON.parse(await kc('get', '--raw', '/apis'));
    expect(groups.groups.map((g: any) => g.name)).toEqual(expect.arrayContaining(['apps', 'events.k8s.io', 'coordination.k8s.io', 'apiextensions.k8s.io']));
    const out = await kc('api-resources', '--api-group=events.k8s.io', '-o', 'name');
    expect(out.trim()).toBe('events.events.k8s.io');
  });

  it('create -f event.yaml, then get events -A -o json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubectl-yaml-'));
    const file = join(dir, 'event.yaml');
    await writeFile(
      file,
      [
        'apiVersion: v1',
        'kind: Event',
        'metadata:',
        '  name: from-yaml',
        '  namespace: kc',
        'involvedObject:',
        '  kind: Pod',
        '  name: web-1',
        '  namespace: kc',
        'reason: BackOff',
        'message: Back-off restarting failed container',
        'type: Warning',
        'source:',
        '  component: kubelet',
        'count: 3',
        '',
      ].join('\n'),
    );
    expect(await kc('create', '-f', file)).toMatch(/event\/from-yaml created/);
    const list = JSON.parse(await kc('get', 'events', '-A', '-o', 'json'));
    expect(list.kind).toBe('List');
    const mine = list.items.find((i: any) => i.metadata.name === 'from-yaml');
    expect(mine).toMatchObject({ kind: 'Event', apiVersion: 'v1', reason: 'BackOff', count: 3 });
    await rm(dir, { recursive: true, force: true });
  });

  it('get events prints the server-side table', async () => {
    const out = await kc('get', 'events', '-n', 'kc');
    expect(out.split('\n')[0]).toMatch(/LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/);
    expect(out).toMatch(/Warning\s+BackOff\s+pod\/web-1\s+Back-off restarting failed container/);
  });

  it('get events --watch-only sees an event created after it started', async () => {
    const child = spawn(kubectl, ['get', 'events', '-n', 'kc', '--watch-only', '-o', 'json'], { env: env() });
    let out = '';
    const seen = new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('"watched-1"')) resolve();
      });
    });
    await cluster.waitForWatches(1);
    cluster.api.create({ apiVersion: 'v1', resource: 'events' }, 'kc', coreEvent('watched-1', 'kc'));
    await seen;
    child.kill();
    expect(out).toContain('"reason": "Started"');
  });

  it('kubectl events --for pod/NAME lists only that object’s events', async () => {
    const ev = { apiVersion: 'v1', resource: 'events' };
    cluster.api.create(ev, 'kc', coreEvent('for-web', 'kc', { involvedObject: { kind: 'Pod', name: 'web-9', namespace: 'kc', apiVersion: 'v1' }, reason: 'BackOff', type: 'Warning', message: 'Back-off restarting web-9' }));
    cluster.api.create(ev, 'kc', coreEvent('for-db', 'kc', { involvedObject: { kind: 'Pod', name: 'db-0', namespace: 'kc', apiVersion: 'v1' }, reason: 'Pulled', message: 'pulled db' }));
    const out = await kc('events', '-n', 'kc', '--for', 'pod/web-9');
    expect(out.split('\n')[0]).toMatch(/LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/);
    expect(out).toMatch(/Warning\s+BackOff\s+Pod\/web-9\s+Back-off restarting web-9/);
    expect(out).not.toContain('pulled db');
  });

  it('apply of a Deployment creates it, and a second apply patches it (strategic merge)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubectl-apply-'));
    const file = join(dir, 'deploy.yaml');
    const manifest = (image: string, env: string) =>
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: web',
        '  namespace: kc',
        'spec:',
        '  replicas: 2',
        '  selector:',
        '    matchLabels: {app: web}',
        '  template:',
        '    metadata:',
        '      labels: {app: web}',
        '    spec:',
        '      containers:',
        '      - name: app',
        `        image: ${image}`,
        '        env:',
        `        - {name: ${env}, value: "1"}`,
        '',
      ].join('\n');
    await writeFile(file, manifest('nginx:1.25', 'A'));
    expect(await kc('apply', '-f', file)).toMatch(/deployment.apps\/web created/);
    await writeFile(file, manifest('nginx:1.27', 'B'));
    expect(await kc('apply', '-f', file)).toMatch(/deployment.apps\/web configured/);
    const dep = JSON.parse(await kc('get', 'deployment', 'web', '-n', 'kc', '-o', 'json'));
    expect(dep.spec.template.spec.containers).toEqual([{ name: 'app', image: 'nginx:1.27', env: [{ name: 'B', value: '1' }] }]);
    expect(dep.metadata.generation).toBe(2);
    expect(dep.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain('nginx:1.27');
    await rm(dir, { recursive: true, force: true });
  });

  it('a forbidden request shows the server’s message', async () => {
    const c = await startTestCluster({ users: [{ name: 'nobody', rules: [] }] });
    try {
      const path = await c.writeKubeconfigFor('nobody');
      const err = await run(kubectl, ['get', 'events', '-A'], { env: { ...env(), KUBECONFIG: path } }).catch((e: unknown) => e as { stderr: string });
      expect((err).stderr).toContain('events is forbidden: User "nobody" cannot list resource "events" in API group "" at the cluster scope');
    } finally {
      await c.close();
    }
  });
});
