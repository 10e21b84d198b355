/**
 * The options of `createEventStream`, their defaults and their validation.
 *
 * @module
 */
import { KubeConfig } from '@kubernetes/client-node';
import { InvalidOptionError } from '../errors.ts';
import type { BackoffOptions } from './backoff.ts';
import type { CheckpointStore } from './checkpoint.ts';
import type { EventApi } from './kube-event.ts';
import type { StreamClock } from './stream-clock.ts';
import { sleepOn, systemClock } from './stream-clock.ts';
import type { InitialListStrategy } from './event-watcher.ts';

/** List page size: 500, as client-go's pager (`defaultPageSize`) and kube-rs's `ListParams`. */
export const DEFAULT_PAGE_SIZE = 500;
/** Watch `timeoutSeconds`: 290, as kube-rs (just under the API server's 5-minute minimum request timeout). */
export const DEFAULT_WATCH_TIMEOUT_SECONDS = 290;
/** No byte (bookmarks included) for 2 minutes, twice the API server's bookmark interval, means the watch hangs: reconnect. */
export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;
/** Items queued between the watcher and the consumer. */
export const DEFAULT_BUFFER_SIZE = 1000;
/** The committed position is saved at most once a second. */
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 1000;

/**
 * Options of {@link createEventStream}. Every field is optional.
 *
 * @example
 * ```ts
 * import { KubeConfig } from '@kubernetes/client-node';
 * import { createEventStream, createFileCheckpointStore } from 'kube-events/stream';
 *
 * const kubeConfig = new KubeConfig();
 * kubeConfig.loadFromDefault();
 * const stream = createEventStream({
 *   kubeConfig,
 *   namespace: 'prod',
 *   fieldSelector: 'type=Warning',
 *   maxEventAge: 10 * 60_000,
 *   checkpoint: createFileCheckpointStore('/var/lib/exporter/checkpoint.json'),
 * });
 * ```
 */
export interface EventStreamOptions {
  /**
   * The cluster and credentials.
   * @defaultValue `new KubeConfig()` with `loadFromDefault()`: `$KUBECONFIG`, `~/.kube/config`, or the in-cluster service account
   */
  readonly kubeConfig?: KubeConfig;
  /**
   * Which Events API to read: `core/v1`, `events.k8s.io/v1`, or `auto` (events.k8s.io/v1 when the
   * server serves it, by discovery). Both are views of the same stored Events, with the same uids
   * and resourceVersions, so a checkpoint of one resumes the other.
   * @defaultValue `'core/v1'`
   */
  readonly api?: EventApi | 'auto';
  /**
   * The namespace to read; `''` for all namespaces (which needs a ClusterRole).
   * @defaultValue `''`
   */
  readonly namespace?: string;
  /**
   * A label selector on the Events, e.g. `app=web`.
   * @defaultValue `''`
   */
  readonly labelSelector?: string;
  /**
   * A field selector on the Events, e.g. `type=Warning,involvedObject.kind=Pod` (core/v1) or
   * `type=Warning,regarding.kind=Pod` (events.k8s.io/v1).
   * @defaultValue `''`
   */
  readonly fieldSelector?: string;
  /**
   * How the initial state is read: `list` (pages of `pageSize`, then a watch from the list's
   * resourceVersion), `streaming` (one watch with `sendInitialEvents=true`, KEP-3157; the server
   * must have the WatchList feature), or `auto` (streaming, falling back to `list` for good when
   * the server answers 422).
   * @defaultValue `'list'`
   */
  readonly initialList?: InitialListStrategy;
  /**
   * Items per list page.
   * @defaultValue `500` ({@link DEFAULT_PAGE_SIZE})
   */
  readonly pageSize?: number;
  /**
   * `timeoutSeconds` of each watch request; the server ends the watch then and the stream
   * re-watches from where it is, at once.
   * @defaultValue `290` ({@link DEFAULT_WATCH_TIMEOUT_SECONDS})
   */
  readonly timeoutSeconds?: number;
  /**
   * Milliseconds without a single byte (bookmarks included) after which a request counts as hung:
   * the stream drops it and reconnects. 0 disables it.
   * @defaultValue `120_000` ({@link DEFAULT_IDLE_TIMEOUT_MS})
   */
  readonly idleTimeout?: number;
  /**
   * Every this many milliseconds, relist and compare with what the consumer has, delivering only
   * differences (nothing, while the watch is healthy). 0 disables it.
   * @defaultValue `0`
   */
  readonly resyncInterval?: number;
  /**
   * Skip Events older than this many milliseconds (by their latest timestamp) on the initial list
   * only; later changes to them are delivered. 0 keeps all. Like kubernetes-event-exporter's
   * `maxEventAgeSeconds`.
   * @defaultValue `0`
   */
  readonly maxEventAge?: number;
  /**
   * Retry delays after failures; client-go's reflector defaults.
   * @defaultValue `{ initialDelay: 800, maxDelay: 30_000, factor: 2, jitter: 1, resetAfter: 120_000 }`
   */
  readonly backoff?: BackoffOptions;
  /**
   * The most items queued for the consumer (uncommitted ones included). When it is full the stream
   * stops reading: the watch socket is paused, the next list page waits.
   * @defaultValue `1000` ({@link DEFAULT_BUFFER_SIZE})
   */
  readonly bufferSize?: number;
  /**
   * Commit items by themselves: when iterating, an item is committed when you ask for the next one;
   * with `on('item')`, after the listeners return. With `false`, call `stream.commit(item)`.
   * @defaultValue `true`
   */
  readonly autoCommit?: boolean;
  /**
   * Where to save the committed position, and resume from on start. Without one, the stream
   * starts with a full list every time.
   * @defaultValue none
   */
  readonly checkpoint?: CheckpointStore;
  /**
   * Save the committed position at most once per this many milliseconds (and on `stop()`); 0
   * saves after every commit.
   * @defaultValue `1000` ({@link DEFAULT_CHECKPOINT_INTERVAL_MS})
   */
  readonly checkpointInterval?: number;
  /**
   * End the stream on 401/403 instead of retrying slowly.
   * @defaultValue `false`
   */
  readonly stopOnAuthError?: boolean;
  /**
   * The clock for timers (idle timeout, backoff, checkpoint, resync) and `maxEventAge`.
   * @defaultValue {@link systemClock}
   */
  readonly clock?: StreamClock;
  /**
   * Random numbers in [0, 1) for backoff jitter.
   * @defaultValue `Math.random`
   */
  readonly random?: () => number;
  /**
   * How the stream waits between retries; resolves early when `signal` aborts.
   * @defaultValue a timer on `clock`
   */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Options with their defaults applied. */
export interface ResolvedStreamOptions {
  readonly kubeConfig: KubeConfig;
  readonly api: EventApi | 'auto';
  readonly namespace: string;
  readonly labelSelector: string;
  readonly fieldSelector: string;
  readonly initialList: InitialListStrategy;
  readonly pageSize: number;
  readonly timeoutSeconds: number;
  readonly idleTimeoutMs: number;
  readonly resyncIntervalMs: number;
  readonly maxEventAgeMs: number;
  readonly backoff: BackoffOptions;
  readonly bufferSize: number;
  readonly autoCommit: boolean;
  readonly checkpoint: CheckpointStore | undefined;
  readonly checkpointIntervalMs: number;
  readonly stopOnAuthError: boolean;
  readonly clock: StreamClock;
  readonly random: () => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}

function num(name: string, value: number | undefined, fallback: number, min: number, integer = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new InvalidOptionError(name, `${integer ? 'an integer' : 'a finite number'} >= ${min}`, value);
  }
  return value;
}

function text(name: string, value: string | undefined): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') throw new InvalidOptionError(name, 'a string', value);
  return value;
}

function oneOf<T extends string>(name: string, value: T | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) throw new InvalidOptionError(name, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
  return value;
}

function bool(name: string, value: boolean | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidOptionError(name, 'a boolean', value);
  return value;
}

function fn<T>(name: string, value: T | undefined, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') throw new InvalidOptionError(name, 'a function', value);
  return value;
}

/**
 * Applies defaults and validates.
 *
 * @throws `InvalidOptionError` (from `kube-events`) naming the first invalid option.
 */
export function resolveStreamOptions(options: EventStreamOptions): ResolvedStreamOptions {
  if (typeof (options as unknown) !== 'object') throw new InvalidOptionError('options', 'an object', options);
  const clock = options.clock ?? systemClock;
  if (typeof clock.now !== 'function' || typeof clock.setTimer !== 'function') throw new InvalidOptionError('clock', 'a StreamClock ({ now, setTimer })', clock);
  const checkpoint = options.checkpoint;
  if (checkpoint !== undefined && (typeof checkpoint.load !== 'function' || typeof checkpoint.save !== 'function')) {
    throw new InvalidOptionError('checkpoint', 'a CheckpointStore ({ load, save })', checkpoint);
  }
  let kubeConfig = options.kubeConfig;
  if (kubeConfig === undefined) {
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromDefault();
  }
  if (typeof kubeConfig.getCurrentCluster !== 'function') throw new InvalidOptionError('kubeConfig', 'a KubeConfig', kubeConfig);
  return {
    kubeConfig,
    api: oneOf('api', options.api, ['core/v1', 'events.k8s.io/v1', 'auto'], 'core/v1'),
    namespace: text('namespace', options.namespace),
    labelSelector: text('labelSelector', options.labelSelector),
    fieldSelector: text('fieldSelector', options.fieldSelector),
    initialList: oneOf('initialList', options.initialList, ['list', 'streaming', 'auto'], 'list'),
    pageSize: num('pageSize', options.pageSize, DEFAULT_PAGE_SIZE, 1, true),
    timeoutSeconds: num('timeoutSeconds', options.timeoutSeconds, DEFAULT_WATCH_TIMEOUT_SECONDS, 1, true),
    idleTimeoutMs: num('idleTimeout', options.idleTimeout, DEFAULT_IDLE_TIMEOUT_MS, 0),
    resyncIntervalMs: num('resyncInterval', options.resyncInterval, 0, 0),
    maxEventAgeMs: num('maxEventAge', options.maxEventAge, 0, 0),
    backoff: options.backoff ?? {},
    bufferSize: num('bufferSize', options.bufferSize, DEFAULT_BUFFER_SIZE, 1, true),
    autoCommit: bool('autoCommit', options.autoCommit, true),
    checkpoint,
    checkpointIntervalMs: num('checkpointInterval', options.checkpointInterval, DEFAULT_CHECKPOINT_INTERVAL_MS, 0),
    stopOnAuthError: bool('stopOnAuthError', options.stopOnAuthError, false),
    clock,
    random: fn('random', options.random, Math.random),
    sleep: fn('sleep', options.sleep, sleepOn(clock)),
  };
}
