import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../src/testing/json.ts';
import {
  canonicalCoreEvent,
  coreEventToEventsV1,
  eventsV1ToCoreEvent,
  findUndecodableEventTimes,
  formatGoTimeString,
  formatKubeMicroTime,
  formatKubeTime,
  parseKubeTime,
} from '../../../src/testing/events/event-conversion.ts';

/** Key order matters on the wire (Go writes struct order); toStrictEqual ignores it, JSON text does not. */
function wire(obj: JsonObject): string {
  return JSON.stringify(obj);
}

const kubeletEvent: JsonObject = {
  kind: 'Event',
  apiVersion: 'v1',
  metadata: { name: 'web-0.17a1', namespace: 'default', uid: 'u1', resourceVersion: '42', creationTimestamp: '2024-05-01T10:00:00Z' },
  involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'p1', apiVersion: 'v1', resourceVersion: '7', fieldPath: 'spec.containers{web}' },
  reason: 'Started',
  message: 'Started container web',
  source: { component: 'kubelet', host: 'node-1' },
  firstTimestamp: '2024-05-01T10:00:00Z',
  lastTimestamp: '2024-05-01T10:05:00Z',
  count: 3,
  type: 'Normal',
  eventTime: null,
  reportingComponent: 'kubelet',
  reportingInstance: 'node-1',
};

describe('coreEventToEventsV1', () => {
  it('renames the core fields and writes the struct fields events.k8s.io/v1 always has', () => {
    const ev = coreEventToEventsV1(kubeletEvent);
    expect(wire(ev)).toBe(
      wire({
        kind: 'Event',
        apiVersion: 'events.k8s.io/v1',
        metadata: kubeletEvent.metadata!,
        eventTime: null,
        reportingController: 'kubelet',
        reportingInstance: 'node-1',
        reason: 'Started',
        regarding: { kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'p1', apiVersion: 'v1', resourceVersion: '7', fieldPath: 'spec.containers{web}' },
        note: 'Started container web',
        type: 'Normal',
        deprecatedSource: { component: 'kubelet', host: 'node-1' },
        deprecatedFirstTimestamp: '2024-05-01T10:00:00Z',
        deprecatedLastTimestamp: '2024-05-01T10:05:00Z',
        deprecatedCount: 3,
      }),
    );
  });

  it('writes an empty regarding and deprecatedSource as {} and unset deprecated times as null', () => {
    const ev = coreEventToEventsV1({ metadata: { name: 'x', namespace: 'ns' } });
    expect(ev).toStrictEqual({
      kind: 'Event',
      apiVersion: 'events.k8s.io/v1',
      metadata: { name: 'x', namespace: 'ns' },
      eventTime: null,
      regarding: {},
      deprecatedSource: {},
      deprecatedFirstTimestamp: null,
      deprecatedLastTimestamp: null,
    });
  });

  it('maps series and related, and writes series.count even when zero', () => {
    const ev = coreEventToEventsV1({
      metadata: {},
      eventTime: '2024-05-01T10:00:00.123456Z',
      series: { lastObservedTime: '2024-05-01T10:01:00.000001Z' },
      action: 'Pulling',
      related: { kind: 'Node', name: 'node-1' },
    });
    expect(ev.series).toStrictEqual({ count: 0, lastObservedTime: '2024-05-01T10:01:00.000001Z' });
    expect(ev.related).toStrictEqual({ kind: 'Node', name: 'node-1' });
    expect(ev.action).toBe('Pulling');
    expect(ev.eventTime).toBe('2024-05-01T10:00:00.123456Z');
  });
});

describe('eventsV1ToCoreEvent', () => {
  it('reads an events.k8s.io-created event back through core/v1 as the real server does', () => {
    const core = eventsV1ToCoreEvent({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'job.1', namespace: 'default' },
      eventTime: '2024-05-01T10:00:00.500000Z',
      reportingController: 'example.com/operator',
      reportingInstance: 'operator-7d9',
      action: 'Reconcile',
      reason: 'Synced',
      regarding: { kind: 'Job', namespace: 'default', name: 'job' },
      note: 'synced',
      type: 'Normal',
    });
    expect(wire(core)).toBe(
      wire({
        kind: 'Event',
        apiVersion: 'v1',
        metadata: { name: 'job.1', namespace: 'default' },
        involvedObject: { kind: 'Job', namespace: 'default', name: 'job' },
        reason: 'Synced',
        message: 'synced',
        source: {},
        firstTimestamp: null,
        lastTimestamp: null,
        type: 'Normal',
        eventTime: '2024-05-01T10:00:00.500000Z',
        action: 'Reconcile',
        reportingComponent: 'example.com/operator',
        reportingInstance: 'operator-7d9',
      }),
    );
  });

  it('writes core series without a zero count, and always writes reportingComponent/reportingInstance', () => {
    const core = eventsV1ToCoreEvent({ metadata: {}, series: { count: 0, lastObservedTime: null } });
    expect(core.series).toStrictEqual({ lastObservedTime: null });
    expect(core.reportingComponent).toBe('');
    expect(core.reportingInstance).toBe('');
    expect(core.involvedObject).toStrictEqual({});
  });
});

describe('canonicalCoreEvent', () => {
  it('fills the always-present fields, drops unknown ones and re-formats times as Go does', () => {
    const core = canonicalCoreEvent({
      metadata: { name: 'a' },
      involvedObject: { kind: 'Pod', name: 'p', bogus: 'x' },
      firstTimestamp: '2024-05-01T12:00:00.987+02:00',
      lastTimestamp: '0001-01-01T00:00:00Z',
      eventTime: '2024-05-01T10:00:00.123456+01:00',
      count: 0,
      unknownField: true,
    });
    expect(wire(core)).toBe(
      wire({
        kind: 'Event',
        apiVersion: 'v1',
        metadata: { name: 'a' },
        involvedObject: { kind: 'Pod', name: 'p' },
        source: {},
        firstTimestamp: '2024-05-01T10:00:00Z',
        lastTimestamp: null,
        eventTime: '2024-05-01T09:00:00.123456Z',
        reportingComponent: '',
        reportingInstance: '',
      }),
    );
  });

  it('passes undecodable time strings through for the decoder to reject', () => {
    expect(canonicalCoreEvent({ eventTime: 'yesterday' }).eventTime).toBe('yesterday');
  });
});

describe('time parsing and formatting', () => {
  it('parses metav1.Time with any fraction and MicroTime only with exactly six digits', () => {
    expect(parseKubeTime('2024-01-01T00:00:00Z', 'time')).toStrictEqual({ seconds: 1704067200, nanos: 0 });
    expect(parseKubeTime('2024-01-01T00:00:00.5Z', 'time')).toStrictEqual({ seconds: 1704067200, nanos: 500_000_000 });
    expect(parseKubeTime('2024-01-01T00:00:00.123456Z', 'micro')).toStrictEqual({ seconds: 1704067200, nanos: 123_456_000 });
    expect(parseKubeTime('2024-01-01T00:00:00Z', 'micro')).toBeUndefined();
    expect(parseKubeTime('2024-01-01T00:00:00.123Z', 'micro')).toBeUndefined();
    expect(parseKubeTime(null, 'micro')).toBeNull();
    expect(parseKubeTime(undefined, 'time')).toBeNull();
  });

  it('rejects out-of-range dates, times and offsets, and non-strings', () => {
    expect(parseKubeTime('2023-02-29T00:00:00Z', 'time')).toBeUndefined();
    expect(parseKubeTime('2024-02-29T00:00:00Z', 'time')).toBeDefined();
    expect(parseKubeTime('2024-01-01T24:00:00Z', 'time')).toBeUndefined();
    expect(parseKubeTime('2024-01-01T00:00:00+24:00', 'time')).toBeUndefined();
    expect(parseKubeTime('2024-01-01 00:00:00Z', 'time')).toBeUndefined();
    expect(parseKubeTime(17, 'time')).toBeUndefined();
  });

  it('formats like metav1.Time, metav1.MicroTime and time.Time.String()', () => {
    const t = { seconds: 1704067200, nanos: 120_000_500 };
    expect(formatKubeTime(t)).toBe('2024-01-01T00:00:00Z');
    expect(formatKubeMicroTime(t)).toBe('2024-01-01T00:00:00.120000Z');
    expect(formatGoTimeString(t)).toBe('2024-01-01 00:00:00.1200005 +0000 UTC');
    expect(formatGoTimeString({ seconds: -62135596800, nanos: 0 })).toBe('0001-01-01 00:00:00 +0000 UTC');
  });

  it('round-trips any instant through the MicroTime text (to the microsecond)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62135596800, max: 253402300799 }), fc.integer({ min: 0, max: 999_999_999 }), (seconds, nanos) => {
        const parsed = parseKubeTime(formatKubeMicroTime({ seconds, nanos }), 'micro');
        expect(parsed).toStrictEqual({ seconds, nanos: Math.floor(nanos / 1000) * 1000 });
      }),
    );
  });
});

describe('findUndecodableEventTimes', () => {
  it('flags MicroTime fields without exactly six fractional digits, per request version', () => {
    expect(findUndecodableEventTimes({ eventTime: '2024-01-01T00:00:00.000Z', series: { lastObservedTime: '2024-01-01T00:00:00Z' } }, 'events.k8s.io/v1')).toStrictEqual([
      { field: 'eventTime', value: '2024-01-01T00:00:00.000Z', layout: '2006-01-02T15:04:05.000000Z07:00' },
      { field: 'series.lastObservedTime', value: '2024-01-01T00:00:00Z', layout: '2006-01-02T15:04:05.000000Z07:00' },
    ]);
    expect(findUndecodableEventTimes({ firstTimestamp: '2024-01-01T00:00:00.123Z', eventTime: null }, 'v1')).toStrictEqual([]);
    expect(findUndecodableEventTimes({ deprecatedFirstTimestamp: 'nope' }, 'events.k8s.io/v1')).toStrictEqual([
      { field: 'deprecatedFirstTimestamp', value: 'nope', layout: '2006-01-02T15:04:05Z07:00' },
    ]);
  });
});

// ---- round-trip properties --------------------------------------------------------------------

const text = fc.string({ maxLength: 6 });
const seconds = fc.integer({ min: 0, max: 4_102_444_800 });
const timeValue = fc.oneof(
  fc.constant(null),
  seconds.map((s) => formatKubeTime({ seconds: s, nanos: 0 })),
  fc.tuple(seconds, fc.integer({ min: 0, max: 999 })).map(([s, ms]) => `${formatKubeTime({ seconds: s, nanos: 0 }).slice(0, -1)}.${String(ms).padStart(3, '0')}Z`),
);
const microValue = fc.oneof(
  fc.constant(null),
  fc.tuple(seconds, fc.integer({ min: 0, max: 999_999 })).map(([s, us]) => formatKubeMicroTime({ seconds: s, nanos: us * 1000 })),
);
const reference = fc.record(
  { kind: text, namespace: text, name: text, uid: text, apiVersion: text, resourceVersion: text, fieldPath: text },
  { requiredKeys: [] },
);
const source = fc.record({ component: text, host: text }, { requiredKeys: [] });
const count = fc.integer({ min: 0, max: 1000 });
const metadata = fc.record({ name: text, namespace: text }, { requiredKeys: [] });

const rawCore = fc.record(
  {
    metadata,
    involvedObject: reference,
    reason: text,
    message: text,
    source,
    firstTimestamp: timeValue,
    lastTimestamp: timeValue,
    count,
    type: text,
    eventTime: microValue,
    series: fc.record({ count, lastObservedTime: microValue }, { requiredKeys: [] }),
    action: text,
    related: reference,
    reportingComponent: text,
    reportingInstance: text,
  },
  { requiredKeys: [] },
);

const rawEventsV1 = fc.record(
  {
    metadata,
    eventTime: microValue,
    series: fc.record({ count, lastObservedTime: microValue }, { requiredKeys: [] }),
    reportingController: text,
    reportingInstance: text,
    action: text,
    reason: text,
    regarding: reference,
    related: reference,
    note: text,
    type: text,
    deprecatedSource: source,
    deprecatedFirstTimestamp: timeValue,
    deprecatedLastTimestamp: timeValue,
    deprecatedCount: count,
  },
  { requiredKeys: [] },
);

describe('round trips', () => {
  it('core → events.k8s.io/v1 → core is lossless (equals the canonical core form, key order included)', () => {
    fc.assert(
      fc.property(rawCore, (core) => {
        expect(wire(eventsV1ToCoreEvent(coreEventToEventsV1(core)))).toBe(wire(canonicalCoreEvent(core)));
      }),
      { numRuns: 300 },
    );
  });

  it('events.k8s.io/v1 → core → events.k8s.io/v1 is lossless', () => {
    fc.assert(
      fc.property(rawEventsV1, (ev) => {
        const once = coreEventToEventsV1(eventsV1ToCoreEvent(ev));
        expect(wire(coreEventToEventsV1(eventsV1ToCoreEvent(once)))).toBe(wire(once));
        // Every value the client sent survives (unset ones come back as Go's empty values).
        for (const [k, v] of Object.entries(ev)) {
          if (v === '' || v === 0 || v === null) continue;
          if (k === 'deprecatedFirstTimestamp' || k === 'deprecatedLastTimestamp') {
            expect(once[k]).toBe(formatKubeTime(parseKubeTime(v, 'time')!));
          } else if (k === 'regarding' || k === 'related' || k === 'deprecatedSource') {
            expect(once[k]).toStrictEqual(Object.fromEntries(Object.entries(v as JsonObject).filter(([, x]) => x !== '')));
          } else if (k === 'series') {
            const s = v as JsonObject;
            expect(once.series).toStrictEqual({ count: s.count ?? 0, lastObservedTime: s.lastObservedTime ?? null });
          } else {
            expect(once[k]).toStrictEqual(v);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
