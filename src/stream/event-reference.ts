/**
 * The object an Event is about, in kube-events' normalized form.
 *
 * @module
 */

/**
 * A reference to a Kubernetes object, normalized from a `core/v1` `ObjectReference`
 * (`involvedObject` / `related` of a core/v1 Event, `regarding` / `related` of an
 * events.k8s.io/v1 Event). Every field is a string; a field the object left out is `''`, as in
 * Go, where all of these fields are `omitempty` strings.
 *
 * @example
 * ```ts
 * import { fromEventObject } from 'kube-events/stream';
 *
 * const ev = fromEventObject(item);
 * if (ev.regarding.kind === 'Pod') console.log(`${ev.regarding.namespace}/${ev.regarding.name}`);
 * ```
 */
export interface EventReference {
  /** Kind of the referent, e.g. `Pod`; `''` when absent. */
  readonly kind: string;
  /** Name of the referent; `''` when absent. */
  readonly name: string;
  /** Namespace of the referent; `''` when absent (cluster-scoped objects such as Nodes). */
  readonly namespace: string;
  /** UID of the referent; `''` when absent. */
  readonly uid: string;
  /** API version of the referent, e.g. `v1` or `apps/v1`; `''` when absent. */
  readonly apiVersion: string;
  /** Part of the referent the event is about, e.g. `spec.containers{nginx}`; `''` when absent. */
  readonly fieldPath: string;
  /** The referent's resourceVersion when the event was made (opaque); `''` when absent. */
  readonly resourceVersion: string;
}
