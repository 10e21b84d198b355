/**
 * What an Event can be about — any Kubernetes object or an ObjectReference — and the
 * `ObjectReference` the recorder builds from it (client-go's `reference.GetReference`).
 *
 * @module
 */
import { InvalidEventObjectError } from './recorder-errors.ts';
import type { MissingReferenceField } from './recorder-errors.ts';

/** The metadata the recorder reads from an object. */
export interface EventObjectMeta {
  /** The object's name (required). */
  readonly name?: string | undefined;
  /** Its namespace; absent for cluster-scoped objects (the Event then goes to `default`). */
  readonly namespace?: string | undefined;
  /** Its uid. */
  readonly uid?: string | undefined;
  /** Its resourceVersion when the event happened. */
  readonly resourceVersion?: string | undefined;
}

/**
 * A Kubernetes object: a @kubernetes/client-node model such as `V1Pod` or `V1Deployment`, or a
 * plain `{ apiVersion, kind, metadata }`.
 */
export interface KubernetesObjectLike {
  /** e.g. `v1`, `apps/v1` (required). */
  readonly apiVersion?: string | undefined;
  /** e.g. `Pod`, `Deployment` (required). */
  readonly kind?: string | undefined;
  /** The object's metadata (`name` required). */
  readonly metadata?: EventObjectMeta | undefined;
}

/** A `core/v1` ObjectReference, such as client-node's `V1ObjectReference`. */
export interface ObjectReferenceLike {
  /** e.g. `v1`, `apps/v1` (required). */
  readonly apiVersion?: string | undefined;
  /** e.g. `Pod` (required). */
  readonly kind?: string | undefined;
  /** The referent's name (required). */
  readonly name?: string | undefined;
  /** The referent's namespace. */
  readonly namespace?: string | undefined;
  /** The referent's uid. */
  readonly uid?: string | undefined;
  /** The referent's resourceVersion. */
  readonly resourceVersion?: string | undefined;
  /** The part of the object the event is about, e.g. `spec.containers{app}`. */
  readonly fieldPath?: string | undefined;
}

/**
 * What `normal()`, `warning()` and `event()` accept as the object an Event is about.
 *
 * @example
 * ```ts
 * const pod = await core.readNamespacedPod({ name: 'web-1', namespace: 'shop' }); // a V1Pod
 * recorder.warning(pod, 'OnePilotFail', 'no sidecar');
 * recorder.warning({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } }, 'OnePilotFail', 'no sidecar');
 * recorder.warning({ apiVersion: 'v1', kind: 'Pod', name: 'web-1', namespace: 'shop', fieldPath: 'spec.containers{app}' }, 'OnePilotFail', 'no sidecar');
 * ```
 */
export type EventObject = KubernetesObjectLike | ObjectReferenceLike;

/**
 * The `ObjectReference` written as the Event's `involvedObject` (core/v1) or `regarding`
 * (events.k8s.io/v1); absent fields are left out of the JSON, as Go's `omitempty` does.
 */
export interface EventObjectReference {
  /** API version of the referent. */
  readonly apiVersion: string;
  /** Kind of the referent. */
  readonly kind: string;
  /** Name of the referent. */
  readonly name: string;
  /** Namespace of the referent; absent for cluster-scoped objects. */
  readonly namespace?: string;
  /** UID of the referent. */
  readonly uid?: string;
  /** resourceVersion of the referent. */
  readonly resourceVersion?: string;
  /** Part of the referent, e.g. `spec.containers{app}`. */
  readonly fieldPath?: string;
}

function nonEmpty(v: unknown): v is string {
  return typeof v === 'string' && v !== '';
}

function optional(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * The reference fields of `obj`, read as client-go's `GetReference` reads them; throws
 * {@link InvalidEventObjectError} when apiVersion, kind or name is missing.
 *
 * @param obj - An object or an ObjectReference.
 * @param argument - Which argument it was, for the error.
 */
export function referenceOf(obj: EventObject, argument: 'object' | 'related' = 'object'): EventObjectReference {
  const o = obj as Partial<Record<string, unknown>> | null | undefined;
  if (typeof o !== 'object' || o === null) throw new InvalidEventObjectError(argument, ['apiVersion', 'kind', 'name']);
  const md = o.metadata;
  const meta = typeof md === 'object' && md !== null ? (md as Partial<Record<string, unknown>>) : undefined;
  const src = meta ?? o;
  const { apiVersion, kind } = o;
  const name = src.name;
  if (!nonEmpty(apiVersion) || !nonEmpty(kind) || !nonEmpty(name)) {
    const missing: MissingReferenceField[] = [];
    if (!nonEmpty(apiVersion)) missing.push('apiVersion');
    if (!nonEmpty(kind)) missing.push('kind');
    if (!nonEmpty(name)) missing.push('name');
    throw new InvalidEventObjectError(argument, missing);
  }
  const ref: { -readonly [K in keyof EventObjectReference]: EventObjectReference[K] } = { apiVersion, kind, name };
  const namespace = optional(src.namespace);
  if (namespace !== undefined) ref.namespace = namespace;
  const uid = optional(src.uid);
  if (uid !== undefined) ref.uid = uid;
  const resourceVersion = optional(src.resourceVersion);
  if (resourceVersion !== undefined) ref.resourceVersion = resourceVersion;
  if (meta === undefined) {
    const fieldPath = optional(o.fieldPath);
    if (fieldPath !== undefined) ref.fieldPath = fieldPath;
  }
  return ref;
}

/**
 * True when `obj` still has exactly the reference `ref` was read from it — a cheap check that
 * lets the recorder merge a repeated call without building its key.
 */
export function stillReferences(obj: EventObject, ref: EventObjectReference): boolean {
  const o = obj as Partial<Record<string, unknown>>;
  if (o.apiVersion !== ref.apiVersion || o.kind !== ref.kind) return false;
  const md = o.metadata;
  if (typeof md === 'object' && md !== null) {
    const m = md as Partial<Record<string, unknown>>;
    return m.name === ref.name && optional(m.namespace) === ref.namespace && optional(m.uid) === ref.uid && optional(m.resourceVersion) === ref.resourceVersion && ref.fieldPath === undefined;
  }
  return (
    o.name === ref.name &&
    optional(o.namespace) === ref.namespace &&
    optional(o.uid) === ref.uid &&
    optional(o.resourceVersion) === ref.resourceVersion &&
    optional(o.fieldPath) === ref.fieldPath
  );
}

/** A key identifying every field of a reference, for the recorder's caches. */
export function referenceKey(ref: EventObjectReference): string {
  return `${ref.apiVersion}\u0000${ref.kind}\u0000${ref.namespace ?? ''}\u0000${ref.name}\u0000${ref.uid ?? ''}\u0000${ref.resourceVersion ?? ''}\u0000${ref.fieldPath ?? ''}`;
}
