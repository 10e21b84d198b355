/**
 * The compiled route tree both config schemas compile into, and the {@link Router} that walks it.
 *
 * @module
 */
import type { KubeEvent } from '../stream/kube-event.ts';
import type { InvolvedObject } from './route-spec.ts';
import type { Decision, Delivery, DroppedDecision, SuppressedSummary, Suppression, UnroutedDecision } from './decision.ts';
import type { EventTest } from './compile-condition.ts';
import type { Throttle } from './throttle.ts';

/**
 * A compiled router: decides, for each event, which receivers get it. Compiled once from a
 * {@link RouterSpec} (by the builder's `compile()` or {@link compileRouter}) or from a
 * kubernetes-event-exporter config ({@link compileExporterRoute}); deciding runs closures only.
 * Throttled routes keep state (bounded: `maxThrottleKeys` keys per route); everything else is
 * stateless.
 *
 * @example
 * ```ts
 * const decision = routes.decide(event, { labels: pod.metadata.labels });
 * if (decision.type === 'deliver') for (const d of decision.deliveries) await send(d.receiver, event, d.repeats);
 * ```
 */
export interface Router<R extends string = string> {
  /**
   * Decides where one event goes.
   *
   * @param event - The event.
   * @param involved - The involved object's labels/annotations, when the event was enriched.
   * @returns The decision.
   * @throws `RoutePredicateError` when a predicate throws.
   */
  decide(event: KubeEvent, involved?: InvolvedObject): Decision<R>;
  /**
   * Removes and returns the repeats suppressed in throttle windows that have ended without a
   * later event to carry their count. Call it periodically to report trailing repeats.
   */
  flushSuppressed(): SuppressedSummary<R>[];
  /** Counters of the throttle state. */
  stats(): RouterStats;
}

/**
 * Counters of a router's throttle state.
 *
 * @example
 * ```ts
 * const { throttleKeys, throttleEvictions } = routes.stats();
 * ```
 */
export interface RouterStats {
  /** Keys currently remembered, over all throttled routes. */
  readonly throttleKeys: number;
  /** Keys forgotten because a route's throttle map was full (`maxThrottleKeys`). */
  readonly throttleEvictions: number;
  /** Suppressed repeats whose count was lost with an evicted key. */
  readonly lostRepeats: number;
}

/** One compiled route. */
export interface RouteNode {
  /** The route's path (`root`, `routes[0]`). */
  readonly path: string;
  /** The route's name. */
  readonly name: string | undefined;
  /** Whether the route applies (its match, with its drop rules folded in). */
  readonly test: EventTest;
  /** Its receivers. */
  readonly receivers: readonly string[];
  /** Its throttle. */
  readonly throttle: Throttle | undefined;
  /** Keep trying the next siblings after this one matched. */
  readonly continue: boolean;
  /** Child routes. */
  readonly children: readonly RouteNode[];
  /**
   * An index over the children: when many of them require one field to equal one of a few
   * values, `map` gives, for a value, the indices of the children that can match it (in order;
   * those without such a requirement included), and `others` those for any other value. Skipping
   * the rest changes nothing: their tests would fail.
   */
  readonly dispatch?: ChildDispatch;
}

/** See {@link RouteNode.dispatch}. */
export interface ChildDispatch {
  /** Reads the indexed field. */
  readonly read: (event: KubeEvent) => string;
  /** Child indices by field value. */
  readonly map: ReadonlyMap<string, readonly number[]>;
  /** Child indices for any other value. */
  readonly others: readonly number[];
}

/** A compiled top-level drop rule. */
export interface DropNode {
  /** The rule's path, e.g. `drop[0]`. */
  readonly path: string;
  /** The rule. */
  readonly test: EventTest;
}

/** How the engine runs. */
export interface EngineConfig {
  /** Top-level drop rules. */
  readonly drops: readonly DropNode[];
  /** The root route. */
  readonly root: RouteNode;
  /** Deliver each receiver at most once per decision (our schema) or once per sending rule (exporter). */
  readonly dedupeReceivers: boolean;
  /** The clock, ms since the epoch. */
  readonly now: () => number;
}

const UNROUTED: UnroutedDecision = Object.freeze({ type: 'unrouted' });
const NONE: readonly never[] = Object.freeze([]);

interface PreparedNode {
  readonly node: RouteNode;
  readonly test: EventTest;
  /** Deliveries with `repeats: 0`, built once. */
  readonly plain: readonly Delivery[];
  readonly children: readonly PreparedNode[];
  readonly throttle: Throttle | undefined;
  readonly continue: boolean;
  readonly dispatch: { readonly read: (event: KubeEvent) => string; readonly map: ReadonlyMap<string, readonly PreparedNode[]>; readonly others: readonly PreparedNode[] } | undefined;
}

function prepare(node: RouteNode): PreparedNode {
  const children = node.children.map(prepare);
  const pick = (indices: readonly number[]): PreparedNode[] => indices.map((i) => children[i]).filter((c): c is PreparedNode => c !== undefined);
  const d = node.dispatch;
  return {
    node,
    test: node.test,
    plain: node.receivers.map((receiver) => Object.freeze({ receiver, route: node.path, name: node.name, repeats: 0 })),
    children,
    throttle: node.throttle,
    continue: node.continue,
    dispatch: d === undefined ? undefined : { read: d.read, map: new Map([...d.map].map(([k, v]) => [k, pick(v)])), others: pick(d.others) },
  };
}

function collectThrottled(p: PreparedNode, out: PreparedNode[]): PreparedNode[] {
  if (p.throttle !== undefined) out.push(p);
  for (const c of p.children) collectThrottled(c, out);
  return out;
}

class Engine implements Router {
  readonly #drops: readonly { test: EventTest; decision: DroppedDecision }[];
  readonly #root: PreparedNode;
  readonly #dedupe: boolean;
  readonly #now: () => number;
  readonly #throttled: readonly PreparedNode[];
  // Per-decision scratch state (decide is synchronous and not re-entrant).
  #deliveries: Delivery[] = [];
  #suppressed: Suppression[] | undefined;

  constructor(config: EngineConfig) {
    this.#drops = config.drops.map((d) => ({ test: d.test, decision: Object.freeze({ type: 'dropped' as const, rule: d.path }) }));
    this.#root = prepare(config.root);
    this.#dedupe = config.dedupeReceivers;
    this.#now = config.now;
    this.#throttled = collectThrottled(this.#root, []);
  }

  decide(event: KubeEvent, involved?: InvolvedObject): Decision {
    const drops = this.#drops;
    for (let i = 0; i < drops.length; i++) {
      const d = drops[i] as (typeof drops)[number];
      if (d.test(event, involved)) return d.decision;
    }
    const deliveries: Delivery[] = [];
    this.#reset(deliveries);
    this.#visit(this.#root, event, involved);
    const suppressed = this.#suppressed;
    if (deliveries.length > 0) return { type: 'deliver', deliveries, suppressed: suppressed ?? NONE };
    if (suppressed !== undefined) return { type: 'suppressed', suppressed };
    return UNROUTED;
  }

  #reset(deliveries: Delivery[]): void {
    this.#deliveries = deliveries;
    this.#suppressed = undefined;
  }

  /** Applies one route; true when it matched. */
  #visit(p: PreparedNode, event: KubeEvent, involved: InvolvedObject | undefined): boolean {
    if (!p.test(event, involved)) return false;
    let plain = p.plain;
    if (p.throttle !== undefined) {
      const repeats = p.throttle.admit(event, involved, this.#now());
      if (repeats < 0) {
        (this.#suppressed ??= []).push({ route: p.node.path, name: p.node.name, receivers: p.node.receivers, repeats: -repeats });
        return true;
      }
      if (repeats > 0) plain = plain.map((d) => ({ ...d, repeats }));
    }
    const deliveries = this.#deliveries;
    for (let i = 0; i < plain.length; i++) {
      const d = plain[i] as Delivery;
      if (this.#dedupe && deliveries.some((x) => x.receiver === d.receiver)) continue;
      deliveries.push(d);
    }
    const d = p.dispatch;
    const children = d === undefined ? p.children : (d.map.get(d.read(event)) ?? d.others);
    for (let i = 0; i < children.length; i++) {
      const c = children[i] as PreparedNode;
      if (this.#visit(c, event, involved) && !c.continue) break;
    }
    return true;
  }

  flushSuppressed(): SuppressedSummary[] {
    const now = this.#now();
    const out: SuppressedSummary[] = [];
    for (const p of this.#throttled) {
      for (const w of p.throttle?.flush(now) ?? []) {
        out.push({ route: p.node.path, name: p.node.name, receivers: p.node.receivers, key: w.key, repeats: w.repeats });
      }
    }
    return out;
  }

  stats(): RouterStats {
    let throttleKeys = 0;
    let throttleEvictions = 0;
    let lostRepeats = 0;
    for (const p of this.#throttled) {
      const t = p.throttle;
      if (t === undefined) continue;
      throttleKeys += t.size;
      throttleEvictions += t.evictions;
      lostRepeats += t.lostRepeats;
    }
    return { throttleKeys, throttleEvictions, lostRepeats };
  }
}

/**
 * A router over a compiled route tree.
 *
 * @param config - The compiled tree and how to run it.
 * @returns The router.
 */
export function createEngine<R extends string>(config: EngineConfig): Router<R> {
  return new Engine(config) as unknown as Router<R>;
}
