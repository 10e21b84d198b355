import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../src/testing/json.ts';
import type { FieldError } from '../../../src/testing/status.ts';
import { invalidEvent, validateEvent, validateObjectMetaOnCreate } from '../../../src/testing/events/event-validation.ts';
import type { EventValidationContext } from '../../../src/testing/events/event-validation.ts';

const V1: EventValidationContext = { apiGroupVersion: 'v1', requestNamespace: 'default' };
const EV: EventValidationContext = { apiGroupVersion: 'events.k8s.io/v1', requestNamespace: 'default' };

/** An old-style core/v1 event (no eventTime), as a client-go EventRecorder writes it. */
function legacy(over: JsonObject = {}): JsonObject {
  return {
    kind: 'Event',
    apiVersion: 'v1',
    metadata: { name: 'web-0.17a', namespace: 'default' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-0' },
    reason: 'Started',
    message: 'Started container',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2024-05-01T10:00:00Z',
    lastTimestamp: '2024-05-01T10:00:00Z',
    count: 1,
    type: 'Normal',
    eventTime: null,
    reportingComponent: '',
    reportingInstance: '',
    ...over,
  };
}

/** A new-style event (eventTime set) in its stored core form, valid for both API versions. */
function modern(over: JsonObject = {}): JsonObject {
  return {
    kind: 'Event',
    apiVersion: 'v1',
    metadata: { name: 'test-event', namespace: 'default', resourceVersion: '5' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'test-pod' },
    reason: 'Testing',
    source: {},
    firstTimestamp: null,
    lastTimestamp: null,
    type: 'Normal',
    eventTime: '2025-12-30T00:00:00.000000Z',
    action: 'Test',
    reportingComponent: 'example.com/test-controller',
    reportingInstance: 'test-instance',
    ...over,
  };
}

function e(reason: string, field: string, message: string): FieldError {
  return { reason, field, message };
}

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

describe('validateEvent — legacy rules (every write)', () => {
  it('accepts a kubelet-style event', () => {
    expect(validateEvent(legacy(), V1)).toStrictEqual([]);
    expect(validateEvent(modern(), V1)).toStrictEqual([]);
    expect(validateEvent(modern(), EV)).toStrictEqual([]);
  });

  it('requires involvedObject.namespace to match the event namespace for namespaced objects', () => {
    expect(validateEvent(legacy({ involvedObject: { kind: 'Pod', namespace: 'other', name: 'p' } }), V1)).toStrictEqual([
      e('FieldValueInvalid', 'involvedObject.namespace', 'Invalid value: "other": does not match event.namespace'),
    ]);
  });

  it('takes the namespace from the request when metadata.namespace is empty', () => {
    const ev = legacy({ metadata: { name: 'x' }, involvedObject: { kind: 'Pod', namespace: 'apps', name: 'p' } });
    expect(validateEvent(ev, { ...V1, requestNamespace: 'apps' })).toStrictEqual([]);
    expect(validateEvent(ev, V1)).toHaveLength(1);
  });

  it('without eventTime, allows cluster-scoped objects only in "default" (or no namespace)', () => {
    const node = { kind: 'Node', name: 'node-1' };
    expect(validateEvent(legacy({ involvedObject: node }), V1)).toStrictEqual([]);
    expect(validateEvent(legacy({ metadata: { name: 'n', namespace: 'kube-system' }, involvedObject: node }), { ...V1, requestNamespace: 'kube-system' })).toStrictEqual([
      e('FieldValueInvalid', 'involvedObject.namespace', 'Invalid value: "": does not match event.namespace'),
    ]);
  });

  it('with eventTime, allows cluster-scoped objects in "default" and "kube-system" only', () => {
    const node = { kind: 'Node', name: 'node-1' };
    expect(validateEvent(modern({ involvedObject: node }), V1)).toStrictEqual([]);
    const ks = modern({ metadata: { name: 'n', namespace: 'kube-system' }, involvedObject: node });
    expect(validateEvent(ks, { ...V1, requestNamespace: 'kube-system' })).toStrictEqual([]);
    const apps = modern({ metadata: { name: 'n', namespace: 'apps' }, involvedObject: node });
    expect(validateEvent(apps, { ...V1, requestNamespace: 'apps' })).toStrictEqual([
      e('FieldValueInvalid', 'involvedObject.namespace', 'Invalid value: "": does not match event.namespace'),
    ]);
  });

  it('with eventTime, a namespaced involvedObject may be in another namespace', () => {
    expect(validateEvent(modern({ involvedObject: { kind: 'Pod', namespace: 'other', name: 'p' } }), V1)).toStrictEqual([]);
  });

  it('with eventTime, requires a reporting controller named reportingComponent in core/v1 terms', () => {
    const expected = (field: string): FieldError[] => [
      e('FieldValueRequired', field, 'Required value'),
      e('FieldValueInvalid', field, 'Invalid value: "": name part must be non-empty'),
      e('FieldValueInvalid', field, `Invalid value: "": ${NAME_PART_MSG}`),
    ];
    expect(validateEvent(modern({ reportingComponent: '' }), V1)).toStrictEqual(expected('reportingComponent'));
    expect(validateEvent(modern({ reportingComponent: '' }), EV)).toStrictEqual(expected('reportingController'));
  });

  it('requires the reporting controller to be a qualified name', () => {
    expect(validateEvent(modern({ reportingComponent: 'invalid_controller!' }), V1)).toStrictEqual([
      e('FieldValueInvalid', 'reportingComponent', `Invalid value: "invalid_controller!": ${NAME_PART_MSG}`),
    ]);
    expect(validateEvent(modern({ reportingComponent: '/x' }), V1)).toStrictEqual([
      e('FieldValueInvalid', 'reportingComponent', 'Invalid value: "/x": prefix part must be non-empty'),
    ]);
    expect(validateEvent(modern({ reportingComponent: 'a/b/c' }), V1)[0]?.message).toMatch(/^Invalid value: "a\/b\/c": a valid label key must consist of/);
    expect(validateEvent(modern({ reportingComponent: 'kubelet' }), V1)).toStrictEqual([]);
  });

  it('requires reportingInstance, at most 128 bytes', () => {
    expect(validateEvent(modern({ reportingInstance: '' }), V1)).toStrictEqual([e('FieldValueRequired', 'reportingInstance', 'Required value')]);
    expect(validateEvent(modern({ reportingInstance: 'a'.repeat(128) }), V1)).toStrictEqual([]);
    expect(validateEvent(modern({ reportingInstance: 'a'.repeat(129) }), V1)).toStrictEqual([
      e('FieldValueInvalid', 'reportingInstance', 'Invalid value: "": can have at most 128 characters'),
    ]);
    // Go counts bytes: 65 two-byte characters are 130 bytes.
    expect(validateEvent(modern({ reportingInstance: 'é'.repeat(65) }), V1)).toHaveLength(1);
  });

  it('requires action, at most 128 bytes', () => {
    expect(validateEvent(modern({ action: '' }), V1)).toStrictEqual([e('FieldValueRequired', 'action', 'Required value')]);
    expect(validateEvent(modern({ action: 'a'.repeat(128) }), V1)).toStrictEqual([]);
    expect(validateEvent(modern({ action: 'a'.repeat(129) }), V1)).toStrictEqual([
      e('FieldValueInvalid', 'action', 'Invalid value: "": can have at most 128 characters'),
    ]);
  });

  it('requires reason, at most 128 bytes', () => {
    expect(validateEvent(modern({ reason: '' }), V1)).toStrictEqual([e('FieldValueRequired', 'reason', 'Required value')]);
    expect(validateEvent(modern({ reason: 'a'.repeat(128) }), V1)).toStrictEqual([]);
    expect(validateEvent(modern({ reason: 'a'.repeat(129) }), V1)).toStrictEqual([
      e('FieldValueInvalid', 'reason', 'Invalid value: "": can have at most 128 characters'),
    ]);
  });

  it('limits the message to 1024 bytes for new-style events only', () => {
    expect(validateEvent(modern({ message: 'm'.repeat(1024) }), V1)).toStrictEqual([]);
    expect(validateEvent(modern({ message: 'm'.repeat(1025) }), V1)).toStrictEqual([
      e('FieldValueInvalid', 'message', 'Invalid value: "": can have at most 1024 characters'),
    ]);
    expect(validateEvent(legacy({ message: 'm'.repeat(5000), reason: '' }), V1)).toStrictEqual([]);
  });

  it('requires the namespace to be a DNS subdomain', () => {
    const ev = legacy({ metadata: { name: 'x', namespace: 'Bad_NS' }, involvedObject: { kind: 'Pod', namespace: 'Bad_NS', name: 'p' } });
    expect(validateEvent(ev, V1)).toStrictEqual([e('FieldValueInvalid', 'namespace', `Invalid value: "Bad_NS": ${SUBDOMAIN_MSG}`)]);
  });

  it('applies no strict rules to core/v1 writes', () => {
    expect(validateEvent(legacy({ type: 'Custom', metadata: { name: 'Not_A_DNS_Name', namespace: 'default' } }), V1)).toStrictEqual([]);
    expect(validateEvent(modern({ series: { count: 1 } }), V1)).toStrictEqual([]);
  });
});

describe('validateEvent — events.k8s.io/v1 create', () => {
  it('requires eventTime, and then the old-style namespace rules apply', () => {
    const ev = modern({ eventTime: null, involvedObject: {} });
    expect(validateEvent(ev, EV)).toStrictEqual([e('FieldValueRequired', 'eventTime', 'Required value')]);
  });

  it('requires type Normal or Warning', () => {
    expect(validateEvent(modern({ type: 'Warning' }), EV)).toStrictEqual([]);
    expect(validateEvent(modern({ type: 'Custom' }), EV)).toStrictEqual([e('FieldValueInvalid', 'type', 'Invalid value: "": has invalid value: Custom')]);
    expect(validateEvent(modern({ type: '' }), EV)).toStrictEqual([e('FieldValueInvalid', 'type', 'Invalid value: "": has invalid value: ')]);
  });

  it('requires the deprecated fields to be unset (reported under their core names)', () => {
    const ev = modern({ firstTimestamp: '2024-01-01T00:00:00Z', lastTimestamp: '2024-01-01T00:00:00Z', count: 2, source: { host: 'n' } });
    expect(validateEvent(ev, EV)).toStrictEqual([
      e('FieldValueInvalid', 'firstTimestamp', 'Invalid value: "": needs to be unset'),
      e('FieldValueInvalid', 'lastTimestamp', 'Invalid value: "": needs to be unset'),
      e('FieldValueInvalid', 'count', 'Invalid value: "": needs to be unset'),
      e('FieldValueInvalid', 'source', 'Invalid value: "": needs to be unset'),
    ]);
  });

  it('requires series.count ≥ 2 and series.lastObservedTime', () => {
    expect(validateEvent(modern({ series: { count: 2, lastObservedTime: '2025-12-30T00:00:01.000000Z' } }), EV)).toStrictEqual([]);
    expect(validateEvent(modern({ series: { count: 1, lastObservedTime: null } }), EV)).toStrictEqual([
      e('FieldValueInvalid', 'series.count', 'Invalid value: "": should be at least 2'),
      e('FieldValueRequired', 'series.lastObservedTime', 'Required value'),
    ]);
  });

  it('validates the name as a DNS subdomain and the namespace as a DNS label', () => {
    expect(validateEvent(modern({ metadata: { name: 'Bad_Name', namespace: 'default' } }), EV)).toStrictEqual([
      e('FieldValueInvalid', 'metadata.name', `Invalid value: "Bad_Name": ${SUBDOMAIN_MSG}`),
    ]);
    expect(validateEvent(modern({ metadata: { namespace: 'default' } }), EV)).toStrictEqual([
      e('FieldValueRequired', 'metadata.name', 'Required value: name or generateName is required'),
    ]);
    const dotted = modern({ metadata: { name: 'x', namespace: 'a.b' }, involvedObject: { kind: 'Pod', namespace: 'a.b', name: 'p' } });
    expect(validateEvent(dotted, { ...EV, requestNamespace: 'a.b' })).toStrictEqual([
      e('FieldValueInvalid', 'metadata.namespace', 'Invalid value: "a.b": must not contain dots'),
    ]);
  });

  it('validates generateName, labels, annotations and finalizers', () => {
    const ev = modern({
      metadata: {
        name: 'ok-abcde',
        generateName: 'Bad-',
        namespace: 'default',
        labels: { good: 'v', 'bad key': 'v', k: 'bad value' },
        annotations: { 'Example.com/Mixed': 'fine', 'x/y/z': '' },
        finalizers: ['orphan', 'foregroundDeletion'],
      },
    });
    const errs = validateEvent(ev, EV);
    const starts: [string, string][] = [
      ['metadata.generateName', 'Invalid value: "Bad-": a lowercase RFC 1123 subdomain'],
      ['metadata.labels', 'Invalid value: "bad key": name part must consist'],
      ['metadata.labels', 'Invalid value: "bad value": a valid label must be an empty string'],
      ['metadata.annotations', 'Invalid value: "x/y/z": a valid label key must consist'],
      ['metadata.finalizers', 'Invalid value: []string{"orphan", "foregroundDeletion"}'],
    ];
    expect(errs).toHaveLength(starts.length);
    starts.forEach(([field, start], i) => {
      expect(errs[i]?.field).toBe(field);
      expect(errs[i]?.message.startsWith(start)).toBe(true);
    });
    expect(errs[4]?.message).toBe('Invalid value: []string{"orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set');
  });
});

describe('validateEvent — updates', () => {
  const old = modern({ metadata: { name: 'test-event', namespace: 'default', uid: 'u1', resourceVersion: '5' } });

  it('lets core/v1 updates change anything the legacy rules allow', () => {
    expect(validateEvent(modern({ reason: 'Other', action: 'Other', metadata: old.metadata! }), { ...V1, old })).toStrictEqual([]);
  });

  it('accepts an events.k8s.io/v1 update that only moves the series', () => {
    const next = modern({ metadata: old.metadata!, series: { count: 2, lastObservedTime: '2025-12-30T00:05:00.000000Z' } });
    expect(validateEvent(next, { ...EV, old })).toStrictEqual([]);
  });

  it('validates a changed series, but not an unchanged one', () => {
    const bad = { count: 1, lastObservedTime: '2025-12-30T00:05:00.000000Z' };
    expect(validateEvent(modern({ metadata: old.metadata!, series: bad }), { ...EV, old })).toStrictEqual([
      e('FieldValueInvalid', 'series.count', 'Invalid value: "": should be at least 2'),
    ]);
    const oldWithBad = modern({ metadata: old.metadata!, series: bad });
    expect(validateEvent(modern({ metadata: old.metadata!, series: bad }), { ...EV, old: oldWithBad })).toStrictEqual([]);
  });

  it('reports every immutable field that changed, as ValidateEventUpdate orders them', () => {
    const next = modern({
      metadata: old.metadata!,
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'other-pod', uid: 'x"y' },
      reason: 'OtherReason',
      message: 'new note',
      source: { component: 'kubelet' },
      count: 3,
      type: 'Warning',
      eventTime: '2025-12-30T01:00:00.250000Z',
      action: 'OtherAction',
      related: { kind: 'Node', name: 'n1' },
      reportingComponent: 'other-controller',
      reportingInstance: 'other-instance',
    });
    expect(validateEvent(next, { ...EV, old })).toStrictEqual([
      e(
        'FieldValueInvalid',
        'involvedObject',
        'Invalid value: core.ObjectReference{Kind:"Pod", Namespace:"default", Name:"other-pod", UID:"x\\"y", APIVersion:"", ResourceVersion:"", FieldPath:""}: field is immutable',
      ),
      e('FieldValueInvalid', 'reason', 'Invalid value: "OtherReason": field is immutable'),
      e('FieldValueInvalid', 'message', 'Invalid value: "new note": field is immutable'),
      e('FieldValueInvalid', 'source', 'Invalid value: core.EventSource{Component:"kubelet", Host:""}: field is immutable'),
      e('FieldValueInvalid', 'count', 'Invalid value: 3: field is immutable'),
      e('FieldValueInvalid', 'reason', 'Invalid value: "OtherReason": field is immutable'),
      e('FieldValueInvalid', 'type', 'Invalid value: "Warning": field is immutable'),
      e('FieldValueInvalid', 'eventTime', 'Invalid value: 2025-12-30 01:00:00.25 +0000 UTC: field is immutable'),
      e('FieldValueInvalid', 'action', 'Invalid value: "OtherAction": field is immutable'),
      e(
        'FieldValueInvalid',
        'related',
        'Invalid value: core.ObjectReference{Kind:"Node", Namespace:"", Name:"n1", UID:"", APIVersion:"", ResourceVersion:"", FieldPath:""}: field is immutable',
      ),
      e('FieldValueInvalid', 'reportingController', 'Invalid value: "other-controller": field is immutable'),
      e('FieldValueInvalid', 'reportingInstance', 'Invalid value: "other-instance": field is immutable'),
    ]);
  });

  it('prints unset times as the zero time and removed pointers as "null"', () => {
    const withTimes = modern({ metadata: old.metadata!, firstTimestamp: '2024-01-01T00:00:00Z', related: { kind: 'Node', name: 'n' } });
    const next = modern({ metadata: old.metadata!, lastTimestamp: '2024-01-02T03:04:05Z' });
    expect(validateEvent(next, { ...EV, old: withTimes })).toStrictEqual([
      e('FieldValueInvalid', 'firstTimestamp', 'Invalid value: 0001-01-01 00:00:00 +0000 UTC: field is immutable'),
      e('FieldValueInvalid', 'lastTimestamp', 'Invalid value: 2024-01-02 03:04:05 +0000 UTC: field is immutable'),
      e('FieldValueInvalid', 'related', 'Invalid value: "null": field is immutable'),
    ]);
  });

  it('tolerates eventTime changes below a microsecond', () => {
    const next = modern({ metadata: old.metadata!, eventTime: '2025-12-30T00:00:00.000000999Z' });
    expect(validateEvent(next, { ...EV, old })).toStrictEqual([]);
  });

  it('checks the metadata update rules', () => {
    const next = modern({ metadata: { name: 'test-event', namespace: 'default', uid: 'u2', resourceVersion: '' } });
    expect(validateEvent(next, { ...EV, old })).toStrictEqual([
      e('FieldValueInvalid', 'metadata.resourceVersion', 'Invalid value: "": must be specified for an update'),
      e('FieldValueInvalid', 'metadata.uid', 'Invalid value: "u2": field is immutable'),
    ]);
  });

  it('forbids new finalizers once the object is being deleted', () => {
    const deleting = modern({ metadata: { ...(old.metadata as JsonObject), deletionTimestamp: '2025-12-30T00:00:00Z', finalizers: ['a.io/x'] } });
    const next = modern({ metadata: { ...(old.metadata as JsonObject), deletionTimestamp: '2025-12-30T00:00:00Z', finalizers: ['a.io/x', 'b.io/y'] } });
    expect(validateEvent(next, { ...EV, old: deleting })).toStrictEqual([
      e('FieldValueForbidden', 'metadata.finalizers', 'Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b.io/y"}'),
    ]);
  });
});

describe('validateObjectMetaOnCreate', () => {
  it('checks names as path segments for the generic create path', () => {
    expect(validateObjectMetaOnCreate({ name: 'Any_Name.ok' }, 'default', 'path-segment')).toStrictEqual([]);
    expect(validateObjectMetaOnCreate({ name: '..' }, 'default', 'path-segment')).toStrictEqual([
      e('FieldValueInvalid', 'metadata.name', `Invalid value: "..": may not be '..'`),
    ]);
    expect(validateObjectMetaOnCreate({ name: 'a/b%c' }, 'default', 'path-segment')).toStrictEqual([
      e('FieldValueInvalid', 'metadata.name', `Invalid value: "a/b%c": may not contain '/'`),
      e('FieldValueInvalid', 'metadata.name', `Invalid value: "a/b%c": may not contain '%'`),
    ]);
    expect(validateObjectMetaOnCreate({ name: 'x' }, '', 'path-segment')).toStrictEqual([e('FieldValueRequired', 'metadata.namespace', 'Required value')]);
  });
});

describe('invalidEvent', () => {
  it('builds the 422 with the core GroupKind for either API version', () => {
    const errs = validateEvent(modern({ action: '' }), EV);
    for (const gv of ['v1', 'events.k8s.io/v1'] as const) {
      const err = invalidEvent(gv, 'test-event', errs);
      expect(err.status).toStrictEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Event "test-event" is invalid: action: Required value',
        reason: 'Invalid',
        details: { name: 'test-event', kind: 'Event', causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'action' }] },
        code: 422,
      });
    }
  });

  it('names a repeated error once in the message but lists every cause', () => {
    const old = modern();
    const errs = validateEvent(modern({ reason: 'Changed' }), { ...EV, old });
    const err = invalidEvent('events.k8s.io/v1', 'test-event', errs);
    expect(err.status.message).toBe('Event "test-event" is invalid: reason: Invalid value: "Changed": field is immutable');
    expect(err.status.details?.causes).toHaveLength(2);
  });

  it('brackets several distinct errors', () => {
    const err = invalidEvent('v1', 'x', validateEvent(modern({ action: '', reason: '' }), V1));
    expect(err.status.message).toBe('Event "x" is invalid: [action: Required value, reason: Required value]');
  });
});
