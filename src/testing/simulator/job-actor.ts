/** A Job as the job-controller drives it. */
import { Actor } from './cluster-context.ts';
import type { ClusterContext, ObjectHandle, Offer } from './cluster-context.ts';
import { createdPodMessage, JOB_COMPLETED_MESSAGE } from './event-messages.ts';
import { jobObject, jobPodLabels } from './kube-objects.ts';
import { PodActor } from './pod-actor.ts';
import { offer } from './offer.ts';
import type { CronJobActor } from './cron-job-actor.ts';

/** A Job of a CronJob: creates its pod and completes when the pod has run. */
export class JobActor extends Actor {
  readonly cluster: ClusterContext;
  readonly cron: CronJobActor;
  readonly handle: ObjectHandle;
  readonly scheduledAt: number;
  readonly startedAt: number;
  completedAt: number | undefined;
  pod: PodActor | null = null;
  done = false;

  /**
   * @param cluster - The simulated cluster.
   * @param cron - Its CronJob.
   * @param name - Its name (`<cronjob>-<scheduled minute>`).
   * @param scheduledAt - Its scheduled time.
   */
  constructor(cluster: ClusterContext, cron: CronJobActor, name: string, scheduledAt: number) {
    super();
    this.cluster = cluster;
    this.cron = cron;
    this.handle = cluster.handle('jobs', 'Job', 'batch/v1', cron.handle.namespace, name);
    this.scheduledAt = scheduledAt;
    this.startedAt = cluster.now;
  }

  /** The Job's name. */
  get name(): string {
    return this.handle.name;
  }

  /** Renders and plans the Job's create or update. */
  write(verb: 'create' | 'update'): void {
    const object = jobObject({
      name: this.name,
      namespace: this.handle.namespace,
      uid: this.handle.uid,
      owner: { apiVersion: 'batch/v1', kind: 'CronJob', name: this.cron.name, uid: this.cron.handle.uid },
      container: this.cron.template.container,
      scheduledAt: this.scheduledAt,
      startedAt: this.startedAt,
      ...(this.completedAt === undefined ? {} : { completedAt: this.completedAt }),
    });
    if (verb === 'create') this.cluster.create(this.handle, object);
    else this.cluster.update(this.handle, object);
  }

  override offers(): Offer[] {
    if (!this.alive || this.done) return [];
    if (this.pod === null) return [offer('SuccessfulCreate', 'next', ['Scheduled', 'Pulled', 'Created', 'Started', 'Completed', 'SawCompletedJob'], () => { this.#createPod(); })];
    if (this.pod.state === 'running') return [offer('Completed', 'next', ['SawCompletedJob'], () => { this.#complete(); })];
    return [];
  }

  #createPod(): void {
    const labels = jobPodLabels({ name: this.name, uid: this.handle.uid });
    const pod = new PodActor(this.cluster, {
      name: `${this.name}-${this.cluster.rng.token(5)}`,
      namespace: this.handle.namespace,
      kind: 'job',
      owner: this,
      ownerShape: { apiVersion: 'batch/v1', kind: 'Job', name: this.name, uid: this.handle.uid },
      generateName: `${this.name}-`,
      labels,
      container: this.cron.template.container,
      restartPolicy: 'OnFailure',
      fate: 'healthy',
      troubles: { unschedulable: 0, mount: 0, sandbox: 0 },
    });
    this.pod = pod;
    this.cluster.register(pod);
    pod.writeCreate();
    this.cluster.event({
      component: this.cluster.components.job,
      involved: this.handle,
      type: 'Normal',
      reason: 'SuccessfulCreate',
      message: createdPodMessage(pod.name),
    });
  }

  #complete(): void {
    this.done = true;
    this.completedAt = this.cluster.now;
    this.pod?.complete();
    this.write('update');
    this.cluster.event({ component: this.cluster.components.job, involved: this.handle, type: 'Normal', reason: 'Completed', message: JOB_COMPLETED_MESSAGE });
    this.cron.jobCompleted(this);
  }

  /** Its pod is gone. */
  podGone(pod: PodActor): void {
    if (this.pod === pod && !this.done) this.pod = null;
    this.cluster.touch(this);
  }

  /** The Job is deleted. */
  destroy(): void {
    if (!this.alive) return;
    this.alive = false;
    this.cluster.remove(this.handle);
    this.cluster.touch(this);
  }
}
