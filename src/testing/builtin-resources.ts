/**
 * The built-in resource types of the test cluster: core/v1 events, pods, namespaces, nodes and
 * configmaps; events.k8s.io/v1 events (the same stored objects, converted); apps/v1 deployments and
 * replicasets; coordination.k8s.io/v1 leases; apiextensions.k8s.io/v1 customresourcedefinitions.
 */
import { defineResource } from './resources.ts';
import type { ResourceType } from './resources.ts';
import { canonicalCoreEvent, coreEventToEventsV1, eventsV1ToCoreEvent, findUndecodableEventTimes } from './events/event-conversion.ts';
import { invalidEvent, validateEvent, validateObjectMetaOnCreate } from './events/event-validation.ts';
import type { ValidationContext } from './resources.ts';
import { badRequest } from './status.ts';
import type { FieldError } from './status.ts';
import { coreEventFieldLabel, eventSelectableFields, eventsV1FieldLabelToCore } from './events/event-fields.ts';
import { eventTableCells, eventTableColumns } from './events/event-table.ts';
import { objectAt, stringAt } from './json.ts';
import type { JsonObject } from './json.ts';


function podFields(stored: JsonObject): Record<string, string> {
  const md = objectAt(stored, 'metadata');
  const spec = objectAt(stored, 'spec');
  const status = objectAt(stored, 'status');
  return {
    'metadata.name': stringAt(md, 'name') ?? '',
    'metadata.namespace': stringAt(md, 'namespace') ?? '',
    'spec.nodeName': stringAt(spec, 'nodeName') ?? '',
    'spec.restartPolicy': stringAt(spec, 'restartPolicy') ?? '',
    'spec.schedulerName': stringAt(spec, 'schedulerName') ?? '',
    'spec.serviceAccountName': stringAt(spec, 'serviceAccountName') ?? '',
    'status.phase': stringAt(status, 'phase') ?? '',
    'status.podIP': stringAt(status, 'podIP') ?? '',
    'status.nominatedNodeName': stringAt(status, 'nominatedNodeName') ?? '',
  };
}
const POD_FIELDS = new Set(Object.keys(podFields({})));

type EventApi = 'v1' | 'events.k8s.io/v1';

/** Event validation as the events strategy, then the generic ObjectMeta checks when it found nothing. */
function eventValidator(api: EventApi): (stored: JsonObject, ctx: ValidationContext) => FieldError[] {
  return (stored, ctx) => {
    const errors = validateEvent(stored, { apiGroupVersion: api, requestNamespace: ctx.requestNamespace, ...(ctx.old ? { old: ctx.old } : {}) });
    if (errors.length > 0 || ctx.old) return errors;
    return validateObjectMetaOnCreate(objectAt(stored, 'metadata') ?? {}, ctx.requestNamespace, 'path-segment');
  };
}

/** Times a Go client could not decode are a 400 before anything else, as the real decoder fails. */
function eventDecodeCheck(api: EventApi): (body: JsonObject) => void {
  const version = api === 'v1' ? 'v1' : 'events.k8s.io/v1';
  return (body) => {
    const bad = findUndecodableEventTimes(body, api)[0];
    if (bad) throw badRequest(`Event in version "${version}" cannot be handled as a Event: parsing time ${JSON.stringify(bad.value)} as "${bad.layout}": cannot parse field ${bad.field}`);
  };
}

/** The built-in types, core/v1 first (discovery order). */
export function builtinResources(): ResourceType[] {
  const eventsCore = defineResource({
    group: '',
    version: 'v1',
    resource: 'events',
    kind: 'Event',
    namespaced: true,
    shortNames: ['ev'],
    storageKey: 'core/events',
    selectableFields: eventSelectableFields,
    convertFieldLabel: coreEventFieldLabel,
    // Stored events are already canonical core/v1 (toStorage), so reading them is free.
    fromStorage: (stored) => stored,
    toStorage: canonicalCoreEvent,
    validate: eventValidator('v1'),
    invalidError: (name, errors) => invalidEvent('v1', name, errors),
    checkDecodable: eventDecodeCheck('v1'),
    table: { columns: eventTableColumns, cells: eventTableCells },
    ttl: 'events',
  });
  const eventsV1 = defineResource({
    group: 'events.k8s.io',
    version: 'v1',
    resource: 'events',
    kind: 'Event',
    namespaced: true,
    shortNames: ['ev'],
    storageKey: 'core/events',
    fromStorage: coreEventToEventsV1,
    toStorage: eventsV1ToCoreEvent,
    selectableFields: eventSelectableFields,
    convertFieldLabel: eventsV1FieldLabelToCore,
    validate: eventValidator('events.k8s.io/v1'),
    invalidError: (name, errors) => invalidEvent('events.k8s.io/v1', name, errors),
    checkDecodable: eventDecodeCheck('events.k8s.io/v1'),
    table: { columns: eventTableColumns, cells: eventTableCells },
    ttl: 'events',
  });
  return [
    defineResource({ group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false, shortNames: ['ns'], subresources: ['status', 'finalize'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] }),
    defineResource({ group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false, shortNames: ['no'], subresources: ['status'] }),
    defineResource({
      group: '',
      version: 'v1',
      resource: 'pods',
      kind: 'Pod',
      namespaced: true,
      shortNames: ['po'],
      categories: ['all'],
      subresources: ['status'],
      selectableFields: podFields,
      convertFieldLabel: (label) => (POD_FIELDS.has(label) ? label : undefined),
    }),
    defineResource({ group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'] }),
    eventsCore,
    defineResource({ group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'], subresources: ['status'] }),
    defineResource({ group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', namespaced: true, shortNames: ['rs'], categories: ['all'], subresources: ['status'] }),
    eventsV1,
    defineResource({ group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job', namespaced: true, categories: ['all'], subresources: ['status'] }),
    defineResource({ group: 'batch', version: 'v1', resource: 'cronjobs', kind: 'CronJob', namespaced: true, shortNames: ['cj'], categories: ['all'], subresources: ['status'] }),
    defineResource({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases', kind: 'Lease', namespaced: true }),
    defineResource({
      group: 'apiextensions.k8s.io',
      version: 'v1',
      resource: 'customresourcedefinitions',
      kind: 'CustomResourceDefinition',
      namespaced: false,
      shortNames: ['crd', 'crds'],
      categories: ['api-extensions'],
      subresources: ['status'],
    }),
  ];
}

/** Kinds whose strategy bumps metadata.generation when the spec changes (and sets it to 1 on create). */
export const GENERATION_KINDS = new Set(['Deployment', 'ReplicaSet', 'Job', 'CronJob', 'CustomResourceDefinition']);
