/** A pod's lifecycle, as the scheduler and the kubelet drive it, one Event at a time. */
import { Actor } from './cluster-context.ts';
import type { ClusterContext, ObjectHandle, Offer } from './cluster-context.ts';
import {
  alreadyPresentMessage,
  backOffPullMessage,
  backOffRestartMessage,
  createdMessage,
  errorMessage,
  failedMountMessage,
  failedPullMessage,
  failedSandboxMessage,
  failedSchedulingMessage,
  fullyQualified,
  livenessRestartMessage,
  nameserverLimitMessage,
  POD_NODE_NOT_READY_MESSAGE,
  probeFailedMessage,
  pulledMessage,
  pullingMessage,
  SANDBOX_CHANGED_MESSAGE,
  scheduledMessage,
  startedMessage,
  stoppingMessage,
  unauthorizedPullError,
} from './event-messages.ts';
import type { UnschedulableCause } from './event-messages.ts';
import { imageSize, podObject } from './kube-objects.ts';
import type { ContainerShape, ContainerStateShape, OwnerShape, PodShape } from './kube-objects.ts';
import { ReplicaSetActor } from './replica-set-actor.ts';
import { offer } from './offer.ts';
import type { NodeActor } from './node-actor.ts';
import type { JobActor } from './job-actor.ts';
import type { PodFate, PodKind, PodTroubles } from './pod-fate.ts';

type PodState =
  | 'pending'
  | 'setup'
  | 'image'
  | 'pulling'
  | 'pull-error'
  | 'pull-backoff'
  | 'pull-backoff-error'
  | 'create'
  | 'start'
  | 'running'
  | 'crashed'
  | 'terminating'
  | 'succeeded';

const PROBE_OUTPUTS_READINESS = (ip: string, port: number, path: string): string[] => [
  'HTTP probe failed with statuscode: 503',
  `Get "http://${ip}:${port}${path}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
  'HTTP probe failed with statuscode: 500',
];

const PROBE_OUTPUTS_LIVENESS = (ip: string, port: number, path: string): string[] => [
  `Get "http://${ip}:${port}${path}": dial tcp ${ip}:${port}: connect: connection refused`,
  'HTTP probe failed with statuscode: 500',
  `Get "http://${ip}:${port}${path}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
];


/** A pod, from creation to deletion. */
export class PodActor extends Actor {
  readonly cluster: ClusterContext;
  readonly handle: ObjectHandle;
  readonly kind: PodKind;
  readonly owner: ReplicaSetActor | JobActor | null;
  readonly container: ContainerShape;
  readonly labels: Readonly<Record<string, string>>;
  readonly generateName: string | undefined;
  readonly ownerShape: OwnerShape | undefined;
  readonly restartPolicy: 'Always' | 'OnFailure' | 'Never';
  readonly tokenVolume: string;
  readonly createdAt: number;
  fate: PodFate;
  readonly troubles: PodTroubles;
  state: PodState = 'pending';
  node: NodeActor | null = null;
  podIP: string | undefined;
  scheduledAt: number | undefined;
  unschedulable: { at: number; message: string } | undefined;
  unschedulableCause: UnschedulableCause;
  containerState: ContainerStateShape | undefined;
  lastTerminated: PodShape['lastTerminated'];
  containerID: string | undefined;
  ready = false;
  readyChangedAt: number;
  restartCount = 0;
  phase: PodShape['phase'] = 'Pending';
  probeFailures = 0;
  backOffs = 0;
  sandboxFailed = false;
  sandboxChanged = false;
  sandboxTimeouts: boolean;
  nodeNotReadyPending = false;
  markedNotReady = false;
  /** The node came back from an outage: the kubelet will recreate the pod's sandbox. */
  sandboxRestartPending = false;
  /** Decisions left before a bare pod's client deletes it. */
  lifetime: number;

  /**
   * @param cluster - The simulated cluster.
   * @param init - Identity, ownership and behaviour of the pod.
   */
  constructor(
    cluster: ClusterContext,
    init: {
      readonly name: string;
      readonly namespace: string;
      readonly kind: PodKind;
      readonly owner: ReplicaSetActor | JobActor | null;
      readonly ownerShape?: OwnerShape;
      readonly generateName?: string;
      readonly labels: Readonly<Record<string, string>>;
      readonly container: ContainerShape;
      readonly restartPolicy: 'Always' | 'OnFailure' | 'Never';
      readonly fate: PodFate;
      readonly troubles: PodTroubles;
    },
  ) {
    super();
    this.cluster = cluster;
    this.handle = cluster.handle('pods', 'Pod', 'v1', init.namespace, init.name);
    this.kind = init.kind;
    this.owner = init.owner;
    this.ownerShape = init.ownerShape;
    this.generateName = init.generateName;
    this.labels = init.labels;
    this.container = init.container;
    this.restartPolicy = init.restartPolicy;
    this.fate = init.fate;
    this.troubles = init.troubles;
    this.tokenVolume = `kube-api-access-${cluster.rng.token(5)}`;
    this.createdAt = cluster.now;
    this.readyChangedAt = cluster.now;
    this.unschedulableCause = cluster.rng.weighted<UnschedulableCause>(['cpu', 'memory', 'affinity'], (c) => (c === 'cpu' ? 6 : c === 'memory' ? 3 : 1));
    this.sandboxTimeouts = cluster.rng.chance(0.5);
    this.lifetime = cluster.rng.geometric(40);
  }

  /** The pod's name. */
  get name(): string {
    return this.handle.name;
  }

  /** The pod's namespace. */
  get namespace(): string {
    return this.handle.namespace;
  }

  /** The pod as the API would return it now. */
  object(): PodShape {
    const shape: PodShape = {
      name: this.name,
      namespace: this.namespace,
      uid: this.handle.uid,
      labels: this.labels,
      container: this.container,
      restartPolicy: this.restartPolicy,
      tokenVolume: this.tokenVolume,
      createdAt: this.createdAt,
      phase: this.phase,
      ready: this.ready,
      readyChangedAt: this.readyChangedAt,
      restartCount: this.restartCount,
      ...(this.generateName === undefined ? {} : { generateName: this.generateName }),
      ...(this.ownerShape === undefined ? {} : { owner: this.ownerShape }),
      ...(this.node === null ? {} : { nodeName: this.node.name, hostIP: this.node.internalIP }),
      ...(this.podIP === undefined ? {} : { podIP: this.podIP }),
      ...(this.scheduledAt === undefined ? {} : { scheduledAt: this.scheduledAt }),
      ...(this.unschedulable === undefined ? {} : { unschedulable: this.unschedulable }),
      ...(this.containerState === undefined ? {} : { containerState: this.containerState }),
      ...(this.lastTerminated === undefined ? {} : { lastTerminated: this.lastTerminated }),
      ...(this.containerID === undefined ? {} : { containerID: this.containerID }),
    };
    return shape;
  }

  /** Plans the pod's create. */
  writeCreate(): void {
    this.cluster.create(this.handle, podObject(this.object()));
  }

  #writeUpdate(): void {
    this.cluster.update(this.handle, podObject(this.object()));
  }

  /** The kubelet's reference to the pod's container. */
  get #fieldPath(): string {
    return `spec.containers{${this.container.name}}`;
  }

  #kubelet(type: 'Normal' | 'Warning', reason: string, message: string, container: boolean): void {
    const node = this.node;
    if (node === null) throw new Error(`internal: kubelet event ${reason} for unscheduled pod ${this.name}`);
    this.cluster.event({
      component: this.cluster.components.kubelet,
      host: node.name,
      involved: this.handle,
      ...(container ? { fieldPath: this.#fieldPath } : {}),
      type,
      reason,
      message,
    });
  }

  /** True while a container process is running (so deleting the pod makes the kubelet emit `Killing`). */
  get hasRunningContainer(): boolean {
    return this.containerState?.state === 'running' && this.state !== 'succeeded';
  }

  override offers(): Offer[] {
    if (!this.alive) return [];
    const out: Offer[] = [];
    if (this.nodeNotReadyPending && this.node !== null) out.push(offer('NodeNotReady', 'next', [], () => { this.#nodeNotReady(); }));
    switch (this.state) {
      case 'pending': {
        const path = this.#pendingPath();
        if (this.troubles.unschedulable > 0) out.push(offer('FailedScheduling', 'next', path.slice(1), () => { this.failScheduling(); }));
        else out.push(offer('Scheduled', 'next', path.slice(1), () => { this.schedule(); }));
        break;
      }
      case 'setup': {
        const then = this.#setupPath().slice(1);
        if (this.troubles.mount > 0) out.push(offer('FailedMount', 'next', then, () => { this.#failMount(); }));
        else if (this.troubles.sandbox > 0) out.push(offer('FailedCreatePodSandBox', 'next', then, () => { this.#failSandbox(); }));
        else out.push(offer('SandboxChanged', 'next', then, () => { this.#sandboxChanged(); }));
        break;
      }
      case 'image':
        out.push(this.#imageOffer());
        break;
      case 'pulling':
        if (this.fate === 'imagepull') out.push(offer('Failed', 'next', ['Failed', 'BackOff', 'Failed'], () => { this.#failPull(); }));
        else out.push(offer('Pulled', 'next', ['Created', 'Started', ...this.#runningPath()], () => { this.#pulled(); }));
        break;
      case 'pull-error':
        out.push(offer('Failed', 'next', ['BackOff', 'Failed'], () => { this.#errImagePull(); }));
        break;
      case 'pull-backoff':
        out.push(offer('BackOff', 'optional', ['Failed', 'BackOff', 'Failed'], () => { this.#backOffPull(); }));
        if (this.backOffs >= 2) out.push(offer('Pulling', 'optional', ['Failed', 'Failed', 'BackOff', 'Failed'], () => { this.#pulling(); }));
        break;
      case 'pull-backoff-error':
        out.push(offer('Failed', 'next', ['BackOff', 'Failed'], () => { this.#imagePullBackOff(); }));
        break;
      case 'create':
        out.push(offer('Created', 'next', ['Started', ...this.#runningPath()], () => { this.#created(); }));
        break;
      case 'start':
        out.push(offer('Started', 'next', this.#runningPath(), () => { this.#started(); }));
        break;
      case 'running':
        this.#runningOffers(out);
        this.#dnsOffer(out);
        break;
      case 'crashed':
        this.#dnsOffer(out);
        out.push(offer('BackOff', 'optional', this.#imagePath(), () => { this.#backOffRestart(); }));
        if (this.backOffs >= 1) out.push(this.#imageOffer());
        break;
      case 'terminating':
        out.push(offer('Killing', 'next', [], () => { this.#killForDeletion(); }));
        break;
      case 'succeeded':
        break;
    }
    return out;
  }

  #runningOffers(out: Offer[]): void {
    if (this.sandboxRestartPending) {
      out.push(offer('SandboxChanged', 'next', this.#imagePath(), () => { this.#sandboxRecreated(); }));
      return;
    }
    switch (this.fate) {
      case 'crashloop':
        out.push(offer('BackOff', 'optional', this.#imagePath(), () => { this.#backOffRestart(); }));
        break;
      case 'readiness':
        out.push(offer('Unhealthy', 'optional', [], () => { this.#probeFailed('Readiness'); }));
        break;
      case 'liveness': {
        const more = Math.max(0, 2 - this.probeFailures);
        out.push(offer('Unhealthy', 'optional', [...repeat('Unhealthy', more), 'Killing', ...this.#imagePath()], () => { this.#probeFailed('Liveness'); }));
        if (this.probeFailures >= 3) out.push(offer('Killing', 'next', this.#imagePath(), () => { this.#killForLiveness(); }));
        break;
      }
      case 'healthy':
      case 'imagepull':
        break;
    }
    const killing = out.some((o) => o.reason === 'Killing');
    if (!killing && this.fate === 'healthy' && this.kind === 'replica' && this.owner instanceof ReplicaSetActor && this.owner.alive) {
      // A user (or an eviction) deletes the pod; the kubelet stops it and the ReplicaSet replaces it.
      out.push(offer('Killing', 'optional', ['SuccessfulCreate', 'Scheduled'], () => { this.#killForDeletion(); }));
    }
  }

  /** On a node whose resolv.conf lists too many nameservers, the kubelet warns at every sync of the pod. */
  #dnsOffer(out: Offer[]): void {
    const node = this.node;
    if (node === null || node.nameservers.length <= 3) return;
    out.push(offer('DNSConfigForming', 'optional', [], () => {
      this.#kubelet('Warning', 'DNSConfigForming', nameserverLimitMessage(node.nameservers.slice(0, 3)), false);
    }));
  }

  #needsPull(): boolean {
    return this.fate === 'imagepull' || this.container.imagePullPolicy === 'Always' || !(this.node?.hasImage(fullyQualified(this.container.image)) ?? false);
  }

  #imageOffer(): Offer {
    const path = this.#imagePath();
    return this.#needsPull()
      ? offer('Pulling', 'next', path.slice(1), () => { this.#pulling(); })
      : offer('Pulled', 'next', path.slice(1), () => { this.#alreadyPresent(); });
  }

  /** What a running container leads to, by fate. */
  #runningPath(): string[] {
    switch (this.fate) {
      case 'readiness':
        return ['Unhealthy'];
      case 'liveness':
        return ['Unhealthy', 'Unhealthy', 'Unhealthy', 'Killing'];
      case 'crashloop':
        return ['BackOff', this.#needsPull() ? 'Pulling' : 'Pulled', 'Created', 'Started'];
      case 'healthy':
      case 'imagepull':
        return this.kind === 'job' ? ['Completed', 'SawCompletedJob'] : this.kind === 'replica' ? ['Killing'] : [];
    }
  }

  /** The Events from the image step on (inclusive). */
  #imagePath(): string[] {
    if (this.fate === 'imagepull') return ['Pulling', 'Failed', 'Failed', 'BackOff', 'Failed'];
    return [...(this.#needsPull() ? ['Pulling', 'Pulled'] : ['Pulled']), 'Created', 'Started', ...this.#runningPath()];
  }

  /** The Events from the sandbox/volume setup on (inclusive). */
  #setupPath(): string[] {
    const sandboxChanged = this.troubles.sandbox > 0 || (this.sandboxFailed && !this.sandboxChanged);
    return [
      ...repeat('FailedMount', Math.min(2, this.troubles.mount)),
      ...repeat('FailedCreatePodSandBox', Math.min(2, this.troubles.sandbox)),
      ...(sandboxChanged ? ['SandboxChanged'] : []),
      ...this.#imagePath(),
    ];
  }

  /** The Events from scheduling on (inclusive). */
  #pendingPath(): string[] {
    return [...repeat('FailedScheduling', Math.min(2, this.troubles.unschedulable)), 'Scheduled', ...this.#setupPath()];
  }

  /** default-scheduler binds the pod to a node. */
  schedule(): void {
    const node = this.cluster.pickNode();
    this.node = node;
    node.pods.add(this);
    this.scheduledAt = this.cluster.now;
    this.unschedulable = undefined;
    this.state = 'setup';
    this.#writeUpdate();
    this.cluster.event({
      component: this.cluster.components.scheduler,
      involved: this.handle,
      type: 'Normal',
      reason: 'Scheduled',
      message: scheduledMessage(this.namespace, this.name, node.name),
    });
    this.#settleSetup();
  }

  /** default-scheduler finds no node for the pod (again). */
  failScheduling(): void {
    this.troubles.unschedulable -= 1;
    const message = failedSchedulingMessage(this.cluster.nodeCount, this.unschedulableCause);
    if (this.unschedulable === undefined) {
      this.unschedulable = { at: this.cluster.now, message };
      this.#writeUpdate();
    }
    this.cluster.event({ component: this.cluster.components.scheduler, involved: this.handle, type: 'Warning', reason: 'FailedScheduling', message });
  }

  #settleSetup(): void {
    if (this.state !== 'setup') return;
    if (this.troubles.mount > 0 || this.troubles.sandbox > 0) return;
    if (this.sandboxFailed && !this.sandboxChanged) return;
    this.#sandboxReady();
  }

  #sandboxReady(): void {
    this.state = 'image';
    if (this.podIP === undefined && this.node !== null) this.podIP = this.node.nextPodIP();
    this.containerState ??= { state: 'waiting', reason: 'ContainerCreating' };
  }

  #failMount(): void {
    this.troubles.mount -= 1;
    if (this.containerState === undefined) {
      this.containerState = { state: 'waiting', reason: 'ContainerCreating' };
      this.#writeUpdate();
    }
    const configMap = this.container.configMap ?? `${this.labels.app ?? this.name}-config`;
    this.#kubelet('Warning', 'FailedMount', failedMountMessage('config', `configmap ${JSON.stringify(configMap)} not found`), false);
    this.#settleSetup();
  }

  #failSandbox(): void {
    this.troubles.sandbox -= 1;
    this.sandboxFailed = true;
    if (this.containerState === undefined) {
      this.containerState = { state: 'waiting', reason: 'ContainerCreating' };
      this.#writeUpdate();
    }
    const error = this.sandboxTimeouts
      ? 'rpc error: code = DeadlineExceeded desc = context deadline exceeded'
      : `rpc error: code = Unknown desc = failed to setup network for sandbox ${JSON.stringify(this.cluster.rng.hex(64))}: plugin type="calico" failed (add): error getting ClusterInformation: connection is unauthorized: Unauthorized`;
    this.#kubelet('Warning', 'FailedCreatePodSandBox', failedSandboxMessage(error), false);
    this.#settleSetup();
  }

  #sandboxChanged(): void {
    this.sandboxChanged = true;
    this.#kubelet('Normal', 'SandboxChanged', SANDBOX_CHANGED_MESSAGE, false);
    this.#sandboxReady();
  }

  #pulling(): void {
    this.state = 'pulling';
    this.#kubelet('Normal', 'Pulling', pullingMessage(this.container.image), true);
  }

  #pulled(): void {
    const image = this.container.image;
    const size = imageSize(fullyQualified(image));
    const pullMs = 150 + Math.floor(size / 40_000) + this.cluster.rng.int(800);
    const waitMs = pullMs + (this.cluster.rng.chance(0.3) ? this.cluster.rng.between(50, 4000) : 0);
    this.node?.addImage(fullyQualified(image));
    this.state = 'create';
    this.#kubelet('Normal', 'Pulled', pulledMessage(image, pullMs, waitMs, size), true);
  }

  #alreadyPresent(): void {
    this.state = 'create';
    this.#kubelet('Normal', 'Pulled', alreadyPresentMessage(this.container.image), true);
  }

  #failPull(): void {
    this.state = 'pull-error';
    this.#kubelet('Warning', 'Failed', failedPullMessage(this.container.image, unauthorizedPullError(this.container.image)), true);
  }

  #errImagePull(): void {
    this.state = 'pull-backoff';
    this.backOffs = 0;
    this.containerState = { state: 'waiting', reason: 'ErrImagePull', message: unauthorizedPullError(this.container.image) };
    this.#writeUpdate();
    this.#kubelet('Warning', 'Failed', errorMessage('ErrImagePull'), true);
  }

  #backOffPull(): void {
    this.backOffs += 1;
    this.state = 'pull-backoff-error';
    if (this.containerState?.state !== 'waiting' || this.containerState.reason !== 'ImagePullBackOff') {
      this.containerState = { state: 'waiting', reason: 'ImagePullBackOff', message: backOffPullMessage(this.container.image) };
      this.#writeUpdate();
    }
    // pkg/kubelet/images/image_manager.go records the pull back-off as a Normal event.
    this.#kubelet('Normal', 'BackOff', backOffPullMessage(this.container.image), true);
  }

  #imagePullBackOff(): void {
    this.state = 'pull-backoff';
    this.#kubelet('Warning', 'Failed', errorMessage('ImagePullBackOff'), true);
  }

  #created(): void {
    if (this.containerID !== undefined) this.restartCount += 1;
    this.containerID = this.cluster.rng.hex(64);
    this.state = 'start';
    this.#kubelet('Normal', 'Created', createdMessage(this.container.name), true);
  }

  #started(): void {
    const now = this.cluster.now;
    this.containerState = { state: 'running', startedAt: now };
    this.phase = 'Running';
    this.probeFailures = 0;
    this.backOffs = 0;
    const ready = this.fate !== 'readiness' && this.fate !== 'crashloop' && !this.markedNotReady;
    if (ready !== this.ready) {
      this.ready = ready;
      this.readyChangedAt = now;
    }
    this.state = 'running';
    this.#writeUpdate();
    this.#kubelet('Normal', 'Started', startedMessage(this.container.name), true);
  }

  /** The container exited; the kubelet holds the restart back (CrashLoopBackOff). */
  #backOffRestart(): void {
    const now = this.cluster.now;
    if (this.state === 'running') {
      const startedAt = this.containerState?.state === 'running' ? this.containerState.startedAt : now;
      this.lastTerminated = { reason: 'Error', exitCode: 1, startedAt, finishedAt: now, containerID: this.containerID ?? this.cluster.rng.hex(64) };
      const delay = Math.min(300, 10 * 2 ** Math.min(5, this.restartCount));
      this.containerState = {
        state: 'waiting',
        reason: 'CrashLoopBackOff',
        message: `back-off ${goSeconds(delay)} restarting failed container=${this.container.name} pod=${this.name}_${this.namespace}(${this.handle.uid})`,
      };
      if (this.ready) {
        this.ready = false;
        this.readyChangedAt = now;
      }
      this.state = 'crashed';
      this.#writeUpdate();
    }
    this.backOffs += 1;
    this.#kubelet('Warning', 'BackOff', backOffRestartMessage(this.container.name, this.name, this.namespace, this.handle.uid), true);
  }

  #probeFailed(probe: 'Readiness' | 'Liveness'): void {
    this.probeFailures += 1;
    const ip = this.podIP ?? '10.0.0.1';
    const outputs = (probe === 'Readiness' ? PROBE_OUTPUTS_READINESS : PROBE_OUTPUTS_LIVENESS)(ip, this.container.port, this.container.probePath ?? '/');
    // One failure mode per pod, so the kubelet's identical Events are counted, not repeated.
    const output = outputs[hashOf(this.handle.uid) % outputs.length] ?? outputs[0] ?? '';
    if (probe === 'Readiness' && this.ready) {
      this.ready = false;
      this.readyChangedAt = this.cluster.now;
      this.#writeUpdate();
    }
    this.#kubelet('Warning', 'Unhealthy', probeFailedMessage(probe, output), true);
  }

  #killForLiveness(): void {
    const now = this.cluster.now;
    const startedAt = this.containerState?.state === 'running' ? this.containerState.startedAt : now;
    this.lastTerminated = { reason: 'Error', exitCode: 137, startedAt, finishedAt: now, containerID: this.containerID ?? '' };
    this.containerState = { state: 'waiting', reason: 'ContainerCreating' };
    this.probeFailures = 0;
    this.state = 'image';
    this.#kubelet('Normal', 'Killing', livenessRestartMessage(this.container.name), true);
  }

  /** Marks the pod deleted gracefully; returns after planning the delete when no container needs stopping. */
  terminate(): void {
    if (!this.alive || this.state === 'terminating') return;
    if (this.hasRunningContainer) {
      this.state = 'terminating';
      this.cluster.touch(this);
    } else {
      this.destroy();
    }
  }

  /** The kubelet stops the container of a pod being deleted, then the pod is gone. */
  #killForDeletion(): void {
    this.#kubelet('Normal', 'Killing', stoppingMessage(this.container.name), true);
    this.destroy();
  }

  #nodeNotReady(): void {
    this.nodeNotReadyPending = false;
    if (this.node !== null) this.cluster.touch(this.node);
    this.markedNotReady = true;
    if (this.ready) {
      this.ready = false;
      this.readyChangedAt = this.cluster.now;
      this.#writeUpdate();
    }
    this.cluster.event({ component: this.cluster.components.node, involved: this.handle, type: 'Warning', reason: 'NodeNotReady', message: POD_NODE_NOT_READY_MESSAGE });
  }

  /** After a node outage the kubelet finds the pod's sandbox gone, recreates it and restarts the container. */
  #sandboxRecreated(): void {
    const now = this.cluster.now;
    this.sandboxRestartPending = false;
    const startedAt = this.containerState?.state === 'running' ? this.containerState.startedAt : now;
    this.lastTerminated = { reason: 'Unknown', exitCode: 255, startedAt, finishedAt: now, containerID: this.containerID ?? '' };
    this.containerState = { state: 'waiting', reason: 'ContainerCreating' };
    if (this.ready) {
      this.ready = false;
      this.readyChangedAt = now;
    }
    this.state = 'image';
    this.#writeUpdate();
    this.#kubelet('Normal', 'SandboxChanged', SANDBOX_CHANGED_MESSAGE, false);
  }

  /** The node is back: the pod is ready again if its container is (or its sandbox is recreated, after a reboot). */
  nodeRecovered(): void {
    this.nodeNotReadyPending = false;
    if (this.state === 'running' && this.cluster.weight('SandboxChanged') > 0 && this.cluster.rng.chance(0.2)) {
      this.sandboxRestartPending = true;
      this.cluster.touch(this);
    }
    if (!this.markedNotReady) return;
    this.markedNotReady = false;
    if (this.state === 'running' && (this.fate === 'healthy' || this.fate === 'liveness')) {
      this.ready = true;
      this.readyChangedAt = this.cluster.now;
      this.#writeUpdate();
    }
    this.cluster.touch(this);
  }

  /** The container ran to completion (a Job's pod, a bare pod's task). */
  complete(): void {
    const now = this.cluster.now;
    const startedAt = this.containerState?.state === 'running' ? this.containerState.startedAt : now;
    this.containerState = { state: 'terminated', reason: 'Completed', exitCode: 0, startedAt, finishedAt: now };
    this.phase = 'Succeeded';
    if (this.ready) {
      this.ready = false;
      this.readyChangedAt = now;
    }
    this.state = 'succeeded';
    this.#writeUpdate();
    this.cluster.touch(this);
  }

  /** The pod is deleted from the API. */
  destroy(): void {
    if (!this.alive) return;
    this.alive = false;
    if (this.node !== null) {
      this.node.pods.delete(this);
      this.cluster.touch(this.node);
    }
    this.cluster.remove(this.handle);
    this.cluster.touch(this);
    if (this.owner !== null) this.owner.podGone(this);
  }

  /** Starts the pod as if it had been running before the simulation began. */
  bootRunning(node: NodeActor, startedAt: number): void {
    this.node = node;
    node.pods.add(this);
    node.addImage(fullyQualified(this.container.image));
    this.scheduledAt = startedAt;
    this.podIP = node.nextPodIP();
    this.containerID = this.cluster.rng.hex(64);
    this.phase = 'Running';
    if (this.fate === 'crashloop') {
      this.restartCount = this.cluster.rng.between(3, 40);
      const finishedAt = this.cluster.now - this.cluster.rng.between(1000, 60_000);
      this.lastTerminated = { reason: 'Error', exitCode: 1, startedAt: finishedAt - 2000, finishedAt, containerID: this.cluster.rng.hex(64) };
      this.containerState = {
        state: 'waiting',
        reason: 'CrashLoopBackOff',
        message: `back-off 5m0s restarting failed container=${this.container.name} pod=${this.name}_${this.namespace}(${this.handle.uid})`,
      };
      this.state = 'crashed';
      this.backOffs = 1;
    } else {
      this.containerState = { state: 'running', startedAt };
      this.ready = this.fate !== 'readiness';
      this.state = 'running';
    }
    this.readyChangedAt = startedAt;
  }
}


function repeat(reason: string, n: number): string[] {
  return Array.from({ length: Math.max(0, n) }, () => reason);
}

/** Go's `time.Duration` for whole seconds: `10s`, `1m20s`, `5m0s`. */
function goSeconds(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m > 0 ? `${m}m${s}s` : `${s}s`;
}

function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
