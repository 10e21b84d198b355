/**
 * `kube-events/router`: match, drop and fan Kubernetes events out to receivers, with a typed
 * builder DSL and a YAML form that produce the same plain data, per-route throttling, Handlebars
 * payload layouts, and a kubernetes-event-exporter compatibility mode.
 *
 * Matching follows one anchoring rule everywhere: strings and globs match the whole value,
 * RegExps are tested as `RegExp#test` does (unanchored; write `^…$`).
 *
 * @example
 * ```ts
 * import { router, glob } from 'kube-events/router';
 * import { match } from 'ts-pattern';
 *
 * const routes = router({ receivers: ['alerting', 'archive'] })
 *   .drop({ namespace: glob('test-*') })
 *   .drop({ type: 'Normal' })
 *   .route((r) => r.match({ kind: 'Pod', namespace: 'prod', reason: glob('Failed*') }).to('alerting'))
 *   .to('archive')
 *   .compile();
 *
 * match(routes.decide(event))
 *   .with({ type: 'deliver' }, (d) => d.deliveries.forEach((x) => send(x.receiver, event)))
 *   .with({ type: 'dropped' }, { type: 'unrouted' }, { type: 'suppressed' }, () => {})
 *   .exhaustive();
 * ```
 *
 * @packageDocumentation
 */
export { router, glob, regex, not, all, any, where } from './router-builder.ts';
export type { RouterBuilder, RouteBuilder, RouterOptions } from './router-builder.ts';
export { compileRouter } from './compile-router.ts';
export type { CompileRouterOptions } from './compile-router.ts';
export type { Router, RouterStats } from './route-engine.ts';
export type {
  Decision,
  DeliverDecision,
  DroppedDecision,
  SuppressedDecision,
  UnroutedDecision,
  Delivery,
  Suppression,
  SuppressedSummary,
} from './decision.ts';
export type {
  RouterSpec,
  RouteSpec,
  ThrottleSpec,
  Condition,
  ConditionInput,
  ConditionOf,
  EventMatchOf,
  ReferenceMatchOf,
  StringMatcher,
  StringMatcherInput,
  LabelMatcher,
  LabelMatcherInput,
  MatcherOf,
  RegexMatcher,
  GlobMatcher,
  ExistsMatcher,
  Duration,
  FieldPath,
  ReferenceField,
  EventPredicate,
  InvolvedObject,
  OwnerReference,
} from './route-spec.ts';
export { parseDuration } from './duration.ts';
export { DEFAULT_THROTTLE_KEY, DEFAULT_THROTTLE_MAX_KEYS } from './throttle.ts';
export { RouterConfigError, LayoutError, UnsupportedGoTemplateError, RoutePredicateError } from './router-errors.ts';
export type { RouterConfigIssue, RouterConfigIssueCode } from './router-errors.ts';
export { compileLayout, sampleEvent } from './templates/compile-layout.ts';
export type { CompileLayoutOptions, LayoutRenderer, RenderContext } from './templates/compile-layout.ts';
export type { Layout, Payload } from './templates/layout-engine.ts';
export { loadRouterConfig } from './load-router-config.ts';
export type { RouterConfig, ReceiverConfig, LoadRouterConfigOptions } from './load-router-config.ts';
export { loadExporterConfig } from './exporter/exporter-config.ts';
export type { ExporterConfig, ExporterRoute, ExporterRule, ExporterReceiver, LoadExporterConfigOptions } from './exporter/exporter-config.ts';
export { compileExporterRoute } from './exporter/compile-exporter-route.ts';
export type { CompileExporterRouteOptions } from './exporter/compile-exporter-route.ts';
export { compileExporterLayout, exporterEventJson } from './exporter/exporter-layout.ts';
export type { ExporterLayoutRenderer, CompileExporterLayoutOptions } from './exporter/exporter-layout.ts';
export { translateGoTemplate } from './exporter/go-template.ts';
export { translateGoRegexp } from './exporter/go-regexp.ts';
export type { GoRegexpTranslation } from './exporter/go-regexp.ts';
