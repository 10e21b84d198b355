/**
 * The scenarios of the simulated cluster, as actors whose lifecycles unfold one Event at a time:
 *
 * - a Deployment scales (`ScalingReplicaSet`), its ReplicaSet creates pods (`SuccessfulCreate`),
 *   each pod is scheduled (`Scheduled`, or `FailedScheduling` repeated), its image pulled
 *   (`Pulling` / `Pulled`), its container created and started (`Created`, `Started`);
 * - rollouts and scale-downs (`ScalingReplicaSet`, `SuccessfulDelete`, then the kubelet's `Killing`
 *   before the pod is deleted), pods deleted by a user or a cascade (`Killing`, replaced by the
 *   ReplicaSet);
 * - crash loops (`BackOff` repeated, the same Event's `count` bumped, with restarts re-emitting
 *   `Pulled` / `Created` / `Started`), image pull failures (`Pulling`, `Failed`, `BackOff` pulling,
 *   `Failed` ImagePullBackOff, repeated), failing readiness and liveness probes (`Unhealthy`
 *   repeated; `Killing` and a restart after three liveness failures), sandbox and volume failures
 *   (`FailedCreatePodSandBox`, `SandboxChanged`, `FailedMount`), quota-blocked ReplicaSets
 *   (`FailedCreate`);
 * - nodes going NotReady (`NodeNotReady` on the node and on each of its pods) and back
 *   (`NodeReady`);
 * - CronJobs starting Jobs (`SuccessfulCreate` "Created job"), Jobs creating their pod and
 *   completing (`SuccessfulCreate`, `Completed`), the CronJob noticing (`SawCompletedJob`) and
 *   trimming its history (`SuccessfulDelete` "Deleted job").
 *
 * Objects are created before any Event refers to them and deleted only after the last Event about
 * them (the kubelet's `Killing` comes before the pod's delete, as the kubelet stops the container
 * of a pod that is being deleted gracefully).
 */

export { createBarePod } from './bare-pod.ts';
export { CronJobActor } from './cron-job-actor.ts';
export { DeploymentActor } from './deployment-actor.ts';
export { JobActor } from './job-actor.ts';
export { NodeActor } from './node-actor.ts';
export { offer } from './offer.ts';
export { PodActor } from './pod-actor.ts';
export { chooseFate } from './pod-fate.ts';
export type { PodFate, PodKind, PodTroubles } from './pod-fate.ts';
export { ReplicaSetActor } from './replica-set-actor.ts';
