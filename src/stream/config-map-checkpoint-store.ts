/**
 * A {@link CheckpointStore} in a Kubernetes ConfigMap, with optimistic concurrency.
 *
 * @module
 */
import { KubeConfig } from '@kubernetes/client-node';
import { InvalidOptionError } from '../errors.ts';
import { parseCheckpoint } from './checkpoint.ts';
import type { Checkpoint, CheckpointStore } from './checkpoint.ts';
import { KubeHttpClient } from './kube-http-client.ts';
import type { KubeResponse } from './kube-http-client.ts';
import { CheckpointError } from './stream-errors.ts';
import { systemClock } from './stream-clock.ts';

/** A ConfigMap holds at most 1 MiB (kube-apiserver's `MaxSecretSize`-like limit on ConfigMap data). */
const MAX_CONFIG_MAP_BYTES = 1024 * 1024;

/**
 * Options of {@link createConfigMapCheckpointStore}.
 *
 * @example
 * ```ts
 * import type { ConfigMapCheckpointStoreOptions } from 'kube-events/stream';
 *
 * const options: ConfigMapCheckpointStoreOptions = { namespace: 'monitoring', name: 'event-exporter-checkpoint' };
 * ```
 */
export interface ConfigMapCheckpointStoreOptions {
  /** The ConfigMap's namespace. */
  readonly namespace: string;
  /** The ConfigMap's name; it is created on the first save. */
  readonly name: string;
  /**
   * The data key the checkpoint is kept under; other keys of the ConfigMap are left as they are.
   * @defaultValue `'checkpoint.json'`
   */
  readonly key?: string;
  /**
   * The cluster and credentials.
   * @defaultValue `new KubeConfig()` with `loadFromDefault()`
   */
  readonly kubeConfig?: KubeConfig;
  /**
   * How many times a save re-reads the ConfigMap and tries again after a 409 Conflict.
   * @defaultValue `5`
   */
  readonly maxConflictRetries?: number;
  /**
   * Milliseconds without a byte after which a request fails.
   * @defaultValue `30_000`
   */
  readonly requestTimeout?: number;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function statusMessage(res: KubeResponse): string {
  try {
    const body: unknown = JSON.parse(res.body.toString('utf8'));
    if (isObj(body) && typeof body.message === 'string') return body.message;
  } catch {
    // not JSON
  }
  return res.body.toString('utf8').slice(0, 200);
}

/**
 * Creates a {@link CheckpointStore} that keeps the checkpoint in a ConfigMap (under `data[key]`),
 * so a Deployment resumes where it left off wherever its Pod is rescheduled.
 *
 * Writes use optimistic concurrency: each save replaces the ConfigMap at the resourceVersion it
 * last read; on a 409 Conflict (someone else wrote it) it reads it again and retries, keeping the
 * other keys, up to `maxConflictRetries` times. A checkpoint larger than a ConfigMap can hold
 * (1 MiB, about 9,000 tracked Events) fails to save with a {@link CheckpointError}.
 *
 * RBAC, in the ConfigMap's namespace:
 *
 * ```yaml
 * - apiGroups: [""]
 *   resources: ["configmaps"]
 *   verbs: ["get", "create", "update"]
 * ```
 *
 * @param options - Namespace, name, key and credentials.
 * @returns The store.
 * @throws `InvalidOptionError` (from `kube-events`) for an invalid option.
 *
 * @example
 * ```ts
 * import { createConfigMapCheckpointStore, createEventStream } from 'kube-events/stream';
 *
 * const stream = createEventStream({
 *   checkpoint: createConfigMapCheckpointStore({ namespace: 'monitoring', name: 'event-exporter-checkpoint' }),
 * });
 * ```
 */
export function createConfigMapCheckpointStore(options: ConfigMapCheckpointStoreOptions): CheckpointStore {
  const { namespace, name } = options;
  if (typeof namespace !== 'string' || namespace === '') throw new InvalidOptionError('namespace', 'a non-empty string', namespace);
  if (typeof name !== 'string' || name === '') throw new InvalidOptionError('name', 'a non-empty string', name);
  const key = options.key ?? 'checkpoint.json';
  if (typeof key !== 'string' || !/^[-._a-zA-Z0-9]+$/.test(key)) throw new InvalidOptionError('key', 'a ConfigMap data key ([-._a-zA-Z0-9]+)', key);
  const maxRetries = options.maxConflictRetries ?? 5;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new InvalidOptionError('maxConflictRetries', 'an integer >= 0', maxRetries);
  const idleTimeoutMs = options.requestTimeout ?? 30_000;
  if (typeof idleTimeoutMs !== 'number' || !Number.isFinite(idleTimeoutMs) || idleTimeoutMs < 0) {
    throw new InvalidOptionError('requestTimeout', 'a finite number >= 0', idleTimeoutMs);
  }
  let kubeConfig = options.kubeConfig;
  if (kubeConfig === undefined) {
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromDefault();
  }
  const kc = kubeConfig;
  const collection = `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps`;
  const item = `${collection}/${encodeURIComponent(name)}`;
  /** The ConfigMap as last read or written (undefined: not read yet, null: does not exist). */
  let current: Obj | null | undefined;

  const send = async (path: string, operation: 'checkpoint-load' | 'checkpoint-save', method = 'GET', body?: Obj): Promise<KubeResponse> => {
    const http = new KubeHttpClient(kc);
    try {
      return await http.request(path, { operation, method, idleTimeoutMs, clock: systemClock, ...(body ? { body: JSON.stringify(body) } : {}) });
    } catch (err) {
      throw new CheckpointError(operation, `${method} ${path}: ${(err as Error).message}`, true, { cause: err });
    } finally {
      http.close();
    }
  };

  const failure = (operation: 'checkpoint-load' | 'checkpoint-save', method: string, res: KubeResponse): CheckpointError => {
    const retryable = res.statusCode >= 500 || res.statusCode === 429 || operation === 'checkpoint-save';
    const rbac = res.statusCode === 403 ? ` (the stream needs "get", "create" and "update" on "configmaps" in namespace "${namespace}")` : '';
    return new CheckpointError(operation, `${method} configmap ${namespace}/${name}: ${res.statusCode} ${statusMessage(res)}${rbac}`, retryable);
  };

  const read = async (operation: 'checkpoint-load' | 'checkpoint-save'): Promise<Obj | null> => {
    const res = await send(item, operation);
    if (res.statusCode === 404) return null;
    if (res.statusCode !== 200) throw failure(operation, 'GET', res);
    const parsed: unknown = JSON.parse(res.body.toString('utf8'));
    if (!isObj(parsed)) throw new CheckpointError(operation, `configmap ${namespace}/${name} is not an object`, false);
    return parsed;
  };

  return {
    async load(): Promise<Checkpoint | undefined> {
      current = await read('checkpoint-load');
      const data = current !== null && isObj(current.data) ? current.data : undefined;
      const text = data?.[key];
      if (typeof text !== 'string') return undefined;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        throw new CheckpointError('checkpoint-load', `configmap ${namespace}/${name} key ${key} is not JSON`, false, { cause: err });
      }
      return parseCheckpoint(parsed);
    },
    async save(checkpoint: Checkpoint): Promise<void> {
      const text = JSON.stringify(checkpoint);
      if (Buffer.byteLength(text) > MAX_CONFIG_MAP_BYTES - 1024) {
        throw new CheckpointError(
          'checkpoint-save',
          `the checkpoint (${Buffer.byteLength(text)} bytes, ${checkpoint.events.length} events) is larger than a ConfigMap holds (1 MiB); narrow the stream or use a file store`,
          false,
        );
      }
      current ??= await read('checkpoint-save');
      for (let attempt = 0; attempt <= maxRetries; attempt++) {
        if (current === null) {
          const body: Obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'kube-events' } }, data: { [key]: text } };
          const res = await send(collection, 'checkpoint-save', 'POST', body);
          if (res.statusCode === 201 || res.statusCode === 200) {
            current = JSON.parse(res.body.toString('utf8')) as Obj;
            return;
          }
          if (res.statusCode !== 409) throw failure('checkpoint-save', 'POST', res);
        } else {
          const md = isObj(current.metadata) ? current.metadata : {};
          const data = isObj(current.data) ? current.data : {};
          // The resourceVersion makes this a compare-and-swap: 409 when someone wrote in between.
          const body: Obj = { ...current, apiVersion: 'v1', kind: 'ConfigMap', metadata: md, data: { ...data, [key]: text } };
          const res = await send(item, 'checkpoint-save', 'PUT', body);
          if (res.statusCode === 200) {
            current = JSON.parse(res.body.toString('utf8')) as Obj;
            return;
          }
          if (res.statusCode !== 409 && res.statusCode !== 404) throw failure('checkpoint-save', 'PUT', res);
        }
        current = await read('checkpoint-save');
      }
      throw new CheckpointError('checkpoint-save', `configmap ${namespace}/${name} kept changing: ${maxRetries + 1} writes conflicted`, true);
    },
  };
}
