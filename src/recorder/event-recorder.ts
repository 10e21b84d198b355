/**
 * `createEventRecorder()`: Kubernetes Events the way client-go records them. A call returns at
 * once; the event goes through a bounded queue (identical waiting events coalesce), the
 * correlator of the chosen API, and a writer with retries — each stage bounded, each drop counted
 * and reported.
 *
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import type { KubeEventsError } from '../errors.ts';
import type { EventObject, EventObjectReference } from './object-reference.ts';
import { referenceKey, referenceOf, stillReferences } from './object-reference.ts';
import type { EventType } from './event-content.ts';
import { truncateNote, validateEventContent } from './event-content.ts';
import { EventValidationError, EventForbiddenError, EventRejectedError, EventWriteFailedError, KubeApiError } from './recorder-errors.ts';
import type { RecorderPolicyRule } from './recorder-errors.ts';
import type { EventRecorderOptions, ResolvedRecorderOptions } from './recorder-options.ts';
import { DEFAULT_CLOSE_TIMEOUT_MS, resolveRecorderOptions } from './recorder-options.ts';
import { KubeApiClient } from './kube-api-client.ts';
import type { ApiResponse } from './kube-api-client.ts';
import { EventNamer } from './event-name.ts';
import { EventCorrelator } from './event-correlator.ts';
import type { CoreEventState, EventSource } from './event-correlator.ts';
import { SERIES_FINISH_AFTER_MS, SERIES_REFRESH_INTERVAL_MS, SeriesCache, seriesCount, seriesDirty } from './event-series.ts';
import type { SeriesEventState } from './event-series.ts';
import { CoreV1Writer, EventsV1Writer } from './event-writers.ts';
import type { EventApi, WriteOutcome } from './event-writers.ts';
import { retryDelay } from './retry-policy.ts';
import type { RecorderTimer } from './recorder-clock.ts';

/**
 * What else an Event may carry.
 *
 * @example
 * ```ts
 * recorder.warning(deployment, 'OnePilotFail', 'could not inject the sidecar', {
 *   action: 'InjectSidecar',
 *   related: pod,
 *   annotations: { 'one-pilot.example.com/attempt': '3' },
 * });
 * ```
 */
export interface EventExtra {
  /**
   * What was done or failed, e.g. `InjectSidecar` (≤ 128 bytes). events.k8s.io/v1 requires one:
   * when absent there, the reason is used.
   */
  readonly action?: string | undefined;
  /** A second object the event is about (events.k8s.io/v1 `related`, core/v1 `related`). */
  readonly related?: EventObject | undefined;
  /** Annotations of the Event object (client-go `AnnotatedEventf`). */
  readonly annotations?: Readonly<Record<string, string>> | undefined;
}

/**
 * Why events were dropped instead of written.
 *
 * @example
 * ```ts
 * recorder.on('dropped', (d) => {
 *   if (d.reason === 'spam-filtered') metrics.spamFiltered.inc(d.occurrences);
 * });
 * ```
 */
export type DropReason =
  /** The queue was full (`queueSize`). */
  | 'queue-full'
  /** The core/v1 spam filter's token bucket for this object and type was empty. */
  | 'spam-filtered'
  /** The API server answered 422 Invalid. */
  | 'invalid'
  /** The API server answered 403 Forbidden: the recorder lacks RBAC. */
  | 'forbidden'
  /** The API server refused the write for another reason (e.g. 404: no such namespace). */
  | 'rejected'
  /** Still failing after the retry policy's last try. */
  | 'failed'
  /** Recorded after `close()`, or abandoned when its timeout ran out. */
  | 'closed';

/** Payload of the `sent` event: one successful write. */
export interface SentEventInfo {
  /** The API written to. */
  readonly api: EventApi;
  /** `create` (POST) or `patch` (PATCH of count or series). */
  readonly verb: 'create' | 'patch';
  /** The Event as the server answered it. */
  readonly event: Readonly<Record<string, unknown>>;
  /** Occurrences this write added to what the server held (0 for a series refresh). */
  readonly occurrences: number;
}

/** Payload of the `dropped` event. */
export interface DroppedEventInfo {
  /** Why. */
  readonly reason: DropReason;
  /** The object the event was about. */
  readonly object: EventObjectReference;
  /** `Normal` or `Warning`. */
  readonly type: string;
  /** The event's reason, e.g. `OnePilotFail`. */
  readonly eventReason: string;
  /** The event's message (note). */
  readonly message: string;
  /** How many occurrences (calls) were dropped. */
  readonly occurrences: number;
  /** The error, for `invalid`, `forbidden`, `rejected` and `failed`. */
  readonly error?: KubeEventsError;
}

/**
 * The typed events of an {@link EventRecorder}.
 *
 * @example
 * ```ts
 * recorder.on('sent', ({ verb, event, occurrences }) => log.debug(verb, event.metadata, occurrences));
 * recorder.on('dropped', ({ reason, eventReason, occurrences }) => log.warn(`dropped ${occurrences} × ${eventReason}: ${reason}`));
 * recorder.on('error', (err) => log.error(err.code, err.message));
 * ```
 */
export interface EventRecorderEvents {
  /** An Event was created or patched. */
  sent: [info: SentEventInfo];
  /** Occurrences were dropped; see {@link DropReason}. */
  dropped: [info: DroppedEventInfo];
  /**
   * A write failed for good: {@link EventValidationError} (422), {@link EventForbiddenError}
   * (403, once per verb and API), {@link EventRejectedError} or {@link EventWriteFailedError}.
   */
  error: [error: KubeEventsError];
}

/**
 * Counters of an {@link EventRecorder}, read at any time.
 *
 * @example
 * ```ts
 * const { recorded, apiCalls, dropped } = recorder.stats;
 * console.log(`${recorded} events in ${apiCalls} API calls; ${dropped['queue-full']} dropped (queue full)`);
 * ```
 */
export interface EventRecorderStats {
  /** Calls accepted (each is one occurrence). */
  readonly recorded: number;
  /** Of those, calls merged into an identical event already waiting in the queue. */
  readonly coalesced: number;
  /** Successful writes (each one API call). */
  readonly written: number;
  /** HTTP requests sent: writes, retries, failures and API discovery. */
  readonly apiCalls: number;
  /** Retries after failed tries. */
  readonly retries: number;
  /** core/v1 creates answered 409 AlreadyExists, skipped as client-go does. */
  readonly skipped: number;
  /** Occurrences dropped, by reason. */
  readonly dropped: Readonly<Record<DropReason, number>>;
  /** Events waiting in the queue now. */
  readonly queued: number;
  /** Events with a write waiting or under way now. */
  readonly pendingWrites: number;
  /** The API in use; undefined while `auto` has not found out yet. */
  readonly api: EventApi | undefined;
}

/** Options of {@link EventRecorder.close}. */
export interface CloseOptions {
  /**
   * How long to wait for queued events to be written, in milliseconds (on the recorder's clock);
   * then writes under way are aborted and the rest dropped (reason `closed`).
   * @defaultValue `10_000`
   */
  readonly timeout?: number;
}

/**
 * Records Kubernetes Events, as client-go's `EventRecorder`. Every method returns at once; writes
 * happen in the background and their failures are reported through the typed events (`sent`,
 * `dropped`, `error`) and {@link EventRecorder.stats}, never thrown. What is thrown at the call is
 * a mistake in the arguments: {@link InvalidEventObjectError} for an object without
 * apiVersion/kind/name, {@link EventValidationError} for a bad type, reason or action.
 *
 * @example
 * ```ts
 * recorder.warning(deployment, 'OnePilotFail', `could not inject the sidecar: ${err.message}`);
 * recorder.on('error', (e) => log.warn(e.code, e.message));
 * await recorder.close();
 * ```
 */
export interface EventRecorder extends EventEmitter<EventRecorderEvents> {
  /** Records a `Normal` event about `obj`. */
  normal(obj: EventObject, reason: string, message: string, extra?: EventExtra): void;
  /** Records a `Warning` event about `obj`. */
  warning(obj: EventObject, reason: string, message: string, extra?: EventExtra): void;
  /** Records an event of `type` about `obj`. */
  event(obj: EventObject, type: EventType, reason: string, message: string, extra?: EventExtra): void;
  /**
   * Resolves when everything recorded before the call is written or finally dropped (including,
   * for events.k8s.io/v1, series counts not yet written). Never rejects.
   */
  flush(): Promise<void>;
  /**
   * Stops recording (later calls are dropped with reason `closed`), writes what is queued within
   * `timeout`, then aborts the rest, and leaves no timer or socket behind. Never rejects.
   */
  close(options?: CloseOptions): Promise<void>;
  /** A snapshot of the counters. */
  readonly stats: EventRecorderStats;
}

interface QueuedEvent {
  readonly key: string;
  /** The object of the latest call merged here, and its raw arguments: the fast path compares them. */
  obj: EventObject;
  readonly extra: EventExtra | undefined;
  readonly rawMessage: string;
  /** False once drained. */
  queued: boolean;
  readonly ref: EventObjectReference;
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  readonly action: string | undefined;
  readonly related: EventObjectReference | undefined;
  readonly annotations: Readonly<Record<string, string>> | undefined;
  count: number;
  readonly firstTs: number;
  lastTs: number;
  readonly epoch: number;
}

type SlotState = { readonly api: 'core/v1'; readonly state: CoreEventState } | { readonly api: 'events.k8s.io/v1'; readonly state: SeriesEventState };

/** The writes of one Event: the round under way (or waiting for a place) and at most one more. */
interface WriteSlot {
  readonly target: SlotState;
  /** Epoch of the round under way or waiting to start. */
  current: number;
  /** True once the current round has started sending. */
  started: boolean;
  /** Epoch of the round requested while the current one is under way. */
  next: number | undefined;
  /** events.k8s.io/v1: forget the series once this round is done. */
  finish: boolean;
  /** The next round must be sent even if nothing new was counted (a series refresh). */
  forceNext: boolean;
}

interface Sleep {
  readonly timer: RecorderTimer;
  readonly wake: () => void;
}

const DROP_REASONS: readonly DropReason[] = ['queue-full', 'spam-filtered', 'invalid', 'forbidden', 'rejected', 'failed', 'closed'];

function ruleFor(api: EventApi): RecorderPolicyRule {
  return { apiGroups: [api === 'core/v1' ? '' : 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] };
}

function namespaceTerminating(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const details = (body as Partial<Record<string, unknown>>).details;
  if (typeof details !== 'object' || details === null) return false;
  const causes = (details as Partial<Record<string, unknown>>).causes;
  return Array.isArray(causes) && causes.some((c: unknown) => typeof c === 'object' && c !== null && (c as Partial<Record<string, unknown>>).reason === 'NamespaceTerminating');
}

function firstCauseField(body: unknown): string {
  if (typeof body !== 'object' || body === null) return '';
  const details = (body as Partial<Record<string, unknown>>).details;
  if (typeof details !== 'object' || details === null) return '';
  const causes = (details as Partial<Record<string, unknown>>).causes;
  if (!Array.isArray(causes)) return '';
  for (const c of causes as unknown[]) {
    if (typeof c === 'object' && c !== null) {
      const field = (c as Partial<Record<string, unknown>>).field;
      if (typeof field === 'string' && field !== '') return field;
    }
  }
  return '';
}

class Recorder extends EventEmitter<EventRecorderEvents> implements EventRecorder {
  readonly #o: ResolvedRecorderOptions;
  readonly #client: KubeApiClient;
  readonly #source: EventSource;
  readonly #namer = new EventNamer();

  // The queue: FIFO of distinct events, with identical ones merged while they wait.
  #queue: (QueuedEvent | undefined)[] = [];
  #head = 0;
  readonly #waiting = new Map<string, QueuedEvent>();
  #last: QueuedEvent | undefined;
  #drainImmediate: NodeJS.Immediate | undefined;

  // The API in use and its correlator and writer.
  #api: EventApi | undefined;
  #discovering = false;
  #draining = false;
  #correlator: EventCorrelator | undefined;
  #series: SeriesCache | undefined;
  #coreWriter: CoreV1Writer | undefined;
  #v1Writer: EventsV1Writer | undefined;

  // Writes.
  readonly #slots = new Map<CoreEventState | SeriesEventState, WriteSlot>();
  #ready: WriteSlot[] = [];
  #running = 0;

  // flush(): every unit of work (queued event, write round) holds the epoch it started in.
  #epoch = 0;
  readonly #live = new Map<number, number>();
  #waiters: { target: number; resolve: () => void }[] = [];

  // Lifecycle.
  #closed = false;
  #abandoned = false;
  #closing: Promise<void> | undefined;
  readonly #sleeps = new Set<Sleep>();
  #refreshTimer: RecorderTimer | undefined;
  #finishTimer: RecorderTimer | undefined;
  readonly #forbiddenReported = new Set<string>();

  readonly #stats = { recorded: 0, coalesced: 0, written: 0, retries: 0, skipped: 0 };
  readonly #dropped: Record<DropReason, number> = { 'queue-full': 0, 'spam-filtered': 0, invalid: 0, forbidden: 0, rejected: 0, failed: 0, closed: 0 };

  constructor(o: ResolvedRecorderOptions) {
    super();
    this.#o = o;
    this.#client = new KubeApiClient(o.kubeConfig, o.requestTimeout);
    this.#source = { component: o.component, host: o.instance };
    if (o.api !== 'auto') this.#useApi(o.api);
  }

  // ---------------------------------------------------------------------------------------------
  // Recording (the hot path)
  // ---------------------------------------------------------------------------------------------

  normal(obj: EventObject, reason: string, message: string, extra?: EventExtra): void {
    this.#record(obj, 'Normal', reason, message, extra);
  }

  warning(obj: EventObject, reason: string, message: string, extra?: EventExtra): void {
    this.#record(obj, 'Warning', reason, message, extra);
  }

  event(obj: EventObject, type: EventType, reason: string, message: string, extra?: EventExtra): void {
    this.#record(obj, type, reason, message, extra);
  }

  #record(obj: EventObject, type: string, reason: string, message: string, extra: EventExtra | undefined): void {
    // The common burst — the same call again while its event waits — merges without building a key.
    const last = this.#last;
    if (
      last !== undefined &&
      last.obj === obj &&
      last.queued &&
      extra === undefined &&
      last.extra === undefined &&
      last.type === type &&
      last.reason === reason &&
      last.rawMessage === message &&
      !this.#closed &&
      stillReferences(obj, last.ref)
    ) {
      last.count++;
      last.lastTs = this.#o.clock.now();
      this.#stats.recorded++;
      this.#stats.coalesced++;
      return;
    }
    const ref = referenceOf(obj);
    if (typeof message !== 'string') throw new EventValidationError('message', `Expected \`message\` to be a string, got \`${String(message)}\` (${typeof message})`);
    let key = `${referenceKey(ref)}\u0000${type}\u0000${reason}\u0000${message}`;
    let related: EventObjectReference | undefined;
    if (extra !== undefined) {
      related = extra.related === undefined ? undefined : referenceOf(extra.related, 'related');
      key += `\u0001${extra.action ?? ''}\u0000${related === undefined ? '' : referenceKey(related)}\u0000${extra.annotations === undefined ? '' : JSON.stringify(extra.annotations)}`;
    }
    const now = this.#o.clock.now();
    const waiting = this.#waiting.get(key);
    if (waiting !== undefined && !this.#closed) {
      waiting.count++;
      waiting.lastTs = now;
      this.#stats.recorded++;
      this.#stats.coalesced++;
      if (extra === undefined) {
        waiting.obj = obj;
        this.#last = waiting;
      }
      return;
    }
    validateEventContent(type, reason, extra?.action);
    const note = truncateNote(message);
    if (this.#closed) {
      this.#drop('closed', ref, type, reason, note, 1, undefined);
      return;
    }
    if (this.#waiting.size >= this.#o.queueSize) {
      this.#drop('queue-full', ref, type, reason, note, 1, undefined);
      return;
    }
    const entry: QueuedEvent = {
      key,
      obj,
      queued: true,
      extra,
      rawMessage: message,
      ref,
      type,
      reason,
      message: note,
      action: extra?.action,
      related,
      annotations: extra?.annotations === undefined ? undefined : { ...extra.annotations },
      count: 1,
      firstTs: now,
      lastTs: now,
      epoch: this.#epoch,
    };
    this.#stats.recorded++;
    this.#hold(entry.epoch);
    this.#queue.push(entry);
    this.#waiting.set(key, entry);
    this.#last = entry;
    this.#drainImmediate ??= setImmediate(() => {
      this.#drainImmediate = undefined;
      this.#drain();
    });
  }

  #drop(reason: DropReason, object: EventObjectReference, type: string, eventReason: string, message: string, occurrences: number, error: KubeEventsError | undefined): void {
    this.#dropped[reason] += occurrences;
    if (this.listenerCount('dropped') > 0) {
      this.emit('dropped', error === undefined ? { reason, object, type, eventReason, message, occurrences } : { reason, object, type, eventReason, message, occurrences, error });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Draining the queue into the correlator
  // ---------------------------------------------------------------------------------------------

  #useApi(api: EventApi): void {
    this.#api = api;
    if (api === 'core/v1') {
      this.#correlator = new EventCorrelator(this.#o.correlator, this.#source, this.#namer);
      this.#coreWriter = new CoreV1Writer(this.#client, this.#source);
    } else {
      this.#series = new SeriesCache(this.#o.correlator.lruCacheSize, this.#namer);
      this.#v1Writer = new EventsV1Writer(this.#client, this.#source);
    }
  }

  #drain(): void {
    if (this.#api === undefined) {
      if (!this.#discovering) {
        this.#discovering = true;
        void this.#discover();
      }
      return;
    }
    // Listeners run inside (a `dropped` handler may call flush()): never drain re-entrantly.
    if (this.#draining) return;
    this.#draining = true;
    try {
      this.#drainQueue();
    } finally {
      this.#draining = false;
    }
  }

  #drainQueue(): void {
    while (this.#head < this.#queue.length) {
      if (!this.#abandoned && this.#slots.size >= this.#o.queueSize) break; // writes are the bottleneck: wait
      const entry = this.#queue[this.#head];
      this.#queue[this.#head] = undefined;
      this.#head++;
      if (entry === undefined) continue;
      this.#waiting.delete(entry.key);
      entry.queued = false;
      if (this.#abandoned) this.#drop('closed', entry.ref, entry.type, entry.reason, entry.message, entry.count, undefined);
      else this.#correlate(entry);
      this.#release(entry.epoch);
    }
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > 1024) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  #correlate(entry: QueuedEvent): void {
    if (this.#correlator !== undefined) {
      const correlator = this.#correlator;
      const state = correlator.observe(
        {
          involvedObject: entry.ref,
          type: entry.type,
          reason: entry.reason,
          message: entry.message,
          action: entry.action,
          related: entry.related,
          annotations: entry.annotations,
          firstTs: entry.firstTs,
          lastTs: entry.lastTs,
        },
        entry.count,
      );
      const ok = this.#requestRound({ api: 'core/v1', state }, entry.epoch, () => correlator.allow(state, entry.lastTs));
      if (!ok) this.#drop('spam-filtered', entry.ref, entry.type, entry.reason, entry.message, entry.count, undefined);
      return;
    }
    const series = this.#series;
    if (series === undefined) return;
    const { state, write } = series.observe(
      {
        regarding: entry.ref,
        related: entry.related,
        type: entry.type,
        reason: entry.reason,
        action: entry.action ?? entry.reason,
        note: entry.message,
        annotations: entry.annotations,
        firstTs: entry.firstTs,
        lastTs: entry.lastTs,
      },
      entry.count,
    );
    this.#startSeriesTimers();
    if (write) this.#requestRound({ api: 'events.k8s.io/v1', state }, entry.epoch, undefined);
  }

  async #discover(): Promise<void> {
    // client-go's NewEventBroadcasterAdapter: events.k8s.io/v1 when the server has it.
    let api: EventApi = 'core/v1';
    for (let tries = 1; !this.#abandoned; tries++) {
      let res: ApiResponse | undefined;
      let error: KubeApiError | undefined;
      try {
        res = await this.#client.request('GET', '/apis/events.k8s.io/v1');
      } catch (err) {
        error = err instanceof KubeApiError ? err : new KubeApiError(0, 'NetworkError', String(err), { cause: err });
      }
      if (res !== undefined && res.status === 200) api = 'events.k8s.io/v1';
      const retryable = error !== undefined || (res !== undefined && (res.status === 429 || res.status >= 500));
      if (!retryable || tries >= this.#o.retry.maxTries) break;
      this.#stats.retries++;
      await this.#sleep(retryDelay(this.#o.retry, tries, this.#o.random(), error?.retryAfterMs ?? res?.retryAfterMs));
    }
    this.#useApi(api);
    this.#drain();
  }

  // ---------------------------------------------------------------------------------------------
  // Write rounds
  // ---------------------------------------------------------------------------------------------

  /**
   * Asks for a write of `target` that covers work of `epoch`. Merges into a round that has not
   * started sending (no new API call, so no token); otherwise takes a token through `admit`
   * (false: the spam filter refused) and schedules a round.
   */
  #requestRound(target: SlotState, epoch: number, admit: (() => boolean) | undefined, force = false): boolean {
    const slot = this.#slots.get(target.state);
    if (slot !== undefined && !slot.started) {
      slot.current = this.#lower(slot.current, epoch);
      return true;
    }
    if (slot?.next !== undefined) {
      slot.next = this.#lower(slot.next, epoch);
      slot.forceNext ||= force;
      return true;
    }
    if (admit !== undefined && !admit()) return false;
    this.#hold(epoch);
    if (slot === undefined) {
      const fresh: WriteSlot = { target, current: epoch, started: false, next: undefined, finish: false, forceNext: false };
      this.#slots.set(target.state, fresh);
      this.#ready.push(fresh);
      this.#pump();
    } else {
      slot.next = epoch;
      slot.forceNext = force;
    }
    return true;
  }

  #pump(): void {
    while (this.#running < this.#o.concurrency && this.#ready.length > 0) {
      const slot = this.#ready.shift();
      if (slot === undefined) break;
      this.#running++;
      void this.#runRound(slot);
    }
  }

  async #runRound(slot: WriteSlot): Promise<void> {
    slot.started = true;
    const t = slot.target;
    for (let tries = 1; ; tries++) {
      if (this.#abandoned) {
        this.#dropRound(t, 'closed', undefined);
        break;
      }
      let outcome: WriteOutcome;
      try {
        if (t.api === 'core/v1') {
          const w = this.#coreWriter;
          outcome = w === undefined ? { kind: 'skipped' } : await w.write(t.state);
        } else {
          const w = this.#v1Writer;
          outcome = w === undefined ? { kind: 'skipped' } : await w.write(t.state);
        }
      } catch (err) {
        const error = err instanceof KubeApiError ? err : new KubeApiError(0, 'NetworkError', String(err), { cause: err });
        outcome = { kind: 'failed', verb: 'create', error, conflict: false };
      }
      if (outcome.kind === 'written') {
        this.#stats.written++;
        if (this.listenerCount('sent') > 0) this.emit('sent', { api: t.api, verb: outcome.verb, event: outcome.object, occurrences: outcome.occurrences });
        break;
      }
      if (outcome.kind === 'skipped') {
        this.#stats.skipped++;
        break;
      }
      const { error, verb } = outcome;
      if (this.#isAbandoned()) {
        this.#dropRound(t, 'closed', undefined);
        break;
      }
      if (outcome.conflict || error.retryable) {
        if (tries >= this.#o.retry.maxTries) {
          this.#fail(t, 'failed', new EventWriteFailedError(tries, error.message, { cause: error }));
          break;
        }
        this.#stats.retries++;
        await this.#sleep(retryDelay(this.#o.retry, tries, this.#o.random(), error.retryAfterMs));
        continue;
      }
      this.#settleRefused(t, verb, error);
      break;
    }
    this.#endRound(slot);
  }

  #settleRefused(t: SlotState, verb: 'create' | 'patch', error: KubeApiError): void {
    if (error.statusCode === 422) {
      const field = firstCauseField(error.body);
      this.#fail(t, 'invalid', new EventValidationError(field, `The API server refused the Event: ${error.message}`, { cause: error, statusCode: 422 }));
    } else if (error.statusCode === 403 && namespaceTerminating(error.body)) {
      // client-go drops these quietly (logged at V(5)): the namespace is going away.
      this.#dropRound(t, 'rejected', new EventRejectedError(403, error.message, { cause: error }));
    } else if (error.statusCode === 403) {
      const err = new EventForbiddenError(verb, t.state.namespace, ruleFor(t.api), error.message, { cause: error });
      const once = `${t.api} ${verb}`;
      this.#dropRound(t, 'forbidden', err);
      if (!this.#forbiddenReported.has(once)) {
        this.#forbiddenReported.add(once);
        this.emit('error', err);
      }
    } else {
      this.#fail(t, 'rejected', new EventRejectedError(error.statusCode, error.message, { cause: error }));
    }
  }

  #fail(t: SlotState, reason: DropReason, error: KubeEventsError): void {
    this.#dropRound(t, reason, error);
    this.emit('error', error);
  }

  /** Drops what a round would have added; the count stays local and goes with the next write. */
  #dropRound(t: SlotState, reason: DropReason, error: KubeEventsError | undefined): void {
    if (t.api === 'core/v1') {
      const s = t.state;
      const n = Math.max(0, s.count - s.sentCount);
      s.sentCount = s.count;
      this.#drop(reason, s.involvedObject, s.type, s.reason, s.message, n, error);
    } else {
      const s = t.state;
      const n = Math.max(0, seriesCount(s) - s.sentCount);
      s.sentCount = seriesCount(s);
      this.#drop(reason, s.regarding, s.type, s.reason, s.note, n, error);
    }
  }

  #endRound(slot: WriteSlot): void {
    this.#running--;
    const done = slot.current;
    if (slot.next !== undefined && !slot.forceNext && !this.#unwritten(slot.target)) {
      // The round just done (a retry sends the latest state) already carried what the next was for.
      this.#release(slot.next);
      slot.next = undefined;
    }
    if (slot.next !== undefined) {
      slot.current = slot.next;
      slot.next = undefined;
      slot.forceNext = false;
      slot.started = false;
      this.#ready.push(slot);
    } else {
      this.#slots.delete(slot.target.state);
      if (slot.finish && slot.target.api === 'events.k8s.io/v1') this.#series?.delete(slot.target.state);
    }
    this.#pump();
    if (this.#head < this.#queue.length) this.#drain();
    this.#release(done);
  }

  /** True when the local state counts occurrences the server has not been sent. */
  #unwritten(t: SlotState): boolean {
    return t.api === 'core/v1' ? t.state.count > t.state.sentCount : seriesCount(t.state) > t.state.sentCount;
  }

  /** Read through a method: `close()` may set it while a round awaits. */
  #isAbandoned(): boolean {
    return this.#abandoned;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.#abandoned) {
        resolve();
        return;
      }
      const sleep: Sleep = {
        timer: this.#o.clock.setTimeout(() => {
          this.#sleeps.delete(sleep);
          resolve();
        }, ms),
        wake: () => {
          this.#o.clock.clearTimeout(sleep.timer);
          resolve();
        },
      };
      this.#sleeps.add(sleep);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // events.k8s.io/v1 series upkeep
  // ---------------------------------------------------------------------------------------------

  #startSeriesTimers(): void {
    if (this.#refreshTimer !== undefined || this.#closed) return;
    const arm = (ms: number, run: () => void): RecorderTimer => {
      const timer = this.#o.clock.setTimeout(run, ms);
      // Background upkeep must not keep the process alive.
      timer.unref?.();
      return timer;
    };
    const refresh = (): void => {
      this.#refreshTimer = arm(SERIES_REFRESH_INTERVAL_MS, refresh);
      this.#refreshSeries();
    };
    const finish = (): void => {
      this.#finishTimer = arm(SERIES_FINISH_AFTER_MS, finish);
      this.#finishSeries();
    };
    this.#refreshTimer = arm(SERIES_REFRESH_INTERVAL_MS, refresh);
    this.#finishTimer = arm(SERIES_FINISH_AFTER_MS, finish);
  }

  /** client-go `refreshExistingEventSeries`: re-writes every series, so that it does not expire. */
  #refreshSeries(): void {
    for (const state of this.#series?.all() ?? []) {
      if (state.series !== undefined) this.#requestRound({ api: 'events.k8s.io/v1', state }, this.#epoch, undefined, true);
    }
  }

  /**
   * client-go `finishSeries`: a series idle for 6 minutes gets its final count written and is
   * forgotten; a singleton that old is forgotten. Upstream writes the final count even when it
   * was written already; here only a count not yet written is.
   */
  #finishSeries(): void {
    const series = this.#series;
    if (series === undefined) return;
    const now = this.#o.clock.now();
    for (const state of series.all()) {
      if (this.#slots.has(state)) continue;
      if (state.series !== undefined) {
        if (now - state.series.lastObservedTime <= SERIES_FINISH_AFTER_MS) continue;
        if (seriesDirty(state)) {
          this.#requestRound({ api: 'events.k8s.io/v1', state }, this.#epoch, undefined);
          const slot = this.#slots.get(state);
          if (slot !== undefined) slot.finish = true;
        } else series.delete(state);
      } else if (now - state.eventTime > SERIES_FINISH_AFTER_MS) series.delete(state);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // flush / close
  // ---------------------------------------------------------------------------------------------

  #hold(epoch: number): void {
    this.#live.set(epoch, (this.#live.get(epoch) ?? 0) + 1);
  }

  #release(epoch: number): void {
    const n = (this.#live.get(epoch) ?? 0) - 1;
    if (n > 0) this.#live.set(epoch, n);
    else this.#live.delete(epoch);
    if (this.#waiters.length > 0) this.#wakeWaiters();
  }

  /** The earlier of two epochs, moving the hold. */
  #lower(held: number, epoch: number): number {
    if (epoch >= held) return held;
    this.#hold(epoch);
    this.#release(held);
    return epoch;
  }

  #oldestLive(): number {
    let min = Infinity;
    for (const e of this.#live.keys()) if (e < min) min = e;
    return min;
  }

  #wakeWaiters(): void {
    const oldest = this.#oldestLive();
    const still: { target: number; resolve: () => void }[] = [];
    for (const w of this.#waiters) {
      if (oldest > w.target) w.resolve();
      else still.push(w);
    }
    this.#waiters = still;
  }

  flush(): Promise<void> {
    if (this.#drainImmediate !== undefined) {
      clearImmediate(this.#drainImmediate);
      this.#drainImmediate = undefined;
    }
    this.#drain();
    // Series counts are written at their refresh or finish; flush() writes them now.
    for (const state of this.#series?.all() ?? []) {
      if (seriesDirty(state)) this.#requestRound({ api: 'events.k8s.io/v1', state }, this.#epoch, undefined);
    }
    const target = this.#epoch++;
    if (this.#oldestLive() > target) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ target, resolve }));
  }

  close(options: CloseOptions = {}): Promise<void> {
    this.#closing ??= this.#close(options.timeout ?? DEFAULT_CLOSE_TIMEOUT_MS);
    return this.#closing;
  }

  async #close(timeout: number): Promise<void> {
    this.#closed = true;
    const flushed = this.flush();
    let timer: RecorderTimer | undefined;
    const timedOut = await Promise.race([
      flushed.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = this.#o.clock.setTimeout(() => {
          resolve(true);
        }, Math.max(0, timeout));
      }),
    ]);
    if (timer !== undefined) this.#o.clock.clearTimeout(timer);
    if (timedOut) {
      this.#abandoned = true;
      this.#client.close();
      for (const s of [...this.#sleeps]) s.wake();
      this.#sleeps.clear();
      this.#drain();
      await flushed;
    }
    if (this.#drainImmediate !== undefined) clearImmediate(this.#drainImmediate);
    this.#drainImmediate = undefined;
    if (this.#refreshTimer !== undefined) this.#o.clock.clearTimeout(this.#refreshTimer);
    if (this.#finishTimer !== undefined) this.#o.clock.clearTimeout(this.#finishTimer);
    this.#refreshTimer = undefined;
    this.#finishTimer = undefined;
    this.#client.close();
  }

  get stats(): EventRecorderStats {
    const dropped = {} as Record<DropReason, number>;
    for (const r of DROP_REASONS) dropped[r] = this.#dropped[r];
    return {
      ...this.#stats,
      apiCalls: this.#client.requests,
      dropped,
      queued: this.#waiting.size,
      pendingWrites: this.#slots.size,
      api: this.#api,
    };
  }
}

/**
 * Creates an {@link EventRecorder}: client-go's event recording for TypeScript.
 *
 * - **core/v1** (client-go `tools/record`): names `<object>.<hex unix nanos>`; the Event goes to
 *   the object's namespace (`default` for cluster-scoped objects); the EventCorrelator combines
 *   10 similar events (same object, type and reason, different messages) within 10 minutes into
 *   one `(combined from similar events): …`, turns repeats into a strategic-merge PATCH of
 *   `count`, `lastTimestamp` and `message` (a 404 re-creates it), and lets a source write at most
 *   25 times about one object and type, then once per 5 minutes (further repeats are counted and
 *   go with the next write).
 * - **events.k8s.io/v1** (client-go `tools/events`): the first occurrence is created; the second
 *   patches `series: {count: 2, lastObservedTime}`; later ones are counted locally and written
 *   every 30 minutes, 6 minutes after the last one, and on `flush()`/`close()`.
 * - Identical events that are still waiting merge into one write, so a burst costs a few API
 *   calls and still leaves the exact count on the server.
 * - Writes are retried on network errors, 5xx and 429 (honouring `Retry-After`), 12 tries by
 *   default; 409 AlreadyExists is skipped; 422 is dropped with an {@link EventValidationError}
 *   naming the field; 403 is reported once with the RBAC rule needed.
 *
 * ## RBAC
 * The recorder's identity must create and patch Events in every namespace it records into, in
 * the API group it writes (`""` for core/v1, `events.k8s.io` for events.k8s.io/v1; grant both for
 * `api: 'auto'`, which also reads discovery):
 *
 * ```yaml
 * apiVersion: rbac.authorization.k8s.io/v1
 * kind: ClusterRole
 * metadata:
 *   name: event-recorder
 * rules:
 * - apiGroups: ["", "events.k8s.io"]
 *   resources: ["events"]
 *   verbs: ["create", "patch"]
 * ```
 *
 * ## Errors
 * Thrown by `createEventRecorder`: `InvalidOptionError` for a bad option. Thrown by
 * `normal`/`warning`/`event`: {@link InvalidEventObjectError}, {@link EventValidationError}.
 * Emitted as `error`, never thrown: {@link EventValidationError} (422),
 * {@link EventForbiddenError}, {@link EventRejectedError}, {@link EventWriteFailedError} — none
 * retryable by the caller; the recorder already retried what can be.
 *
 * @example
 * ```ts
 * import { KubeConfig } from '@kubernetes/client-node';
 * import { createEventRecorder } from 'kube-events/recorder';
 *
 * const kubeConfig = new KubeConfig();
 * kubeConfig.loadFromDefault();
 * const recorder = createEventRecorder({ kubeConfig, component: 'one-pilot.example.com/webhook' });
 * recorder.on('error', (err) => console.error(err.code, err.message));
 *
 * recorder.warning(
 *   { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', uid } },
 *   'OnePilotFail',
 *   'could not inject the sidecar: config map one-pilot not found',
 * );
 * await recorder.close();
 * ```
 */
export function createEventRecorder(options: EventRecorderOptions): EventRecorder {
  return new Recorder(resolveRecorderOptions(options));
}
