/**
 * The workload simulator: realistic, seeded cluster traffic (the Events real components write, and
 * the objects they are about) fed to a {@link SimulatorTarget}.
 */
import { EventEmitter } from 'eventemitter3';
import { InvalidOptionError } from '../../errors.ts';
import { isJsonObject, objectAt, stringAt } from '../json.ts';
import type { PlannedWrite } from './planned-write.ts';
import type { SimulatorProfile } from './reason-mix.ts';
import { SimulatedCluster } from './simulated-cluster.ts';
import type { SimResource, SimulatedWrite, SimulatorTarget } from './simulated-write.ts';
import { DEFAULT_COMPONENTS } from './simulator-components.ts';
import type { SimulatorComponents } from './simulator-components.ts';
import { SimulatorTargetError } from './simulator-target-error.ts';
import { DEFAULT_NAMESPACES } from './workload-catalog.ts';

/** A clock for the simulator: milliseconds since the epoch. */
export interface SimulatorClock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/**
 * Options of {@link createWorkloadSimulator}.
 *
 * @example
 * ```ts
 * const options: WorkloadSimulatorOptions = {
 *   target: { apply: (write) => { writes.push(write); } },
 *   seed: 42,
 *   rate: 200,
 *   profile: 'stable',
 *   namespaces: ['shop', 'payments'],
 *   nodes: 12,
 * };
 * ```
 */
export interface WorkloadSimulatorOptions {
  /** Where the writes go. */
  readonly target: SimulatorTarget;
  /**
   * Seed of the simulation. The same seed, options and clock readings give the same writes, byte
   * for byte; a safe integer (only its low 32 bits matter).
   * @default 1
   */
  readonly seed?: number;
  /**
   * Events per second while {@link WorkloadSimulator.start | started} (object writes come on top).
   * A finite number in (0, 100000].
   * @default 50
   */
  readonly rate?: number;
  /**
   * Which reason mix to reproduce: `stable` (a production cluster: pod starts and CronJobs) or
   * `dev` (a development cluster: failing probes, crash loops, redeploys). See `reason-mix.ts`.
   * @default 'dev'
   */
  readonly profile?: SimulatorProfile;
  /**
   * Namespaces the simulator creates and runs workloads in (DNS-1123 labels, unique). Events about
   * nodes go to `default`, as client-go's recorder puts them, so the target should accept that
   * namespace too.
   * @default ['prod', 'staging', 'dev', 'monitoring']
   */
  readonly namespaces?: readonly string[];
  /**
   * Number of nodes (`node-1` … `node-N`), an integer in [1, 5000]; scheduling failures read
   * `0/N nodes are available: …`.
   * @default 42
   */
  readonly nodes?: number;
  /**
   * Where time comes from, in ms since the epoch: Event timestamps and names, status times.
   * @default Date
   */
  readonly clock?: SimulatorClock;
  /**
   * Component names to record Events under, by role.
   * @default kubelet, default-scheduler, replicaset-controller, deployment-controller, node-controller, job-controller, cronjob-controller
   */
  readonly components?: Partial<SimulatorComponents>;
  /**
   * Whether to write the batch/v1 Jobs and CronJobs that job-controller and cronjob-controller
   * Events refer to. Off by default because the test cluster serves no batch/v1 resources; the
   * Events about them are written either way.
   * @default false
   */
  readonly batchObjects?: boolean;
}

/** What a simulator has handed its target so far (counted when handed over, whether or not the target succeeded). */
export interface WorkloadSimulatorStats {
  /** Event writes: creates plus the updates that bump a repeated Event's count. */
  readonly events: number;
  /** Event writes by reason. */
  readonly eventsByReason: Readonly<Record<string, number>>;
  /** Event writes by type (`Normal`, `Warning`). */
  readonly eventsByType: Readonly<Record<string, number>>;
  /** All writes. */
  readonly writes: number;
  /** All writes by verb. */
  readonly writesByVerb: Readonly<Record<SimulatedWrite['verb'], number>>;
  /** All writes by resource. */
  readonly writesByResource: Readonly<Partial<Record<SimResource, number>>>;
  /** Writes the target threw or rejected on. */
  readonly errors: number;
  /** Events the timer skipped because the target could not keep up with `rate`. */
  readonly dropped: number;
}

/** The events a {@link WorkloadSimulator} emits. */
export interface WorkloadSimulatorEvents {
  /** A write the target applied. */
  write: (write: SimulatedWrite) => void;
  /** A write the target threw or rejected on; the simulation goes on. */
  error: (error: SimulatorTargetError) => void;
}

/**
 * A running simulation of a cluster's traffic. See {@link createWorkloadSimulator}.
 *
 * @example
 * ```ts
 * const sim = createWorkloadSimulator({ target, seed: 1 });
 * sim.on('error', (err) => { console.error(err.message); });
 * sim.start();
 * // … later
 * await sim.stop();
 * console.log(sim.stats().eventsByReason);
 * ```
 */
export interface WorkloadSimulator extends EventEmitter<WorkloadSimulatorEvents> {
  /** Whether {@link start} is emitting on its timer. */
  readonly running: boolean;
  /**
   * Emits Events at `rate` per second, on an unref'd timer (it never keeps the process alive),
   * until {@link stop}. Calling it while running does nothing.
   */
  start(): void;
  /**
   * Stops the timer and resolves once the write being applied (and the rest of its Event's writes)
   * has settled. Work asked for by a pending {@link step} continues.
   */
  stop(): Promise<void>;
  /**
   * Decides the next `n` Events (default 1) and applies them, with the object writes they need, in
   * order, waiting for the target whenever it returns a promise. No timers: for tests and
   * benchmarks. Resolves when all `n` have been applied.
   */
  step(n?: number): Promise<void>;
  /** Counts of what has been handed to the target. */
  stats(): WorkloadSimulatorStats;
}

const PROFILES: readonly SimulatorProfile[] = ['stable', 'dev'];
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Creates a workload simulator: seeded, realistic traffic of a Kubernetes cluster — the core/v1
 * Events its kubelets, scheduler and controllers write (repeats as `count` updates, as client-go's
 * recorder does), and the Namespaces, Nodes, Deployments, ReplicaSets and Pods they are about —
 * written to `target` in the order a real cluster would write them. The reason mix follows the
 * chosen profile; see `reason-mix.ts`.
 *
 * @param options - Where to write and what to simulate.
 * @returns A simulator, idle until {@link WorkloadSimulator.start} or {@link WorkloadSimulator.step}.
 * @throws `InvalidOptionError` when an option is invalid.
 *
 * @example
 * ```ts
 * import { createWorkloadSimulator } from 'kube-events/testing';
 * import type { SimulatedWrite } from 'kube-events/testing';
 *
 * const writes: SimulatedWrite[] = [];
 * const sim = createWorkloadSimulator({
 *   target: { apply: (write) => { writes.push(write); } },
 *   seed: 42,
 *   profile: 'dev',
 * });
 * await sim.step(1000);               // 1000 Events, deterministic for seed 42
 * sim.stats().eventsByReason.BackOff; // e.g. 80
 *
 * sim.start();                        // 50 Events per second on a timer
 * await sim.stop();
 * ```
 */
export function createWorkloadSimulator(options: WorkloadSimulatorOptions): WorkloadSimulator {
  return new Simulator(validate(options));
}

interface ValidOptions {
  readonly target: SimulatorTarget;
  readonly seed: number;
  readonly rate: number;
  readonly profile: SimulatorProfile;
  readonly namespaces: readonly string[];
  readonly nodes: number;
  readonly clock: { now(): number };
  readonly components: SimulatorComponents;
  readonly batchObjects: boolean;
}

function validate(options: WorkloadSimulatorOptions): ValidOptions {
  const raw: unknown = options;
  if (!isRecord(raw)) throw new InvalidOptionError('options', 'an object', raw);
  const target = raw.target;
  if (!isRecord(target) || typeof target.apply !== 'function') {
    throw new InvalidOptionError('target', 'an object with an apply(write) method', target);
  }
  const seed = raw.seed ?? 1;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) throw new InvalidOptionError('seed', 'a safe integer', seed);
  const rate = raw.rate ?? 50;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0 || rate > 100_000) {
    throw new InvalidOptionError('rate', 'a finite number > 0 and <= 100000', rate);
  }
  const profile = raw.profile ?? 'dev';
  if (typeof profile !== 'string' || !(PROFILES as readonly string[]).includes(profile)) {
    throw new InvalidOptionError('profile', "'stable' or 'dev'", profile);
  }
  const namespaces = raw.namespaces ?? DEFAULT_NAMESPACES;
  if (!Array.isArray(namespaces) || namespaces.length === 0) throw new InvalidOptionError('namespaces', 'a non-empty array of namespace names', namespaces);
  const seen = new Set<string>();
  namespaces.forEach((ns: unknown, i) => {
    if (typeof ns !== 'string' || ns.length > 63 || !DNS_LABEL.test(ns)) throw new InvalidOptionError(`namespaces[${i}]`, 'a DNS-1123 label', ns);
    if (seen.has(ns)) throw new InvalidOptionError(`namespaces[${i}]`, 'a namespace not already listed', ns);
    seen.add(ns);
  });
  const nodes = raw.nodes ?? 42;
  if (typeof nodes !== 'number' || !Number.isInteger(nodes) || nodes < 1 || nodes > 5000) {
    throw new InvalidOptionError('nodes', 'an integer between 1 and 5000', nodes);
  }
  const clock = raw.clock ?? Date;
  if (!isRecord(clock) && typeof clock !== 'function') throw new InvalidOptionError('clock', 'an object with a now() method', clock);
  if (typeof (clock as { now?: unknown }).now !== 'function') throw new InvalidOptionError('clock', 'an object with a now() method', clock);
  const components = raw.components ?? {};
  if (!isRecord(components)) throw new InvalidOptionError('components', 'an object of component names', components);
  for (const [role, name] of Object.entries(components)) {
    if (!(role in DEFAULT_COMPONENTS)) throw new InvalidOptionError(`components.${role}`, `one of ${Object.keys(DEFAULT_COMPONENTS).join(', ')}`, role);
    if (name !== undefined && (typeof name !== 'string' || name.length === 0 || name.length > 128)) {
      throw new InvalidOptionError(`components.${role}`, 'a non-empty string of at most 128 characters', name);
    }
  }
  const batchObjects = raw.batchObjects ?? false;
  if (typeof batchObjects !== 'boolean') throw new InvalidOptionError('batchObjects', 'a boolean', batchObjects);
  const merged: Record<string, string> = { ...DEFAULT_COMPONENTS };
  for (const [role, name] of Object.entries(components)) if (typeof name === 'string') merged[role] = name;
  return {
    target: target as unknown as SimulatorTarget,
    seed,
    rate,
    profile: profile as SimulatorProfile,
    namespaces: [...(namespaces as string[])],
    nodes,
    clock: clock as { now(): number },
    components: merged as unknown as SimulatorComponents,
    batchObjects,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

interface StepWaiter {
  readonly until: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

class Simulator extends EventEmitter<WorkloadSimulatorEvents> implements WorkloadSimulator {
  readonly #options: ValidOptions;
  readonly #cluster: SimulatedCluster;
  readonly #interval: number;
  #queue: PlannedWrite[] = [];
  #current: 'step' | 'timer' | null = null;
  #owedStep = 0;
  #owedTimer = 0;
  #stepRequested = 0;
  #stepDone = 0;
  #busy = false;
  #stepWaiters: StepWaiter[] = [];
  #boundaryWaiters: (() => void)[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  #startedAt = 0;
  #timerIssued = 0;

  #events = 0;
  readonly #byReason: Record<string, number> = {};
  readonly #byType: Record<string, number> = {};
  #writes = 0;
  readonly #byVerb: Record<SimulatedWrite['verb'], number> = { create: 0, update: 0, delete: 0 };
  readonly #byResource: Partial<Record<SimResource, number>> = {};
  #errors = 0;
  #dropped = 0;

  constructor(options: ValidOptions) {
    super();
    this.#options = options;
    this.#cluster = new SimulatedCluster({
      seed: options.seed,
      profile: options.profile,
      namespaces: options.namespaces,
      nodes: options.nodes,
      components: options.components,
      batchObjects: options.batchObjects,
    });
    // Fire often enough to spread Events out, never more than every 10 ms nor less than every second.
    this.#interval = Math.min(1000, Math.max(10, Math.round(1000 / options.rate)));
  }

  get running(): boolean {
    return this.#timer !== undefined;
  }

  start(): void {
    if (this.#timer !== undefined) return;
    this.#startedAt = Date.now();
    this.#timerIssued = 0;
    const timer = setInterval(() => {
      this.#tick();
    }, this.#interval);
    timer.unref();
    this.#timer = timer;
  }

  stop(): Promise<void> {
    if (this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
    this.#owedTimer = 0;
    if (!this.#busy) return Promise.resolve();
    return new Promise((resolve) => {
      this.#boundaryWaiters.push(resolve);
    });
  }

  step(n = 1): Promise<void> {
    if (!Number.isSafeInteger(n) || n < 0) return Promise.reject(new InvalidOptionError('n', 'a safe integer >= 0', n));
    if (n === 0) return Promise.resolve();
    this.#stepRequested += n;
    this.#owedStep += n;
    const until = this.#stepRequested;
    const done = new Promise<void>((resolve, reject) => {
      this.#stepWaiters.push({ until, resolve, reject });
    });
    this.#pump();
    return done;
  }

  stats(): WorkloadSimulatorStats {
    return {
      events: this.#events,
      eventsByReason: { ...this.#byReason },
      eventsByType: { ...this.#byType },
      writes: this.#writes,
      writesByVerb: { ...this.#byVerb },
      writesByResource: { ...this.#byResource },
      errors: this.#errors,
      dropped: this.#dropped,
    };
  }

  #tick(): void {
    // Paced by elapsed time (the process clock, not the simulated one), so rounding the interval never drifts the rate.
    const elapsed = Date.now() - this.#startedAt;
    const due = Math.floor((elapsed * this.#options.rate) / 1000 + 1e-9) - this.#timerIssued;
    this.#timerIssued += due;
    this.#owedTimer += due;
    // Never queue more than two seconds of work behind a slow target.
    const cap = Math.max(100, Math.ceil(this.#options.rate * 2));
    if (this.#owedTimer > cap) {
      this.#dropped += this.#owedTimer - cap;
      this.#owedTimer = cap;
    }
    this.#pump();
  }

  #pump(): void {
    if (this.#busy) return;
    this.#busy = true;
    try {
      this.#drain();
    } catch (error) {
      this.#crash(error);
    }
  }

  /** Applies writes until there is no work left or the target returned a promise (then resumes when it settles). */
  #drain(): void {
    for (;;) {
      const planned = this.#queue.shift();
      if (planned === undefined) {
        this.#boundary();
        if (this.#owedStep > 0) {
          this.#owedStep -= 1;
          this.#current = 'step';
        } else if (this.#owedTimer > 0) {
          this.#owedTimer -= 1;
          this.#current = 'timer';
        } else {
          break;
        }
        this.#queue = this.#cluster.decide(this.#options.clock.now());
        continue;
      }
      planned.bind?.();
      const write = this.#cluster.translate(planned.write);
      this.#count(write);
      let result: unknown;
      try {
        result = this.#options.target.apply(write);
      } catch (error) {
        this.#fail(write, error);
        continue;
      }
      if (isThenable(result)) {
        Promise.resolve(result)
          .then(
            (value: unknown) => {
              this.#succeed(planned, write, value);
            },
            (error: unknown) => {
              this.#fail(write, error);
            },
          )
          .then(() => {
            this.#drain();
          })
          .catch((error: unknown) => {
            this.#crash(error);
          });
        return;
      }
      this.#succeed(planned, write, result);
    }
    this.#busy = false;
    this.#releaseBoundaryWaiters();
  }

  /** A decision's writes are all applied. */
  #boundary(): void {
    if (this.#current === 'step') this.#stepDone += 1;
    this.#current = null;
    if (this.#stepWaiters.length > 0) {
      const ready = this.#stepWaiters.filter((w) => w.until <= this.#stepDone);
      if (ready.length > 0) {
        this.#stepWaiters = this.#stepWaiters.filter((w) => w.until > this.#stepDone);
        for (const w of ready) w.resolve();
      }
    }
    this.#releaseBoundaryWaiters();
  }

  #releaseBoundaryWaiters(): void {
    if (this.#boundaryWaiters.length === 0) return;
    const waiters = this.#boundaryWaiters;
    this.#boundaryWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** An internal error: nothing more can be decided. Pending steps reject with it. */
  #crash(error: unknown): void {
    this.#busy = false;
    this.#queue = [];
    this.#current = null;
    this.#owedStep = 0;
    this.#owedTimer = 0;
    if (this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
    const waiters = this.#stepWaiters;
    this.#stepWaiters = [];
    this.#releaseBoundaryWaiters();
    if (waiters.length === 0) {
      queueMicrotask(() => {
        throw error;
      });
      return;
    }
    for (const w of waiters) w.reject(error);
  }

  #count(write: SimulatedWrite): void {
    this.#writes += 1;
    this.#byVerb[write.verb] += 1;
    this.#byResource[write.resource] = (this.#byResource[write.resource] ?? 0) + 1;
    if (write.resource !== 'events' || write.verb === 'delete') return;
    this.#events += 1;
    const reason = stringAt(write.object, 'reason') ?? '';
    const type = stringAt(write.object, 'type') ?? '';
    this.#byReason[reason] = (this.#byReason[reason] ?? 0) + 1;
    this.#byType[type] = (this.#byType[type] ?? 0) + 1;
  }

  #succeed(planned: PlannedWrite, write: SimulatedWrite, result: unknown): void {
    const handle = planned.handle;
    if (handle !== undefined && isJsonObject(result)) {
      const metadata = objectAt(result, 'metadata');
      this.#cluster.learn(handle, stringAt(metadata, 'uid'), stringAt(metadata, 'resourceVersion'));
    }
    this.emit('write', write);
  }

  #fail(write: SimulatedWrite, error: unknown): void {
    this.#errors += 1;
    this.emit('error', new SimulatorTargetError(write, error));
  }
}
