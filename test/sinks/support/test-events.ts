/**
 * Events for the sink tests: `testEvent(i, key)` is a valid core/v1 Event about the Pod `key`,
 * with uid `ev-<i>` and resourceVersion `<i>`.
 */
import { fromCoreV1Event } from '../../../src/stream/kube-event.ts';
import type { KubeEvent } from '../../../src/stream/kube-event.ts';

/** A Warning event number `i` about Pod `default/<key>` (uid `pod-<key>`). */
export function testEvent(i: number, key = 'web-0', message = `event ${i}`): KubeEvent {
  const obj = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${key}.${i.toString(16)}`, namespace: 'default', uid: `ev-${i}`, resourceVersion: String(1000 + i) },
    involvedObject: { kind: 'Pod', namespace: 'default', name: key, uid: `pod-${key}`, apiVersion: 'v1' },
    reason: 'BackOff',
    message,
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2026-01-02T03:04:05Z',
    lastTimestamp: '2026-01-02T03:04:05Z',
    count: 1,
    type: 'Warning',
  };
  return fromCoreV1Event(obj);
}

/** The event's number, from its uid `ev-<i>`. */
export function eventNumber(ev: KubeEvent): number {
  return Number(ev.uid.slice(3));
}
