/** createFakeRecorder(): the recorder users pass to their own code under test. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { V1Deployment } from '@kubernetes/client-node';
import { createFakeRecorder } from '../../src/testing/fake-recorder.ts';
import type { FakeRecorder } from '../../src/testing/fake-recorder.ts';
import { EventValidationError, InvalidEventObjectError, NOTE_TRUNCATION_MARKER } from '../../src/recorder/index.ts';
import type { EventRecorder, SentEventInfo } from '../../src/recorder/index.ts';

const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', uid: 'u-1' } };

/** Code under test, as a user would write it: it takes any EventRecorder. */
function reconcile(recorder: EventRecorder, ok: boolean): void {
  if (ok) recorder.normal(deployment, 'Injected', 'sidecar injected');
  else recorder.warning(deployment, 'OnePilotFail', 'could not inject the sidecar: timeout', { action: 'InjectSidecar' });
}

describe('createFakeRecorder', () => {
  it('is an EventRecorder, so it goes wherever the real one does', () => {
    expectTypeOf<FakeRecorder>().toExtend<EventRecorder>();
    const fake = createFakeRecorder();
    reconcile(fake, true);
    reconcile(fake, false);
    expect(fake.events).toEqual([
      { type: 'Normal', reason: 'Injected', message: 'sidecar injected', object: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop', uid: 'u-1' } },
      { type: 'Warning', reason: 'OnePilotFail', message: 'could not inject the sidecar: timeout', action: 'InjectSidecar', object: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop', uid: 'u-1' } },
    ]);
  });

  it('formats lines as client-go’s FakeRecorder, with involvedObject when includeObject is set', () => {
    const plain = createFakeRecorder();
    reconcile(plain, false);
    expect(plain.lines()).toEqual(['Warning OnePilotFail could not inject the sidecar: timeout']);
    const withObject = createFakeRecorder({ includeObject: true });
    reconcile(withObject, true);
    expect(withObject.lines()).toEqual(['Normal Injected sidecar injected involvedObject{kind=Deployment,apiVersion=apps/v1}']);
    withObject.clear();
    expect(withObject.events).toEqual([]);
  });

  it('checks arguments as the real recorder does, and truncates long messages the same way', () => {
    const fake = createFakeRecorder();
    const listItem = new V1Deployment();
    listItem.metadata = { name: 'web' };
    expect(() => { fake.warning(listItem, 'R', 'x'); }).toThrow(InvalidEventObjectError);
    expect(() => { fake.event(deployment, 'Fatal' as never, 'R', 'x'); }).toThrow(EventValidationError);
    expect(() => { fake.warning(deployment, '', 'x'); }).toThrow(/non-empty string/);
    fake.warning(deployment, 'R', 'x'.repeat(2000), { related: { apiVersion: 'v1', kind: 'Pod', name: 'web-1' }, annotations: { a: 'b' } });
    const [e] = fake.events;
    expect(e?.message.endsWith(NOTE_TRUNCATION_MARKER)).toBe(true);
    expect(Buffer.byteLength(e?.message ?? '')).toBeLessThanOrEqual(1024);
    expect(e).toMatchObject({ related: { kind: 'Pod', name: 'web-1' }, annotations: { a: 'b' } });
  });

  it('emits `sent` per call, counts in stats, and after close() drops calls as `closed`', async () => {
    const fake = createFakeRecorder({ api: 'events.k8s.io/v1' });
    const sent: SentEventInfo[] = [];
    fake.on('sent', (s) => sent.push(s));
    const dropped: string[] = [];
    fake.on('dropped', (d) => dropped.push(d.reason));
    reconcile(fake, false);
    await fake.flush();
    expect(sent).toMatchObject([{ api: 'events.k8s.io/v1', verb: 'create', occurrences: 1, event: { reason: 'OnePilotFail' } }]);
    await fake.close();
    reconcile(fake, false);
    expect(dropped).toEqual(['closed']);
    expect(fake.events).toHaveLength(1);
    expect(fake.stats).toMatchObject({ recorded: 1, apiCalls: 0, dropped: { closed: 1 }, api: 'events.k8s.io/v1' });
  });
});
