/**
 * The typed builder DSL: `router().drop(…).route(r => r.match(…).to(…)).to('archive')`. It only
 * builds a {@link RouterSpec} (plain data); `toSpec()` validates it exactly as YAML configs are
 * validated, and `compile()` compiles it once into a {@link Router}.
 *
 * @module
 */
import type { Condition, ConditionInput, EventPredicate, GlobMatcher, RegexMatcher, RouteSpec, RouterSpec, ThrottleSpec } from './route-spec.ts';
import type { Router } from './route-engine.ts';
import type { CompileRouterOptions } from './compile-router.ts';
import { compileValidSpec, resolveCompileOptions, throwIssues } from './compile-router.ts';
import { validateSpec } from './validate-spec.ts';

/**
 * Options of {@link router}.
 *
 * @example
 * ```ts
 * const b = router({ receivers: ['opsgenie', 'slack', 'archive'], predicates: { isNode: (ev) => ev.regarding.kind === 'Node' } });
 * ```
 */
export interface RouterOptions<R extends string> {
  /**
   * The receivers routes may send to. Given as a literal list, `.to()` accepts only these names
   * (a type error otherwise) and the spec is checked against them.
   * @default any name
   */
  readonly receivers?: readonly R[];
  /**
   * Predicates conditions may name with `{ predicate: 'name' }`.
   * @default {}
   */
  readonly predicates?: Readonly<Record<string, EventPredicate>>;
}

/**
 * Builds one route. Every method returns a new builder; the callback of `.route()` returns the
 * last one.
 *
 * @example
 * ```ts
 * router().route((r) => r.name('prod-pods').match({ kind: 'Pod', namespace: 'prod' }).throttle({ window: '10m' }).to('opsgenie'));
 * ```
 */
export interface RouteBuilder<R extends string> {
  /** Names the route (reported in decisions). */
  name(name: string): RouteBuilder<R>;
  /** Adds a condition the event must meet; several `match` calls must all hold. */
  match(condition: ConditionInput): RouteBuilder<R>;
  /** Adds a condition that excludes an event from this route and its children (checked first). */
  drop(condition: ConditionInput): RouteBuilder<R>;
  /** Adds receivers the route sends matching events to. */
  to(...receivers: readonly [R, ...R[]]): RouteBuilder<R>;
  /** Throttles the route: per key, the first event passes, repeats within `window` are counted. */
  throttle(throttle: ThrottleSpec): RouteBuilder<R>;
  /** After this route matched, keep trying its next siblings (default: stop at the first match). */
  continue(): RouteBuilder<R>;
  /** Adds a child route, tried when this route matched. */
  route(build: (route: RouteBuilder<R>) => RouteBuilder<R>): RouteBuilder<R>;
  /** The route as plain data (not validated on its own: the router's `toSpec()` validates). */
  toSpec(): RouteSpec<R>;
}

/**
 * Builds a router. Every method returns a new builder, so a partly built router can be shared
 * and extended.
 *
 * @example
 * ```ts
 * const base = router({ receivers: ['opsgenie', 'archive'] }).drop({ namespace: /^test-/ });
 * const routes = base.route((r) => r.match({ type: 'Warning' }).to('opsgenie')).to('archive').compile();
 * ```
 */
export interface RouterBuilder<R extends string> {
  /** Adds a drop rule: an event matching it goes nowhere (checked before any route). */
  drop(condition: ConditionInput): RouterBuilder<R>;
  /** Adds a route, tried in order after the drop rules. */
  route(build: (route: RouteBuilder<R>) => RouteBuilder<R>): RouterBuilder<R>;
  /** Sends every event that is not dropped to these receivers. */
  to(...receivers: readonly [R, ...R[]]): RouterBuilder<R>;
  /**
   * The router as validated, plain, serializable data — the same a YAML config of the same routes
   * loads to (RegExps become `{ regex, flags }`).
   * @throws {@link RouterConfigError} listing every problem.
   */
  toSpec(): RouterSpec<R>;
  /**
   * Validates and compiles the router, once.
   * @throws {@link RouterConfigError} listing every problem.
   */
  compile(options?: Omit<CompileRouterOptions, 'predicates'>): Router<R>;
}

interface RouteData {
  readonly name?: string;
  readonly match: readonly ConditionInput[];
  readonly drop: readonly ConditionInput[];
  readonly to: readonly string[];
  readonly throttle?: ThrottleSpec;
  readonly continue: boolean;
  readonly routes: readonly RouteData[];
}

const EMPTY_ROUTE: RouteData = { match: [], drop: [], to: [], continue: false, routes: [] };

function routeSpecOf(d: RouteData): RouteSpec {
  const out: { -readonly [K in keyof RouteSpec]: RouteSpec[K] } = {};
  if (d.name !== undefined) out.name = d.name;
  const [first, ...rest] = d.match;
  if (first !== undefined) out.match = (rest.length === 0 ? first : { all: d.match }) as Condition;
  if (d.drop.length > 0) out.drop = d.drop as Condition[];
  if (d.to.length > 0) out.to = d.to;
  if (d.throttle !== undefined) out.throttle = d.throttle;
  if (d.continue) out.continue = true;
  if (d.routes.length > 0) out.routes = d.routes.map(routeSpecOf);
  return out;
}

class RouteBuilderImpl implements RouteBuilder<string> {
  readonly data: RouteData;

  constructor(data: RouteData) {
    this.data = data;
  }

  name(name: string): RouteBuilderImpl {
    return new RouteBuilderImpl({ ...this.data, name });
  }

  match(condition: ConditionInput): RouteBuilderImpl {
    return new RouteBuilderImpl({ ...this.data, match: [...this.data.match, condition] });
  }

  drop(condition: ConditionInput): RouteBuilderImpl {
    return new RouteBuilderImpl({ ...this.data, drop: [...this.data.drop, condition] });
  }

  to(...receivers: readonly [string, ...string[]]): RouteBuilderImpl {
    return new RouteBuilderImpl({ ...this.data, to: [...this.data.to, ...receivers] });
  }

  throttle(throttle: ThrottleSpec): RouteBuilderImpl {
    return new RouteBuilderImpl({ ...this.data, throttle });
  }

  continue(): RouteBuilderImpl {
    return new RouteBuilderImpl({ ...this.data, continue: true });
  }

  route(build: (route: RouteBuilder<string>) => RouteBuilder<string>): RouteBuilderImpl {
    return new RouteBuilderImpl({ ...this.data, routes: [...this.data.routes, buildRoute(build)] });
  }

  toSpec(): RouteSpec {
    return routeSpecOf(this.data);
  }
}

function buildRoute(build: (route: RouteBuilder<string>) => RouteBuilder<string>): RouteData {
  const built = build(new RouteBuilderImpl(EMPTY_ROUTE));
  if (!(built instanceof RouteBuilderImpl)) {
    throw new TypeError('The callback of .route() must return the route builder it was given (e.g. `r => r.match(...).to(...)`)');
  }
  return built.data;
}

interface RouterData {
  readonly receivers: readonly string[] | undefined;
  readonly predicates: Readonly<Record<string, EventPredicate>>;
  readonly drop: readonly ConditionInput[];
  readonly to: readonly string[];
  readonly routes: readonly RouteData[];
}

class RouterBuilderImpl implements RouterBuilder<string> {
  readonly #data: RouterData;

  constructor(data: RouterData) {
    this.#data = data;
  }

  drop(condition: ConditionInput): RouterBuilderImpl {
    return new RouterBuilderImpl({ ...this.#data, drop: [...this.#data.drop, condition] });
  }

  route(build: (route: RouteBuilder<string>) => RouteBuilder<string>): RouterBuilderImpl {
    return new RouterBuilderImpl({ ...this.#data, routes: [...this.#data.routes, buildRoute(build)] });
  }

  to(...receivers: readonly [string, ...string[]]): RouterBuilderImpl {
    return new RouterBuilderImpl({ ...this.#data, to: [...this.#data.to, ...receivers] });
  }

  #rawSpec(): RouterSpec {
    const d = this.#data;
    const out: { -readonly [K in keyof RouterSpec]: RouterSpec[K] } = {};
    if (d.receivers !== undefined) out.receivers = d.receivers;
    if (d.drop.length > 0) out.drop = d.drop as Condition[];
    if (d.to.length > 0) out.to = d.to;
    if (d.routes.length > 0) out.routes = d.routes.map(routeSpecOf);
    return out;
  }

  toSpec(): RouterSpec {
    const result = validateSpec(this.#rawSpec(), { predicates: Object.keys(this.#data.predicates) });
    if ('issues' in result) throwIssues(result.issues);
    return result.spec;
  }

  compile(options: Omit<CompileRouterOptions, 'predicates'> = {}): Router {
    const resolved = resolveCompileOptions({ ...options, predicates: this.#data.predicates });
    return compileValidSpec(this.toSpec(), resolved);
  }
}

/**
 * Starts a router: a typed builder of plain route data.
 *
 * - `.drop(condition)`: events matching any drop rule go nowhere (checked first).
 * - `.route(r => r.match(…).to(…))`: routes, tried in order; the first that matches wins unless
 *   it calls `.continue()`. Routes nest (`r.route(…)`), can have their own `.drop(…)` and a
 *   `.throttle({ per, window })`.
 * - `.to(…)`: receivers of every event that is not dropped (fan-out: an event can go to the
 *   root's receivers and a route's).
 *
 * Matching follows one anchoring rule (see {@link RouterSpec}'s module docs): strings and globs
 * match whole values; RegExps are tested as `RegExp#test` does (unanchored: write `^…$`).
 *
 * @param options - Declared receivers (typed: `.to()` then only accepts them) and named predicates.
 * @returns The builder.
 *
 * @example
 * ```ts
 * import { router, glob } from 'kube-events/router';
 *
 * const routes = router({ receivers: ['opsgenie', 'slack', 'archive'] })
 *   .drop({ namespace: /^test-/ })
 *   .drop({ type: 'Normal', reason: ['Pulled', 'Created', 'Started'] })
 *   .route((r) => r.match({ type: 'Warning', kind: 'Pod', namespace: 'prod' }).to('opsgenie'))
 *   .route((r) => r.match({ reason: glob('FailedSched*') }).throttle({ per: ['namespace', 'regarding.name'], window: '10m' }).to('slack'))
 *   .to('archive')
 *   .compile();
 * ```
 */
export function router<const R extends string = string>(options: RouterOptions<R> = {}): RouterBuilder<R> {
  return new RouterBuilderImpl({
    receivers: options.receivers,
    predicates: options.predicates ?? {},
    drop: [],
    to: [],
    routes: [],
  }) as unknown as RouterBuilder<R>;
}

/**
 * A glob matcher: `*` any run of characters, `?` one, matched against the whole value.
 *
 * @param pattern - The glob.
 * @returns `{ glob: pattern }`.
 *
 * @example
 * ```ts
 * router().route((r) => r.match({ reason: glob('Failed*') }).to('alerts'));
 * ```
 */
export function glob(pattern: string): GlobMatcher {
  return { glob: pattern };
}

/**
 * A regex matcher as data (what a `RegExp` becomes in a spec). Unanchored, like `RegExp#test`.
 *
 * @param source - The pattern.
 * @param flags - Flags from `imsu`.
 * @returns `{ regex, flags }`.
 *
 * @example
 * ```ts
 * router().drop({ namespace: regex('^test-', 'i') });
 * ```
 */
export function regex(source: string, flags = ''): RegexMatcher {
  return flags === '' ? { regex: source } : { regex: source, flags };
}

/**
 * Negates a matcher or a condition.
 *
 * @param inner - A string matcher (`not('Normal')`) or a whole condition (`not({ kind: 'Pod' })`).
 * @returns `{ not: inner }`.
 *
 * @example
 * ```ts
 * router().route((r) => r.match({ type: not('Normal'), kind: 'Pod' }).to('alerts'));
 * ```
 */
export function not<const T>(inner: T): {
  /** The negated matcher or condition. */
  readonly not: T;
} {
  return { not: inner };
}

/**
 * A condition that holds when all of `conditions` do.
 *
 * @param conditions - The conditions.
 * @returns `{ all: conditions }`.
 *
 * @example
 * ```ts
 * router().route((r) => r.match(all({ kind: 'Pod' }, not({ reason: 'Pulled' }))).to('alerts'));
 * ```
 */
export function all<const T extends readonly ConditionInput[]>(
  ...conditions: T
): {
  /** The conditions that must all hold. */
  readonly all: T;
} {
  return { all: conditions };
}

/**
 * A condition that holds when any of `conditions` does.
 *
 * @param conditions - The conditions.
 * @returns `{ any: conditions }`.
 *
 * @example
 * ```ts
 * router().route((r) => r.match(any({ type: 'Warning' }, { minCount: 10 })).to('alerts'));
 * ```
 */
export function any<const T extends readonly ConditionInput[]>(
  ...conditions: T
): {
  /** The conditions of which one must hold. */
  readonly any: T;
} {
  return { any: conditions };
}

/**
 * The escape hatch: a condition decided by a function (or a registered predicate's name). A spec
 * holding a function is not serializable; register predicates by name to keep it plain data.
 *
 * @param predicate - The function, or the name of a predicate registered with `router({ predicates })`.
 * @returns `{ predicate }`.
 *
 * @example
 * ```ts
 * router().route((r) => r.match(where((ev) => ev.message.length > 500)).to('long-messages'));
 * ```
 */
export function where(predicate: string | EventPredicate): {
  /** The function, or a registered predicate's name. */
  readonly predicate: string | EventPredicate;
} {
  return { predicate };
}
