/**
 * What an EventStream yields: a discriminated union on `type`.
 *
 * @module
 */
import type { KubeEvent } from './kube-event.ts';
import type { EventStreamError } from './stream-errors.ts';

/** Where an item came from: a list (or the initial events of a streaming watch), or a live watch. */
export type ItemOrigin = 'list' | 'watch';

/**
 * An Event the consumer has not seen before (this uid was never delivered): created, or seen for
 * the first time on the initial list.
 *
 * @example
 * ```ts
 * if (item.type === 'added') console.log(item.event.reason, item.event.message);
 * ```
 */
export interface EventAddedItem {
  /** Always `added`. */
  readonly type: 'added';
  /** The Event. */
  readonly event: KubeEvent;
  /** Where it came from. */
  readonly origin: ItemOrigin;
  /** The item's sequence number in this stream (for `commit`). */
  readonly seq: number;
}

/**
 * A new version of an Event the consumer has seen: it was written again, e.g. its `count` went
 * from 3 to 4. Every version the server sends is delivered once; versions written while the stream
 * was disconnected past the server's history are folded into the latest one.
 *
 * @example
 * ```ts
 * if (item.type === 'updated') console.log(`${item.event.reason} ×${item.event.count}`);
 * ```
 */
export interface EventUpdatedItem {
  /** Always `updated`. */
  readonly type: 'updated';
  /** The Event as it is now. */
  readonly event: KubeEvent;
  /** The resourceVersion the consumer saw last. */
  readonly previousResourceVersion: string;
  /** Where it came from. */
  readonly origin: ItemOrigin;
  /** The item's sequence number in this stream. */
  readonly seq: number;
}

/** The identity of a tracked Event. */
export interface EventKey {
  /** `metadata.uid`. */
  readonly uid: string;
  /** `metadata.namespace`. */
  readonly namespace: string;
  /** `metadata.name`. */
  readonly name: string;
  /**
   * The resourceVersion of the deletion when the server sent it (a watch `DELETED`), else the
   * last resourceVersion the consumer saw.
   */
  readonly resourceVersion: string;
}

/**
 * An Event the consumer has seen was deleted (by its TTL, by a client, or it no longer matches the
 * stream's selectors). `event` is its final state when the server sent it (a watch `DELETED`);
 * it is `undefined` when the deletion was only found by a relist, after the history the watch
 * needed was gone (client-go calls this `DeletedFinalStateUnknown`).
 *
 * @example
 * ```ts
 * if (item.type === 'deleted') console.log(`gone: ${item.key.namespace}/${item.key.name}`);
 * ```
 */
export interface EventDeletedItem {
  /** Always `deleted`. */
  readonly type: 'deleted';
  /** Which Event. */
  readonly key: EventKey;
  /** The final state, when known. */
  readonly event: KubeEvent | undefined;
  /** Where it came from. */
  readonly origin: ItemOrigin;
  /** The item's sequence number in this stream. */
  readonly seq: number;
}

/** Why a `synced` item was sent. */
export type SyncReason = 'initial' | 'relist' | 'resync' | 'resume';

/**
 * The consumer's view matches the server at `resourceVersion`: after the initial list
 * (`initial`), after a relist that followed a 410 Gone (`relist`), after a periodic resync
 * (`resync`), or at once when resuming from a checkpoint (`resume`).
 *
 * @example
 * ```ts
 * if (item.type === 'synced' && item.reason === 'initial') console.log(`caught up: ${item.trackedEvents} events`);
 * ```
 */
export interface StreamSyncedItem {
  /** Always `synced`. */
  readonly type: 'synced';
  /** Why. */
  readonly reason: SyncReason;
  /** The resourceVersion the view matches (opaque). */
  readonly resourceVersion: string;
  /** How many Events the stream tracks now. */
  readonly trackedEvents: number;
  /** The item's sequence number in this stream. */
  readonly seq: number;
}

/**
 * Something went wrong; the same error is emitted as `error`. With `retrying` the stream goes on
 * by itself (after `retryInMs` when it waits), so a `for await` loop need not do anything; without
 * it the error did not stop the stream either (a skipped invalid object). An error that ends the
 * stream is thrown by the iterator instead.
 *
 * @example
 * ```ts
 * if (item.type === 'error' && item.error.code === 'ERR_STREAM_AUTH') console.error(item.error.message);
 * ```
 */
export interface StreamErrorItem {
  /** Always `error`. */
  readonly type: 'error';
  /** The error. */
  readonly error: EventStreamError;
  /** True when the stream retries. */
  readonly retrying: boolean;
  /** How long the stream waits before it retries, in ms; `undefined` when it does not wait. */
  readonly retryInMs: number | undefined;
  /** The item's sequence number in this stream. */
  readonly seq: number;
}

/**
 * One item of an EventStream. Match it exhaustively with ts-pattern:
 *
 * @example
 * ```ts
 * import { match } from 'ts-pattern';
 *
 * for await (const item of stream) {
 *   match(item)
 *     .with({ type: 'added' }, ({ event }) => console.log('+', event.reason, event.message))
 *     .with({ type: 'updated' }, ({ event }) => console.log('~', event.reason, `×${event.count}`))
 *     .with({ type: 'deleted' }, ({ key }) => console.log('-', key.name))
 *     .with({ type: 'synced' }, ({ reason }) => console.log('synced', reason))
 *     .with({ type: 'error' }, ({ error }) => console.warn(error.message))
 *     .exhaustive();
 * }
 * ```
 */
export type EventStreamItem = EventAddedItem | EventUpdatedItem | EventDeletedItem | StreamSyncedItem | StreamErrorItem;
