/**
 * The Event reason mixes the workload simulator reproduces.
 *
 * Source: the two clusters measured in the KubeCon 2019 talk on exporting Kubernetes Events
 * (opsgenie's kubernetes-event-exporter, compared with heptio's eventrouter), which showed the
 * share of each `reason` among all the Events a production ("stable") and a development ("dev")
 * cluster emitted. The figures marked `talk` below are the ones we have from that talk:
 *
 * - stable: SuccessfulCreate 21 %, Started / Scheduled / Created / Pulled ≈ 18 % each,
 *   SawCompletedJob 4.7 %.
 * - dev: Unhealthy 11 %, BackOff 8 %, Pulling / Pulled / Created / Started ≈ 7.8 % each,
 *   Killing 5.8 %, FailedScheduling 5.5 %, FailedCreatePodSandBox 1.2 %.
 *
 * We could not retrieve the slides themselves to check the long tail, so every figure marked
 * `simulator` is ours: the remainder of each table filled with reasons real clusters emit, sized so
 * the table is consistent with how the components chain them. Every started container was
 * scheduled, pulled and created; every pod a controller creates costs a `SuccessfulCreate`; a
 * CronJob run costs a `Created job`, a `Created pod`, a `Job completed` and a `Saw completed job`.
 * With the talk's dev figures (Killing 5.8 % against Started 7.8 %) that leaves little room for
 * restarts and Jobs, so the rest of the dev table goes to the repeated warnings that fill real dev
 * clusters without new pods: `DNSConfigForming` (a node's resolv.conf with too many nameservers)
 * and `ImageGCFailed` (a node short of disk). Each table sums to exactly 100.
 *
 * Counting follows the talk (and any exporter watching the cluster): every Event write counts, the
 * `create` of a new Event and each `update` that bumps a repeated Event's `count`.
 */

/** The reason mix a simulator reproduces: a production-like `stable` cluster or a busy `dev` cluster. */
export type SimulatorProfile = 'stable' | 'dev';

/** One row of a reason mix. */
export interface ReasonShare {
  /** The Event `reason`, as the emitting component spells it. */
  readonly reason: string;
  /** Its share of all Event writes, in percent. */
  readonly percent: number;
  /** `talk` when the figure is from the KubeCon 2019 measurements, `simulator` when it is ours. */
  readonly source: 'talk' | 'simulator';
}

/** The `stable` profile: a production cluster where most churn is CronJobs and pod replacement. */
export const STABLE_REASON_MIX: readonly ReasonShare[] = [
  { reason: 'SuccessfulCreate', percent: 21, source: 'talk' },
  { reason: 'Scheduled', percent: 18, source: 'talk' },
  { reason: 'Pulled', percent: 18, source: 'talk' },
  { reason: 'Created', percent: 18, source: 'talk' },
  { reason: 'Started', percent: 18, source: 'talk' },
  { reason: 'SawCompletedJob', percent: 4.7, source: 'talk' },
  { reason: 'ScalingReplicaSet', percent: 0.8, source: 'simulator' },
  { reason: 'SuccessfulDelete', percent: 0.8, source: 'simulator' },
  { reason: 'Killing', percent: 0.7, source: 'simulator' },
];

/** The `dev` profile: a development cluster full of failing probes, crash loops and redeploys. */
export const DEV_REASON_MIX: readonly ReasonShare[] = [
  { reason: 'Unhealthy', percent: 11, source: 'talk' },
  { reason: 'BackOff', percent: 8, source: 'talk' },
  { reason: 'Pulling', percent: 7.8, source: 'talk' },
  { reason: 'Pulled', percent: 7.8, source: 'talk' },
  { reason: 'Created', percent: 7.8, source: 'talk' },
  { reason: 'Started', percent: 7.8, source: 'talk' },
  { reason: 'Killing', percent: 5.8, source: 'talk' },
  { reason: 'FailedScheduling', percent: 5.5, source: 'talk' },
  { reason: 'FailedCreatePodSandBox', percent: 1.2, source: 'talk' },
  { reason: 'SuccessfulCreate', percent: 6.7, source: 'simulator' },
  { reason: 'Scheduled', percent: 6.3, source: 'simulator' },
  { reason: 'Failed', percent: 5, source: 'simulator' },
  { reason: 'DNSConfigForming', percent: 4.2, source: 'simulator' },
  { reason: 'ScalingReplicaSet', percent: 2.5, source: 'simulator' },
  { reason: 'SuccessfulDelete', percent: 2, source: 'simulator' },
  { reason: 'ImageGCFailed', percent: 2.9, source: 'simulator' },
  { reason: 'FailedMount', percent: 2, source: 'simulator' },
  { reason: 'FailedCreate', percent: 1.6, source: 'simulator' },
  { reason: 'NodeNotReady', percent: 0.9, source: 'simulator' },
  { reason: 'SandboxChanged', percent: 1, source: 'simulator' },
  { reason: 'SawCompletedJob', percent: 0.8, source: 'simulator' },
  { reason: 'Completed', percent: 0.8, source: 'simulator' },
  { reason: 'NodeReady', percent: 0.6, source: 'simulator' },
];

/**
 * The reason mix of a profile as fractions (summing to 1), keyed by reason.
 *
 * @example
 * ```ts
 * import { reasonMix } from 'kube-events/testing';
 *
 * reasonMix('stable').get('SuccessfulCreate'); // 0.21
 * ```
 */
export function reasonMix(profile: SimulatorProfile): ReadonlyMap<string, number> {
  const table = profile === 'stable' ? STABLE_REASON_MIX : DEV_REASON_MIX;
  return new Map(table.map((row) => [row.reason, row.percent / 100]));
}
