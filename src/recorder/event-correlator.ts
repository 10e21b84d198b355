/**
 * The core/v1 EventCorrelator of client-go's tools/record (events_cache.go): aggregation of
 * similar events, de-duplication into counts, and the per-object spam filter, each over an LRU
 * cache. Pure and synchronous; the recorder feeds it and writes what it decides.
 *
 * @module
 */
import { LruCache } from './lru-cache.ts';
import { TokenBucket } from './token-bucket.ts';
import type { EventNamer } from './event-name.ts';
import type { EventObjectReference } from './object-reference.ts';
import { truncateNote } from './event-content.ts';

/**
 * Settings of the core/v1 EventCorrelator; client-go's `CorrelatorOptions`, with its defaults
 * (events_cache.go).
 *
 * @example
 * ```ts
 * import { createEventRecorder } from 'kube-events/recorder';
 *
 * // Allow 100 writes per object before the spam filter steps in, refilled at one a minute.
 * const recorder = createEventRecorder({ component: 'example.com/ctl', correlator: { burstSize: 100, qps: 1 / 60 } });
 * ```
 */
export interface CorrelatorOptions {
  /**
   * Entries in each of the three LRU caches (aggregation, de-duplication, spam filter).
   * @defaultValue `4096` (client-go `maxLruCacheEntries`)
   */
  readonly lruCacheSize?: number;
  /**
   * Distinct messages of otherwise identical events within `maxIntervalInSeconds` before they are
   * combined into one event whose message starts `(combined from similar events): `.
   * @defaultValue `10` (client-go `defaultAggregateMaxEvents`)
   */
  readonly maxEvents?: number;
  /**
   * How long, in seconds, a group of similar events stays open after its last event.
   * @defaultValue `600` (client-go `defaultAggregateIntervalInSeconds`)
   */
  readonly maxIntervalInSeconds?: number;
  /**
   * Writes a source may make about one object (and event type) in a burst: the token bucket's size.
   * @defaultValue `25` (client-go `defaultSpamBurst`)
   */
  readonly burstSize?: number;
  /**
   * The token bucket's refill rate, in writes per second.
   * @defaultValue `1 / 300` — one write every five minutes (client-go `defaultSpamQPS`)
   */
  readonly qps?: number;
}

/** client-go's correlator defaults; see {@link CorrelatorOptions}. */
export const DEFAULT_CORRELATOR_OPTIONS: Readonly<Required<CorrelatorOptions>> = Object.freeze({
  lruCacheSize: 4096,
  maxEvents: 10,
  maxIntervalInSeconds: 600,
  burstSize: 25,
  qps: 1 / 300,
});

/** The prefix of an aggregated event's message (client-go `EventAggregatorByReasonMessageFunc`). */
export const AGGREGATED_MESSAGE_PREFIX = '(combined from similar events): ';

/** The reporter of a recorder's core/v1 Events. */
export interface EventSource {
  /** `source.component` and `reportingComponent`. */
  readonly component: string;
  /** `source.host` and `reportingInstance`. */
  readonly host: string;
}

/** One or more identical occurrences, as they reach the correlator. */
export interface CoreEventDraft {
  readonly involvedObject: EventObjectReference;
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  readonly action: string | undefined;
  readonly related: EventObjectReference | undefined;
  readonly annotations: Readonly<Record<string, string>> | undefined;
  /** When the first of them happened (ms). */
  readonly firstTs: number;
  /** When the last of them happened (ms). */
  readonly lastTs: number;
}

/** What the recorder knows of one core/v1 Event it writes: the local truth its writes carry. */
export interface CoreEventState {
  /** The correlator's key: the event key, or the aggregate key for a combined event. */
  readonly cacheKey: string;
  /** `metadata.name`, fixed at its first occurrence. */
  readonly name: string;
  /** `metadata.namespace`: the object's, or `default` for cluster-scoped objects. */
  readonly namespace: string;
  readonly involvedObject: EventObjectReference;
  readonly type: string;
  readonly reason: string;
  readonly action: string | undefined;
  readonly related: EventObjectReference | undefined;
  readonly annotations: Readonly<Record<string, string>> | undefined;
  /** The latest message (for a combined event, the latest prefixed message). */
  message: string;
  /** Occurrences so far. */
  count: number;
  readonly firstTimestamp: number;
  lastTimestamp: number;
  /** True once the server is known to hold it (a PATCH then updates it). */
  created: boolean;
  /** The count the server holds, as of the last successful write. */
  sentCount: number;
}

interface AggregateRecord {
  readonly localKeys: Set<string>;
  last: number;
}

function refParts(r: EventObjectReference): string {
  return `${r.kind}\u0000${r.namespace ?? ''}\u0000${r.name}\u0000${r.uid ?? ''}\u0000${r.apiVersion}`;
}

/**
 * client-go's EventCorrelator, keyed as upstream keys it:
 * - event key (`getEventKey`): source, involvedObject (kind, namespace, name, fieldPath, uid,
 *   apiVersion), type, reason, message;
 * - aggregate key (`EventAggregatorByReasonFunc`): source, involvedObject without fieldPath, type,
 *   reason, reporting controller and instance — the message is the "local key";
 * - spam key (`getSpamKey`): source, involvedObject without fieldPath, and type (the type was
 *   added by kubernetes/kubernetes#124747, so Normal events cannot starve Warnings).
 */
export class EventCorrelator {
  readonly #options: Readonly<Required<CorrelatorOptions>>;
  readonly #source: EventSource;
  readonly #namer: EventNamer;
  readonly #aggregates: LruCache<AggregateRecord>;
  readonly #log: LruCache<CoreEventState>;
  readonly #spam: LruCache<TokenBucket>;

  /**
   * @param options - Resolved options.
   * @param source - The recorder's source.
   * @param namer - Names new Events.
   */
  constructor(options: Readonly<Required<CorrelatorOptions>>, source: EventSource, namer: EventNamer) {
    this.#options = options;
    this.#source = source;
    this.#namer = namer;
    this.#aggregates = new LruCache(options.lruCacheSize);
    this.#log = new LruCache(options.lruCacheSize);
    this.#spam = new LruCache(options.lruCacheSize);
  }

  /**
   * Aggregates and de-duplicates `occurrences` identical events (client-go `EventAggregate` then
   * `eventObserve`): returns the state to write, its count already raised.
   */
  observe(draft: CoreEventDraft, occurrences: number): CoreEventState {
    const now = draft.lastTs;
    const src = `${this.#source.component}\u0000${this.#source.host}`;
    const io = draft.involvedObject;
    const eventKey = `${src}\u0000${refParts(io)}\u0000${io.fieldPath ?? ''}\u0000${draft.type}\u0000${draft.reason}\u0000${draft.message}`;
    const aggregateKey = `${src}\u0000${refParts(io)}\u0000${draft.type}\u0000${draft.reason}\u0000${this.#source.component}\u0000${this.#source.host}`;

    let record = this.#aggregates.get(aggregateKey);
    // A group closes `maxIntervalInSeconds` after its last event (Go: `interval > maxInterval`).
    if (record === undefined || now - record.last > this.#options.maxIntervalInSeconds * 1000) {
      record = { localKeys: new Set(), last: now };
    }
    record.localKeys.add(draft.message);
    record.last = now;
    this.#aggregates.set(aggregateKey, record);

    let cacheKey = eventKey;
    let message = draft.message;
    let aggregated = false;
    if (record.localKeys.size >= this.#options.maxEvents) {
      // Upstream pops an arbitrary message (Go map order); the oldest is popped here.
      const oldest = record.localKeys.values().next();
      if (oldest.done !== true) record.localKeys.delete(oldest.value);
      cacheKey = aggregateKey;
      message = truncateNote(AGGREGATED_MESSAGE_PREFIX + draft.message);
      aggregated = true;
    }

    const state = this.#log.get(cacheKey);
    if (state !== undefined) {
      state.count += occurrences;
      state.lastTimestamp = Math.max(state.lastTimestamp, draft.lastTs);
      state.message = message;
      return state;
    }
    const first = aggregated ? now : draft.firstTs;
    const fresh: CoreEventState = {
      cacheKey,
      name: this.#namer.name(io.name, first),
      namespace: io.namespace ?? 'default',
      involvedObject: io,
      type: draft.type,
      reason: draft.reason,
      action: draft.action,
      related: draft.related,
      // client-go's combined event carries no annotations; neither does this one.
      annotations: aggregated ? undefined : draft.annotations,
      message,
      count: occurrences,
      firstTimestamp: first,
      lastTimestamp: now,
      created: false,
      sentCount: 0,
    };
    this.#log.set(cacheKey, fresh);
    return fresh;
  }

  /**
   * The spam filter (`EventSourceObjectSpamFilter.Filter`, inverted): takes a token from the
   * bucket of the event's source, object and type; false when it is empty.
   */
  allow(state: CoreEventState, now: number): boolean {
    const key = `${this.#source.component}\u0000${this.#source.host}\u0000${refParts(state.involvedObject)}\u0000${state.type}`;
    let bucket = this.#spam.get(key);
    bucket ??= new TokenBucket(this.#options.qps, this.#options.burstSize, now);
    const ok = bucket.tryAccept(now);
    this.#spam.set(key, bucket);
    return ok;
  }
}
