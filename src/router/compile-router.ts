/**
 * Compiling a {@link RouterSpec} into a {@link Router}.
 *
 * @module
 */
import type { Condition, EventPredicate, RouteSpec, RouterSpec } from './route-spec.ts';
import type { ConditionContext, EventTest } from './compile-condition.ts';
import type { ChildDispatch, Router, RouteNode } from './route-engine.ts';
import { TOP_LEVEL_STRING_FIELDS, fieldGetter } from './event-fields.ts';
import type { PendingIssue } from './config-issues.ts';
import { allOf, anyOf, compileCondition } from './compile-condition.ts';
import { createEngine } from './route-engine.ts';
import { DEFAULT_THROTTLE_KEY, DEFAULT_THROTTLE_MAX_KEYS, Throttle } from './throttle.ts';
import { parseDuration } from './duration.ts';
import { validateSpec } from './validate-spec.ts';
import { toIssue } from './config-issues.ts';
import { RouterConfigError } from './router-errors.ts';
import { InvalidOptionError } from '../errors.ts';

/**
 * Options of {@link compileRouter} and the builder's `compile()`.
 *
 * @example
 * ```ts
 * const routes = compileRouter(spec, {
 *   predicates: { isCritical: (ev) => ev.type === 'Warning' && ev.count > 10 },
 *   now: () => clock.now(),
 * });
 * ```
 */
export interface CompileRouterOptions {
  /**
   * Predicates that conditions may name (`{ predicate: 'isCritical' }`).
   * @default {}
   */
  readonly predicates?: Readonly<Record<string, EventPredicate>>;
  /**
   * The clock throttle windows and `minAge`/`maxAge` are measured with, in ms since the epoch.
   * @default Date.now
   */
  readonly now?: () => number;
  /**
   * The most keys one throttled route remembers; when full, the oldest window is forgotten (and
   * counted in `stats().throttleEvictions`).
   * @default 4096 (client-go's `maxLruCacheEntries` for its event correlator)
   */
  readonly maxThrottleKeys?: number;
}

/** Resolved options. */
export interface ResolvedCompileOptions {
  /** Predicates by name. */
  readonly predicates: Readonly<Record<string, EventPredicate>>;
  /** The clock. */
  readonly now: () => number;
  /** Max keys per throttled route. */
  readonly maxThrottleKeys: number;
}

/** Checks and fills in the options. */
export function resolveCompileOptions(options: CompileRouterOptions): ResolvedCompileOptions {
  const { predicates = {}, now = Date.now, maxThrottleKeys = DEFAULT_THROTTLE_MAX_KEYS } = options;
  if (typeof now !== 'function') throw new InvalidOptionError('now', 'a function returning ms since the epoch', now);
  if (!Number.isInteger(maxThrottleKeys) || maxThrottleKeys < 1) {
    throw new InvalidOptionError('maxThrottleKeys', 'an integer >= 1', maxThrottleKeys);
  }
  for (const [name, fn] of Object.entries(predicates)) {
    if (typeof fn !== 'function') throw new InvalidOptionError(`predicates.${name}`, 'a function (event, involved) => boolean', fn);
  }
  return { predicates, now, maxThrottleKeys };
}

/** Throws the issues as one {@link RouterConfigError}. */
export function throwIssues(issues: readonly PendingIssue[]): never {
  throw new RouterConfigError(issues.map((i) => toIssue(i)));
}

/** Fields a child index may be built on. */
const DISPATCH_FIELDS = [...TOP_LEVEL_STRING_FIELDS, 'kind'] as const;
/** Below this many routes requiring the same field, a plain scan is as fast. */
const DISPATCH_MIN_ROUTES = 6;

/** The values a condition requires `field` to be one of, when it does (exact strings only). */
function guardOf(condition: Condition | undefined, field: (typeof DISPATCH_FIELDS)[number]): ReadonlySet<string> | undefined {
  if (condition === undefined) return undefined;
  if ('all' in condition) {
    for (const c of condition.all) {
      const g = guardOf(c, field);
      if (g !== undefined) return g;
    }
    return undefined;
  }
  if ('any' in condition || 'not' in condition || 'predicate' in condition) return undefined;
  const m = condition[field];
  if (typeof m === 'string') return new Set([m]);
  if (Array.isArray(m) && m.length > 0 && m.every((x): x is string => typeof x === 'string')) return new Set(m);
  return undefined;
}

/** An index over sibling routes on the field most of them require exact values of, if worth it. */
function dispatchFor(routes: readonly RouteSpec[]): ChildDispatch | undefined {
  let best: { field: (typeof DISPATCH_FIELDS)[number]; guards: (ReadonlySet<string> | undefined)[]; count: number } | undefined;
  for (const field of DISPATCH_FIELDS) {
    const guards = routes.map((r) => guardOf(r.match, field));
    const count = guards.filter((g) => g !== undefined).length;
    if (count >= DISPATCH_MIN_ROUTES && (best === undefined || count > best.count)) best = { field, guards, count };
  }
  if (best === undefined) return undefined;
  const { field, guards } = best;
  const others = guards.flatMap((g, i) => (g === undefined ? [i] : []));
  const map = new Map<string, number[]>();
  for (const g of guards) for (const v of g ?? []) map.set(v, []);
  for (const [value, indices] of map) guards.forEach((g, i) => (g === undefined || g.has(value) ? indices.push(i) : undefined));
  const getter = fieldGetter(field);
  if (getter === undefined) return undefined;
  return { read: (e) => getter(e, undefined) ?? '', map, others };
}

function compileRoute(route: RouteSpec, path: string, ctx: ConditionContext, options: ResolvedCompileOptions): RouteNode {
  const tests: EventTest[] = [];
  if (route.drop !== undefined && route.drop.length > 0) {
    const drop = anyOf(route.drop.map((c, i) => compileCondition(c, ctx, `${path}.drop[${i}]`)));
    tests.push((e, i) => !drop(e, i));
  }
  if (route.match !== undefined) tests.push(compileCondition(route.match, ctx, `${path}.match`));
  const throttle =
    route.throttle === undefined
      ? undefined
      : new Throttle(route.throttle.per ?? DEFAULT_THROTTLE_KEY, parseDuration(route.throttle.window) ?? 0, options.maxThrottleKeys);
  const routes = route.routes ?? [];
  const dispatch = dispatchFor(routes);
  const node: RouteNode = {
    path: path === '' ? 'root' : path,
    name: route.name,
    test: allOf(tests),
    receivers: route.to ?? [],
    throttle,
    continue: route.continue ?? false,
    children: routes.map((r, i) => compileRoute(r, `${path === '' ? '' : `${path}.`}routes[${i}]`, ctx, options)),
  };
  return dispatch === undefined ? node : { ...node, dispatch };
}

/**
 * Compiles a validated, normalized spec (no validation).
 *
 * @param spec - The spec, as `validateSpec` returned it.
 * @param options - Resolved options.
 * @returns The router.
 */
export function compileValidSpec<R extends string>(spec: RouterSpec<R>, options: ResolvedCompileOptions): Router<R> {
  const ctx: ConditionContext = { now: options.now, predicates: options.predicates };
  const root: RouteSpec = { to: spec.to ?? [], routes: spec.routes ?? [] };
  return createEngine<R>({
    drops: (spec.drop ?? []).map((c, i) => ({ path: `drop[${i}]`, test: compileCondition(c, ctx, `drop[${i}]`) })),
    root: compileRoute(root, '', ctx, options),
    dedupeReceivers: true,
    now: options.now,
  });
}

/**
 * Validates a {@link RouterSpec} and compiles it, once, into a fast {@link Router}. The spec may
 * come from the builder (`router()….toSpec()`), from {@link loadRouterConfig}, or be written by
 * hand; it is validated the same way in every case.
 *
 * Semantics: top-level `drop` rules first (any match: `dropped`); then the root sends to its `to`
 * receivers and tries its `routes` in order. A route matches when none of its `drop` conditions
 * and its `match` do; it then sends to its `to`, and tries its own children. The first matching
 * sibling stops the search unless it sets `continue: true`. Each receiver gets an event at most
 * once per decision (the first route that sends it there wins).
 *
 * @param spec - The router spec.
 * @param options - Predicates, clock, throttle bound.
 * @returns The compiled router.
 * @throws {@link RouterConfigError} listing every problem in the spec; `InvalidOptionError` for a bad option.
 *
 * @example
 * ```ts
 * import { compileRouter } from 'kube-events/router';
 *
 * const routes = compileRouter({
 *   receivers: ['alerting', 'archive'],
 *   drop: [{ namespace: { glob: 'test-*' } }, { type: 'Normal' }],
 *   routes: [{ match: { kind: 'Pod', namespace: 'prod', reason: { glob: 'Failed*' } }, to: ['alerting'] }],
 *   to: ['archive'],
 * });
 * routes.decide(event);
 * ```
 */
export function compileRouter<const R extends string>(spec: RouterSpec<R>, options: CompileRouterOptions = {}): Router<R> {
  const resolved = resolveCompileOptions(options);
  const result = validateSpec(spec, { predicates: Object.keys(resolved.predicates) });
  if ('issues' in result) throwIssues(result.issues);
  return compileValidSpec(result.spec as RouterSpec<R>, resolved);
}
