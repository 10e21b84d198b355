/**
 * Routing exactly as kubernetes-event-exporter does, on the same engine as our own routes.
 *
 * @module
 */
import type { KubeEvent } from '../../stream/kube-event.ts';
import type { EventTest } from '../compile-condition.ts';
import { allOf, anyOf } from '../compile-condition.ts';
import type { Router, RouteNode, DropNode } from '../route-engine.ts';
import { createEngine } from '../route-engine.ts';
import { ownValue } from '../event-fields.ts';
import { InvalidOptionError } from '../../errors.ts';
import { translateGoRegexp } from './go-regexp.ts';
import type { ExporterConfig, ExporterRoute, ExporterRule } from './exporter-config.ts';

const NEVER: EventTest = () => false;

function regexTest(pattern: string, read: (e: KubeEvent) => string): EventTest {
  const t = translateGoRegexp(pattern);
  // Only reachable with onInvalidRegex: 'never-match': Go's MatchString fails and the rule never matches.
  if (!t.ok) return NEVER;
  const re = t.regexp;
  return (e) => re.test(read(e));
}

/**
 * The core/v1 `count` the exporter compares `minCount` with: `count` of a core/v1 Event,
 * `deprecatedCount` of an events.k8s.io one (what the exporter's core/v1 watch sees), 0 when absent.
 */
function exporterCount(e: KubeEvent): number {
  const raw = e.raw as Record<string, unknown>;
  const c = e.api === 'core/v1' ? raw.count : raw.deprecatedCount;
  return typeof c === 'number' ? c : 0;
}

/** Rule.MatchesEvent (pkg/exporter/rule.go): every non-empty field, labels, annotations, minCount. */
function compileRule(rule: ExporterRule): EventTest {
  const tests: EventTest[] = [];
  const fields: readonly [string | undefined, (e: KubeEvent) => string][] = [
    [rule.message, (e) => e.message],
    [rule.apiVersion, (e) => e.regarding.apiVersion],
    [rule.kind, (e) => e.regarding.kind],
    [rule.namespace, (e) => e.namespace],
    [rule.reason, (e) => e.reason],
    [rule.type, (e) => e.type],
    [rule.component, (e) => e.source.component],
    [rule.host, (e) => e.source.host],
  ];
  for (const [pattern, read] of fields) if (pattern !== undefined && pattern !== '') tests.push(regexTest(pattern, read));
  for (const [which, entries] of [
    ['labels', Object.entries(rule.labels ?? {})],
    ['annotations', Object.entries(rule.annotations ?? {})],
  ] as const) {
    for (const [key, pattern] of entries) {
      const t = translateGoRegexp(pattern);
      const re = t.ok ? t.regexp : undefined;
      // The key must exist, and its value match.
      tests.push((_e, i) => {
        const v = ownValue(which === 'labels' ? i?.labels : i?.annotations, key);
        return v !== undefined && re !== undefined && re.test(v);
      });
    }
  }
  const min = rule.minCount ?? 0;
  if (min > 0) tests.push((e) => exporterCount(e) >= min);
  return allOf(tests);
}

function compileRoute(route: ExporterRoute, path: string, root: boolean): RouteNode {
  const drops = (route.drop ?? []).map(compileRule);
  const matches = route.match ?? [];
  const matchTests = matches.map(compileRule);
  const children: RouteNode[] = matches.map((rule, i) => ({
    path: `${path}.match[${i}]`,
    name: rule.name,
    test: matchTests[i] ?? NEVER,
    receivers: rule.receiver === undefined ? [] : [rule.receiver],
    throttle: undefined,
    continue: true,
    children: [],
  }));
  const subRoutes = route.routes ?? [];
  if (subRoutes.length > 0) {
    // Sub-routes only when every match rule matched (an empty match list counts as all matched).
    children.push({
      path: `${path}.routes`,
      name: undefined,
      test: allOf(matchTests),
      receivers: [],
      throttle: undefined,
      continue: true,
      children: subRoutes.map((r, i) => compileRoute(r, `${path}.routes[${i}]`, false)),
    });
  }
  const drop = anyOf(drops);
  return {
    path,
    name: undefined,
    // The root's drop rules are reported as `dropped` decisions instead.
    test: root || drops.length === 0 ? () => true : (e, i) => !drop(e, i),
    receivers: [],
    throttle: undefined,
    continue: true,
    children,
  };
}

/**
 * Options of {@link compileExporterRoute}.
 *
 * @example
 * ```ts
 * compileExporterRoute(config, { now: clock.now });
 * ```
 */
export interface CompileExporterRouteOptions {
  /** The clock (exporter routes do not use it; kept for symmetry with compileRouter). @default Date.now */
  readonly now?: () => number;
}

/**
 * Compiles a kubernetes-event-exporter route tree into a {@link Router} that routes exactly as
 * the exporter's `Route.ProcessEvent` (pkg/exporter/route.go) and `Rule.MatchesEvent`
 * (pkg/exporter/rule.go):
 *
 * 1. `drop` rules first: if any matches, the event leaves this route (at the root: a `dropped`
 *    decision naming the rule).
 * 2. Every `match` rule that matches and has a `receiver` sends to it — several matching rules
 *    send several times, duplicates included, in rule order.
 * 3. Only if **all** match rules matched (vacuously, when there are none) are the sub-`routes`
 *    processed, each of them independently.
 *
 * A rule matches when every non-empty field matches as an **unanchored** Go regex
 * (`namespace: prod` matches `preprod`), every label/annotation it lists **exists** on the
 * involved object and matches, and the core/v1 `count` is at least `minCount`. Deliveries name
 * the rule (`route.routes[1].match[0]`).
 *
 * @param config - A loaded config, or just its route.
 * @param options - The clock.
 * @returns The router.
 *
 * @example
 * ```ts
 * import { compileExporterRoute, loadExporterConfig } from 'kube-events/router';
 *
 * const routes = compileExporterRoute(loadExporterConfig(text));
 * const d = routes.decide(event, { labels: { version: 'dev' } });
 * ```
 */
export function compileExporterRoute(config: ExporterConfig | ExporterRoute, options: CompileExporterRouteOptions = {}): Router {
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new InvalidOptionError('now', 'a function returning ms since the epoch', now);
  const route = 'receivers' in config ? config.route : config;
  const drops: DropNode[] = (route.drop ?? []).map((rule, i) => ({ path: `route.drop[${i}]`, test: compileRule(rule) }));
  return createEngine({ drops, root: compileRoute(route, 'route', true), dedupeReceivers: false, now });
}
