/**
 * The Go types kubernetes-event-exporter's templates see (`kube.EnhancedEvent` in its
 * pkg/kube/event.go, embedding k8s.io/api core/v1 `Event`): Go field names, their JSON keys and
 * types, in struct order. Used to translate `{{ .InvolvedObject.Name }}` to a JSON path, to give
 * absent fields their Go zero value, and to marshal `toJson .` as Go's encoding/json does.
 *
 * @module
 */

/** A Go type, as far as templates can tell them apart. */
export type GoType =
  | { readonly kind: 'string' }
  | { readonly kind: 'int' }
  | { readonly kind: 'time'; readonly micro: boolean }
  | { readonly kind: 'map' }
  /** A struct (or a pointer to one: `nil` when absent) with its fields in declaration order. */
  | { readonly kind: 'struct'; readonly name: string; readonly pointer: boolean; readonly fields: readonly GoField[] }
  /** Something templates may pass to `toJson` but not walk into (metadata fields we do not model). */
  | { readonly kind: 'opaque' };

/** One field of a Go struct. */
export interface GoField {
  /** The Go field name, as templates write it (`InvolvedObject`). */
  readonly go: string;
  /** The JSON key (`involvedObject`); `''` for an embedded struct whose fields are promoted. */
  readonly json: string;
  /** The field's type. */
  readonly type: GoType;
  /** `omitempty` in its JSON tag. */
  readonly omitempty: boolean;
}

const STRING: GoType = { kind: 'string' };
const INT: GoType = { kind: 'int' };
const TIME: GoType = { kind: 'time', micro: false };
const MICRO_TIME: GoType = { kind: 'time', micro: true };
const MAP: GoType = { kind: 'map' };
const OPAQUE: GoType = { kind: 'opaque' };

function f(go: string, json: string, type: GoType, omitempty = true): GoField {
  return { go, json, type, omitempty };
}

// k8s.io/api core/v1 ObjectReference, in declaration order.
const OBJECT_REFERENCE_FIELDS: readonly GoField[] = [
  f('Kind', 'kind', STRING),
  f('Namespace', 'namespace', STRING),
  f('Name', 'name', STRING),
  f('UID', 'uid', STRING),
  f('APIVersion', 'apiVersion', STRING),
  f('ResourceVersion', 'resourceVersion', STRING),
  f('FieldPath', 'fieldPath', STRING),
];

// k8s.io/apimachinery ObjectMeta: the fields templates read; others pass through as JSON.
const OBJECT_META: GoType = {
  kind: 'struct',
  name: 'v1.ObjectMeta',
  pointer: false,
  fields: [
    f('Name', 'name', STRING),
    f('GenerateName', 'generateName', STRING),
    f('Namespace', 'namespace', STRING),
    f('SelfLink', 'selfLink', STRING),
    f('UID', 'uid', STRING),
    f('ResourceVersion', 'resourceVersion', STRING),
    f('Generation', 'generation', INT),
    f('CreationTimestamp', 'creationTimestamp', TIME, false),
    f('DeletionTimestamp', 'deletionTimestamp', OPAQUE),
    f('DeletionGracePeriodSeconds', 'deletionGracePeriodSeconds', OPAQUE),
    f('Labels', 'labels', MAP),
    f('Annotations', 'annotations', MAP),
    f('OwnerReferences', 'ownerReferences', OPAQUE),
    f('Finalizers', 'finalizers', OPAQUE),
    f('ManagedFields', 'managedFields', OPAQUE),
  ],
};

/** `kube.EnhancedEvent`: core/v1 Event inline, then ClusterName, then the enhanced InvolvedObject. */
export const ENHANCED_EVENT: GoType = {
  kind: 'struct',
  name: 'kube.EnhancedEvent',
  pointer: false,
  fields: [
    // metav1.TypeMeta, inline.
    f('Kind', 'kind', STRING),
    f('APIVersion', 'apiVersion', STRING),
    f('ObjectMeta', 'metadata', OBJECT_META, false),
    f('Reason', 'reason', STRING),
    f('Message', 'message', STRING),
    f('Source', 'source', { kind: 'struct', name: 'v1.EventSource', pointer: false, fields: [f('Component', 'component', STRING), f('Host', 'host', STRING)] }, false),
    f('FirstTimestamp', 'firstTimestamp', TIME, false),
    f('LastTimestamp', 'lastTimestamp', TIME, false),
    f('Count', 'count', INT),
    f('Type', 'type', STRING),
    f('EventTime', 'eventTime', MICRO_TIME, false),
    f('Series', 'series', { kind: 'struct', name: 'v1.EventSeries', pointer: true, fields: [f('Count', 'count', INT), f('LastObservedTime', 'lastObservedTime', MICRO_TIME, false)] }),
    f('Action', 'action', STRING),
    f('Related', 'related', { kind: 'struct', name: 'v1.ObjectReference', pointer: true, fields: OBJECT_REFERENCE_FIELDS }),
    f('ReportingController', 'reportingComponent', STRING, false),
    f('ReportingInstance', 'reportingInstance', STRING, false),
    f('ClusterName', 'clusterName', STRING, false),
    f(
      'InvolvedObject',
      'involvedObject',
      { kind: 'struct', name: 'kube.EnhancedObjectReference', pointer: false, fields: [...OBJECT_REFERENCE_FIELDS, f('Labels', 'labels', MAP), f('Annotations', 'annotations', MAP)] },
      false,
    ),
  ],
};

/** ObjectMeta's fields are promoted: `.Name` is `.ObjectMeta.Name`. */
export const PROMOTED_FROM_METADATA = new Set(['Name', 'GenerateName', 'Namespace', 'SelfLink', 'UID', 'ResourceVersion', 'Generation', 'CreationTimestamp', 'Labels', 'Annotations']);

/** The methods of `*kube.EnhancedEvent` templates call (pkg/kube/event.go). */
export const EVENT_METHODS = { GetTimestampMs: INT, GetTimestampISO8601: STRING } as const;

/** A field of a struct type by its Go name. */
export function goField(type: GoType, name: string): GoField | undefined {
  return type.kind === 'struct' ? type.fields.find((x) => x.go === name) : undefined;
}

/** The Go name of a type, for messages (`string`, `map[string]string`, `*v1.EventSeries`). */
export function goTypeName(type: GoType): string {
  switch (type.kind) {
    case 'string':
      return 'string';
    case 'int':
      return 'int32';
    case 'time':
      return type.micro ? 'v1.MicroTime' : 'v1.Time';
    case 'map':
      return 'map[string]string';
    case 'struct':
      return `${type.pointer ? '*' : ''}${type.name}`;
    case 'opaque':
      return 'interface {}';
  }
}

/** One step of a resolved field chain: the JSON key to read and the type found there. */
export interface GoStep {
  /** The JSON key. */
  readonly json: string;
  /** The type of the value at that key. */
  readonly type: GoType;
  /** The struct the key is read from (for nil-pointer messages). */
  readonly from: GoType;
  /** The Go field name. */
  readonly go: string;
}

/**
 * Resolves a field chain (`InvolvedObject.Labels.app`) on `kube.EnhancedEvent` to JSON steps,
 * plus the map key when the chain ends in a map lookup. `undefined` when the chain names no field
 * (the translator reports why).
 */
export function resolveGoPath(chain: readonly string[]): { readonly steps: readonly GoStep[]; readonly mapKey: string | undefined } | undefined {
  const steps: GoStep[] = [];
  let type: GoType = ENHANCED_EVENT;
  for (let i = 0; i < chain.length; i++) {
    const name = chain[i] ?? '';
    if (type.kind === 'map') return i === chain.length - 1 ? { steps, mapKey: name } : undefined;
    if (type.kind !== 'struct') return undefined;
    let field = goField(type, name);
    if (field === undefined && type === ENHANCED_EVENT && PROMOTED_FROM_METADATA.has(name)) {
      const meta = goField(ENHANCED_EVENT, 'ObjectMeta');
      if (meta === undefined) return undefined;
      steps.push({ json: meta.json, type: meta.type, from: type, go: meta.go });
      type = meta.type;
      field = goField(type, name);
    }
    if (field === undefined) return undefined;
    steps.push({ json: field.json, type: field.type, from: type, go: field.go });
    type = field.type;
  }
  return { steps, mapKey: undefined };
}
