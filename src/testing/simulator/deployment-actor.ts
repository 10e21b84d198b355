/** A Deployment as a user and the deployment-controller drive it: scales and rolling updates. */
import { Actor } from './cluster-context.ts';
import type { ClusterContext, ObjectHandle, Offer } from './cluster-context.ts';
import { scalingReplicaSetMessage } from './event-messages.ts';
import { deploymentObject } from './kube-objects.ts';
import type { ContainerShape } from './kube-objects.ts';
import type { AppTemplate } from './workload-catalog.ts';
import { nextRelease } from './workload-catalog.ts';
import { ReplicaSetActor } from './replica-set-actor.ts';
import { offer } from './offer.ts';

/** A Deployment: scales and rolls out through its ReplicaSets. */
export class DeploymentActor extends Actor {
  readonly cluster: ClusterContext;
  readonly handle: ObjectHandle;
  readonly app: AppTemplate;
  container: ContainerShape;
  replicas: number;
  revision = 1;
  current: ReplicaSetActor;
  readonly old: ReplicaSetActor[] = [];
  readonly since: number;

  /**
   * @param cluster - The simulated cluster.
   * @param namespace - Its namespace.
   * @param app - What it runs.
   * @param replicas - Its replicas.
   * @param pullPolicy - Its container's imagePullPolicy.
   */
  constructor(cluster: ClusterContext, namespace: string, app: AppTemplate, replicas: number, pullPolicy: 'Always' | 'IfNotPresent') {
    super();
    this.cluster = cluster;
    this.app = app;
    this.handle = cluster.handle('deployments', 'Deployment', 'apps/v1', namespace, app.name);
    this.container = { ...app.container, imagePullPolicy: pullPolicy };
    this.replicas = replicas;
    this.since = cluster.now;
    this.current = new ReplicaSetActor(cluster, this, templateHash(cluster), 1, this.container, replicas);
  }

  /** The Deployment's name. */
  get name(): string {
    return this.handle.name;
  }

  /** The Deployment's namespace. */
  get namespace(): string {
    return this.handle.namespace;
  }

  /** All its live ReplicaSets. */
  get replicaSets(): ReplicaSetActor[] {
    return [this.current, ...this.old].filter((rs) => rs.alive);
  }

  /** Renders and plans the Deployment's create or update. */
  write(verb: 'create' | 'update'): void {
    const pods = this.replicaSets.flatMap((rs) => rs.pods.filter((p) => p.alive));
    const object = deploymentObject(
      {
        name: this.name,
        namespace: this.namespace,
        uid: this.handle.uid,
        replicas: this.replicas,
        revision: this.revision,
        container: this.container,
        statusReplicas: pods.length,
        readyReplicas: pods.filter((p) => p.ready).length,
        updatedReplicas: this.current.pods.filter((p) => p.alive).length,
        since: this.since,
      },
      this.cluster.now,
    );
    if (verb === 'create') this.cluster.create(this.handle, object);
    else this.cluster.update(this.handle, object);
  }

  /** Whether a rollout is still moving replicas from old ReplicaSets to the current one. */
  get rollingOut(): boolean {
    return this.current.replicas < this.replicas || this.old.some((rs) => rs.alive && rs.replicas > 0);
  }

  override offers(): Offer[] {
    if (!this.alive) return [];
    if (this.rollingOut) return [offer('ScalingReplicaSet', 'next', ['SuccessfulCreate', 'SuccessfulDelete', 'Scheduled', 'Killing'], () => { this.#rolloutStep(); })];
    return [offer('ScalingReplicaSet', 'optional', ['SuccessfulCreate', 'SuccessfulDelete', 'Scheduled', 'Killing'], () => { this.#act(); })];
  }

  /** The first scale of a new Deployment: its ReplicaSet from 0 to `replicas`. */
  launch(): void {
    this.write('create');
    this.current.replicas = 0;
    this.current.write('create');
    this.cluster.register(this.current);
    this.#scale(this.current, this.replicas);
  }

  /** A user scales or rolls out the Deployment; which depends on the population and on what the mix lacks more, pod creations or deletions. */
  #act(): void {
    const { pods, highWater, lowWater } = this.cluster.population();
    const rng = this.cluster.rng;
    const canUp = pods < highWater && this.replicas < MAX_REPLICAS;
    const canDown = this.replicas > 1;
    const c = this.cluster;
    const wantsDown = c.deficit('SuccessfulDelete') + c.deficit('Killing') > c.deficit('SuccessfulCreate') + c.deficit('Scheduled');
    const action = rng.weighted<'up' | 'down' | 'rollout'>(['up', 'down', 'rollout'], (a) => {
      if (a === 'up') return canUp ? (pods < lowWater ? 4 : 2) * (wantsDown ? 0.2 : 1) : 0;
      if (a === 'down') return canDown ? (pods > (highWater + lowWater) / 2 ? 4 : 2) * (wantsDown ? 5 : 1) : 0;
      return 2;
    });
    if (action === 'rollout') {
      this.#startRollout();
      return;
    }
    // Scale-downs that the mix wants go further (more `SuccessfulDelete`s per scale), ups go higher to make room for them.
    const to =
      action === 'up'
        ? this.replicas + rng.between(1, Math.min(wantsDown ? 4 : 3, MAX_REPLICAS - this.replicas))
        : rng.between(1, wantsDown ? Math.ceil(this.replicas / 2) : this.replicas - 1);
    this.replicas = to;
    this.write('update');
    this.#scale(this.current, to);
  }

  #startRollout(): void {
    this.old.push(this.current);
    this.revision += 1;
    this.container = { ...this.container, image: nextRelease(this.container.image) };
    const next = new ReplicaSetActor(this.cluster, this, templateHash(this.cluster), this.revision, this.container, 0);
    this.current = next;
    this.maybeBlockQuota(next);
    this.write('update');
    next.write('create');
    this.cluster.register(next);
    this.#rolloutStep();
  }

  /** RollingUpdate with maxSurge 25 % and maxUnavailable 25 %, one scale per step. */
  #rolloutStep(): void {
    const target = this.replicas;
    const surge = Math.max(1, Math.ceil(target / 4));
    const old = this.old.find((rs) => rs.alive && rs.replicas > 0);
    if (old !== undefined && this.current.replicas + old.replicas > target) {
      this.#scale(old, Math.max(0, target - this.current.replicas));
    } else if (this.current.replicas < target) {
      this.#scale(this.current, Math.min(target, this.current.replicas + surge));
    } else if (old !== undefined) {
      this.#scale(old, 0);
    } else {
      throw new Error(`internal: ${this.name} has no rollout step left`);
    }
  }

  #scale(rs: ReplicaSetActor, to: number): void {
    const from = rs.replicas;
    rs.replicas = to;
    rs.write('update');
    this.cluster.touch(rs);
    this.cluster.event({
      component: this.cluster.components.deployment,
      involved: this.handle,
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      message: scalingReplicaSetMessage(to >= from ? 'up' : 'down', rs.name, to, from),
    });
  }

  /** Makes a ResourceQuota reject some of the ReplicaSet's pod creations, when the mix wants `FailedCreate`. */
  maybeBlockQuota(rs: ReplicaSetActor): void {
    if (this.cluster.weight('FailedCreate') <= 0) return;
    if (this.cluster.deficit('FailedCreate') > 0 && this.cluster.offerCount('FailedCreate') < 1) rs.quotaBlocked = this.cluster.rng.geometric(6);
    else if (this.cluster.rng.chance(0.05)) rs.quotaBlocked = this.cluster.rng.geometric(3);
  }

  /** The Deployment is deleted: its ReplicaSets go, and their pods terminate (cascading deletion). */
  destroy(killing: boolean): void {
    if (!this.alive) return;
    this.alive = false;
    this.cluster.remove(this.handle);
    this.cluster.touch(this);
    for (const rs of this.replicaSets) {
      const pods = [...rs.pods];
      rs.destroy();
      for (const pod of pods) {
        if (killing) pod.terminate();
        else pod.destroy();
      }
    }
  }
}

/** Most replicas a simulated Deployment is scaled to. */
const MAX_REPLICAS = 8;

/** A pod-template-hash: `rand.SafeEncodeString` of a 32-bit hash, 8 to 10 characters. */
function templateHash(cluster: ClusterContext): string {
  return cluster.rng.token(cluster.rng.between(8, 10));
}
