import { describe, expect, it } from 'vitest';
import { coreEventFieldLabel, eventSelectableFields, eventsV1FieldLabelToCore } from '../../../src/testing/events/event-fields.ts';

describe('eventSelectableFields', () => {
  it('exposes the fields of ToSelectableFields from the stored form', () => {
    const fields = eventSelectableFields({
      metadata: { name: 'web-0.1', namespace: 'apps' },
      involvedObject: { kind: 'Pod', namespace: 'apps', name: 'web-0', uid: 'u', apiVersion: 'v1', resourceVersion: '9', fieldPath: 'spec.containers{web}' },
      reason: 'Started',
      source: { component: 'kubelet', host: 'node-1' },
      type: 'Normal',
      reportingComponent: 'kubelet-rc',
    });
    expect(fields).toStrictEqual({
      'involvedObject.kind': 'Pod',
      'involvedObject.namespace': 'apps',
      'involvedObject.name': 'web-0',
      'involvedObject.uid': 'u',
      'involvedObject.apiVersion': 'v1',
      'involvedObject.resourceVersion': '9',
      'involvedObject.fieldPath': 'spec.containers{web}',
      reason: 'Started',
      reportingComponent: 'kubelet-rc',
      source: 'kubelet',
      type: 'Normal',
      'metadata.name': 'web-0.1',
      'metadata.namespace': 'apps',
    });
  });

  it('falls back to reportingComponent for source, and to empty strings for absent fields', () => {
    const fields = eventSelectableFields({ metadata: { name: 'x' }, reportingComponent: 'example.com/op', source: {} });
    expect(fields.source).toBe('example.com/op');
    expect(fields['involvedObject.name']).toBe('');
    expect(fields['metadata.namespace']).toBe('');
    expect(eventSelectableFields({}).source).toBe('');
  });
});

describe('field labels', () => {
  it('core/v1 accepts its own names only', () => {
    for (const l of ['involvedObject.kind', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type', 'metadata.name', 'metadata.namespace']) {
      expect(coreEventFieldLabel(l)).toBe(l);
    }
    for (const l of ['regarding.kind', 'reportingController', 'message', 'count', 'involvedObject']) expect(coreEventFieldLabel(l)).toBeUndefined();
  });

  it('events.k8s.io/v1 maps regarding.* and reportingController to the core names', () => {
    expect(eventsV1FieldLabelToCore('regarding.kind')).toBe('involvedObject.kind');
    expect(eventsV1FieldLabelToCore('regarding.namespace')).toBe('involvedObject.namespace');
    expect(eventsV1FieldLabelToCore('regarding.name')).toBe('involvedObject.name');
    expect(eventsV1FieldLabelToCore('regarding.uid')).toBe('involvedObject.uid');
    expect(eventsV1FieldLabelToCore('regarding.apiVersion')).toBe('involvedObject.apiVersion');
    expect(eventsV1FieldLabelToCore('regarding.resourceVersion')).toBe('involvedObject.resourceVersion');
    expect(eventsV1FieldLabelToCore('regarding.fieldPath')).toBe('involvedObject.fieldPath');
    expect(eventsV1FieldLabelToCore('reportingController')).toBe('reportingComponent');
    for (const l of ['reason', 'source', 'type', 'metadata.name', 'metadata.namespace']) expect(eventsV1FieldLabelToCore(l)).toBe(l);
  });

  it('events.k8s.io/v1 rejects core names and its own unselectable fields', () => {
    for (const l of ['involvedObject.name', 'reportingComponent', 'note', 'deprecatedSource', 'toString', '__proto__']) {
      expect(eventsV1FieldLabelToCore(l)).toBeUndefined();
    }
  });
});
