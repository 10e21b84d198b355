/**
 * The simulated cluster: its objects, its actors, and the decision of what happens next.
 *
 * Every decision produces exactly one Event write (plus the object writes it needs). The Event's
 * reason is chosen so the running totals track the profile's mix: each reason r has a deficit
 * `share(r) × (events + LOOKAHEAD) − count(r)`; among the reasons some actor (or starter) can
 * emit right now, one with a positive deficit is drawn with probability proportional to it (the
 * one the mix is least over on when none is short). Among the actors offering that reason, those
 * whose scenario leads on to reasons the mix lacks, and those that have waited longest, are
 * preferred, so pipelines (a pod's Scheduled → Pulled → Created → Started, a CronJob's Job) keep
 * moving towards what is missing. Because every reason is emitted to close its own gap, the
 * produced distribution stays within a few dozen Events of the mix at any length, while each
 * actor keeps its scenario's order.
 *
 * Real clusters also delete things without Events (garbage collection, a CI client removing its
 * pod, Jobs past the history limit); housekeeping does that, silently, to keep the population
 * bounded.
 *
 * Decisions depend only on the seed, the options and the clock, so a seed replays byte for byte.
 */
import type { Actor, ClusterContext, EventSpec, Offer } from './cluster-context.ts';
import { ObjectHandle } from './cluster-context.ts';
import { EventRecorder } from './event-recorder.ts';
import { namespaceObject } from './kube-objects.ts';
import type { PlannedWrite } from './planned-write.ts';
import { SeededRandom } from './random.ts';
import { reasonMix } from './reason-mix.ts';
import type { SimulatorProfile } from './reason-mix.ts';
import { createBarePod } from './bare-pod.ts';
import { CronJobActor } from './cron-job-actor.ts';
import { DeploymentActor } from './deployment-actor.ts';
import { NodeActor } from './node-actor.ts';
import { PodActor } from './pod-actor.ts';
import { chooseFate } from './pod-fate.ts';
import { ReplicaSetActor } from './replica-set-actor.ts';
import type { Json, JsonObject } from '../json.ts';
import type { SimResource, SimulatedWrite } from './simulated-write.ts';
import type { SimulatorComponents } from './simulator-components.ts';
import { APPS, BARE_PODS, CRON_JOBS, ZONES } from './workload-catalog.ts';

/** How many Events ahead the deficit looks, so several reasons are eligible at once and the order stays varied. */
const LOOKAHEAD = 8;
/** Decisions of waiting that double a kind of step's chance to be chosen. */
const AGE_SCALE = 200;
/** Deployments each namespace starts with. */
const DEPLOYMENTS_PER_NAMESPACE = 4;
/** Terminating pods allowed to wait for their `Killing` before the rest are deleted without one. */
const MAX_TERMINATING = 8;
/** Finished Jobs a CronJob keeps before the oldest are deleted without an Event. */
const MAX_JOB_HISTORY = 5;
/** Old, empty ReplicaSets a Deployment keeps. */
const MAX_OLD_REPLICA_SETS = 2;

/** What launching a Deployment leads to. */
const NEW_POD_PATH: readonly string[] = ['SuccessfulCreate', 'Scheduled', 'Pulling', 'Pulled', 'Created', 'Started'];

/** What the cluster is built from. */
export interface SimulatedClusterOptions {
  readonly seed: number;
  readonly profile: SimulatorProfile;
  readonly namespaces: readonly string[];
  readonly nodes: number;
  readonly components: SimulatorComponents;
  readonly batchObjects: boolean;
}

interface Starter {
  readonly reason: string;
  /** The reasons starting it leads to. */
  readonly then: readonly string[];
  /** Whether the cluster wants this starter used even when actors offer the reason (population below target). */
  readonly wanted: boolean;
  readonly run: () => void;
}

/** Offers of one kind (same reason and path) and the actors making them. */
interface StepKind {
  readonly reason: string;
  readonly then: readonly string[];
  readonly actors: Set<Actor>;
}

function totalActors(kinds: readonly StepKind[]): number {
  let n = 0;
  for (const kind of kinds) n += kind.actors.size;
  return n;
}

/** A copy of a JSON object with every string found in `aliases` replaced by its alias. */
function replaceStrings(object: JsonObject, aliases: ReadonlyMap<string, string>): JsonObject {
  const walk = (value: Json): Json => {
    if (typeof value === 'string') return aliases.get(value) ?? value;
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') {
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(value)) out[k] = walk(v);
      return out;
    }
    return value;
  };
  return walk(object) as JsonObject;
}

/** What identifies a kind of step: its reason and path. */
function kindKey(offer: Offer): string {
  return `${offer.reason}|${offer.then.join(',')}`;
}

/** The simulated cluster and its decision engine. */
export class SimulatedCluster implements ClusterContext {
  readonly rng: SeededRandom;
  readonly components: SimulatorComponents;
  readonly nodeCount: number;
  now = 0;
  readonly #options: SimulatedClusterOptions;
  readonly #mix: ReadonlyMap<string, number>;
  readonly #reasons: readonly string[];
  readonly #counts = new Map<string, number>();
  #emitted = 0;
  #plan: PlannedWrite[] = [];
  #silent = false;
  readonly #recorder: EventRecorder;
  /** reason → actors on their way to it → fewest steps until they emit it. */
  readonly #index = new Map<string, Map<Actor, number>>();
  /** Offers grouped by what they do (reason and path), so a decision scores each kind of step once. */
  readonly #kinds = new Map<string, StepKind>();
  readonly #actors = new Set<Actor>();
  readonly #dirty = new Set<Actor>();
  readonly #nodes: NodeActor[] = [];
  readonly #deployments: DeploymentActor[] = [];
  readonly #cronJobs: CronJobActor[] = [];
  readonly #pods = new Set<PodActor>();
  readonly #maxPods: number;
  readonly #highWater: number;
  readonly #lowWater: number;
  readonly #targetDeployments: number;
  readonly #maxDeployments: number;
  readonly #maxNotReady: number;
  #booted = false;
  #decisions = 0;
  /** Our uid → the server's, for objects whose server assigned its own uid. */
  readonly #uidAliases = new Map<string, string>();
  #retiredUids: string[] = [];

  /** @param options - The cluster's shape and seed. */
  constructor(options: SimulatedClusterOptions) {
    this.#options = options;
    this.rng = new SeededRandom(options.seed);
    this.components = options.components;
    this.nodeCount = options.nodes;
    this.#mix = reasonMix(options.profile);
    this.#reasons = [...this.#mix.keys()];
    this.#recorder = new EventRecorder(this.rng);
    this.#maxPods = Math.max(40, options.nodes * 4);
    this.#highWater = Math.floor(this.#maxPods * 0.85);
    this.#lowWater = Math.floor(this.#maxPods * 0.4);
    const perNamespace = Math.min(APPS.length, DEPLOYMENTS_PER_NAMESPACE);
    this.#targetDeployments = options.namespaces.length * perNamespace;
    this.#maxDeployments = options.namespaces.length * Math.min(APPS.length, 5);
    this.#maxNotReady = Math.max(1, Math.floor(options.nodes / 10));
  }

  /** Decides the next Event and the writes it takes, at `now` (ms since the epoch). */
  decide(now: number): PlannedWrite[] {
    this.now = now;
    this.#decisions += 1;
    for (const uid of this.#retiredUids) this.#uidAliases.delete(uid);
    this.#retiredUids = [];
    this.#plan = [];
    if (!this.#booted) this.#bootstrap();
    this.#housekeeping();
    this.#settle();
    this.#step();
    const plan = this.#plan;
    this.#plan = [];
    return plan;
  }

  // ---- ClusterContext -------------------------------------------------------------------------

  weight(reason: string): number {
    return this.#mix.get(reason) ?? 0;
  }

  deficit(reason: string): number {
    return this.weight(reason) * (this.#emitted + LOOKAHEAD) - (this.#counts.get(reason) ?? 0);
  }

  offerCount(reason: string): number {
    return this.#index.get(reason)?.size ?? 0;
  }

  uid(): string {
    return this.rng.uuid();
  }

  handle(resource: SimResource, kind: string, apiVersion: string, namespace: string, name: string): ObjectHandle {
    const written = this.#options.batchObjects || (resource !== 'jobs' && resource !== 'cronjobs');
    return new ObjectHandle(resource, kind, apiVersion, namespace, name, this.uid(), written);
  }

  create(handle: ObjectHandle, object: JsonObject): void {
    if (!handle.written) return;
    this.#plan.push({ write: { verb: 'create', resource: handle.resource, namespace: handle.namespace, object }, handle });
  }

  update(handle: ObjectHandle, object: JsonObject): void {
    if (!handle.written || !handle.alive) return;
    this.#plan.push({ write: { verb: 'update', resource: handle.resource, namespace: handle.namespace, object }, handle });
  }

  remove(handle: ObjectHandle): void {
    if (!handle.alive) return;
    handle.alive = false;
    // Writes already planned may still name it; forget the alias once they are applied.
    this.#retiredUids.push(handle.clientUid);
    this.#recorder.forget(handle);
    if (!handle.written) return;
    this.#plan.push({ write: { verb: 'delete', resource: handle.resource, namespace: handle.namespace, name: handle.name } });
  }

  event(spec: EventSpec): void {
    if (this.#silent) return;
    if (!spec.involved.alive) throw new Error(`internal: ${spec.reason} Event about deleted ${spec.involved.kind} ${spec.involved.name}`);
    this.#emitted += 1;
    this.#counts.set(spec.reason, (this.#counts.get(spec.reason) ?? 0) + 1);
    this.#plan.push(this.#recorder.record(spec, this.now));
  }

  register(actor: Actor): void {
    this.#actors.add(actor);
    this.#dirty.add(actor);
    if (actor instanceof PodActor) this.#pods.add(actor);
  }

  touch(actor: Actor): void {
    this.#dirty.add(actor);
  }

  pickNode(): NodeActor {
    const ready = this.#nodes.filter((n) => n.ready);
    return this.rng.pick(ready.length > 0 ? ready : this.#nodes);
  }

  population(): { readonly pods: number; readonly highWater: number; readonly lowWater: number } {
    return { pods: this.#pods.size, highWater: this.#highWater, lowWater: this.#lowWater };
  }

  countPods(test: (pod: PodActor) => boolean): number {
    let n = 0;
    for (const pod of this.#pods) if (pod.alive && test(pod)) n += 1;
    return n;
  }

  canLoseNode(): boolean {
    let notReady = 0;
    for (const node of this.#nodes) if (!node.ready) notReady += 1;
    return notReady < this.#maxNotReady && this.#nodes.length > 1;
  }

  /**
   * Learns what the server made of an object from the target's result: its uid (when the server
   * assigned its own) and resourceVersion. Later references use them, and writes already decided
   * with the simulator's uid are translated by {@link translate}.
   */
  learn(handle: ObjectHandle, uid: string | undefined, resourceVersion: string | undefined): void {
    if (uid !== undefined && uid !== '' && uid !== handle.uid) {
      this.#uidAliases.set(handle.clientUid, uid);
      handle.uid = uid;
    }
    if (resourceVersion !== undefined && resourceVersion !== '') handle.resourceVersion = resourceVersion;
  }

  /** Replaces, in a write about to be applied, the simulator's uids of objects the server renamed (owner references, labels). */
  translate(write: SimulatedWrite): SimulatedWrite {
    if (this.#uidAliases.size === 0 || write.verb === 'delete') return write;
    return { ...write, object: replaceStrings(write.object, this.#uidAliases) };
  }

  // ---- engine ---------------------------------------------------------------------------------

  /** Re-indexes the actors whose offers changed, running silently the `next` steps of reasons the mix lacks. */
  #settle(): void {
    for (let guard = 0; this.#dirty.size > 0; guard++) {
      if (guard > 100_000) throw new Error('internal: the simulated cluster does not settle');
      const batch = [...this.#dirty];
      this.#dirty.clear();
      for (const actor of batch) this.#reindex(actor);
      for (const actor of batch) {
        if (!actor.alive) continue;
        const silent = actor.indexed.find((o) => o.mode === 'next' && this.weight(o.reason) <= 0);
        if (silent === undefined) continue;
        this.#silent = true;
        try {
          this.#run(actor, silent);
        } finally {
          this.#silent = false;
        }
      }
    }
  }

  #reindex(actor: Actor): void {
    for (const reason of actor.reach.keys()) this.#index.get(reason)?.delete(actor);
    for (const offer of actor.indexed) {
      const kind = this.#kinds.get(kindKey(offer));
      kind?.actors.delete(actor);
      if (kind !== undefined && kind.actors.size === 0) this.#kinds.delete(kindKey(offer));
    }
    if (!actor.alive) {
      actor.indexed = [];
      actor.reach = new Map();
      this.#actors.delete(actor);
      if (actor instanceof PodActor) this.#pods.delete(actor);
      return;
    }
    const offers = actor.offers().filter((o) => o.mode === 'next' || this.weight(o.reason) > 0);
    actor.indexed = offers;
    actor.indexedAt = this.#decisions;
    const reach = new Map<string, number>();
    for (const offer of offers) {
      [offer.reason, ...offer.then].forEach((reason, steps) => {
        if (this.weight(reason) <= 0) return;
        const known = reach.get(reason);
        if (known === undefined || steps < known) reach.set(reason, steps);
      });
      if (this.weight(offer.reason) <= 0) continue;
      const key = kindKey(offer);
      let kind = this.#kinds.get(key);
      if (kind === undefined) {
        kind = { reason: offer.reason, then: offer.then.filter((r) => this.weight(r) > 0), actors: new Set() };
        this.#kinds.set(key, kind);
      }
      kind.actors.add(actor);
    }
    actor.reach = reach;
    for (const [reason, steps] of reach) {
      let holders = this.#index.get(reason);
      if (holders === undefined) {
        holders = new Map();
        this.#index.set(reason, holders);
      }
      holders.set(actor, steps);
    }
  }

  #run(actor: Actor, offer: Offer): void {
    offer.run();
    this.#dirty.add(actor);
    if (actor instanceof PodActor && actor.owner !== null) this.#dirty.add(actor.owner);
  }

  /**
   * Chooses and runs the step that emits this decision's Event. The reason is drawn among those
   * some actor (or starter) can emit right now, with probability proportional to its deficit (the
   * one the mix is least over on when none is short). Among the kinds of step emitting it, those
   * whose path leads on to reasons the mix lacks are preferred, so pods headed for a starved
   * reason (a Job's completion, a sandbox failure) move first; then one actor of that kind runs.
   */
  #step(): void {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const starters = this.#starters();
      const direct: string[] = [];
      for (const reason of this.#reasons) {
        const offered = starters.some((s) => s.reason === reason) || this.#kindsOf(reason).length > 0;
        if (offered) direct.push(reason);
      }
      if (direct.length === 0) throw new Error('internal: no Event can be emitted');
      const reason = this.#pickReason(direct);
      const kinds = this.#kindsOf(reason);
      const own = starters.filter((s) => s.reason === reason);
      const before = this.#emitted;
      const choices: { readonly weight: number; readonly run: () => boolean }[] = kinds.map((kind) => ({
        weight: kind.actors.size * this.#pathWeight(kind.then) * this.#ageWeight(kind),
        run: () => this.#runKind(kind),
      }));
      for (const starter of own) {
        const weight = (kinds.length === 0 ? 1 : starter.wanted ? 0.25 * totalActors(kinds) : 0) * this.#pathWeight(starter.then);
        if (weight <= 0) continue;
        choices.push({
          weight,
          run: () => {
            starter.run();
            return true;
          },
        });
      }
      const choice = this.rng.weighted(choices, (c) => c.weight);
      if (!choice.run()) continue;
      if (this.#emitted !== before + 1) throw new Error(`internal: a ${reason} step emitted ${this.#emitted - before} Events`);
      return;
    }
    throw new Error('internal: no step could run');
  }

  #kindsOf(reason: string): StepKind[] {
    const out: StepKind[] = [];
    for (const kind of this.#kinds.values()) if (kind.reason === reason && kind.actors.size > 0) out.push(kind);
    return out;
  }

  /** Preference for steps that have waited long (the kind's longest-waiting actor, first in its set), so no pod stalls forever. */
  #ageWeight(kind: StepKind): number {
    const oldest = kind.actors.values().next();
    if (oldest.done === true) return 1;
    return 1 + (this.#decisions - oldest.value.indexedAt) / AGE_SCALE;
  }

  /** Preference for a path: grows with the deficits of the reasons it leads to, nearer ones counting more. */
  #pathWeight(then: readonly string[]): number {
    let value = 0;
    then.forEach((reason, i) => {
      const d = this.deficit(reason);
      if (d > 0) value = Math.max(value, d / (i + 1));
    });
    return (1 + value) ** 2;
  }

  /** Runs a kind of step on one of its actors; false when the chosen actor no longer offers it (then re-indexed). */
  #runKind(kind: StepKind): boolean {
    // Half the time the longest-waiting actor of the kind (sets keep re-indexing order), else any.
    const actors = [...kind.actors];
    const actor = this.rng.chance(0.5) ? (actors[0] ?? this.rng.pick(actors)) : this.rng.pick(actors);
    // Offers are indexed when an actor changes; conditions outside it (population, other nodes) may have moved since.
    const fresh = actor.alive ? actor.offers().find((o) => o.reason === kind.reason) : undefined;
    if (fresh === undefined) {
      this.#dirty.add(actor);
      this.#settle();
      return false;
    }
    this.#run(actor, fresh);
    return true;
  }

  /** A reason drawn with probability proportional to its positive deficit; the least-over one when none is short. */
  #pickReason(available: readonly string[]): string {
    let total = 0;
    let best = available[0] ?? '';
    let bestDeficit = Number.NEGATIVE_INFINITY;
    for (const reason of available) {
      const d = this.deficit(reason);
      if (d > 0) total += d;
      if (d > bestDeficit) {
        bestDeficit = d;
        best = reason;
      }
    }
    if (total <= 0) return best;
    let x = this.rng.next() * total;
    for (const reason of available) {
      const d = this.deficit(reason);
      if (d <= 0) continue;
      x -= d;
      if (x < 0) return reason;
    }
    return best;
  }

  /** Steps that begin a new scenario instead of continuing an actor's. */
  #starters(): Starter[] {
    const out: Starter[] = [];
    const pods = this.#pods.size;
    const deployments = this.#deployments.filter((d) => d.alive).length;
    if (this.weight('ScalingReplicaSet') > 0 && deployments < this.#maxDeployments && pods < this.#highWater) {
      const slot = this.#freeAppSlot();
      if (slot !== undefined) {
        out.push({
          reason: 'ScalingReplicaSet',
          then: NEW_POD_PATH,
          wanted: deployments < this.#targetDeployments,
          run: () => {
            this.#launchDeployment(slot.namespace, slot.app);
          },
        });
      }
    }
    const bare = this.countPods((p) => p.kind === 'bare');
    if (pods < this.#highWater && bare < Math.max(3, Math.floor(this.#maxPods / 10))) {
      if (this.weight('Scheduled') > 0) {
        out.push({ reason: 'Scheduled', then: NEW_POD_PATH.slice(2), wanted: pods < this.#lowWater, run: () => { this.#barePod(0).schedule(); } });
      }
      if (this.weight('FailedScheduling') > 0) {
        out.push({
          reason: 'FailedScheduling',
          then: ['FailedScheduling', ...NEW_POD_PATH.slice(1)],
          wanted: false,
          run: () => {
            this.#barePod(this.rng.geometric(4)).failScheduling();
          },
        });
      }
    }
    if (this.weight('SuccessfulCreate') > 0 && this.#kindsOf('SuccessfulCreate').length === 0) {
      const replaceable = [...this.#pods].filter((p) => p.kind === 'replica' && p.state === 'running' && p.owner?.alive === true);
      if (replaceable.length > 0) {
        out.push({
          reason: 'SuccessfulCreate',
          then: NEW_POD_PATH.slice(1),
          wanted: false,
          run: () => {
            // A pod vanishes (evicted, deleted by a user) and its ReplicaSet replaces it.
            const victim = this.rng.pick(replaceable);
            const owner = victim.owner;
            this.#silent = true;
            victim.destroy();
            this.#silent = false;
            if (owner instanceof ReplicaSetActor) owner.createPod();
          },
        });
      }
    }
    return out;
  }

  #freeAppSlot(): { namespace: string; app: (typeof APPS)[number] } | undefined {
    const namespaces = this.#options.namespaces;
    const start = this.rng.int(namespaces.length);
    for (let i = 0; i < namespaces.length; i++) {
      const namespace = namespaces[(start + i) % namespaces.length] ?? '';
      const taken = new Set(this.#deployments.filter((d) => d.alive && d.namespace === namespace).map((d) => d.name));
      const free = APPS.filter((a) => !taken.has(a.name));
      if (free.length > 0) return { namespace, app: this.rng.pick(free) };
    }
    return undefined;
  }

  #pullPolicy(): 'Always' | 'IfNotPresent' {
    return this.rng.chance(this.#options.profile === 'dev' ? 0.6 : 0.05) ? 'Always' : 'IfNotPresent';
  }

  #launchDeployment(namespace: string, app: (typeof APPS)[number]): void {
    const deployment = new DeploymentActor(this, namespace, app, this.rng.between(1, 3), this.#pullPolicy());
    deployment.maybeBlockQuota(deployment.current);
    this.#deployments.push(deployment);
    this.register(deployment);
    deployment.launch();
  }

  #barePod(unschedulable: number): PodActor {
    const namespace = this.rng.pick(this.#options.namespaces);
    return createBarePod(this, namespace, this.rng.pick(BARE_PODS), unschedulable);
  }

  /** The cluster as it stands when the simulation begins: namespaces, nodes, CronJobs and running Deployments. */
  #bootstrap(): void {
    this.#booted = true;
    this.#silent = true;
    try {
      for (const namespace of this.#options.namespaces) {
        const handle = this.handle('namespaces', 'Namespace', 'v1', '', namespace);
        this.create(handle, namespaceObject(namespace, handle.uid));
      }
      for (let i = 1; i <= this.#options.nodes; i++) {
        const node = new NodeActor(this, i, ZONES[i % ZONES.length] ?? 'europe-west1-b');
        this.#nodes.push(node);
        node.write('create');
        this.register(node);
      }
      this.#options.namespaces.forEach((namespace, i) => {
        const template = CRON_JOBS[i % CRON_JOBS.length];
        if (template === undefined) return;
        const cron = new CronJobActor(this, namespace, template);
        this.#cronJobs.push(cron);
        cron.write('create');
        this.register(cron);
      });
      for (const namespace of this.#options.namespaces) {
        const apps = [...APPS];
        for (let k = 0; k < DEPLOYMENTS_PER_NAMESPACE && apps.length > 0; k++) {
          const app = apps.splice(this.rng.int(apps.length), 1)[0];
          if (app === undefined) break;
          this.#bootDeployment(namespace, app);
        }
      }
    } finally {
      this.#silent = false;
    }
  }

  #bootDeployment(namespace: string, app: (typeof APPS)[number]): void {
    const replicas = this.rng.between(2, 5);
    const deployment = new DeploymentActor(this, namespace, app, replicas, this.#pullPolicy());
    const rs = deployment.current;
    const pods: PodActor[] = [];
    for (let i = 0; i < replicas; i++) {
      const { fate } = chooseFate(this, 'replica', rs.container);
      const pod = new PodActor(this, {
        name: `${rs.name}-${this.rng.token(5)}`,
        namespace,
        kind: 'replica',
        owner: rs,
        ownerShape: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.name, uid: rs.handle.uid },
        generateName: `${rs.name}-`,
        labels: { app: deployment.name, 'pod-template-hash': rs.hash },
        container: rs.container,
        restartPolicy: 'Always',
        fate: fate === 'imagepull' ? 'healthy' : fate,
        troubles: { unschedulable: 0, mount: 0, sandbox: 0 },
      });
      pod.bootRunning(this.pickNode(), this.now - this.rng.between(3_600_000, 10 * 86_400_000));
      rs.pods.push(pod);
      pods.push(pod);
    }
    this.#deployments.push(deployment);
    deployment.write('create');
    rs.write('create');
    this.register(deployment);
    this.register(rs);
    for (const pod of pods) {
      pod.writeCreate();
      this.register(pod);
    }
  }

  /** Keeps the population bounded with the deletions real clusters make without Events (or whose Events the mix has no room for). */
  #housekeeping(): void {
    this.#silent = true;
    try {
      if (this.#pods.size > this.#highWater) {
        const live = this.#deployments.filter((d) => d.alive);
        if (live.length > 1) {
          const podsOf = (d: DeploymentActor): number => d.replicaSets.reduce((n, rs) => n + rs.pods.length, 0);
          const victim = live.reduce((a, b) => (podsOf(b) > podsOf(a) ? b : a));
          victim.destroy(this.weight('Killing') > 0);
        }
      }
      const terminating = [...this.#pods].filter((p) => p.state === 'terminating');
      for (const pod of terminating.slice(0, Math.max(0, terminating.length - MAX_TERMINATING))) pod.destroy();
      for (const cron of this.#cronJobs) {
        while (cron.history.length > MAX_JOB_HISTORY) cron.deleteOldest(false);
      }
      for (const pod of this.#pods) {
        if (pod.kind !== 'bare' || pod.state !== 'running') continue;
        pod.lifetime -= 1;
        if (pod.lifetime <= 0) {
          pod.complete();
          pod.destroy();
        }
      }
      for (const deployment of this.#deployments) {
        if (!deployment.alive) continue;
        const empty = deployment.old.filter((rs) => rs.alive && rs.replicas === 0 && rs.pods.length === 0);
        for (const rs of empty.slice(0, Math.max(0, empty.length - MAX_OLD_REPLICA_SETS))) rs.destroy();
      }
    } finally {
      this.#silent = false;
    }
  }
}
