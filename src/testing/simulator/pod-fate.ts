/** What becomes of a new pod: its fate once running and the trouble it meets before. */
import type { ClusterContext } from './cluster-context.ts';
import type { ContainerShape } from './kube-objects.ts';
import type { PodActor } from './pod-actor.ts';

/** How a pod's containers behave once they run. */
export type PodFate = 'healthy' | 'crashloop' | 'readiness' | 'liveness' | 'imagepull';

/** Trouble a pod meets before its container starts; each count is how many failures it sees. */
export interface PodTroubles {
  unschedulable: number;
  mount: number;
  sandbox: number;
}

/** Which controller, if any, owns a pod. */
export type PodKind = 'replica' | 'job' | 'bare';


/**
 * Picks a new pod's fate and startup troubles. A dev cluster always has a few pods failing in each
 * way its mix shows (failing probes, crash loops, pulls, scheduling, volumes, sandboxes): those
 * failure modes are topped up first, then the rest is drawn at random.
 */
export function chooseFate(cluster: ClusterContext, kind: PodKind, container: ContainerShape): { fate: PodFate; troubles: PodTroubles } {
  const troubles: PodTroubles = { unschedulable: 0, mount: 0, sandbox: 0 };
  if (kind !== 'replica') return { fate: 'healthy', troubles };
  const rng = cluster.rng;
  const has = (reason: string): boolean => cluster.weight(reason) > 0;
  /** How many pods should be failing this way at any time: proportional to the reason's share. */
  const sources = (reason: string, per: number): number => (has(reason) ? Math.ceil(SOURCES_PER_SHARE * cluster.weight(reason) * per) : 0);
  const live = (test: (pod: PodActor) => boolean): number => cluster.countPods((pod) => pod.kind === 'replica' && pod.state !== 'terminating' && test(pod));

  const probe = container.probePath !== undefined;
  const allowed: PodFate[] = ['healthy'];
  if (has('BackOff') && has('Created') && has('Started')) allowed.push('crashloop');
  if (probe && has('Unhealthy')) allowed.push('readiness');
  if (probe && has('Unhealthy') && has('Killing')) allowed.push('liveness');
  if (has('Failed') && has('BackOff') && has('Pulling')) allowed.push('imagepull');

  let fate: PodFate;
  const probing = live((p) => p.fate === 'readiness' || p.fate === 'liveness');
  if (allowed.includes('readiness') && probing < sources('Unhealthy', 1)) {
    // Mostly liveness failures, whose restarts (Killing, Pulled, Created, Started) are what a dev cluster's probe noise looks like.
    fate = allowed.includes('liveness') && live((p) => p.fate === 'readiness') * 3 >= probing ? 'liveness' : 'readiness';
  } else if (allowed.includes('crashloop') && live((p) => p.fate === 'crashloop') < sources('BackOff', 0.5)) {
    fate = 'crashloop';
  } else if (allowed.includes('imagepull') && live((p) => p.fate === 'imagepull') < sources('Failed', 0.4)) {
    fate = 'imagepull';
  } else {
    const base: Record<PodFate, number> = { healthy: 90, crashloop: 3, readiness: 3, liveness: 2, imagepull: 2 };
    fate = rng.weighted(allowed, (f) => base[f]);
  }

  if (has('FailedScheduling')) {
    if (live((p) => p.troubles.unschedulable > 0) < sources('FailedScheduling', 0.5)) troubles.unschedulable = rng.geometric(10);
    else if (rng.chance(0.04)) troubles.unschedulable = rng.geometric(4);
  }
  if (container.configMap !== undefined && has('FailedMount')) {
    if (live((p) => p.troubles.mount > 0) < sources('FailedMount', 0.5)) troubles.mount = rng.geometric(5);
    else if (rng.chance(0.03)) troubles.mount = rng.geometric(3);
  }
  if (has('FailedCreatePodSandBox')) {
    const sandboxes = live((p) => p.troubles.sandbox > 0 || (p.sandboxFailed && !p.sandboxChanged));
    if (sandboxes < Math.max(sources('FailedCreatePodSandBox', 0.5), sources('SandboxChanged', 0.5))) troubles.sandbox = rng.geometric(1.5);
    else if (rng.chance(0.03)) troubles.sandbox = rng.geometric(1.5);
  }
  return { fate, troubles };
}

/** Failing pods kept per unit share of their reason (a 10 % reason keeps about 3 pods failing that way). */
const SOURCES_PER_SHARE = 30;
