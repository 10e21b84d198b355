/**
 * The exact Event messages Kubernetes components write, one builder per message, with the upstream
 * file each follows (kubernetes/kubernetes around v1.31–v1.32 unless noted).
 */

/** Go's `time.Duration.String()` for a whole number of milliseconds: `313ms`, `1.661s`, `1m2.5s`. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = trimZeros(((ms % 60_000) / 1000).toFixed(3));
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}

function trimZeros(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

/** pkg/scheduler/schedule_one.go: `Successfully assigned %v/%v to %v`. */
export function scheduledMessage(namespace: string, pod: string, node: string): string {
  return `Successfully assigned ${namespace}/${pod} to ${node}`;
}

/** What keeps a pod unschedulable, as the scheduler's FitError lists it. */
export type UnschedulableCause = 'cpu' | 'memory' | 'affinity';

/**
 * pkg/scheduler/framework/types.go (FitError.Error): `0/%v nodes are available: %v.` with the
 * per-reason node counts, e.g. `0/42 nodes are available: 42 Insufficient cpu.`
 */
export function failedSchedulingMessage(nodes: number, cause: UnschedulableCause): string {
  const reason =
    cause === 'cpu' ? 'Insufficient cpu' : cause === 'memory' ? 'Insufficient memory' : "node(s) didn't match Pod's node affinity/selector";
  return `0/${nodes} nodes are available: ${nodes} ${reason}.`;
}

/** pkg/kubelet/images/image_manager.go: `Pulling image %q`. */
export function pullingMessage(image: string): string {
  return `Pulling image ${JSON.stringify(image)}`;
}

/** pkg/kubelet/images/image_manager.go: `Container image %q already present on machine`. */
export function alreadyPresentMessage(image: string): string {
  return `Container image ${JSON.stringify(image)} already present on machine`;
}

/** pkg/kubelet/images/image_manager.go (v1.30+): `Successfully pulled image %q in %v (%v including waiting). Image size: %v bytes.` */
export function pulledMessage(image: string, pullMs: number, waitMs: number, sizeBytes: number): string {
  return `Successfully pulled image ${JSON.stringify(image)} in ${goDuration(pullMs)} (${goDuration(waitMs)} including waiting). Image size: ${sizeBytes} bytes.`;
}

/** pkg/kubelet/images/image_manager.go: `Failed to pull image %q: %v`. */
export function failedPullMessage(image: string, error: string): string {
  return `Failed to pull image ${JSON.stringify(image)}: ${error}`;
}

/** The error containerd reports for a private image pulled without credentials. */
export function unauthorizedPullError(image: string): string {
  const ref = fullyQualified(image);
  const slash = ref.indexOf('/');
  const colon = ref.lastIndexOf(':');
  const host = ref.slice(0, slash);
  const repo = ref.slice(slash + 1, colon);
  const tag = ref.slice(colon + 1);
  return (
    `rpc error: code = Unknown desc = failed to pull and unpack image ${JSON.stringify(ref)}: failed to resolve reference ${JSON.stringify(ref)}: ` +
    `unexpected status from HEAD request to https://${host}/v2/${repo}/manifests/${tag}: 401 Unauthorized`
  );
}

/** Docker's normalisation: `nginx:1.25` → `docker.io/library/nginx:1.25`. */
export function fullyQualified(image: string): string {
  const first = image.split('/')[0] ?? '';
  const hasHost = image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasHost) return image;
  return image.includes('/') ? `docker.io/${image}` : `docker.io/library/${image}`;
}

/** pkg/kubelet/kuberuntime/kuberuntime_manager.go: `Error: %v` with the waiting reason (`ErrImagePull`, `ImagePullBackOff`). */
export function errorMessage(waitingReason: string): string {
  return `Error: ${waitingReason}`;
}

/** pkg/kubelet/images/image_manager.go: `Back-off pulling image %q`. */
export function backOffPullMessage(image: string): string {
  return `Back-off pulling image ${JSON.stringify(image)}`;
}

/** pkg/kubelet/kuberuntime/kuberuntime_container.go (v1.32): `Created container: %v`. */
export function createdMessage(container: string): string {
  return `Created container: ${container}`;
}

/** pkg/kubelet/kuberuntime/kuberuntime_container.go: `Started container %v`. */
export function startedMessage(container: string): string {
  return `Started container ${container}`;
}

/** pkg/kubelet/kuberuntime/kuberuntime_container.go (killContainer): `Stopping container %v`. */
export function stoppingMessage(container: string): string {
  return `Stopping container ${container}`;
}

/** pkg/kubelet/kuberuntime/kuberuntime_manager.go (computePodActions): `Container %s failed liveness probe, will be restarted`. */
export function livenessRestartMessage(container: string): string {
  return `Container ${container} failed liveness probe, will be restarted`;
}

/**
 * pkg/kubelet/kuberuntime/kuberuntime_manager.go (doBackOff): `Back-off restarting failed container
 * %s in pod %s`, the pod formatted by pkg/kubelet/util/format as `name_namespace(uid)`.
 */
export function backOffRestartMessage(container: string, pod: string, namespace: string, uid: string): string {
  return `Back-off restarting failed container ${container} in pod ${pod}_${namespace}(${uid})`;
}

/** A probe failure as pkg/kubelet/prober/prober.go words it: `%s probe failed: %s`. */
export function probeFailedMessage(probe: 'Readiness' | 'Liveness', output: string): string {
  return `${probe} probe failed: ${output}`;
}

/** pkg/kubelet/kuberuntime/kuberuntime_manager.go (createPodSandbox failure): `Failed to create pod sandbox: %v`. */
export function failedSandboxMessage(error: string): string {
  return `Failed to create pod sandbox: ${error}`;
}

/** pkg/kubelet/kuberuntime/kuberuntime_manager.go: `Pod sandbox changed, it will be killed and re-created.` */
export const SANDBOX_CHANGED_MESSAGE = 'Pod sandbox changed, it will be killed and re-created.';

/** pkg/kubelet/volumemanager (operation_generator.go): `MountVolume.SetUp failed for volume %q : %v`. */
export function failedMountMessage(volume: string, error: string): string {
  return `MountVolume.SetUp failed for volume ${JSON.stringify(volume)} : ${error}`;
}

/** pkg/controller/util/node/controller_utils.go (RecordNodeStatusChange) and the kubelet's node status events: `Node %s status is now: %s`. */
export function nodeStatusMessage(node: string, status: string): string {
  return `Node ${node} status is now: ${status}`;
}

/** pkg/controller/util/node/controller_utils.go (MarkPodsNotReady): `Node is not ready`. */
export const POD_NODE_NOT_READY_MESSAGE = 'Node is not ready';

/** pkg/controller/deployment/sync.go (v1.28+): `Scaled %s replica set %s to %d from %d`. */
export function scalingReplicaSetMessage(direction: 'up' | 'down', replicaSet: string, to: number, from: number): string {
  return `Scaled ${direction} replica set ${replicaSet} to ${to} from ${from}`;
}

/** pkg/controller/controller_utils.go (RealPodControl): `Created pod: %v`. */
export function createdPodMessage(pod: string): string {
  return `Created pod: ${pod}`;
}

/** pkg/controller/controller_utils.go (RealPodControl): `Deleted pod: %v`. */
export function deletedPodMessage(pod: string): string {
  return `Deleted pod: ${pod}`;
}

/**
 * pkg/controller/controller_utils.go (`Error creating: %v`) wrapping the ResourceQuota admission
 * error, which names the pod by its generateName prefix.
 */
export function quotaExceededMessage(generateName: string, requested: string, used: string, limit: string): string {
  return (
    `Error creating: pods ${JSON.stringify(generateName)} is forbidden: exceeded quota: compute-resources, ` +
    `requested: requests.cpu=${requested}, used: requests.cpu=${used}, limited: requests.cpu=${limit}`
  );
}

/** pkg/controller/job/job_controller.go: `Job completed`. */
export const JOB_COMPLETED_MESSAGE = 'Job completed';

/** pkg/controller/cronjob/cronjob_controllerv2.go: `Created job %v`. */
export function createdJobMessage(job: string): string {
  return `Created job ${job}`;
}

/** pkg/controller/cronjob/cronjob_controllerv2.go: `Saw completed job: %s, status: %v`. */
export function sawCompletedJobMessage(job: string, status: 'Complete' | 'Failed'): string {
  return `Saw completed job: ${job}, status: ${status}`;
}

/** pkg/controller/cronjob/cronjob_controllerv2.go (deleteJob): `Deleted job %v`. */
export function deletedJobMessage(job: string): string {
  return `Deleted job ${job}`;
}

/** pkg/kubelet/network/dns/dns.go: `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: %s`. */
export function nameserverLimitMessage(nameservers: readonly string[]): string {
  return `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${nameservers.join(' ')}`;
}

/** pkg/kubelet/images/image_gc_manager.go: `Failed to garbage collect required amount of images. Attempted to free %d bytes, but only found %d bytes eligible to free.` */
export function imageGCFailedMessage(toFree: number, eligible: number): string {
  return `Failed to garbage collect required amount of images. Attempted to free ${toFree} bytes, but only found ${eligible} bytes eligible to free.`;
}
