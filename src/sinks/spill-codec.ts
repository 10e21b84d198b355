/**
 * How items are written to and read back from the spill: {@link SpillCodec}, and
 * {@link kubeEventCodec}, the default for {@link KubeEvent}s.
 *
 * @module
 */
import { fromCoreV1Event, fromEventsV1Event, toCoreV1Event, toEventsV1Event } from '../stream/kube-event.ts';
import type { CoreV1EventInput, EventsV1EventInput, KubeEvent } from '../stream/kube-event.ts';

/**
 * Turns items into bytes for the spill and back. `decode(encode(x))` must give an item the sink
 * treats as `x`.
 *
 * @typeParam T - The items.
 *
 * @example
 * ```ts
 * const jsonCodec: SpillCodec<{ id: string }> = {
 *   encode: (item) => JSON.stringify(item),
 *   decode: (bytes) => JSON.parse(bytes.toString('utf8')) as { id: string },
 * };
 * ```
 */
export interface SpillCodec<T> {
  /** The item as bytes (a string is written as UTF-8). */
  encode(item: T): Uint8Array | string;
  /** The item back from what `encode` returned. */
  decode(bytes: Buffer): T;
}

/** The fields `fromCoreV1Event`/`fromEventsV1Event` produce; anything else on an item is enrichment. */
const KUBE_EVENT_KEYS = new Set([
  'api',
  'raw',
  'uid',
  'name',
  'namespace',
  'resourceVersion',
  'type',
  'reason',
  'action',
  'message',
  'regarding',
  'related',
  'reportingController',
  'reportingInstance',
  'source',
  'count',
  'firstTimestamp',
  'lastTimestamp',
  'eventTime',
  'series',
  'labels',
  'annotations',
  'creationTimestamp',
  'timestampText',
]);

interface SpilledEvent {
  /** The API. */
  a: KubeEvent['api'];
  /** The Event object as that API serves it, changed fields applied. */
  o: unknown;
  /** Other own properties (enrichment), as JSON. */
  x?: Record<string, unknown>;
}

/**
 * The default spill codec for {@link KubeEvent}s: the Event object as its API serves it (with any
 * changed field applied, see `toCoreV1Event`) plus any extra own properties (enrichment) as JSON,
 * read back with `fromCoreV1Event`/`fromEventsV1Event`. Extra properties must be JSON-safe.
 *
 * @example
 * ```ts
 * const bytes = kubeEventCodec.encode(ev);
 * kubeEventCodec.decode(Buffer.from(bytes)).message === ev.message; // true
 * ```
 */
export const kubeEventCodec: SpillCodec<KubeEvent> = {
  encode(ev) {
    const spilled: SpilledEvent = { a: ev.api, o: ev.api === 'core/v1' ? toCoreV1Event(ev) : toEventsV1Event(ev) };
    for (const key of Object.keys(ev)) {
      if (KUBE_EVENT_KEYS.has(key)) continue;
      spilled.x ??= {};
      spilled.x[key] = (ev as unknown as Record<string, unknown>)[key];
    }
    return JSON.stringify(spilled);
  },
  decode(bytes) {
    const spilled = JSON.parse(bytes.toString('utf8')) as SpilledEvent;
    const ev: KubeEvent = spilled.a === 'core/v1' ? fromCoreV1Event(spilled.o as CoreV1EventInput) : fromEventsV1Event(spilled.o as EventsV1EventInput);
    return spilled.x === undefined ? ev : { ...ev, ...spilled.x };
  },
};
