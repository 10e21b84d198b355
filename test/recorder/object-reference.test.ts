/** What an Event can be about: client-node models, plain objects and ObjectReferences. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { V1Deployment, V1ObjectReference, V1Pod } from '@kubernetes/client-node';
import type { CoreV1Event, V1Node } from '@kubernetes/client-node';
import { InvalidEventObjectError } from '../../src/recorder/index.ts';
import type { EventObject } from '../../src/recorder/index.ts';
import { referenceOf } from '../../src/recorder/object-reference.ts';

describe('referenceOf (client-go GetReference)', () => {
  it('reads a client-node model instance, taking apiVersion, kind, name, namespace, uid and resourceVersion', () => {
    const pod = new V1Pod();
    pod.apiVersion = 'v1';
    pod.kind = 'Pod';
    pod.metadata = { name: 'web-1', namespace: 'shop', uid: 'u-1', resourceVersion: '42', labels: { app: 'web' } };
    expect(referenceOf(pod)).toEqual({ apiVersion: 'v1', kind: 'Pod', name: 'web-1', namespace: 'shop', uid: 'u-1', resourceVersion: '42' });
  });

  it('reads a plain cluster-scoped object (no namespace) and an ObjectReference with its fieldPath', () => {
    expect(referenceOf({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } })).toEqual({ apiVersion: 'v1', kind: 'Node', name: 'node-1' });
    const ref = new V1ObjectReference();
    Object.assign(ref, { apiVersion: 'v1', kind: 'Pod', name: 'web-1', namespace: 'shop', fieldPath: 'spec.containers{app}' });
    expect(referenceOf(ref)).toEqual({ apiVersion: 'v1', kind: 'Pod', name: 'web-1', namespace: 'shop', fieldPath: 'spec.containers{app}' });
  });

  it('throws InvalidEventObjectError naming what is missing and what to pass', () => {
    const listItem = new V1Deployment(); // as client-node's list calls return items: no apiVersion/kind
    listItem.metadata = { name: 'web', namespace: 'shop' };
    let caught: unknown;
    try {
      referenceOf(listItem);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidEventObjectError);
    expect(caught).toMatchObject({ code: 'ERR_INVALID_EVENT_OBJECT', missing: ['apiVersion', 'kind'], argument: 'object' });
    expect((caught as Error).message).toContain('`apiVersion`, `kind` missing');
    expect((caught as Error).message).toContain('{ ...pod, apiVersion: "v1", kind: "Pod" }');
    expect(() => referenceOf({ apiVersion: 'v1', kind: 'Pod', metadata: {} })).toThrow(/`metadata.name` \(or `name` in an ObjectReference\) missing/);
    expect(() => referenceOf(null as unknown as EventObject, 'related')).toThrow(/about this related/);
  });

  it('accepts client-node models and plain objects at the type level', () => {
    expectTypeOf<V1Pod>().toExtend<EventObject>();
    expectTypeOf<V1Deployment>().toExtend<EventObject>();
    expectTypeOf<V1Node>().toExtend<EventObject>();
    expectTypeOf<V1ObjectReference>().toExtend<EventObject>();
    expectTypeOf<CoreV1Event['involvedObject']>().toExtend<EventObject>();
    expectTypeOf<{ apiVersion: 'apps/v1'; kind: 'Deployment'; metadata: { name: string; namespace: string } }>().toExtend<EventObject>();
    expectTypeOf<string>().not.toExtend<EventObject>();
  });
});
