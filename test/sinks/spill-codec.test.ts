import { describe, expect, it } from 'vitest';
import { kubeEventCodec } from '../../src/sinks/spill-codec.ts';
import { fromEventsV1Event } from '../../src/stream/kube-event.ts';
import { testEvent } from './support/test-events.ts';

const roundTrip = (bytes: Uint8Array | string): Buffer => Buffer.from(bytes);

describe('kubeEventCodec', () => {
  it('gives back an equal core/v1 KubeEvent, microseconds and changed fields included', () => {
    const ev = { ...testEvent(3, 'web-1', 'original'), message: '[redacted]' };
    const back = kubeEventCodec.decode(roundTrip(kubeEventCodec.encode(ev)));
    expect(back.api).toBe('core/v1');
    expect(back.message).toBe('[redacted]');
    expect(back.uid).toBe(ev.uid);
    expect(back.regarding).toEqual(ev.regarding);
    expect(back.lastTimestamp).toEqual(ev.lastTimestamp);
  });

  it('gives back an events.k8s.io/v1 KubeEvent with its MicroTime text', () => {
    const ev = fromEventsV1Event({
      metadata: { name: 'x.1', namespace: 'ns', uid: 'u-1', resourceVersion: '7' },
      eventTime: '2026-01-02T03:04:05.123456Z',
      regarding: { kind: 'Node', name: 'node-1' },
      reason: 'NodeReady',
      note: 'ready',
      type: 'Normal',
      action: 'Ready',
      reportingController: 'kubelet',
      reportingInstance: 'node-1',
    });
    const back = kubeEventCodec.decode(roundTrip(kubeEventCodec.encode(ev)));
    expect(back.api).toBe('events.k8s.io/v1');
    expect(back.timestampText.eventTime).toBe('2026-01-02T03:04:05.123456Z');
    expect(back.message).toBe('ready');
  });

  it('keeps JSON enrichment added to the event', () => {
    const ev = Object.assign(testEvent(1), { cluster: 'prod-eu', owner: { kind: 'Deployment', name: 'web' } });
    const back = kubeEventCodec.decode(roundTrip(kubeEventCodec.encode(ev))) as typeof ev;
    expect(back.cluster).toBe('prod-eu');
    expect(back.owner).toEqual({ kind: 'Deployment', name: 'web' });
  });
});
