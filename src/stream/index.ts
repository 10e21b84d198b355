/**
 * `kube-events/stream`: follow a cluster's Events. This release holds the normalized
 * {@link KubeEvent} model shared by every part; the EventStream itself is being built (issue 3).
 *
 * @example
 * ```ts
 * import { fromEventObject } from 'kube-events/stream';
 *
 * const ev = fromEventObject(JSON.parse(line).object, 'core/v1');
 * console.log(ev.type, ev.reason, ev.regarding.kind, ev.regarding.name, ev.count);
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
