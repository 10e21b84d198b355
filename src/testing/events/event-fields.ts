/**
 * Field selectors on Events, as kube-apiserver serves them.
 *
 * Both API versions share one storage, so matching is done on one field set, built from the
 * stored (core) form by pkg/registry/core/event/strategy.go `ToSelectableFields`. Each version
 * only translates the labels a client may use (pkg/apis/core/v1/conversion.go and
 * pkg/apis/events/v1/conversion.go `AddFieldLabelConversionsForEvent`); any other label fails the
 * request with 400 `field label not supported: <label>`.
 */
import type { JsonObject } from '../json.ts';
import { isJsonObject } from '../json.ts';

function str(obj: JsonObject | undefined, key: string): string {
  const v = obj?.[key];
  return typeof v === 'string' ? v : '';
}

function objectAtKey(obj: JsonObject, key: string): JsonObject | undefined {
  const v = obj[key];
  return isJsonObject(v) ? v : undefined;
}

/**
 * The field set of a stored (core/v1) Event that field selectors match against, for both
 * `/api/v1` and `/apis/events.k8s.io/v1`: `metadata.name`, `metadata.namespace`, the seven
 * `involvedObject.*` fields, `reason`, `reportingComponent`, `source` (`source.component`, or
 * `reportingComponent` when that is empty) and `type`.
 *
 * @example
 * ```ts
 * eventSelectableFields(stored)['involvedObject.name']; // 'web-0'
 * ```
 */
export function eventSelectableFields(core: JsonObject): Record<string, string> {
  const md = objectAtKey(core, 'metadata');
  const io = objectAtKey(core, 'involvedObject');
  const reportingComponent = str(core, 'reportingComponent');
  const component = str(objectAtKey(core, 'source'), 'component');
  return {
    'involvedObject.kind': str(io, 'kind'),
    'involvedObject.namespace': str(io, 'namespace'),
    'involvedObject.name': str(io, 'name'),
    'involvedObject.uid': str(io, 'uid'),
    'involvedObject.apiVersion': str(io, 'apiVersion'),
    'involvedObject.resourceVersion': str(io, 'resourceVersion'),
    'involvedObject.fieldPath': str(io, 'fieldPath'),
    reason: str(core, 'reason'),
    reportingComponent,
    source: component === '' ? reportingComponent : component,
    type: str(core, 'type'),
    'metadata.name': str(md, 'name'),
    'metadata.namespace': str(md, 'namespace'),
  };
}

const CORE_EVENT_FIELD_LABELS: ReadonlySet<string> = new Set([
  'involvedObject.kind',
  'involvedObject.namespace',
  'involvedObject.name',
  'involvedObject.uid',
  'involvedObject.apiVersion',
  'involvedObject.resourceVersion',
  'involvedObject.fieldPath',
  'reason',
  'reportingComponent',
  'source',
  'type',
  'metadata.namespace',
  'metadata.name',
]);

const EVENTS_V1_FIELD_LABELS: Readonly<Record<string, string>> = {
  reason: 'reason',
  'regarding.kind': 'involvedObject.kind',
  'regarding.namespace': 'involvedObject.namespace',
  'regarding.name': 'involvedObject.name',
  'regarding.uid': 'involvedObject.uid',
  'regarding.apiVersion': 'involvedObject.apiVersion',
  'regarding.resourceVersion': 'involvedObject.resourceVersion',
  'regarding.fieldPath': 'involvedObject.fieldPath',
  reportingController: 'reportingComponent',
  source: 'source',
  type: 'type',
  'metadata.namespace': 'metadata.namespace',
  'metadata.name': 'metadata.name',
};

/**
 * Maps a field label of a core/v1 Events request to the stored field set's name (itself), or
 * `undefined` when core/v1 does not support it.
 *
 * @example
 * ```ts
 * coreEventFieldLabel('involvedObject.name'); // 'involvedObject.name'
 * coreEventFieldLabel('regarding.name');      // undefined
 * ```
 */
export function coreEventFieldLabel(label: string): string | undefined {
  return CORE_EVENT_FIELD_LABELS.has(label) ? label : undefined;
}

/**
 * Maps a field label of an events.k8s.io/v1 Events request to the stored field set's name
 * (`regarding.*` → `involvedObject.*`, `reportingController` → `reportingComponent`; `reason`,
 * `source`, `type`, `metadata.name`, `metadata.namespace` unchanged), or `undefined` when
 * events.k8s.io/v1 does not support it (e.g. `involvedObject.name`, `note`, `deprecatedSource`).
 *
 * @example
 * ```ts
 * eventsV1FieldLabelToCore('regarding.kind');      // 'involvedObject.kind'
 * eventsV1FieldLabelToCore('reportingController'); // 'reportingComponent'
 * ```
 */
export function eventsV1FieldLabelToCore(label: string): string | undefined {
  return Object.hasOwn(EVENTS_V1_FIELD_LABELS, label) ? EVENTS_V1_FIELD_LABELS[label] : undefined;
}
