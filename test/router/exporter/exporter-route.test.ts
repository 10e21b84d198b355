/**
 * kubernetes-event-exporter's routing, case by case: its own rule and route tests
 * (resmoio/kubernetes-event-exporter pkg/exporter/rule_test.go, route_test.go), its README's
 * config, and its route algorithm (drop first, every matching rule sends, sub-routes only when
 * all match rules matched, duplicates).
 */
import { describe, expect, it } from 'vitest';
import { compileExporterRoute, loadExporterConfig, RouterConfigError } from '../../../src/router/index.ts';
import type { Decision, ExporterRule, InvolvedObject } from '../../../src/router/index.ts';
import { testEvent } from '../support/events.ts';
import type { TestEventFields } from '../support/events.ts';

/** The receivers a decision sends to, in order, duplicates kept. */
function sent(d: Decision): string[] {
  return d.type === 'deliver' ? d.deliveries.map((x) => x.receiver) : [];
}

/** Whether a single rule matches, as Rule.MatchesEvent: the rule as the only match rule of a route. */
function ruleMatches(rule: ExporterRule, fields: TestEventFields, involved?: InvolvedObject): boolean {
  return sent(compileExporterRoute({ match: [{ ...rule, receiver: 'r' }] }).decide(testEvent(fields), involved)).length === 1;
}

// An "empty" EnhancedEvent of the Go tests: every string empty.
const EMPTY: TestEventFields = { namespace: '', type: '', reason: '', message: '', kind: '', apiVersion: '', component: '', host: '' };

describe('exporter rules (rule_test.go)', () => {
  const cases: [string, ExporterRule, TestEventFields, InvolvedObject | undefined, boolean][] = [
    ['TestEmptyRule', {}, EMPTY, undefined, true],
    ['TestBasicRule', { namespace: 'kube-system' }, { ...EMPTY, namespace: 'kube-system' }, undefined, true],
    ['TestBasicNoMatchRule', { namespace: 'kube-system' }, { ...EMPTY, namespace: 'default' }, undefined, false],
    ['TestBasicRegexRule kube-system', { namespace: 'kube-*' }, { ...EMPTY, namespace: 'kube-system' }, undefined, true],
    ['TestBasicRegexRule kube-public', { namespace: 'kube-*' }, { ...EMPTY, namespace: 'kube-public' }, undefined, true],
    ['TestBasicRegexRule default', { namespace: 'kube-*' }, { ...EMPTY, namespace: 'default' }, undefined, false],
    ['TestLabelRegexRule', { labels: { version: 'alpha' } }, EMPTY, { labels: { version: 'alpha-123' } }, true],
    ['TestOneLabelMatchesRule', { labels: { env: 'prod' } }, EMPTY, { labels: { env: 'prod' } }, true],
    ['TestOneLabelDoesNotMatchRule', { labels: { env: 'prod' } }, EMPTY, { labels: { env: 'lab' } }, false],
    ['TestTwoLabelMatchesRule', { labels: { env: 'prod', version: 'beta' } }, EMPTY, { labels: { env: 'prod', version: 'beta' } }, true],
    ['TestTwoLabelRequiredRule', { labels: { env: 'prod', version: 'beta' } }, EMPTY, { labels: { env: 'prod', version: 'alpha' } }, false],
    ['TestTwoLabelRequiredOneMissingRule', { labels: { env: 'prod', version: 'beta' } }, EMPTY, { labels: { age: 'very-old', version: 'beta' } }, false],
    ['TestOneAnnotationMatchesRule', { annotations: { name: 'sou*' } }, EMPTY, { annotations: { name: 'source', service: 'event-exporter' } }, true],
    ['TestOneAnnotationDoesNotMatchRule', { annotations: { name: 'test*' } }, EMPTY, { annotations: { name: 'source' } }, false],
    ['TestTwoAnnotationsMatchesRule', { annotations: { name: 'sou.*', service: 'event*' } }, EMPTY, { annotations: { name: 'source', service: 'event-exporter' } }, true],
    ['TestTwoAnnotationsRequiredOneMissingRule', { annotations: { name: 'sou*', service: 'event*' } }, EMPTY, { annotations: { service: 'event-exporter' } }, false],
    ['TestComplexRuleNoMatch', { namespace: 'kube-system', type: 'Warning', labels: { env: 'prod', version: 'alpha' } }, EMPTY, { labels: { env: 'prod', version: 'alpha' } }, false],
    [
      'TestComplexRuleMatches',
      { namespace: 'kube-system', kind: 'Pod', labels: { env: 'prod', version: 'alpha' }, annotations: { service: 'event*' } },
      { ...EMPTY, namespace: 'kube-system', kind: 'Pod' },
      { labels: { env: 'prod', version: 'alpha' }, annotations: { service: 'event-exporter' } },
      true,
    ],
    [
      'TestComplexRuleAnnotationsNoMatch',
      { namespace: 'kube-system', kind: 'Pod', labels: { env: 'prod', version: 'alpha' }, annotations: { name: 'test*' } },
      { ...EMPTY, namespace: 'kube-system', kind: 'Pod' },
      { labels: { env: 'prod', version: 'alpha' }, annotations: { service: 'event*' } },
      false,
    ],
    ['TestComplexRuleMatchesRegexp', { namespace: 'kube*', kind: 'Po*', labels: { env: 'prod', version: 'alpha|beta' } }, { ...EMPTY, namespace: 'kube-system', kind: 'Pod' }, { labels: { env: 'prod', version: 'alpha' } }, true],
    ['TestComplexRuleNoMatchRegexp', { namespace: 'kube*', type: 'Deployment|ReplicaSet', labels: { env: 'prod', version: 'alpha|beta' } }, { ...EMPTY, namespace: 'kube-system', type: 'Pod' }, { labels: { env: 'prod', version: 'alpha' } }, false],
    ['TestMessageRegexp', { type: 'Pod', message: 'pulled.*nginx.*' }, { ...EMPTY, namespace: 'default', type: 'Pod', message: 'Successfully pulled image "nginx:latest"' }, undefined, true],
    ['TestCount', { type: 'Pod', message: 'pulled.*nginx.*', minCount: 30 }, { ...EMPTY, namespace: 'default', type: 'Pod', message: 'Successfully pulled image "nginx:latest"', count: 5 }, undefined, false],
  ];
  it.each(cases)('%s', (_name, rule, fields, involved, expected) => {
    expect(ruleMatches(rule, fields, involved)).toBe(expected);
  });

  it('matches every field unanchored, as Go\'s regexp.MatchString', () => {
    expect(ruleMatches({ namespace: 'prod' }, { namespace: 'preprod' })).toBe(true);
    expect(ruleMatches({ namespace: '^prod$' }, { namespace: 'preprod' })).toBe(false);
    expect(ruleMatches({ reason: 'Failed' }, { reason: 'FailedMount' })).toBe(true);
    expect(ruleMatches({ kind: 'Pod' }, { kind: 'PodDisruptionBudget' })).toBe(true);
    expect(ruleMatches({ apiVersion: 'apps' }, { apiVersion: 'apps/v1' })).toBe(true);
    expect(ruleMatches({ component: 'kube' }, { component: 'kubelet' })).toBe(true);
    expect(ruleMatches({ host: 'node-[0-9]+' }, { host: 'node-12' })).toBe(true);
    expect(ruleMatches({ host: 'node-[0-9]+' }, { host: 'master' })).toBe(false);
    // `.` does not match a line break unless (?s).
    expect(ruleMatches({ message: 'a.b' }, { message: 'a\nb' })).toBe(false);
    expect(ruleMatches({ message: '(?s)a.b' }, { message: 'a\nb' })).toBe(true);
    expect(ruleMatches({ message: '(?i)WARNING' }, { message: 'a warning' })).toBe(true);
  });

  it('requires listed labels to exist, even for a regex that matches the empty string', () => {
    expect(ruleMatches({ labels: { team: '.*' } }, {}, { labels: {} })).toBe(false);
    expect(ruleMatches({ labels: { team: '.*' } }, {}, { labels: { team: '' } })).toBe(true);
    expect(ruleMatches({ labels: { team: '.*' } }, {})).toBe(false);
  });

  it('compares minCount with the core/v1 count (0 when the Event has none)', () => {
    expect(ruleMatches({ minCount: 5 }, { count: 5 })).toBe(true);
    expect(ruleMatches({ minCount: 5 }, { count: 4 })).toBe(false);
    expect(ruleMatches({ minCount: 1 }, {})).toBe(false); // no count: Go's zero value
    expect(ruleMatches({ minCount: 0 }, {})).toBe(true);
  });
});

describe('exporter routes (route_test.go)', () => {
  const ev = (f: TestEventFields = {}) => testEvent({ ...EMPTY, ...f });

  it('TestEmptyRoute', () => {
    expect(compileExporterRoute({}).decide(ev())).toEqual({ type: 'unrouted' });
  });

  it('TestBasicRoute', () => {
    expect(sent(compileExporterRoute({ match: [{ namespace: 'kube-system', receiver: 'osman' }] }).decide(ev({ namespace: 'kube-system' })))).toEqual(['osman']);
  });

  it('TestDropRule', () => {
    const d = compileExporterRoute({ drop: [{ namespace: 'kube-system' }], match: [{ receiver: 'osman' }] }).decide(ev({ namespace: 'kube-system' }));
    expect(d).toEqual({ type: 'dropped', rule: 'route.drop[0]' });
  });

  it('TestSingleLevelMultipleMatchRoute', () => {
    const r = compileExporterRoute({ match: [{ namespace: 'kube-system', receiver: 'osman' }, { receiver: 'any' }] });
    expect(sent(r.decide(ev({ namespace: 'kube-system' })))).toEqual(['osman', 'any']);
  });

  it('TestSubRoute', () => {
    const r = compileExporterRoute({ match: [{ namespace: 'kube-system' }], routes: [{ match: [{ receiver: 'osman' }] }] });
    expect(sent(r.decide(ev({ namespace: 'kube-system' })))).toEqual(['osman']);
  });

  it('TestSubSubRoute', () => {
    const r = compileExporterRoute({ match: [{ namespace: 'kube-*' }], routes: [{ match: [{ receiver: 'osman' }], routes: [{ match: [{ receiver: 'any' }] }] }] });
    expect(sent(r.decide(ev({ namespace: 'kube-system' })))).toEqual(['osman', 'any']);
  });

  it('TestSubSubRouteWithDrop', () => {
    const r = compileExporterRoute({
      match: [{ namespace: 'kube-*' }],
      routes: [{ match: [{ receiver: 'osman' }], routes: [{ drop: [{ namespace: 'kube-system' }], match: [{ receiver: 'any' }] }] }],
    });
    expect(sent(r.decide(ev({ namespace: 'kube-system' })))).toEqual(['osman']);
  });

  it('Test_GHIssue51', () => {
    const r = compileExporterRoute({ drop: [{ type: 'Normal' }], match: [{ reason: 'FailedCreatePodContainer', receiver: 'elastic' }] });
    expect(sent(r.decide(ev({ type: 'Warning', reason: 'FailedCreatePodContainer' })))).toEqual(['elastic']);
    expect(sent(r.decide(ev({ type: 'Warning', reason: 'FailedCreate' })))).toEqual([]);
  });
});

describe('the exporter route algorithm', () => {
  it('sends once per matching rule: duplicates when several rules with one receiver match', () => {
    const r = compileExporterRoute({ match: [{ receiver: 'dump' }, { type: 'Warning', receiver: 'dump' }, { type: 'Normal', receiver: 'dump' }] });
    const d = r.decide(testEvent({ type: 'Warning' }));
    expect(d).toEqual({
      type: 'deliver',
      deliveries: [
        { receiver: 'dump', route: 'route.match[0]', name: undefined, repeats: 0 },
        { receiver: 'dump', route: 'route.match[1]', name: undefined, repeats: 0 },
      ],
      suppressed: [],
    });
  });

  it('delivers an event to a receiver reached by two routes twice', () => {
    const r = compileExporterRoute({ routes: [{ match: [{ receiver: 'dump' }] }, { match: [{ kind: 'Pod', receiver: 'dump' }] }] });
    expect(sent(r.decide(testEvent({ kind: 'Pod' })))).toEqual(['dump', 'dump']);
  });

  it('processes sub-routes only when all match rules matched, but sends for those that did', () => {
    const r = compileExporterRoute({
      match: [{ namespace: 'prod', receiver: 'prod' }, { type: 'Warning', receiver: 'warn' }],
      routes: [{ match: [{ receiver: 'sub' }] }],
    });
    expect(sent(r.decide(testEvent({ namespace: 'prod', type: 'Warning' })))).toEqual(['prod', 'warn', 'sub']);
    expect(sent(r.decide(testEvent({ namespace: 'prod', type: 'Normal' })))).toEqual(['prod']);
    expect(sent(r.decide(testEvent({ namespace: 'dev', type: 'Warning' })))).toEqual(['warn']);
  });

  it('processes every sub-route independently (no first-match)', () => {
    const r = compileExporterRoute({ routes: [{ match: [{ receiver: 'a' }] }, { match: [{ receiver: 'b' }] }, { drop: [{ type: 'Warning' }], match: [{ receiver: 'c' }] }] });
    expect(sent(r.decide(testEvent({ type: 'Warning' })))).toEqual(['a', 'b']);
    expect(sent(r.decide(testEvent({ type: 'Normal' })))).toEqual(['a', 'b', 'c']);
  });

  it('drops before matching, in every route', () => {
    const r = compileExporterRoute({ routes: [{ drop: [{ reason: 'Pulled' }], match: [{ receiver: 'a' }], routes: [{ match: [{ receiver: 'never-when-pulled' }] }] }] });
    expect(sent(r.decide(testEvent({ reason: 'Pulled' })))).toEqual([]);
    expect(sent(r.decide(testEvent({ reason: 'BackOff' })))).toEqual(['a', 'never-when-pulled']);
  });

  it('lets a match rule without receiver only gate the sub-routes', () => {
    const r = compileExporterRoute({ match: [{ kind: 'Pod' }], routes: [{ match: [{ receiver: 'pods' }] }] });
    expect(sent(r.decide(testEvent({ kind: 'Pod' })))).toEqual(['pods']);
    expect(r.decide(testEvent({ kind: 'Node' }))).toEqual({ type: 'unrouted' });
  });
});

describe("the exporter README's route", () => {
  const README = `
route:
  # Main route
  routes:
    # This route allows dumping all events because it has no fields to match and no drop rules.
    - match:
        - receiver: dump
    # This starts another route, drops all the events in *test* namespaces and Normal events
    # for capturing critical events
    - drop:
        - namespace: "*test*"
        - type: "Normal"
      match:
        - receiver: "critical-events-queue"
    # This a final route for user messages
    - match:
        - kind: "Pod|Deployment|ReplicaSet"
          labels:
            version: "dev"
          receiver: "slack"
receivers:
  - name: dump
    stdout: {}
  - name: critical-events-queue
    webhook: { endpoint: "http://localhost:3000" }
  - name: slack
    slack: { token: "", channel: "#events", message: "{{ .Message }}" }
`;

  it('rejects its `*test*` drop rule, which Go cannot compile and the exporter silently never applies', () => {
    let err: unknown;
    try {
      loadExporterConfig(README, { env: false });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RouterConfigError);
    const issues = (err as RouterConfigError).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'invalid-regex', path: 'route.routes[1].drop[0].namespace', line: 11 });
    expect(issues[0]?.message).toMatch(/missing argument to repetition operator.*silently never matches/);
    expect(issues[0]?.fix).toMatch(/write `test`/);
  });

  it("routes as the exporter does with onInvalidRegex: 'never-match' (test namespaces are NOT dropped)", () => {
    const routes = compileExporterRoute(loadExporterConfig(README, { env: false, onInvalidRegex: 'never-match' }));
    expect(sent(routes.decide(testEvent({ namespace: 'my-test-ns', type: 'Warning', kind: 'Pod' })))).toEqual(['dump', 'critical-events-queue']);
    expect(sent(routes.decide(testEvent({ namespace: 'prod', type: 'Normal', kind: 'Pod' })))).toEqual(['dump']);
    expect(sent(routes.decide(testEvent({ namespace: 'prod', type: 'Normal', kind: 'Deployment' }), { labels: { version: 'dev' } }))).toEqual(['dump', 'slack']);
    expect(sent(routes.decide(testEvent({ namespace: 'prod', type: 'Warning', kind: 'ReplicaSet' }), { labels: { version: 'dev-2' } }))).toEqual(['dump', 'critical-events-queue', 'slack']);
    expect(sent(routes.decide(testEvent({ kind: 'Node' }), { labels: { version: 'dev' } }))).toEqual(['dump', 'critical-events-queue']);
  });

  it('routes as intended once the regex is fixed', () => {
    const routes = compileExporterRoute(loadExporterConfig(README.replace('"*test*"', '"test"'), { env: false }));
    expect(sent(routes.decide(testEvent({ namespace: 'my-test-ns', type: 'Warning' })))).toEqual(['dump']);
  });
});
