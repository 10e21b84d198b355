/**
 * The contract between the simulated cluster (which decides what happens next and turns it into
 * writes) and its actors (the pods, ReplicaSets, Deployments, nodes and CronJobs whose lifecycles
 * the scenarios script).
 *
 * Each decision emits exactly one Event write. An actor advertises what it could do next as
 * {@link Offer}s: the Event reason the step would emit and the reasons its scenario typically
 * goes on to; the cluster picks a reason the profile's mix is short of, then an actor offering it
 * (preferring those headed for other reasons the mix lacks), and runs that offer.
 */
import type { JsonObject } from '../json.ts';
import type { SeededRandom } from './random.ts';
import type { NodeActor } from './node-actor.ts';
import type { PodActor } from './pod-actor.ts';
import type { SimResource } from './simulated-write.ts';
import type { SimulatorComponents } from './simulator-components.ts';

/**
 * One step an actor can take. `run` makes the step's object writes and emits exactly one Event
 * whose reason is `reason` (none when the cluster runs it silently).
 *
 * - `next`: the step the actor must take to move on. When the profile's mix has no share for
 *   `reason`, the cluster runs it at once, silently (object writes only), so a lifecycle never
 *   stalls on a reason the profile does not emit.
 * - `optional`: a step the actor may take any number of times (a repeated Event, a scale). Never
 *   offered when the mix has no share for `reason`.
 */
export interface Offer {
  readonly reason: string;
  readonly mode: 'next' | 'optional';
  /** The reasons this step typically leads to, in order (a short horizon), so the cluster can move actors towards a reason it lacks. */
  readonly then: readonly string[];
  /** Takes the step. */
  readonly run: () => void;
}

/** Something with a lifecycle: it offers steps until it is gone. */
export abstract class Actor {
  /** False once the actor's object is gone; it then offers nothing. */
  alive = true;
  /** The offers the cluster last indexed for this actor. */
  indexed: readonly Offer[] = [];
  /** The decision at which the actor's offers last changed (how long it has been waiting). */
  indexedAt = 0;
  /** The reasons the actor's current offers lead to, with the fewest steps to each (maintained by the cluster). */
  reach: ReadonlyMap<string, number> = new Map();
  /** What the actor can do now. */
  abstract offers(): Offer[];
}

/** The simulator's view of one API object: where it lives and what the server calls it. */
export class ObjectHandle {
  /** Its resource. */
  readonly resource: SimResource;
  /** Its kind. */
  readonly kind: string;
  /** Its apiVersion. */
  readonly apiVersion: string;
  /** Its namespace, `''` when cluster-scoped. */
  readonly namespace: string;
  /** Its name. */
  readonly name: string;
  /** False for objects the target never receives (batch/v1 with `batchObjects` off). */
  readonly written: boolean;
  /** The uid the simulator gave it. */
  readonly clientUid: string;
  /** The uid to reference it by: ours, or the server's once a target returned the stored object. */
  uid: string;
  /** The server's resourceVersion, once a target returned the stored object. */
  resourceVersion: string | undefined;
  /** False once deleted. */
  alive = true;
  /** Keys of the recorder's dedup entries for Events about this object, dropped when it is deleted. */
  readonly eventKeys = new Set<string>();

  /**
   * @param resource - Its resource.
   * @param kind - Its kind.
   * @param apiVersion - Its apiVersion.
   * @param namespace - Its namespace, `''` when cluster-scoped.
   * @param name - Its name.
   * @param uid - The uid the simulator gave it.
   * @param written - Whether the target receives its writes.
   */
  constructor(resource: SimResource, kind: string, apiVersion: string, namespace: string, name: string, uid: string, written: boolean) {
    this.resource = resource;
    this.kind = kind;
    this.apiVersion = apiVersion;
    this.namespace = namespace;
    this.name = name;
    this.clientUid = uid;
    this.uid = uid;
    this.written = written;
  }
}

/** How an Event refers to its object, which depends on who records it. */
export type ReferenceStyle =
  /** `reference.GetReference(obj)`: kind, namespace, name, uid, apiVersion, resourceVersion (and fieldPath for containers). */
  | 'object'
  /** The kubelet's own node reference (pkg/kubelet/kubelet.go): kind and name, with the node name as uid. */
  | 'kubelet-node'
  /** The node-controller's reference (RecordNodeStatusChange): apiVersion, kind, name, uid, no resourceVersion. */
  | 'controller-node';

/** An Event to record, as a component's `recorder.Eventf` call would. */
export interface EventSpec {
  readonly component: string;
  /** The source host (the node, for the kubelet); controllers have none. */
  readonly host?: string;
  readonly involved: ObjectHandle;
  readonly style?: ReferenceStyle;
  /** `spec.containers{name}` for the kubelet's container events. */
  readonly fieldPath?: string;
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

/** What actors may ask of the simulated cluster. */
export interface ClusterContext {
  readonly rng: SeededRandom;
  readonly components: SimulatorComponents;
  /** Time of the current decision, ms since the epoch. */
  readonly now: number;
  /** Number of nodes. */
  readonly nodeCount: number;
  /** The profile's share for a reason (0 when the profile does not emit it). */
  weight(reason: string): number;
  /** How far the mix is short of `reason` right now (positive: wants more). */
  deficit(reason: string): number;
  /** How many actors are on their way to `reason` (offer it now or within a few steps). */
  offerCount(reason: string): number;
  /** A fresh uid. */
  uid(): string;
  /** A handle for a new object (whether it is written depends on the resource and options). */
  handle(resource: SimResource, kind: string, apiVersion: string, namespace: string, name: string): ObjectHandle;
  /** Plans a create of the object. */
  create(handle: ObjectHandle, object: JsonObject): void;
  /** Plans an update of the object (the whole new object). */
  update(handle: ObjectHandle, object: JsonObject): void;
  /** Plans a delete of the object and forgets its Events. */
  remove(handle: ObjectHandle): void;
  /** Records an Event: a create, or an update bumping `count` when an identical one exists. */
  event(spec: EventSpec): void;
  /** Adds an actor to the index. */
  register(actor: Actor): void;
  /** Marks an actor's offers as changed. */
  touch(actor: Actor): void;
  /** A ready node to schedule a pod on. */
  pickNode(): NodeActor;
  /** Live pods and the thresholds the cluster keeps them between. */
  population(): { readonly pods: number; readonly highWater: number; readonly lowWater: number };
  /** How many live pods pass `test`. */
  countPods(test: (pod: PodActor) => boolean): number;
  /** Whether another node may go NotReady now. */
  canLoseNode(): boolean;
}
