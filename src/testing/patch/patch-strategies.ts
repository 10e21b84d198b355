/**
 * The strategic-merge-patch metadata of the built-in kinds the test cluster serves: for each field,
 * the `patchStrategy` and `patchMergeKey` struct tags of its Go type, transcribed from
 * k8s.io/api (core/v1/types.go, apps/v1/types.go) and k8s.io/apimachinery (meta/v1/types.go).
 *
 * Only fields that carry a tag, or lead to one, are listed. A field that is not listed has no patch
 * strategy: objects under it are merged key by key and lists under it are replaced whole, exactly
 * as k8s.io/apimachinery/pkg/util/strategicpatch treats an untagged field. A few untagged lists
 * (`tolerations`, `envFrom`, `managedFields`, `taints`, …) are listed anyway, with no strategy, to
 * document that they are atomic.
 *
 * @module
 */

/** The patch metadata of one field, as its Go struct tags declare it. */
export interface PatchField {
  /** The `patchStrategy` tag, e.g. `merge`, `retainKeys` or `merge,retainKeys`. Absent: none. */
  readonly patchStrategy?: string;
  /** The `patchMergeKey` tag: the key that identifies an element of a merged list of objects. */
  readonly patchMergeKey?: string;
  /** The schema of the field's value; for a list, of each element. Absent: not described. */
  readonly schema?: PatchSchema;
}

/** The patch metadata of one Go struct type: its fields by JSON name. */
export interface PatchSchema {
  /** The fields that carry patch metadata, or lead to one that does. */
  readonly fields: Readonly<Record<string, PatchField>>;
}

/** A list merged by `key` (`patchStrategy:"merge" patchMergeKey:"<key>"`). */
function mergedBy(key: string, schema?: PatchSchema): PatchField {
  return schema === undefined ? { patchStrategy: 'merge', patchMergeKey: key } : { patchStrategy: 'merge', patchMergeKey: key, schema };
}

/** A field with no patch strategy whose value is described by `schema`. */
function nested(schema: PatchSchema): PatchField {
  return { schema };
}

/** A list with no patch strategy: a patch replaces it whole (`+listType=atomic`). */
const ATOMIC: PatchField = {};

/** meta/v1 ObjectMeta. */
const OBJECT_META: PatchSchema = {
  fields: {
    // `patchStrategy:"merge" patchMergeKey:"uid"`
    ownerReferences: mergedBy('uid'),
    // `patchStrategy:"merge"`: a set of strings, merged and deduplicated.
    finalizers: { patchStrategy: 'merge' },
    managedFields: ATOMIC,
  },
};

/** core/v1 Container; EphemeralContainerCommon carries the same tags. */
const CONTAINER: PatchSchema = {
  fields: {
    ports: mergedBy('containerPort'),
    env: mergedBy('name'),
    envFrom: ATOMIC,
    volumeMounts: mergedBy('mountPath'),
    volumeDevices: mergedBy('devicePath'),
    resizePolicy: ATOMIC,
  },
};

/** core/v1 PodSpec. */
const POD_SPEC: PatchSchema = {
  fields: {
    volumes: { patchStrategy: 'merge,retainKeys', patchMergeKey: 'name' },
    initContainers: mergedBy('name', CONTAINER),
    containers: mergedBy('name', CONTAINER),
    ephemeralContainers: mergedBy('name', CONTAINER),
    imagePullSecrets: mergedBy('name'),
    hostAliases: mergedBy('ip'),
    tolerations: ATOMIC,
    readinessGates: ATOMIC,
    // Server-side apply keys this list by topologyKey + whenUnsatisfiable; the struct tag that
    // strategic merge patch reads names topologyKey alone.
    topologySpreadConstraints: mergedBy('topologyKey'),
    schedulingGates: mergedBy('name'),
    resourceClaims: { patchStrategy: 'merge,retainKeys', patchMergeKey: 'name' },
  },
};

/** core/v1 PodStatus. */
const POD_STATUS: PatchSchema = {
  fields: {
    conditions: mergedBy('type'),
    podIPs: mergedBy('ip'),
    hostIPs: mergedBy('ip'),
    initContainerStatuses: ATOMIC,
    containerStatuses: ATOMIC,
    ephemeralContainerStatuses: ATOMIC,
    resourceClaimStatuses: { patchStrategy: 'merge,retainKeys', patchMergeKey: 'name' },
  },
};

/** core/v1 PodTemplateSpec. */
const POD_TEMPLATE_SPEC: PatchSchema = {
  fields: { metadata: nested(OBJECT_META), spec: nested(POD_SPEC) },
};

/** A `status` whose only tagged field is `conditions`, merged by `type`. */
const CONDITIONS_STATUS: PatchSchema = { fields: { conditions: mergedBy('type') } };

/** Any object: its metadata is an ObjectMeta. */
const OBJECT_WITH_META: PatchSchema = { fields: { metadata: nested(OBJECT_META) } };

const POD: PatchSchema = {
  fields: { metadata: nested(OBJECT_META), spec: nested(POD_SPEC), status: nested(POD_STATUS) },
};

const NAMESPACE: PatchSchema = {
  fields: {
    metadata: nested(OBJECT_META),
    // NamespaceSpec.finalizers has no patch strategy (unlike ObjectMeta.finalizers).
    spec: nested({ fields: { finalizers: ATOMIC } }),
    status: nested(CONDITIONS_STATUS),
  },
};

const NODE: PatchSchema = {
  fields: {
    metadata: nested(OBJECT_META),
    spec: nested({ fields: { podCIDRs: { patchStrategy: 'merge' }, taints: ATOMIC } }),
    status: nested({
      fields: {
        conditions: mergedBy('type'),
        // Merged by `type` although two addresses may share a type: upstream's own comment warns
        // that a strategic merge patch of this list can lose data.
        addresses: mergedBy('type'),
        volumesInUse: ATOMIC,
        volumesAttached: ATOMIC,
        images: ATOMIC,
      },
    }),
  },
};

const DEPLOYMENT: PatchSchema = {
  fields: {
    metadata: nested(OBJECT_META),
    spec: nested({
      fields: {
        template: nested(POD_TEMPLATE_SPEC),
        // `patchStrategy:"retainKeys"`: clients send `$retainKeys` so that switching the type
        // drops the old type's parameters; the server honours the directive wherever it appears.
        strategy: { patchStrategy: 'retainKeys' },
      },
    }),
    status: nested(CONDITIONS_STATUS),
  },
};

const REPLICA_SET: PatchSchema = {
  fields: {
    metadata: nested(OBJECT_META),
    spec: nested({ fields: { template: nested(POD_TEMPLATE_SPEC) } }),
    status: nested(CONDITIONS_STATUS),
  },
};

/** Patch schemas by `group/version/kind` (the core group is the empty string). */
const SCHEMAS: ReadonlyMap<string, PatchSchema> = new Map([
  ['/v1/Event', OBJECT_WITH_META],
  ['/v1/Pod', POD],
  ['/v1/Namespace', NAMESPACE],
  ['/v1/Node', NODE],
  ['/v1/ConfigMap', OBJECT_WITH_META],
  ['apps/v1/Deployment', DEPLOYMENT],
  ['apps/v1/ReplicaSet', REPLICA_SET],
  ['coordination.k8s.io/v1/Lease', OBJECT_WITH_META],
  ['events.k8s.io/v1/Event', OBJECT_WITH_META],
]);

/** A group, version and kind, as in `schema.GroupVersionKind`. */
export interface GroupVersionKind {
  /** The API group; `''` for the core group. */
  readonly group: string;
  /** The version, e.g. `v1`. */
  readonly version: string;
  /** The kind, e.g. `Deployment`. */
  readonly kind: string;
}

/**
 * The strategic-merge-patch schema of a built-in kind. A kind outside the table gets a schema that
 * only knows its `metadata` is an ObjectMeta, so its other lists are replaced, never merged.
 *
 * @example
 * ```ts
 * const schema = patchSchemaFor({ group: 'apps', version: 'v1', kind: 'Deployment' });
 * applyStrategicMergePatch(deployment, patch, schema);
 * ```
 */
export function patchSchemaFor(gvk: GroupVersionKind): PatchSchema {
  return SCHEMAS.get(`${gvk.group}/${gvk.version}/${gvk.kind}`) ?? OBJECT_WITH_META;
}
