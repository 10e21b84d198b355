/** A node as its kubelet and the node-controller see it: readiness, images, misconfigurations. */
import { Actor } from './cluster-context.ts';
import type { ClusterContext, ObjectHandle, Offer } from './cluster-context.ts';
import { imageGCFailedMessage, nodeStatusMessage } from './event-messages.ts';
import { nodeObject } from './kube-objects.ts';
import { offer } from './offer.ts';
import type { PodActor } from './pod-actor.ts';

/** A node: its kubelet's status and the pods bound to it. */
export class NodeActor extends Actor {
  readonly cluster: ClusterContext;
  readonly handle: ObjectHandle;
  readonly index: number;
  readonly internalIP: string;
  readonly podCIDR: string;
  readonly zone: string;
  readonly bootID: string;
  readonly machineID: string;
  readonly systemUUID: string;
  readySince: number;
  notReadySince: number | null = null;
  readonly #images: string[] = [];
  readonly #imageSet = new Set<string>();
  #nextHost = 2;
  readonly pods = new Set<PodActor>();
  /** The nameservers in the node's resolv.conf (more than three on some nodes, which the kubelet warns about). */
  readonly nameservers: readonly string[];
  /** Bytes the kubelet's image GC wants to free on a node short of disk; 0 when the disk is fine. */
  readonly diskShortfall: number;

  /**
   * @param cluster - The simulated cluster.
   * @param index - Its number (1-based), giving its name `node-<index>` and addresses.
   * @param zone - Its zone.
   */
  constructor(cluster: ClusterContext, index: number, zone: string) {
    super();
    this.cluster = cluster;
    this.index = index;
    this.handle = cluster.handle('nodes', 'Node', 'v1', '', `node-${index}`);
    this.internalIP = `10.132.${Math.floor(index / 250)}.${(index % 250) + 2}`;
    this.podCIDR = `10.${100 + (index >> 8)}.${index & 255}.0/24`;
    this.zone = zone;
    this.bootID = cluster.rng.uuid();
    this.machineID = cluster.rng.hex(32);
    this.systemUUID = cluster.rng.uuid();
    this.readySince = cluster.now - cluster.rng.between(3_600_000, 30 * 86_400_000);
    this.nameservers = index % 4 === 1 ? ['169.254.169.254', '10.132.0.2', '10.132.0.3', '8.8.8.8'] : ['169.254.169.254'];
    this.diskShortfall = index % 6 === 2 ? cluster.rng.between(1, 8) * 1_073_741_824 + cluster.rng.int(1_000_000) : 0;
  }

  /** The node's name. */
  get name(): string {
    return this.handle.name;
  }

  /** Whether the node is Ready. */
  get ready(): boolean {
    return this.notReadySince === null;
  }

  /** The next pod IP from the node's podCIDR. */
  nextPodIP(): string {
    const host = this.#nextHost;
    this.#nextHost = this.#nextHost >= 254 ? 2 : this.#nextHost + 1;
    return `${this.podCIDR.slice(0, this.podCIDR.lastIndexOf('.'))}.${host}`;
  }

  /** Whether the image is present on the node. */
  hasImage(image: string): boolean {
    return this.#imageSet.has(image);
  }

  /** Adds a pulled image. */
  addImage(image: string): void {
    if (this.#imageSet.has(image)) return;
    this.#imageSet.add(image);
    this.#images.push(image);
  }

  /** Renders and plans the Node's create or update. */
  write(verb: 'create' | 'update'): void {
    const object = nodeObject(
      {
        name: this.name,
        uid: this.handle.uid,
        internalIP: this.internalIP,
        podCIDR: this.podCIDR,
        zone: this.zone,
        bootID: this.bootID,
        machineID: this.machineID,
        systemUUID: this.systemUUID,
        notReadySince: this.notReadySince,
        readySince: this.readySince,
        images: this.#images.slice(-50),
      },
      this.cluster.now,
    );
    if (verb === 'create') this.cluster.create(this.handle, object);
    else this.cluster.update(this.handle, object);
  }

  override offers(): Offer[] {
    const out: Offer[] = [];
    if (this.ready) {
      if (this.cluster.canLoseNode()) {
        const pods = [...this.pods].filter((pod) => pod.alive && pod.state !== 'succeeded').length;
        const then = [...Array.from({ length: Math.min(3, pods) }, () => 'NodeNotReady'), 'NodeReady', 'SandboxChanged'];
        out.push(offer('NodeNotReady', 'optional', then, () => { this.#lost(); }));
      }
      if (this.diskShortfall > 0) out.push(offer('ImageGCFailed', 'optional', [], () => { this.#imageGCFailed(); }));
    } else if (![...this.pods].some((pod) => pod.alive && pod.nodeNotReadyPending)) {
      // The node-controller marks every pod of the node NotReady before the kubelet can come back.
      out.push(offer('NodeReady', 'next', ['SandboxChanged'], () => { this.#recovered(); }));
    }
    return out;
  }

  /** The kubelet's image garbage collection cannot free enough disk (every five minutes, the same message). */
  #imageGCFailed(): void {
    this.cluster.event({
      component: this.cluster.components.kubelet,
      host: this.name,
      involved: this.handle,
      style: 'kubelet-node',
      type: 'Warning',
      reason: 'ImageGCFailed',
      message: imageGCFailedMessage(this.diskShortfall, 0),
    });
  }

  /** The node-controller marks the node NotReady (its kubelet stopped posting status) and its pods not ready. */
  #lost(): void {
    this.notReadySince = this.cluster.now;
    this.write('update');
    this.cluster.event({
      component: this.cluster.components.node,
      involved: this.handle,
      style: 'controller-node',
      type: 'Normal',
      reason: 'NodeNotReady',
      message: nodeStatusMessage(this.name, 'NodeNotReady'),
    });
    for (const pod of this.pods) {
      if (pod.alive && pod.state !== 'succeeded') {
        pod.nodeNotReadyPending = true;
        this.cluster.touch(pod);
      }
    }
  }

  /** The kubelet posts Ready again. */
  #recovered(): void {
    this.notReadySince = null;
    this.readySince = this.cluster.now;
    this.write('update');
    this.cluster.event({
      component: this.cluster.components.kubelet,
      host: this.name,
      involved: this.handle,
      style: 'kubelet-node',
      type: 'Normal',
      reason: 'NodeReady',
      message: nodeStatusMessage(this.name, 'NodeReady'),
    });
    for (const pod of this.pods) pod.nodeRecovered();
  }
}
