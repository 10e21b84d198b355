/**
 * The server-side Table for Events (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`), as
 * kube-apiserver prints it (pkg/printers/internalversion/printers.go: the event column
 * definitions and `printEvent`). The server always prints the wide form; kubectl hides the
 * priority-1 columns unless `-o wide`. Both API versions share this printer.
 */
import type { Json, JsonObject } from '../json.ts';
import { isJsonObject } from '../json.ts';
import type { TableColumn } from '../resources.ts';
import type { KubeInstant } from './event-conversion.ts';
import { instantToMillis, isZeroInstant, parseKubeTime } from './event-conversion.ts';

/**
 * The Event table's columns, with the descriptions upstream takes from the core/v1 API docs
 * (`SwaggerDoc()`).
 */
export const eventTableColumns: readonly TableColumn[] = [
  { name: 'Last Seen', type: 'string', format: '', description: 'The time at which the most recent occurrence of this event was recorded.', priority: 0 },
  { name: 'Type', type: 'string', format: '', description: 'Type of this event (Normal, Warning), new types could be added in the future', priority: 0 },
  {
    name: 'Reason',
    type: 'string',
    format: '',
    description: "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
    priority: 0,
  },
  { name: 'Object', type: 'string', format: '', description: 'The object that this event is about.', priority: 0 },
  {
    name: 'Subobject',
    type: 'string',
    format: '',
    description:
      'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: "spec.containers{name}" (where "name" refers to the name of the container that triggered the event) or if no container name is specified "spec.containers[2]" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.',
    priority: 1,
  },
  { name: 'Source', type: 'string', format: '', description: 'The component reporting this event. Should be a short machine understandable string.', priority: 1 },
  { name: 'Message', type: 'string', format: '', description: 'A human-readable description of the status of this operation.', priority: 0 },
  { name: 'First Seen', type: 'string', format: '', description: 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', priority: 1 },
  { name: 'Count', type: 'string', format: '', description: 'The number of times this event has occurred.', priority: 1 },
  {
    name: 'Name',
    type: 'string',
    format: 'name',
    description:
      'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
    priority: 1,
  },
];

/**
 * A duration as k8s.io/apimachinery/pkg/util/duration `HumanDuration` prints it: `45s`, `5m`,
 * `3m20s`, `3h2m`, `12h`, `3d4h`, `23d`, `2y45d`, `9y`; `0s` for up to 2 s in the future (clock
 * skew), `<invalid>` beyond that.
 *
 * @param ms - The duration in milliseconds.
 * @example
 * ```ts
 * humanDuration(3 * 3600_000 + 2 * 60_000); // '3h2m'
 * ```
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / 3_600_000);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    const d = Math.trunc(hours / 24);
    return h === 0 ? `${d}d` : `${d}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    const y = Math.trunc(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** `translateTimestampSince`: `<unknown>` for an unset time, else the age as {@link humanDuration}. */
function since(t: KubeInstant | null, nowMs: number): string {
  return t === null ? '<unknown>' : humanDuration(nowMs - instantToMillis(t));
}

function time(v: Json | undefined): KubeInstant | null {
  const t = parseKubeTime(v, 'time');
  return t === undefined || isZeroInstant(t) ? null : t;
}

function str(obj: JsonObject | undefined, key: string): string {
  const v = obj?.[key];
  return typeof v === 'string' ? v : '';
}

function objectAtKey(obj: JsonObject, key: string): JsonObject | undefined {
  const v = obj[key];
  return isJsonObject(v) ? v : undefined;
}

/** Go's `strings.TrimSpace`: Unicode White_Space (so U+0085 but not U+FEFF, unlike `String.trim`). */
const GO_SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const GO_TRIM = new RegExp(`^${GO_SPACE}+|${GO_SPACE}+$`, 'g');

/**
 * The row cells of a stored (core/v1) Event, as `printEvent` prints them (wide):
 * Last Seen, Type, Reason, Object, Subobject, Source, Message, First Seen, Count, Name.
 *
 * First Seen is the age of `firstTimestamp`, else of `eventTime`; Last Seen the age of
 * `series.lastObservedTime` for a series, else of `lastTimestamp`, else First Seen. Count is
 * `series.count` for a series, else `count`, else 1. Object is `kind/name` (kind lower-cased);
 * Source is `source.component` (or `reportingComponent`) plus `, host` (or `, reportingInstance`).
 *
 * @param now - The server's current time (a `Date` or epoch milliseconds).
 * @example
 * ```ts
 * eventTableCells(stored, new Date());
 * // ['5m', 'Normal', 'Started', 'pod/web-0', 'spec.containers{web}', 'kubelet, node-1', 'Started container web', '5m', 1, 'web-0.17a…']
 * ```
 */
export function eventTableCells(core: JsonObject, now: Date | number): Json[] {
  const nowMs = typeof now === 'number' ? now : now.getTime();
  const first = time(core.firstTimestamp);
  const firstSeen = first === null ? since(time(core.eventTime), nowMs) : since(first, nowMs);
  const last = time(core.lastTimestamp);
  let lastSeen = last === null ? firstSeen : since(last, nowMs);
  const countValue = core.count;
  let count = typeof countValue === 'number' && Number.isInteger(countValue) ? countValue : 0;
  const series = objectAtKey(core, 'series');
  if (series !== undefined) {
    lastSeen = since(time(series.lastObservedTime), nowMs);
    const sc = series.count;
    count = typeof sc === 'number' && Number.isInteger(sc) ? sc : 0;
  } else if (count === 0) {
    count = 1; // singleton events of the new API have no count
  }
  const io = objectAtKey(core, 'involvedObject');
  const kind = str(io, 'kind').toLowerCase();
  const name = str(io, 'name');
  const target = name === '' ? kind : `${kind}/${name}`;
  const source = objectAtKey(core, 'source');
  const component = str(source, 'component') || str(core, 'reportingComponent');
  const host = str(source, 'host') || str(core, 'reportingInstance');
  return [
    lastSeen,
    str(core, 'type'),
    str(core, 'reason'),
    target,
    str(io, 'fieldPath'),
    host === '' ? component : `${component}, ${host}`,
    str(core, 'message').replace(GO_TRIM, ''),
    firstSeen,
    count,
    str(objectAtKey(core, 'metadata'), 'name'),
  ];
}
