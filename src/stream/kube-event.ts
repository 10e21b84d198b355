/**
 * The normalized {@link KubeEvent} model shared by every part of kube-events, and its lossless
 * conversions from and to `core/v1` and `events.k8s.io/v1` Event objects.
 *
 * @module
 */
import type { CoreV1Event, EventsV1Event } from '@kubernetes/client-node';
import { KubeEventsError } from '../errors.ts';
import type { EventReference } from './event-reference.ts';

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/** The API an Event object was read from: the legacy `core/v1` or `events.k8s.io/v1`. */
export type EventApi = 'core/v1' | 'events.k8s.io/v1';

/**
 * An Event's `type`: `Normal` and `Warning` are the two the API defines; other strings are passed
 * through unchanged, and an Event that has none has `''`.
 */
export type EventType = 'Normal' | 'Warning' | (string & {});

/**
 * `T` (a @kubernetes/client-node model type) as kube-events accepts it: every `Date` may also be
 * an RFC 3339 string, as in the JSON the API server sends, or `null`, how the server writes a zero
 * time.
 */
export type EventInput<T> = T extends Date
  ? Date | string | null
  : T extends readonly (infer U)[]
    ? EventInput<U>[]
    : T extends object
      ? { [K in keyof T]: EventInput<T[K]> }
      : T;

/**
 * `T` (a @kubernetes/client-node model type) as plain JSON: every `Date` is an RFC 3339 string,
 * or `null` for a zero time.
 */
export type EventJson<T> = T extends Date
  ? string | null
  : T extends readonly (infer U)[]
    ? EventJson<U>[]
    : T extends object
      ? { [K in keyof T]: EventJson<T[K]> }
      : T;

/**
 * A `core/v1` Event as kube-events accepts it: the decoded JSON of a watch or list response
 * (timestamps are RFC 3339 strings, zero times `null`), or a @kubernetes/client-node `CoreV1Event`
 * model (timestamps are `Date`s).
 */
export type CoreV1EventInput = EventInput<CoreV1Event>;

/** An `events.k8s.io/v1` Event as kube-events accepts it: decoded JSON or a client-node `EventsV1Event`. */
export type EventsV1EventInput = EventInput<EventsV1Event>;

/** A `core/v1` Event as plain JSON, as {@link toCoreV1Event} returns it. */
export type CoreV1EventJson = EventJson<CoreV1Event>;

/** An `events.k8s.io/v1` Event as plain JSON, as {@link toEventsV1Event} returns it. */
export type EventsV1EventJson = EventJson<EventsV1Event>;

/**
 * The deprecated `source` of an Event (core `source`, events.k8s.io `deprecatedSource`).
 *
 * @example
 * ```ts
 * if (ev.source.component === 'kubelet') console.log('from node', ev.source.host);
 * ```
 */
export interface KubeEventSource {
  /** `source.component`; `''` when absent. */
  readonly component: string;
  /** `source.host`; `''` when absent. */
  readonly host: string;
}

/**
 * An Event's `series`: the occurrences an events.k8s.io-style reporter has folded into it.
 *
 * @example
 * ```ts
 * if (ev.series) console.log(`${ev.series.count} times, last at ${ev.series.lastObservedTime?.toISOString()}`);
 * ```
 */
export interface KubeEventSeries {
  /** `series.count`; `0` when absent. */
  readonly count: number;
  /** `series.lastObservedTime` to the millisecond (the exact text is in `timestampText`). */
  readonly lastObservedTime: Date | undefined;
}

/**
 * The exact text of each of an Event's timestamps, as the object carried it, so that microseconds
 * (`eventTime`, `series.lastObservedTime`) and the original form are never lost. A `Date` input
 * (a client-node model) is written in RFC 3339 in UTC: `Time` fields to the second
 * (`2024-05-01T10:00:00Z`, as kube-apiserver writes them) or to the millisecond when the Date has
 * one, `MicroTime` fields with six fraction digits (`2024-05-01T10:00:00.123000Z`). `undefined`
 * when the field is absent or `null`.
 *
 * @example
 * ```ts
 * // RFC 5424 syslog allows six fraction digits: keep them.
 * const stamp = ev.timestampText.eventTime ?? ev.timestampText.lastTimestamp;
 * ```
 */
export interface KubeEventTimestampText {
  /** core `firstTimestamp` / events.k8s.io `deprecatedFirstTimestamp`. */
  readonly firstTimestamp: string | undefined;
  /** core `lastTimestamp` / events.k8s.io `deprecatedLastTimestamp`. */
  readonly lastTimestamp: string | undefined;
  /** `eventTime` (a MicroTime). */
  readonly eventTime: string | undefined;
  /** `series.lastObservedTime` (a MicroTime). */
  readonly seriesLastObservedTime: string | undefined;
  /** `metadata.creationTimestamp`. */
  readonly creationTimestamp: string | undefined;
}

/**
 * The fields of a {@link KubeEvent} that do not depend on the API it came from. Both APIs are views
 * of one stored object (kube-apiserver converts between them through its internal `core.Event`), so
 * the same stored Event normalizes to the same fields whichever API it was read through.
 *
 * | Field | core/v1 Event | events.k8s.io/v1 Event |
 * | --- | --- | --- |
 * | `uid`, `name`, `namespace`, `resourceVersion` | `metadata.*` | `metadata.*` |
 * | `labels`, `annotations`, `creationTimestamp` | `metadata.*` | `metadata.*` |
 * | `type` | `type` | `type` |
 * | `reason` | `reason` | `reason` |
 * | `action` | `action` | `action` |
 * | `message` | `message` | `note` |
 * | `regarding` | `involvedObject` | `regarding` |
 * | `related` | `related` | `related` |
 * | `reportingController` | `reportingComponent`, else `source.component` | `reportingController`, else `deprecatedSource.component` |
 * | `reportingInstance` | `reportingInstance`, else `source.host` | `reportingInstance`, else `deprecatedSource.host` |
 * | `source` | `source` | `deprecatedSource` |
 * | `count` | `series.count` if > 0, else `count` if > 0, else 1 | `series.count` if > 0, else `deprecatedCount` if > 0, else 1 |
 * | `firstTimestamp` | `firstTimestamp` | `deprecatedFirstTimestamp` |
 * | `lastTimestamp` | `lastTimestamp` | `deprecatedLastTimestamp` |
 * | `eventTime` | `eventTime` | `eventTime` |
 * | `series` | `series` | `series` |
 *
 * Strings the object leaves out (or sets to `null`) are `''`; absent or `null` timestamps are
 * `undefined`.
 */
export interface KubeEventFields {
  /** `metadata.uid`; `''` before the server assigned one. */
  readonly uid: string;
  /** `metadata.name` (always non-empty). */
  readonly name: string;
  /** `metadata.namespace`; `''` when absent. */
  readonly namespace: string;
  /** `metadata.resourceVersion`: an opaque string, never compare it numerically; `''` when absent. */
  readonly resourceVersion: string;
  /** `type`: `Normal`, `Warning`, another string passed through, or `''`. */
  readonly type: EventType;
  /** `reason`, e.g. `BackOff`. */
  readonly reason: string;
  /** `action`, e.g. `Binding` (set by events.k8s.io-style reporters). */
  readonly action: string;
  /** core `message` / events.k8s.io `note`. */
  readonly message: string;
  /** The object the event is about: core `involvedObject` / events.k8s.io `regarding`. */
  readonly regarding: EventReference;
  /** The optional secondary object: `related`. */
  readonly related: EventReference | undefined;
  /**
   * The controller that reported the event: core `reportingComponent` / events.k8s.io
   * `reportingController` when non-empty, else `source.component` (what legacy reporters such as
   * the kubelet fill in), else `''`.
   */
  readonly reportingController: string;
  /**
   * The controller instance that reported the event: `reportingInstance` when non-empty, else
   * `source.host`, else `''`.
   */
  readonly reportingInstance: string;
  /** The deprecated source: core `source` / events.k8s.io `deprecatedSource`. */
  readonly source: KubeEventSource;
  /**
   * How many times the event happened, always ≥ 1: `series.count` when the event has a series with
   * a count > 0 (the counter client-go's `tools/events` reporters maintain), else core `count` /
   * events.k8s.io `deprecatedCount` when > 0 (the counter `tools/record` maintains), else 1.
   */
  readonly count: number;
  /** core `firstTimestamp` / events.k8s.io `deprecatedFirstTimestamp` (second precision on the wire). */
  readonly firstTimestamp: Date | undefined;
  /** core `lastTimestamp` / events.k8s.io `deprecatedLastTimestamp` (second precision on the wire). */
  readonly lastTimestamp: Date | undefined;
  /** `eventTime` to the millisecond; the microseconds are in `timestampText.eventTime`. */
  readonly eventTime: Date | undefined;
  /** `series`, or `undefined` for a singleton event. */
  readonly series: KubeEventSeries | undefined;
  /** `metadata.labels` of the Event itself (by reference; do not mutate); `{}` when absent. */
  readonly labels: Readonly<Record<string, string>>;
  /** `metadata.annotations` of the Event itself (by reference; do not mutate); `{}` when absent. */
  readonly annotations: Readonly<Record<string, string>>;
  /** `metadata.creationTimestamp`. */
  readonly creationTimestamp: Date | undefined;
  /** The exact text of each timestamp, microseconds included. */
  readonly timestampText: KubeEventTimestampText;
}

/**
 * A {@link KubeEvent} read from a `core/v1` Event.
 *
 * @example
 * ```ts
 * if (ev.api === 'core/v1') console.log(ev.raw.involvedObject.kind);
 * ```
 */
export interface CoreV1KubeEvent extends KubeEventFields {
  /** Always `core/v1`. */
  readonly api: 'core/v1';
  /** The object it was read from, unchanged and by reference. */
  readonly raw: CoreV1EventInput;
}

/**
 * A {@link KubeEvent} read from an `events.k8s.io/v1` Event.
 *
 * @example
 * ```ts
 * if (ev.api === 'events.k8s.io/v1') console.log(ev.raw.regarding?.kind);
 * ```
 */
export interface EventsV1KubeEvent extends KubeEventFields {
  /** Always `events.k8s.io/v1`. */
  readonly api: 'events.k8s.io/v1';
  /** The object it was read from, unchanged and by reference. */
  readonly raw: EventsV1EventInput;
}

/**
 * One Kubernetes Event, normalized: the single Event type the stream, router, syslog, sinks and
 * exporter of kube-events use, whether it was read from `core/v1` or `events.k8s.io/v1`. See
 * {@link KubeEventFields} for where each field comes from in both APIs.
 *
 * A KubeEvent is plain, immutable data. `raw` is the original object, kept by reference; the
 * conversions {@link toCoreV1Event} and {@link toEventsV1Event} give it back exactly (or as
 * kube-apiserver serves it through the other API), with any field you changed in a copy
 * (`{ ...ev, message: 'redacted' }`) applied on top.
 *
 * Timestamps are `Date`s (millisecond precision); their exact text, microseconds included, is kept
 * in `timestampText`, so nothing is lost.
 *
 * @example
 * ```ts
 * import { fromEventObject, toEventsV1Event } from 'kube-events/stream';
 *
 * const ev = fromEventObject(watchEvent.object);
 * if (ev.type === 'Warning' && ev.count > 3) {
 *   console.log(`${ev.regarding.kind}/${ev.regarding.name}: ${ev.reason} ×${ev.count}: ${ev.message}`);
 * }
 * const asEventsV1 = toEventsV1Event(ev); // what GET /apis/events.k8s.io/v1/… returns for it
 * ```
 */
export type KubeEvent = CoreV1KubeEvent | EventsV1KubeEvent;

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/**
 * An object given to a kube-events Event conversion is not a valid Event. The message names the
 * field, what it must be and what it got:
 * ``Invalid core/v1 Event: expected `metadata.name` to be a non-empty string, got `undefined` (undefined)``.
 *
 * @example
 * ```ts
 * import { fromEventObject, InvalidEventError } from 'kube-events/stream';
 *
 * try {
 *   fromEventObject(JSON.parse(line));
 * } catch (err) {
 *   if (err instanceof InvalidEventError) console.error(err.field, err.message);
 * }
 * ```
 */
export class InvalidEventError extends KubeEventsError {
  /** Always `ERR_INVALID_EVENT`. */
  readonly code = 'ERR_INVALID_EVENT';
  /** The API the object was read as, or `undefined` when it could not be told. */
  readonly api: EventApi | undefined;
  /** The offending field as a dotted path (`metadata.name`, `series.count`); `''` for the object itself. */
  readonly field: string;
  /** The rejected value. */
  readonly value: unknown;

  /**
   * @param api - The API the object was read as, if known.
   * @param field - The offending field's dotted path, `''` for the whole object.
   * @param expected - What the field must be, e.g. `a non-empty string`.
   * @param value - The rejected value.
   */
  constructor(api: EventApi | undefined, field: string, expected: string, value: unknown) {
    const subject = field === '' ? 'the event' : `\`${field}\``;
    super(
      `Invalid ${api ?? 'Kubernetes'} Event: expected ${subject} to be ${expected}, got \`${describe(value)}\` (${typeName(value)})`,
    );
    this.api = api;
    this.field = field;
    this.value = value;
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'Date';
  return typeof value;
}

function describe(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (value instanceof Date) text = Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  else if (value === undefined) text = 'undefined';
  else if (typeof value === 'function' || typeof value === 'symbol') text = `[${typeof value}]`;
  else {
    try {
      text = JSON.stringify(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

// ---------------------------------------------------------------------------------------------
// Wire field names and serialization conventions of each API
// ---------------------------------------------------------------------------------------------

/*
 * Both APIs are views of one stored object. kube-apiserver converts between them through its
 * internal core.Event (pkg/apis/events/v1/conversion.go): regarding↔involvedObject, note↔message,
 * deprecatedSource↔source, deprecatedFirstTimestamp↔firstTimestamp,
 * deprecatedLastTimestamp↔lastTimestamp, deprecatedCount↔count, and reportingController↔the core
 * JSON key `reportingComponent`; every other field has the same name in both.
 *
 * How each API writes an empty value follows its Go struct tags (k8s.io/api core/v1 and events/v1
 * types.go): strings and int32s tagged `omitempty` are left out when empty, struct-typed fields
 * (`involvedObject`, `regarding`, `source`, `deprecatedSource`) are always written, and a zero
 * metav1.Time/MicroTime is written as `null` (omitempty does not apply to structs). Differences:
 * core `reportingComponent`/`reportingInstance` have no omitempty (always written, `""` when
 * empty); events.k8s.io `series.count` has none either (always written).
 */
interface ApiKeys {
  readonly api: EventApi;
  readonly apiVersion: string;
  readonly message: string;
  readonly regarding: string;
  readonly source: string;
  readonly firstTimestamp: string;
  readonly lastTimestamp: string;
  readonly count: string;
  readonly reportingController: string;
  /** core/v1: `reportingComponent` and `reportingInstance` are written even when empty. */
  readonly reportingAlwaysWritten: boolean;
  /** events.k8s.io/v1: `series.count` is written even when 0. */
  readonly seriesCountAlwaysWritten: boolean;
}

const CORE_V1: ApiKeys = {
  api: 'core/v1',
  apiVersion: 'v1',
  message: 'message',
  regarding: 'involvedObject',
  source: 'source',
  firstTimestamp: 'firstTimestamp',
  lastTimestamp: 'lastTimestamp',
  count: 'count',
  reportingController: 'reportingComponent',
  reportingAlwaysWritten: true,
  seriesCountAlwaysWritten: false,
};

const EVENTS_V1: ApiKeys = {
  api: 'events.k8s.io/v1',
  apiVersion: 'events.k8s.io/v1',
  message: 'note',
  regarding: 'regarding',
  source: 'deprecatedSource',
  firstTimestamp: 'deprecatedFirstTimestamp',
  lastTimestamp: 'deprecatedLastTimestamp',
  count: 'deprecatedCount',
  reportingController: 'reportingController',
  reportingAlwaysWritten: false,
  seriesCountAlwaysWritten: true,
};

const REFERENCE_KEYS = ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'] as const;

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const EMPTY_MAP: Readonly<Record<string, string>> = Object.freeze({});
const EMPTY_SOURCE: KubeEventSource = Object.freeze({ component: '', host: '' });
const EMPTY_REFERENCE: EventReference = Object.freeze({
  kind: '',
  name: '',
  namespace: '',
  uid: '',
  apiVersion: '',
  fieldPath: '',
  resourceVersion: '',
});

function fieldPath(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

// ---------------------------------------------------------------------------------------------
// Timestamps
// ---------------------------------------------------------------------------------------------

// RFC 3339 date-time (section 5.6): the form metav1.Time and metav1.MicroTime are written in.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;
// What kube-apiserver writes: metav1.Time as time.RFC3339 in UTC, MicroTime as RFC3339Micro in UTC.
const CANONICAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const CANONICAL_MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Milliseconds since the epoch of a UTC date and time, or NaN when a part is out of range. */
function utcMillis(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] ?? 0);
  // Go's time.Parse rejects second 60 too. (NaN parts fail every comparison below.)
  if (!(month >= 1 && day >= 1 && day <= days && hour <= 23 && minute <= 59 && second <= 59)) return Number.NaN;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC maps years 0–99 to 1900–1999; Go's zero time is year 1.
  return year < 100 ? new Date(ms).setUTCFullYear(year) : ms;
}

/** Milliseconds since the epoch of the whole seconds of an RFC 3339 match, or NaN when out of range. */
function matchSeconds(m: RegExpExecArray): number {
  let ms = utcMillis(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (m[8] !== undefined) {
    const offsetHours = Number(m[9]);
    const offsetMinutes = Number(m[10]);
    if (offsetHours > 23 || offsetMinutes > 59) return Number.NaN;
    const offset = (offsetHours * 60 + offsetMinutes) * 60_000;
    ms += m[8] === '+' ? -offset : offset;
  }
  return ms;
}

/** The decimal digit at `text[i]`, or NaN. */
function digitAt(text: string, i: number): number {
  const d = text.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : Number.NaN;
}

/** Two decimal digits at `text[i..i+1]`, or NaN. */
function twoDigitsAt(text: string, i: number): number {
  return digitAt(text, i) * 10 + digitAt(text, i + 1);
}

/**
 * The fast path of {@link parseTimestamp} for what kube-apiserver writes (`YYYY-MM-DDTHH:MM:SSZ`,
 * optionally with a fraction before the `Z`): no regex, no substrings. NaN when `text` has another
 * form, which the general path then handles.
 */
function parseUtcTimestamp(text: string): number {
  const length = text.length;
  // 45 '-', 58 ':', 84 'T', 90 'Z', 46 '.'
  if (
    length < 20 ||
    text.charCodeAt(4) !== 45 ||
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 84 ||
    text.charCodeAt(13) !== 58 ||
    text.charCodeAt(16) !== 58 ||
    text.charCodeAt(length - 1) !== 90 ||
    (length !== 20 && (length < 22 || text.charCodeAt(19) !== 46))
  ) {
    return Number.NaN;
  }
  let ms = utcMillis(
    twoDigitsAt(text, 0) * 100 + twoDigitsAt(text, 2),
    twoDigitsAt(text, 5),
    twoDigitsAt(text, 8),
    twoDigitsAt(text, 11),
    twoDigitsAt(text, 14),
    twoDigitsAt(text, 17),
  );
  // The first three fraction digits are the milliseconds; the rest must be digits and are truncated.
  let scale = 100;
  for (let i = 20; i < length - 1; i++) {
    const d = digitAt(text, i);
    if (Number.isNaN(d)) return Number.NaN;
    ms += d * scale;
    scale = scale === 1 ? 0 : scale / 10;
  }
  return ms;
}

/** Milliseconds since the epoch of an RFC 3339 timestamp (sub-milliseconds truncated), NaN if invalid. */
function parseTimestamp(text: string): number {
  const fast = parseUtcTimestamp(text);
  if (!Number.isNaN(fast)) return fast;
  const m = RFC3339.exec(text);
  if (m === null) return Number.NaN;
  const ms = matchSeconds(m);
  const fraction = m[7];
  return fraction === undefined ? ms : ms + Number(fraction.length >= 3 ? fraction.slice(0, 3) : fraction.padEnd(3, '0'));
}

/** metav1.Time's JSON form: RFC 3339 in UTC, to the second. */
function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** RFC 3339 in UTC, to the second, or to the millisecond when the Date has one: nothing lost. */
function formatTimeLossless(ms: number): string {
  return ms % 1000 === 0 ? formatTime(ms) : new Date(ms).toISOString();
}

/** metav1.MicroTime's JSON form: RFC 3339 in UTC with six fraction digits. */
function formatMicroTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000Z`;
}

/** `text` as kube-apiserver would write it back; `text` must be valid RFC 3339. */
function canonicalTimestamp(text: string, micro: boolean): string {
  if ((micro ? CANONICAL_MICRO_TIME : CANONICAL_TIME).test(text)) return text;
  const m = RFC3339.exec(text);
  if (m === null) return text;
  const seconds = new Date(matchSeconds(m)).toISOString().slice(0, 19);
  // Go's Format truncates the fraction to the layout's digits.
  return micro ? `${seconds}.${(m[7] ?? '').slice(0, 6).padEnd(6, '0')}Z` : `${seconds}Z`;
}

/** A timestamp field's Date: `undefined` when absent or null; throws when it is not a valid time. */
function readDate(value: unknown, api: EventApi, path: string): Date | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    const ms = parseTimestamp(value);
    if (!Number.isNaN(ms)) return new Date(ms);
  } else if (value instanceof Date && !Number.isNaN(value.getTime())) {
    // A client-node model's Date is used as is: no copy.
    return value;
  }
  throw new InvalidEventError(api, path, 'an RFC 3339 timestamp, a valid Date or null', value);
}

/** A Date as a timestamp's text: as kube-apiserver writes it (`canonical`), or without loss. */
function dateText(date: Date, micro: boolean, canonical: boolean): string {
  const ms = date.getTime();
  if (micro) return formatMicroTime(ms);
  return canonical ? formatTime(ms) : formatTimeLossless(ms);
}

/** A timestamp field's exact text; only called after `readDate` accepted the value. */
function readText(value: unknown, micro: boolean): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return dateText(value, micro, false);
  return undefined;
}

/**
 * A timestamp as JSON, `null` when absent. `canonical`: as kube-apiserver writes it (metav1.Time in
 * UTC to the second, MicroTime in UTC with six fraction digits); else strings verbatim and Dates
 * without loss.
 */
function timestampJson(value: unknown, micro: boolean, canonical: boolean): string | null {
  if (typeof value === 'string') return canonical ? canonicalTimestamp(value, micro) : value;
  if (value instanceof Date) return dateText(value, micro, canonical);
  return null;
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

function readString(obj: Obj, key: string, api: EventApi, prefix: string): string {
  const value = obj[key];
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  throw new InvalidEventError(api, fieldPath(prefix, key), 'a string', value);
}

function readCount(obj: Obj, key: string, api: EventApi, prefix: string): number {
  const value = obj[key];
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (value === undefined || value === null) return 0;
  throw new InvalidEventError(api, fieldPath(prefix, key), 'an integer', value);
}

function readReference(value: unknown, api: EventApi, path: string): EventReference {
  if (value === undefined || value === null) return EMPTY_REFERENCE;
  if (!isObj(value)) throw new InvalidEventError(api, path, 'an object reference', value);
  return {
    kind: readString(value, 'kind', api, path),
    name: readString(value, 'name', api, path),
    namespace: readString(value, 'namespace', api, path),
    uid: readString(value, 'uid', api, path),
    apiVersion: readString(value, 'apiVersion', api, path),
    fieldPath: readString(value, 'fieldPath', api, path),
    resourceVersion: readString(value, 'resourceVersion', api, path),
  };
}

function readSource(value: unknown, api: EventApi, path: string): KubeEventSource {
  if (value === undefined || value === null) return EMPTY_SOURCE;
  if (!isObj(value)) throw new InvalidEventError(api, path, 'an object', value);
  const component = readString(value, 'component', api, path);
  const host = readString(value, 'host', api, path);
  return component === '' && host === '' ? EMPTY_SOURCE : { component, host };
}

function readStringMap(meta: Obj, key: string, api: EventApi): Readonly<Record<string, string>> {
  const value = meta[key];
  if (value === undefined || value === null) return EMPTY_MAP;
  if (!isObj(value)) throw new InvalidEventError(api, `metadata.${key}`, 'an object of strings', value);
  for (const k in value) {
    if (typeof value[k] !== 'string') throw new InvalidEventError(api, `metadata.${key}.${k}`, 'a string', value[k]);
  }
  return value as Record<string, string>;
}

/** The normalized count: see {@link KubeEventFields.count}. */
function effectiveCount(series: Obj | undefined, obj: Obj, keys: ApiKeys): number {
  const seriesCount = series === undefined ? 0 : readCount(series, 'count', keys.api, 'series');
  if (seriesCount > 0) return seriesCount;
  const count = readCount(obj, keys.count, keys.api, '');
  return count > 0 ? count : 1;
}

function readSeriesObject(obj: Obj, api: EventApi): Obj | undefined {
  const value = obj.series;
  if (value === undefined || value === null) return undefined;
  if (!isObj(value)) throw new InvalidEventError(api, 'series', 'an object', value);
  return value;
}

/** Validates `obj` as an Event of `keys.api` and normalizes it. The hot path of the stream. */
function readEvent(obj: unknown, keys: ApiKeys): KubeEvent {
  const api = keys.api;
  if (!isObj(obj)) throw new InvalidEventError(api, '', 'an object', obj);
  const apiVersion = obj.apiVersion;
  if (apiVersion !== undefined && apiVersion !== keys.apiVersion) {
    throw new InvalidEventError(api, 'apiVersion', `\`${keys.apiVersion}\``, apiVersion);
  }
  const kind = obj.kind;
  if (kind !== undefined && kind !== 'Event') throw new InvalidEventError(api, 'kind', '`Event`', kind);
  const meta = obj.metadata;
  if (!isObj(meta)) throw new InvalidEventError(api, 'metadata', 'an object', meta);
  const name = meta.name;
  if (typeof name !== 'string' || name === '') {
    throw new InvalidEventError(api, 'metadata.name', 'a non-empty string', name);
  }

  const source = readSource(obj[keys.source], api, keys.source);
  const controller = readString(obj, keys.reportingController, api, '');
  const instance = readString(obj, 'reportingInstance', api, '');
  const seriesObj = readSeriesObject(obj, api);
  const related = obj.related;

  const first = obj[keys.firstTimestamp];
  const last = obj[keys.lastTimestamp];
  const eventTime = obj.eventTime;
  const observed = seriesObj?.lastObservedTime;
  const created = meta.creationTimestamp;
  const lastObservedTime = readDate(observed, api, 'series.lastObservedTime');

  return {
    api,
    uid: readString(meta, 'uid', api, 'metadata'),
    name,
    namespace: readString(meta, 'namespace', api, 'metadata'),
    resourceVersion: readString(meta, 'resourceVersion', api, 'metadata'),
    type: readString(obj, 'type', api, ''),
    reason: readString(obj, 'reason', api, ''),
    action: readString(obj, 'action', api, ''),
    message: readString(obj, keys.message, api, ''),
    regarding: readReference(obj[keys.regarding], api, keys.regarding),
    related: related === undefined || related === null ? undefined : readReference(related, api, 'related'),
    reportingController: controller === '' ? source.component : controller,
    reportingInstance: instance === '' ? source.host : instance,
    source,
    count: effectiveCount(seriesObj, obj, keys),
    firstTimestamp: readDate(first, api, keys.firstTimestamp),
    lastTimestamp: readDate(last, api, keys.lastTimestamp),
    eventTime: readDate(eventTime, api, 'eventTime'),
    series:
      seriesObj === undefined
        ? undefined
        : { count: readCount(seriesObj, 'count', api, 'series'), lastObservedTime },
    labels: readStringMap(meta, 'labels', api),
    annotations: readStringMap(meta, 'annotations', api),
    creationTimestamp: readDate(created, api, 'metadata.creationTimestamp'),
    timestampText: {
      firstTimestamp: readText(first, false),
      lastTimestamp: readText(last, false),
      eventTime: readText(eventTime, true),
      seriesLastObservedTime: readText(observed, true),
      creationTimestamp: readText(created, false),
    },
    raw: obj,
  } as KubeEvent;
}

/**
 * Normalizes a `core/v1` Event. Accepts the decoded JSON of a watch or list response (RFC 3339
 * timestamp strings, `null` for zero times) or a @kubernetes/client-node `CoreV1Event` model
 * (`Date` timestamps, used as is). The object is validated (it may come straight off the wire) but
 * not copied: the result's `raw` is `obj` itself, and `labels`/`annotations` are `obj`'s own maps.
 *
 * @param obj - The core/v1 Event.
 * @returns The normalized event, with `api: 'core/v1'`.
 * @throws {@link InvalidEventError} when `obj` is not an object, its `apiVersion` or `kind` (when
 * present) is not `v1` / `Event`, `metadata.name` is missing, or a field has the wrong type or an
 * unparsable timestamp.
 *
 * @example
 * ```ts
 * import { fromCoreV1Event } from 'kube-events/stream';
 *
 * const ev = fromCoreV1Event({
 *   apiVersion: 'v1',
 *   kind: 'Event',
 *   metadata: { name: 'web-0.17cb3c8a1e2f4b5d', namespace: 'default' },
 *   involvedObject: { kind: 'Pod', name: 'web-0', namespace: 'default' },
 *   reason: 'BackOff',
 *   message: 'Back-off restarting failed container',
 *   type: 'Warning',
 *   count: 4,
 *   source: { component: 'kubelet', host: 'node-1' },
 *   reportingComponent: '',
 *   reportingInstance: '',
 * });
 * ev.count; // 4
 * ev.reportingController; // 'kubelet' (from source.component)
 * ```
 */
export function fromCoreV1Event(obj: CoreV1EventInput): CoreV1KubeEvent {
  return readEvent(obj, CORE_V1) as CoreV1KubeEvent;
}

/**
 * Normalizes an `events.k8s.io/v1` Event. Accepts decoded JSON or a @kubernetes/client-node
 * `EventsV1Event` model, validates it and keeps it by reference as `raw`, as
 * {@link fromCoreV1Event} does.
 *
 * @param obj - The events.k8s.io/v1 Event.
 * @returns The normalized event, with `api: 'events.k8s.io/v1'`.
 * @throws {@link InvalidEventError} when `obj` is not a valid events.k8s.io/v1 Event.
 *
 * @example
 * ```ts
 * import { fromEventsV1Event } from 'kube-events/stream';
 *
 * const ev = fromEventsV1Event({
 *   apiVersion: 'events.k8s.io/v1',
 *   kind: 'Event',
 *   metadata: { name: 'web-0.17cb3c8a1e2f4b5d', namespace: 'default' },
 *   eventTime: '2024-05-01T10:00:00.123456Z',
 *   regarding: { kind: 'Pod', name: 'web-0', namespace: 'default' },
 *   reason: 'Scheduled',
 *   action: 'Binding',
 *   note: 'Successfully assigned default/web-0 to node-1',
 *   type: 'Normal',
 *   reportingController: 'default-scheduler',
 *   reportingInstance: 'default-scheduler-cp-1',
 * });
 * ev.message; // 'Successfully assigned default/web-0 to node-1'
 * ev.timestampText.eventTime; // '2024-05-01T10:00:00.123456Z'
 * ```
 */
export function fromEventsV1Event(obj: EventsV1EventInput): EventsV1KubeEvent {
  return readEvent(obj, EVENTS_V1) as EventsV1KubeEvent;
}

/**
 * Normalizes an Event of either API, choosing by its `apiVersion`: `v1` is read as `core/v1`,
 * `events.k8s.io/v1` as `events.k8s.io/v1`. Items of a list response have no `apiVersion`; for
 * them pass `api` (the API that was listed), or leave it out to tell by shape: an object with
 * `involvedObject` is core/v1, one with `regarding`, `note`, `deprecatedSource` or
 * `reportingController` is events.k8s.io/v1.
 *
 * @param obj - An Event object, e.g. a watch event's `object` or a list item.
 * @param api - The API to read an object without `apiVersion` as.
 * @returns The normalized event.
 * @throws {@link InvalidEventError} when the API cannot be told (field `apiVersion`) or the object
 * is not a valid Event of it.
 *
 * @example
 * ```ts
 * import { fromEventObject } from 'kube-events/stream';
 *
 * for (const item of list.items) console.log(fromEventObject(item, 'core/v1').reason);
 * const ev = fromEventObject(watchEvent.object); // apiVersion tells
 * ```
 */
export function fromEventObject(obj: unknown, api?: EventApi): KubeEvent {
  if (!isObj(obj)) throw new InvalidEventError(api, '', 'an object', obj);
  const apiVersion = obj.apiVersion;
  if (apiVersion === CORE_V1.apiVersion) return readEvent(obj, CORE_V1);
  if (apiVersion === EVENTS_V1.apiVersion) return readEvent(obj, EVENTS_V1);
  if (apiVersion !== undefined) {
    throw new InvalidEventError(api, 'apiVersion', '`v1` or `events.k8s.io/v1`', apiVersion);
  }
  if (api !== undefined) return readEvent(obj, api === 'core/v1' ? CORE_V1 : EVENTS_V1);
  if (obj.involvedObject !== undefined) return readEvent(obj, CORE_V1);
  if (
    obj.regarding !== undefined ||
    obj.note !== undefined ||
    obj.deprecatedSource !== undefined ||
    obj.reportingController !== undefined
  ) {
    return readEvent(obj, EVENTS_V1);
  }
  throw new InvalidEventError(undefined, 'apiVersion', '`v1` or `events.k8s.io/v1` (or pass `api`)', apiVersion);
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

function setOptionalString(out: Obj, key: string, value: string): void {
  if (value === '') Reflect.deleteProperty(out, key);
  else out[key] = value;
}

function referenceJson(value: unknown): Obj | undefined {
  if (!isObj(value)) return undefined;
  const out: Obj = {};
  for (const key of REFERENCE_KEYS) {
    const v = value[key];
    if (typeof v === 'string' && v !== '') out[key] = v;
  }
  return out;
}

function sourceJson(component: string, host: string): Obj {
  const out: Obj = {};
  if (component !== '') out.component = component;
  if (host !== '') out.host = host;
  return out;
}

/** ObjectMeta as JSON: the same object unless it holds client-node `Date`s. */
function metadataJson(meta: Obj, canonical: boolean): Obj {
  const created = meta.creationTimestamp;
  const deleted = meta.deletionTimestamp;
  const managed = meta.managedFields;
  const managedHasDate = Array.isArray(managed) && managed.some((entry) => isObj(entry) && entry.time instanceof Date);
  if (!(created instanceof Date) && !(deleted instanceof Date) && !managedHasDate) return meta;
  const out: Obj = { ...meta };
  if (created instanceof Date) out.creationTimestamp = dateText(created, false, canonical);
  if (deleted instanceof Date) out.deletionTimestamp = dateText(deleted, false, canonical);
  if (managedHasDate) {
    out.managedFields = (managed as unknown[]).map((entry) =>
      isObj(entry) && entry.time instanceof Date ? { ...entry, time: dateText(entry.time, false, canonical) } : entry,
    );
  }
  return out;
}

/** The same-API starting point: a shallow copy of `raw`, with client-node Dates written as JSON. */
function copyWire(raw: Obj, keys: ApiKeys): Obj {
  const out: Obj = { ...raw };
  out.metadata = metadataJson(raw.metadata as Obj, false);
  for (const [key, micro] of [
    [keys.firstTimestamp, false],
    [keys.lastTimestamp, false],
    ['eventTime', true],
  ] as const) {
    const value = raw[key];
    if (value instanceof Date) out[key] = timestampJson(value, micro, false);
  }
  const series = raw.series;
  if (isObj(series) && series.lastObservedTime instanceof Date) {
    out.series = { ...series, lastObservedTime: timestampJson(series.lastObservedTime, true, false) };
  }
  return out;
}

/**
 * `raw` (a valid Event of `from`) as kube-apiserver serves the same stored object through `to`:
 * fields renamed as pkg/apis/events/v1/conversion.go does, empty values written per `to`'s struct
 * tags, timestamps in the form metav1.Time/MicroTime marshal to, fields unknown to the API dropped.
 */
function convertWire(raw: Obj, from: ApiKeys, to: ApiKeys): Obj {
  const out: Obj = {};
  if (raw.apiVersion !== undefined) out.apiVersion = to.apiVersion;
  if (raw.kind !== undefined) out.kind = 'Event';
  out.metadata = metadataJson(raw.metadata as Obj, true);
  out[to.regarding] = referenceJson(raw[from.regarding]) ?? {};
  const related = referenceJson(raw.related);
  if (related !== undefined) out.related = related;
  for (const [fromKey, toKey] of [
    ['reason', 'reason'],
    [from.message, to.message],
    ['type', 'type'],
    ['action', 'action'],
  ] as const) {
    const value = raw[fromKey];
    if (typeof value === 'string' && value !== '') out[toKey] = value;
  }
  const source = raw[from.source];
  out[to.source] = isObj(source)
    ? sourceJson(typeof source.component === 'string' ? source.component : '', typeof source.host === 'string' ? source.host : '')
    : {};
  out[to.firstTimestamp] = timestampJson(raw[from.firstTimestamp], false, true);
  out[to.lastTimestamp] = timestampJson(raw[from.lastTimestamp], false, true);
  out.eventTime = timestampJson(raw.eventTime, true, true);
  const count = raw[from.count];
  if (typeof count === 'number' && count !== 0) out[to.count] = count;
  const series = raw.series;
  if (isObj(series)) {
    const seriesOut: Obj = {};
    const seriesCount = typeof series.count === 'number' ? series.count : 0;
    if (to.seriesCountAlwaysWritten || seriesCount !== 0) seriesOut.count = seriesCount;
    seriesOut.lastObservedTime = timestampJson(series.lastObservedTime, true, true);
    out.series = seriesOut;
  }
  for (const [fromKey, toKey] of [
    [from.reportingController, to.reportingController],
    ['reportingInstance', 'reportingInstance'],
  ] as const) {
    const value = raw[fromKey];
    const text = typeof value === 'string' ? value : '';
    if (to.reportingAlwaysWritten || text !== '') out[toKey] = text;
  }
  return out;
}

function sameDate(a: Date | undefined, b: Date | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.getTime() === b.getTime());
}

function sameReference(a: EventReference | undefined, b: EventReference | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  for (const key of REFERENCE_KEYS) if (a[key] !== b[key]) return false;
  return true;
}

function sameMap(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  if (a === b) return true;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (!Object.hasOwn(b, key) || a[key] !== b[key]) return false;
  return true;
}

/** A changed timestamp as JSON: its text verbatim when that still names the Date's millisecond, else the Date without loss. */
function changedTimestampJson(
  date: Date | undefined,
  text: string | undefined,
  micro: boolean,
  api: EventApi,
  path: string,
): string | null {
  if (date === undefined) return null;
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new InvalidEventError(api, path, 'a valid Date', date);
  if (text !== undefined && parseTimestamp(text) === ms) return text;
  return dateText(date, micro, false);
}

function timestampChanged(ev: KubeEvent, base: KubeEvent, key: keyof KubeEventTimestampText & keyof KubeEventFields): boolean {
  return !sameDate(ev[key], base[key]) || ev.timestampText[key] !== base.timestampText[key];
}

/** Writes every normalized field of `ev` that differs from `base` (what `ev.raw` reads as) into `out`. */
function applyChanges(out: Obj, ev: KubeEvent, base: KubeEvent, keys: ApiKeys): void {
  const api = keys.api;
  const text = ev.timestampText;

  if (
    ev.uid !== base.uid ||
    ev.name !== base.name ||
    ev.namespace !== base.namespace ||
    ev.resourceVersion !== base.resourceVersion ||
    !sameMap(ev.labels, base.labels) ||
    !sameMap(ev.annotations, base.annotations) ||
    timestampChanged(ev, base, 'creationTimestamp')
  ) {
    if (ev.name === '') throw new InvalidEventError(api, 'metadata.name', 'a non-empty string', ev.name);
    const meta: Obj = { ...(out.metadata as Obj) };
    if (ev.uid !== base.uid) setOptionalString(meta, 'uid', ev.uid);
    if (ev.name !== base.name) meta.name = ev.name;
    if (ev.namespace !== base.namespace) setOptionalString(meta, 'namespace', ev.namespace);
    if (ev.resourceVersion !== base.resourceVersion) setOptionalString(meta, 'resourceVersion', ev.resourceVersion);
    for (const key of ['labels', 'annotations'] as const) {
      if (sameMap(ev[key], base[key])) continue;
      if (Object.keys(ev[key]).length === 0) Reflect.deleteProperty(meta, key);
      else meta[key] = ev[key];
    }
    if (timestampChanged(ev, base, 'creationTimestamp')) {
      meta.creationTimestamp = changedTimestampJson(
        ev.creationTimestamp,
        text.creationTimestamp,
        false,
        api,
        'metadata.creationTimestamp',
      );
    }
    out.metadata = meta;
  }

  if (ev.type !== base.type) setOptionalString(out, 'type', ev.type);
  if (ev.reason !== base.reason) setOptionalString(out, 'reason', ev.reason);
  if (ev.action !== base.action) setOptionalString(out, 'action', ev.action);
  if (ev.message !== base.message) setOptionalString(out, keys.message, ev.message);
  if (!sameReference(ev.regarding, base.regarding)) out[keys.regarding] = referenceJson(ev.regarding);
  if (!sameReference(ev.related, base.related)) {
    if (ev.related === undefined) delete out.related;
    else out.related = referenceJson(ev.related);
  }
  if (ev.source.component !== base.source.component || ev.source.host !== base.source.host) {
    out[keys.source] = sourceJson(ev.source.component, ev.source.host);
  }
  if (timestampChanged(ev, base, 'firstTimestamp')) {
    out[keys.firstTimestamp] = changedTimestampJson(ev.firstTimestamp, text.firstTimestamp, false, api, keys.firstTimestamp);
  }
  if (timestampChanged(ev, base, 'lastTimestamp')) {
    out[keys.lastTimestamp] = changedTimestampJson(ev.lastTimestamp, text.lastTimestamp, false, api, keys.lastTimestamp);
  }
  if (timestampChanged(ev, base, 'eventTime')) {
    out.eventTime = changedTimestampJson(ev.eventTime, text.eventTime, true, api, 'eventTime');
  }
  const series = ev.series;
  if (
    series?.count !== base.series?.count ||
    !sameDate(series?.lastObservedTime, base.series?.lastObservedTime) ||
    text.seriesLastObservedTime !== base.timestampText.seriesLastObservedTime
  ) {
    if (series === undefined) {
      delete out.series;
    } else {
      const seriesOut: Obj = {};
      if (keys.seriesCountAlwaysWritten || series.count !== 0) seriesOut.count = series.count;
      seriesOut.lastObservedTime = changedTimestampJson(
        series.lastObservedTime,
        text.seriesLastObservedTime,
        true,
        api,
        'series.lastObservedTime',
      );
      out.series = seriesOut;
    }
  }

  // Derived fields last, against what `out` now reads as, so they hold whatever else changed.
  const outSeries = isObj(out.series) ? out.series : undefined;
  if (effectiveCount(outSeries, out, keys) !== ev.count) {
    if (!Number.isInteger(ev.count) || ev.count < 1) throw new InvalidEventError(api, 'count', 'an integer >= 1', ev.count);
    if (outSeries !== undefined && readCount(outSeries, 'count', api, 'series') > 0) {
      out.series = { ...outSeries, count: ev.count };
    } else {
      out[keys.count] = ev.count;
    }
  }
  const source = readSource(out[keys.source], api, keys.source);
  for (const [key, value, fallback] of [
    [keys.reportingController, ev.reportingController, source.component],
    ['reportingInstance', ev.reportingInstance, source.host],
  ] as const) {
    const current = readString(out, key, api, '');
    if ((current === '' ? fallback : current) === value) continue;
    if (keys.reportingAlwaysWritten) out[key] = value;
    else setOptionalString(out, key, value);
  }
}

function toWire(ev: KubeEvent, keys: ApiKeys): Obj {
  const from = ev.api === 'core/v1' ? CORE_V1 : EVENTS_V1;
  // Re-reading `raw` validates it and tells which fields of `ev` were changed.
  const base = readEvent(ev.raw, from);
  const raw = ev.raw as Obj;
  const out = from === keys ? copyWire(raw, keys) : convertWire(raw, from, keys);
  applyChanges(out, ev, base, keys);
  return out;
}

/**
 * A {@link KubeEvent} as a `core/v1` Event, as plain JSON.
 *
 * - From a core/v1 KubeEvent: `raw` exactly (same keys, absent stays absent, `""` stays `""`,
 *   `null` stays `null`, the same timestamp strings, unknown fields kept), as a shallow copy that
 *   shares unchanged nested objects with `raw` (do not mutate them). A client-node `Date` is
 *   written as RFC 3339 in UTC without loss (see {@link KubeEventTimestampText}).
 * - From an events.k8s.io/v1 KubeEvent: what kube-apiserver returns when the same stored Event is
 *   read through `/api/v1` (pkg/apis/events/v1/conversion.go): `regarding`→`involvedObject`,
 *   `note`→`message`, `deprecatedSource`→`source`, `deprecated{First,Last}Timestamp`→
 *   `{first,last}Timestamp`, `deprecatedCount`→`count`, `reportingController`→`reportingComponent`;
 *   empty values written per the core/v1 struct tags (`reportingComponent: ""`, `source: {}`,
 *   `firstTimestamp: null`); timestamps in the server's form (UTC; `Time` to the second,
 *   `MicroTime` with six fraction digits); fields core/v1 does not define dropped; `metadata` kept
 *   as is.
 *
 * Fields of `ev` that differ from what `raw` normalizes to (you made a changed copy) are then
 * written on top: emptied strings left out as the server would, cleared timestamps as `null`, a
 * changed timestamp as its `timestampText` when that still names the same millisecond, else from
 * the `Date`. A changed `count` goes to `series.count` when the series carries the count, else to
 * `count`; a changed `reportingController`/`reportingInstance` goes to `reportingComponent` /
 * `reportingInstance` when the `source` fallback no longer gives it.
 *
 * @param ev - The event.
 * @returns The core/v1 Event JSON.
 * @throws {@link InvalidEventError} when `ev.raw` is not a valid Event or a changed field is invalid
 * (an empty `name`, an invalid `Date`).
 *
 * @example
 * ```ts
 * import { fromEventObject, fromEventsV1Event, toCoreV1Event } from 'kube-events/stream';
 *
 * const core = toCoreV1Event(fromEventsV1Event(eventsV1Object));
 * core.involvedObject; // eventsV1Object.regarding
 * const redacted = toCoreV1Event({ ...fromEventObject(obj), message: '[redacted]' });
 * ```
 */
export function toCoreV1Event(ev: KubeEvent): CoreV1EventJson {
  return toWire(ev, CORE_V1) as unknown as CoreV1EventJson;
}

/**
 * A {@link KubeEvent} as an `events.k8s.io/v1` Event, as plain JSON: `raw` exactly when it is one,
 * else what kube-apiserver returns when the same stored Event is read through
 * `/apis/events.k8s.io/v1` (`involvedObject`→`regarding`, `message`→`note`,
 * `source`→`deprecatedSource`, `{first,last}Timestamp`→`deprecated{First,Last}Timestamp`,
 * `count`→`deprecatedCount`, `reportingComponent`→`reportingController`; `deprecatedSource: {}`,
 * `deprecatedFirstTimestamp: null`, `eventTime: null` when empty; timestamps in the server's
 * form). Changed fields are applied on top, as for {@link toCoreV1Event} (a changed `count` goes
 * to `series.count` or `deprecatedCount`).
 *
 * @param ev - The event.
 * @returns The events.k8s.io/v1 Event JSON.
 * @throws {@link InvalidEventError} when `ev.raw` is not a valid Event or a changed field is invalid.
 *
 * @example
 * ```ts
 * import { fromCoreV1Event, toEventsV1Event } from 'kube-events/stream';
 *
 * const ev = toEventsV1Event(fromCoreV1Event(coreObject));
 * ev.note; // coreObject.message
 * ev.deprecatedCount; // coreObject.count
 * ```
 */
export function toEventsV1Event(ev: KubeEvent): EventsV1EventJson {
  return toWire(ev, EVENTS_V1) as unknown as EventsV1EventJson;
}
