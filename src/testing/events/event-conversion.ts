/**
 * Conversion between the two wire forms of an Event, core/v1 `Event` and `events.k8s.io/v1`
 * `Event`, and the canonical form kube-apiserver writes each in.
 *
 * Upstream stores Events once (core/v1 in etcd) and serves both versions by converting through the
 * internal `core.Event` (pkg/apis/events/v1/conversion.go, zz_generated.conversion.go). Every field
 * maps one to one, so a round trip is lossless. What a reader sees for an unset field follows Go's
 * `encoding/json` over the versioned structs (staging/src/k8s.io/api/core/v1/types.go,
 * staging/src/k8s.io/api/events/v1/types.go):
 *
 * - struct-typed fields are always written, `omitempty` notwithstanding: core/v1 always has
 *   `involvedObject` and `source` (`{}` when empty), events.k8s.io/v1 always has `regarding` and
 *   `deprecatedSource`;
 * - `metav1.Time` / `metav1.MicroTime` fields are always written, `null` when unset: core/v1
 *   `firstTimestamp`, `lastTimestamp`, `eventTime`; events.k8s.io/v1 `eventTime`,
 *   `deprecatedFirstTimestamp`, `deprecatedLastTimestamp`; and `series.lastObservedTime`;
 * - core/v1 `reportingComponent` and `reportingInstance` have no `omitempty` (always written,
 *   `""` when unset), nor has events.k8s.io/v1 `series.count`; every other string and integer
 *   is left out when empty or zero;
 * - times are re-serialized as Go does: `metav1.Time` as RFC 3339 in UTC with whole seconds
 *   (fractions dropped), `metav1.MicroTime` as RFC 3339 in UTC with exactly six fractional digits;
 * - fields neither version has are dropped (the decoder ignores them), keys come in Go struct order.
 *
 * `metadata` is passed through unchanged: the generic ObjectMeta handling owns it.
 */
import type { Json, JsonObject } from '../json.ts';
import { isJsonObject } from '../json.ts';

// ---------------------------------------------------------------------------------------------
// Times
// ---------------------------------------------------------------------------------------------

/** An instant as Go's `time.Time` holds it: whole seconds since the Unix epoch plus nanoseconds. */
export interface KubeInstant {
  /** Seconds since 1970-01-01T00:00:00Z (negative before). */
  readonly seconds: number;
  /** Nanoseconds within the second, 0–999 999 999. */
  readonly nanos: number;
}

/** Which Go layout a time field is decoded with: `metav1.Time` (`time`) or `metav1.MicroTime` (`micro`). */
export type KubeTimeLayout = 'time' | 'micro';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses a JSON time value the way `metav1.Time.UnmarshalJSON` (layout `time.RFC3339`, any
 * number of fractional digits) or `metav1.MicroTime.UnmarshalJSON` (layout
 * `2006-01-02T15:04:05.000000Z07:00`: exactly six fractional digits) does.
 *
 * @returns `null` for JSON `null` or an absent value (the zero time), the instant for a valid
 *   string, and `undefined` for anything the real decoder rejects (the request then fails with 400).
 * @internal
 */
export function parseKubeTime(value: Json | undefined, layout: KubeTimeLayout): KubeInstant | null | undefined {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') return undefined;
  const m = RFC3339.exec(value);
  if (!m) return undefined;
  const [, ys, mos, ds, hs, mis, ss, frac, zone] = m;
  if (layout === 'micro' && frac?.length !== 6) return undefined;
  const year = Number(ys);
  const month = Number(mos);
  const day = Number(ds);
  const hour = Number(hs);
  const minute = Number(mis);
  const second = Number(ss);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  let offset = 0;
  if (zone !== undefined && zone !== 'Z') {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offset = (zone.startsWith('-') ? -1 : 1) * (oh * 3600 + om * 60);
  }
  const nanos = frac === undefined ? 0 : Number(frac.slice(0, 9).padEnd(9, '0'));
  const seconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  return { seconds, nanos };
}

/** True for the zero `time.Time` (0001-01-01T00:00:00Z), which Go serializes as `null`. */
export function isZeroInstant(t: KubeInstant | null | undefined): boolean {
  return t === null || t === undefined || (t.seconds === ZERO_SECONDS && t.nanos === 0);
}

/** Seconds from the Unix epoch to Go's zero time, 0001-01-01T00:00:00Z. */
const ZERO_SECONDS = -62135596800;

/** Formats an instant as `metav1.Time` serializes it: `2006-01-02T15:04:05Z` (UTC, no fraction). */
export function formatKubeTime(t: KubeInstant): string {
  return `${civilString(t.seconds, 'T')}Z`;
}

/** Formats an instant as `metav1.MicroTime` serializes it: `2006-01-02T15:04:05.000000Z` (UTC). */
export function formatKubeMicroTime(t: KubeInstant): string {
  return `${civilString(t.seconds, 'T')}.${String(Math.floor(t.nanos / 1000)).padStart(6, '0')}Z`;
}

/**
 * Formats an instant as Go's `time.Time.String()` does for a UTC location
 * (`2006-01-02 15:04:05.999999999 -0700 MST`: fraction without trailing zeros), which is how
 * field errors print a time value.
 */
export function formatGoTimeString(t: KubeInstant): string {
  const frac = t.nanos === 0 ? '' : `.${String(t.nanos).padStart(9, '0').replace(/0+$/, '')}`;
  return `${civilString(t.seconds, ' ')}${frac} +0000 UTC`;
}

/** Milliseconds since the Unix epoch (sub-millisecond digits dropped). */
export function instantToMillis(t: KubeInstant): number {
  return t.seconds * 1000 + Math.floor(t.nanos / 1e6);
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysIn(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

// Proleptic Gregorian calendar <-> days since 1970-01-01 (H. Hinnant's algorithms).
function daysFromCivil(y0: number, m: number, d: number): number {
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilString(seconds: number, sep: string): string {
  const days = Math.floor(seconds / 86400);
  let rem = seconds - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const h = Math.floor(rem / 3600);
  rem -= h * 3600;
  const mi = Math.floor(rem / 60);
  const s = rem - mi * 60;
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${String(y).padStart(4, '0')}-${p2(m)}-${p2(d)}${sep}${p2(h)}:${p2(mi)}:${p2(s)}`;
}

/** A time field re-serialized as Go writes it; undecodable strings are passed through untouched. */
function canonicalTime(value: Json | undefined, layout: KubeTimeLayout): Json {
  const t = parseKubeTime(value, layout);
  if (t === undefined) return value ?? null;
  if (t === null || isZeroInstant(t)) return null;
  return layout === 'micro' ? formatKubeMicroTime(t) : formatKubeTime(t);
}

// ---------------------------------------------------------------------------------------------
// Field helpers
// ---------------------------------------------------------------------------------------------

function str(obj: JsonObject, key: string): string {
  const v = obj[key];
  return typeof v === 'string' ? v : '';
}

function int(obj: JsonObject, key: string): number {
  const v = obj[key];
  return typeof v === 'number' && Number.isInteger(v) ? v : 0;
}

/** Sets `key` only when the value is not Go's empty value (what `omitempty` does). */
function putOmitEmpty(out: JsonObject, key: string, value: string | number): void {
  if (value !== '' && value !== 0) out[key] = value;
}

const OBJECT_REFERENCE_FIELDS = ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'] as const;

/** A `v1.ObjectReference` (every field `omitempty`). */
function objectReference(value: Json | undefined): JsonObject {
  const ref = isJsonObject(value) ? value : {};
  const out: JsonObject = {};
  for (const k of OBJECT_REFERENCE_FIELDS) putOmitEmpty(out, k, str(ref, k));
  return out;
}

/** A `v1.EventSource` (`component`, `host`, both `omitempty`). */
function eventSource(value: Json | undefined): JsonObject {
  const src = isJsonObject(value) ? value : {};
  const out: JsonObject = {};
  putOmitEmpty(out, 'component', str(src, 'component'));
  putOmitEmpty(out, 'host', str(src, 'host'));
  return out;
}

/** core/v1 `EventSeries`: `count` is `omitempty`, `lastObservedTime` always written. */
function coreSeries(series: JsonObject): JsonObject {
  const out: JsonObject = {};
  putOmitEmpty(out, 'count', int(series, 'count'));
  out.lastObservedTime = canonicalTime(series.lastObservedTime, 'micro');
  return out;
}

/** events.k8s.io/v1 `EventSeries`: both fields always written. */
function eventsSeries(series: JsonObject): JsonObject {
  return { count: int(series, 'count'), lastObservedTime: canonicalTime(series.lastObservedTime, 'micro') };
}

function metadataOf(obj: JsonObject): JsonObject {
  const md = obj.metadata;
  return isJsonObject(md) ? md : {};
}

// ---------------------------------------------------------------------------------------------
// The conversions
// ---------------------------------------------------------------------------------------------

/**
 * A core/v1 Event as kube-apiserver serializes it (`apiVersion: v1`, `kind: Event`): the fields of
 * `v1.Event` in struct order, with the always-present ones filled in and times re-formatted.
 *
 * @example
 * ```ts
 * canonicalCoreEvent({ metadata: { name: 'a', namespace: 'ns' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'ns' }, reason: 'Started' });
 * // { kind: 'Event', apiVersion: 'v1', metadata: {…}, involvedObject: {…}, reason: 'Started', source: {},
 * //   firstTimestamp: null, lastTimestamp: null, eventTime: null, reportingComponent: '', reportingInstance: '' }
 * ```
 */
export function canonicalCoreEvent(core: JsonObject): JsonObject {
  const out: JsonObject = { kind: 'Event', apiVersion: 'v1', metadata: metadataOf(core) };
  out.involvedObject = objectReference(core.involvedObject);
  putOmitEmpty(out, 'reason', str(core, 'reason'));
  putOmitEmpty(out, 'message', str(core, 'message'));
  out.source = eventSource(core.source);
  out.firstTimestamp = canonicalTime(core.firstTimestamp, 'time');
  out.lastTimestamp = canonicalTime(core.lastTimestamp, 'time');
  putOmitEmpty(out, 'count', int(core, 'count'));
  putOmitEmpty(out, 'type', str(core, 'type'));
  out.eventTime = canonicalTime(core.eventTime, 'micro');
  if (isJsonObject(core.series)) out.series = coreSeries(core.series);
  putOmitEmpty(out, 'action', str(core, 'action'));
  if (isJsonObject(core.related)) out.related = objectReference(core.related);
  out.reportingComponent = str(core, 'reportingComponent');
  out.reportingInstance = str(core, 'reportingInstance');
  return out;
}

/**
 * The events.k8s.io/v1 form of a core/v1 Event, as kube-apiserver serves it under
 * `/apis/events.k8s.io/v1` (Convert_core_Event_To_v1_Event): `involvedObject` → `regarding`,
 * `message` → `note`, `source` → `deprecatedSource`, `firstTimestamp` / `lastTimestamp` / `count` →
 * `deprecatedFirstTimestamp` / `deprecatedLastTimestamp` / `deprecatedCount`,
 * `reportingComponent` → `reportingController`; the rest keeps its name.
 *
 * @example
 * ```ts
 * const ev = coreEventToEventsV1(stored);
 * ev.apiVersion; // 'events.k8s.io/v1'
 * ev.regarding;  // stored.involvedObject
 * ```
 */
export function coreEventToEventsV1(core: JsonObject): JsonObject {
  const out: JsonObject = { kind: 'Event', apiVersion: 'events.k8s.io/v1', metadata: metadataOf(core) };
  out.eventTime = canonicalTime(core.eventTime, 'micro');
  if (isJsonObject(core.series)) out.series = eventsSeries(core.series);
  putOmitEmpty(out, 'reportingController', str(core, 'reportingComponent'));
  putOmitEmpty(out, 'reportingInstance', str(core, 'reportingInstance'));
  putOmitEmpty(out, 'action', str(core, 'action'));
  putOmitEmpty(out, 'reason', str(core, 'reason'));
  out.regarding = objectReference(core.involvedObject);
  if (isJsonObject(core.related)) out.related = objectReference(core.related);
  putOmitEmpty(out, 'note', str(core, 'message'));
  putOmitEmpty(out, 'type', str(core, 'type'));
  out.deprecatedSource = eventSource(core.source);
  out.deprecatedFirstTimestamp = canonicalTime(core.firstTimestamp, 'time');
  out.deprecatedLastTimestamp = canonicalTime(core.lastTimestamp, 'time');
  putOmitEmpty(out, 'deprecatedCount', int(core, 'count'));
  return out;
}

/**
 * The core/v1 form (the stored form) of an events.k8s.io/v1 Event (Convert_v1_Event_To_core_Event),
 * the inverse of {@link coreEventToEventsV1}.
 *
 * @example
 * ```ts
 * const stored = eventsV1ToCoreEvent({ apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'a' }, note: 'hi' });
 * stored.message; // 'hi'
 * stored.source;  // {}
 * ```
 */
export function eventsV1ToCoreEvent(ev: JsonObject): JsonObject {
  const out: JsonObject = { kind: 'Event', apiVersion: 'v1', metadata: metadataOf(ev) };
  out.involvedObject = objectReference(ev.regarding);
  putOmitEmpty(out, 'reason', str(ev, 'reason'));
  putOmitEmpty(out, 'message', str(ev, 'note'));
  out.source = eventSource(ev.deprecatedSource);
  out.firstTimestamp = canonicalTime(ev.deprecatedFirstTimestamp, 'time');
  out.lastTimestamp = canonicalTime(ev.deprecatedLastTimestamp, 'time');
  putOmitEmpty(out, 'count', int(ev, 'deprecatedCount'));
  putOmitEmpty(out, 'type', str(ev, 'type'));
  out.eventTime = canonicalTime(ev.eventTime, 'micro');
  if (isJsonObject(ev.series)) out.series = coreSeries(ev.series);
  putOmitEmpty(out, 'action', str(ev, 'action'));
  if (isJsonObject(ev.related)) out.related = objectReference(ev.related);
  out.reportingComponent = str(ev, 'reportingController');
  out.reportingInstance = str(ev, 'reportingInstance');
  return out;
}

/** One time field of a request body that the real decoder would reject. */
export interface UndecodableEventTime {
  /** The field path in the request's version, e.g. `eventTime` or `series.lastObservedTime`. */
  readonly field: string;
  /** The string as sent. */
  readonly value: Json;
  /** The Go layout it must match: `2006-01-02T15:04:05Z07:00` or `2006-01-02T15:04:05.000000Z07:00`. */
  readonly layout: string;
}

/**
 * The time fields of an Event request body (in the request's own version) that kube-apiserver
 * cannot decode, so the request fails with 400 before validation. Notably `metav1.MicroTime`
 * fields (`eventTime`, `series.lastObservedTime`) need exactly six fractional digits: a plain
 * `2024-01-01T00:00:00Z` or JavaScript's `toISOString()` (three digits) is rejected.
 *
 * @example
 * ```ts
 * findUndecodableEventTimes({ eventTime: '2024-01-01T00:00:00.000Z' }, 'events.k8s.io/v1');
 * // [{ field: 'eventTime', value: '2024-01-01T00:00:00.000Z', layout: '2006-01-02T15:04:05.000000Z07:00' }]
 * ```
 */
export function findUndecodableEventTimes(body: JsonObject, apiGroupVersion: 'v1' | 'events.k8s.io/v1'): UndecodableEventTime[] {
  const fields: [string, Json | undefined, KubeTimeLayout][] =
    apiGroupVersion === 'v1'
      ? [
          ['firstTimestamp', body.firstTimestamp, 'time'],
          ['lastTimestamp', body.lastTimestamp, 'time'],
          ['eventTime', body.eventTime, 'micro'],
        ]
      : [
          ['eventTime', body.eventTime, 'micro'],
          ['deprecatedFirstTimestamp', body.deprecatedFirstTimestamp, 'time'],
          ['deprecatedLastTimestamp', body.deprecatedLastTimestamp, 'time'],
        ];
  if (isJsonObject(body.series)) fields.push(['series.lastObservedTime', body.series.lastObservedTime, 'micro']);
  const out: UndecodableEventTime[] = [];
  for (const [field, value, layout] of fields) {
    if (value !== undefined && parseKubeTime(value, layout) === undefined) {
      out.push({ field, value, layout: layout === 'micro' ? '2006-01-02T15:04:05.000000Z07:00' : '2006-01-02T15:04:05Z07:00' });
    }
  }
  return out;
}
