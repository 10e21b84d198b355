/** Builders of test events for the router tests. */
import { fromCoreV1Event } from '../../../src/stream/kube-event.ts';
import type { CoreV1EventInput, KubeEvent } from '../../../src/stream/kube-event.ts';

/** Fields a test event can be given; everything else has a plausible default. */
export interface TestEventFields {
  name?: string;
  namespace?: string;
  uid?: string;
  type?: string;
  reason?: string;
  action?: string;
  message?: string;
  kind?: string;
  objectName?: string;
  objectNamespace?: string;
  apiVersion?: string;
  fieldPath?: string;
  component?: string;
  host?: string;
  count?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  reportingComponent?: string;
  related?: { kind: string; name: string; namespace?: string };
}

/** A core/v1 Event object with the given fields. */
export function coreEvent(f: TestEventFields = {}): CoreV1EventInput {
  const namespace = f.namespace ?? 'default';
  const objectName = f.objectName ?? 'web-0';
  const obj: Record<string, unknown> = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: f.name ?? `${objectName}.17cb3c8a1e2f4b5d`,
      namespace,
      uid: f.uid ?? '0f6c1b1e-7a8b-4c3d-9e0f-1a2b3c4d5e6f',
      resourceVersion: '1000',
      ...(f.labels === undefined ? {} : { labels: f.labels }),
      ...(f.annotations === undefined ? {} : { annotations: f.annotations }),
    },
    involvedObject: {
      kind: f.kind ?? 'Pod',
      name: objectName,
      namespace: f.objectNamespace ?? namespace,
      apiVersion: f.apiVersion ?? 'v1',
      uid: '8b0a7c3e-8f5d-4f0e-9b8a-2c1d3e4f5a6b',
      ...(f.fieldPath === undefined ? {} : { fieldPath: f.fieldPath }),
    },
    reason: f.reason ?? 'BackOff',
    message: f.message ?? 'Back-off restarting failed container',
    type: f.type ?? 'Warning',
    source: { component: f.component ?? 'kubelet', host: f.host ?? 'node-1' },
    firstTimestamp: f.firstTimestamp === undefined ? '2024-05-01T10:00:00Z' : f.firstTimestamp,
    lastTimestamp: f.lastTimestamp === undefined ? '2024-05-01T10:05:00Z' : f.lastTimestamp,
    eventTime: f.eventTime ?? null,
    reportingComponent: f.reportingComponent ?? '',
    reportingInstance: '',
  };
  if (f.count !== undefined) obj.count = f.count;
  if (f.action !== undefined) obj.action = f.action;
  if (f.related !== undefined) obj.related = f.related;
  return obj as CoreV1EventInput;
}

/** A normalized test event with the given fields. */
export function testEvent(f: TestEventFields = {}): KubeEvent {
  return fromCoreV1Event(coreEvent(f));
}

/** A manually advanced clock. */
export function fakeClock(start = Date.parse('2024-05-01T10:05:00Z')): { now: () => number; advance: (ms: number) => void; set: (ms: number) => void } {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    set: (ms) => {
      t = ms;
    },
  };
}
