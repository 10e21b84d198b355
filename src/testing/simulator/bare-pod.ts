/** Pods created directly by a client rather than a controller. */
import type { ClusterContext } from './cluster-context.ts';
import type { BarePodTemplate } from './workload-catalog.ts';
import { PodActor } from './pod-actor.ts';

/** A pod a client creates directly (a CI runner, a debug shell): scheduled, run, later deleted by its client. */
export function createBarePod(cluster: ClusterContext, namespace: string, template: BarePodTemplate, unschedulable: number): PodActor {
  const pod = new PodActor(cluster, {
    name: `${template.prefix}-${cluster.rng.token(5)}`,
    namespace,
    kind: 'bare',
    owner: null,
    labels: { 'app.kubernetes.io/name': template.prefix },
    container: template.container,
    restartPolicy: 'Never',
    fate: 'healthy',
    troubles: { unschedulable, mount: 0, sandbox: 0 },
  });
  cluster.register(pod);
  pod.writeCreate();
  return pod;
}
