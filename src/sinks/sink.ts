/**
 * The one interface every sink implements: a name, `send(batch, { signal })` returning one result
 * per item, and an optional `close()`. Concurrency, batching, retry and buffering live in the
 * runner around it ({@link createSinkRunner}), never in the sink.
 *
 * @module
 */
import type { KubeEvent } from '../stream/kube-event.ts';

/**
 * The item was delivered: the receiver has it (or already had it, for an idempotent receiver).
 *
 * @example
 * ```ts
 * const ok: SendResult = { status: 'delivered' };
 * ```
 */
export interface DeliveredResult {
  /** Always `delivered`. */
  readonly status: 'delivered';
}

/**
 * The item was not delivered but may be on a later attempt: a timeout, a refused connection, an
 * HTTP 408/429/5xx, a bulk item rejected with a `429` or `503`. The runner retries it with
 * exponential backoff, or after `retryAfterMs` when the receiver said when to come back.
 *
 * @example
 * ```ts
 * const busy: SendResult = { status: 'retryable', error: new Error('HTTP 429'), retryAfterMs: 2_000 };
 * ```
 */
export interface RetryableResult {
  /** Always `retryable`. */
  readonly status: 'retryable';
  /** Why it failed. */
  readonly error: Error;
  /** How long the receiver asked to wait before the next attempt (HTTP `Retry-After`), in milliseconds. */
  readonly retryAfterMs?: number;
}

/**
 * The item can never be delivered as it is: the receiver rejected it (HTTP 400, a mapping error in
 * a bulk response, a payload too large). The runner does not retry it; it acknowledges it as
 * `failed` and counts it as dropped with reason `permanent`.
 *
 * @example
 * ```ts
 * const rejected: SendResult = { status: 'permanent', error: new Error('HTTP 400: unknown field') };
 * ```
 */
export interface PermanentResult {
  /** Always `permanent`. */
  readonly status: 'permanent';
  /** Why it was rejected. */
  readonly error: Error;
}

/**
 * What became of one item of a batch. Partial success is normal: a bulk API may store most items
 * of a batch, ask to retry a few and reject one.
 *
 * @example
 * ```ts
 * import { match } from 'ts-pattern';
 *
 * const text = match(result)
 *   .with({ status: 'delivered' }, () => 'ok')
 *   .with({ status: 'retryable' }, (r) => `later (${r.error.message})`)
 *   .with({ status: 'permanent' }, (r) => `never (${r.error.message})`)
 *   .exhaustive();
 * ```
 */
export type SendResult = DeliveredResult | RetryableResult | PermanentResult;

/**
 * What `send()` gets besides the batch.
 *
 * @example
 * ```ts
 * async send(batch, { signal, attempt }) {
 *   const res = await fetch(url, { method: 'POST', body: JSON.stringify(batch), signal });
 *   if (attempt > 1) console.debug(`attempt ${attempt} for ${batch.length} events`);
 *   return res.ok ? delivered() : retryable(new Error(`HTTP ${res.status}`));
 * }
 * ```
 */
export interface SendContext {
  /**
   * Aborts when the attempt timed out (`sendTimeout`) or the runner is shutting down; pass it on
   * to the network call.
   */
  readonly signal: AbortSignal;
  /** 1 for the first attempt at these items, 2 for the first retry, and so on. */
  readonly attempt: number;
}

/**
 * A destination for events. The contract in one sentence: **`send(batch)` delivers the items in
 * order and resolves with one {@link SendResult} per item, or one result for the whole batch;
 * throwing is the same as a `retryable` result for every item.**
 *
 * A sink never retries, buffers or runs sends in parallel by itself: the runner calls `send()` with
 * at most one batch per ordering key in flight and does all of that around it. Items that must be
 * retried come back in a later `send()`, in their original order. Partial results must keep each
 * key in order: once an item is `retryable`, the later items of the same key in that batch must
 * not be stored either (answer them `retryable` too, as the webhook sink does by stopping at the
 * first retryable failure); the runner cannot undo a delivery. A sink whose receiver is
 * idempotent uses {@link eventIdempotencyKey} (uid + resourceVersion) as the document or message
 * id, so that a retry after an ambiguous failure (a timeout after the receiver stored the batch)
 * does not duplicate.
 *
 * @typeParam T - The items it takes; {@link KubeEvent} by default.
 *
 * @example
 * ```ts
 * import type { Sink } from 'kube-events/sinks';
 *
 * const consoleSink: Sink = {
 *   name: 'console',
 *   send(batch) {
 *     for (const ev of batch) console.log(ev.reason, ev.message);
 *     return Promise.resolve({ status: 'delivered' });
 *   },
 * };
 * ```
 */
export interface Sink<T = KubeEvent> {
  /** A short, unique name for logs and metrics labels, e.g. `webhook` or `es-prod`. */
  readonly name: string;
  /**
   * Delivers `batch` (never empty), in order. Resolves with one result per item (same length and
   * order as `batch`) or one result that applies to every item.
   */
  send(batch: readonly T[], context: SendContext): Promise<SendResult | readonly SendResult[]>;
  /** Releases connections, file handles and timers. Called once, by the runner's `close()`, after the last `send()` settled. */
  close?(): Promise<void>;
}

const DELIVERED: DeliveredResult = Object.freeze({ status: 'delivered' });

/**
 * The `delivered` result.
 *
 * @returns `{ status: 'delivered' }` (one shared, frozen object).
 *
 * @example
 * ```ts
 * return delivered();
 * ```
 */
export function delivered(): DeliveredResult {
  return DELIVERED;
}

/**
 * A `retryable` result.
 *
 * @param error - Why the attempt failed.
 * @param retryAfterMs - How long the receiver asked to wait, in milliseconds (HTTP `Retry-After`), if it said.
 * @returns The result.
 *
 * @example
 * ```ts
 * if (res.status === 429) return retryable(new Error('rate limited'), parseRetryAfter(res.headers.get('retry-after')));
 * ```
 */
export function retryable(error: Error, retryAfterMs?: number): RetryableResult {
  return retryAfterMs === undefined ? { status: 'retryable', error } : { status: 'retryable', error, retryAfterMs };
}

/**
 * A `permanent` result.
 *
 * @param error - Why the receiver rejected the item.
 * @returns The result.
 *
 * @example
 * ```ts
 * if (res.status === 400) return permanent(new Error(await res.text()));
 * ```
 */
export function permanent(error: Error): PermanentResult {
  return { status: 'permanent', error };
}
