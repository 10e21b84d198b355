/**
 * The watcher: lists and watches Events and turns what the server sends into the consumer's view
 * (added, updated, deleted, synced), tracking each Event's resourceVersion so that nothing is
 * delivered twice. Like kube-rs's `watcher`, it only recovers — relists after 410 Gone, re-watches
 * from the last resourceVersion — and never sleeps: each `run()` is one attempt, and the caller
 * decides how long to wait after a failure (see `with-backoff.ts`).
 *
 * Follows the list/watch protocol of client-go's reflector
 * (staging/src/k8s.io/client-go/tools/cache/reflector.go) and kube-rs's
 * kube-runtime/src/watcher.rs: a paginated list, then a watch with bookmarks from the list's
 * resourceVersion; or a watch with `sendInitialEvents` ending in a bookmark annotated
 * `k8s.io/initial-events-end` (KEP-3157).
 *
 * @module
 */
import type { KubeHttpClient, OpenResponse } from './kube-http-client.ts';
import { readAll, retryAfterMs } from './kube-http-client.ts';
import { LineSplitter } from './line-splitter.ts';
import type { ItemQueue, QueueEntry } from './item-queue.ts';
import type { StreamClock } from './stream-clock.ts';
import type { EventApi, KubeEvent } from './kube-event.ts';
import { InvalidEventError, fromEventObject } from './kube-event.ts';
import type { TrackedEvent, TrackedEvents } from './tracked-event.ts';
import type { ItemOrigin, SyncReason } from './stream-item.ts';
import {
  EventStreamAuthError,
  EventStreamNetworkError,
  InvalidStreamObjectError,
  KubeApiError,
  MalformedWatchLineError,
} from './stream-errors.ts';
import type { KubeStatus, StreamOperation } from './stream-errors.ts';

/** How the initial state is read: a paginated list, a watch with `sendInitialEvents`, or the latter falling back to the former. */
export type InitialListStrategy = 'list' | 'streaming' | 'auto';

/** A 410 Gone the watcher recovered from. */
export interface GoneInfo {
  /** Where: a list page (an expired `continue` token) or a watch (at its start or mid-stream). */
  readonly phase: 'list' | 'watch';
  /** The resourceVersion that was too old, if any. */
  readonly resourceVersion: string | undefined;
  /** The server's message. */
  readonly message: string;
}

/** Callbacks of the watcher into the stream. */
export interface WatcherHooks {
  /** A 410 Gone (or a resourceVersion too large for the server): the view is rebuilt by a relist. */
  gone(info: GoneInfo): void;
  /** A bookmark advanced the resume position. */
  bookmark(resourceVersion: string): void;
  /** An object was skipped. */
  invalidObject(error: InvalidStreamObjectError): void;
  /** `auto` found that the server refuses `sendInitialEvents`; lists from now on. */
  fallbackToList(error: KubeApiError): void;
  /** A watch connection is open (status 200). */
  watching(resourceVersion: string | undefined): void;
}

/** The watcher's settings. */
export interface WatcherSettings {
  readonly http: KubeHttpClient;
  readonly clock: StreamClock;
  readonly queue: ItemQueue;
  readonly hooks: WatcherHooks;
  readonly api: EventApi | 'auto';
  readonly namespace: string;
  readonly labelSelector: string;
  readonly fieldSelector: string;
  readonly initialList: InitialListStrategy;
  readonly pageSize: number;
  readonly timeoutSeconds: number;
  readonly idleTimeoutMs: number;
  /** Skip Events older than this on the initial list; 0 keeps all. */
  readonly maxEventAgeMs: number;
}

/** Where the watcher starts: the committed position (from a checkpoint, or empty). */
export interface WatcherStart {
  /** A resourceVersion to watch from, or `undefined` to list first. */
  readonly resourceVersion: string | undefined;
  /** The Events the consumer has. */
  readonly events: TrackedEvents;
  /** Whether the initial list had completed. */
  readonly synced: boolean;
}

interface SyncState {
  readonly seen: Set<string>;
  readonly streaming: boolean;
}

const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

/** A watch that ends cleanly this soon with nothing on it counts as a failure, so that retries back off. */
const MIN_HEALTHY_WATCH_MS = 1000;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function latestOf(dates: readonly (Date | undefined)[]): number | undefined {
  let latest: number | undefined;
  for (const d of dates) {
    if (d === undefined) continue;
    const t = d.getTime();
    if (!Number.isNaN(t) && (latest === undefined || t > latest)) latest = t;
  }
  return latest;
}

/**
 * When an Event last happened, in ms: its latest occurrence (`lastTimestamp`,
 * `series.lastObservedTime`, `eventTime`), else `firstTimestamp`, else `creationTimestamp` — as
 * kubernetes-event-exporter ages events by their last timestamp, not by when the object was
 * written.
 */
function lastOccurrence(ev: KubeEvent): number | undefined {
  return latestOf([ev.lastTimestamp, ev.series?.lastObservedTime, ev.eventTime]) ?? latestOf([ev.firstTimestamp, ev.creationTimestamp]);
}

function parseStatus(body: Buffer): KubeStatus | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return isObj(parsed) && parsed.kind === 'Status' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** True for the Status of a resourceVersion too large for the server (504 with cause ResourceVersionTooLarge). */
function isTooLargeResourceVersion(status: KubeStatus | undefined): boolean {
  return status?.details?.causes?.some((c) => c.reason === 'ResourceVersionTooLarge') === true;
}

/** True for 410 Gone / Expired. */
function isGone(statusCode: number, status: KubeStatus | undefined): boolean {
  return statusCode === 410 || status?.reason === 'Expired' || status?.reason === 'Gone';
}

/** The list/watch engine of one stream. */
export class EventWatcher {
  readonly #s: WatcherSettings;
  #api: EventApi | undefined;
  #strategy: InitialListStrategy;
  #resourceVersion: string | undefined;
  readonly #events: TrackedEvents;
  #synced: boolean;
  #syncReason: SyncReason;
  #sync: SyncState | undefined;
  #backlog: QueueEntry[] = [];
  #backlogHead = 0;
  #watchAbort: AbortController | undefined;
  #resyncPending = false;
  #paused = false;

  /**
   * @param settings - What to read and where to put it.
   * @param start - The position to start from.
   */
  constructor(settings: WatcherSettings, start: WatcherStart) {
    this.#s = settings;
    this.#api = settings.api === 'auto' ? undefined : settings.api;
    this.#strategy = settings.initialList;
    this.#resourceVersion = start.resourceVersion;
    this.#events = new Map(start.events);
    this.#synced = start.synced;
    this.#syncReason = start.synced ? 'relist' : 'initial';
  }

  /** The API in use, once known. */
  get api(): EventApi | undefined {
    return this.#api;
  }

  /** How many Events the watcher tracks (including items not yet delivered). */
  get trackedEvents(): number {
    return this.#events.size;
  }

  /** The Events tracked at the head (after every entry queued or in the backlog). */
  get events(): ReadonlyMap<string, TrackedEvent> {
    return this.#events;
  }

  /** Entries produced but not yet in the queue (waiting for room), in order. */
  get backlog(): readonly QueueEntry[] {
    return this.#backlogHead === 0 ? this.#backlog : this.#backlog.slice(this.#backlogHead);
  }

  /** True while the watch socket is paused because the consumer is behind. */
  get paused(): boolean {
    return this.#paused;
  }

  /** The resourceVersion the next watch would start from, or undefined when a list comes first. */
  get resourceVersion(): string | undefined {
    return this.#resourceVersion;
  }

  /** Queues the `synced` item of a resume from a valid position (call once, before `run`). */
  announceResume(): void {
    const rv = this.#resourceVersion;
    if (rv === undefined) return;
    this.#emit({
      item: { type: 'synced', reason: 'resume', resourceVersion: rv, trackedEvents: this.#events.size, seq: this.#s.queue.nextSeq() },
      uid: '',
      tracked: undefined,
      previous: undefined,
      resourceVersion: undefined,
    });
  }

  /**
   * Asks for a resync: the current watch ends and the state is relisted and compared with what the
   * consumer has; only differences are delivered. Ignored unless a watch is running.
   *
   * @returns Whether a resync was started.
   */
  requestResync(): boolean {
    if (this.#resourceVersion === undefined || this.#sync !== undefined || !this.#watchAbort) return false;
    this.#resyncPending = true;
    this.#watchAbort.abort();
    return true;
  }

  /**
   * One attempt: discovery if needed, a list (or streaming initial events) if there is no position
   * to watch from, then a watch until it ends. Returns when the watch ended normally or after a 410
   * Gone (call again at once); throws a classified error otherwise (call again after a backoff).
   */
  async run(signal: AbortSignal): Promise<void> {
    this.#api ??= await this.#discover(signal);
    if (signal.aborted) return;
    if (!(await this.#drainBacklog(signal))) return;
    if (this.#resourceVersion === undefined) {
      if (this.#strategy !== 'list') {
        try {
          await this.#watch(signal, true);
          return;
        } catch (err) {
          if (this.#strategy === 'auto' && err instanceof KubeApiError && err.statusCode === 422) {
            this.#strategy = 'list';
            this.#sync = undefined;
            this.#s.hooks.fallbackToList(err);
          } else {
            throw err;
          }
        }
      }
      await this.#list(signal);
      if (isAborted(signal) || this.resourceVersion === undefined) return;
    }
    await this.#watch(signal, false);
  }

  // ------------------------------------------------------------------------------ requests

  #path(): string {
    const ns = this.#s.namespace === '' ? '' : `/namespaces/${encodeURIComponent(this.#s.namespace)}`;
    return this.#api === 'events.k8s.io/v1' ? `/apis/events.k8s.io/v1${ns}/events` : `/api/v1${ns}/events`;
  }

  #selectorParams(params: URLSearchParams): void {
    if (this.#s.labelSelector !== '') params.set('labelSelector', this.#s.labelSelector);
    if (this.#s.fieldSelector !== '') params.set('fieldSelector', this.#s.fieldSelector);
  }

  #apiGroup(): string {
    return this.#api === 'events.k8s.io/v1' ? 'events.k8s.io' : '';
  }

  #httpError(statusCode: number, headers: Parameters<typeof retryAfterMs>[0], body: Buffer, operation: StreamOperation, path: string): KubeApiError | EventStreamAuthError {
    const status = parseStatus(body);
    if (statusCode === 401 || statusCode === 403) {
      const message = status?.message ?? (body.toString('utf8').trim() || (statusCode === 401 ? 'Unauthorized' : 'Forbidden'));
      return new EventStreamAuthError(statusCode, operation === 'watch' ? 'watch' : 'list', this.#apiGroup(), this.#s.namespace, message);
    }
    return new KubeApiError(statusCode, status, operation, path, retryAfterMs(headers, status?.details?.retryAfterSeconds));
  }

  async #discover(signal: AbortSignal): Promise<EventApi> {
    const path = '/apis/events.k8s.io/v1';
    const res = await this.#s.http.request(path, { operation: 'discovery', signal, idleTimeoutMs: this.#s.idleTimeoutMs, clock: this.#s.clock });
    if (res.statusCode === 404) return 'core/v1';
    if (res.statusCode !== 200) throw this.#httpError(res.statusCode, res.headers, res.body, 'discovery', path);
    let doc: unknown;
    try {
      doc = JSON.parse(res.body.toString('utf8'));
    } catch (err) {
      throw new EventStreamNetworkError('discovery', 'the discovery document is not JSON', { cause: err });
    }
    const resources = isObj(doc) && Array.isArray(doc.resources) ? (doc.resources as unknown[]) : [];
    return resources.some((r) => isObj(r) && r.name === 'events') ? 'events.k8s.io/v1' : 'core/v1';
  }

  // ------------------------------------------------------------------------------ queueing

  #emit(entry: QueueEntry): void {
    if (this.#backlogHead === this.#backlog.length && !this.#s.queue.full) this.#s.queue.push(entry);
    else this.#backlog.push(entry);
  }

  /** Moves backlog entries into the queue while it has room; true when the backlog is empty. */
  #flushBacklog(): boolean {
    const queue = this.#s.queue;
    while (this.#backlogHead < this.#backlog.length) {
      if (queue.full) return false;
      const entry = this.#backlog[this.#backlogHead++];
      if (entry) queue.push(entry);
    }
    this.#backlog = [];
    this.#backlogHead = 0;
    return true;
  }

  /** Waits until the backlog is in the queue and the queue has room; false when aborted. */
  async #drainBacklog(signal: AbortSignal): Promise<boolean> {
    while (!this.#flushBacklog() || this.#s.queue.full) {
      if (signal.aborted || this.#s.queue.ended) return false;
      await this.#s.queue.waitForSpace(signal);
    }
    return !signal.aborted;
  }

  #marker(uid: string, tracked: TrackedEvent | null | undefined, previous: TrackedEvent | undefined, resourceVersion: string | null | undefined): void {
    this.#emit({ item: undefined, uid, tracked, previous, resourceVersion });
  }

  /** The view now stands at `rv` (outside a sync). */
  #advance(rv: string): void {
    this.#resourceVersion = rv;
    this.#marker('', undefined, undefined, rv);
  }

  #gone(phase: 'list' | 'watch', message: string): void {
    const rv = this.#resourceVersion;
    this.#resourceVersion = undefined;
    this.#sync = undefined;
    if (this.#synced) this.#syncReason = 'relist';
    this.#marker('', undefined, undefined, null);
    this.#s.hooks.gone({ phase, resourceVersion: rv, message });
  }

  // ------------------------------------------------------------------------------ objects

  #upsert(obj: Obj, origin: ItemOrigin): void {
    const md = isObj(obj.metadata) ? obj.metadata : undefined;
    const uid = str(md?.uid);
    const rv = str(md?.resourceVersion);
    const api = this.#api ?? 'core/v1';
    if (uid === undefined || uid === '' || rv === undefined || rv === '') {
      const field = uid === undefined || uid === '' ? 'metadata.uid' : 'metadata.resourceVersion';
      this.#s.hooks.invalidObject(new InvalidStreamObjectError(obj, { cause: new InvalidEventError(api, field, 'a non-empty string', field === 'metadata.uid' ? uid : rv) }));
      return;
    }
    const sync = this.#sync;
    sync?.seen.add(uid);
    const prev = this.#events.get(uid);
    if (prev?.resourceVersion === rv) {
      if (!sync) this.#advance(rv);
      return;
    }
    const namespace = str(md?.namespace) ?? '';
    const name = str(md?.name) ?? '';
    const nextRv = sync ? undefined : rv;
    let event: KubeEvent;
    try {
      event = fromEventObject(obj, api);
    } catch (err) {
      const tracked: TrackedEvent = { resourceVersion: rv, namespace, name, delivered: prev?.delivered ?? false };
      this.#events.set(uid, tracked);
      if (!sync) this.#resourceVersion = rv;
      this.#marker(uid, tracked, prev, nextRv);
      this.#s.hooks.invalidObject(new InvalidStreamObjectError(obj, { cause: err }));
      return;
    }
    if (sync && !this.#synced && prev === undefined && this.#s.maxEventAgeMs > 0) {
      const t = lastOccurrence(event);
      if (t !== undefined && t < this.#s.clock.now() - this.#s.maxEventAgeMs) {
        const tracked: TrackedEvent = { resourceVersion: rv, namespace, name, delivered: false };
        this.#events.set(uid, tracked);
        this.#marker(uid, tracked, undefined, undefined);
        return;
      }
    }
    const tracked: TrackedEvent = { resourceVersion: rv, namespace, name, delivered: true };
    this.#events.set(uid, tracked);
    if (!sync) this.#resourceVersion = rv;
    const seq = this.#s.queue.nextSeq();
    this.#emit({
      item:
        prev?.delivered === true
          ? { type: 'updated', event, previousResourceVersion: prev.resourceVersion, origin, seq }
          : { type: 'added', event, origin, seq },
      uid,
      tracked,
      previous: prev,
      resourceVersion: nextRv,
    });
  }

  #delete(obj: Obj): void {
    const md = isObj(obj.metadata) ? obj.metadata : undefined;
    const uid = str(md?.uid) ?? '';
    const rv = str(md?.resourceVersion);
    const prev = this.#events.get(uid);
    const nextRv = this.#sync || rv === '' ? undefined : rv;
    if (prev === undefined) {
      if (nextRv !== undefined) this.#advance(nextRv);
      return;
    }
    this.#events.delete(uid);
    if (nextRv !== undefined) this.#resourceVersion = nextRv;
    if (!prev.delivered) {
      this.#marker(uid, null, prev, nextRv);
      return;
    }
    let event: KubeEvent | undefined;
    try {
      event = fromEventObject(obj, this.#api ?? 'core/v1');
    } catch {
      event = undefined;
    }
    this.#emit({
      item: {
        type: 'deleted',
        key: { uid, namespace: prev.namespace, name: prev.name, resourceVersion: rv ?? prev.resourceVersion },
        event,
        origin: 'watch',
        seq: this.#s.queue.nextSeq(),
      },
      uid,
      tracked: null,
      previous: prev,
      resourceVersion: nextRv,
    });
  }

  /** Ends a (re)list or streaming sync at `rv`: Events the consumer has that the server no longer has are deleted. */
  #finishSync(rv: string): void {
    const seen = this.#sync?.seen ?? new Set<string>();
    for (const [uid, t] of this.#events) {
      if (seen.has(uid)) continue;
      this.#events.delete(uid);
      if (!t.delivered) {
        this.#marker(uid, null, t, undefined);
        continue;
      }
      this.#emit({
        item: {
          type: 'deleted',
          key: { uid, namespace: t.namespace, name: t.name, resourceVersion: t.resourceVersion },
          event: undefined,
          origin: 'list',
          seq: this.#s.queue.nextSeq(),
        },
        uid,
        tracked: null,
        previous: t,
        resourceVersion: undefined,
      });
    }
    this.#sync = undefined;
    this.#resourceVersion = rv;
    const reason = this.#syncReason;
    this.#syncReason = 'relist';
    this.#synced = true;
    this.#emit({
      item: { type: 'synced', reason, resourceVersion: rv, trackedEvents: this.#events.size, seq: this.#s.queue.nextSeq() },
      uid: '',
      tracked: undefined,
      previous: undefined,
      resourceVersion: rv,
    });
  }

  // ------------------------------------------------------------------------------ list

  async #list(signal: AbortSignal): Promise<void> {
    const queue = this.#s.queue;
    this.#sync = { seen: new Set(), streaming: false };
    let continueToken: string | undefined;
    let listRv = '';
    for (;;) {
      const params = new URLSearchParams();
      params.set('limit', String(this.#s.pageSize));
      if (continueToken !== undefined) params.set('continue', continueToken);
      this.#selectorParams(params);
      const path = `${this.#path()}?${params.toString()}`;
      const res = await this.#s.http.request(path, { operation: 'list', signal, idleTimeoutMs: this.#s.idleTimeoutMs, clock: this.#s.clock });
      if (res.statusCode !== 200) {
        const err = this.#httpError(res.statusCode, res.headers, res.body, 'list', path);
        if (err instanceof KubeApiError && isGone(err.statusCode, err.status) && continueToken !== undefined) {
          // The snapshot the pages came from was compacted: start a new list (client-go's pager
          // falls back to a full list the same way). What was delivered from earlier pages is
          // tracked, so the new list delivers only what changed.
          this.#s.hooks.gone({ phase: 'list', resourceVersion: listRv, message: err.status?.message ?? err.message });
          this.#sync = { seen: new Set(), streaming: false };
          continueToken = undefined;
          continue;
        }
        throw err;
      }
      let page: unknown;
      try {
        page = JSON.parse(res.body.toString('utf8'));
      } catch (err) {
        throw new EventStreamNetworkError('list', 'the list response is not JSON', { cause: err });
      }
      const metadata = isObj(page) && isObj(page.metadata) ? page.metadata : {};
      const items = isObj(page) && Array.isArray(page.items) ? (page.items as unknown[]) : [];
      listRv = str(metadata.resourceVersion) ?? '';
      for (const item of items) {
        if (queue.full || this.#backlogHead < this.#backlog.length) {
          if (!(await this.#drainBacklog(signal))) return;
        }
        if (isObj(item)) this.#upsert(item, 'list');
      }
      continueToken = str(metadata.continue);
      if (continueToken === undefined || continueToken === '') break;
    }
    if (listRv === '') throw new EventStreamNetworkError('list', 'the list response has no metadata.resourceVersion');
    this.#finishSync(listRv);
    await this.#drainBacklog(signal);
  }

  // ------------------------------------------------------------------------------ watch

  async #watch(outer: AbortSignal, streaming: boolean): Promise<void> {
    const params = new URLSearchParams();
    params.set('watch', 'true');
    params.set('allowWatchBookmarks', 'true');
    params.set('timeoutSeconds', String(this.#s.timeoutSeconds));
    this.#selectorParams(params);
    if (streaming) {
      params.set('sendInitialEvents', 'true');
      params.set('resourceVersionMatch', 'NotOlderThan');
      params.set('resourceVersion', '');
    } else {
      params.set('resourceVersion', this.#resourceVersion ?? '');
    }
    const path = `${this.#path()}?${params.toString()}`;
    const abort = new AbortController();
    this.#watchAbort = abort;
    const signal = AbortSignal.any([outer, abort.signal]);
    try {
      let open: OpenResponse;
      try {
        open = await this.#s.http.open(path, { operation: 'watch', signal, idleTimeoutMs: this.#s.idleTimeoutMs, clock: this.#s.clock });
      } catch (err) {
        if (signal.aborted) return;
        throw err;
      }
      const { response } = open;
      if (response.statusCode !== 200) {
        const body = await readAll(open, 'watch');
        const err = this.#httpError(response.statusCode ?? 0, response.headers, body, 'watch', path);
        if (err instanceof KubeApiError && !streaming && (isGone(err.statusCode, err.status) || isTooLargeResourceVersion(err.status))) {
          this.#gone('watch', err.status?.message ?? err.message);
          return;
        }
        throw err;
      }
      if (streaming) this.#sync = { seen: new Set(), streaming: true };
      this.#s.hooks.watching(streaming ? undefined : this.#resourceVersion);
      await this.#consume(open, signal);
    } finally {
      this.#watchAbort = undefined;
      if (this.#resyncPending) {
        this.#resyncPending = false;
        if (!outer.aborted && this.#resourceVersion !== undefined) {
          this.#resourceVersion = undefined;
          this.#sync = undefined;
          this.#syncReason = 'resync';
          this.#marker('', undefined, undefined, null);
        }
      }
    }
  }

  /** Reads watch lines until the response ends, pausing the socket while the queue is full. */
  #consume(open: OpenResponse, signal: AbortSignal): Promise<void> {
    const { response, idle } = open;
    const queue = this.#s.queue;
    const clock = this.#s.clock;
    const started = clock.now();
    return new Promise<void>((resolve, reject) => {
      const splitter = new LineSplitter();
      let paused = false;
      let ended = false;
      let finished = false;
      let lines = 0;
      const finish = (err: unknown): void => {
        if (finished) return;
        finished = true;
        this.#paused = false;
        idle.cancel();
        signal.removeEventListener('abort', onAbort);
        if (err !== undefined || !ended) open.destroy();
        if (err !== undefined && !signal.aborted) reject(err instanceof Error ? err : new EventStreamNetworkError('watch', 'the watch failed', { cause: err }));
        else resolve();
      };
      const onAbort = (): void => {
        finish(undefined);
      };
      const wait = (): void => {
        paused = true;
        this.#paused = true;
        response.pause();
        idle.suspend();
        queue.onSpace(onSpace);
      };
      const drain = (): void => {
        while (!finished) {
          if (!this.#flushBacklog() || queue.full) {
            wait();
            return;
          }
          const line = splitter.next();
          if (line === undefined) break;
          lines++;
          try {
            if (this.#handleLine(line)) {
              finish(undefined);
              return;
            }
          } catch (err) {
            finish(err);
            return;
          }
        }
        if (!ended || finished) return;
        const rest = splitter.takeRest();
        if (rest !== '') {
          finish(new EventStreamNetworkError('watch', `the connection ended in the middle of a line (${rest.length} characters received of it)`));
        } else if (this.#sync !== undefined) {
          finish(new EventStreamNetworkError('watch', 'the watch ended before its initial events were complete'));
        } else if (lines === 0 && clock.now() - started < MIN_HEALTHY_WATCH_MS) {
          finish(new EventStreamNetworkError('watch', 'the watch ended at once without a single event'));
        } else {
          finish(undefined);
        }
      };
      const onSpace = (): void => {
        if (finished) return;
        paused = false;
        this.#paused = false;
        idle.touch();
        response.resume();
        drain();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        idle.touch();
        splitter.push(chunk);
        if (!paused) drain();
      });
      response.on('end', () => {
        ended = true;
        if (!paused) drain();
      });
      const broken = (cause: Error | undefined): Error => {
        if (open.destroyedWith) return open.destroyedWith;
        const partial = splitter.pendingChars;
        const what = partial > 0 ? `the connection broke in the middle of a line (${partial} characters received of it)` : `the connection broke (${cause?.message ?? 'closed'})`;
        return new EventStreamNetworkError('watch', what, cause ? { cause } : undefined);
      };
      response.on('error', (err) => {
        finish(broken(err));
      });
      response.on('close', () => {
        if (!response.complete) finish(broken(undefined));
      });
    });
  }

  /** Handles one watch line; true when the watch must end (410 Gone). */
  #handleLine(line: string): boolean {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (err) {
      throw new MalformedWatchLineError(line, 'not JSON', { cause: err });
    }
    if (!isObj(parsed)) throw new MalformedWatchLineError(line, 'not a JSON object');
    const object = parsed.object;
    if (!isObj(object)) throw new MalformedWatchLineError(line, 'no `object`');
    switch (parsed.type) {
      case 'ADDED':
      case 'MODIFIED':
        this.#upsert(object, this.#sync ? 'list' : 'watch');
        return false;
      case 'DELETED':
        this.#delete(object);
        return false;
      case 'BOOKMARK':
        this.#bookmark(object);
        return false;
      case 'ERROR':
        return this.#watchError(object);
      default:
        throw new MalformedWatchLineError(line, `unknown watch event type ${typeof parsed.type === 'string' ? parsed.type : typeof parsed.type}`);
    }
  }

  #bookmark(obj: Obj): void {
    const md = isObj(obj.metadata) ? obj.metadata : undefined;
    const rv = str(md?.resourceVersion);
    if (rv === undefined || rv === '') return;
    if (this.#sync) {
      // During initial events only the annotated bookmark counts: it ends them (KEP-3157).
      const annotations = isObj(md?.annotations) ? md.annotations : undefined;
      if (annotations?.[INITIAL_EVENTS_END] === 'true') this.#finishSync(rv);
      return;
    }
    this.#advance(rv);
    this.#s.hooks.bookmark(rv);
  }

  #watchError(status: Obj): boolean {
    const s = status as KubeStatus;
    const code = typeof s.code === 'number' ? s.code : 0;
    if (isGone(code, s) || isTooLargeResourceVersion(s)) {
      this.#gone('watch', s.message ?? 'resource version too old');
      return true;
    }
    if (code === 401 || code === 403) {
      throw new EventStreamAuthError(code, 'watch', this.#apiGroup(), this.#s.namespace, s.message ?? '');
    }
    const retryAfter = s.details?.retryAfterSeconds;
    throw new KubeApiError(code === 0 ? 500 : code, s, 'watch', this.#path(), retryAfter !== undefined && retryAfter > 0 ? retryAfter * 1000 : undefined);
  }
}
