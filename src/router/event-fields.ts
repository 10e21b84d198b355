/**
 * Reading one string of an event by its {@link FieldPath}, for throttle keys and for matchers.
 *
 * @module
 */
import type { KubeEvent } from '../stream/kube-event.ts';
import type { EventReference } from '../stream/event-reference.ts';
import type { FieldPath, InvolvedObject } from './route-spec.ts';

/** Reads one string (or `undefined` for an absent label) of an event. */
export type FieldGetter = (event: KubeEvent, involved: InvolvedObject | undefined) => string | undefined;

/** The top-level string fields of `KubeEvent` a matcher or key may name (`kind` is `regarding.kind`). */
export const TOP_LEVEL_STRING_FIELDS = [
  'api',
  'uid',
  'name',
  'namespace',
  'resourceVersion',
  'type',
  'reason',
  'action',
  'message',
  'reportingController',
  'reportingInstance',
] as const;

/** The fields of an `EventReference`. */
export const REFERENCE_FIELDS = ['kind', 'name', 'namespace', 'uid', 'apiVersion', 'fieldPath', 'resourceVersion'] as const;

const EMPTY_REFERENCE: EventReference = Object.freeze({
  kind: '',
  name: '',
  namespace: '',
  uid: '',
  apiVersion: '',
  fieldPath: '',
  resourceVersion: '',
});

/** `map[key]` when `key` is the map's own key (labels may be named `constructor`). */
export function ownValue(map: Readonly<Record<string, string>> | undefined, key: string): string | undefined {
  return map !== undefined && Object.hasOwn(map, key) ? map[key] : undefined;
}

/** The related reference, or one whose fields are all `''`. */
export function relatedOf(event: KubeEvent): EventReference {
  return event.related ?? EMPTY_REFERENCE;
}

const PREFIXED_MAPS = [
  ['involved.labels.', (_e: KubeEvent, i: InvolvedObject | undefined) => i?.labels],
  ['involved.annotations.', (_e: KubeEvent, i: InvolvedObject | undefined) => i?.annotations],
  ['labels.', (e: KubeEvent) => e.labels],
  ['annotations.', (e: KubeEvent) => e.annotations],
] as const;

/**
 * A getter for a field path, or `undefined` when the path names no field.
 *
 * @param path - The path, e.g. `regarding.name` or `involved.labels.team`.
 * @returns The getter, or `undefined`.
 */
export function fieldGetter(path: string): FieldGetter | undefined {
  if ((TOP_LEVEL_STRING_FIELDS as readonly string[]).includes(path)) {
    const key = path as (typeof TOP_LEVEL_STRING_FIELDS)[number];
    return (e) => e[key];
  }
  if (path === 'kind') return (e) => e.regarding.kind;
  if (path === 'source.component') return (e) => e.source.component;
  if (path === 'source.host') return (e) => e.source.host;
  for (const [prefix, readRef] of [
    ['regarding.', (e: KubeEvent) => e.regarding],
    ['related.', relatedOf],
  ] as const) {
    if (path.startsWith(prefix)) {
      const field = path.slice(prefix.length);
      if (!(REFERENCE_FIELDS as readonly string[]).includes(field)) return undefined;
      const key = field as (typeof REFERENCE_FIELDS)[number];
      return (e) => readRef(e)[key];
    }
  }
  for (const [prefix, readMap] of PREFIXED_MAPS) {
    if (path.startsWith(prefix) && path.length > prefix.length) {
      const key = path.slice(prefix.length);
      return (e, i) => ownValue(readMap(e, i), key);
    }
  }
  return undefined;
}

/** Every fixed field path (not the open-ended `labels.<key>` ones), for "did you mean" hints. */
export const FIXED_FIELD_PATHS: readonly FieldPath[] = [
  ...TOP_LEVEL_STRING_FIELDS,
  'kind',
  ...REFERENCE_FIELDS.map((f) => `regarding.${f}` as const),
  ...REFERENCE_FIELDS.map((f) => `related.${f}` as const),
  'source.component',
  'source.host',
];

/**
 * The time an event last happened, in ms since the epoch: `series.lastObservedTime`, else
 * `lastTimestamp`, else `eventTime`, else `firstTimestamp`, else `creationTimestamp`; `undefined`
 * when it has none.
 *
 * @param event - The event.
 * @returns Milliseconds since the epoch, or `undefined`.
 */
export function lastSeenMs(event: KubeEvent): number | undefined {
  const d =
    event.series?.lastObservedTime ?? event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.creationTimestamp;
  return d?.getTime();
}
