/**
 * The runner's defaults for {@link KubeEvent} items: the ordering key (the involved object), the
 * idempotency key (uid + resourceVersion) and a cheap size estimate.
 *
 * @module
 */
import type { KubeEvent } from '../stream/kube-event.ts';

/**
 * The ordering key of an event: its involved object (`regarding`), by uid when it has one, else by
 * `kind/namespace/name`. The runner keeps the events of one key in order, across retries.
 *
 * @param ev - The event.
 * @returns The key.
 *
 * @example
 * ```ts
 * eventOrderingKey(ev); // '8b0a7c3e-…' or 'Pod/default/web-1'
 * ```
 */
export function eventOrderingKey(ev: KubeEvent): string {
  const ref = ev.regarding;
  return ref.uid !== '' ? ref.uid : `${ref.kind}/${ref.namespace}/${ref.name}`;
}

/**
 * The idempotency key of an event: `uid/resourceVersion`. Every change of a stored Event (a
 * `count` bump) has a new resourceVersion, so the key names one version of one Event: the NATS
 * `Nats-Msg-Id`, the webhook `Idempotency-Key`, the Opsgenie `alias` suffix.
 *
 * @param ev - The event.
 * @returns The key.
 *
 * @example
 * ```ts
 * headers['Idempotency-Key'] = eventIdempotencyKey(ev); // 'a1b2…/18342'
 * ```
 */
export function eventIdempotencyKey(ev: KubeEvent): string {
  return `${ev.uid}/${ev.resourceVersion}`;
}

/** Bytes of JSON an Event carries besides its free-text fields: metadata, references, timestamps. */
const EVENT_OVERHEAD_BYTES = 640;

/**
 * A cheap estimate of an event's size as JSON, in bytes, for the runner's byte bounds: the
 * lengths of its free-text fields twice over (the normalized field and `raw`), plus 640 bytes of
 * structure. It never serializes the event.
 *
 * @param ev - The event.
 * @returns The estimate.
 *
 * @example
 * ```ts
 * createSinkRunner(sink, { size: estimateEventSize }); // the default
 * ```
 */
export function estimateEventSize(ev: KubeEvent): number {
  const ref = ev.regarding;
  return (
    EVENT_OVERHEAD_BYTES +
    2 * (ev.message.length + ev.name.length + ev.namespace.length + ev.reason.length + ref.name.length + ref.kind.length + ev.reportingInstance.length)
  );
}
