/**
 * `createEventStream`: follow a cluster's Events with no loss, no duplicates and no silent hangs.
 *
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import { match, P } from 'ts-pattern';
import { createBackoff } from './backoff.ts';
import { checkpointEvents, makeCheckpoint } from './checkpoint.ts';
import type { Checkpoint } from './checkpoint.ts';
import type { EventStreamOptions, ResolvedStreamOptions } from './event-stream-options.ts';
import { resolveStreamOptions } from './event-stream-options.ts';
import { EventWatcher } from './event-watcher.ts';
import type { GoneInfo } from './event-watcher.ts';
import { ItemQueue } from './item-queue.ts';
import { KubeHttpClient } from './kube-http-client.ts';
import type { EventApi } from './kube-event.ts';
import {
  CheckpointError,
  EventStreamAuthError,
  EventStreamNetworkError,
  EventStreamStateError,
  InvalidStreamObjectError,
  KubeApiError,
  MalformedWatchLineError,
  StreamIdleTimeoutError,
} from './stream-errors.ts';
import type { EventStreamError } from './stream-errors.ts';
import type { EventStreamItem, StreamSyncedItem } from './stream-item.ts';
import type { TrackedEvents } from './tracked-event.ts';
import { runWithBackoff } from './with-backoff.ts';
import type { RetryDecision } from './with-backoff.ts';

/** A retry the stream is about to wait for. */
export interface ReconnectInfo {
  /** What failed. */
  readonly error: EventStreamError;
  /** How long the stream waits before it tries again, in ms. */
  readonly delayMs: number;
  /** Consecutive failures so far (1 for the first). */
  readonly attempt: number;
}

/**
 * The events an {@link EventStream} emits (eventemitter3, typed).
 *
 * @example
 * ```ts
 * stream.on('reconnecting', ({ error, delayMs }) => console.warn(`${error.code}; retry in ${Math.round(delayMs)} ms`));
 * stream.on('gone', ({ phase }) => console.warn(`410 Gone during ${phase}: relisting`));
 * ```
 */
export interface EventStreamEvents {
  /** An item was handed to the consumer (by the iterator, or to this listener in `start()` mode). */
  item: [item: EventStreamItem];
  /** A `synced` item was handed to the consumer. */
  synced: [item: StreamSyncedItem];
  /** Something failed; see `reconnecting` for whether and when the stream retries. */
  error: [error: EventStreamError];
  /** The stream waits `delayMs` before trying again after `error`. */
  reconnecting: [info: ReconnectInfo];
  /** The server answered 410 Gone: the stream relists and delivers only what changed. */
  gone: [info: GoneInfo];
  /** A watch connection opened (`resourceVersion` is where it resumes from; `undefined` for a streaming initial list). */
  watching: [resourceVersion: string | undefined];
  /** A bookmark moved the position to `resourceVersion`. */
  bookmark: [resourceVersion: string];
  /** `initialList: 'auto'`: the server refused `sendInitialEvents`; the stream lists from now on. */
  fallback: [error: KubeApiError];
  /** The committed position was saved. */
  checkpoint: [checkpoint: Checkpoint];
  /** The stream ended: stopped (`undefined`), or failed with an error it does not retry. */
  end: [error: EventStreamError | undefined];
}

/** The consumer's committed position. */
export interface StreamPosition {
  /** Where a restart would resume watching from; `undefined` when it would relist (and compare). */
  readonly resourceVersion: string | undefined;
  /** The sequence number of the last committed item, -1 before any. */
  readonly seq: number;
  /** Whether the initial list has been committed. */
  readonly synced: boolean;
}

/** Counters of what a stream did. */
export interface EventStreamStats {
  /** Items handed to the consumer. */
  readonly delivered: number;
  /** Watch connections opened. */
  readonly watches: number;
  /** Failures retried. */
  readonly retries: number;
  /** 410 Gone answers recovered from by a relist. */
  readonly gone: number;
  /** Events tracked (at the watcher's head, including items not yet delivered). */
  readonly trackedEvents: number;
  /** Entries queued and not yet committed (at most `bufferSize`). */
  readonly buffered: number;
  /** True while the stream has stopped reading the watch socket because the consumer is behind. */
  readonly backpressure: boolean;
}

/** Where a stream is in its life. */
export type EventStreamState = 'idle' | 'running' | 'stopping' | 'stopped' | 'failed';

/**
 * A live, resumable stream of a cluster's Events: an `AsyncIterable` of {@link EventStreamItem}s
 * and a typed eventemitter3 emitter ({@link EventStreamEvents}).
 *
 * Consume it one of two ways: iterate it (`for await`, which starts it), or call `start()` and
 * listen to `item`. Either way each item is committed — the consumer has handled it — when you ask
 * for the next item (iterating) or when the `item` listeners return; with `autoCommit: false`,
 * call `commit(item)`. The committed position is what a checkpoint saves.
 *
 * @example
 * ```ts
 * import { createEventStream } from 'kube-events/stream';
 *
 * const stream = createEventStream({ namespace: 'prod' });
 * process.once('SIGTERM', () => void stream.stop());
 * for await (const item of stream) {
 *   if (item.type === 'added' || item.type === 'updated') console.log(item.event.reason, item.event.message);
 * }
 * ```
 */
export interface EventStream extends EventEmitter<EventStreamEvents>, AsyncIterable<EventStreamItem> {
  /**
   * Starts the stream in event-emitter mode: items go to `item` listeners. Does nothing when it is
   * running. Iterating a stream started this way throws {@link EventStreamStateError}.
   *
   * @throws {@link EventStreamStateError} after `stop()`.
   */
  start(): void;
  /**
   * Stops: aborts the request in flight, cancels every timer, closes every connection, and saves
   * the committed position. Items not yet committed are delivered again after a restart from the
   * checkpoint. An iterator ends (`done`). Safe to call more than once.
   */
  stop(): Promise<void>;
  /**
   * Commits `item` and every item before it: the consumer has handled them.
   *
   * @throws {@link EventStreamStateError} when the item was not handed out by this stream.
   */
  commit(item: EventStreamItem): void;
  /** The committed position. */
  readonly position: StreamPosition;
  /** The committed position as a {@link Checkpoint} (what the checkpoint store would save now). */
  checkpoint(): Checkpoint;
  /** Where the stream is in its life. */
  readonly state: EventStreamState;
  /** The Events API in use, once known (`auto` resolves on start). */
  readonly api: EventApi | undefined;
  /** Counters. */
  readonly stats: EventStreamStats;
}

/** The scope of a stream, saved in its checkpoint: what it reads. */
function scopeOf(o: ResolvedStreamOptions): string {
  return `namespace=${o.namespace} labelSelector=${o.labelSelector} fieldSelector=${o.fieldSelector}`;
}

function toStreamError(err: unknown): EventStreamError {
  if (
    err instanceof KubeApiError ||
    err instanceof EventStreamAuthError ||
    err instanceof EventStreamNetworkError ||
    err instanceof StreamIdleTimeoutError ||
    err instanceof MalformedWatchLineError ||
    err instanceof InvalidStreamObjectError ||
    err instanceof CheckpointError ||
    err instanceof EventStreamStateError
  ) {
    return err;
  }
  const message = err instanceof Error ? err.message : String(err);
  return new EventStreamNetworkError('watch', message, { cause: err });
}

class EventStreamImpl extends EventEmitter<EventStreamEvents> implements EventStream {
  readonly #o: ResolvedStreamOptions;
  readonly #scope: string;
  readonly #http: KubeHttpClient;
  readonly #queue: ItemQueue;
  readonly #abort = new AbortController();
  #watcher: EventWatcher | undefined;
  #state: EventStreamState = 'idle';
  #mode: 'none' | 'emit' | 'iterate' = 'none';
  #iterating = false;
  #runner: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  #loaded = false;
  #cancelResync: (() => void) | undefined;
  #cancelSave: (() => void) | undefined;
  #saveChain: Promise<void> = Promise.resolve();
  #saveQueued = false;
  #stats = { delivered: 0, watches: 0, retries: 0, gone: 0 };
  /** The Events of the checkpoint the stream started from (until the watcher exists). */
  #startEvents: TrackedEvents = new Map();

  constructor(options: ResolvedStreamOptions) {
    super();
    this.#o = options;
    this.#scope = scopeOf(options);
    this.#http = new KubeHttpClient(options.kubeConfig);
    this.#queue = new ItemQueue(options.bufferSize);
    this.#queue.onCommit = () => {
      this.#scheduleSave();
    };
  }

  get state(): EventStreamState {
    return this.#state;
  }

  get api(): EventApi | undefined {
    return this.#watcher?.api ?? (this.#o.api === 'auto' ? undefined : this.#o.api);
  }

  get position(): StreamPosition {
    const c = this.#queue.committed;
    return { resourceVersion: c.resourceVersion, seq: c.seq, synced: c.synced };
  }

  get stats(): EventStreamStats {
    return { ...this.#stats, trackedEvents: this.#watcher?.trackedEvents ?? 0, buffered: this.#queue.size, backpressure: this.#watcher?.paused ?? false };
  }

  checkpoint(): Checkpoint {
    const c = this.#queue.committed;
    const watcher = this.#watcher;
    const now = this.#o.clock.now();
    if (!watcher) return makeCheckpoint(this.#scope, c.resourceVersion, c.synced, this.#startEvents, new Map(), now);
    return makeCheckpoint(this.#scope, c.resourceVersion, c.synced, watcher.events, this.#queue.uncommittedChanges(watcher.backlog), now);
  }

  start(): void {
    if (this.#mode === 'iterate') return;
    this.#mode = 'emit';
    if (this.#state === 'running') return;
    this.#ensureRunning();
    void this.#pump();
  }

  commit(item: EventStreamItem): void {
    if (this.#queue.commit(item.seq)) return;
    if (item.seq <= this.#queue.committed.seq) return;
    throw new EventStreamStateError(`cannot commit item ${item.seq}: it has not been handed out by this stream`);
  }

  [Symbol.asyncIterator](): AsyncIterator<EventStreamItem> {
    if (this.#mode === 'emit') throw new EventStreamStateError('this stream was started with start(): listen to `item` instead of iterating it');
    if (this.#iterating) throw new EventStreamStateError('this stream is already being iterated');
    this.#mode = 'iterate';
    this.#iterating = true;
    if (this.#state === 'idle') this.#ensureRunning();
    const queue = this.#queue;
    let last: EventStreamItem | undefined;
    const done = (): IteratorReturnResult<undefined> => {
      this.#iterating = false;
      return { done: true, value: undefined };
    };
    const wait = async (): Promise<IteratorResult<EventStreamItem>> => {
      for (;;) {
        const item = queue.take();
        if (item !== undefined) {
          last = item;
          this.#delivered(item);
          return { done: false, value: item };
        }
        if (queue.ended) {
          this.#iterating = false;
          const error = queue.endError;
          if (error !== undefined) throw error;
          return done();
        }
        await queue.waitForItem();
      }
    };
    return {
      // Not async: an item that is already queued is handed out without an extra turn.
      next: (): Promise<IteratorResult<EventStreamItem>> => {
        if (last !== undefined && this.#o.autoCommit) queue.commitDelivered();
        last = undefined;
        const item = queue.take();
        if (item === undefined) return wait();
        last = item;
        this.#delivered(item);
        return Promise.resolve({ done: false, value: item });
      },
      return: async (): Promise<IteratorResult<EventStreamItem>> => {
        last = undefined;
        await this.stop();
        return done();
      },
    };
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const wasRunning = this.#state === 'running';
    if (this.#state === 'idle') this.#state = 'stopped';
    else if (this.#state === 'running') this.#state = 'stopping';
    this.#abort.abort();
    this.#cancelResync?.();
    this.#cancelResync = undefined;
    this.#cancelSave?.();
    this.#cancelSave = undefined;
    this.#queue.close();
    this.#http.close();
    if (this.#runner) await this.#runner;
    if (this.#o.checkpoint !== undefined && this.#loaded) await this.#save();
    else await this.#saveChain;
    if (this.#state === 'stopping') this.#state = 'stopped';
    if (wasRunning) this.emit('end', undefined);
  }

  // ------------------------------------------------------------------------------ running

  /** Starts the runner once. */
  #ensureRunning(): void {
    if (this.#state === 'running') return;
    if (this.#state !== 'idle') throw new EventStreamStateError(`this stream is ${this.#state}; create a new one`);
    this.#state = 'running';
    this.#runner = this.#run();
  }

  async #run(): Promise<void> {
    const o = this.#o;
    const backoff = createBackoff(o.backoff, { clock: o.clock, random: o.random });
    try {
      await runWithBackoff((signal) => this.#attempt(signal), {
        backoff,
        sleep: o.sleep,
        signal: this.#abort.signal,
        classify: (err) => this.#classify(err),
        onRetry: (err, delayMs, attempt) => {
          const error = toStreamError(err);
          this.#stats.retries++;
          this.#reportError(error, true, delayMs);
          this.emit('reconnecting', { error, delayMs, attempt });
        },
      });
    } catch (err) {
      const error = toStreamError(err);
      this.#state = 'failed';
      this.#abort.abort();
      this.#cancelResync?.();
      this.#http.close();
      this.emit('error', error);
      this.#queue.end(error);
      if (o.checkpoint !== undefined && this.#loaded) await this.#save();
      this.emit('end', error);
    }
  }

  async #attempt(signal: AbortSignal): Promise<void> {
    this.#watcher ??= await this.#createWatcher();
    if (signal.aborted) return;
    await this.#watcher.run(signal);
  }

  async #createWatcher(): Promise<EventWatcher> {
    const o = this.#o;
    let start = { resourceVersion: undefined as string | undefined, events: new Map() as TrackedEvents, synced: false };
    if (o.checkpoint !== undefined) {
      let cp: Checkpoint | undefined;
      try {
        cp = await o.checkpoint.load();
      } catch (err) {
        if (err instanceof CheckpointError) throw err;
        const retryable = err instanceof KubeApiError || err instanceof EventStreamNetworkError ? err.retryable : isTransientError(err);
        throw new CheckpointError('checkpoint-load', err instanceof Error ? err.message : String(err), retryable, { cause: err });
      }
      if (cp !== undefined) {
        start = {
          resourceVersion: cp.scope === this.#scope ? (cp.resourceVersion ?? undefined) : undefined,
          events: checkpointEvents(cp),
          synced: cp.synced,
        };
      }
      this.#loaded = true;
    }
    this.#queue.restore(start);
    this.#startEvents = start.events;
    const watcher = new EventWatcher(
      {
        http: this.#http,
        clock: o.clock,
        queue: this.#queue,
        api: o.api,
        namespace: o.namespace,
        labelSelector: o.labelSelector,
        fieldSelector: o.fieldSelector,
        initialList: o.initialList,
        pageSize: o.pageSize,
        timeoutSeconds: o.timeoutSeconds,
        idleTimeoutMs: o.idleTimeoutMs,
        maxEventAgeMs: o.maxEventAgeMs,
        hooks: {
          gone: (info) => {
            this.#stats.gone++;
            this.emit('gone', info);
          },
          bookmark: (rv) => this.emit('bookmark', rv),
          invalidObject: (error) => {
            this.#reportError(error, false, undefined);
          },
          fallbackToList: (error) => this.emit('fallback', error),
          watching: (rv) => {
            this.#stats.watches++;
            this.emit('watching', rv);
          },
        },
      },
      start,
    );
    watcher.announceResume();
    if (o.resyncIntervalMs > 0) this.#armResync(watcher);
    return watcher;
  }

  #armResync(watcher: EventWatcher): void {
    this.#cancelResync = this.#o.clock.setTimer(this.#o.resyncIntervalMs, () => {
      this.#cancelResync = undefined;
      if (this.#state !== 'running') return;
      watcher.requestResync();
      this.#armResync(watcher);
    });
  }

  #classify(err: unknown): RetryDecision {
    return match(err)
      .with(P.instanceOf(EventStreamAuthError), () => (this.#o.stopOnAuthError ? { retry: false as const } : { retry: true as const, slow: true }))
      .with(P.instanceOf(KubeApiError), (e) => (e.retryable ? { retry: true as const, minDelayMs: e.retryAfterMs } : { retry: false as const }))
      .with(P.instanceOf(CheckpointError), (e) => (e.retryable ? { retry: true as const } : { retry: false as const }))
      .with(P.instanceOf(EventStreamStateError), () => ({ retry: false as const }))
      .otherwise(() => ({ retry: true as const }));
  }

  #reportError(error: EventStreamError, retrying: boolean, retryInMs: number | undefined): void {
    this.emit('error', error);
    this.#queue.pushError({
      item: { type: 'error', error, retrying, retryInMs, seq: this.#queue.nextSeq() },
      uid: '',
      tracked: undefined,
      previous: undefined,
      resourceVersion: undefined,
    });
  }

  #delivered(item: EventStreamItem): void {
    this.#stats.delivered++;
    this.emit('item', item);
    if (item.type === 'synced') this.emit('synced', item);
  }

  /** `start()` mode: hands items to `item` listeners, committing each after they return. */
  async #pump(): Promise<void> {
    const queue = this.#queue;
    for (;;) {
      let item = queue.take();
      while (item !== undefined) {
        this.#delivered(item);
        if (this.#o.autoCommit) queue.commit(item.seq);
        item = queue.take();
      }
      if (queue.ended) return;
      await queue.waitForItem();
    }
  }

  // ------------------------------------------------------------------------------ checkpoint

  #scheduleSave(): void {
    if (this.#o.checkpoint === undefined || !this.#loaded || this.#cancelSave !== undefined || this.#state !== 'running') return;
    this.#cancelSave = this.#o.clock.setTimer(this.#o.checkpointIntervalMs, () => {
      this.#cancelSave = undefined;
      void this.#save();
    });
  }

  /** Saves the committed position after any save in progress (saves are never concurrent; queued ones coalesce). */
  #save(): Promise<void> {
    const store = this.#o.checkpoint;
    if (store === undefined) return Promise.resolve();
    if (this.#saveQueued) return this.#saveChain;
    this.#saveQueued = true;
    this.#saveChain = this.#saveChain.then(async () => {
      this.#saveQueued = false;
      const cp = this.checkpoint();
      try {
        await store.save(cp);
        this.emit('checkpoint', cp);
      } catch (err) {
        const error =
          err instanceof CheckpointError ? err : new CheckpointError('checkpoint-save', err instanceof Error ? err.message : String(err), true, { cause: err });
        this.emit('error', error);
        this.#scheduleSave();
      }
    });
    return this.#saveChain;
  }
}

function isTransientError(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^E(CONN|TIMEDOUT|PIPE|AI_AGAIN|HOSTUNREACH|NETUNREACH|BUSY|AGAIN)/.test(code);
}

/**
 * Creates an {@link EventStream}: it lists a cluster's Events, then watches them, and delivers each
 * new Event and each new version of an Event exactly once, across disconnects, 410 Gone and (with
 * a `checkpoint`) restarts.
 *
 * ## Guarantee
 *
 * Against one cluster, for the Events matching the stream's namespace and selectors:
 *
 * - **No duplicates**: a given (uid, resourceVersion) is delivered at most once per committed
 *   position — across reconnects, relists after 410 Gone, periodic resyncs, and restarts from a
 *   checkpoint. resourceVersions are compared for equality only, never as numbers.
 * - **No loss**: every Event that exists, at the version it has now, is eventually delivered; and
 *   every Event the consumer was given that no longer exists is delivered as `deleted`. Versions
 *   written and overwritten while the stream could not see them (disconnected past the server's
 *   history, or stopped) are folded into the latest one: you get its current state once, not each
 *   intermediate version; an Event created and deleted in such a gap is never seen.
 *
 * ## Limits
 *
 * - Items delivered after the last saved checkpoint are delivered again after a crash (the
 *   checkpoint is saved every `checkpointInterval` ms and on `stop()`): at-least-once for that
 *   tail, exactly-once up to the committed position. Use `checkpointInterval: 0` to shorten it,
 *   and make your sink idempotent on (uid, resourceVersion) if the tail matters.
 * - An item handed out but not committed when the stream stops is delivered again on restart.
 * - A checkpoint of another namespace or selectors is not resumed by watch: the stream relists and
 *   compares (an Event that left the scope is delivered as `deleted`).
 * - The checkpoint holds one entry per live Event (about 100 bytes); see {@link Checkpoint}.
 *
 * ## RBAC
 *
 * `list` and `watch` on `events` in the API group of `api` (`""` for core/v1, `events.k8s.io` for
 * events.k8s.io/v1; both for `auto`) — a Role in the namespace read, or a ClusterRole for all
 * namespaces:
 *
 * ```yaml
 * apiVersion: rbac.authorization.k8s.io/v1
 * kind: ClusterRole            # a Role (with metadata.namespace) when `namespace` is set
 * metadata:
 *   name: kube-events-stream
 * rules:
 *   - apiGroups: [""]              # api: 'core/v1' (the default)
 *     resources: ["events"]
 *     verbs: ["list", "watch"]
 *   - apiGroups: ["events.k8s.io"] # api: 'events.k8s.io/v1' or 'auto'
 *     resources: ["events"]
 *     verbs: ["list", "watch"]
 * ```
 *
 * With a ConfigMap checkpoint, also `get`, `create` and `update` on `configmaps` in its namespace
 * (see {@link createConfigMapCheckpointStore}).
 *
 * ## Errors
 *
 * Retried with backoff (client-go's reflector delays, {@link BackoffOptions}): 5xx and 429
 * ({@link KubeApiError}, honouring `Retry-After`), network failures and half-written lines
 * ({@link EventStreamNetworkError}), hung connections ({@link StreamIdleTimeoutError}), malformed
 * lines ({@link MalformedWatchLineError}). Retried slowly: 401/403 ({@link EventStreamAuthError}),
 * unless `stopOnAuthError`. Skipped and reported: objects that are not Events
 * ({@link InvalidStreamObjectError}). Ending the stream: other 4xx (a bad selector), a checkpoint
 * that cannot be read ({@link CheckpointError}). 410 Gone is not an error: the stream relists
 * (`gone` event). Every error is emitted as `error` and yielded as an `error` item.
 *
 * @param options - What to read, from where, and how; see {@link EventStreamOptions}.
 * @returns The stream, not yet started: iterate it or call `start()`.
 * @throws `InvalidOptionError` (from `kube-events`) for an invalid option.
 *
 * @example
 * ```ts
 * import { match } from 'ts-pattern';
 * import { createEventStream, createFileCheckpointStore } from 'kube-events/stream';
 *
 * const stream = createEventStream({
 *   fieldSelector: 'type=Warning',
 *   checkpoint: createFileCheckpointStore('./events.checkpoint.json'),
 * });
 * process.once('SIGINT', () => void stream.stop());
 * for await (const item of stream) {
 *   match(item)
 *     .with({ type: 'added' }, { type: 'updated' }, ({ event }) =>
 *       console.log(`${event.namespace} ${event.regarding.kind}/${event.regarding.name} ${event.reason} ×${event.count}: ${event.message}`),
 *     )
 *     .with({ type: 'deleted' }, () => undefined)
 *     .with({ type: 'synced' }, ({ reason, trackedEvents }) => console.error(`synced (${reason}): ${trackedEvents} events`))
 *     .with({ type: 'error' }, ({ error }) => console.error(error.message))
 *     .exhaustive();
 * }
 * ```
 */
export function createEventStream(options: EventStreamOptions = {}): EventStream {
  return new EventStreamImpl(resolveStreamOptions(options));
}

