/**
 * The options of {@link createEventRecorder}, their defaults and their validation.
 *
 * @module
 */
import { hostname } from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';
import { InvalidOptionError } from '../errors.ts';
import type { RecorderClock } from './recorder-clock.ts';
import { systemClock } from './recorder-clock.ts';
import type { CorrelatorOptions } from './event-correlator.ts';
import { DEFAULT_CORRELATOR_OPTIONS } from './event-correlator.ts';
import type { RetryPolicy } from './retry-policy.ts';
import { DEFAULT_RETRY_POLICY } from './retry-policy.ts';
import { qualifiedNameErrors } from './qualified-name.ts';
import { REPORTING_INSTANCE_MAX_BYTES } from './event-content.ts';
import type { EventApi } from './event-writers.ts';

/** Queued events before new ones are dropped (client-go `maxQueuedEvents`). */
export const DEFAULT_QUEUE_SIZE = 1000;
/** Event writes under way at once. client-go writes one at a time; a few in parallel keep a slow write from holding up the rest. */
export const DEFAULT_CONCURRENCY = 4;
/** Socket inactivity timeout of one API request, in milliseconds. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** How long `close()` waits for queued events to be written before it abandons them, in milliseconds. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 10_000;

/**
 * Options of {@link createEventRecorder}. Only `component` is required.
 *
 * @example
 * ```ts
 * import { KubeConfig } from '@kubernetes/client-node';
 * import { createEventRecorder } from 'kube-events/recorder';
 *
 * const kubeConfig = new KubeConfig();
 * kubeConfig.loadFromDefault();
 * const recorder = createEventRecorder({
 *   kubeConfig,
 *   component: 'one-pilot.example.com/webhook',
 *   api: 'core/v1',
 *   queueSize: 500,
 *   retry: { maxTries: 5 },
 * });
 * ```
 */
export interface EventRecorderOptions {
  /**
   * The reporting controller: core/v1 `source.component` and `reportingComponent`,
   * events.k8s.io/v1 `reportingController`. A qualified name, e.g. `example.com/my-operator`.
   */
  readonly component: string;
  /**
   * Whose API server and credentials to use.
   * @defaultValue a `KubeConfig` loaded with `loadFromDefault()` (KUBECONFIG, ~/.kube/config, or in-cluster)
   */
  readonly kubeConfig?: KubeConfig;
  /**
   * The reporting instance (core/v1 `source.host` and `reportingInstance`), at most 128 bytes.
   * @defaultValue `<component>-<hostname>`, cut to 128 bytes (client-go tools/events)
   */
  readonly instance?: string;
  /**
   * Which Event API to write: `core/v1` (client-go tools/record, with the EventCorrelator),
   * `events.k8s.io/v1` (tools/events, with series), or `auto`: events.k8s.io/v1 when the server
   * serves it, else core/v1 (client-go's `NewEventBroadcasterAdapter`), found out at the first write.
   * @defaultValue `'auto'`
   */
  readonly api?: EventApi | 'auto';
  /**
   * Events waiting to be correlated; when full, new ones are dropped (reason `queue-full`).
   * Identical events waiting together take one place. Also bounds the writes waiting or under way.
   * @defaultValue `1000` (client-go `maxQueuedEvents`)
   */
  readonly queueSize?: number;
  /**
   * Event writes under way at once (writes of one Event are never concurrent).
   * @defaultValue `4`
   */
  readonly concurrency?: number;
  /**
   * The core/v1 EventCorrelator's settings (aggregation, spam filter, cache size); the cache
   * size also bounds the events.k8s.io/v1 series cache.
   * @defaultValue client-go's; see {@link CorrelatorOptions}
   */
  readonly correlator?: CorrelatorOptions;
  /**
   * How failed writes are retried.
   * @defaultValue 12 tries, 1 s to 10 s apart; see {@link RetryPolicy}
   */
  readonly retry?: RetryPolicy;
  /**
   * Socket inactivity timeout of each API request, in milliseconds; a timed-out request is retried.
   * @defaultValue `30_000`
   */
  readonly requestTimeout?: number;
  /**
   * The clock for timestamps, the correlator and every timer.
   * @defaultValue {@link systemClock}
   */
  readonly clock?: RecorderClock;
  /**
   * Random numbers in [0, 1) for retry jitter.
   * @defaultValue `Math.random`
   */
  readonly random?: () => number;
}

/** Options with every default applied. */
export interface ResolvedRecorderOptions {
  readonly component: string;
  readonly kubeConfig: KubeConfig;
  readonly instance: string;
  readonly api: EventApi | 'auto';
  readonly queueSize: number;
  readonly concurrency: number;
  readonly correlator: Readonly<Required<CorrelatorOptions>>;
  readonly retry: Readonly<Required<RetryPolicy>>;
  readonly requestTimeout: number;
  readonly clock: RecorderClock;
  readonly random: () => number;
}

function integer(name: string, v: unknown, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new InvalidOptionError(name, `an integer >= ${min}`, v);
  return v;
}

function finite(name: string, v: unknown, dflt: number, min: number, max = Infinity, exclusiveMin = false): number {
  if (v === undefined) return dflt;
  const low = exclusiveMin ? `> ${min}` : `>= ${min}`;
  const range = max === Infinity ? `a finite number ${low}` : `a number ${low} and <= ${max}`;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (exclusiveMin && v === min) || v > max) throw new InvalidOptionError(name, range, v);
  return v;
}

function isObject(v: unknown): v is Partial<Record<string, unknown>> {
  return typeof v === 'object' && v !== null;
}

/** Applies defaults and validates; throws {@link InvalidOptionError} naming the first bad option. */
export function resolveRecorderOptions(options: EventRecorderOptions): ResolvedRecorderOptions {
  if (!isObject(options)) throw new InvalidOptionError('options', 'an object with at least `component`', options);
  const { component } = options;
  if (typeof component !== 'string' || component === '') throw new InvalidOptionError('component', 'a qualified name such as `example.com/my-operator`', component);
  const nameErrs = qualifiedNameErrors(component);
  if (nameErrs.length > 0) throw new InvalidOptionError('component', `a qualified name such as \`example.com/my-operator\` (${nameErrs.join('; ')})`, component);

  let instance: string;
  if (options.instance === undefined) {
    // The default must fit: cut to 128 bytes on a character boundary.
    const full = `${component}-${hostname()}`;
    instance = cutBytes(full, REPORTING_INSTANCE_MAX_BYTES);
  } else {
    const v: unknown = options.instance;
    if (typeof v !== 'string' || v === '' || Buffer.byteLength(v) > REPORTING_INSTANCE_MAX_BYTES) {
      throw new InvalidOptionError('instance', `a non-empty string of at most ${REPORTING_INSTANCE_MAX_BYTES} bytes`, v);
    }
    instance = v;
  }

  const api: unknown = options.api ?? 'auto';
  if (api !== 'core/v1' && api !== 'events.k8s.io/v1' && api !== 'auto') throw new InvalidOptionError('api', "one of 'core/v1', 'events.k8s.io/v1', 'auto'", api);

  let kubeConfig = options.kubeConfig;
  if (kubeConfig === undefined) {
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromDefault();
  } else if (!isObject(kubeConfig) || typeof (kubeConfig as Partial<Record<string, unknown>>).getCurrentCluster !== 'function') {
    throw new InvalidOptionError('kubeConfig', 'a KubeConfig from @kubernetes/client-node', kubeConfig);
  }
  if (kubeConfig.getCurrentCluster() === null) throw new InvalidOptionError('kubeConfig', 'a KubeConfig with a current context and cluster', '(no current cluster)');

  const c: Partial<Record<string, unknown>> = isObject(options.correlator) ? options.correlator : {};
  if (options.correlator !== undefined && !isObject(options.correlator)) throw new InvalidOptionError('correlator', 'an object', options.correlator);
  const d = DEFAULT_CORRELATOR_OPTIONS;
  const correlator = Object.freeze({
    lruCacheSize: integer('correlator.lruCacheSize', c.lruCacheSize, d.lruCacheSize, 1),
    maxEvents: integer('correlator.maxEvents', c.maxEvents, d.maxEvents, 1),
    maxIntervalInSeconds: finite('correlator.maxIntervalInSeconds', c.maxIntervalInSeconds, d.maxIntervalInSeconds, 0),
    burstSize: integer('correlator.burstSize', c.burstSize, d.burstSize, 1),
    qps: finite('correlator.qps', c.qps, d.qps, 0),
  });

  const r: Partial<Record<string, unknown>> = isObject(options.retry) ? options.retry : {};
  if (options.retry !== undefined && !isObject(options.retry)) throw new InvalidOptionError('retry', 'an object', options.retry);
  const dr = DEFAULT_RETRY_POLICY;
  const retry = Object.freeze({
    maxTries: integer('retry.maxTries', r.maxTries, dr.maxTries, 1),
    initialDelay: finite('retry.initialDelay', r.initialDelay, dr.initialDelay, 0),
    maxDelay: finite('retry.maxDelay', r.maxDelay, dr.maxDelay, 0),
    factor: finite('retry.factor', r.factor, dr.factor, 1),
    jitter: finite('retry.jitter', r.jitter, dr.jitter, 0, 1),
  });

  const clock = options.clock ?? systemClock;
  if (!isObject(clock) || typeof clock.now !== 'function' || typeof clock.setTimeout !== 'function' || typeof clock.clearTimeout !== 'function') {
    throw new InvalidOptionError('clock', 'an object with now(), setTimeout() and clearTimeout()', clock);
  }
  const random = options.random ?? Math.random;
  if (typeof random !== 'function') throw new InvalidOptionError('random', 'a function returning numbers in [0, 1)', random);

  return {
    component,
    kubeConfig,
    instance,
    api,
    queueSize: integer('queueSize', options.queueSize, DEFAULT_QUEUE_SIZE, 1),
    concurrency: integer('concurrency', options.concurrency, DEFAULT_CONCURRENCY, 1),
    correlator,
    retry,
    requestTimeout: finite('requestTimeout', options.requestTimeout, DEFAULT_REQUEST_TIMEOUT_MS, 0, Infinity, true),
    clock,
    random,
  };
}

/** `s` cut to at most `max` UTF-8 bytes on a character boundary. */
function cutBytes(s: string, max: number): string {
  const buf = Buffer.from(s, 'utf8');
  if (buf.length <= max) return s;
  let end = max;
  while (end > 0 && ((buf[end] ?? 0) & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}
