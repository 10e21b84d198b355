import { CoreV1Event, EventsV1Event, V1MicroTime } from '@kubernetes/client-node';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KubeEventsError } from '../../src/errors.ts';
import {
  fromCoreV1Event,
  fromEventObject,
  fromEventsV1Event,
  InvalidEventError,
  toCoreV1Event,
  toEventsV1Event,
} from '../../src/stream/kube-event.ts';
import type {
  CoreV1EventInput,
  EventApi,
  EventsV1EventInput,
  KubeEvent,
  KubeEventFields,
} from '../../src/stream/kube-event.ts';
import type { JsonObject } from '../../src/testing/json.ts';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

type Loose<T> = { -readonly [K in keyof T]?: T[K] };

/** Everything of a KubeEvent but `api` and `raw`. */
function fieldsOf(ev: KubeEvent): KubeEventFields {
  const fields: Loose<KubeEvent> = { ...ev };
  delete fields.api;
  delete fields.raw;
  return fields as KubeEventFields;
}

/** The fields that do not hold a timestamp. */
function untimedFieldsOf(fields: KubeEventFields): Loose<KubeEventFields> {
  const out: Loose<KubeEventFields> = { ...fields };
  delete out.firstTimestamp;
  delete out.lastTimestamp;
  delete out.eventTime;
  delete out.creationTimestamp;
  delete out.timestampText;
  out.series = fields.series && { count: fields.series.count, lastObservedTime: undefined };
  return out;
}

/** A list item: the object without `apiVersion` and `kind`. */
function withoutTypeMeta(obj: JsonObject): JsonObject {
  const out = { ...obj };
  delete out.apiVersion;
  delete out.kind;
  return out;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function asCore(obj: JsonObject): CoreV1EventInput {
  return obj as unknown as CoreV1EventInput;
}

function asEvents(obj: JsonObject): EventsV1EventInput {
  return obj as unknown as EventsV1EventInput;
}

function from(api: EventApi, obj: JsonObject): KubeEvent {
  return api === 'core/v1' ? fromCoreV1Event(asCore(obj)) : fromEventsV1Event(asEvents(obj));
}

function to(api: EventApi, ev: KubeEvent): unknown {
  return api === 'core/v1' ? toCoreV1Event(ev) : toEventsV1Event(ev);
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

// ---------------------------------------------------------------------------------------------
// Fixtures: one stored Event as kube-apiserver serves it through each API
// ---------------------------------------------------------------------------------------------

const kubeletMeta = {
  name: 'web-0.17cb3c8a1e2f4b5d',
  namespace: 'default',
  uid: '5f0c3a4e-8e9b-4c1d-9a7e-2b1f3c4d5e6f',
  resourceVersion: '48213',
  creationTimestamp: '2024-05-01T10:00:00Z',
};

const kubeletRef = {
  kind: 'Pod',
  namespace: 'default',
  name: 'web-0',
  uid: 'a1b2c3d4-0000-4000-8000-000000000001',
  apiVersion: 'v1',
  resourceVersion: '48100',
  fieldPath: 'spec.containers{web}',
};

/** A legacy kubelet Event (client-go tools/record) read through /api/v1. */
const kubeletCore: JsonObject = {
  kind: 'Event',
  apiVersion: 'v1',
  metadata: kubeletMeta,
  involvedObject: kubeletRef,
  reason: 'BackOff',
  message: 'Back-off restarting failed container web in pod web-0_default',
  source: { component: 'kubelet', host: 'node-1' },
  firstTimestamp: '2024-05-01T10:00:00Z',
  lastTimestamp: '2024-05-01T10:04:30Z',
  count: 7,
  type: 'Warning',
  eventTime: null,
  reportingComponent: 'kubelet',
  reportingInstance: 'node-1',
};

/** The same stored Event read through /apis/events.k8s.io/v1. */
const kubeletEvents: JsonObject = {
  kind: 'Event',
  apiVersion: 'events.k8s.io/v1',
  metadata: kubeletMeta,
  eventTime: null,
  reportingController: 'kubelet',
  reportingInstance: 'node-1',
  reason: 'BackOff',
  regarding: kubeletRef,
  note: 'Back-off restarting failed container web in pod web-0_default',
  type: 'Warning',
  deprecatedSource: { component: 'kubelet', host: 'node-1' },
  deprecatedFirstTimestamp: '2024-05-01T10:00:00Z',
  deprecatedLastTimestamp: '2024-05-01T10:04:30Z',
  deprecatedCount: 7,
};

const schedulerMeta = {
  name: 'web-1.17cb3c8a20000000',
  namespace: 'default',
  uid: '0d1e2f3a-1111-4222-8333-444455556666',
  resourceVersion: '48230',
  creationTimestamp: '2024-05-01T10:00:01Z',
};

const schedulerRef = { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'c0ffee00-0000-4000-8000-000000000002', apiVersion: 'v1', resourceVersion: '48225' };

/** An Event created through events.k8s.io/v1 by the scheduler (client-go tools/events), with a series. */
const schedulerEvents: JsonObject = {
  kind: 'Event',
  apiVersion: 'events.k8s.io/v1',
  metadata: schedulerMeta,
  eventTime: '2024-05-01T10:00:01.123456Z',
  series: { count: 3, lastObservedTime: '2024-05-01T10:02:01.654321Z' },
  reportingController: 'default-scheduler',
  reportingInstance: 'default-scheduler-cp-1',
  action: 'Scheduling',
  reason: 'FailedScheduling',
  regarding: schedulerRef,
  note: '0/3 nodes are available: 3 Insufficient cpu.',
  type: 'Warning',
  deprecatedSource: {},
  deprecatedFirstTimestamp: null,
  deprecatedLastTimestamp: null,
};

/** The same stored Event read through /api/v1. */
const schedulerCore: JsonObject = {
  kind: 'Event',
  apiVersion: 'v1',
  metadata: schedulerMeta,
  involvedObject: schedulerRef,
  reason: 'FailedScheduling',
  message: '0/3 nodes are available: 3 Insufficient cpu.',
  source: {},
  firstTimestamp: null,
  lastTimestamp: null,
  type: 'Warning',
  eventTime: '2024-05-01T10:00:01.123456Z',
  series: { count: 3, lastObservedTime: '2024-05-01T10:02:01.654321Z' },
  action: 'Scheduling',
  reportingComponent: 'default-scheduler',
  reportingInstance: 'default-scheduler-cp-1',
};

// ---------------------------------------------------------------------------------------------
// Unit tests
// ---------------------------------------------------------------------------------------------

describe('fromCoreV1Event', () => {
  it('normalizes a legacy kubelet event', () => {
    const ev = fromCoreV1Event(asCore(kubeletCore));
    expect(ev).toEqual({
      api: 'core/v1',
      uid: kubeletMeta.uid,
      name: kubeletMeta.name,
      namespace: 'default',
      resourceVersion: '48213',
      type: 'Warning',
      reason: 'BackOff',
      action: '',
      message: 'Back-off restarting failed container web in pod web-0_default',
      regarding: kubeletRef,
      related: undefined,
      reportingController: 'kubelet',
      reportingInstance: 'node-1',
      source: { component: 'kubelet', host: 'node-1' },
      count: 7,
      firstTimestamp: new Date('2024-05-01T10:00:00Z'),
      lastTimestamp: new Date('2024-05-01T10:04:30Z'),
      eventTime: undefined,
      series: undefined,
      labels: {},
      annotations: {},
      creationTimestamp: new Date('2024-05-01T10:00:00Z'),
      timestampText: {
        firstTimestamp: '2024-05-01T10:00:00Z',
        lastTimestamp: '2024-05-01T10:04:30Z',
        eventTime: undefined,
        seriesLastObservedTime: undefined,
        creationTimestamp: '2024-05-01T10:00:00Z',
      },
      raw: kubeletCore,
    });
    expect(ev.raw).toBe(kubeletCore);
  });

  it('keeps labels and annotations by reference and does not touch the input', () => {
    const obj = deepFreeze({
      ...kubeletCore,
      metadata: { ...kubeletMeta, labels: { app: 'web' }, annotations: { note: 'x' } },
    });
    const ev = fromCoreV1Event(asCore(obj));
    expect(ev.labels).toBe((obj.metadata as JsonObject).labels);
    expect(ev.annotations).toEqual({ note: 'x' });
    expect(toCoreV1Event(ev)).toStrictEqual(obj);
  });

  it('falls back to source.component and source.host for the reporting controller and instance', () => {
    const ev = fromCoreV1Event(asCore({ ...kubeletCore, reportingComponent: '', reportingInstance: '' }));
    expect(ev.reportingController).toBe('kubelet');
    expect(ev.reportingInstance).toBe('node-1');
    const own = fromCoreV1Event(asCore({ ...kubeletCore, reportingComponent: 'kubernetes.io/kubelet', reportingInstance: 'kubelet-node-1' }));
    expect(own.reportingController).toBe('kubernetes.io/kubelet');
    expect(own.reportingInstance).toBe('kubelet-node-1');
    const none = fromCoreV1Event(asCore({ metadata: { name: 'e' } }));
    expect([none.reportingController, none.reportingInstance]).toEqual(['', '']);
  });

  it.each([
    ['no count, no series', {}, 1],
    ['count 0', { count: 0 }, 1],
    ['count 5', { count: 5 }, 5],
    ['series.count wins over count', { count: 5, series: { count: 9, lastObservedTime: null } }, 9],
    ['series without count falls back to count', { count: 5, series: { lastObservedTime: null } }, 5],
    ['series.count 0 falls back to 1', { series: { count: 0, lastObservedTime: null } }, 1],
    ['negative count is treated as absent', { count: -3 }, 1],
  ])('count: %s', (_name, fields, expected) => {
    expect(fromCoreV1Event(asCore({ metadata: { name: 'e' }, ...fields })).count).toBe(expected);
  });

  it('passes other event types through and leaves an absent type empty', () => {
    expect(fromCoreV1Event(asCore({ metadata: { name: 'e' }, type: 'Critical' })).type).toBe('Critical');
    expect(fromCoreV1Event(asCore({ metadata: { name: 'e' } })).type).toBe('');
  });

  it('reads related references and empty ones', () => {
    const ev = fromCoreV1Event(asCore({ metadata: { name: 'e' }, related: { kind: 'Node', name: 'node-1' } }));
    expect(ev.related).toEqual({ kind: 'Node', name: 'node-1', namespace: '', uid: '', apiVersion: '', fieldPath: '', resourceVersion: '' });
    expect(fromCoreV1Event(asCore({ metadata: { name: 'e' }, related: {} })).related?.kind).toBe('');
    expect(fromCoreV1Event(asCore({ metadata: { name: 'e' }, related: null })).related).toBeUndefined();
  });

  it('reads a null or absent involvedObject as an empty reference', () => {
    expect(fromCoreV1Event(asCore({ metadata: { name: 'e' } })).regarding.name).toBe('');
  });
});

describe('timestamps', () => {
  it('keeps microseconds in timestampText and milliseconds in the Date', () => {
    const ev = fromEventsV1Event(asEvents(schedulerEvents));
    expect(ev.eventTime?.toISOString()).toBe('2024-05-01T10:00:01.123Z');
    expect(ev.timestampText.eventTime).toBe('2024-05-01T10:00:01.123456Z');
    expect(ev.series).toEqual({ count: 3, lastObservedTime: new Date('2024-05-01T10:02:01.654Z') });
    expect(ev.timestampText.seriesLastObservedTime).toBe('2024-05-01T10:02:01.654321Z');
  });

  it.each([
    ['2024-05-01T12:30:00+02:00', '2024-05-01T10:30:00.000Z'],
    ['2024-05-01T08:00:00.5-02:30', '2024-05-01T10:30:00.500Z'],
    ['2024-05-01t10:00:00.123456789z', '2024-05-01T10:00:00.123Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['1969-12-31T23:59:59.9995Z', '1969-12-31T23:59:59.999Z'],
    ['1969-12-31T23:59:59.9995+00:00', '1969-12-31T23:59:59.999Z'],
  ])('parses RFC 3339 %s', (text, iso) => {
    const ev = fromCoreV1Event(asCore({ metadata: { name: 'e' }, lastTimestamp: text }));
    expect(ev.lastTimestamp?.toISOString()).toBe(iso);
    expect(ev.timestampText.lastTimestamp).toBe(text);
  });

  it.each(['2024-05-01', '2024-05-01 10:00:00Z', '2023-02-29T00:00:00Z', '2024-05-01T24:00:00Z', '2024-05-01T10:00:60Z', '2024-13-01T00:00:00Z', '2024-05-01T10:00:00+24:00', '2024-05-01T10:00:00.1a3Z', '2024-05-01T10:00:00.Z', '2024-05-01T10:00:00', 'yesterday'])(
    'rejects the timestamp %s',
    (text) => {
      const err = catchError(() => fromCoreV1Event(asCore({ metadata: { name: 'e' }, firstTimestamp: text })));
      expect(err).toBeInstanceOf(InvalidEventError);
      expect((err as InvalidEventError).field).toBe('firstTimestamp');
    },
  );

  it('accepts client-node models with Date timestamps and writes them as RFC 3339', () => {
    const model = Object.assign(new CoreV1Event(), {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e', namespace: 'default', creationTimestamp: new Date('2024-05-01T10:00:00Z') },
      involvedObject: { kind: 'Pod', name: 'web-0' },
      firstTimestamp: new Date('2024-05-01T10:00:00Z'),
      lastTimestamp: new Date('2024-05-01T10:00:05.250Z'),
      eventTime: new V1MicroTime('2024-05-01T10:00:01.123Z'),
      series: { count: 2, lastObservedTime: new V1MicroTime('2024-05-01T10:00:02.5Z') },
      reportingComponent: 'kubelet',
      reportingInstance: 'node-1',
    });
    const ev = fromCoreV1Event(model);
    expect(ev.firstTimestamp).toBe(model.firstTimestamp); // used as is
    expect(ev.timestampText).toEqual({
      firstTimestamp: '2024-05-01T10:00:00Z',
      lastTimestamp: '2024-05-01T10:00:05.250Z',
      eventTime: '2024-05-01T10:00:01.123000Z',
      seriesLastObservedTime: '2024-05-01T10:00:02.500000Z',
      creationTimestamp: '2024-05-01T10:00:00Z',
    });
    expect(toCoreV1Event(ev)).toStrictEqual({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e', namespace: 'default', creationTimestamp: '2024-05-01T10:00:00Z' },
      involvedObject: { kind: 'Pod', name: 'web-0' },
      firstTimestamp: '2024-05-01T10:00:00Z',
      lastTimestamp: '2024-05-01T10:00:05.250Z',
      eventTime: '2024-05-01T10:00:01.123000Z',
      series: { count: 2, lastObservedTime: '2024-05-01T10:00:02.500000Z' },
      reportingComponent: 'kubelet',
      reportingInstance: 'node-1',
    });
    // Read through the other API, as the server would serve it: Time to the second.
    expect(toEventsV1Event(ev)).toMatchObject({
      deprecatedFirstTimestamp: '2024-05-01T10:00:00Z',
      deprecatedLastTimestamp: '2024-05-01T10:00:05Z',
      eventTime: '2024-05-01T10:00:01.123000Z',
    });
    expect(fieldsOf(fromCoreV1Event(toCoreV1Event(ev)))).toEqual(fieldsOf(ev));
  });

  it('accepts client-node EventsV1Event models', () => {
    const model = Object.assign(new EventsV1Event(), {
      metadata: { name: 'e' },
      eventTime: new V1MicroTime('2024-05-01T10:00:01.123Z'),
      regarding: { kind: 'Node', name: 'node-1' },
      note: 'Node is ready',
      reportingController: 'kubelet',
      reportingInstance: 'node-1',
    });
    const ev = fromEventsV1Event(model);
    expect(ev.message).toBe('Node is ready');
    expect(toEventsV1Event(ev)).toStrictEqual({
      metadata: { name: 'e' },
      eventTime: '2024-05-01T10:00:01.123000Z',
      regarding: { kind: 'Node', name: 'node-1' },
      note: 'Node is ready',
      reportingController: 'kubelet',
      reportingInstance: 'node-1',
    });
  });

  it('rejects invalid Dates', () => {
    const err = catchError(() => fromCoreV1Event({ metadata: { name: 'e' }, involvedObject: {}, eventTime: new Date(Number.NaN) }));
    expect((err as InvalidEventError).field).toBe('eventTime');
  });
});

describe('cross-API conversion matches kube-apiserver', () => {
  it('reads a legacy core/v1 event through events.k8s.io/v1', () => {
    expect(toEventsV1Event(fromCoreV1Event(asCore(kubeletCore)))).toStrictEqual(kubeletEvents);
    expect(toCoreV1Event(fromEventsV1Event(asEvents(kubeletEvents)))).toStrictEqual(kubeletCore);
  });

  it('reads an events.k8s.io/v1 event with a series through core/v1', () => {
    expect(toCoreV1Event(fromEventsV1Event(asEvents(schedulerEvents)))).toStrictEqual(schedulerCore);
    expect(toEventsV1Event(fromCoreV1Event(asCore(schedulerCore)))).toStrictEqual(schedulerEvents);
  });

  it('normalizes both views of one stored event to the same fields', () => {
    expect(fieldsOf(fromCoreV1Event(asCore(kubeletCore)))).toEqual(fieldsOf(fromEventsV1Event(asEvents(kubeletEvents))));
    expect(fieldsOf(fromCoreV1Event(asCore(schedulerCore)))).toEqual(fieldsOf(fromEventsV1Event(asEvents(schedulerEvents))));
  });

  it('writes empty values the way each API serializes them', () => {
    const core = toCoreV1Event(fromEventsV1Event(asEvents({ metadata: { name: 'e' }, eventTime: null })));
    expect(core).toStrictEqual({
      metadata: { name: 'e' },
      involvedObject: {},
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      eventTime: null,
      reportingComponent: '',
      reportingInstance: '',
    });
    const events = toEventsV1Event(fromCoreV1Event(asCore({ metadata: { name: 'e' }, series: { lastObservedTime: null }, related: {} })));
    expect(events).toStrictEqual({
      metadata: { name: 'e' },
      regarding: {},
      related: {},
      deprecatedSource: {},
      deprecatedFirstTimestamp: null,
      deprecatedLastTimestamp: null,
      eventTime: null,
      series: { count: 0, lastObservedTime: null },
    });
  });

  it('writes timestamps in the server canonical UTC form', () => {
    const events = toEventsV1Event(
      fromCoreV1Event(
        asCore({
          metadata: { name: 'e' },
          firstTimestamp: '2024-05-01T12:00:00.9+02:00',
          eventTime: '2024-05-01T12:00:00.1234567+02:00',
          series: { count: 2, lastObservedTime: '2024-05-01T10:00:00Z' },
        }),
      ),
    );
    expect(events.deprecatedFirstTimestamp).toBe('2024-05-01T10:00:00Z');
    expect(events.eventTime).toBe('2024-05-01T10:00:00.123456Z');
    expect(events.series).toEqual({ count: 2, lastObservedTime: '2024-05-01T10:00:00.000000Z' });
  });

  it('drops fields the target API does not have and empty reference fields', () => {
    const events = toEventsV1Event(
      fromCoreV1Event(asCore({ metadata: { name: 'e' }, involvedObject: { kind: 'Pod', name: '', extra: 'x' }, somethingNew: 1 })),
    );
    expect(events.regarding).toStrictEqual({ kind: 'Pod' });
    expect(events).not.toHaveProperty('somethingNew');
  });
});

describe('changed copies', () => {
  it('applies changed fields on top of raw, in either API', () => {
    const ev = fromCoreV1Event(asCore(kubeletCore));
    const changed: KubeEvent = { ...ev, message: '[redacted]', type: 'Normal', labels: { team: 'a' } };
    expect(toCoreV1Event(changed)).toStrictEqual({ ...kubeletCore, message: '[redacted]', type: 'Normal', metadata: { ...kubeletMeta, labels: { team: 'a' } } });
    expect(toEventsV1Event(changed)).toStrictEqual({ ...kubeletEvents, note: '[redacted]', type: 'Normal', metadata: { ...kubeletMeta, labels: { team: 'a' } } });
  });

  it('leaves out emptied strings and writes cleared timestamps as null', () => {
    const ev = fromCoreV1Event(asCore(kubeletCore));
    const out = toCoreV1Event({ ...ev, message: '', reason: '', firstTimestamp: undefined, related: undefined });
    expect(out).not.toHaveProperty('message');
    expect(out).not.toHaveProperty('reason');
    expect(out.firstTimestamp).toBeNull();
  });

  it('writes a changed count where it is read from', () => {
    const legacy = fromCoreV1Event(asCore(kubeletCore));
    expect(toCoreV1Event({ ...legacy, count: 8 }).count).toBe(8);
    const series = fromEventsV1Event(asEvents(schedulerEvents));
    const out = toEventsV1Event({ ...series, count: 4 });
    expect(out.series).toEqual({ count: 4, lastObservedTime: '2024-05-01T10:02:01.654321Z' });
    expect(out).not.toHaveProperty('deprecatedCount');
    expect(() => toCoreV1Event({ ...legacy, count: 0 })).toThrow(InvalidEventError);
  });

  it('writes a changed reporting controller over the source fallback', () => {
    const ev = fromCoreV1Event(asCore({ ...kubeletCore, reportingComponent: '', reportingInstance: '' }));
    expect(ev.reportingController).toBe('kubelet');
    const out = toCoreV1Event({ ...ev, reportingController: 'kubernetes.io/kubelet' });
    expect(out.reportingComponent).toBe('kubernetes.io/kubelet');
    expect(out.reportingInstance).toBe('');
    expect(out.source).toBe(kubeletCore.source);
  });

  it('writes a changed timestamp from its Date unless its text still agrees', () => {
    const ev = fromEventsV1Event(asEvents(schedulerEvents));
    const later = new Date('2024-05-01T11:00:00.5Z');
    expect(toEventsV1Event({ ...ev, eventTime: later }).eventTime).toBe('2024-05-01T11:00:00.500000Z');
    expect(toEventsV1Event({ ...ev, lastTimestamp: later }).deprecatedLastTimestamp).toBe('2024-05-01T11:00:00.500Z');
    const text = '2024-05-01T13:00:00.500001+02:00';
    const out = toEventsV1Event({ ...ev, eventTime: later, timestampText: { ...ev.timestampText, eventTime: text } });
    expect(out.eventTime).toBe(text);
  });

  it('rejects an emptied name and invalid Dates', () => {
    const ev = fromCoreV1Event(asCore(kubeletCore));
    expect((catchError(() => toCoreV1Event({ ...ev, name: '' })) as InvalidEventError).field).toBe('metadata.name');
    expect((catchError(() => toCoreV1Event({ ...ev, eventTime: new Date('x') })) as InvalidEventError).field).toBe('eventTime');
  });
});

describe('fromEventObject', () => {
  it('dispatches on apiVersion', () => {
    expect(fromEventObject(kubeletCore).api).toBe('core/v1');
    expect(fromEventObject(kubeletEvents).api).toBe('events.k8s.io/v1');
  });

  it('reads list items without apiVersion as the given API, or by shape', () => {
    const coreItem = withoutTypeMeta(kubeletCore);
    const eventsItem = withoutTypeMeta(kubeletEvents);
    expect(fromEventObject(coreItem, 'core/v1').api).toBe('core/v1');
    expect(fromEventObject(coreItem).api).toBe('core/v1');
    expect(fromEventObject(eventsItem).api).toBe('events.k8s.io/v1');
    expect(fromEventObject({ metadata: { name: 'e' }, note: 'x' }).api).toBe('events.k8s.io/v1');
    expect(fromEventObject({ metadata: { name: 'e' } }, 'events.k8s.io/v1').api).toBe('events.k8s.io/v1');
  });

  it('rejects other apiVersions and objects it cannot place', () => {
    const other = catchError(() => fromEventObject({ ...kubeletEvents, apiVersion: 'events.k8s.io/v1beta1' }));
    expect(other).toBeInstanceOf(InvalidEventError);
    expect((other as InvalidEventError).field).toBe('apiVersion');
    expect((other as InvalidEventError).message).toBe(
      'Invalid Kubernetes Event: expected `apiVersion` to be `v1` or `events.k8s.io/v1`, got `events.k8s.io/v1beta1` (string)',
    );
    const unknown = catchError(() => fromEventObject({ metadata: { name: 'e' } }));
    expect((unknown as InvalidEventError).field).toBe('apiVersion');
    expect((unknown as InvalidEventError).api).toBeUndefined();
  });
});

describe('InvalidEventError', () => {
  it.each<[string, () => unknown, string, string]>([
    ['null', () => fromEventObject(null), '', 'Invalid Kubernetes Event: expected the event to be an object, got `null` (null)'],
    ['an array', () => fromCoreV1Event([] as unknown as CoreV1EventInput), '', 'Invalid core/v1 Event: expected the event to be an object, got `[]` (array)'],
    ['no metadata', () => fromCoreV1Event({} as CoreV1EventInput), 'metadata', 'Invalid core/v1 Event: expected `metadata` to be an object, got `undefined` (undefined)'],
    ['no name', () => fromEventsV1Event(asEvents({ metadata: {} })), 'metadata.name', 'Invalid events.k8s.io/v1 Event: expected `metadata.name` to be a non-empty string, got `undefined` (undefined)'],
    ['a Pod', () => fromEventObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }), 'kind', 'Invalid core/v1 Event: expected `kind` to be `Event`, got `Pod` (string)'],
    ['the other API', () => fromCoreV1Event(asCore(kubeletEvents)), 'apiVersion', 'Invalid core/v1 Event: expected `apiVersion` to be `v1`, got `events.k8s.io/v1` (string)'],
    ['a numeric reason', () => fromCoreV1Event(asCore({ metadata: { name: 'e' }, reason: 5 })), 'reason', 'Invalid core/v1 Event: expected `reason` to be a string, got `5` (number)'],
    ['a string count', () => fromCoreV1Event(asCore({ metadata: { name: 'e' }, count: '5' })), 'count', 'Invalid core/v1 Event: expected `count` to be an integer, got `5` (string)'],
    ['a bad series count', () => fromEventsV1Event(asEvents({ metadata: { name: 'e' }, series: { count: 1.5 } })), 'series.count', 'Invalid events.k8s.io/v1 Event: expected `series.count` to be an integer, got `1.5` (number)'],
    ['a bad reference field', () => fromEventsV1Event(asEvents({ metadata: { name: 'e' }, regarding: { kind: ['Pod'] } })), 'regarding.kind', 'Invalid events.k8s.io/v1 Event: expected `regarding.kind` to be a string, got `["Pod"]` (array)'],
    ['a bad label', () => fromCoreV1Event(asCore({ metadata: { name: 'e', labels: { a: 1 } } })), 'metadata.labels.a', 'Invalid core/v1 Event: expected `metadata.labels.a` to be a string, got `1` (number)'],
    ['a bad source', () => fromCoreV1Event(asCore({ metadata: { name: 'e' }, source: 'kubelet' })), 'source', 'Invalid core/v1 Event: expected `source` to be an object, got `kubelet` (string)'],
    ['a bad deprecatedSource host', () => fromEventsV1Event(asEvents({ metadata: { name: 'e' }, deprecatedSource: { host: 1 } })), 'deprecatedSource.host', 'Invalid events.k8s.io/v1 Event: expected `deprecatedSource.host` to be a string, got `1` (number)'],
    ['a bad series time', () => fromEventsV1Event(asEvents({ metadata: { name: 'e' }, series: { count: 2, lastObservedTime: 'later' } })), 'series.lastObservedTime', 'Invalid events.k8s.io/v1 Event: expected `series.lastObservedTime` to be an RFC 3339 timestamp, a valid Date or null, got `later` (string)'],
  ])('names the field for %s', (_name, fn, field, message) => {
    const err = catchError(fn);
    expect(err).toBeInstanceOf(InvalidEventError);
    expect(err).toBeInstanceOf(KubeEventsError);
    const e = err as InvalidEventError;
    expect(e.code).toBe('ERR_INVALID_EVENT');
    expect(e.name).toBe('InvalidEventError');
    expect(e.field).toBe(field);
    expect(e.message).toBe(message);
  });

  it('shortens long values in the message', () => {
    const err = catchError(() => fromCoreV1Event(asCore({ metadata: { name: 'e' }, reason: { text: 'x'.repeat(500) } }))) as InvalidEventError;
    expect(err.message.length).toBeLessThan(200);
    expect(err.value).toEqual({ text: 'x'.repeat(500) });
  });
});

// ---------------------------------------------------------------------------------------------
// Property tests
// ---------------------------------------------------------------------------------------------

const MIN_MS = Date.UTC(1990, 0, 1);
const MAX_MS = Date.UTC(2090, 0, 1);
const text = fc.oneof(fc.constant(''), fc.string({ maxLength: 12 }), fc.constantFrom('Normal', 'Warning', 'kubelet', 'Pod'));
const nonEmpty = fc.string({ minLength: 1, maxLength: 16 });
const mapKey = fc.stringMatching(/^[a-z][a-z0-9./-]{0,15}$/);
const stringMap = fc.dictionary(mapKey, fc.string({ maxLength: 8 }), { maxKeys: 3, noNullPrototype: true });
const seconds = fc.integer({ min: MIN_MS / 1000, max: MAX_MS / 1000 });
const digits = (n: number) => fc.stringMatching(new RegExp(`^\\d{${n}}$`));

/** metav1.Time as kube-apiserver writes it. */
const canonicalTime = seconds.map((s) => `${new Date(s * 1000).toISOString().slice(0, 19)}Z`);
/** metav1.MicroTime as kube-apiserver writes it. */
const canonicalMicroTime = fc.tuple(seconds, digits(6)).map(([s, us]) => `${new Date(s * 1000).toISOString().slice(0, 19)}.${us}Z`);
/** Any RFC 3339 timestamp: offsets, any number of fraction digits, lower-case separators. */
const anyTime = fc
  .tuple(
    seconds,
    fc.option(fc.integer({ min: 1, max: 9 }).chain((n) => digits(n)), { nil: undefined }),
    fc.option(fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })), { nil: undefined }),
    fc.boolean(),
  )
  .map(([s, fraction, offset, lower]) => {
    const shift = offset === undefined ? 0 : (offset[0] === '+' ? 1 : -1) * (offset[1] * 60 + offset[2]) * 60_000;
    const local = new Date(s * 1000 + shift).toISOString().slice(0, 19);
    const zone =
      offset === undefined ? 'Z' : `${offset[0]}${String(offset[1]).padStart(2, '0')}:${String(offset[2]).padStart(2, '0')}`;
    const stamp = `${local}${fraction === undefined ? '' : `.${fraction}`}${zone}`;
    return lower ? stamp.replace('T', 't').replace('Z', 'z') : stamp;
  });

const REF_KEYS = ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'] as const;

/** An ObjectReference as the server writes it: only non-empty fields. */
const canonicalRef = fc.record(Object.fromEntries(REF_KEYS.map((k) => [k, nonEmpty])), { requiredKeys: [], noNullPrototype: true }) as fc.Arbitrary<JsonObject>;
/** Any ObjectReference: empty strings, nulls and unknown fields too. */
const anyRef = fc.record(
  { ...Object.fromEntries(REF_KEYS.map((k) => [k, fc.oneof(text, fc.constant(null))])), extra: fc.string() },
  { requiredKeys: [], noNullPrototype: true },
) as fc.Arbitrary<JsonObject>;

const canonicalMeta = fc.record(
  {
    name: nonEmpty,
    namespace: nonEmpty,
    uid: fc.uuid(),
    resourceVersion: fc.integer({ min: 1 }).map(String),
    creationTimestamp: canonicalTime,
    labels: stringMap.filter((m) => Object.keys(m).length > 0),
    annotations: stringMap.filter((m) => Object.keys(m).length > 0),
  },
  { requiredKeys: ['name'], noNullPrototype: true },
) as fc.Arbitrary<JsonObject>;

const anyMeta = fc.record(
  {
    name: nonEmpty,
    namespace: text,
    uid: text,
    resourceVersion: text,
    generateName: text,
    creationTimestamp: fc.oneof(anyTime, fc.constant(null)),
    labels: stringMap,
    annotations: stringMap,
    managedFields: fc.constant([{ manager: 'kubectl', operation: 'Update', time: '2024-05-01T10:00:00Z' }]),
  },
  { requiredKeys: ['name'], noNullPrototype: true },
) as fc.Arbitrary<JsonObject>;

/** One Event as kube-apiserver stores it (the fields of the internal core.Event). */
interface Stored {
  typeMeta: boolean;
  metadata: JsonObject;
  regarding: JsonObject;
  related: JsonObject | null;
  reason: string;
  message: string;
  type: string;
  action: string;
  source: { component: string; host: string };
  first: string | null;
  last: string | null;
  eventTime: string | null;
  count: number;
  series: { count: number; lastObservedTime: string | null } | null;
  reportingController: string;
  reportingInstance: string;
}

const maybeEmpty = fc.oneof(fc.constant(''), nonEmpty);
const int32Count = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2 ** 31 - 1 }));

const stored: fc.Arbitrary<Stored> = fc.record({
  typeMeta: fc.boolean(),
  metadata: canonicalMeta,
  regarding: canonicalRef,
  related: fc.option(canonicalRef, { nil: null }),
  reason: maybeEmpty,
  message: maybeEmpty,
  type: fc.oneof(fc.constantFrom('', 'Normal', 'Warning'), nonEmpty),
  action: maybeEmpty,
  source: fc.record({ component: maybeEmpty, host: maybeEmpty }, { noNullPrototype: true }),
  first: fc.option(canonicalTime, { nil: null }),
  last: fc.option(canonicalTime, { nil: null }),
  eventTime: fc.option(canonicalMicroTime, { nil: null }),
  count: int32Count,
  series: fc.option(fc.record({ count: int32Count, lastObservedTime: fc.option(canonicalMicroTime, { nil: null }) }, { noNullPrototype: true }), { nil: null }),
  reportingController: maybeEmpty,
  reportingInstance: maybeEmpty,
}, { noNullPrototype: true });

function sourceJson(source: Stored['source']): JsonObject {
  const out: JsonObject = {};
  if (source.component) out.component = source.component;
  if (source.host) out.host = source.host;
  return out;
}

/** The stored Event as GET /api/v1 serves it (k8s.io/api/core/v1 Event struct tags). */
function coreJson(s: Stored): JsonObject {
  const o: JsonObject = {};
  if (s.typeMeta) Object.assign(o, { kind: 'Event', apiVersion: 'v1' });
  o.metadata = s.metadata;
  o.involvedObject = s.regarding;
  if (s.reason) o.reason = s.reason;
  if (s.message) o.message = s.message;
  o.source = sourceJson(s.source);
  o.firstTimestamp = s.first;
  o.lastTimestamp = s.last;
  if (s.count !== 0) o.count = s.count;
  if (s.type) o.type = s.type;
  o.eventTime = s.eventTime;
  if (s.series) {
    const series: JsonObject = {};
    if (s.series.count !== 0) series.count = s.series.count;
    series.lastObservedTime = s.series.lastObservedTime;
    o.series = series;
  }
  if (s.action) o.action = s.action;
  if (s.related) o.related = s.related;
  o.reportingComponent = s.reportingController;
  o.reportingInstance = s.reportingInstance;
  return o;
}

/** The stored Event as GET /apis/events.k8s.io/v1 serves it (k8s.io/api/events/v1 Event struct tags). */
function eventsJson(s: Stored): JsonObject {
  const o: JsonObject = {};
  if (s.typeMeta) Object.assign(o, { kind: 'Event', apiVersion: 'events.k8s.io/v1' });
  o.metadata = s.metadata;
  o.eventTime = s.eventTime;
  if (s.series) o.series = { count: s.series.count, lastObservedTime: s.series.lastObservedTime };
  if (s.reportingController) o.reportingController = s.reportingController;
  if (s.reportingInstance) o.reportingInstance = s.reportingInstance;
  if (s.action) o.action = s.action;
  if (s.reason) o.reason = s.reason;
  o.regarding = s.regarding;
  if (s.related) o.related = s.related;
  if (s.message) o.note = s.message;
  if (s.type) o.type = s.type;
  o.deprecatedSource = sourceJson(s.source);
  o.deprecatedFirstTimestamp = s.first;
  o.deprecatedLastTimestamp = s.last;
  if (s.count !== 0) o.deprecatedCount = s.count;
  return o;
}

/** The normalized count, from the stored Event, per the documented rule. */
function expectedCount(s: Stored): number {
  if (s.series && s.series.count > 0) return s.series.count;
  return s.count > 0 ? s.count : 1;
}

/** Any core/v1 Event JSON: absent, empty and null fields, offsets, extra fields. */
const anyCore = fc.record(
  {
    apiVersion: fc.constant('v1'),
    kind: fc.constant('Event'),
    metadata: anyMeta,
    involvedObject: fc.oneof(anyRef, fc.constant(null)),
    reason: text,
    message: text,
    source: fc.oneof(fc.record({ component: text, host: text }, { requiredKeys: [], noNullPrototype: true }), fc.constant(null)),
    firstTimestamp: fc.oneof(anyTime, fc.constant(null)),
    lastTimestamp: fc.oneof(anyTime, fc.constant(null)),
    count: fc.integer({ min: -1, max: 1000 }),
    type: text,
    eventTime: fc.oneof(anyTime, fc.constant(null)),
    series: fc.oneof(
      fc.record({ count: fc.integer({ min: 0, max: 1000 }), lastObservedTime: fc.oneof(anyTime, fc.constant(null)), state: fc.constant('Ongoing') }, { requiredKeys: [], noNullPrototype: true }),
      fc.constant(null),
    ),
    action: text,
    related: fc.oneof(anyRef, fc.constant(null)),
    reportingComponent: text,
    reportingInstance: text,
    futureField: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: ['metadata'], noNullPrototype: true },
) as fc.Arbitrary<JsonObject>;

/** Any events.k8s.io/v1 Event JSON. */
const anyEvents = fc.record(
  {
    apiVersion: fc.constant('events.k8s.io/v1'),
    kind: fc.constant('Event'),
    metadata: anyMeta,
    eventTime: fc.oneof(anyTime, fc.constant(null)),
    series: fc.oneof(fc.record({ count: fc.integer({ min: 0, max: 1000 }), lastObservedTime: fc.oneof(anyTime, fc.constant(null)) }, { requiredKeys: [], noNullPrototype: true }), fc.constant(null)),
    reportingController: text,
    reportingInstance: text,
    action: text,
    reason: text,
    regarding: fc.oneof(anyRef, fc.constant(null)),
    related: fc.oneof(anyRef, fc.constant(null)),
    note: text,
    type: text,
    deprecatedSource: fc.oneof(fc.record({ component: text, host: text }, { requiredKeys: [], noNullPrototype: true }), fc.constant(null)),
    deprecatedFirstTimestamp: fc.oneof(anyTime, fc.constant(null)),
    deprecatedLastTimestamp: fc.oneof(anyTime, fc.constant(null)),
    deprecatedCount: fc.integer({ min: -1, max: 1000 }),
    futureField: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: ['metadata'], noNullPrototype: true },
) as fc.Arbitrary<JsonObject>;

const anyOf = (api: EventApi): fc.Arbitrary<JsonObject> => (api === 'core/v1' ? anyCore : anyEvents);
const APIS: EventApi[] = ['core/v1', 'events.k8s.io/v1'];

describe('properties', () => {
  it.each(APIS)('%s → KubeEvent → the same API gives back the same JSON, without touching the input', (api) => {
    fc.assert(
      fc.property(anyOf(api), (obj) => {
        deepFreeze(obj);
        const ev = from(api, obj);
        expect(ev.raw).toBe(obj);
        const out = to(api, ev);
        expect(out).toStrictEqual(obj);
        expect(JSON.stringify(out)).toBe(JSON.stringify(obj));
      }),
      { numRuns: 300 },
    );
  });

  it('a stored event reads the same through both APIs, and each view converts to the other exactly', () => {
    fc.assert(
      fc.property(stored, (s) => {
        const core = coreJson(s);
        const events = eventsJson(s);
        const fromCore = fromCoreV1Event(asCore(core));
        const fromEvents = fromEventsV1Event(asEvents(events));
        expect(toEventsV1Event(fromCore)).toStrictEqual(events);
        expect(toCoreV1Event(fromEvents)).toStrictEqual(core);
        expect(fieldsOf(fromCore)).toEqual(fieldsOf(fromEvents));
        expect(fromCore.count).toBe(expectedCount(s));
        expect(fromCore.message).toBe(s.message);
        expect(fromCore.reportingController).toBe(s.reportingController || s.source.component);
        expect(fromCore.reportingInstance).toBe(s.reportingInstance || s.source.host);
        expect(fromCore.timestampText.eventTime ?? null).toBe(s.eventTime);
      }),
      { numRuns: 300 },
    );
  });

  it.each(APIS)('any %s event keeps its fields through the other API and back', (api) => {
    const other: EventApi = api === 'core/v1' ? 'events.k8s.io/v1' : 'core/v1';
    fc.assert(
      fc.property(anyOf(api), (obj) => {
        const ev = from(api, obj);
        const there = from(other, to(other, ev) as JsonObject);
        const back = from(api, to(api, there) as JsonObject);
        for (const view of [there, back]) {
          expect(untimedFieldsOf(fieldsOf(view))).toEqual(untimedFieldsOf(fieldsOf(ev)));
          // MicroTimes keep their microseconds; Times are served to the second.
          expect(view.eventTime).toEqual(ev.eventTime);
          expect(view.series?.lastObservedTime).toEqual(ev.series?.lastObservedTime);
          expect(view.firstTimestamp?.getTime()).toBe(ev.firstTimestamp && Math.floor(ev.firstTimestamp.getTime() / 1000) * 1000);
        }
      }),
      { numRuns: 200 },
    );
  });

  it.each([...APIS.map((api) => [api, api] as const), ['core/v1', 'events.k8s.io/v1'] as const, ['events.k8s.io/v1', 'core/v1'] as const])(
    'changed fields of a %s event are written to %s and read back',
    (api, target) => {
      fc.assert(
        fc.property(anyOf(api), anyOf(target), (a, b) => {
          const ev = from(api, a);
          const want = fieldsOf(from(target, b));
          const changed: KubeEvent = { ...ev, ...want };
          const got = fieldsOf(from(target, to(target, changed) as JsonObject));
          if (api === target) {
            expect(got).toEqual(want);
          } else {
            // Unchanged timestamps are served in canonical form by the other API.
            expect(untimedFieldsOf(got)).toEqual(untimedFieldsOf(want));
          }
        }),
        { numRuns: 200 },
      );
    },
  );

  it('client-node models with Date timestamps convert without loss', () => {
    const date = fc.date({ min: new Date(MIN_MS), max: new Date(MAX_MS), noInvalidDate: true });
    fc.assert(
      fc.property(date, date, fc.option(date, { nil: undefined }), (first, created, eventTime) => {
        const model = Object.assign(new CoreV1Event(), {
          metadata: { name: 'e', creationTimestamp: created },
          involvedObject: { kind: 'Pod' },
          firstTimestamp: first,
          ...(eventTime === undefined ? {} : { eventTime: new V1MicroTime(eventTime.getTime()) }),
        });
        const ev = fromCoreV1Event(model);
        const again = fromCoreV1Event(toCoreV1Event(ev));
        expect(fieldsOf(again)).toEqual(fieldsOf(ev));
        expect(again.firstTimestamp?.getTime()).toBe(first.getTime());
      }),
      { numRuns: 200 },
    );
  });
});
