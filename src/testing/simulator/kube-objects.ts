/**
 * Builders for the complete core/v1, apps/v1 and batch/v1 objects the simulator writes. Each builder
 * renders an object from a small plain description, so an update is simply "describe, render,
 * write". Shapes follow what a v1.31 cluster returns for `kubectl get -o json`, minus what the API
 * server assigns (`resourceVersion`, `creationTimestamp`, `generation`, `managedFields`).
 */
import type { JsonObject } from '../json.ts';
import { fullyQualified } from './event-messages.ts';
import { rfc3339 } from './kube-time.ts';

/** An owner reference, as controllers set it (`controller: true`, `blockOwnerDeletion: true`). */
export interface OwnerShape {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
}

/** The one container of a simulated workload. */
export interface ContainerShape {
  readonly name: string;
  readonly image: string;
  readonly port: number;
  readonly cpu: string;
  readonly memory: string;
  readonly imagePullPolicy: 'Always' | 'IfNotPresent';
  /** HTTP path of the readiness and liveness probes; none when absent. */
  readonly probePath?: string;
  /** A ConfigMap mounted at /etc/config as volume `config`; none when absent. */
  readonly configMap?: string;
  readonly command?: readonly string[];
}

function ownerReferences(owner: OwnerShape): JsonObject[] {
  return [{ apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: owner.uid, controller: true, blockOwnerDeletion: true }];
}

function containerSpec(c: ContainerShape, tokenVolume: string | undefined): JsonObject {
  const spec: JsonObject = { name: c.name, image: c.image };
  if (c.command !== undefined) spec.command = [...c.command];
  if (c.port > 0) spec.ports = [{ containerPort: c.port, name: 'http', protocol: 'TCP' }];
  spec.resources = { limits: { memory: c.memory }, requests: { cpu: c.cpu, memory: c.memory } };
  if (c.probePath !== undefined) {
    const probe = (initialDelaySeconds: number): JsonObject => ({
      httpGet: { path: c.probePath ?? '/', port: c.port, scheme: 'HTTP' },
      initialDelaySeconds,
      periodSeconds: 10,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    });
    spec.livenessProbe = probe(15);
    spec.readinessProbe = probe(5);
  }
  const mounts: JsonObject[] = [];
  if (c.configMap !== undefined) mounts.push({ name: 'config', mountPath: '/etc/config', readOnly: true });
  if (tokenVolume !== undefined) mounts.push({ name: tokenVolume, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true });
  if (mounts.length > 0) spec.volumeMounts = mounts;
  spec.terminationMessagePath = '/dev/termination-log';
  spec.terminationMessagePolicy = 'File';
  spec.imagePullPolicy = c.imagePullPolicy;
  return spec;
}

/** The pod spec of a template (no service-account token volume: admission adds that to pods). */
function podSpec(c: ContainerShape, restartPolicy: string, tokenVolume: string | undefined): JsonObject {
  const volumes: JsonObject[] = [];
  if (c.configMap !== undefined) volumes.push({ name: 'config', configMap: { name: c.configMap, defaultMode: 420 } });
  if (tokenVolume !== undefined) {
    volumes.push({
      name: tokenVolume,
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    });
  }
  const spec: JsonObject = {
    containers: [containerSpec(c, tokenVolume)],
    restartPolicy,
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    securityContext: {},
    schedulerName: 'default-scheduler',
  };
  if (volumes.length > 0) spec.volumes = volumes;
  return spec;
}

/** A core/v1 Namespace. */
export function namespaceObject(name: string, uid: string): JsonObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, uid, labels: { 'kubernetes.io/metadata.name': name } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

/** What distinguishes one simulated node from another. */
export interface NodeShape {
  readonly name: string;
  readonly uid: string;
  readonly internalIP: string;
  readonly podCIDR: string;
  readonly zone: string;
  readonly bootID: string;
  readonly machineID: string;
  readonly systemUUID: string;
  /** `null` while ready; when the node stopped reporting (ms since epoch) otherwise. */
  readonly notReadySince: number | null;
  /** When the node last became ready. */
  readonly readySince: number;
  /** Fully qualified image names present on the node. */
  readonly images: readonly string[];
}

/** A core/v1 Node, `Ready` or, once the node-controller has given up on it, `Unknown` with the unreachable taints. */
export function nodeObject(node: NodeShape, now: number): JsonObject {
  const nowTime = rfc3339(now);
  const ready = node.notReadySince === null;
  const since = rfc3339(node.readySince);
  const lost = node.notReadySince === null ? nowTime : rfc3339(node.notReadySince);
  const pressure = (type: string, reason: string, message: string): JsonObject =>
    ready
      ? { type, status: 'False', lastHeartbeatTime: nowTime, lastTransitionTime: since, reason, message }
      : { type, status: 'Unknown', lastHeartbeatTime: lost, lastTransitionTime: lost, reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' };
  const spec: JsonObject = { podCIDR: node.podCIDR, podCIDRs: [node.podCIDR], providerID: `gce://sim-project/${node.zone}/${node.name}` };
  if (!ready) {
    spec.taints = [
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: lost },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: lost },
    ];
  }
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      uid: node.uid,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/instance-type': 'e2-standard-4',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'e2-standard-4',
        'topology.kubernetes.io/region': node.zone.slice(0, node.zone.lastIndexOf('-')),
        'topology.kubernetes.io/zone': node.zone,
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec,
    status: {
      capacity: { cpu: '4', 'ephemeral-storage': '101430960Ki', 'hugepages-2Mi': '0', memory: '16365152Ki', pods: '110' },
      allocatable: { cpu: '3920m', 'ephemeral-storage': '47093746742', 'hugepages-2Mi': '0', memory: '13626976Ki', pods: '110' },
      conditions: [
        pressure('MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        pressure('DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        pressure('PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        ready
          ? { type: 'Ready', status: 'True', lastHeartbeatTime: nowTime, lastTransitionTime: since, reason: 'KubeletReady', message: 'kubelet is posting ready status' }
          : { type: 'Ready', status: 'Unknown', lastHeartbeatTime: lost, lastTransitionTime: lost, reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' },
      ],
      addresses: [
        { type: 'InternalIP', address: node.internalIP },
        { type: 'Hostname', address: node.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: node.machineID,
        systemUUID: node.systemUUID,
        bootID: node.bootID,
        kernelVersion: '6.1.0-28-cloud-amd64',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        containerRuntimeVersion: 'containerd://1.7.24',
        kubeletVersion: 'v1.31.4',
        kubeProxyVersion: 'v1.31.4',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
      images: node.images.map((image) => ({ names: [image, `${repoOf(image)}@sha256:${digestOf(image)}`], sizeBytes: imageSize(image) })),
    },
  };
}

/** What the deployment-controller and a user have made of a Deployment. */
export interface DeploymentShape {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly replicas: number;
  readonly revision: number;
  readonly container: ContainerShape;
  /** Pods that exist / are ready, across all of the Deployment's ReplicaSets. */
  readonly statusReplicas: number;
  readonly readyReplicas: number;
  readonly updatedReplicas: number;
  readonly since: number;
}

/** An apps/v1 Deployment with a RollingUpdate strategy. */
export function deploymentObject(d: DeploymentShape, now: number): JsonObject {
  const time = rfc3339(d.since);
  const status: JsonObject = { replicas: d.statusReplicas, updatedReplicas: d.updatedReplicas };
  if (d.readyReplicas > 0) {
    status.readyReplicas = d.readyReplicas;
    status.availableReplicas = d.readyReplicas;
  }
  const unavailable = d.statusReplicas - d.readyReplicas;
  if (unavailable > 0) status.unavailableReplicas = unavailable;
  const available = d.readyReplicas >= Math.max(1, d.replicas - Math.floor(d.replicas / 4));
  status.conditions = [
    {
      type: 'Available',
      status: available ? 'True' : 'False',
      lastUpdateTime: rfc3339(now),
      lastTransitionTime: time,
      reason: available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
      message: available ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.',
    },
    {
      type: 'Progressing',
      status: 'True',
      lastUpdateTime: rfc3339(now),
      lastTransitionTime: time,
      reason: 'NewReplicaSetAvailable',
      message: `ReplicaSet "${d.name}" has successfully progressed.`,
    },
  ];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: d.name,
      namespace: d.namespace,
      uid: d.uid,
      labels: { app: d.name },
      annotations: { 'deployment.kubernetes.io/revision': String(d.revision) },
    },
    spec: {
      replicas: d.replicas,
      selector: { matchLabels: { app: d.name } },
      template: { metadata: { labels: { app: d.name } }, spec: podSpec(d.container, 'Always', undefined) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status,
  };
}

/** A ReplicaSet of a Deployment. */
export interface ReplicaSetShape {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly app: string;
  readonly hash: string;
  readonly replicas: number;
  readonly deploymentReplicas: number;
  readonly revision: number;
  readonly owner: OwnerShape;
  readonly container: ContainerShape;
  readonly statusReplicas: number;
  readonly readyReplicas: number;
}

/** An apps/v1 ReplicaSet owned by its Deployment. */
export function replicaSetObject(rs: ReplicaSetShape): JsonObject {
  const labels = { app: rs.app, 'pod-template-hash': rs.hash };
  const status: JsonObject = { replicas: rs.statusReplicas, fullyLabeledReplicas: rs.statusReplicas, observedGeneration: 1 };
  if (rs.readyReplicas > 0) {
    status.readyReplicas = rs.readyReplicas;
    status.availableReplicas = rs.readyReplicas;
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: rs.name,
      namespace: rs.namespace,
      uid: rs.uid,
      labels,
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(rs.deploymentReplicas),
        'deployment.kubernetes.io/max-replicas': String(rs.deploymentReplicas + Math.ceil(rs.deploymentReplicas / 4)),
        'deployment.kubernetes.io/revision': String(rs.revision),
      },
      ownerReferences: ownerReferences(rs.owner),
    },
    spec: {
      replicas: rs.replicas,
      selector: { matchLabels: { ...labels } },
      template: { metadata: { labels: { ...labels } }, spec: podSpec(rs.container, 'Always', undefined) },
    },
    status,
  };
}

/** The state of a pod's one container, as the kubelet reports it. */
export type ContainerStateShape =
  | { readonly state: 'waiting'; readonly reason: string; readonly message?: string }
  | { readonly state: 'running'; readonly startedAt: number }
  | { readonly state: 'terminated'; readonly reason: string; readonly exitCode: number; readonly startedAt: number; readonly finishedAt: number };

/** A pod, from creation through scheduling, running, crash loops and completion. */
export interface PodShape {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly generateName?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly owner?: OwnerShape;
  readonly container: ContainerShape;
  readonly restartPolicy: 'Always' | 'OnFailure' | 'Never';
  readonly tokenVolume: string;
  readonly createdAt: number;
  readonly nodeName?: string;
  readonly hostIP?: string;
  readonly podIP?: string;
  readonly phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  readonly scheduledAt?: number;
  /** The scheduler's last failure, while the pod is unschedulable. */
  readonly unschedulable?: { readonly at: number; readonly message: string };
  /** What the kubelet last reported for the container; absent until the kubelet has seen the pod. */
  readonly containerState?: ContainerStateShape;
  readonly lastTerminated?: { readonly reason: string; readonly exitCode: number; readonly startedAt: number; readonly finishedAt: number; readonly containerID: string };
  readonly containerID?: string;
  readonly ready: boolean;
  readonly readyChangedAt: number;
  readonly restartCount: number;
}

function condition(type: string, status: boolean, at: number, reason?: string, message?: string): JsonObject {
  const c: JsonObject = { type, status: status ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: rfc3339(at) };
  if (reason !== undefined) c.reason = reason;
  if (message !== undefined) c.message = message;
  return c;
}

function stateObject(s: ContainerStateShape, containerID: string | undefined): JsonObject {
  switch (s.state) {
    case 'waiting':
      return { waiting: s.message === undefined ? { reason: s.reason } : { reason: s.reason, message: s.message } };
    case 'running':
      return { running: { startedAt: rfc3339(s.startedAt) } };
    case 'terminated': {
      const t: JsonObject = { exitCode: s.exitCode, reason: s.reason, startedAt: rfc3339(s.startedAt), finishedAt: rfc3339(s.finishedAt) };
      if (containerID !== undefined) t.containerID = `containerd://${containerID}`;
      return { terminated: t };
    }
  }
}

/** A core/v1 Pod, with the status the scheduler and kubelet would have reported so far. */
export function podObject(p: PodShape): JsonObject {
  const metadata: JsonObject = { name: p.name };
  if (p.generateName !== undefined) metadata.generateName = p.generateName;
  metadata.namespace = p.namespace;
  metadata.uid = p.uid;
  metadata.labels = { ...p.labels };
  if (p.owner !== undefined) metadata.ownerReferences = ownerReferences(p.owner);

  const spec = podSpec(p.container, p.restartPolicy, p.tokenVolume);
  spec.serviceAccountName = 'default';
  spec.serviceAccount = 'default';
  if (p.nodeName !== undefined) spec.nodeName = p.nodeName;
  spec.enableServiceLinks = true;
  spec.preemptionPolicy = 'PreemptLowerPriority';
  spec.priority = 0;
  spec.tolerations = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ];

  const status: JsonObject = { phase: p.phase };
  const conditions: JsonObject[] = [];
  if (p.scheduledAt === undefined) {
    if (p.unschedulable !== undefined) conditions.push(condition('PodScheduled', false, p.unschedulable.at, 'Unschedulable', p.unschedulable.message));
  } else if (p.containerState === undefined) {
    conditions.push(condition('PodScheduled', true, p.scheduledAt));
  } else {
    const done = p.phase === 'Succeeded' || p.phase === 'Failed';
    const sandboxReady = !done && p.podIP !== undefined;
    conditions.push(condition('PodReadyToStartContainers', sandboxReady, p.readyChangedAt));
    conditions.push(condition('Initialized', true, p.scheduledAt));
    const notReady = done ? 'PodCompleted' : 'ContainersNotReady';
    const notReadyMessage = done ? undefined : `containers with unready status: [${p.container.name}]`;
    conditions.push(p.ready ? condition('Ready', true, p.readyChangedAt) : condition('Ready', false, p.readyChangedAt, notReady, notReadyMessage));
    conditions.push(
      p.ready ? condition('ContainersReady', true, p.readyChangedAt) : condition('ContainersReady', false, p.readyChangedAt, notReady, notReadyMessage),
    );
    conditions.push(condition('PodScheduled', true, p.scheduledAt));
  }
  if (conditions.length > 0) status.conditions = conditions;
  if (p.hostIP !== undefined) {
    status.hostIP = p.hostIP;
    status.hostIPs = [{ ip: p.hostIP }];
  }
  if (p.podIP !== undefined && p.containerState !== undefined) {
    status.podIP = p.podIP;
    status.podIPs = [{ ip: p.podIP }];
  }
  if (p.containerState !== undefined && p.scheduledAt !== undefined) {
    status.startTime = rfc3339(p.scheduledAt);
    const image = p.container.image;
    const known = p.containerID !== undefined;
    const cs: JsonObject = {
      name: p.container.name,
      state: stateObject(p.containerState, p.containerID),
      lastState: p.lastTerminated === undefined ? {} : stateObject({ state: 'terminated', ...p.lastTerminated }, p.lastTerminated.containerID),
      ready: p.ready,
      restartCount: p.restartCount,
      image: known ? fullyQualified(image) : image,
      imageID: known ? `${repoOf(fullyQualified(image))}@sha256:${digestOf(fullyQualified(image))}` : '',
    };
    if (known) cs.containerID = `containerd://${p.containerID ?? ''}`;
    cs.started = p.containerState.state === 'running';
    status.containerStatuses = [cs];
  }
  status.qosClass = 'Burstable';
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec, status };
}

/** A Job started by a CronJob. */
export interface JobShape {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly owner: OwnerShape;
  readonly container: ContainerShape;
  readonly scheduledAt: number;
  readonly startedAt: number;
  /** When it completed; absent while active. */
  readonly completedAt?: number;
}

function jobLabels(job: { readonly name: string; readonly uid: string }): Record<string, string> {
  return {
    'batch.kubernetes.io/controller-uid': job.uid,
    'batch.kubernetes.io/job-name': job.name,
    'controller-uid': job.uid,
    'job-name': job.name,
  };
}

/** The labels the job-controller puts on a Job's pods. */
export function jobPodLabels(job: { readonly name: string; readonly uid: string }): Record<string, string> {
  return jobLabels(job);
}

/** A batch/v1 Job owned by its CronJob. */
export function jobObject(j: JobShape): JsonObject {
  const labels = jobLabels(j);
  const status: JsonObject = { startTime: rfc3339(j.startedAt) };
  if (j.completedAt === undefined) {
    status.active = 1;
    status.ready = 0;
  } else {
    const at = rfc3339(j.completedAt);
    status.completionTime = at;
    status.succeeded = 1;
    status.ready = 0;
    status.conditions = [
      { type: 'SuccessCriteriaMet', status: 'True', lastProbeTime: at, lastTransitionTime: at },
      { type: 'Complete', status: 'True', lastProbeTime: at, lastTransitionTime: at },
    ];
  }
  status.terminating = 0;
  status.uncountedTerminatedPods = {};
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: j.name,
      namespace: j.namespace,
      uid: j.uid,
      labels: { ...labels },
      annotations: { 'batch.kubernetes.io/cronjob-scheduled-timestamp': rfc3339(j.scheduledAt) },
      ownerReferences: ownerReferences(j.owner),
    },
    spec: {
      parallelism: 1,
      completions: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      podReplacementPolicy: 'TerminatingOrFailed',
      manualSelector: false,
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': j.uid } },
      template: { metadata: { labels: { ...labels } }, spec: podSpec(j.container, 'OnFailure', undefined) },
    },
    status,
  };
}

/** A CronJob. */
export interface CronJobShape {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly schedule: string;
  readonly container: ContainerShape;
  readonly active: readonly { readonly name: string; readonly uid: string }[];
  readonly lastScheduleTime?: number;
  readonly lastSuccessfulTime?: number;
}

/** A batch/v1 CronJob. */
export function cronJobObject(c: CronJobShape): JsonObject {
  const status: JsonObject = {};
  if (c.active.length > 0) {
    status.active = c.active.map((job) => ({ apiVersion: 'batch/v1', kind: 'Job', name: job.name, namespace: c.namespace, uid: job.uid }));
  }
  if (c.lastScheduleTime !== undefined) status.lastScheduleTime = rfc3339(c.lastScheduleTime);
  if (c.lastSuccessfulTime !== undefined) status.lastSuccessfulTime = rfc3339(c.lastSuccessfulTime);
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: c.name, namespace: c.namespace, uid: c.uid },
    spec: {
      schedule: c.schedule,
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: { metadata: {}, spec: { backoffLimit: 6, template: { metadata: {}, spec: podSpec(c.container, 'OnFailure', undefined) } } },
    },
    status,
  };
}

/** `docker.io/library/nginx:1.25` → `docker.io/library/nginx`. */
function repoOf(image: string): string {
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/') ? image.slice(0, at) : image;
}

/** A stable, image-specific sha256-shaped digest (64 hex digits), from an FNV-1a hash of the name. */
export function digestOf(image: string): string {
  let out = '';
  for (let round = 0; out.length < 64; round++) {
    let h = 0x811c9dc5 ^ round;
    for (let i = 0; i < image.length; i++) h = Math.imul(h ^ image.charCodeAt(i), 0x01000193);
    out += (h >>> 0).toString(16).padStart(8, '0');
  }
  return out.slice(0, 64);
}

/** Compressed sizes of well-known public images, in bytes (approximate, as `kubectl describe node` lists them). */
const KNOWN_IMAGE_SIZES: readonly (readonly [string, number])[] = [
  ['busybox', 2_155_170],
  ['nginx', 71_012_834],
  ['redis', 45_917_235],
  ['grafana/grafana', 124_398_577],
  ['prometheus/prometheus', 103_417_622],
];

/** A stable, image-specific size in bytes: a known image's, else between ~20 MB and ~400 MB. */
export function imageSize(image: string): number {
  const h = Number.parseInt(digestOf(image).slice(0, 8), 16);
  const known = KNOWN_IMAGE_SIZES.find(([name]) => image.includes(`/${name}:`) || image.includes(`/library/${name}:`));
  if (known !== undefined) return known[1] + (h % 100_000);
  return 20_000_000 + (h % 380_000_000);
}
