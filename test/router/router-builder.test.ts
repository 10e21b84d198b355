import { describe, expect, it } from 'vitest';
import { match } from 'ts-pattern';
import { all, any, compileRouter, glob, not, regex, router, where, RouterConfigError, RoutePredicateError } from '../../src/router/index.ts';
import type { Decision } from '../../src/router/index.ts';
import { fakeClock, testEvent } from './support/events.ts';

/** The receivers of a decision, or its type when it delivers nowhere. */
function outcome(d: Decision): string[] | string {
  return match(d)
    .with({ type: 'deliver' }, (x) => x.deliveries.map((y) => y.receiver))
    .with({ type: 'dropped' }, (x) => `dropped:${x.rule}`)
    .with({ type: 'unrouted' }, () => 'unrouted')
    .with({ type: 'suppressed' }, () => 'suppressed')
    .exhaustive();
}

describe('the router DSL', () => {
  const routes = router({ receivers: ['opsgenie', 'slack', 'archive'] })
    .drop({ namespace: /^test-/ })
    .drop({ type: 'Normal', reason: ['Pulled', 'Created', 'Started'] })
    .route((r) => r.match({ type: 'Warning', kind: 'Pod', namespace: 'prod' }).to('opsgenie'))
    .route((r) => r.match({ reason: 'FailedScheduling' }).to('slack'))
    .to('archive')
    .compile();

  it('drops first, reporting which rule', () => {
    expect(outcome(routes.decide(testEvent({ namespace: 'test-a', type: 'Warning' })))).toBe('dropped:drop[0]');
    expect(outcome(routes.decide(testEvent({ type: 'Normal', reason: 'Pulled' })))).toBe('dropped:drop[1]');
  });

  it('sends every event that is not dropped to the root receivers, and fans out to the first matching route', () => {
    expect(outcome(routes.decide(testEvent({ type: 'Normal', reason: 'Scheduled' })))).toEqual(['archive']);
    expect(outcome(routes.decide(testEvent({ namespace: 'prod', kind: 'Pod' })))).toEqual(['archive', 'opsgenie']);
    expect(outcome(routes.decide(testEvent({ namespace: 'dev', reason: 'FailedScheduling' })))).toEqual(['archive', 'slack']);
  });

  it('stops at the first matching route unless it continues', () => {
    const ev = testEvent({ namespace: 'prod', kind: 'Pod', reason: 'FailedScheduling' });
    expect(outcome(routes.decide(ev))).toEqual(['archive', 'opsgenie']);
    const continuing = router()
      .route((r) => r.match({ namespace: 'prod' }).to('opsgenie').continue())
      .route((r) => r.match({ reason: 'FailedScheduling' }).to('slack'))
      .route((r) => r.to('never'))
      .compile();
    expect(outcome(continuing.decide(ev))).toEqual(['opsgenie', 'slack']);
  });

  it('reports route paths and names on deliveries', () => {
    const r = router()
      .route((x) => x.name('prod').match({ namespace: 'prod' }).route((y) => y.match({ kind: 'Pod' }).to('pods')))
      .compile();
    const d = r.decide(testEvent({ namespace: 'prod' }));
    expect(d).toEqual({ type: 'deliver', deliveries: [{ receiver: 'pods', route: 'routes[0].routes[0]', name: undefined, repeats: 0 }], suppressed: [] });
  });

  it('is unrouted when nothing sends the event anywhere', () => {
    expect(routes.decide(testEvent({ namespace: 'x' })).type).toBe('deliver');
    const r = router().route((x) => x.match({ kind: 'Node' }).to('nodes')).compile();
    expect(r.decide(testEvent({ kind: 'Pod' }))).toEqual({ type: 'unrouted' });
  });

  it('tries child routes only when the parent matched, and the parent sends too', () => {
    const r = router()
      .route((x) =>
        x
          .match({ namespace: 'prod' })
          .to('prod-all')
          .route((y) => y.match({ type: 'Warning' }).to('prod-warnings'))
          .route((y) => y.to('prod-other')),
      )
      .compile();
    expect(outcome(r.decide(testEvent({ namespace: 'prod', type: 'Warning' })))).toEqual(['prod-all', 'prod-warnings']);
    expect(outcome(r.decide(testEvent({ namespace: 'prod', type: 'Normal' })))).toEqual(['prod-all', 'prod-other']);
    expect(outcome(r.decide(testEvent({ namespace: 'dev', type: 'Warning' })))).toBe('unrouted');
  });

  it('excludes events a route drops from the route and its children, and tries the next route', () => {
    const r = router()
      .route((x) => x.drop({ reason: 'BackOff' }).to('a').route((y) => y.to('a-child')))
      .route((x) => x.to('b'))
      .compile();
    expect(outcome(r.decide(testEvent({ reason: 'BackOff' })))).toEqual(['b']);
    expect(outcome(r.decide(testEvent({ reason: 'Failed' })))).toEqual(['a', 'a-child']);
  });

  it('delivers each receiver once per decision', () => {
    const r = router()
      .route((x) => x.to('archive', 'slack').continue())
      .route((x) => x.to('archive'))
      .to('archive')
      .compile();
    expect(r.decide(testEvent())).toMatchObject({ deliveries: [{ receiver: 'archive', route: 'root' }, { receiver: 'slack', route: 'routes[0]' }] });
  });

  it('ANDs several match calls', () => {
    const r = router()
      .route((x) => x.match({ kind: 'Pod' }).match({ namespace: 'prod' }).to('a'))
      .compile();
    expect(outcome(r.decide(testEvent({ kind: 'Pod', namespace: 'prod' })))).toEqual(['a']);
    expect(outcome(r.decide(testEvent({ kind: 'Pod', namespace: 'dev' })))).toBe('unrouted');
  });

  it('builds immutable, shareable builders', () => {
    const base = router().drop({ type: 'Normal' });
    const a = base.route((r) => r.to('a'));
    const b = base.to('b');
    expect(base.toSpec()).toEqual({ drop: [{ type: 'Normal' }] });
    expect(a.toSpec()).toEqual({ drop: [{ type: 'Normal' }], routes: [{ to: ['a'] }] });
    expect(b.toSpec()).toEqual({ drop: [{ type: 'Normal' }], to: ['b'] });
  });

  it('produces plain, JSON-serializable data', () => {
    const spec = router({ receivers: ['opsgenie', 'slack', 'archive'] })
      .drop({ namespace: /^test-/i })
      .route((r) =>
        r
          .name('sched')
          .match({ reason: glob('FailedSched*'), kind: not('Node') })
          .throttle({ per: ['namespace', 'regarding.name'], window: '10m' })
          .to('slack')
          .continue(),
      )
      .to('archive')
      .toSpec();
    expect(spec).toEqual({
      receivers: ['opsgenie', 'slack', 'archive'],
      drop: [{ namespace: { regex: '^test-', flags: 'i' } }],
      routes: [
        {
          name: 'sched',
          match: { reason: { glob: 'FailedSched*' }, kind: { not: 'Node' } },
          throttle: { per: ['namespace', 'regarding.name'], window: '10m' },
          to: ['slack'],
          continue: true,
        },
      ],
      to: ['archive'],
    });
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    // The spec compiles to the same decisions as the builder.
    const ev = testEvent({ reason: 'FailedScheduling' });
    expect(compileRouter(spec).decide(ev)).toEqual(router({ receivers: ['opsgenie', 'slack', 'archive'] })
      .drop({ namespace: /^test-/i })
      .route((r) => r.name('sched').match({ reason: glob('FailedSched*'), kind: not('Node') }).throttle({ per: ['namespace', 'regarding.name'], window: '10m' }).to('slack').continue())
      .to('archive')
      .compile()
      .decide(ev));
  });

  it('requires the .route() callback to return the builder', () => {
    expect(() => router().route(() => ({}) as never)).toThrow(/must return the route builder/);
  });
});

describe('matchers', () => {
  function matches(condition: Parameters<ReturnType<typeof router>['drop']>[0], fields: Parameters<typeof testEvent>[0], involved?: Parameters<ReturnType<ReturnType<typeof router>['compile']>['decide']>[1]): boolean {
    return router().route((r) => r.match(condition).to('x')).compile().decide(testEvent(fields), involved).type === 'deliver';
  }

  it('matches exact strings against the whole value only', () => {
    expect(matches({ reason: 'Failed' }, { reason: 'Failed' })).toBe(true);
    expect(matches({ reason: 'Failed' }, { reason: 'FailedMount' })).toBe(false);
    expect(matches({ reason: 'Failed' }, { reason: 'failed' })).toBe(false);
  });

  it('tests RegExps unanchored, as RegExp#test does', () => {
    expect(matches({ namespace: /test/ }, { namespace: 'contest' })).toBe(true);
    expect(matches({ namespace: /^test-/ }, { namespace: 'test-a' })).toBe(true);
    expect(matches({ namespace: /^test-/ }, { namespace: 'my-test-a' })).toBe(false);
    expect(matches({ namespace: /^prod$/ }, { namespace: 'prod-eu' })).toBe(false);
    expect(matches({ reason: regex('^failed', 'i') }, { reason: 'FailedMount' })).toBe(true);
  });

  it('matches globs against the whole value', () => {
    expect(matches({ reason: glob('Failed*') }, { reason: 'FailedMount' })).toBe(true);
    expect(matches({ reason: glob('Failed*') }, { reason: 'NotFailed' })).toBe(false);
    expect(matches({ reason: glob('*Mount') }, { reason: 'FailedMount' })).toBe(true);
    expect(matches({ reason: glob('*led*') }, { reason: 'FailedMount' })).toBe(true);
    expect(matches({ namespace: glob('team-?-prod') }, { namespace: 'team-a-prod' })).toBe(true);
    expect(matches({ namespace: glob('team-?-prod') }, { namespace: 'team-ab-prod' })).toBe(false);
    expect(matches({ namespace: glob('a*b*c') }, { namespace: 'a-x-b-y-c' })).toBe(true);
    expect(matches({ namespace: glob('a*b*c') }, { namespace: 'a-x-b-y-cd' })).toBe(false);
    expect(matches({ message: glob('x\\*') }, { message: 'x*' })).toBe(true);
    expect(matches({ message: glob('x\\*') }, { message: 'xy' })).toBe(false);
    expect(matches({ message: glob('line1*line2') }, { message: 'line1\nline2' })).toBe(true);
    expect(matches({ message: glob('*') }, { message: '' })).toBe(true);
    expect(matches({ message: glob('a.b') }, { message: 'axb' })).toBe(false);
  });

  it('matches any of an array, and negations', () => {
    expect(matches({ reason: ['Pulled', 'Created'] }, { reason: 'Created' })).toBe(true);
    expect(matches({ reason: ['Pulled', 'Created'] }, { reason: 'Started' })).toBe(false);
    expect(matches({ reason: ['A', 'B', 'C', 'D', 'E'] }, { reason: 'E' })).toBe(true);
    expect(matches({ reason: ['A', 'B', 'C', 'D', 'E'] }, { reason: 'F' })).toBe(false);
    expect(matches({ reason: [/^Fail/, 'BackOff'] }, { reason: 'BackOff' })).toBe(true);
    expect(matches({ reason: not(['Pulled', 'Created']) }, { reason: 'BackOff' })).toBe(true);
    expect(matches({ type: not('Normal') }, { type: 'Normal' })).toBe(false);
  });

  it('matches every KubeEvent field', () => {
    const f = {
      name: 'ev-1',
      namespace: 'ns',
      uid: 'u-1',
      type: 'Warning',
      reason: 'R',
      action: 'A',
      message: 'M',
      kind: 'Deployment',
      objectName: 'web',
      apiVersion: 'apps/v1',
      fieldPath: 'spec',
      component: 'ctrl',
      host: 'h',
      reportingComponent: 'rc',
      related: { kind: 'Node', name: 'n1' },
    };
    const yes = [
      { api: 'core/v1' },
      { uid: 'u-1' },
      { name: 'ev-1' },
      { namespace: 'ns' },
      { resourceVersion: '1000' },
      { type: 'Warning' },
      { reason: 'R' },
      { action: 'A' },
      { message: 'M' },
      { reportingController: 'rc' },
      { reportingInstance: 'h' },
      { kind: 'Deployment' },
      { regarding: { kind: 'Deployment', name: 'web', namespace: 'ns', apiVersion: 'apps/v1', fieldPath: 'spec', uid: '8b0a7c3e-8f5d-4f0e-9b8a-2c1d3e4f5a6b' } },
      { related: { kind: 'Node', name: 'n1', namespace: '' } },
      { source: { component: 'ctrl', host: 'h' } },
    ] as const;
    for (const c of yes) expect(matches(c, f), JSON.stringify(c)).toBe(true);
    for (const c of yes) expect(matches(not(c), f), JSON.stringify(c)).toBe(false);
    // An event without `related` has all related fields ''.
    expect(matches({ related: { kind: '' } }, {})).toBe(true);
  });

  it('matches the Event\'s own labels and the involved object\'s labels and annotations', () => {
    const involved = { labels: { team: 'payments', 'app.kubernetes.io/name': 'web' }, annotations: { owner: 'alice' } };
    expect(matches({ involved: { labels: { team: 'payments' } } }, {}, involved)).toBe(true);
    expect(matches({ involved: { labels: { 'app.kubernetes.io/name': glob('w*') } } }, {}, involved)).toBe(true);
    expect(matches({ involved: { labels: { team: 'search' } } }, {}, involved)).toBe(false);
    expect(matches({ involved: { annotations: { owner: /^a/ } } }, {}, involved)).toBe(true);
    expect(matches({ involved: { labels: { team: { exists: true } } } }, {}, involved)).toBe(true);
    expect(matches({ involved: { labels: { tier: { exists: false } } } }, {}, involved)).toBe(true);
    // Absent: only `exists: false` and negations match.
    expect(matches({ involved: { labels: { tier: /.*/ } } }, {}, involved)).toBe(false);
    expect(matches({ involved: { labels: { tier: glob('*') } } }, {}, involved)).toBe(false);
    expect(matches({ involved: { labels: { tier: not('x') } } }, {}, involved)).toBe(true);
    expect(matches({ involved: { labels: { team: 'payments' } } }, {})).toBe(false);
    // Labels named like Object.prototype members are only own keys.
    expect(matches({ involved: { labels: { constructor: { exists: true } } } }, {}, involved)).toBe(false);
    expect(matches({ labels: { app: 'web' }, annotations: { a: 'b' } }, { labels: { app: 'web' }, annotations: { a: 'b' } })).toBe(true);
    expect(matches({ labels: { app: 'web' } }, {}, { labels: { app: 'web' } })).toBe(false);
  });

  it('bounds the count', () => {
    expect(matches({ minCount: 3 }, { count: 3 })).toBe(true);
    expect(matches({ minCount: 3 }, { count: 2 })).toBe(false);
    expect(matches({ maxCount: 3 }, { count: 4 })).toBe(false);
    expect(matches({ minCount: 1 }, {})).toBe(true); // count is never below 1
  });

  it('bounds the age on the injected clock', () => {
    const clock = fakeClock(Date.parse('2024-05-01T10:05:00Z'));
    const r = router().route((x) => x.match({ maxAge: '5m' }).to('fresh')).route((x) => x.match({ minAge: '1h' }).to('stale')).compile({ now: clock.now });
    const ev = testEvent({ lastTimestamp: '2024-05-01T10:04:00Z' });
    expect(outcome(r.decide(ev))).toEqual(['fresh']);
    clock.advance(10 * 60_000);
    expect(outcome(r.decide(ev))).toBe('unrouted');
    clock.advance(60 * 60_000);
    expect(outcome(r.decide(ev))).toEqual(['stale']);
    // No timestamp at all: no age bound matches.
    const timeless = testEvent({ firstTimestamp: null, lastTimestamp: null });
    expect(outcome(r.decide(timeless))).toBe('unrouted');
  });

  it('combines conditions with all, any, not', () => {
    expect(matches(all({ kind: 'Pod' }, { type: 'Warning' }), { kind: 'Pod', type: 'Warning' })).toBe(true);
    expect(matches(all({ kind: 'Pod' }, { type: 'Warning' }), { kind: 'Pod', type: 'Normal' })).toBe(false);
    expect(matches(any({ kind: 'Node' }, { type: 'Warning' }), { kind: 'Pod', type: 'Warning' })).toBe(true);
    expect(matches(any({ kind: 'Node' }, { type: 'Normal' }), { kind: 'Pod', type: 'Warning' })).toBe(false);
    expect(matches(not({ kind: 'Pod', type: 'Warning' }), { kind: 'Pod', type: 'Normal' })).toBe(true);
    expect(matches(all(), {})).toBe(true);
    expect(matches(any(), {})).toBe(false);
    expect(matches({}, {})).toBe(true);
  });

  it('calls predicates, inline or registered by name', () => {
    expect(matches(where((ev) => ev.message.includes('restarting')), {})).toBe(true);
    expect(matches(where((ev, inv) => inv?.labels?.team === 'a'), {}, { labels: { team: 'a' } })).toBe(true);
    const r = router({ predicates: { long: (ev) => ev.message.length > 10 } })
      .route((x) => x.match(where('long')).to('long'))
      .compile();
    expect(outcome(r.decide(testEvent({ message: 'x'.repeat(11) })))).toEqual(['long']);
    expect(outcome(r.decide(testEvent({ message: 'short' })))).toBe('unrouted');
  });

  it('reports a throwing predicate with its path', () => {
    const r = router()
      .route((x) =>
        x.match(
          where(() => {
            throw new Error('boom');
          }),
        ),
      )
      .compile();
    const err = (() => {
      try {
        r.decide(testEvent());
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(RoutePredicateError);
    expect(err).toMatchObject({ code: 'ERR_ROUTE_PREDICATE', route: 'routes[0].match', cause: new Error('boom') });
  });

  it('rejects a spec with problems at compile time, never while deciding', () => {
    expect(() => router().route((r) => r.match({ reason: /x/g }).to('a')).compile()).toThrow(RouterConfigError);
    expect(() => router().route((r) => r.match(where('nope'))).toSpec()).toThrow(/predicate `nope` is not registered/);
  });
});
