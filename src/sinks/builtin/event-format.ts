/**
 * How the built-in sinks write an event when no layout is given: {@link eventAsJson}, and the
 * readable one-line form {@link formatEventLine}.
 *
 * @module
 */
import type { KubeEvent } from '../../stream/kube-event.ts';

/**
 * The default layout of the built-in sinks: the {@link KubeEvent} itself, which serializes to its
 * normalized fields (timestamps as RFC 3339) plus `raw`, the Event object as the API served it.
 *
 * @param ev - The event.
 * @returns What to serialize.
 *
 * @example
 * ```ts
 * JSON.stringify(eventAsJson(ev)); // {"api":"core/v1","raw":{…},"uid":"…","reason":"BackOff",…}
 * ```
 */
export function eventAsJson(ev: KubeEvent): unknown {
  return ev;
}

/**
 * An event as one readable line: time, type, reason, object, message and count, e.g.
 * `2026-01-02T03:04:05Z Warning BackOff Pod default/web-0: Back-off restarting failed container (x3)`.
 * The time is the last occurrence (`series.lastObservedTime`, `lastTimestamp`, `eventTime`,
 * `firstTimestamp`, then `creationTimestamp`, the first that is set); line breaks in the message
 * become spaces.
 *
 * @param ev - The event.
 * @returns The line, without a line break.
 *
 * @example
 * ```ts
 * console.log(formatEventLine(ev));
 * ```
 */
export function formatEventLine(ev: KubeEvent): string {
  const t = ev.timestampText;
  const time = t.seriesLastObservedTime ?? t.lastTimestamp ?? t.eventTime ?? t.firstTimestamp ?? t.creationTimestamp ?? '-';
  const ref = ev.regarding;
  const object = `${ref.kind === '' ? '-' : ref.kind} ${ref.namespace === '' ? '' : `${ref.namespace}/`}${ref.name}`;
  const message = ev.message.replace(/[\r\n]+/g, ' ');
  return `${time} ${ev.type === '' ? '-' : ev.type} ${ev.reason === '' ? '-' : ev.reason} ${object}: ${message}${ev.count > 1 ? ` (x${ev.count})` : ''}`;
}
