/** The component names the simulated cluster's Events carry in `source.component` and `reportingComponent`. */

/**
 * Who records which Events. Each defaults to the name the real component registers its recorder
 * under (`record.EventSource{Component: …}`).
 */
export interface SimulatorComponents {
  /** Pod, container and node Events from the node agent. @default 'kubelet' */
  readonly kubelet: string;
  /** Scheduled / FailedScheduling. @default 'default-scheduler' */
  readonly scheduler: string;
  /** SuccessfulCreate / SuccessfulDelete / FailedCreate on ReplicaSets. @default 'replicaset-controller' */
  readonly replicaSet: string;
  /** ScalingReplicaSet on Deployments. @default 'deployment-controller' */
  readonly deployment: string;
  /** NodeNotReady on nodes and their pods. @default 'node-controller' */
  readonly node: string;
  /** SuccessfulCreate / Completed on Jobs. @default 'job-controller' */
  readonly job: string;
  /** SuccessfulCreate / SawCompletedJob / SuccessfulDelete on CronJobs. @default 'cronjob-controller' */
  readonly cronJob: string;
}

/** The real components' names. */
export const DEFAULT_COMPONENTS: SimulatorComponents = {
  kubelet: 'kubelet',
  scheduler: 'default-scheduler',
  replicaSet: 'replicaset-controller',
  deployment: 'deployment-controller',
  node: 'node-controller',
  job: 'job-controller',
  cronJob: 'cronjob-controller',
};
