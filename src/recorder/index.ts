/**
 * `kube-events/recorder`: record Kubernetes Events the way client-go does — correlated,
 * aggregated, rate-limited, retried, and never blocking the caller — for `core/v1` and
 * `events.k8s.io/v1`.
 *
 * @example
 * ```ts
 * import { KubeConfig } from '@kubernetes/client-node';
 * import { createEventRecorder } from 'kube-events/recorder';
 *
 * const kubeConfig = new KubeConfig();
 * kubeConfig.loadFromDefault();
 * const recorder = createEventRecorder({ kubeConfig, component: 'one-pilot.example.com/webhook' });
 * recorder.warning(deployment, 'OnePilotFail', 'could not inject the sidecar');
 * await recorder.close();
 * ```
 *
 * @packageDocumentation
 */
export { createEventRecorder } from './event-recorder.ts';
export type {
  EventRecorder,
  EventExtra,
  EventRecorderEvents,
  EventRecorderStats,
  SentEventInfo,
  DroppedEventInfo,
  DropReason,
  CloseOptions,
} from './event-recorder.ts';
export { DEFAULT_QUEUE_SIZE, DEFAULT_CONCURRENCY, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_CLOSE_TIMEOUT_MS } from './recorder-options.ts';
export type { EventRecorderOptions } from './recorder-options.ts';
export type { EventApi } from './event-writers.ts';
export { DEFAULT_CORRELATOR_OPTIONS, AGGREGATED_MESSAGE_PREFIX } from './event-correlator.ts';
export type { CorrelatorOptions } from './event-correlator.ts';
export { SERIES_REFRESH_INTERVAL_MS, SERIES_FINISH_AFTER_MS } from './event-series.ts';
export { DEFAULT_RETRY_POLICY } from './retry-policy.ts';
export type { RetryPolicy } from './retry-policy.ts';
export { systemClock } from './recorder-clock.ts';
export type { RecorderClock, RecorderTimer } from './recorder-clock.ts';
export {
  EVENT_REASON_MAX_BYTES,
  EVENT_ACTION_MAX_BYTES,
  EVENT_NOTE_MAX_BYTES,
  REPORTING_INSTANCE_MAX_BYTES,
  NOTE_TRUNCATION_MARKER,
  truncateNote,
} from './event-content.ts';
export type { EventType } from './event-content.ts';
export type { EventObject, KubernetesObjectLike, ObjectReferenceLike, EventObjectMeta, EventObjectReference } from './object-reference.ts';
export { InvalidEventObjectError, EventValidationError, EventForbiddenError, EventRejectedError, EventWriteFailedError, KubeApiError } from './recorder-errors.ts';
export type { MissingReferenceField, RecorderPolicyRule } from './recorder-errors.ts';
