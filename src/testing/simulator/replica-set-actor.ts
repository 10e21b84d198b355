/** A ReplicaSet as the replicaset-controller drives it. */
import { Actor } from './cluster-context.ts';
import type { ClusterContext, ObjectHandle, Offer } from './cluster-context.ts';
import { createdPodMessage, deletedPodMessage, quotaExceededMessage } from './event-messages.ts';
import { replicaSetObject } from './kube-objects.ts';
import type { ContainerShape } from './kube-objects.ts';
import { PodActor } from './pod-actor.ts';
import { offer } from './offer.ts';
import { chooseFate } from './pod-fate.ts';
import type { DeploymentActor } from './deployment-actor.ts';

/** A ReplicaSet: creates and deletes pods to match its replicas. */
export class ReplicaSetActor extends Actor {
  readonly cluster: ClusterContext;
  readonly deployment: DeploymentActor;
  readonly handle: ObjectHandle;
  readonly hash: string;
  readonly revision: number;
  readonly container: ContainerShape;
  replicas: number;
  readonly pods: PodActor[] = [];
  /** Pod creations the ResourceQuota still rejects. */
  quotaBlocked = 0;
  readonly quotaUsed: string;

  /**
   * @param cluster - The simulated cluster.
   * @param deployment - Its Deployment.
   * @param hash - Its pod-template-hash.
   * @param revision - The Deployment revision it carries.
   * @param container - Its pod template's container.
   * @param replicas - Initial replicas.
   */
  constructor(cluster: ClusterContext, deployment: DeploymentActor, hash: string, revision: number, container: ContainerShape, replicas: number) {
    super();
    this.cluster = cluster;
    this.deployment = deployment;
    this.hash = hash;
    this.revision = revision;
    this.container = container;
    this.replicas = replicas;
    this.handle = cluster.handle('replicasets', 'ReplicaSet', 'apps/v1', deployment.namespace, `${deployment.name}-${hash}`);
    this.quotaUsed = `${String(cluster.rng.between(31, 39) * 100)}m`;
  }

  /** The ReplicaSet's name. */
  get name(): string {
    return this.handle.name;
  }

  /** Pods not being deleted. */
  get activePods(): PodActor[] {
    return this.pods.filter((p) => p.alive && p.state !== 'terminating');
  }

  /** Renders and plans the ReplicaSet's create or update. */
  write(verb: 'create' | 'update'): void {
    const pods = this.pods.filter((p) => p.alive);
    const object = replicaSetObject({
      name: this.name,
      namespace: this.handle.namespace,
      uid: this.handle.uid,
      app: this.deployment.name,
      hash: this.hash,
      replicas: this.replicas,
      deploymentReplicas: this.deployment.replicas,
      revision: this.revision,
      owner: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.deployment.name, uid: this.deployment.handle.uid },
      container: this.container,
      statusReplicas: pods.length,
      readyReplicas: pods.filter((p) => p.ready).length,
    });
    if (verb === 'create') this.cluster.create(this.handle, object);
    else this.cluster.update(this.handle, object);
  }

  override offers(): Offer[] {
    if (!this.alive) return [];
    const need = this.replicas - this.activePods.length;
    if (need > 0) {
      if (this.quotaBlocked > 0) return [offer('FailedCreate', 'next', ['SuccessfulCreate', 'Scheduled'], () => { this.#failCreate(); })];
      return [offer('SuccessfulCreate', 'next', ['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started'], () => { this.createPod(); })];
    }
    if (need < 0) return [offer('SuccessfulDelete', 'next', ['Killing'], () => { this.#deletePod(); })];
    return [];
  }

  /** The replicaset-controller creates one pod (`Created pod: …`). */
  createPod(): PodActor {
    const { fate, troubles } = chooseFate(this.cluster, 'replica', this.container);
    const pod = new PodActor(this.cluster, {
      name: `${this.name}-${this.cluster.rng.token(5)}`,
      namespace: this.handle.namespace,
      kind: 'replica',
      owner: this,
      ownerShape: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: this.name, uid: this.handle.uid },
      generateName: `${this.name}-`,
      labels: { app: this.deployment.name, 'pod-template-hash': this.hash },
      container: this.container,
      restartPolicy: 'Always',
      fate,
      troubles,
    });
    this.pods.push(pod);
    this.cluster.register(pod);
    pod.writeCreate();
    this.cluster.event({
      component: this.cluster.components.replicaSet,
      involved: this.handle,
      type: 'Normal',
      reason: 'SuccessfulCreate',
      message: createdPodMessage(pod.name),
    });
    return pod;
  }

  #failCreate(): void {
    this.quotaBlocked -= 1;
    this.cluster.event({
      component: this.cluster.components.replicaSet,
      involved: this.handle,
      type: 'Warning',
      reason: 'FailedCreate',
      message: quotaExceededMessage(`${this.name}-`, this.container.cpu, this.quotaUsed, '4'),
    });
  }

  /** The replicaset-controller deletes the pod it ranks lowest (pkg/controller/replicaset: unscheduled, then pending, then not ready first). */
  #deletePod(): void {
    const rank = (p: PodActor): number => (p.node === null ? 0 : p.state !== 'running' ? 1 : p.ready ? 3 : 2);
    const victims = [...this.activePods].sort((a, b) => rank(a) - rank(b));
    const victim = victims[0];
    if (victim === undefined) throw new Error(`internal: ${this.name} has no pod to delete`);
    const unscheduled = victim.node === null;
    // An unscheduled pod is deleted at once; a scheduled one gracefully, the kubelet stopping it after.
    if (unscheduled) victim.destroy();
    this.cluster.event({
      component: this.cluster.components.replicaSet,
      involved: this.handle,
      type: 'Normal',
      reason: 'SuccessfulDelete',
      message: deletedPodMessage(victim.name),
    });
    if (!unscheduled) victim.terminate();
  }

  /** A pod of this ReplicaSet is gone. */
  podGone(pod: PodActor): void {
    const at = this.pods.indexOf(pod);
    if (at >= 0) this.pods.splice(at, 1);
    this.cluster.touch(this);
  }

  /** The ReplicaSet is deleted (by the Deployment's cleanup or a cascade). */
  destroy(): void {
    if (!this.alive) return;
    this.alive = false;
    this.cluster.remove(this.handle);
    this.cluster.touch(this);
  }
}
