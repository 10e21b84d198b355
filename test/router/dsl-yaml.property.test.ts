/**
 * Property: the DSL and the YAML form of the same routes produce the same spec and decide
 * identically on random events (throttle state included, on one fake clock).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { compileRouter, glob, loadRouterConfig, not, router } from '../../src/router/index.ts';
import type { ConditionInput, RouteBuilder, LabelMatcherInput } from '../../src/router/index.ts';
import { testEvent } from './support/events.ts';

const RECEIVERS = ['alerting', 'archive', 'slack', 'audit'] as const;
type Receiver = (typeof RECEIVERS)[number];

const VALUES = {
  type: ['Normal', 'Warning'],
  reason: ['BackOff', 'Failed', 'FailedMount', 'FailedScheduling', 'Pulled', 'Started'],
  namespace: ['prod', 'dev', 'test-a', 'test-b', 'kube-system'],
  kind: ['Pod', 'Node', 'Deployment'],
  component: ['kubelet', 'default-scheduler'],
} as const;
const REGEXES = ['^test-', 'Failed', '^(prod|dev)$', 'Mount$', 'o', '^kube'];
const GLOBS = ['Failed*', 'test-?', '*Mount', '*e*', 'prod', '*'];

/** A matcher in a form both writers understand. */
type AbstractMatcher =
  | { exact: string }
  | { regex: string; flags: string }
  | { glob: string }
  | { anyOf: AbstractMatcher[] }
  | { not: AbstractMatcher }
  | { exists: boolean };

const leafMatcher = (values: readonly string[]): fc.Arbitrary<AbstractMatcher> =>
  fc.oneof(
    fc.constantFrom(...values).map((exact) => ({ exact })),
    fc.record({ regex: fc.constantFrom(...REGEXES), flags: fc.constantFrom('', 'i') }),
    fc.constantFrom(...GLOBS).map((g) => ({ glob: g })),
  );
const matcher = (values: readonly string[], labels = false): fc.Arbitrary<AbstractMatcher> =>
  fc.oneof(
    { weight: 4, arbitrary: labels ? fc.oneof(leafMatcher(values), fc.boolean().map((exists) => ({ exists }))) : leafMatcher(values) },
    { weight: 1, arbitrary: fc.array(leafMatcher(values), { minLength: 1, maxLength: 3 }).map((anyOf) => ({ anyOf })) },
    { weight: 1, arbitrary: leafMatcher(values).map((m) => ({ not: m })) },
  );

interface AbstractMatch {
  type?: AbstractMatcher;
  reason?: AbstractMatcher;
  namespace?: AbstractMatcher;
  kind?: AbstractMatcher;
  component?: AbstractMatcher;
  team?: AbstractMatcher;
  minCount?: number;
}
type AbstractCondition = { match: AbstractMatch } | { all: AbstractCondition[] } | { any: AbstractCondition[] } | { not: AbstractCondition };

const abstractMatch: fc.Arbitrary<AbstractMatch> = fc.record(
  {
    type: matcher(VALUES.type),
    reason: matcher(VALUES.reason),
    namespace: matcher(VALUES.namespace),
    kind: matcher(VALUES.kind),
    component: matcher(VALUES.component),
    team: matcher(['a', 'b'], true),
    minCount: fc.integer({ min: 1, max: 8 }),
  },
  { requiredKeys: [] },
);

const condition: fc.Arbitrary<AbstractCondition> = fc.letrec<{ c: AbstractCondition }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: abstractMatch.map((match) => ({ match })) },
    { weight: 1, arbitrary: fc.array(tie('c'), { maxLength: 3 }).map((all) => ({ all })) },
    { weight: 1, arbitrary: fc.array(tie('c'), { maxLength: 3 }).map((any) => ({ any })) },
    { weight: 1, arbitrary: tie('c').map((c) => ({ not: c })) },
  ),
})).c;

interface AbstractRoute {
  match?: AbstractCondition;
  drop?: AbstractCondition[];
  to: Receiver[];
  continue: boolean;
  throttle?: { per: ('namespace' | 'reason' | 'regarding.name' | 'involved.labels.team')[]; windowMs: number };
  routes: AbstractRoute[];
}

const route = (depth: number): fc.Arbitrary<AbstractRoute> =>
  fc.record(
    {
      match: condition,
      drop: fc.array(condition, { maxLength: 2 }),
      to: fc.subarray([...RECEIVERS]),
      continue: fc.boolean(),
      throttle: fc.record({ per: fc.subarray(['namespace', 'reason', 'regarding.name', 'involved.labels.team'] as const, { minLength: 1 }), windowMs: fc.integer({ min: 1, max: 5000 }) }),
      routes: depth === 0 ? fc.constant([]) : fc.array(route(depth - 1), { maxLength: 3 }),
    },
    { requiredKeys: ['to', 'continue', 'routes'] },
  );

const routerArb = fc.record({
  drop: fc.array(condition, { maxLength: 2 }),
  routes: fc.array(route(2), { maxLength: 4 }),
  to: fc.subarray([...RECEIVERS]),
});

// --- the DSL form -----------------------------------------------------------------------------

function dslMatcher(m: AbstractMatcher): LabelMatcherInput {
  if ('exact' in m) return m.exact;
  if ('regex' in m) return new RegExp(m.regex, m.flags);
  if ('glob' in m) return glob(m.glob);
  if ('anyOf' in m) return m.anyOf.map(dslMatcher);
  if ('not' in m) return not(dslMatcher(m.not));
  return { exists: m.exists };
}

function dslCondition(c: AbstractCondition): ConditionInput {
  if ('all' in c) return { all: c.all.map(dslCondition) };
  if ('any' in c) return { any: c.any.map(dslCondition) };
  if ('not' in c) return not(dslCondition(c.not));
  const m = c.match;
  const out: Record<string, unknown> = {};
  for (const key of ['type', 'reason', 'namespace', 'kind'] as const) if (m[key] !== undefined) out[key] = dslMatcher(m[key]);
  if (m.component !== undefined) out.source = { component: dslMatcher(m.component) };
  if (m.team !== undefined) out.involved = { labels: { team: dslMatcher(m.team) } };
  if (m.minCount !== undefined) out.minCount = m.minCount;
  return out;
}

function dslRoute(a: AbstractRoute): (r: RouteBuilder<Receiver>) => RouteBuilder<Receiver> {
  return (r) => {
    let b = r;
    if (a.match !== undefined) b = b.match(dslCondition(a.match));
    for (const d of a.drop ?? []) b = b.drop(dslCondition(d));
    const [first, ...rest] = a.to;
    if (first !== undefined) b = b.to(first, ...rest);
    if (a.throttle !== undefined) b = b.throttle({ per: a.throttle.per, window: a.throttle.windowMs });
    if (a.continue) b = b.continue();
    for (const child of a.routes) b = b.route(dslRoute(child));
    return b;
  };
}

// --- the YAML form ----------------------------------------------------------------------------

function yamlMatcher(m: AbstractMatcher): unknown {
  if ('exact' in m) return m.exact;
  if ('regex' in m) return m.flags === '' ? { regex: m.regex } : { regex: m.regex, flags: m.flags };
  if ('glob' in m) return { glob: m.glob };
  if ('anyOf' in m) return m.anyOf.map(yamlMatcher);
  if ('not' in m) return { not: yamlMatcher(m.not) };
  return { exists: m.exists };
}

function yamlCondition(c: AbstractCondition): unknown {
  if ('all' in c) return { all: c.all.map(yamlCondition) };
  if ('any' in c) return { any: c.any.map(yamlCondition) };
  if ('not' in c) return { not: yamlCondition(c.not) };
  const m = c.match;
  const out: Record<string, unknown> = {};
  for (const key of ['type', 'reason', 'namespace', 'kind'] as const) if (m[key] !== undefined) out[key] = yamlMatcher(m[key]);
  if (m.component !== undefined) out.source = { component: yamlMatcher(m.component) };
  if (m.team !== undefined) out.involved = { labels: { team: yamlMatcher(m.team) } };
  if (m.minCount !== undefined) out.minCount = m.minCount;
  return out;
}

function yamlRoute(a: AbstractRoute): unknown {
  const out: Record<string, unknown> = {};
  if (a.match !== undefined) out.match = yamlCondition(a.match);
  if (a.drop !== undefined && a.drop.length > 0) out.drop = a.drop.map(yamlCondition);
  if (a.to.length > 0) out.to = a.to;
  if (a.throttle !== undefined) out.throttle = { per: a.throttle.per, window: `${a.throttle.windowMs}ms` };
  if (a.continue) out.continue = true;
  if (a.routes.length > 0) out.routes = a.routes.map(yamlRoute);
  return out;
}

// --- events -----------------------------------------------------------------------------------

const eventArb = fc.record({
  fields: fc.record({
    type: fc.constantFrom(...VALUES.type),
    reason: fc.constantFrom(...VALUES.reason),
    namespace: fc.constantFrom(...VALUES.namespace),
    kind: fc.constantFrom(...VALUES.kind),
    component: fc.constantFrom(...VALUES.component),
    objectName: fc.constantFrom('web-0', 'web-1', 'db-0'),
    count: fc.integer({ min: 1, max: 10 }),
  }),
  team: fc.option(fc.constantFrom('a', 'b', 'A'), { nil: undefined }),
  advanceMs: fc.integer({ min: 0, max: 3000 }),
});

describe('DSL and YAML', () => {
  it('make the same spec and decide identically on random events', () => {
    fc.assert(
      fc.property(routerArb, fc.array(eventArb, { minLength: 1, maxLength: 25 }), (r, events) => {
        let builder = router({ receivers: RECEIVERS });
        for (const d of r.drop) builder = builder.drop(dslCondition(d));
        for (const child of r.routes) builder = builder.route(dslRoute(child));
        const [first, ...rest] = r.to;
        if (first !== undefined) builder = builder.to(first, ...rest);

        const yamlText = stringify({
          receivers: [...RECEIVERS],
          ...(r.drop.length > 0 ? { drop: r.drop.map(yamlCondition) } : {}),
          ...(r.routes.length > 0 ? { routes: r.routes.map(yamlRoute) } : {}),
          ...(r.to.length > 0 ? { to: r.to } : {}),
        });
        const loaded = loadRouterConfig(yamlText);

        // Same data (durations aside: the DSL used ms numbers, YAML `<n>ms` strings).
        const normalize = (spec: unknown): unknown => JSON.parse(JSON.stringify(spec).replace(/"window":"(\d+)ms"/g, '"window":$1'));
        expect(normalize(loaded.spec)).toEqual(normalize(builder.toSpec()));

        let t = Date.parse('2024-05-01T10:05:00Z');
        const now = (): number => t;
        const fromDsl = builder.compile({ now });
        const fromYaml = compileRouter(loaded.spec, { now });
        for (const e of events) {
          t += e.advanceMs;
          const ev = testEvent(e.fields);
          const involved = e.team === undefined ? undefined : { labels: { team: e.team } };
          expect(fromYaml.decide(ev, involved)).toEqual(fromDsl.decide(ev, involved));
        }
      }),
      { numRuns: 300 },
    );
  });
});
