/**
 * Property: the compiled router (closures, sibling indexes, receiver dedup) decides exactly as a
 * naive interpreter of the documented semantics, on random specs and events. Specs have many
 * sibling routes with exact-string requirements, so the sibling index is exercised.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileRouter } from '../../src/router/index.ts';
import type { Condition, Decision, InvolvedObject, LabelMatcher, RouteSpec, RouterSpec } from '../../src/router/index.ts';
import type { KubeEvent } from '../../src/stream/kube-event.ts';
import { testEvent } from './support/events.ts';

const NAMESPACES = ['prod', 'dev', 'test-a', 'kube-system', 'team-1', 'team-2'];
const REASONS = ['BackOff', 'Failed', 'FailedMount', 'Pulled'];
const KINDS = ['Pod', 'Node', 'Deployment'];
const RECEIVERS = ['a', 'b', 'c', 'd'];

// --- the reference interpreter ----------------------------------------------------------------

function globRegex(glob: string): RegExp {
  let src = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] ?? '';
    if (c === '\\') src += (glob[++i] ?? '').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    else if (c === '*') src += '[\\s\\S]*';
    else if (c === '?') src += '[\\s\\S]';
    else src += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${src}$`, 'u');
}

function refMatcher(m: LabelMatcher, v: string | undefined): boolean {
  if (typeof m === 'string') return v === m;
  if (Array.isArray(m)) return (m as LabelMatcher[]).some((x) => refMatcher(x, v));
  const o = m as Exclude<LabelMatcher, string | readonly unknown[]>;
  if ('not' in o) return !refMatcher(o.not, v);
  if ('exists' in o) return (v !== undefined) === o.exists;
  if (v === undefined) return false;
  if ('glob' in o) return globRegex(o.glob).test(v);
  return new RegExp(o.regex, o.flags ?? '').test(v);
}

function refCondition(c: Condition, e: KubeEvent, inv: InvolvedObject | undefined): boolean {
  if ('all' in c) return c.all.every((x) => refCondition(x, e, inv));
  if ('any' in c) return c.any.some((x) => refCondition(x, e, inv));
  if ('not' in c) return !refCondition(c.not, e, inv);
  if ('predicate' in c) throw new Error('no predicates here');
  const checks: boolean[] = [];
  if (c.namespace !== undefined) checks.push(refMatcher(c.namespace, e.namespace));
  if (c.reason !== undefined) checks.push(refMatcher(c.reason, e.reason));
  if (c.type !== undefined) checks.push(refMatcher(c.type, e.type));
  if (c.kind !== undefined) checks.push(refMatcher(c.kind, e.regarding.kind));
  const team = c.involved?.labels?.team;
  if (team !== undefined) checks.push(refMatcher(team, inv?.labels !== undefined && Object.hasOwn(inv.labels, 'team') ? inv.labels.team : undefined));
  if (c.minCount !== undefined) checks.push(e.count >= c.minCount);
  return checks.every(Boolean);
}

function refDecide(spec: RouterSpec, e: KubeEvent, inv: InvolvedObject | undefined): Decision {
  const drops = spec.drop ?? [];
  for (let i = 0; i < drops.length; i++) if (refCondition(drops[i] as Condition, e, inv)) return { type: 'dropped', rule: `drop[${i}]` };
  const deliveries: { receiver: string; route: string; name: string | undefined; repeats: number }[] = [];
  const visit = (route: RouteSpec, path: string): boolean => {
    if ((route.drop ?? []).some((d) => refCondition(d, e, inv))) return false;
    if (route.match !== undefined && !refCondition(route.match, e, inv)) return false;
    for (const r of route.to ?? []) if (!deliveries.some((d) => d.receiver === r)) deliveries.push({ receiver: r, route: path, name: route.name, repeats: 0 });
    const children = route.routes ?? [];
    for (let i = 0; i < children.length; i++) {
      const child = children[i] as RouteSpec;
      if (visit(child, `${path === 'root' ? '' : `${path}.`}routes[${i}]`) && child.continue !== true) break;
    }
    return true;
  };
  visit({ to: spec.to ?? [], routes: spec.routes ?? [] }, 'root');
  return deliveries.length === 0 ? { type: 'unrouted' } : { type: 'deliver', deliveries, suppressed: [] };
}

// --- random specs -----------------------------------------------------------------------------

const stringMatcher = (values: readonly string[]): fc.Arbitrary<LabelMatcher> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...values) },
    { weight: 3, arbitrary: fc.subarray([...values], { minLength: 1 }) },
    { weight: 1, arbitrary: fc.constantFrom('^team-', 'a', 'o$').map((regex) => ({ regex })) },
    { weight: 1, arbitrary: fc.constantFrom('team-*', '*e*', 'd?v').map((g) => ({ glob: g })) },
    { weight: 1, arbitrary: fc.constantFrom(...values).map((v) => ({ not: v })) },
  );

const eventMatch: fc.Arbitrary<Condition> = fc.record(
  {
    namespace: stringMatcher(NAMESPACES),
    reason: stringMatcher(REASONS),
    kind: stringMatcher(KINDS),
    type: fc.constantFrom('Normal', 'Warning'),
    involved: fc.record({ labels: fc.record({ team: fc.oneof(stringMatcher(['x', 'y']), fc.boolean().map((exists) => ({ exists }))) }) }),
    minCount: fc.integer({ min: 1, max: 5 }),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<Condition>;

const condition: fc.Arbitrary<Condition> = fc.oneof(
  { weight: 6, arbitrary: eventMatch },
  { weight: 1, arbitrary: fc.array(eventMatch, { maxLength: 2 }).map((all) => ({ all })) },
  { weight: 1, arbitrary: fc.array(eventMatch, { maxLength: 2 }).map((any) => ({ any })) },
  { weight: 1, arbitrary: eventMatch.map((c) => ({ not: c })) },
);

const route = (depth: number): fc.Arbitrary<RouteSpec> =>
  fc.record(
    {
      // Mostly `namespace: <exact>`, so that sibling indexes are built.
      match: fc.oneof({ weight: 3, arbitrary: fc.record({ namespace: fc.oneof(fc.constantFrom(...NAMESPACES), fc.subarray(NAMESPACES, { minLength: 1, maxLength: 2 })), kind: stringMatcher(KINDS) }, { requiredKeys: ['namespace'] }) as fc.Arbitrary<Condition> }, { weight: 1, arbitrary: condition }),
      drop: fc.array(condition, { maxLength: 1 }),
      to: fc.subarray(RECEIVERS),
      continue: fc.boolean(),
      routes: depth === 0 ? fc.constant([]) : fc.array(route(depth - 1), { maxLength: 9 }),
    },
    { requiredKeys: ['to'] },
  );

const spec: fc.Arbitrary<RouterSpec> = fc.record(
  { drop: fc.array(condition, { maxLength: 2 }), routes: fc.array(route(1), { minLength: 6, maxLength: 14 }), to: fc.subarray(RECEIVERS) },
  { requiredKeys: ['routes'] },
);

const event = fc.record({
  namespace: fc.constantFrom(...NAMESPACES),
  reason: fc.constantFrom(...REASONS),
  kind: fc.constantFrom(...KINDS),
  type: fc.constantFrom('Normal', 'Warning'),
  count: fc.integer({ min: 1, max: 6 }),
  team: fc.option(fc.constantFrom('x', 'y'), { nil: undefined }),
});

describe('the compiled router', () => {
  it('decides as the reference interpreter of its documented semantics', () => {
    fc.assert(
      fc.property(spec, fc.array(event, { minLength: 1, maxLength: 20 }), (s, events) => {
        const routes = compileRouter(s);
        for (const { team, ...fields } of events) {
          const e = testEvent(fields);
          const inv = team === undefined ? undefined : { labels: { team } };
          expect(routes.decide(e, inv)).toEqual(refDecide(s, e, inv));
        }
      }),
      { numRuns: 400 },
    );
  });
});
