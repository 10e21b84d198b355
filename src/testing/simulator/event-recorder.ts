/**
 * The simulator's stand-in for client-go's event recorder and correlator (tools/record/event.go,
 * tools/record/events_cache.go): it builds core/v1 Events exactly as `recorder.Eventf` does and,
 * like the correlator's eventLogger, turns an Event identical to one already written (same source,
 * involved object, type, reason and message) into an update with `count` + 1 and a new
 * `lastTimestamp`, under the first occurrence's name.
 */
import { cloneJson } from '../json.ts';
import type { JsonObject } from '../json.ts';
import type { EventSpec, ObjectHandle } from './cluster-context.ts';
import { nanosHex, rfc3339 } from './kube-time.ts';
import type { PlannedWrite } from './planned-write.ts';
import type { SeededRandom } from './random.ts';

/** client-go's `maxLruCacheEntries`: the correlator remembers this many distinct Events. */
const MAX_REMEMBERED = 4096;

interface Remembered {
  readonly object: JsonObject;
  readonly involved: ObjectHandle;
  count: number;
}

/** Records Events into planned writes. */
export class EventRecorder {
  readonly #rng: SeededRandom;
  readonly #remembered = new Map<string, Remembered>();
  #lastNanos = 0n;

  /** @param rng - Source of the sub-millisecond part of Event timestamps. */
  constructor(rng: SeededRandom) {
    this.#rng = rng;
  }

  /** The write recording `spec` at `now` (ms since the epoch): a create, or an update of the identical Event's count. */
  record(spec: EventSpec, now: number): PlannedWrite {
    const nanos = this.#nextNanos(now);
    const time = rfc3339(Number(nanos / 1_000_000n));
    const key = eventKey(spec);
    const seen = this.#remembered.get(key);
    if (seen !== undefined) {
      // tools/record/events_cache.go eventObserve: same name, firstTimestamp kept, count + 1.
      seen.count += 1;
      seen.object.count = seen.count;
      seen.object.lastTimestamp = time;
      // Re-insert so the Map's order is least-recently-used first, as the correlator's LRU.
      this.#remembered.delete(key);
      this.#remembered.set(key, seen);
      return { write: { verb: 'update', resource: 'events', namespace: eventNamespace(spec.involved), object: cloneJson(seen.object) } };
    }

    const involved = spec.involved;
    const reference = referenceOf(spec);
    const source: JsonObject = { component: spec.component };
    if (spec.host !== undefined) source.host = spec.host;
    const object: JsonObject = {
      kind: 'Event',
      apiVersion: 'v1',
      metadata: { name: `${involved.name}.${nanosHex(nanos)}`, namespace: eventNamespace(involved) },
      involvedObject: reference,
      reason: spec.reason,
      message: spec.message,
      source,
      firstTimestamp: time,
      lastTimestamp: time,
      count: 1,
      type: spec.type,
      eventTime: null,
      // tools/record/event.go generateEvent: ReportingController = source.Component, ReportingInstance = source.Host.
      reportingComponent: spec.component,
      reportingInstance: spec.host ?? '',
    };
    this.#remember(key, { object, involved, count: 1 });
    const written = cloneJson(object);
    const style = spec.style ?? 'object';
    return {
      write: { verb: 'create', resource: 'events', namespace: eventNamespace(involved), object: written },
      bind: () => {
        // The reference is taken when the Event is written, from the object as the component last saw it.
        if (style === 'kubelet-node') return;
        for (const target of [object.involvedObject, written.involvedObject]) {
          if (typeof target !== 'object' || target === null || Array.isArray(target)) continue;
          target.uid = involved.uid;
          if (style === 'object' && involved.resourceVersion !== undefined) {
            const fieldPath = target.fieldPath;
            delete target.fieldPath;
            target.resourceVersion = involved.resourceVersion;
            if (fieldPath !== undefined) target.fieldPath = fieldPath;
          }
        }
      },
    };
  }

  /** Forgets the Events about a deleted object. */
  forget(handle: ObjectHandle): void {
    for (const key of handle.eventKeys) this.#remembered.delete(key);
    handle.eventKeys.clear();
  }

  #remember(key: string, entry: Remembered): void {
    this.#remembered.set(key, entry);
    entry.involved.eventKeys.add(key);
    while (this.#remembered.size > MAX_REMEMBERED) {
      const oldest = this.#remembered.keys().next();
      if (oldest.done === true) break;
      const evicted = this.#remembered.get(oldest.value);
      this.#remembered.delete(oldest.value);
      evicted?.involved.eventKeys.delete(oldest.value);
    }
  }

  /** Strictly increasing nanoseconds near `now`, so Event names never collide even when the clock stands still. */
  #nextNanos(now: number): bigint {
    const candidate = BigInt(Math.floor(now)) * 1_000_000n + BigInt(this.#rng.int(1_000_000));
    const next = candidate > this.#lastNanos ? candidate : this.#lastNanos + BigInt(1 + this.#rng.int(1000));
    this.#lastNanos = next;
    return next;
  }
}

/** client-go's makeEvent: an Event lives in its object's namespace, or `default` for cluster-scoped objects. */
function eventNamespace(involved: ObjectHandle): string {
  return involved.namespace === '' ? 'default' : involved.namespace;
}

/** tools/record/events_cache.go getEventKey: source, involved object, type, reason, message. */
function eventKey(spec: EventSpec): string {
  const o = spec.involved;
  return [spec.component, spec.host ?? '', o.kind, o.namespace, o.name, spec.fieldPath ?? '', o.uid, o.apiVersion, spec.type, spec.reason, spec.message].join('\u0000');
}

/** A core/v1 ObjectReference, in the field order Go marshals it. */
function referenceOf(spec: EventSpec): JsonObject {
  const o = spec.involved;
  const style = spec.style ?? 'object';
  if (style === 'kubelet-node') {
    // pkg/kubelet/kubelet.go: nodeRef := &v1.ObjectReference{Kind: "Node", Name: nodeName, UID: types.UID(nodeName), Namespace: ""}
    return { kind: 'Node', name: o.name, uid: o.name };
  }
  const ref: JsonObject = { kind: o.kind };
  if (o.namespace !== '') ref.namespace = o.namespace;
  ref.name = o.name;
  ref.uid = o.uid;
  ref.apiVersion = o.apiVersion;
  if (style === 'object' && o.resourceVersion !== undefined) ref.resourceVersion = o.resourceVersion;
  if (spec.fieldPath !== undefined) ref.fieldPath = spec.fieldPath;
  return ref;
}
