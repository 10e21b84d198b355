/**
 * What a router decides for one event: a discriminated union on `type`, meant to be matched with
 * ts-pattern's `.exhaustive()`.
 *
 * @module
 */

/**
 * One receiver an event goes to, and the route that sent it there.
 *
 * @example
 * ```ts
 * for (const d of decision.deliveries) await sinks[d.receiver].send(event, { repeats: d.repeats });
 * ```
 */
export interface Delivery<R extends string = string> {
  /** The receiver. */
  readonly receiver: R;
  /** The path of the route that sent it: `root`, `routes[1]`, `routes[1].routes[0]`. */
  readonly route: string;
  /** The route's `name`, if it has one. */
  readonly name: string | undefined;
  /**
   * How many repeats of this event the route's throttle suppressed in its last window: attach it
   * to the alert ("and 12 more"). `0` when the route is not throttled or nothing was suppressed.
   */
  readonly repeats: number;
}

/**
 * A throttled route that suppressed this event: a repeat within its window.
 *
 * @example
 * ```ts
 * for (const s of decision.suppressed) metrics.suppressed.inc({ route: s.name ?? s.route });
 * ```
 */
export interface Suppression<R extends string = string> {
  /** The path of the throttled route. */
  readonly route: string;
  /** The route's `name`, if it has one. */
  readonly name: string | undefined;
  /** The receivers (of the route itself) that did not get the event. */
  readonly receivers: readonly R[];
  /** Repeats suppressed in the current window so far, this one included (≥ 1). */
  readonly repeats: number;
}

/**
 * A drop rule matched: nobody gets the event. `rule` is the rule's path (`drop[1]`).
 *
 * @example
 * ```ts
 * if (decision.type === 'dropped') metrics.dropped.inc({ rule: decision.rule });
 * ```
 */
export interface DroppedDecision {
  /** Always `dropped`. */
  readonly type: 'dropped';
  /** The path of the drop rule that matched, e.g. `drop[1]`. */
  readonly rule: string;
}

/**
 * No drop rule matched, but no route sent the event anywhere either.
 *
 * @example
 * ```ts
 * if (decision.type === 'unrouted') metrics.unrouted.inc();
 * ```
 */
export interface UnroutedDecision {
  /** Always `unrouted`. */
  readonly type: 'unrouted';
}

/**
 * The event goes to `deliveries` (at least one). Some throttled routes may have suppressed it at
 * the same time (`suppressed`, often empty).
 *
 * @example
 * ```ts
 * if (decision.type === 'deliver') for (const d of decision.deliveries) console.log(d.receiver);
 * ```
 */
export interface DeliverDecision<R extends string = string> {
  /** Always `deliver`. */
  readonly type: 'deliver';
  /** Where the event goes, in route order. */
  readonly deliveries: readonly Delivery<R>[];
  /** Throttled routes that suppressed it. */
  readonly suppressed: readonly Suppression<R>[];
}

/**
 * Every route that matched was throttled: the event is a repeat and goes nowhere, but is counted
 * (the count rides on the next event that passes).
 *
 * @example
 * ```ts
 * if (decision.type === 'suppressed') console.log(`repeat #${decision.suppressed[0]?.repeats}`);
 * ```
 */
export interface SuppressedDecision<R extends string = string> {
  /** Always `suppressed`. */
  readonly type: 'suppressed';
  /** The throttled routes that suppressed it (at least one). */
  readonly suppressed: readonly Suppression<R>[];
}

/**
 * What a router decides for one event.
 *
 * | `type` | meaning |
 * | --- | --- |
 * | `dropped` | a drop rule matched (`rule` says which) |
 * | `unrouted` | nothing dropped it, nothing sent it anywhere |
 * | `deliver` | it goes to `deliveries` (some throttled routes may have `suppressed` it) |
 * | `suppressed` | every matching route was throttled: a counted repeat |
 *
 * @example
 * ```ts
 * import { match } from 'ts-pattern';
 *
 * const receivers = match(routes.decide(event))
 *   .with({ type: 'deliver' }, (d) => d.deliveries.map((x) => x.receiver))
 *   .with({ type: 'dropped' }, { type: 'unrouted' }, { type: 'suppressed' }, () => [])
 *   .exhaustive();
 * ```
 */
export type Decision<R extends string = string> = DroppedDecision | UnroutedDecision | DeliverDecision<R> | SuppressedDecision<R>;

/**
 * The repeats a throttled route suppressed in a window that has ended, which no later event
 * carried (see `Router.flushSuppressed`).
 *
 * @example
 * ```ts
 * for (const s of routes.flushSuppressed()) console.log(`${s.route}: ${s.repeats} more of ${s.key.join('/')}`);
 * ```
 */
export interface SuppressedSummary<R extends string = string> {
  /** The path of the throttled route. */
  readonly route: string;
  /** The route's `name`, if it has one. */
  readonly name: string | undefined;
  /** The route's receivers. */
  readonly receivers: readonly R[];
  /** The values of the route's throttle key fields (`undefined` for an absent label). */
  readonly key: readonly (string | undefined)[];
  /** How many repeats were suppressed. */
  readonly repeats: number;
}
