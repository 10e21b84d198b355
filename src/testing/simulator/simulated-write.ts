/**
 * What the workload simulator writes, and where: the {@link SimulatedWrite} union and the
 * {@link SimulatorTarget} that receives it.
 */
import type { JsonObject } from '../json.ts';

/**
 * The resources the simulator writes: core/v1 `events`, `pods`, `nodes` and `namespaces`; apps/v1
 * `replicasets` and `deployments`; batch/v1 `jobs` and `cronjobs` (only when the simulator's
 * `batchObjects` option is on).
 */
export type SimResource = 'events' | 'pods' | 'nodes' | 'namespaces' | 'replicasets' | 'deployments' | 'jobs' | 'cronjobs';

/**
 * One write the simulated cluster makes, as a component would send it to the API server.
 *
 * - `create`: a new object, complete except for what the server assigns (`metadata.resourceVersion`,
 *   `metadata.creationTimestamp`).
 * - `update`: the whole new object, keyed by `object.metadata.name` (a repeated Event is an `update`
 *   with `count` one higher and a later `lastTimestamp`, as client-go's recorder patches it).
 * - `delete`: removes the named object.
 *
 * `namespace` is `''` for cluster-scoped resources (`nodes`, `namespaces`).
 *
 * @example
 * ```ts
 * import type { SimulatedWrite } from 'kube-events/testing';
 *
 * function describe(write: SimulatedWrite): string {
 *   return write.verb === 'delete'
 *     ? `delete ${write.resource} ${write.namespace}/${write.name}`
 *     : `${write.verb} ${write.resource} ${write.namespace}/${String((write.object.metadata as { name: string }).name)}`;
 * }
 * ```
 */
export type SimulatedWrite = SimulatedCreate | SimulatedUpdate | SimulatedDelete;

/** A `create` write: a new, complete object. */
export interface SimulatedCreate {
  /** Always `create`. */
  readonly verb: 'create';
  /** The resource written. */
  readonly resource: SimResource;
  /** The namespace (`''` for cluster-scoped resources). */
  readonly namespace: string;
  /** The object, without the fields the server assigns. */
  readonly object: JsonObject;
}

/** An `update` write: the whole new object, keyed by `object.metadata.name`. */
export interface SimulatedUpdate {
  /** Always `update`. */
  readonly verb: 'update';
  /** The resource written. */
  readonly resource: SimResource;
  /** The namespace (`''` for cluster-scoped resources). */
  readonly namespace: string;
  /** The new object. */
  readonly object: JsonObject;
}

/** A `delete` write. */
export interface SimulatedDelete {
  /** Always `delete`. */
  readonly verb: 'delete';
  /** The resource written. */
  readonly resource: SimResource;
  /** The namespace (`''` for cluster-scoped resources). */
  readonly namespace: string;
  /** The name of the object deleted. */
  readonly name: string;
}

/**
 * Where the simulator's writes go: usually the test cluster's store, or an array in a unit test.
 *
 * Each write is applied in order; when `apply` returns a promise (any thenable) the simulator waits
 * for it before the next write. A throw or rejection is reported on the simulator's `error` event and the
 * simulation goes on.
 *
 * `apply` may also return (or resolve to) the object as stored. The simulator then uses that
 * object's `metadata.uid` and `metadata.resourceVersion` in later references to it (an Event's
 * `involvedObject`, an owner reference), exactly as a real component references what the server
 * returned.
 *
 * @example
 * ```ts
 * import { createWorkloadSimulator } from 'kube-events/testing';
 * import type { SimulatedWrite } from 'kube-events/testing';
 *
 * const writes: SimulatedWrite[] = [];
 * const sim = createWorkloadSimulator({ target: { apply: (w) => { writes.push(w); } }, seed: 7 });
 * await sim.step(100);
 * ```
 */
export interface SimulatorTarget {
  /**
   * Applies one write. Returns nothing, or the object as stored, or a promise of either (typed
   * `unknown` so that any store's create/update/delete function fits as is).
   */
  apply(write: SimulatedWrite): unknown;
}
