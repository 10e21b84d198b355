/** A CronJob as the cronjob-controller drives it. */
import { Actor } from './cluster-context.ts';
import type { ClusterContext, ObjectHandle, Offer } from './cluster-context.ts';
import { createdJobMessage, deletedJobMessage, sawCompletedJobMessage } from './event-messages.ts';
import { cronJobObject } from './kube-objects.ts';
import type { CronJobTemplate } from './workload-catalog.ts';
import { JobActor } from './job-actor.ts';
import { offer } from './offer.ts';

/** Jobs a CronJob runs at once. */
const MAX_ACTIVE_JOBS = 3;

/** A CronJob: starts Jobs, notices they completed, trims its history. */
export class CronJobActor extends Actor {
  readonly cluster: ClusterContext;
  readonly handle: ObjectHandle;
  readonly template: CronJobTemplate;
  /** Jobs running (concurrencyPolicy Allow, at most {@link MAX_ACTIVE_JOBS}). */
  readonly active: JobActor[] = [];
  /** Jobs completed that the controller has not yet noticed. */
  readonly finished: JobActor[] = [];
  readonly history: JobActor[] = [];
  #lastMinute = 0;
  lastScheduleTime: number | undefined;
  lastSuccessfulTime: number | undefined;

  /**
   * @param cluster - The simulated cluster.
   * @param namespace - Its namespace.
   * @param template - What it runs.
   */
  constructor(cluster: ClusterContext, namespace: string, template: CronJobTemplate) {
    super();
    this.cluster = cluster;
    this.template = template;
    this.handle = cluster.handle('cronjobs', 'CronJob', 'batch/v1', namespace, template.name);
  }

  /** The CronJob's name. */
  get name(): string {
    return this.handle.name;
  }

  /** Renders and plans the CronJob's create or update. */
  write(verb: 'create' | 'update'): void {
    const active = this.active.map((job) => ({ name: job.name, uid: job.handle.uid }));
    const object = cronJobObject({
      name: this.name,
      namespace: this.handle.namespace,
      uid: this.handle.uid,
      schedule: this.template.schedule,
      container: this.template.container,
      active,
      ...(this.lastScheduleTime === undefined ? {} : { lastScheduleTime: this.lastScheduleTime }),
      ...(this.lastSuccessfulTime === undefined ? {} : { lastSuccessfulTime: this.lastSuccessfulTime }),
    });
    if (verb === 'create') this.cluster.create(this.handle, object);
    else this.cluster.update(this.handle, object);
  }

  override offers(): Offer[] {
    const out: Offer[] = [];
    if (this.finished.length > 0) out.push(offer('SawCompletedJob', 'next', ['SuccessfulDelete'], () => { this.#sawCompleted(); }));
    const { pods, highWater } = this.cluster.population();
    if (this.active.length + this.finished.length < MAX_ACTIVE_JOBS && pods < highWater) {
      out.push(offer('SuccessfulCreate', 'optional', ['SuccessfulCreate', 'Scheduled', 'Pulled', 'Created', 'Started', 'Completed', 'SawCompletedJob'], () => { this.#startJob(); }));
    }
    if (this.history.length > 3) out.push(offer('SuccessfulDelete', 'optional', [], () => { this.deleteOldest(true); }));
    return out;
  }

  #startJob(): void {
    const minute = Math.max(Math.floor(this.cluster.now / 60_000), this.#lastMinute + 1);
    this.#lastMinute = minute;
    const job = new JobActor(this.cluster, this, `${this.name}-${minute}`, minute * 60_000);
    this.active.push(job);
    this.lastScheduleTime = minute * 60_000;
    job.write('create');
    this.cluster.register(job);
    this.cluster.event({
      component: this.cluster.components.cronJob,
      involved: this.handle,
      type: 'Normal',
      reason: 'SuccessfulCreate',
      message: createdJobMessage(job.name),
    });
    this.write('update');
  }

  /** Its Job completed (called by the Job). */
  jobCompleted(job: JobActor): void {
    const at = this.active.indexOf(job);
    if (at >= 0) this.active.splice(at, 1);
    this.finished.push(job);
    this.cluster.touch(this);
  }


  #sawCompleted(): void {
    const job = this.finished.shift();
    if (job === undefined) throw new Error(`internal: ${this.name} saw no completed job`);
    this.history.push(job);
    this.lastSuccessfulTime = job.completedAt ?? this.cluster.now;
    this.write('update');
    this.cluster.event({
      component: this.cluster.components.cronJob,
      involved: this.handle,
      type: 'Normal',
      reason: 'SawCompletedJob',
      message: sawCompletedJobMessage(job.name, 'Complete'),
    });
  }

  /** Deletes the oldest finished Job (successfulJobsHistoryLimit), its pod following by garbage collection. */
  deleteOldest(withEvent: boolean): void {
    const job = this.history.shift();
    if (job === undefined) return;
    job.destroy();
    if (withEvent) {
      this.cluster.event({
        component: this.cluster.components.cronJob,
        involved: this.handle,
        type: 'Normal',
        reason: 'SuccessfulDelete',
        message: deletedJobMessage(job.name),
      });
    }
    job.pod?.destroy();
    this.cluster.touch(this);
  }
}
