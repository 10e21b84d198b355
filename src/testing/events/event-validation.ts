/**
 * Event validation as kube-apiserver's event strategy runs it (pkg/registry/core/event/strategy.go
 * → pkg/apis/core/validation/events.go `ValidateEventCreate` / `ValidateEventUpdate`), on the
 * stored (core/v1) form, with the field paths and texts upstream reports.
 *
 * - Every write passes the legacy rules (`legacyValidateEvent`); an Event with `eventTime` set is a
 *   "new" Event and must also carry `reportingComponent`/`reportingController` (a qualified name),
 *   `reportingInstance`, `action` and `reason` (each ≤ 128 bytes) and a message ≤ 1024 bytes.
 * - Writes through events.k8s.io/v1 are validated strictly on top: ObjectMeta with a DNS-subdomain
 *   name, `series`, `eventTime` required, `type` Normal/Warning, the deprecated fields unset on
 *   create; on update everything but `series` (and metadata) is immutable.
 * - Paths are the internal (core) field names even for events.k8s.io requests (`involvedObject`,
 *   `message`, `source`, `firstTimestamp`, `count`…), as upstream reports them; only the reporting
 *   controller is named per request version: `reportingComponent` for core/v1 requests,
 *   `reportingController` otherwise (kubernetes/kubernetes#111506).
 * - Values are printed as apimachinery's `field.Error.ErrorBody` prints them: strings with Go's
 *   `%q`, integers plainly, times with `time.Time.String()`, structs with Go's `%#v`.
 */
import type { Json, JsonObject } from '../json.ts';
import { isJsonObject } from '../json.ts';
import type { ApiStatusError, FieldError } from '../status.ts';
import { invalid } from '../status.ts';
import { goQuote } from '../selectors/selector-errors.ts';
import type { KubeInstant } from './event-conversion.ts';
import { formatGoTimeString, isZeroInstant, parseKubeTime } from './event-conversion.ts';

/** Context of one Event write. */
export interface EventValidationContext {
  /** The API version the request was made in. */
  apiGroupVersion: 'v1' | 'events.k8s.io/v1';
  /** The namespace in the request URL; used when the object's `metadata.namespace` is empty. */
  requestNamespace: string;
  /**
   * The stored object, on update. Upstream's store has already copied `uid`/`creationTimestamp`
   * and, for unconditional updates, `resourceVersion` from it into the new object.
   */
  old?: JsonObject;
}

/** Length limits of events.go. */
const REPORTING_INSTANCE_LENGTH_LIMIT = 128;
const ACTION_LENGTH_LIMIT = 128;
const REASON_LENGTH_LIMIT = 128;
const NOTE_LENGTH_LIMIT = 1024;

// ---------------------------------------------------------------------------------------------
// The internal Event, read from the stored (core/v1) JSON
// ---------------------------------------------------------------------------------------------

interface ObjectRef {
  kind: string;
  namespace: string;
  name: string;
  uid: string;
  apiVersion: string;
  resourceVersion: string;
  fieldPath: string;
}

interface Meta {
  name: string;
  generateName: string;
  namespace: string;
  uid: string;
  resourceVersion: string;
  generation: number;
  creationTimestamp: KubeInstant | null;
  deletionTimestamp: KubeInstant | null;
  deletionGracePeriodSeconds: number | null;
  labels: [string, Json][];
  annotations: [string, Json][];
  finalizers: string[];
}

interface InternalEvent {
  meta: Meta;
  involvedObject: ObjectRef;
  reason: string;
  message: string;
  source: { component: string; host: string };
  firstTimestamp: KubeInstant | null;
  lastTimestamp: KubeInstant | null;
  count: number;
  type: string;
  eventTime: KubeInstant | null;
  series: { count: number; lastObservedTime: KubeInstant | null } | null;
  action: string;
  related: ObjectRef | null;
  reportingController: string;
  reportingInstance: string;
}

function str(obj: JsonObject, key: string): string {
  const v = obj[key];
  return typeof v === 'string' ? v : '';
}

function int(obj: JsonObject, key: string): number {
  const v = obj[key];
  return typeof v === 'number' && Number.isInteger(v) ? v : 0;
}

function obj(v: Json | undefined): JsonObject {
  return isJsonObject(v) ? v : {};
}

/** A time field, read leniently (any fraction); zero and undecodable values read as unset. */
function time(v: Json | undefined): KubeInstant | null {
  const t = parseKubeTime(v, 'time');
  return t === undefined || isZeroInstant(t) ? null : t;
}

function ref(v: Json | undefined): ObjectRef {
  const r = obj(v);
  return {
    kind: str(r, 'kind'),
    namespace: str(r, 'namespace'),
    name: str(r, 'name'),
    uid: str(r, 'uid'),
    apiVersion: str(r, 'apiVersion'),
    resourceVersion: str(r, 'resourceVersion'),
    fieldPath: str(r, 'fieldPath'),
  };
}

function sortedEntries(v: Json | undefined): [string, Json][] {
  return Object.entries(obj(v)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function readEvent(core: JsonObject, requestNamespace: string): InternalEvent {
  const md = obj(core.metadata);
  const grace = md.deletionGracePeriodSeconds;
  const meta: Meta = {
    name: str(md, 'name'),
    generateName: str(md, 'generateName'),
    namespace: str(md, 'namespace') || requestNamespace,
    uid: str(md, 'uid'),
    resourceVersion: str(md, 'resourceVersion'),
    generation: int(md, 'generation'),
    creationTimestamp: time(md.creationTimestamp),
    deletionTimestamp: time(md.deletionTimestamp),
    deletionGracePeriodSeconds: typeof grace === 'number' ? grace : null,
    labels: sortedEntries(md.labels),
    annotations: sortedEntries(md.annotations),
    finalizers: Array.isArray(md.finalizers) ? md.finalizers.filter((f): f is string => typeof f === 'string') : [],
  };
  const series = isJsonObject(core.series) ? { count: int(core.series, 'count'), lastObservedTime: time(core.series.lastObservedTime) } : null;
  const source = obj(core.source);
  return {
    meta,
    involvedObject: ref(core.involvedObject),
    reason: str(core, 'reason'),
    message: str(core, 'message'),
    source: { component: str(source, 'component'), host: str(source, 'host') },
    firstTimestamp: time(core.firstTimestamp),
    lastTimestamp: time(core.lastTimestamp),
    count: int(core, 'count'),
    type: str(core, 'type'),
    eventTime: time(core.eventTime),
    series,
    action: str(core, 'action'),
    related: isJsonObject(core.related) ? ref(core.related) : null,
    reportingController: str(core, 'reportingComponent'),
    reportingInstance: str(core, 'reportingInstance'),
  };
}

// ---------------------------------------------------------------------------------------------
// field.Error builders (k8s.io/apimachinery/pkg/util/validation/field/errors.go)
// ---------------------------------------------------------------------------------------------

function withDetail(head: string, detail: string): string {
  return detail === '' ? head : `${head}: ${detail}`;
}

function required(field: string, detail = ''): FieldError {
  return { reason: 'FieldValueRequired', field, message: withDetail('Required value', detail) };
}

/** `field.Invalid`; `shown` is the bad value already printed as ErrorBody prints it. */
function invalidValue(field: string, shown: string, detail: string): FieldError {
  return { reason: 'FieldValueInvalid', field, message: withDetail(`Invalid value: ${shown}`, detail) };
}

function forbidden(field: string, detail: string): FieldError {
  return { reason: 'FieldValueForbidden', field, message: withDetail('Forbidden', detail) };
}

function tooLong(field: string, maxBytes: number): FieldError {
  return { reason: 'FieldValueTooLong', field, message: `Too long: may not be more than ${maxBytes} bytes` };
}

/** A Go `*T` or `T` value printed the way ErrorBody does (a nil pointer prints as `"null"`). */
function shownTime(t: KubeInstant | null): string {
  return formatGoTimeString(t ?? { seconds: -62135596800, nanos: 0 });
}

function shownRef(r: ObjectRef): string {
  return (
    `core.ObjectReference{Kind:${goQuote(r.kind)}, Namespace:${goQuote(r.namespace)}, Name:${goQuote(r.name)}, ` +
    `UID:${goQuote(r.uid)}, APIVersion:${goQuote(r.apiVersion)}, ResourceVersion:${goQuote(r.resourceVersion)}, ` +
    `FieldPath:${goQuote(r.fieldPath)}}`
  );
}

function shownStringSlice(values: readonly string[]): string {
  return `[]string{${values.map(goQuote).join(', ')}}`;
}

function bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

// ---------------------------------------------------------------------------------------------
// Name formats (k8s.io/apimachinery/pkg/util/validation, pkg/api/validate/content)
// ---------------------------------------------------------------------------------------------

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_LABEL_RE = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const LABEL_KEY_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_KEY_RE = new RegExp(`^${LABEL_KEY_FMT}$`);
const LABEL_KEY_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = `(${LABEL_KEY_FMT})?`;
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);

/** validation.RegexError. */
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

/** util/validation.IsDNS1123Subdomain (its MaxLenError says "characters"). */
function isDNS1123Subdomain(value: string, unit: 'characters' | 'bytes' = 'characters'): string[] {
  const errs: string[] = [];
  if (bytes(value) > 253) errs.push(`must be no more than 253 ${unit}`);
  if (!DNS1123_SUBDOMAIN_RE.test(value)) {
    errs.push(
      regexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        DNS1123_SUBDOMAIN_FMT,
        'example.com',
      ),
    );
  }
  return errs;
}

/** util/validation.IsDNS1123Label. */
function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (bytes(value) > 63) errs.push('must be no more than 63 characters');
  if (!DNS1123_LABEL_RE.test(value)) {
    if (DNS1123_SUBDOMAIN_RE.test(value)) errs.push('must not contain dots');
    else {
      errs.push(
        regexError(
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
          DNS1123_LABEL_FMT,
          'my-name',
          '123-abc',
        ),
      );
    }
  }
  return errs;
}

/** content.IsLabelKey (a.k.a. IsQualifiedName); its MaxLenError says "bytes". */
function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) name = parts[0] ?? '';
  else if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix === '') errs.push('prefix part must be non-empty');
    else errs.push(...isDNS1123Subdomain(prefix, 'bytes').map((m) => `prefix part ${m}`));
  } else {
    return [
      `a valid label key ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name === '') errs.push('name part must be non-empty');
  else if (bytes(name) > 63) errs.push('name part must be no more than 63 bytes');
  if (!LABEL_KEY_RE.test(name)) errs.push(`name part ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

/** content.IsLabelValue. */
function isLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (bytes(value) > 63) errs.push('must be no more than 63 bytes');
  if (!LABEL_VALUE_RE.test(value)) {
    errs.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        LABEL_VALUE_FMT,
        'MyValue',
        'my_value',
        '12345',
      ),
    );
  }
  return errs;
}

/** apimachinery's maskTrailingDash, applied to generateName prefixes. */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

/** How `metadata.name` is checked: a DNS subdomain, or only as a URL path segment (the generic check). */
export type ObjectNameRule = 'dns-subdomain' | 'path-segment';

function nameErrors(name: string, prefix: boolean, rule: ObjectNameRule): string[] {
  if (rule === 'dns-subdomain') return isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
  // path.ValidatePathSegmentName (k8s.io/apimachinery/pkg/api/validation/path/name.go)
  if (!prefix) {
    if (name === '.' || name === '..') return [`may not be '${name}'`];
  }
  const errs: string[] = [];
  for (const bad of ['/', '%']) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}

// ---------------------------------------------------------------------------------------------
// ObjectMeta (k8s.io/apimachinery/pkg/api/validation/objectmeta.go)
// ---------------------------------------------------------------------------------------------

function validateLabelsAndAnnotations(meta: Meta): FieldError[] {
  const errs: FieldError[] = [];
  // Go iterates maps in random order; keys are taken in sorted order here.
  for (const [k, v] of meta.labels) {
    for (const m of isQualifiedName(k)) errs.push(invalidValue('metadata.labels', goQuote(k), m));
    const value = typeof v === 'string' ? v : '';
    for (const m of isLabelValue(value)) errs.push(invalidValue('metadata.labels', goQuote(value), m));
  }
  let size = 0;
  for (const [k, v] of meta.annotations) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalidValue('metadata.annotations', goQuote(k), m));
    size += bytes(k) + bytes(typeof v === 'string' ? v : '');
  }
  if (size > 256 * 1024) errs.push(tooLong('metadata.annotations', 256 * 1024));
  return errs;
}

function validateFinalizers(finalizers: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of finalizers) for (const m of isQualifiedName(f)) errs.push(invalidValue('metadata.finalizers', goQuote(f), m));
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errs.push(invalidValue('metadata.finalizers', shownStringSlice(finalizers), 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

/**
 * `ValidateObjectMetaAccessor` for a namespaced object on create: generateName, name (by `rule`),
 * namespace (a DNS label), generation, labels, annotations and finalizers. Not checked here:
 * ownerReferences and managedFields.
 *
 * The events.k8s.io/v1 strategy runs it with `dns-subdomain`; the generic registry runs it for
 * every create with `path-segment` (after, and only if, the strategy found nothing).
 *
 * @internal
 */
export function validateObjectMetaOnCreate(metadata: JsonObject, requestNamespace: string, rule: ObjectNameRule): FieldError[] {
  const meta = readEvent({ metadata }, requestNamespace).meta;
  return objectMetaCreateErrors(meta, rule);
}

function objectMetaCreateErrors(meta: Meta, rule: ObjectNameRule): FieldError[] {
  const errs: FieldError[] = [];
  if (meta.generateName !== '') {
    for (const m of nameErrors(meta.generateName, true, rule)) errs.push(invalidValue('metadata.generateName', goQuote(meta.generateName), m));
  }
  if (meta.name === '') errs.push(required('metadata.name', 'name or generateName is required'));
  else for (const m of nameErrors(meta.name, false, rule)) errs.push(invalidValue('metadata.name', goQuote(meta.name), m));
  if (meta.namespace === '') errs.push(required('metadata.namespace'));
  else for (const m of isDNS1123Label(meta.namespace)) errs.push(invalidValue('metadata.namespace', goQuote(meta.namespace), m));
  if (meta.generation < 0) errs.push(invalidValue('metadata.generation', String(meta.generation), 'must be greater than or equal to 0'));
  errs.push(...validateLabelsAndAnnotations(meta));
  errs.push(...validateFinalizers(meta.finalizers));
  return errs;
}

function immutable(field: string, changed: boolean, shownNew: string): FieldError[] {
  return changed ? [invalidValue(field, shownNew, 'field is immutable')] : [];
}

function sameInstant(a: KubeInstant | null, b: KubeInstant | null): boolean {
  if (a === null || b === null) return a === b;
  return a.seconds === b.seconds && a.nanos === b.nanos;
}

/** `ValidateObjectMetaAccessorUpdate`, minus ownerReferences and managedFields. */
function objectMetaUpdateErrors(next: Meta, old: Meta): FieldError[] {
  const errs: FieldError[] = [];
  if (old.deletionTimestamp !== null) {
    const extra = [...new Set(next.finalizers)].filter((f) => !old.finalizers.includes(f)).sort();
    if (extra.length > 0) {
      errs.push(forbidden('metadata.finalizers', `no new finalizers can be added if the object is being deleted, found new finalizers ${shownStringSlice(extra)}`));
    }
  }
  if (next.resourceVersion === '') errs.push(invalidValue('metadata.resourceVersion', goQuote(''), 'must be specified for an update'));
  if (next.generation < old.generation) errs.push(invalidValue('metadata.generation', String(next.generation), 'must not be decremented'));
  errs.push(...immutable('metadata.name', next.name !== old.name, goQuote(next.name)));
  errs.push(...immutable('metadata.namespace', next.namespace !== old.namespace, goQuote(next.namespace)));
  errs.push(...immutable('metadata.uid', next.uid !== old.uid, goQuote(next.uid)));
  errs.push(...immutable('metadata.creationTimestamp', !sameInstant(next.creationTimestamp, old.creationTimestamp), shownTime(next.creationTimestamp)));
  errs.push(
    ...immutable(
      'metadata.deletionTimestamp',
      !sameInstant(next.deletionTimestamp, old.deletionTimestamp),
      next.deletionTimestamp === null ? goQuote('null') : shownTime(next.deletionTimestamp),
    ),
  );
  errs.push(
    ...immutable(
      'metadata.deletionGracePeriodSeconds',
      next.deletionGracePeriodSeconds !== old.deletionGracePeriodSeconds,
      next.deletionGracePeriodSeconds === null ? goQuote('null') : String(next.deletionGracePeriodSeconds),
    ),
  );
  errs.push(...validateLabelsAndAnnotations(next));
  return errs;
}

// ---------------------------------------------------------------------------------------------
// events.go
// ---------------------------------------------------------------------------------------------

function legacyValidateEvent(ev: InternalEvent, apiGroupVersion: EventValidationContext['apiGroupVersion']): FieldError[] {
  const errs: FieldError[] = [];
  const ns = ev.meta.namespace;
  const ioNs = ev.involvedObject.namespace;
  const mismatch = invalidValue('involvedObject.namespace', goQuote(ioNs), 'does not match event.namespace');
  const reportingField = apiGroupVersion === 'v1' ? 'reportingComponent' : 'reportingController';
  if (ev.eventTime === null) {
    // An old-style Event: event.namespace and involvedObject.namespace must agree ("" or "default"
    // for cluster-scoped objects, for compatibility with old clients).
    if (ioNs === '') {
      if (ns !== '' && ns !== 'default') errs.push(mismatch);
    } else if (ns !== ioNs) errs.push(mismatch);
  } else {
    if (ioNs === '' && ns !== 'default' && ns !== 'kube-system') errs.push(mismatch);
    if (ev.reportingController === '') errs.push(required(reportingField));
    for (const m of isQualifiedName(ev.reportingController)) errs.push(invalidValue(reportingField, goQuote(ev.reportingController), m));
    if (ev.reportingInstance === '') errs.push(required('reportingInstance'));
    if (bytes(ev.reportingInstance) > REPORTING_INSTANCE_LENGTH_LIMIT) {
      errs.push(invalidValue('reportingInstance', goQuote(''), `can have at most ${REPORTING_INSTANCE_LENGTH_LIMIT} characters`));
    }
    if (ev.action === '') errs.push(required('action'));
    if (bytes(ev.action) > ACTION_LENGTH_LIMIT) errs.push(invalidValue('action', goQuote(''), `can have at most ${ACTION_LENGTH_LIMIT} characters`));
    if (ev.reason === '') errs.push(required('reason'));
    if (bytes(ev.reason) > REASON_LENGTH_LIMIT) errs.push(invalidValue('reason', goQuote(''), `can have at most ${REASON_LENGTH_LIMIT} characters`));
    if (bytes(ev.message) > NOTE_LENGTH_LIMIT) errs.push(invalidValue('message', goQuote(''), `can have at most ${NOTE_LENGTH_LIMIT} characters`));
  }
  for (const m of isDNS1123Subdomain(ns)) errs.push(invalidValue('namespace', goQuote(ns), m));
  return errs;
}

function validateV1EventSeries(ev: InternalEvent): FieldError[] {
  const errs: FieldError[] = [];
  if (ev.series !== null) {
    if (ev.series.count < 2) errs.push(invalidValue('series.count', goQuote(''), 'should be at least 2'));
    if (ev.series.lastObservedTime === null) errs.push(required('series.lastObservedTime'));
  }
  return errs;
}

function strictCreate(ev: InternalEvent): FieldError[] {
  const errs: FieldError[] = [...objectMetaCreateErrors(ev.meta, 'dns-subdomain'), ...validateV1EventSeries(ev)];
  if (ev.eventTime === null) errs.push(required('eventTime'));
  if (ev.type !== 'Normal' && ev.type !== 'Warning') errs.push(invalidValue('type', goQuote(''), `has invalid value: ${ev.type}`));
  if (ev.firstTimestamp !== null) errs.push(invalidValue('firstTimestamp', goQuote(''), 'needs to be unset'));
  if (ev.lastTimestamp !== null) errs.push(invalidValue('lastTimestamp', goQuote(''), 'needs to be unset'));
  if (ev.count !== 0) errs.push(invalidValue('count', goQuote(''), 'needs to be unset'));
  if (ev.source.component !== '' || ev.source.host !== '') errs.push(invalidValue('source', goQuote(''), 'needs to be unset'));
  return errs;
}

function sameRef(a: ObjectRef | null, b: ObjectRef | null): boolean {
  if (a === null || b === null) return a === b;
  return (Object.keys(a) as (keyof ObjectRef)[]).every((k) => a[k] === b[k]);
}

function truncatedToMicros(t: KubeInstant | null): string {
  return t === null ? 'zero' : `${t.seconds}.${Math.floor(t.nanos / 1000)}`;
}

function strictUpdate(next: InternalEvent, old: InternalEvent): FieldError[] {
  const errs: FieldError[] = [...objectMetaUpdateErrors(next.meta, old.meta)];
  const seriesChanged =
    (next.series === null) !== (old.series === null) ||
    (next.series !== null && old.series !== null && (next.series.count !== old.series.count || !sameInstant(next.series.lastObservedTime, old.series.lastObservedTime)));
  if (seriesChanged) errs.push(...validateV1EventSeries(next));
  const srcShown = `core.EventSource{Component:${goQuote(next.source.component)}, Host:${goQuote(next.source.host)}}`;
  errs.push(
    ...immutable('involvedObject', !sameRef(next.involvedObject, old.involvedObject), shownRef(next.involvedObject)),
    ...immutable('reason', next.reason !== old.reason, goQuote(next.reason)),
    ...immutable('message', next.message !== old.message, goQuote(next.message)),
    ...immutable('source', next.source.component !== old.source.component || next.source.host !== old.source.host, srcShown),
    ...immutable('firstTimestamp', !sameInstant(next.firstTimestamp, old.firstTimestamp), shownTime(next.firstTimestamp)),
    ...immutable('lastTimestamp', !sameInstant(next.lastTimestamp, old.lastTimestamp), shownTime(next.lastTimestamp)),
    ...immutable('count', next.count !== old.count, String(next.count)),
    // Upstream checks reason twice; a changed reason is reported twice (the message shows it once).
    ...immutable('reason', next.reason !== old.reason, goQuote(next.reason)),
    ...immutable('type', next.type !== old.type, goQuote(next.type)),
    // Changes below microsecond precision are tolerated (kubernetes/kubernetes#111928).
    ...immutable('eventTime', truncatedToMicros(next.eventTime) !== truncatedToMicros(old.eventTime), shownTime(next.eventTime)),
    ...immutable('action', next.action !== old.action, goQuote(next.action)),
    ...immutable('related', !sameRef(next.related, old.related), next.related === null ? goQuote('null') : shownRef(next.related)),
    ...immutable('reportingController', next.reportingController !== old.reportingController, goQuote(next.reportingController)),
    ...immutable('reportingInstance', next.reportingInstance !== old.reportingInstance, goQuote(next.reportingInstance)),
  );
  return errs;
}

/**
 * Validates an Event write as kube-apiserver's event strategy does: `ValidateEventCreate` when
 * `ctx.old` is absent, `ValidateEventUpdate` otherwise. `core` is the object in its stored
 * (core/v1) form — for events.k8s.io/v1 requests, after `eventsV1ToCoreEvent`.
 *
 * Not included (the generic registry's job): the common ObjectMeta checks every create and update
 * get (`metadata.name` as a path segment, see {@link validateObjectMetaOnCreate}).
 *
 * @returns The field errors in upstream's order; empty when the write is valid.
 * @example
 * ```ts
 * validateEvent(stored, { apiGroupVersion: 'v1', requestNamespace: 'default' });
 * // [{ reason: 'FieldValueInvalid', field: 'involvedObject.namespace',
 * //    message: 'Invalid value: "other": does not match event.namespace' }]
 * ```
 */
export function validateEvent(core: JsonObject, ctx: EventValidationContext): FieldError[] {
  const next = readEvent(core, ctx.requestNamespace);
  const errs = legacyValidateEvent(next, ctx.apiGroupVersion);
  // core/v1 (and events.k8s.io/v1beta1) writes get no further validation, for compatibility.
  if (ctx.apiGroupVersion === 'v1') return errs;
  if (ctx.old === undefined) return [...errs, ...strictCreate(next)];
  return [...errs, ...strictUpdate(next, readEvent(ctx.old, ctx.requestNamespace))];
}

/**
 * The 422 `Invalid` error for an Event write, built as `apierrors.NewInvalid` builds it.
 *
 * The GroupKind is the core one (`Event`, no group) for both API versions: the event strategy
 * types the internal `core.Event` with the legacy scheme, whose first kind for it is core's, so
 * kube-apiserver answers `Event "x" is invalid: …` with `details.kind: "Event"` and no
 * `details.group` even to events.k8s.io/v1 requests. As upstream, `causes` lists every error while
 * the message names each distinct one once.
 *
 * @param apiGroupVersion - The request's API version (it does not change the GroupKind; see above).
 * @param name - The Event's name.
 * @param errors - Errors from {@link validateEvent} (non-empty).
 * @example
 * ```ts
 * const errs = validateEvent(stored, ctx);
 * if (errs.length > 0) throw invalidEvent(ctx.apiGroupVersion, name, errs);
 * ```
 */
export function invalidEvent(apiGroupVersion: EventValidationContext['apiGroupVersion'], name: string, errors: readonly FieldError[]): ApiStatusError {
  const seen = new Set<string>();
  const distinct = errors.filter((e) => {
    const key = `${e.field}: ${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const err = invalid({ group: '', kind: 'Event' }, name, distinct);
  if (err.status.details) err.status.details.causes = errors.map((e) => ({ reason: e.reason, message: e.message, field: e.field }));
  return err;
}
