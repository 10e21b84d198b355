import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestCluster } from '../../src/testing/index.ts';
import type { TestCluster } from '../../src/testing/index.ts';
import {
  CheckpointError,
  createConfigMapCheckpointStore,
  createFileCheckpointStore,
  createMemoryCheckpointStore,
  parseCheckpoint,
} from '../../src/stream/index.ts';
import type { Checkpoint, CheckpointStore } from '../../src/stream/index.ts';
import { InvalidOptionError } from '../../src/errors.ts';

const CM = { apiVersion: 'v1', resource: 'configmaps' };

function checkpoint(rv: string | null, n = 2): Checkpoint {
  return {
    version: 1,
    scope: 'namespace= labelSelector= fieldSelector=',
    resourceVersion: rv,
    synced: rv !== null,
    events: Array.from({ length: n }, (_, i) => [`uid-${i}`.padEnd(36, '0'), String(100 + i), 'default', `ev-${i}`, i % 2 === 0 ? 1 : 0] as const),
    savedAt: '2026-11-23T10:00:00.000Z',
  };
}

let cluster: TestCluster;
let dir: string;
beforeAll(async () => {
  cluster = await startTestCluster({
    bookmarkInterval: 0,
    namespaces: ['cp'],
    users: [{ name: 'no-cm', token: 'no-cm-token', rules: [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'] }] }],
  });
  dir = await mkdtemp(join(tmpdir(), 'kube-events-cp-'));
});
afterAll(async () => {
  await cluster.close();
  await rm(dir, { recursive: true, force: true });
});

let seq = 0;
const stores: [string, () => CheckpointStore][] = [
  ['memory', () => createMemoryCheckpointStore()],
  ['file', () => createFileCheckpointStore(join(dir, `conformance-${++seq}.json`))],
  ['configmap', () => createConfigMapCheckpointStore({ kubeConfig: cluster.kubeConfig, namespace: 'cp', name: `conformance-${++seq}` })],
];

describe.each(stores)('CheckpointStore conformance: %s', (_name, make) => {
  it('loads undefined before the first save', async () => {
    expect(await make().load()).toBeUndefined();
  });

  it('loads what was saved last, exactly', async () => {
    const store = make();
    await store.save(checkpoint('100'));
    const second = checkpoint(null, 3);
    await store.save(second);
    expect(await store.load()).toEqual(second);
  });

  it('saves a checkpoint of thousands of events', async () => {
    const store = make();
    const big = checkpoint('5000', 5000);
    await store.save(big);
    expect((await store.load())?.events).toHaveLength(5000);
  });
});

describe('createFileCheckpointStore', () => {
  it('writes atomically: no temporary file is left, and a stray one from a crashed write is ignored', async () => {
    const path = join(dir, 'atomic.json');
    await writeFile(join(dir, '.atomic.json.999.deadbeef.tmp'), '{"version":1,"torn');
    const store = createFileCheckpointStore(path);
    await store.save(checkpoint('7'));
    await store.save(checkpoint('8'));
    const files = (await readdir(dir)).filter((f) => f.includes('atomic'));
    expect(files.sort()).toEqual(['.atomic.json.999.deadbeef.tmp', 'atomic.json']);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(checkpoint('8'));
    expect((await createFileCheckpointStore(path).load())?.resourceVersion).toBe('8');
  });

  it('a file that is not a checkpoint is a CheckpointError that is not retryable', async () => {
    const path = join(dir, 'corrupt.json');
    await writeFile(path, '{"version":1,"sco');
    const err = await createFileCheckpointStore(path).load().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect(err).toMatchObject({ operation: 'checkpoint-load', retryable: false });
    await writeFile(path, JSON.stringify({ ...checkpoint('1'), events: [['u', 1]] }));
    await expect(createFileCheckpointStore(path).load()).rejects.toThrow('not a valid kube-events checkpoint: events[0] must be [uid, resourceVersion, namespace, name, 0 | 1]');
  });

  it('a save into a missing directory fails with a retryable CheckpointError', async () => {
    const err = await createFileCheckpointStore(join(dir, 'missing', 'x.json')).save(checkpoint('1')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_CHECKPOINT', operation: 'checkpoint-save', retryable: true });
    expect(() => createFileCheckpointStore('')).toThrow(InvalidOptionError);
  });
});

describe('createConfigMapCheckpointStore', () => {
  it('creates the ConfigMap on the first save, then replaces it at the resourceVersion it read', async () => {
    const store = createConfigMapCheckpointStore({ kubeConfig: cluster.kubeConfig, namespace: 'cp', name: 'cas' });
    expect(await store.load()).toBeUndefined();
    await store.save(checkpoint('1'));
    const cm = cluster.api.get(CM, 'cp', 'cas') as any;
    expect(cm.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'kube-events' });
    expect(JSON.parse(cm.data['checkpoint.json'])).toEqual(checkpoint('1'));
    await store.save(checkpoint('2'));
    expect(JSON.parse((cluster.api.get(CM, 'cp', 'cas') as any).data['checkpoint.json']).resourceVersion).toBe('2');
  });

  it('409 Conflict (someone else wrote it): reloads and retries, keeping the other keys', async () => {
    const store = createConfigMapCheckpointStore({ kubeConfig: cluster.kubeConfig, namespace: 'cp', name: 'shared', key: 'stream-a.json' });
    await store.save(checkpoint('1'));
    // Another writer changes the ConfigMap between our saves: our resourceVersion is stale now.
    cluster.api.patch(CM, 'cp', 'shared', { data: { 'stream-b.json': '{"other":true}' } });
    const requests: string[] = [];
    const on = (r: { verb: string; path: string; status: number }): void => {
      if (r.path.includes('/configmaps')) requests.push(`${r.verb} ${r.status}`);
    };
    cluster.events.on('request', on);
    await store.save(checkpoint('2'));
    cluster.events.off('request', on);
    expect(requests).toEqual(['PUT 409', 'GET 200', 'PUT 200']);
    const data = (cluster.api.get(CM, 'cp', 'shared') as any).data;
    expect(data['stream-b.json']).toBe('{"other":true}');
    expect(parseCheckpoint(JSON.parse(data['stream-a.json'])).resourceVersion).toBe('2');
  });

  it('a ConfigMap deleted behind its back is created again', async () => {
    const store = createConfigMapCheckpointStore({ kubeConfig: cluster.kubeConfig, namespace: 'cp', name: 'gone' });
    await store.save(checkpoint('1'));
    cluster.api.delete(CM, 'cp', 'gone');
    await store.save(checkpoint('2'));
    expect(await createConfigMapCheckpointStore({ kubeConfig: cluster.kubeConfig, namespace: 'cp', name: 'gone' }).load()).toEqual(checkpoint('2'));
  });

  it('names the RBAC it needs when forbidden, and refuses a checkpoint larger than a ConfigMap', async () => {
    const kc = await cluster.kubeConfigFor('no-cm');
    const store = createConfigMapCheckpointStore({ kubeConfig: kc, namespace: 'cp', name: 'denied' });
    const err = await store.save(checkpoint('1')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).toContain('the stream needs "get", "create" and "update" on "configmaps" in namespace "cp"');
    const big = createConfigMapCheckpointStore({ kubeConfig: cluster.kubeConfig, namespace: 'cp', name: 'big' });
    await expect(big.save(checkpoint('1', 20_000))).rejects.toThrow(/larger than a ConfigMap holds \(1 MiB\)/);
    expect(() => createConfigMapCheckpointStore({ kubeConfig: cluster.kubeConfig, namespace: '', name: 'x' })).toThrow(InvalidOptionError);
  });
});
