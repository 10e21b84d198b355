import { describe, expect, it } from 'vitest';
import { compileRouter, glob, loadRouterConfig, router, RouterConfigError } from '../../src/router/index.ts';
import type { RouterConfigIssue } from '../../src/router/index.ts';
import { testEvent } from './support/events.ts';

function issuesOf(fn: () => unknown): RouterConfigIssue[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof RouterConfigError) return [...err.issues];
    throw err;
  }
  throw new Error('expected a RouterConfigError');
}

const GOOD = `
receivers:
  alerting:
    layout:
      text: "{{reason}} on {{regarding.kind}} {{namespace}}/{{regarding.name}}"
  archive: {}
drop:
  - namespace: { glob: "test-*" }
  - type: Normal
routes:
  - name: prod-failures
    match: { kind: Pod, namespace: prod, reason: { glob: "Failed*" } }
    throttle: { per: [namespace, regarding.name, reason], window: 10m }
    to: [alerting]
to: [archive]
`;

describe('loadRouterConfig', () => {
  it('loads the same plain spec the builder makes', () => {
    const { spec, receivers } = loadRouterConfig(GOOD);
    const built = router({ receivers: ['alerting', 'archive'] })
      .drop({ namespace: glob('test-*') })
      .drop({ type: 'Normal' })
      .route((r) =>
        r
          .name('prod-failures')
          .match({ kind: 'Pod', namespace: 'prod', reason: glob('Failed*') })
          .throttle({ per: ['namespace', 'regarding.name', 'reason'], window: '10m' })
          .to('alerting'),
      )
      .to('archive')
      .toSpec();
    expect(spec).toEqual(built);
    expect(receivers).toEqual({ alerting: { layout: { text: '{{reason}} on {{regarding.kind}} {{namespace}}/{{regarding.name}}' } }, archive: {} });
    const routes = compileRouter(spec);
    expect(routes.decide(testEvent({ namespace: 'prod', reason: 'FailedMount' }))).toMatchObject({ deliveries: [{ receiver: 'archive' }, { receiver: 'alerting', name: 'prod-failures' }] });
    expect(routes.decide(testEvent({ namespace: 'test-1' }))).toEqual({ type: 'dropped', rule: 'drop[0]' });
  });

  it('accepts receivers as a list of names, and regexes as data', () => {
    const { spec } = loadRouterConfig(`
receivers: [a, b]
routes:
  - match: { namespace: { regex: "^team-", flags: i }, reason: [Failed, { not: { glob: "*Normal*" } }] }
    to: a
    continue: true
  - match: { any: [{ minCount: 5 }, { involved: { labels: { tier: { exists: true } } } }] }
    to: [b]
`);
    expect(spec).toEqual({
      receivers: ['a', 'b'],
      routes: [
        { match: { namespace: { regex: '^team-', flags: 'i' }, reason: ['Failed', { not: { glob: '*Normal*' } }] }, to: ['a'], continue: true },
        { match: { any: [{ minCount: 5 }, { involved: { labels: { tier: { exists: true } } } }] }, to: ['b'] },
      ],
    });
    const routes = compileRouter(spec);
    expect(routes.decide(testEvent({ namespace: 'TEAM-x', reason: 'Failed', count: 6 }))).toMatchObject({ deliveries: [{ receiver: 'a' }, { receiver: 'b' }] });
  });

  describe('errors: every problem at once, each with its path, line and fix', () => {
    it('an invalid regex, saying how to write what was meant', () => {
      const [issue] = issuesOf(() =>
        loadRouterConfig(`
receivers: [a]
routes:
  - match:
      namespace: { regex: "*test*" }
    to: [a]
`),
      );
      expect(issue).toMatchObject({ code: 'invalid-regex', path: 'routes[0].match.namespace.regex', line: 5 });
      expect(issue?.message).toMatch(/`\*test\*` is not a valid regular expression/);
      expect(issue?.fix).toMatch(/write `test` \(regexes are unanchored\) or use `\{ glob: "\*test\*" \}`/);
    });

    it('an unknown key, suggesting the right one', () => {
      const [issue] = issuesOf(() => loadRouterConfig('receivers: [a]\nroutes:\n  - mach: { type: Warning }\n    to: [a]\n'));
      expect(issue).toMatchObject({ code: 'unknown-key', path: 'routes[0].mach', fix: 'did you mean `match`?', line: 3 });
      const [field] = issuesOf(() => loadRouterConfig('receivers: [a]\nroutes:\n  - match: { reasn: X }\n'));
      expect(field).toMatchObject({ code: 'unknown-key', path: 'routes[0].match.reasn', fix: 'did you mean `reason`?' });
    });

    it('a receiver that does not exist', () => {
      const [issue] = issuesOf(() => loadRouterConfig('receivers: { alerting: {}, archive: {} }\nroutes:\n  - to: [alertin]\nto: [archive]\n'));
      expect(issue).toMatchObject({ code: 'unknown-receiver', path: 'routes[0].to[0]', message: 'receiver `alertin` is not declared', fix: 'did you mean `alerting`?', line: 3 });
      expect(issuesOf(() => loadRouterConfig('routes: []\n'))[0]).toMatchObject({ code: 'invalid-value', path: 'receivers' });
    });

    it('kubernetes-event-exporter idioms, pointing at the compatibility mode', () => {
      const issues = issuesOf(() => loadRouterConfig('route:\n  routes: []\nreceivers: [a]\n'));
      expect(issues[0]).toMatchObject({ code: 'unknown-key', path: 'route' });
      expect(issues[0]?.fix).toMatch(/loadExporterConfig/);
      const [m] = issuesOf(() => loadRouterConfig('receivers: [a]\nroutes:\n  - match:\n      - receiver: a\n'));
      expect(m).toMatchObject({ code: 'invalid-type', path: 'routes[0].match' });
      expect(m?.fix).toMatch(/any: \[\.\.\.\].*loadExporterConfig/);
      const [r] = issuesOf(() => loadRouterConfig('receivers: [a]\nroutes:\n  - match: { receiver: a }\n'));
      expect(r?.fix).toMatch(/`to: \[name\]`/);
    });

    it('bad values: types, durations, globs, combinators, throttle keys, predicates', () => {
      const issues = issuesOf(() =>
        loadRouterConfig(`
receivers: [a]
drop:
  - namespace: 42
  - type: Warning
    not: { kind: Pod }
  - reason: { glob: "x\\\\" }
  - maxAge: soon
  - predicate: isCritical
  - message: { exists: true }
  - reason: []
routes:
  - throttle: { per: [regarding.nam], window: 0 }
    to: [a]
    continue: "yes"
`),
      );
      expect(issues.map((i) => [i.code, i.path])).toEqual([
        ['invalid-type', 'drop[0].namespace'],
        ['mixed-condition', 'drop[1]'],
        ['invalid-glob', 'drop[2].reason.glob'],
        ['invalid-duration', 'drop[3].maxAge'],
        ['unknown-predicate', 'drop[4].predicate'],
        ['invalid-value', 'drop[5].message'],
        ['invalid-value', 'drop[6].reason'],
        ['invalid-duration', 'routes[0].throttle.window'],
        ['unknown-field', 'routes[0].throttle.per[0]'],
        ['invalid-type', 'routes[0].continue'],
      ]);
      expect(issues[0]?.fix).toMatch(/quote it/);
      expect(issues[1]?.fix).toMatch(/all: \[/);
      expect(issues[4]?.fix).toMatch(/register it/);
      expect(issues[8]?.fix).toBe('did you mean `regarding.name`?');
      expect(issues.every((i) => i.line !== undefined)).toBe(true);
    });

    it('knows registered predicates', () => {
      expect(loadRouterConfig('receivers: [a]\nroutes:\n  - match: { predicate: isCritical }\n    to: [a]\n', { predicates: ['isCritical'] }).spec.routes).toEqual([
        { match: { predicate: 'isCritical' }, to: ['a'] },
      ]);
    });

    it('a receiver layout that does not compile', () => {
      const [issue] = issuesOf(() => loadRouterConfig('receivers:\n  slack:\n    layout:\n      details: { reason: "{{reson}}" }\n'));
      expect(issue).toMatchObject({ code: 'invalid-layout', path: 'receivers.slack.layout.details.reason', fix: 'did you mean `reason`?', line: 4 });
    });

    it('YAML syntax errors and duplicate keys', () => {
      const [syntax] = issuesOf(() => loadRouterConfig('receivers: [a\nroutes: {'));
      expect(syntax).toMatchObject({ code: 'yaml-syntax', path: '' });
      expect(syntax?.line).toBeGreaterThan(0);
      const [dup] = issuesOf(() => loadRouterConfig('receivers: [a]\nto: [a]\nto: [a]\n'));
      expect(dup).toMatchObject({ code: 'yaml-syntax', line: 3 });
      expect(issuesOf(() => loadRouterConfig('- a\n'))[0]).toMatchObject({ code: 'invalid-type', path: '' });
    });

    it('formats every issue in the message', () => {
      try {
        loadRouterConfig('receivers: [a]\nroutes:\n  - to: [b]\n    mach: {}\n');
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(RouterConfigError);
        expect((err as RouterConfigError).code).toBe('ERR_ROUTER_CONFIG');
        expect((err as Error).message).toBe(
          'Invalid route config (2 problems):\n' +
            '  - routes[0].mach (line 4, column 11): unknown key `mach` in a route. Fix: did you mean `match`?\n' +
            '  - routes[0].to[0] (line 3, column 10): receiver `b` is not declared. Fix: did you mean `a`?',
        );
      }
    });
  });

  it('validates the builder exactly as YAML', () => {
    const fromDsl = issuesOf(() =>
      router({ receivers: ['a'] })
        .route((r) => r.match({ reason: glob('x\\') }).throttle({ per: ['regarding.nam' as 'regarding.name'], window: '1m' }).to('a'))
        .route((r) => r.to('b' as 'a'))
        .toSpec(),
    );
    const fromYaml = issuesOf(() =>
      loadRouterConfig('receivers: [a]\nroutes:\n  - match: { reason: { glob: "x\\\\" } }\n    throttle: { per: [regarding.nam], window: 1m }\n    to: [a]\n  - to: [b]\n'),
    );
    expect(fromDsl).toEqual(fromYaml.map((i) => ({ code: i.code, path: i.path, message: i.message, fix: i.fix })));
    expect(fromYaml.every((i) => i.line !== undefined)).toBe(true);
  });
});
