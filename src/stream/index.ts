/**
 * `kube-events/stream`: follow a cluster's Events with no loss, no duplicates and no silent
 * hangs — {@link createEventStream} — and the normalized {@link KubeEvent} model shared by every
 * part of kube-events.
 *
 * @example
 * ```ts
 * import { createEventStream } from 'kube-events/stream';
 *
 * const stream = createEventStream({ namespace: 'prod', fieldSelector: 'type=Warning' });
 * for await (const item of stream) {
 *   if (item.type === 'added' || item.type === 'updated') {
 *     const ev = item.event;
 *     console.log(ev.type, ev.reason, ev.regarding.kind, ev.regarding.name, ev.count);
 *   }
 * }
 * ```
 *
 * @packageDocumentation
 */
export { fromCoreV1Event, fromEventsV1Event, fromEventObject, toCoreV1Event, toEventsV1Event, InvalidEventError } from './kube-event.ts';
export type {
  KubeEvent,
  CoreV1KubeEvent,
  EventsV1KubeEvent,
  KubeEventFields,
  KubeEventSource,
  KubeEventSeries,
  KubeEventTimestampText,
  EventApi,
  EventType,
  EventInput,
  EventJson,
  CoreV1EventInput,
  EventsV1EventInput,
  CoreV1EventJson,
  EventsV1EventJson,
} from './kube-event.ts';
export type { EventReference } from './event-reference.ts';

export { createEventStream } from './event-stream.ts';
export type { EventStream, EventStreamEvents, EventStreamState, EventStreamStats, ReconnectInfo, StreamPosition } from './event-stream.ts';
export {
  DEFAULT_BUFFER_SIZE,
  DEFAULT_CHECKPOINT_INTERVAL_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_PAGE_SIZE,
  DEFAULT_WATCH_TIMEOUT_SECONDS,
} from './event-stream-options.ts';
export type { EventStreamOptions } from './event-stream-options.ts';
export type { GoneInfo, InitialListStrategy } from './event-watcher.ts';
export type {
  EventStreamItem,
  EventAddedItem,
  EventUpdatedItem,
  EventDeletedItem,
  StreamSyncedItem,
  StreamErrorItem,
  EventKey,
  ItemOrigin,
  SyncReason,
} from './stream-item.ts';
export {
  KubeApiError,
  EventStreamAuthError,
  EventStreamNetworkError,
  StreamIdleTimeoutError,
  MalformedWatchLineError,
  InvalidStreamObjectError,
  CheckpointError,
  EventStreamStateError,
} from './stream-errors.ts';
export type { EventStreamError, KubeStatus, KubeStatusCause, KubeStatusDetails, RbacRule, StreamOperation } from './stream-errors.ts';
export {
  createBackoff,
  DEFAULT_BACKOFF_FACTOR,
  DEFAULT_BACKOFF_INITIAL_DELAY_MS,
  DEFAULT_BACKOFF_JITTER,
  DEFAULT_BACKOFF_MAX_DELAY_MS,
  DEFAULT_BACKOFF_RESET_AFTER_MS,
} from './backoff.ts';
export type { Backoff, BackoffOptions } from './backoff.ts';
export { systemClock } from './stream-clock.ts';
export type { StreamClock } from './stream-clock.ts';
export { createMemoryCheckpointStore, parseCheckpoint } from './checkpoint.ts';
export type { Checkpoint, CheckpointEvent, CheckpointStore, MemoryCheckpointStore } from './checkpoint.ts';
export { createFileCheckpointStore } from './file-checkpoint-store.ts';
export { createConfigMapCheckpointStore } from './config-map-checkpoint-store.ts';
export type { ConfigMapCheckpointStoreOptions } from './config-map-checkpoint-store.ts';
