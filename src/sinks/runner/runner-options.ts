/**
 * The options of {@link createSinkRunner}, their defaults and their validation.
 *
 * @module
 */
import { Registry } from 'prom-client';
import { InvalidOptionError } from '../../errors.ts';
import type { KubeEvent } from '../../stream/kube-event.ts';
import { estimateEventSize, eventOrderingKey } from '../event-keys.ts';
import type { Sink } from '../sink.ts';
import { kubeEventCodec } from '../spill-codec.ts';
import type { SpillCodec } from '../spill-codec.ts';
import type { SpillFsyncPolicy } from '../spill/spill-log.ts';
import { DEFAULT_RETRY } from './retry-backoff.ts';
import type { ResolvedRetryOptions, RetryOptions } from './retry-backoff.ts';

/**
 * What the runner does with a new item when its buffer is full:
 * - `block`: `enqueue()` returns a promise that resolves once there is room (backpressure to the
 *   stream). Nothing is dropped, unless more callers wait than the buffer holds.
 * - `drop-oldest`: the oldest item not yet being sent is dropped (`buffer-full`) to make room.
 * - `drop-newest`: the new item is dropped (`buffer-full`).
 * - `spill`: the new item is appended to the spill directory, and so is every later one until the
 *   spill has been read back; spilled items are acknowledged as `spilled` and replayed in order,
 *   also by the next process that opens the directory.
 */
export type OverflowPolicy = 'block' | 'drop-oldest' | 'drop-newest' | 'spill';

/**
 * When a batch is sent: as soon as it has `maxItems` items or `maxBytes` bytes, or its oldest item
 * has waited `maxLatency` milliseconds.
 *
 * @example
 * ```ts
 * createSinkRunner(sink, { batch: { maxItems: 1_000, maxBytes: 5 * 1024 * 1024, maxLatency: 1_000 } });
 * ```
 */
export interface BatchOptions {
  /**
   * The most items in one `send()`.
   * @defaultValue `500`
   */
  readonly maxItems?: number;
  /**
   * The most bytes (by the `size` option) in one `send()`; an item larger than this is sent alone.
   * @defaultValue `1_048_576` (1 MiB)
   */
  readonly maxBytes?: number;
  /**
   * The longest an item waits for its batch to fill, in milliseconds (0 sends at once).
   * @defaultValue `100`
   */
  readonly maxLatency?: number;
}

/**
 * Where and how the `spill` overflow policy writes. The directory belongs to one runner at a time
 * (a `LOCK` file holds the owner's pid; a lock left by a killed process is taken over).
 *
 * @typeParam T - The items.
 *
 * @example
 * ```ts
 * createSinkRunner(sink, {
 *   overflow: 'spill',
 *   spill: { directory: '/var/lib/kube-events/spill/webhook', maxBytes: 2 * 1024 ** 3, fsync: 'interval' },
 * });
 * ```
 */
export interface SpillOptions<T> {
  /** The directory for segment files; created if missing. */
  readonly directory: string;
  /**
   * The most bytes the spill holds on disk; an item that does not fit is dropped (`spill-full`).
   * @defaultValue `1_073_741_824` (1 GiB)
   */
  readonly maxBytes?: number;
  /**
   * Segment files are closed and a new one started past this size; a segment is deleted once
   * every record in it has been delivered.
   * @defaultValue `67_108_864` (64 MiB)
   */
  readonly segmentBytes?: number;
  /**
   * When to `fsync`; see {@link SpillFsyncPolicy}.
   * @defaultValue `'always'`
   */
  readonly fsync?: SpillFsyncPolicy;
  /**
   * Milliseconds between `fsync`s under `fsync: 'interval'`.
   * @defaultValue `1_000`
   */
  readonly fsyncInterval?: number;
  /**
   * Bytes handed to the spill and not yet written after which `enqueue()` waits (the disk is
   * slower than the stream).
   * @defaultValue `8_388_608` (8 MiB)
   */
  readonly maxPendingBytes?: number;
  /**
   * How items become bytes and back.
   * @defaultValue {@link kubeEventCodec}
   */
  readonly codec?: SpillCodec<T>;
}

/**
 * Options of {@link createSinkRunner}. Every bound has a default; the defaults assume
 * {@link KubeEvent} items (pass `key`, `size` and `spill.codec` for other items).
 *
 * @typeParam T - The items.
 *
 * @example
 * ```ts
 * const runner = createSinkRunner(createWebhookSink({ url }), {
 *   concurrency: 2,
 *   batch: { maxItems: 100, maxLatency: 500 },
 *   overflow: 'drop-oldest',
 *   bufferSize: 50_000,
 *   retry: { maxDelay: 60_000 },
 *   registry: myRegistry,
 * });
 * ```
 */
export interface SinkRunnerOptions<T = KubeEvent> {
  /**
   * Batches in flight at once (`send()` calls running, retries waiting included).
   * @defaultValue `4`
   */
  readonly concurrency?: number;
  /** When batches are sent; see {@link BatchOptions}. */
  readonly batch?: BatchOptions;
  /**
   * The most items held in memory: waiting, being sent or waiting for a retry.
   * @defaultValue `10_000`
   */
  readonly bufferSize?: number;
  /**
   * The most bytes (by `size`) held in memory.
   * @defaultValue `33_554_432` (32 MiB)
   */
  readonly maxBufferedBytes?: number;
  /**
   * What happens to a new item when the buffer is full; see {@link OverflowPolicy}.
   * @defaultValue `'block'`
   */
  readonly overflow?: OverflowPolicy;
  /** Required with `overflow: 'spill'`, not allowed otherwise; see {@link SpillOptions}. */
  readonly spill?: SpillOptions<T>;
  /** Retry of `retryable` results; see {@link RetryOptions}. */
  readonly retry?: RetryOptions;
  /**
   * Milliseconds one `send()` may take before its signal is aborted and it counts as retryable.
   * `0` for no limit.
   * @defaultValue `30_000`
   */
  readonly sendTimeout?: number;
  /**
   * Milliseconds `close()` waits for held items to be delivered before it aborts what is in flight
   * and drops (`closed`) what is left.
   * @defaultValue `30_000`
   */
  readonly closeTimeout?: number;
  /**
   * The ordering key of an item: items of one key are sent in order and never two batches with
   * the same key at once, so a retry never lets a later item overtake. `undefined` means no order.
   * @defaultValue {@link eventOrderingKey} (the involved object)
   */
  readonly key?: (item: T) => string | undefined;
  /**
   * An item's size in bytes, for `batch.maxBytes` and `maxBufferedBytes`.
   * @defaultValue {@link estimateEventSize}
   */
  readonly size?: (item: T) => number;
  /**
   * Where the metrics go.
   * @defaultValue a new `Registry`, available as `runner.registry`
   */
  readonly registry?: Registry;
  /**
   * The clock, in milliseconds since the epoch (batching latency, send duration).
   * @defaultValue `Date.now`
   */
  readonly clock?: () => number;
  /**
   * Random numbers in [0, 1), for the retry jitter.
   * @defaultValue `Math.random`
   */
  readonly random?: () => number;
  /**
   * Waits `ms` milliseconds, rejecting early when `signal` aborts: the runner's only timer
   * (batch latency, retry delays, send timeout, close timeout, spill fsync interval).
   * @defaultValue a `setTimeout`-based sleep (so fake timers control it)
   */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Validated, defaulted settings of a runner. */
export interface RunnerSettings<T> {
  readonly concurrency: number;
  readonly maxItems: number;
  readonly maxBytes: number;
  readonly maxLatency: number;
  readonly bufferSize: number;
  readonly maxBufferedBytes: number;
  readonly overflow: OverflowPolicy;
  readonly spill:
    | {
        readonly directory: string;
        readonly maxBytes: number;
        readonly segmentBytes: number;
        readonly fsync: SpillFsyncPolicy;
        readonly fsyncInterval: number;
        readonly maxPendingBytes: number;
        readonly codec: SpillCodec<T>;
      }
    | undefined;
  readonly retry: ResolvedRetryOptions;
  readonly sendTimeout: number;
  readonly closeTimeout: number;
  readonly key: (item: T) => string | undefined;
  readonly size: (item: T) => number;
  readonly registry: Registry;
  readonly clock: () => number;
  readonly random: () => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}

const POLICIES: readonly OverflowPolicy[] = ['block', 'drop-oldest', 'drop-newest', 'spill'];
const FSYNC: readonly SpillFsyncPolicy[] = ['always', 'interval', 'never'];

/** The longest delay `setTimeout` takes (about 24.8 days). */
const MAX_TIMER = 2_147_483_647;

/**
 * The default sleep: the global `setTimeout` (which fake timers replace, unlike
 * `node:timers/promises`), cancelled by `signal` with its reason.
 */
export function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, Math.min(ms, MAX_TIMER));
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function integer(option: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidOptionError(option, `an integer >= ${min}`, value);
  }
  return value;
}

function duration(option: string, value: unknown, min: number, allowInfinity = false): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < min || (!allowInfinity && !Number.isFinite(value))) {
    throw new InvalidOptionError(option, `a ${allowInfinity ? '' : 'finite '}number >= ${min}`, value);
  }
  return value;
}

function fn<F>(option: string, value: unknown, fallback: F): F {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') throw new InvalidOptionError(option, 'a function', value);
  return value as F;
}

function oneOf<V extends string>(option: string, value: unknown, allowed: readonly V[], fallback: V): V {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidOptionError(option, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
  }
  return value as V;
}

/**
 * Checks that `sink` is a {@link Sink}.
 *
 * @throws `InvalidOptionError` (from `kube-events`) naming the missing member.
 */
export function checkSink(sink: unknown): asserts sink is Sink<unknown> {
  if (typeof sink !== 'object' || sink === null) throw new InvalidOptionError('sink', 'an object with `name` and `send`', sink);
  const { name, send, close } = sink as Record<string, unknown>;
  if (typeof name !== 'string' || name === '') throw new InvalidOptionError('sink.name', 'a non-empty string', name);
  if (typeof send !== 'function') throw new InvalidOptionError('sink.send', 'a function', send);
  if (close !== undefined && typeof close !== 'function') throw new InvalidOptionError('sink.close', 'a function or undefined', close);
}

/**
 * Validates `options` and fills in the defaults.
 *
 * @throws `InvalidOptionError` (from `kube-events`) for the first invalid option.
 */
export function resolveRunnerOptions<T>(options: SinkRunnerOptions<T> | undefined): RunnerSettings<T> {
  const o: SinkRunnerOptions<T> = options ?? {};
  if (typeof o !== 'object') throw new InvalidOptionError('options', 'an object', o);
  const concurrency = integer('concurrency', o.concurrency ?? 4, 1);
  const batch = o.batch ?? {};
  const maxItems = integer('batch.maxItems', batch.maxItems ?? 500, 1);
  const maxBytes = integer('batch.maxBytes', batch.maxBytes ?? 1_048_576, 1);
  const maxLatency = duration('batch.maxLatency', batch.maxLatency ?? 100, 0);
  const bufferSize = integer('bufferSize', o.bufferSize ?? 10_000, 1);
  if (bufferSize < maxItems) throw new InvalidOptionError('bufferSize', `an integer >= batch.maxItems (${maxItems})`, bufferSize);
  const maxBufferedBytes = integer('maxBufferedBytes', o.maxBufferedBytes ?? 33_554_432, 1);
  const overflow = oneOf('overflow', o.overflow, POLICIES, 'block');
  let spill: RunnerSettings<T>['spill'];
  if (overflow === 'spill') {
    const s = o.spill;
    if (typeof s !== 'object') throw new InvalidOptionError('spill', "an object with `directory` when overflow is 'spill'", s);
    if (typeof s.directory !== 'string' || s.directory === '') throw new InvalidOptionError('spill.directory', 'a non-empty path', s.directory);
    const spillMax = integer('spill.maxBytes', s.maxBytes ?? 1_073_741_824, 1024);
    const segmentBytes = integer('spill.segmentBytes', s.segmentBytes ?? Math.min(67_108_864, spillMax), 64);
    if (segmentBytes > spillMax) throw new InvalidOptionError('spill.segmentBytes', `an integer <= spill.maxBytes (${spillMax})`, segmentBytes);
    const codec = s.codec ?? (kubeEventCodec as unknown as SpillCodec<T>);
    if (typeof codec !== 'object' || typeof codec.encode !== 'function' || typeof codec.decode !== 'function') {
      throw new InvalidOptionError('spill.codec', 'an object with `encode` and `decode`', codec);
    }
    spill = {
      directory: s.directory,
      maxBytes: spillMax,
      segmentBytes,
      fsync: oneOf('spill.fsync', s.fsync, FSYNC, 'always'),
      fsyncInterval: duration('spill.fsyncInterval', s.fsyncInterval ?? 1_000, 1),
      maxPendingBytes: integer('spill.maxPendingBytes', s.maxPendingBytes ?? 8_388_608, 1),
      codec,
    };
  } else if (o.spill !== undefined) {
    throw new InvalidOptionError('spill', `absent unless overflow is 'spill' (overflow is '${overflow}')`, o.spill);
  }
  const r = o.retry ?? {};
  const retry: ResolvedRetryOptions = {
    initialDelay: duration('retry.initialDelay', r.initialDelay ?? DEFAULT_RETRY.initialDelay, 0),
    maxDelay: duration('retry.maxDelay', r.maxDelay ?? DEFAULT_RETRY.maxDelay, 0),
    factor: duration('retry.factor', r.factor ?? DEFAULT_RETRY.factor, 1),
    jitter: duration('retry.jitter', r.jitter ?? DEFAULT_RETRY.jitter, 0),
    maxAttempts: (r.maxAttempts ?? DEFAULT_RETRY.maxAttempts) === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : integer('retry.maxAttempts', r.maxAttempts, 1),
    maxRetryAfter: duration('retry.maxRetryAfter', r.maxRetryAfter ?? DEFAULT_RETRY.maxRetryAfter, 0),
  };
  const registry = o.registry ?? new Registry();
  if (!(registry instanceof Registry)) throw new InvalidOptionError('registry', 'a prom-client Registry', registry);
  return {
    concurrency,
    maxItems,
    maxBytes,
    maxLatency,
    bufferSize,
    maxBufferedBytes,
    overflow,
    spill,
    retry,
    sendTimeout: duration('sendTimeout', o.sendTimeout ?? 30_000, 0),
    closeTimeout: duration('closeTimeout', o.closeTimeout ?? 30_000, 0),
    key: fn('key', o.key, eventOrderingKey as unknown as (item: T) => string | undefined),
    size: fn('size', o.size, estimateEventSize as unknown as (item: T) => number),
    registry,
    clock: fn('clock', o.clock, Date.now),
    random: fn('random', o.random, Math.random),
    sleep: fn('sleep', o.sleep, defaultSleep),
  };
}
