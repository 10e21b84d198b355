/**
 * The plain, serializable data a router is made of. The builder ({@link router}) and the YAML
 * loader ({@link loadRouterConfig}) both produce a {@link RouterSpec}, and both are checked by
 * the same validation, so a route reads and behaves the same whichever way it was written.
 *
 * ## How values are matched (the one anchoring rule)
 *
 * - A **string** matches only the whole value, exactly: `reason: 'Failed'` does not match
 *   `FailedMount`.
 * - A **glob** (`{ glob: 'Failed*' }`) matches the whole value too: `*` is any run of characters
 *   (also none), `?` one character, `\` escapes the next one. Case-sensitive.
 * - A **regular expression** (`/^test-/` in the DSL, `{ regex: '^test-' }` in YAML) is tested
 *   exactly as JavaScript's `RegExp.prototype.test` does: **unanchored**, it matches anywhere in
 *   the value unless you write `^` and `$` yourself. `/test/` matches `contest`.
 * - An **array** matches when any of its items does; `{ not: m }` when `m` does not.
 *
 * A field the event leaves out is `''` (see `KubeEventFields`); a label or annotation that is
 * absent matches nothing but `{ exists: false }` and negations (`{ not: 'x' }`).
 *
 * @module
 */
import type { KubeEvent } from '../stream/kube-event.ts';
import type { EventReference } from '../stream/event-reference.ts';

/**
 * An owner of the involved object, as in `metadata.ownerReferences`.
 *
 * @example
 * ```ts
 * const owner: OwnerReference = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-6d4cf56db6', uid: '…', controller: true };
 * ```
 */
export interface OwnerReference {
  /** API version of the owner, e.g. `apps/v1`. */
  readonly apiVersion: string;
  /** Kind of the owner, e.g. `ReplicaSet`. */
  readonly kind: string;
  /** Name of the owner. */
  readonly name: string;
  /** UID of the owner. */
  readonly uid: string;
  /** Whether the owner is the managing controller. */
  readonly controller?: boolean;
}

/**
 * What enrichment knows about the object an event is about (`event.regarding`): its labels,
 * annotations and owners. The router never fetches it; whoever enriches events (the exporter part)
 * passes it beside the event: `routes.decide(event, involved)`. Every field is optional; a router
 * given no `involved` sees no labels and no annotations, so `involved.labels` matchers do not
 * match (except `{ exists: false }` and negations).
 *
 * @example
 * ```ts
 * const involved: InvolvedObject = { labels: { app: 'web', team: 'payments' }, annotations: {} };
 * routes.decide(event, involved);
 * ```
 */
export interface InvolvedObject {
  /** `metadata.labels` of the involved object. */
  readonly labels?: Readonly<Record<string, string>>;
  /** `metadata.annotations` of the involved object. */
  readonly annotations?: Readonly<Record<string, string>>;
  /** `metadata.ownerReferences` of the involved object. */
  readonly ownerReferences?: readonly OwnerReference[];
}

/**
 * The escape hatch: a function deciding whether an event matches. It must not throw (a throw is
 * reported as a `RoutePredicateError`) and should be fast: it runs on every decision that
 * reaches it. A condition holding a function is not serializable; register it by name instead
 * (`compileRouter(spec, { predicates: { isCritical } })` and `{ predicate: 'isCritical' }`) to
 * keep the config plain data.
 *
 * @example
 * ```ts
 * const isNodeEvent: EventPredicate = (ev) => ev.regarding.kind === 'Node' && ev.source.host !== '';
 * ```
 */
export type EventPredicate = (event: KubeEvent, involved: InvolvedObject | undefined) => boolean;

/**
 * A regular expression as data. Tested like `RegExp.prototype.test`: unanchored (write `^…$` to
 * match the whole value). `flags` may hold `i`, `m`, `s`, `u` (not `g` or `y`, which make `test`
 * stateful).
 *
 * @example
 * ```ts
 * const testNamespaces: RegexMatcher = { regex: '^test-' };
 * ```
 */
export interface RegexMatcher {
  /** The pattern, as `RegExp#source`. */
  readonly regex: string;
  /** Flags, a subset of `imsu`. @default '' */
  readonly flags?: string;
}

/**
 * A glob pattern, matched against the whole value: `*` any run of characters, `?` exactly one,
 * `\` escapes the next character. Case-sensitive.
 *
 * @example
 * ```ts
 * const failures: GlobMatcher = { glob: 'Failed*' };
 * ```
 */
export interface GlobMatcher {
  /** The pattern. */
  readonly glob: string;
}

/**
 * Whether a label or annotation is present (`true`) or absent (`false`), whatever its value.
 * Only valid under `labels`, `annotations` and `involved`.
 *
 * @example
 * ```ts
 * const unowned = { involved: { labels: { team: { exists: false } } } };
 * ```
 */
export interface ExistsMatcher {
  /** `true`: the key must be present; `false`: it must be absent. */
  readonly exists: boolean;
}

/**
 * A matcher tree over a leaf type: the leaf itself, an array (any of), or `{ not }`.
 *
 * @example
 * ```ts
 * const m: MatcherOf<string> = ['Pulled', { not: 'Created' }];
 * ```
 */
export type MatcherOf<Leaf> =
  | Leaf
  | {
      /** Matches when this matcher does not. */
      readonly not: MatcherOf<Leaf>;
    }
  | readonly MatcherOf<Leaf>[];

/**
 * How a string field is matched, as plain data: an exact string, `{ regex }`, `{ glob }`, an array
 * (any of) or `{ not }`. See the module docs for the anchoring rule.
 *
 * @example
 * ```ts
 * const reason: StringMatcher = [{ glob: 'Failed*' }, 'BackOff'];
 * ```
 */
export type StringMatcher = MatcherOf<string | RegexMatcher | GlobMatcher>;

/**
 * A {@link StringMatcher} as the builder accepts it: also a `RegExp`, which becomes
 * `{ regex: re.source, flags: re.flags }` in the spec.
 *
 * @example
 * ```ts
 * const ns: StringMatcherInput = /^test-/;
 * ```
 */
export type StringMatcherInput = MatcherOf<string | RegExp | RegexMatcher | GlobMatcher>;

/**
 * How a label or annotation value is matched: a {@link StringMatcher} or `{ exists }`.
 *
 * @example
 * ```ts
 * const team: LabelMatcher = { exists: true };
 * ```
 */
export type LabelMatcher = MatcherOf<string | RegexMatcher | GlobMatcher | ExistsMatcher>;

/**
 * A {@link LabelMatcher} as the builder accepts it (also a `RegExp`).
 *
 * @example
 * ```ts
 * const version: LabelMatcherInput = /^v2\./;
 * ```
 */
export type LabelMatcherInput = MatcherOf<string | RegExp | RegexMatcher | GlobMatcher | ExistsMatcher>;

/**
 * A duration: a number of milliseconds, or a string of one or more `<number><unit>` parts with
 * units `ms`, `s`, `m`, `h`, `d` (`'500ms'`, `'10s'`, `'10m'`, `'1h30m'`).
 *
 * @example
 * ```ts
 * const window: Duration = '10m';
 * ```
 */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}${string}`;

/**
 * Matchers over the fields of an `EventReference` (`regarding`, `related`).
 *
 * @example
 * ```ts
 * const pods: ReferenceMatchOf<StringMatcher> = { kind: 'Pod', namespace: 'prod' };
 * ```
 */
export type ReferenceMatchOf<S> = { readonly [K in keyof EventReference]?: S };

/**
 * Matchers over event fields; every key given must match (AND). Field names are those of
 * `KubeEvent`, plus `kind` (short for `regarding.kind`), the involved object's `involved.labels`
 * and `involved.annotations` (from enrichment, see {@link InvolvedObject}), `minCount`/`maxCount`
 * (over `event.count`, inclusive) and `minAge`/`maxAge` (the time since the event last happened:
 * `series.lastObservedTime`, else `lastTimestamp`, else `eventTime`, else `firstTimestamp`, else
 * `creationTimestamp`; an event with none of them matches no age bound).
 *
 * @example
 * ```ts
 * const m: EventMatchOf<StringMatcher, LabelMatcher> = {
 *   type: 'Warning', kind: 'Pod', namespace: 'prod', reason: { glob: 'Failed*' },
 *   involved: { labels: { team: 'payments' } }, minCount: 3, maxAge: '10m',
 * };
 * ```
 */
export interface EventMatchOf<S, L> {
  /** The API the event was read from: `core/v1` or `events.k8s.io/v1`. */
  readonly api?: S;
  /** The Event's `metadata.uid`. */
  readonly uid?: S;
  /** The Event object's own name (not the involved object's: that is `regarding.name`). */
  readonly name?: S;
  /** The Event's namespace. */
  readonly namespace?: S;
  /** The Event's resourceVersion. */
  readonly resourceVersion?: S;
  /** `Normal`, `Warning`, …. */
  readonly type?: S;
  /** The reason, e.g. `BackOff`. */
  readonly reason?: S;
  /** The action, e.g. `Binding`. */
  readonly action?: S;
  /** The message (core `message`, events.k8s.io `note`). */
  readonly message?: S;
  /** The reporting controller. */
  readonly reportingController?: S;
  /** The reporting instance. */
  readonly reportingInstance?: S;
  /** Short for `regarding.kind`: the involved object's kind. */
  readonly kind?: S;
  /** The involved object's reference fields. */
  readonly regarding?: ReferenceMatchOf<S>;
  /** The related object's reference fields (all `''` when the event has none). */
  readonly related?: ReferenceMatchOf<S>;
  /** The deprecated source. */
  readonly source?: {
    /** `source.component`. */
    readonly component?: S;
    /** `source.host`. */
    readonly host?: S;
  };
  /** The Event object's own labels. */
  readonly labels?: Readonly<Record<string, L>>;
  /** The Event object's own annotations. */
  readonly annotations?: Readonly<Record<string, L>>;
  /** The involved object's labels and annotations, when the event was enriched. */
  readonly involved?: {
    /** The involved object's labels. */
    readonly labels?: Readonly<Record<string, L>>;
    /** The involved object's annotations. */
    readonly annotations?: Readonly<Record<string, L>>;
  };
  /** `event.count >= minCount`. */
  readonly minCount?: number;
  /** `event.count <= maxCount`. */
  readonly maxCount?: number;
  /** The event last happened at least this long ago. */
  readonly minAge?: Duration;
  /** The event last happened at most this long ago. */
  readonly maxAge?: Duration;
}

/**
 * A condition: field matchers (all must match), or exactly one combinator — `{ all: [...] }`,
 * `{ any: [...] }`, `{ not: c }` — or `{ predicate }` (a registered name, or a function).
 *
 * @example
 * ```ts
 * const c: ConditionOf<StringMatcher, LabelMatcher> = { any: [{ type: 'Warning' }, { not: { reason: 'Pulled' } }] };
 * ```
 */
export type ConditionOf<S, L> =
  | EventMatchOf<S, L>
  | {
      /** Holds when every condition does (vacuously for none). */
      readonly all: readonly ConditionOf<S, L>[];
    }
  | {
      /** Holds when at least one condition does (never for none). */
      readonly any: readonly ConditionOf<S, L>[];
    }
  | {
      /** Holds when the condition does not. */
      readonly not: ConditionOf<S, L>;
    }
  | {
      /** A registered predicate's name, or a function. */
      readonly predicate: string | EventPredicate;
    };

/**
 * A condition as plain data (what a {@link RouterSpec} holds).
 *
 * @example
 * ```ts
 * const warningsInProd: Condition = { type: 'Warning', namespace: 'prod' };
 * ```
 */
export type Condition = ConditionOf<StringMatcher, LabelMatcher>;

/**
 * A condition as the builder accepts it (RegExps allowed).
 *
 * @example
 * ```ts
 * const testNamespaces: ConditionInput = { namespace: /^test-/ };
 * ```
 */
export type ConditionInput = ConditionOf<StringMatcherInput, LabelMatcherInput>;

/**
 * The fields of an `EventReference`, as throttle-key paths take them.
 *
 * @example
 * ```ts
 * const f: ReferenceField = 'fieldPath';
 * ```
 */
export type ReferenceField = keyof EventReference;

/**
 * A path to one string of an event, as throttle keys (`per`) name them: a string field of
 * `KubeEvent`, `kind` (= `regarding.kind`), `regarding.<field>`, `related.<field>`,
 * `source.component`, `source.host`, `labels.<key>`, `annotations.<key>`,
 * `involved.labels.<key>`, `involved.annotations.<key>`.
 *
 * @example
 * ```ts
 * const per: FieldPath[] = ['namespace', 'regarding.name', 'involved.labels.team'];
 * ```
 */
export type FieldPath =
  | 'api'
  | 'uid'
  | 'name'
  | 'namespace'
  | 'resourceVersion'
  | 'type'
  | 'reason'
  | 'action'
  | 'message'
  | 'reportingController'
  | 'reportingInstance'
  | 'kind'
  | `regarding.${ReferenceField}`
  | `related.${ReferenceField}`
  | 'source.component'
  | 'source.host'
  | `labels.${string}`
  | `annotations.${string}`
  | `involved.labels.${string}`
  | `involved.annotations.${string}`;

/**
 * Throttling (dedup) of one route. Events are grouped by the values of the `per` fields; in each
 * group the first event passes and opens a window; repeats within the window are suppressed and
 * counted; the first event after the window passes with that count attached (`repeats` of its
 * deliveries) and opens a new window.
 *
 * @example
 * ```ts
 * const t: ThrottleSpec = { per: ['namespace', 'regarding.name', 'reason'], window: '10m' };
 * ```
 */
export interface ThrottleSpec {
  /**
   * The fields whose values make up the dedup key.
   * @default client-go's event-correlator key (tools/record/events_cache.go `getEventKey`):
   * `source.component`, `source.host`, `regarding.kind`, `regarding.namespace`, `regarding.name`,
   * `regarding.fieldPath`, `regarding.uid`, `regarding.apiVersion`, `type`, `reason`, `message`
   */
  readonly per?: readonly FieldPath[];
  /** How long repeats are suppressed after an event passes. */
  readonly window: Duration;
}

/**
 * One route: when the event matches (`match` holds and no `drop` does), it is sent to the route's
 * receivers (`to`) and tried against its child `routes`. Siblings are tried in order and the first
 * matching one wins, unless it sets `continue: true`, in which case the next siblings are tried too.
 *
 * @example
 * ```ts
 * const r: RouteSpec<'opsgenie'> = { match: { type: 'Warning', kind: 'Pod' }, to: ['opsgenie'], continue: true };
 * ```
 */
export interface RouteSpec<R extends string = string> {
  /** A name for the route, reported in decisions. @default the route's path, e.g. `routes[1]` */
  readonly name?: string;
  /** When the route applies. @default every event */
  readonly match?: Condition;
  /** Conditions that exclude an event from this route (and its children), checked before `match`. @default none */
  readonly drop?: readonly Condition[];
  /** The receivers an event that matches this route is sent to. @default none */
  readonly to?: readonly R[];
  /** Throttling of this route (its receivers and its children). @default none */
  readonly throttle?: ThrottleSpec;
  /** After this route matched, try its next siblings too. @default false (stop at the first match) */
  readonly continue?: boolean;
  /** Child routes, tried when this route matched. @default none */
  readonly routes?: readonly RouteSpec<R>[];
}

/**
 * A whole router as plain data: `drop` rules checked first (any match drops the event), then the
 * root's receivers (`to`, which get every event not dropped) and its `routes`.
 *
 * @example
 * ```ts
 * const spec: RouterSpec<'alerting' | 'archive'> = {
 *   receivers: ['alerting', 'archive'],
 *   drop: [{ namespace: { glob: 'test-*' } }, { type: 'Normal' }],
 *   routes: [{ match: { kind: 'Pod', namespace: 'prod', reason: { glob: 'Failed*' } }, to: ['alerting'] }],
 *   to: ['archive'],
 * };
 * ```
 */
export interface RouterSpec<R extends string = string> {
  /** The receivers routes may send to; when given, any other name is a config error. @default any name */
  readonly receivers?: readonly R[];
  /** Conditions that drop an event before any route sees it. @default none */
  readonly drop?: readonly Condition[];
  /** Receivers of every event that is not dropped. @default none */
  readonly to?: readonly R[];
  /** The routes, tried in order (first match wins unless a route sets `continue`). @default none */
  readonly routes?: readonly RouteSpec<R>[];
}
