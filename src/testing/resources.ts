/**
 * The resource types the test cluster serves. Storage is generic, keyed by group/resource; a type
 * describes how one group/version/resource is served on top of it (kind, scope, verbs, conversion
 * to and from the stored form, selectable fields, validation, table printing).
 */
import type { ApiStatusError, FieldError } from './status.ts';
import type { Json, JsonObject } from './json.ts';
import { objectAt, stringAt } from './json.ts';

/** The verbs a resource can support, as discovery lists them. */
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** All verbs. */
export const ALL_VERBS: readonly Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** A table column definition (`metav1.TableColumnDefinition`). */
export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** Context for validating a write. */
export interface ValidationContext {
  /** `v1`, `apps/v1`, `events.k8s.io/v1`, … — the API version the request was made in. */
  apiGroupVersion: string;
  /** The namespace in the request URL ('' for cluster-scoped). */
  requestNamespace: string;
  /** The stored object, on update. */
  old?: JsonObject;
}

/** How one group/version/resource is served. */
export interface ResourceType {
  group: string;
  version: string;
  /** Plural, lower-case, e.g. `events`. */
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: readonly string[];
  categories: readonly string[];
  verbs: readonly Verb[];
  /** Subresources served, e.g. `status`. */
  subresources: readonly string[];
  /** Where objects live: `group/resource` of the stored form (several versions can share one). */
  storageKey: string;
  /** True for custom resources (unstructured: list items keep apiVersion/kind; no strategic merge). */
  custom: boolean;
  /** Converts a stored object to this version (default: set apiVersion/kind). */
  fromStorage(stored: JsonObject): JsonObject;
  /** Converts an object of this version to the stored form (default: unchanged). */
  toStorage(obj: JsonObject): JsonObject;
  /** Field-selector fields of a stored object, by their stored-form names. */
  selectableFields(stored: JsonObject): Record<string, string>;
  /** Maps a field label of this version to its stored-form name; undefined → not supported. */
  convertFieldLabel(label: string): string | undefined;
  /** True when the kind has a field label conversion of its own (changes the unsupported-field message). */
  hasFieldLabelConversion: boolean;
  /** Validates the stored form of a write; returns field errors (empty when valid). */
  validate(stored: JsonObject, ctx: ValidationContext): FieldError[];
  /** Builds the 422 for field errors (default: `invalid()` with this group and kind). */
  invalidError?: (name: string, errors: readonly FieldError[]) => ApiStatusError;
  /** Checks a decoded request body before conversion; throws the real server's 400 for what it cannot decode. */
  checkDecodable?: (body: JsonObject) => void;
  /** Server-side table printing; absent → the default Name / Created At table. */
  table?: { columns: readonly TableColumn[]; cells(obj: JsonObject, now: number): Json[] };
  /** Event-style time to live from the last write, in ms, when the type has one. */
  ttl?: 'events';
}

/** `group/version`, or `version` for the core group. */
export function groupVersion(t: Pick<ResourceType, 'group' | 'version'>): string {
  return t.group === '' ? t.version : `${t.group}/${t.version}`;
}

/** The metadata.name / metadata.namespace field set every resource supports. */
export function metadataFields(obj: JsonObject, namespaced: boolean): Record<string, string> {
  const md = objectAt(obj, 'metadata');
  const f: Record<string, string> = { 'metadata.name': stringAt(md, 'name') ?? '' };
  if (namespaced) f['metadata.namespace'] = stringAt(md, 'namespace') ?? '';
  return f;
}

/** Options for {@link defineResource}. */
export interface ResourceSpec {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  singular?: string;
  shortNames?: readonly string[];
  categories?: readonly string[];
  verbs?: readonly Verb[];
  subresources?: readonly string[];
  storageKey?: string;
  custom?: boolean;
  fromStorage?: (stored: JsonObject) => JsonObject;
  toStorage?: (obj: JsonObject) => JsonObject;
  selectableFields?: (stored: JsonObject) => Record<string, string>;
  convertFieldLabel?: (label: string) => string | undefined;
  validate?: (stored: JsonObject, ctx: ValidationContext) => FieldError[];
  table?: ResourceType['table'];
  ttl?: 'events';
  invalidError?: ResourceType['invalidError'];
  checkDecodable?: ResourceType['checkDecodable'];
}

/** Builds a {@link ResourceType} with defaults filled in. */
export function defineResource(spec: ResourceSpec): ResourceType {
  const gv = groupVersion(spec);
  const t: ResourceType = {
    group: spec.group,
    version: spec.version,
    resource: spec.resource,
    singular: spec.singular ?? spec.kind.toLowerCase(),
    kind: spec.kind,
    listKind: `${spec.kind}List`,
    namespaced: spec.namespaced,
    shortNames: spec.shortNames ?? [],
    categories: spec.categories ?? [],
    verbs: spec.verbs ?? ALL_VERBS,
    subresources: spec.subresources ?? [],
    storageKey: spec.storageKey ?? `${spec.group === '' ? 'core' : spec.group}/${spec.resource}`,
    custom: spec.custom ?? false,
    fromStorage: spec.fromStorage ?? ((stored) => ({ ...stored, apiVersion: gv, kind: spec.kind })),
    toStorage: spec.toStorage ?? ((obj) => obj),
    selectableFields: spec.selectableFields ?? ((stored) => metadataFields(stored, spec.namespaced)),
    convertFieldLabel: spec.convertFieldLabel ?? ((label) => (label === 'metadata.name' || (spec.namespaced && label === 'metadata.namespace') ? label : undefined)),
    hasFieldLabelConversion: spec.convertFieldLabel !== undefined,
    validate: spec.validate ?? (() => []),
  };
  if (spec.table) t.table = spec.table;
  if (spec.invalidError) t.invalidError = spec.invalidError;
  if (spec.checkDecodable) t.checkDecodable = spec.checkDecodable;
  if (spec.ttl) t.ttl = spec.ttl;
  return t;
}

/** A registry of served resource types, by group/version/resource and by group/version/kind. */
export class ResourceRegistry {
  #byGvr = new Map<string, ResourceType>();

  readonly #byStorage = new Map<string, ResourceType[]>();

  add(t: ResourceType): void {
    this.#byGvr.set(`${t.group}/${t.version}/${t.resource}`, t);
    this.#byStorage.clear();
  }

  remove(group: string, version: string, resource: string): void {
    this.#byGvr.delete(`${group}/${version}/${resource}`);
    this.#byStorage.clear();
  }

  get(group: string, version: string, resource: string): ResourceType | undefined {
    return this.#byGvr.get(`${group}/${version}/${resource}`);
  }

  all(): ResourceType[] {
    return [...this.#byGvr.values()];
  }

  /** The served group/versions, in registration order, core first. */
  groupVersions(): { group: string; version: string }[] {
    const seen = new Map<string, { group: string; version: string }>();
    for (const t of this.#byGvr.values()) seen.set(`${t.group}/${t.version}`, { group: t.group, version: t.version });
    return [...seen.values()];
  }

  /** Every type stored under `storageKey`, in registration order. */
  byStorageKey(storageKey: string): ResourceType[] {
    let list = this.#byStorage.get(storageKey);
    if (!list) {
      list = this.all().filter((t) => t.storageKey === storageKey);
      this.#byStorage.set(storageKey, list);
    }
    return list;
  }
}
