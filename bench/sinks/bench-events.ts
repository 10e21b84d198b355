/**
 * The events the sink benchmarks push: ~1 KB core/v1 Events as a kubelet writes them, about 50
 * involved objects, each a fresh KubeEvent.
 */
import { fromCoreV1Event } from '../../src/stream/kube-event.ts';
import type { KubeEvent } from '../../src/stream/kube-event.ts';

/** Event number `i`. */
export function benchEvent(i: number): KubeEvent {
  const pod = `web-6d4cf56db6-x${i % 50}`;
  return fromCoreV1Event({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${pod}.${i.toString(16)}`, namespace: 'bench', uid: `b7c1e0a2-0000-4000-8000-${String(i).padStart(12, '0')}`, resourceVersion: String(100_000 + i) },
    involvedObject: { kind: 'Pod', namespace: 'bench', name: pod, uid: `8b0a7c3e-8f5d-4f0e-9b8a-${String(i % 50).padStart(12, '0')}`, apiVersion: 'v1', resourceVersion: '123456', fieldPath: 'spec.containers{app}' },
    reason: 'BackOff',
    message: `Back-off restarting failed container app in pod ${pod}_bench(8b0a7c3e-8f5d-4f0e-9b8a-2c1d3e4f5a6b): the container exited with code 137 after the liveness probe failed three times in a row; see the pod logs for details.`,
    source: { component: 'kubelet', host: 'node-17.europe-west4-a.c.example-project.internal' },
    firstTimestamp: '2026-11-23T10:00:00Z',
    lastTimestamp: '2026-11-23T10:05:00Z',
    count: 7,
    type: 'Warning',
    reportingComponent: 'kubelet',
    reportingInstance: 'node-17.europe-west4-a.c.example-project.internal',
  });
}
