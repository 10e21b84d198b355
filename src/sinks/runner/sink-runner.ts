/**
 * `createSinkRunner`: the one runner around every sink. It batches, runs batches concurrently
 * (p-queue), retries retryable results with backoff, keeps each key's items in order, bounds
 * what it holds and applies the overflow policy (block, drop, spill to disk), and tells upstream
 * what became of every item.
 *
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import PQueue from 'p-queue';
import type { Registry } from 'prom-client';
import type { KubeEvent } from '../../stream/kube-event.ts';
import type { SendResult, Sink } from '../sink.ts';
import { SinkContractError, SinkRunnerClosedError, SinkSendError, SinkTimeoutError } from '../sink-errors.ts';
import { SpillLog } from '../spill/spill-log.ts';
import type { SpilledRecord } from '../spill/spill-log.ts';
import { ItemBuffer } from './item-buffer.ts';
import type { BufferEntry } from './item-buffer.ts';
import { DROP_REASONS } from './item-outcome.ts';
import type { AckCallback, DropReason, ItemOutcome } from './item-outcome.ts';
import { retryDelay } from './retry-backoff.ts';
import { checkSink, resolveRunnerOptions } from './runner-options.ts';
import type { RunnerSettings, SinkRunnerOptions } from './runner-options.ts';
import { SinkMetrics } from './sink-metrics.ts';

/**
 * What a runner emits. All are informational: the runner keeps going by itself.
 *
 * @example
 * ```ts
 * runner.on('retry', ({ count, attempt, delayMs, error }) => log.warn({ count, attempt, delayMs }, error.message));
 * runner.on('drop', ({ count, reason }) => log.error(`${count} events dropped: ${reason}`));
 * ```
 */
export interface SinkRunnerEvents {
  /** `count` items were delivered by one `send()`, attempt number `attempt`, which took `durationMs`. */
  delivered: (info: { readonly count: number; readonly attempt: number; readonly durationMs: number }) => void;
  /** `count` items failed attempt `attempt` as retryable and are sent again after `delayMs`. */
  retry: (info: { readonly count: number; readonly attempt: number; readonly delayMs: number; readonly error: Error }) => void;
  /** `count` items were given up for `reason` (`error` says why, when there is a cause). */
  drop: (info: { readonly count: number; readonly reason: DropReason; readonly error: Error | undefined }) => void;
  /** `count` items were durably written to the spill (and acknowledged as `spilled`). */
  spilled: (info: { readonly count: number }) => void;
  /** Something went wrong that the runner survived: a spill I/O error, a corrupt record, a sink contract violation, an `ack` callback that threw. */
  error: (error: Error) => void;
  /** `close()` finished. */
  close: () => void;
}

/**
 * A runner's counters and levels, since it was created.
 *
 * @example
 * ```ts
 * const { delivered, dropped, buffered } = runner.stats();
 * console.log(delivered, dropped['buffer-full'], buffered);
 * ```
 */
export interface SinkRunnerStats {
  /** Items held in memory: waiting, being sent or waiting for a retry. */
  readonly buffered: number;
  /** Of those, the items in a batch being sent or waiting for a retry. */
  readonly inFlight: number;
  /** Bytes (by `size`) held in memory. */
  readonly bufferedBytes: number;
  /** Callers of `enqueue()` waiting for room (`block`, or a spill slower than the stream). */
  readonly blocked: number;
  /** Bytes in the spill directory (0 without a spill). */
  readonly spilledBytes: number;
  /** Whether the spill holds records not yet read back. */
  readonly spillPending: boolean;
  /** Items delivered. */
  readonly delivered: number;
  /** Items acknowledged as spilled. */
  readonly spilled: number;
  /** Items sent again after a retryable failure (one per item per retry). */
  readonly retried: number;
  /** Item attempts that failed, by kind. */
  readonly failed: {
    /** Attempts answered `retryable` (one per item per attempt). */
    readonly retryable: number;
    /** Items answered `permanent`. */
    readonly permanent: number;
  };
  /** Items given up, by reason. */
  readonly dropped: Readonly<Record<DropReason, number>>;
}

/**
 * A sink wrapped in batching, concurrency, retry and a bounded buffer; make one with
 * {@link createSinkRunner}.
 *
 * Every item passed to `enqueue()` is settled exactly once through its `ack` callback: delivered,
 * spilled (durably, under the spill's fsync policy) or dropped with a reason. An exporter
 * checkpoints a watch position only once every item before it has been settled in every sink.
 * Delivery is at least once: an attempt that times out may have reached the receiver, and
 * spilled records delivered just before a crash are read back again; sinks use
 * {@link eventIdempotencyKey} where their receiver can deduplicate.
 *
 * @typeParam T - The items; {@link KubeEvent} by default.
 *
 * @example
 * ```ts
 * import { createSinkRunner, createWebhookSink } from 'kube-events/sinks';
 *
 * const runner = createSinkRunner(createWebhookSink({ url: 'https://hooks.example.com/k8s' }), { overflow: 'drop-oldest' });
 * for await (const ev of stream) {
 *   await runner.enqueue(ev, (outcome) => tracker.settled(ev, outcome));
 * }
 * await runner.close();
 * ```
 */
export interface SinkRunner<T = KubeEvent> extends EventEmitter<SinkRunnerEvents> {
  /** The sink's name. */
  readonly name: string;
  /** The registry its metrics are in. */
  readonly registry: Registry;
  /**
   * Hands `item` to the runner; `ack` is called once with its {@link ItemOutcome}. Resolves once
   * the item is taken (held, spilled or dropped): at once, except under `block` when the buffer is
   * full, or under `spill` when the disk is behind; await it for backpressure. Rejects with
   * {@link SinkRunnerClosedError} after `close()`.
   */
  enqueue(item: T, ack?: AckCallback): Promise<void>;
  /**
   * Sends what is held without waiting for batches to fill and resolves once nothing is held,
   * waiting, in flight or spilled. Rejects with `signal`'s reason when it aborts first.
   */
  drain(options?: { readonly signal?: AbortSignal }): Promise<void>;
  /**
   * Stops taking items, drains for up to `closeTimeout`, then aborts what is in flight and drops
   * (`closed`) what is left in memory (spilled records stay on disk for the next runner), closes
   * the spill and the sink. Idempotent.
   */
  close(): Promise<void>;
  /** Current counters. */
  stats(): SinkRunnerStats;
}

interface Blocked<T> {
  readonly item: T;
  readonly size: number;
  readonly ack: AckCallback | undefined;
  readonly resolve: () => void;
}

const RESOLVED = Promise.resolve();
const DELIVERED: ItemOutcome = Object.freeze({ status: 'delivered' });
const SPILLED: ItemOutcome = Object.freeze({ status: 'spilled' });
const ABORTED = Symbol('aborted');
const TIMED_OUT = Symbol('timed out');
const STATUSES = new Set(['delivered', 'retryable', 'permanent']);

function noop(): void {
  // Intentionally empty: a cancelled timer.
}

function zeroDrops(): Record<DropReason, number> {
  const out = {} as Record<DropReason, number>;
  for (const reason of DROP_REASONS) out[reason] = 0;
  return out;
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

class Runner<T> extends EventEmitter<SinkRunnerEvents> implements SinkRunner<T> {
  readonly name: string;
  readonly registry: Registry;
  readonly #s: RunnerSettings<T>;
  readonly #sink: Sink<T>;
  readonly #metrics: SinkMetrics;
  readonly #queue: PQueue;
  readonly #buffer = new ItemBuffer<T>();
  readonly #busy = new Map<string, number>();
  readonly #spill: SpillLog | undefined;
  #blocked: Blocked<T>[] = [];
  #blockedHead = 0;
  #inFlight = 0;
  #inFlightBytes = 0;
  /** Batches handed to the queue and not finished; p-queue counts a task as running until a microtask after it ends. */
  #batches = 0;
  /**
   * Set when a batch could not be formed because every waiting item's key is busy; cleared when a
   * key frees or an item of a free key arrives. Spares a scan of the whole buffer per `enqueue()`
   * during an outage.
   */
  #stalled = false;
  #refilling: Promise<void> | undefined;
  #linger: { at: number; ctl: AbortController } | undefined;
  #flushAll = 0;
  #closing = false;
  #closed: Promise<void> | undefined;
  readonly #shutdown = new AbortController();
  #idleWaiters: (() => void)[] = [];
  #delivered = 0;
  #spilled = 0;
  #spilledUnreported = 0;
  #retried = 0;
  #failedRetryable = 0;
  #failedPermanent = 0;
  readonly #dropped = zeroDrops();

  constructor(sink: Sink<T>, settings: RunnerSettings<T>) {
    super();
    this.name = sink.name;
    this.registry = settings.registry;
    this.#sink = sink;
    this.#s = settings;
    this.#queue = new PQueue({ concurrency: settings.concurrency });
    this.#metrics = new SinkMetrics(settings.registry, sink.name, {
      buffered: () => this.#buffer.length + this.#inFlight,
      spilledBytes: () => this.#spill?.bytes ?? 0,
    });
    const spill = settings.spill;
    if (spill !== undefined) {
      try {
        this.#spill = new SpillLog(
          { ...spill, sleep: settings.sleep },
          {
            written: () => {
              this.#reportSpilled();
              this.#admitBlocked();
              this.#refill();
            },
            error: (error) => this.emit('error', error),
            corrupt: (error, records) => {
              this.emit('error', error);
              this.#drop(records, 'corrupt', error);
            },
          },
        );
      } catch (err) {
        this.#metrics.release();
        throw err;
      }
      const opened = this.#spill;
      // After the caller has attached its listeners: report what opening found, replay what was left.
      queueMicrotask(() => {
        opened.reportStartup();
        this.#refill();
      });
    }
  }

  enqueue(item: T, ack?: AckCallback): Promise<void> {
    if (this.#closing) return Promise.reject(new SinkRunnerClosedError(this.name));
    const size = this.#s.size(item);
    if (this.#blockedHead < this.#blocked.length || !this.#admit(item, size, ack)) return this.#block(item, size, ack);
    return RESOLVED;
  }

  async drain(options?: { readonly signal?: AbortSignal }): Promise<void> {
    const signal = options?.signal;
    signal?.throwIfAborted();
    this.#flushAll++;
    try {
      this.#pump();
      if (this.#isIdle()) return;
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          this.#idleWaiters = this.#idleWaiters.filter((w) => w !== wake);
          reject(signal?.reason as Error);
        };
        const wake = (): void => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        this.#idleWaiters.push(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    } finally {
      this.#flushAll--;
    }
  }

  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  stats(): SinkRunnerStats {
    return {
      buffered: this.#buffer.length + this.#inFlight,
      inFlight: this.#inFlight,
      bufferedBytes: this.#buffer.bytes + this.#inFlightBytes,
      blocked: this.#blocked.length - this.#blockedHead,
      spilledBytes: this.#spill?.bytes ?? 0,
      spillPending: this.#spill?.hasUnread() ?? false,
      delivered: this.#delivered,
      spilled: this.#spilled,
      retried: this.#retried,
      failed: { retryable: this.#failedRetryable, permanent: this.#failedPermanent },
      dropped: { ...this.#dropped },
    };
  }

  // --- intake -------------------------------------------------------------------------------

  #held(): number {
    return this.#buffer.length + this.#inFlight;
  }

  #hasRoom(size: number): boolean {
    const held = this.#held();
    return held === 0 || (held < this.#s.bufferSize && this.#buffer.bytes + this.#inFlightBytes + size <= this.#s.maxBufferedBytes);
  }

  /** Places the item (memory, spill or dropped) and returns `true`, or returns `false` when it must wait. */
  #admit(item: T, size: number, ack: AckCallback | undefined): boolean {
    switch (this.#s.overflow) {
      case 'block':
        if (!this.#hasRoom(size)) return false;
        this.#push(item, size, ack, undefined);
        return true;
      case 'drop-newest':
        if (this.#hasRoom(size)) this.#push(item, size, ack, undefined);
        else this.#dropNew(ack, 'buffer-full');
        return true;
      case 'drop-oldest': {
        let evicted = 0;
        while (!this.#hasRoom(size) && this.#buffer.length > 0) {
          const oldest = this.#buffer.shift() as BufferEntry<T>;
          evicted++;
          this.#tell(oldest, { status: 'dropped', reason: 'buffer-full' });
        }
        if (evicted > 0) this.#drop(evicted, 'buffer-full', undefined);
        if (this.#hasRoom(size)) this.#push(item, size, ack, undefined);
        else this.#dropNew(ack, 'buffer-full');
        return true;
      }
      case 'spill': {
        const spill = this.#spill as SpillLog;
        if (this.#refilling === undefined && !spill.hasUnread() && this.#hasRoom(size)) {
          this.#push(item, size, ack, undefined);
          return true;
        }
        if (spill.pendingBytes >= (this.#s.spill?.maxPendingBytes ?? 0)) return false;
        this.#spillItem(spill, item, ack);
        return true;
      }
    }
  }

  #push(item: T, size: number, ack: AckCallback | undefined, spillRecord: number | undefined): void {
    const key = this.#s.key(item);
    this.#buffer.push({ item, key, size, enqueuedAt: this.#s.clock(), ack, spillRecord, prev: undefined, next: undefined });
    if (this.#stalled && (key === undefined || !this.#busy.has(key))) this.#stalled = false;
    this.#pump();
  }

  #spillItem(spill: SpillLog, item: T, ack: AckCallback | undefined): void {
    let payload: Uint8Array | string;
    try {
      payload = (this.#s.spill as NonNullable<RunnerSettings<T>['spill']>).codec.encode(item);
    } catch (err) {
      const error = asError(err);
      this.emit('error', error);
      this.#dropNew(ack, 'spill-failed', error);
      return;
    }
    const result = spill.append(payload, (error) => {
      if (error === undefined) {
        this.#spilled++;
        this.#spilledUnreported++;
        if (ack !== undefined) this.#callAck(ack, SPILLED);
      } else {
        this.#dropNew(ack, 'spill-failed', error);
      }
    });
    if (result === 'full') this.#dropNew(ack, 'spill-full');
    else if (result === 'closed') this.#dropNew(ack, 'closed');
  }

  #reportSpilled(): void {
    if (this.#spilledUnreported === 0) return;
    const count = this.#spilledUnreported;
    this.#spilledUnreported = 0;
    this.emit('spilled', { count });
  }

  #block(item: T, size: number, ack: AckCallback | undefined): Promise<void> {
    if (this.#blocked.length - this.#blockedHead >= this.#s.bufferSize) {
      // Callers that do not await enqueue() would otherwise grow this list without bound.
      this.#dropNew(ack, 'buffer-full');
      return RESOLVED;
    }
    return new Promise<void>((resolve) => {
      this.#blocked.push({ item, size, ack, resolve });
    });
  }

  #admitBlocked(): void {
    while (this.#blockedHead < this.#blocked.length) {
      const waiter = this.#blocked[this.#blockedHead] as Blocked<T>;
      if (!this.#admit(waiter.item, waiter.size, waiter.ack)) break;
      this.#blockedHead++;
      waiter.resolve();
    }
    if (this.#blockedHead === this.#blocked.length) {
      this.#blocked = [];
      this.#blockedHead = 0;
    } else if (this.#blockedHead > 1024 && this.#blockedHead * 2 > this.#blocked.length) {
      this.#blocked = this.#blocked.slice(this.#blockedHead);
      this.#blockedHead = 0;
    }
  }

  // --- sending ------------------------------------------------------------------------------

  #pump(): void {
    const s = this.#s;
    while (this.#batches < s.concurrency && !this.#stalled) {
      const head = this.#buffer.head;
      if (head === undefined) break;
      if (this.#flushAll === 0 && !this.#closing && this.#buffer.length < s.maxItems && this.#buffer.bytes < s.maxBytes) {
        const waited = s.clock() - head.enqueuedAt;
        if (waited < s.maxLatency) {
          this.#armLinger(s.maxLatency - waited);
          break;
        }
      }
      const batch = this.#buffer.take(s.maxItems, s.maxBytes, this.#busy);
      if (batch.length === 0) {
        // Every waiting item's key has a batch in flight.
        this.#stalled = true;
        break;
      }
      for (const entry of batch) {
        this.#inFlight++;
        this.#inFlightBytes += entry.size;
        if (entry.key !== undefined) this.#busy.set(entry.key, (this.#busy.get(entry.key) ?? 0) + 1);
      }
      this.#batches++;
      void this.#queue.add(() => this.#deliver(batch));
    }
  }

  #armLinger(ms: number): void {
    const at = this.#s.clock() + ms;
    if (this.#linger !== undefined) {
      if (this.#linger.at <= at) return;
      this.#linger.ctl.abort();
    }
    const ctl = new AbortController();
    const linger = { at, ctl };
    this.#linger = linger;
    this.#s.sleep(ms, ctl.signal).then(() => {
      if (this.#linger === linger) this.#linger = undefined;
      this.#pump();
    }, noop);
  }

  async #deliver(batch: BufferEntry<T>[]): Promise<void> {
    let pending = batch;
    try {
      for (let attempt = 1; ; attempt++) {
        const started = this.#s.clock();
        const results = await this.#attempt(pending, attempt);
        if (results === ABORTED) {
          this.#abandon(pending);
          return;
        }
        const retry: BufferEntry<T>[] = [];
        let sent = 0;
        let retryAfter: number | undefined;
        let lastError: Error | undefined;
        const permanent: BufferEntry<T>[] = [];
        let permanentError: Error | undefined;
        for (let i = 0; i < pending.length; i++) {
          const entry = pending[i] as BufferEntry<T>;
          const result = results[i] as SendResult;
          if (result.status === 'delivered') {
            sent++;
            this.#settle(entry, DELIVERED);
          } else if (result.status === 'permanent') {
            permanent.push(entry);
            permanentError ??= result.error;
            this.#settle(entry, { status: 'dropped', reason: 'permanent', error: result.error });
          } else {
            retry.push(entry);
            lastError = result.error;
            if (result.retryAfterMs !== undefined) retryAfter = Math.max(retryAfter ?? 0, result.retryAfterMs);
          }
        }
        this.#delivered += sent;
        this.#metrics.sent(sent);
        this.#failedPermanent += permanent.length;
        this.#metrics.failed('permanent', permanent.length);
        this.#failedRetryable += retry.length;
        this.#metrics.failed('retryable', retry.length);
        if (sent > 0) this.emit('delivered', { count: sent, attempt, durationMs: this.#s.clock() - started });
        if (permanent.length > 0) this.#drop(permanent.length, 'permanent', permanentError);
        if (sent > 0 || permanent.length > 0) this.#afterSettle();
        if (retry.length === 0) return;
        const error = lastError as Error;
        if (attempt >= this.#s.retry.maxAttempts) {
          for (const entry of retry) this.#settle(entry, { status: 'dropped', reason: 'retries-exhausted', error });
          this.#drop(retry.length, 'retries-exhausted', error);
          return;
        }
        if (this.#shutdown.signal.aborted) {
          this.#abandon(retry);
          return;
        }
        const delayMs = retryDelay(this.#s.retry, attempt, retryAfter, this.#s.random);
        this.emit('retry', { count: retry.length, attempt, delayMs, error });
        try {
          await this.#s.sleep(delayMs, this.#shutdown.signal);
        } catch {
          this.#abandon(retry);
          return;
        }
        this.#retried += retry.length;
        this.#metrics.retried(retry.length);
        pending = retry;
      }
    } finally {
      this.#batches--;
      this.#afterSettle();
    }
  }

  /** One `send()`: its results (one per entry), or `ABORTED` when the runner shut down first. */
  async #attempt(entries: readonly BufferEntry<T>[], attempt: number): Promise<readonly SendResult[] | typeof ABORTED> {
    const shutdown = this.#shutdown.signal;
    if (shutdown.aborted) return ABORTED;
    const ctl = new AbortController();
    const timer = new AbortController();
    const items = entries.map((e) => e.item);
    const started = this.#s.clock();
    const onShutdown = (): void => {
      ctl.abort(shutdown.reason);
    };
    shutdown.addEventListener('abort', onShutdown, { once: true });
    const contenders: Promise<unknown>[] = [
      Promise.resolve().then(() => this.#sink.send(items, { signal: ctl.signal, attempt })),
      new Promise((resolve) => {
        shutdown.addEventListener('abort', () => { resolve(ABORTED); }, { once: true, signal: timer.signal });
      }),
    ];
    if (this.#s.sendTimeout > 0) {
      contenders.push(
        this.#s.sleep(this.#s.sendTimeout, timer.signal).then(() => {
          ctl.abort(new SinkTimeoutError(this.name, this.#s.sendTimeout));
          return TIMED_OUT;
        }, noop),
      );
    }
    try {
      const raw = await Promise.race(contenders);
      if (raw === ABORTED) return ABORTED;
      if (raw === TIMED_OUT) return this.#fill(entries.length, { status: 'retryable', error: new SinkTimeoutError(this.name, this.#s.sendTimeout) });
      return this.#normalize(raw, entries.length);
    } catch (err) {
      if (this.#isShutDown()) return ABORTED;
      return this.#fill(entries.length, { status: 'retryable', error: new SinkSendError(this.name, err) });
    } finally {
      timer.abort();
      shutdown.removeEventListener('abort', onShutdown);
      this.#metrics.observe((this.#s.clock() - started) / 1000);
    }
  }

  /** A method, so that type narrowing does not assume the signal cannot change across an await. */
  #isShutDown(): boolean {
    return this.#shutdown.signal.aborted;
  }

  #fill(n: number, result: SendResult): SendResult[] {
    return Array.from({ length: n }, () => result);
  }

  #normalize(raw: unknown, n: number): readonly SendResult[] {
    const check = (value: unknown): SendResult | string => {
      if (typeof value !== 'object' || value === null) return 'a result is not an object';
      const { status, error } = value as { status?: unknown; error?: unknown };
      if (typeof status !== 'string' || !STATUSES.has(status)) return `unknown result status ${JSON.stringify(status)}`;
      if (status !== 'delivered' && !(error instanceof Error)) return `a ${status} result without an Error`;
      return value as SendResult;
    };
    let problem: string | undefined;
    let results: readonly SendResult[] = [];
    if (Array.isArray(raw)) {
      if (raw.length !== n) {
        problem = `send() resolved with ${raw.length} results for a batch of ${n}`;
      } else {
        const checked = raw.map(check);
        problem = checked.find((c) => typeof c === 'string');
        results = checked as SendResult[];
      }
    } else {
      const one = check(raw);
      if (typeof one === 'string') problem = one;
      else results = this.#fill(n, one);
    }
    if (problem === undefined) return results;
    const error = new SinkContractError(this.name, problem);
    this.emit('error', error);
    return this.#fill(n, { status: 'permanent', error });
  }

  /** Entries in flight that the runner gives up at shutdown: spilled ones stay on disk, the rest are dropped as `closed`. */
  #abandon(entries: readonly BufferEntry<T>[]): void {
    let closed = 0;
    for (const entry of entries) {
      this.#release(entry);
      if (entry.spillRecord !== undefined) continue;
      closed++;
      this.#tell(entry, { status: 'dropped', reason: 'closed' });
    }
    this.#drop(closed, 'closed', undefined);
  }

  /** An in-flight entry is settled: it leaves the bounds, its key frees, its spill record is consumed, upstream is told. */
  #settle(entry: BufferEntry<T>, outcome: ItemOutcome): void {
    this.#release(entry);
    if (entry.spillRecord !== undefined) this.#spill?.consumed(entry.spillRecord);
    this.#tell(entry, outcome);
  }

  #release(entry: BufferEntry<T>): void {
    this.#inFlight--;
    this.#inFlightBytes -= entry.size;
    if (entry.key !== undefined) {
      const n = (this.#busy.get(entry.key) ?? 1) - 1;
      if (n === 0) {
        this.#busy.delete(entry.key);
        this.#stalled = false;
      } else {
        this.#busy.set(entry.key, n);
      }
    }
  }

  #tell(entry: BufferEntry<T>, outcome: ItemOutcome): void {
    const ack = entry.ack;
    if (ack === undefined) return;
    entry.ack = undefined;
    this.#callAck(ack, outcome);
  }

  #callAck(ack: AckCallback, outcome: ItemOutcome): void {
    try {
      ack(outcome);
    } catch (err) {
      this.emit('error', asError(err));
    }
  }

  #dropNew(ack: AckCallback | undefined, reason: DropReason, error?: Error): void {
    if (ack !== undefined) this.#callAck(ack, error === undefined ? { status: 'dropped', reason } : { status: 'dropped', reason, error });
    this.#drop(1, reason, error);
  }

  #drop(count: number, reason: DropReason, error: Error | undefined): void {
    if (count === 0) return;
    this.#dropped[reason] += count;
    this.#metrics.dropped(reason, count);
    this.emit('drop', { count, reason, error });
  }

  #afterSettle(): void {
    this.#admitBlocked();
    this.#refill();
    this.#pump();
    this.#checkIdle();
  }

  // --- spill read-back ----------------------------------------------------------------------

  #refill(): void {
    const spill = this.#spill;
    if (spill === undefined || this.#refilling !== undefined || this.#shutdown.signal.aborted) return;
    if (!spill.hasUnread()) return;
    const held = this.#held();
    if (held > this.#s.bufferSize / 2) return;
    this.#refilling = this.#readBack(spill, this.#s.bufferSize - held);
  }

  async #readBack(spill: SpillLog, max: number): Promise<void> {
    let records: SpilledRecord[] = [];
    try {
      records = await spill.read(max);
    } catch (err) {
      this.emit('error', asError(err));
    }
    const codec = (this.#s.spill as NonNullable<RunnerSettings<T>['spill']>).codec;
    let corrupt = 0;
    let firstError: Error | undefined;
    for (const record of records) {
      let item: T;
      try {
        item = codec.decode(record.payload);
      } catch (err) {
        corrupt++;
        firstError ??= asError(err);
        spill.consumed(record.id);
        continue;
      }
      this.#buffer.push({
        item,
        key: this.#s.key(item),
        size: this.#s.size(item),
        enqueuedAt: this.#s.clock(),
        ack: undefined,
        spillRecord: record.id,
        prev: undefined,
        next: undefined,
      });
    }
    if (firstError !== undefined) {
      this.emit('error', firstError);
      this.#drop(corrupt, 'corrupt', firstError);
    }
    this.#refilling = undefined;
    if (records.length > 0) this.#stalled = false;
    this.#pump();
    this.#admitBlocked();
    if (records.length > 0) this.#refill();
    this.#checkIdle();
  }

  // --- drain and close ----------------------------------------------------------------------

  #isIdle(): boolean {
    return (
      this.#buffer.length === 0 &&
      this.#inFlight === 0 &&
      this.#blockedHead === this.#blocked.length &&
      this.#refilling === undefined &&
      !(this.#spill?.hasUnread() ?? false)
    );
  }

  #checkIdle(): void {
    if (this.#idleWaiters.length === 0 || !this.#isIdle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }

  async #close(): Promise<void> {
    this.#closing = true;
    const timeout = new AbortController();
    const drained = await Promise.race([
      this.drain({ signal: timeout.signal }).then(
        () => true,
        () => false,
      ),
      this.#s.sleep(this.#s.closeTimeout, timeout.signal).then(
        () => false,
        () => false,
      ),
    ]);
    timeout.abort();
    if (!drained) {
      this.#shutdown.abort(new SinkRunnerClosedError(this.name));
      await this.#refilling;
      const waiting = this.#buffer.clear();
      for (const entry of waiting) {
        // Not in flight: count them in so that #abandon's release balances.
        this.#inFlight++;
        this.#inFlightBytes += entry.size;
        if (entry.key !== undefined) this.#busy.set(entry.key, (this.#busy.get(entry.key) ?? 0) + 1);
      }
      this.#abandon(waiting);
      const blocked = this.#blocked.slice(this.#blockedHead);
      this.#blocked = [];
      this.#blockedHead = 0;
      for (const waiter of blocked) {
        this.#dropNew(waiter.ack, 'closed');
        waiter.resolve();
      }
      await this.#queue.onIdle();
    }
    this.#linger?.ctl.abort();
    this.#linger = undefined;
    if (this.#spill !== undefined) {
      await this.#spill.close();
      this.#reportSpilled();
    }
    this.#metrics.release();
    try {
      await this.#sink.close?.();
    } catch (err) {
      this.emit('error', asError(err));
    }
    this.emit('close');
  }
}

/**
 * Wraps `sink` in the runner: batching (`batch`), `concurrency` batches in flight (p-queue),
 * retries of `retryable` results with exponential backoff and jitter or the receiver's
 * `Retry-After` (`retry`), order within each `key` kept across retries, a buffer bounded in items
 * and bytes with an `overflow` policy (`block`, `drop-oldest`, `drop-newest`, `spill` to disk),
 * acknowledgements per item, and metrics in `registry`. Under `spill`, records left by an earlier
 * runner in the same directory are replayed first, in order.
 *
 * @typeParam T - The items; {@link KubeEvent} by default (pass `key`, `size` and `spill.codec`
 * for others).
 * @param sink - The sink.
 * @param options - See {@link SinkRunnerOptions}.
 * @returns The runner.
 * @throws `InvalidOptionError` (from `kube-events`) for an invalid sink or option; {@link SpillError} when the
 * spill directory cannot be opened or is locked by another live process.
 *
 * @example
 * ```ts
 * import { createSinkRunner, createFileSink } from 'kube-events/sinks';
 *
 * const runner = createSinkRunner(createFileSink({ path: '/var/log/kube-events.jsonl' }), {
 *   batch: { maxItems: 200, maxLatency: 250 },
 *   overflow: 'spill',
 *   spill: { directory: '/var/lib/kube-events/spill/file' },
 * });
 * runner.on('drop', ({ count, reason }) => console.error(`dropped ${count}: ${reason}`));
 * await runner.enqueue(ev, (outcome) => console.log(ev.uid, outcome.status));
 * await runner.close();
 * ```
 */
export function createSinkRunner<T = KubeEvent>(sink: Sink<T>, options?: SinkRunnerOptions<T>): SinkRunner<T> {
  checkSink(sink);
  return new Runner(sink, resolveRunnerOptions(options));
}
