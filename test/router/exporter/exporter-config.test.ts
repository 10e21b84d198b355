import { describe, expect, it } from 'vitest';
import { compileExporterRoute, loadExporterConfig, RouterConfigError } from '../../../src/router/index.ts';
import type { RouterConfigIssue } from '../../../src/router/index.ts';
import { testEvent } from '../support/events.ts';

function issuesOf(fn: () => unknown): RouterConfigIssue[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof RouterConfigError) return [...err.issues];
    throw err;
  }
  throw new Error('expected a RouterConfigError');
}

// The shape of kubernetes-event-exporter's config.example.yaml (resmoio/kubernetes-event-exporter).
const EXAMPLE = `
logLevel: debug
logFormat: json
maxEventAgeSeconds: 10
kubeQPS: 60
kubeBurst: 60
route:
  routes:
    - match:
        - receiver: "dump"
    - match:
        - receiver: "alert"
        - receiver: "pipe"
      drop:
        - namespace: "*test*"
        - type: "Normal"
          minCount: 5
          apiVersion: "*beta*"
    - match:
        - kind: "Pod|Deployment|ReplicaSet"
          labels:
            version: "dev"
          receiver: "slack"
    - match:
        - receiver: "firehose"
      drop:
        - type: "Normal"
receivers:
  - name: "dump"
    elasticsearch:
      hosts:
        - "http://localhost:9200"
      indexFormat: "kube-events-{2006-01-02}"
      apiKey: \${ELASTIC_API_KEY}
  - name: "alert"
    opsgenie:
      apiKey: ""
      priority: "P3"
      message: "Event {{ .Reason }} for {{ .InvolvedObject.Namespace }}/{{ .InvolvedObject.Name }} on K8s cluster"
      alias: "{{ .UID }}"
      description: "<pre>{{ toPrettyJson . }}</pre>"
      tags:
        - "event"
        - "{{ .Reason }}"
        - "{{ .InvolvedObject.Kind }}"
        - "{{ .InvolvedObject.Name }}"
  - name: "slack"
    slack:
      token: ""
      channel: "#mustafa-test"
      message: "Received a Kubernetes Event {{ .Message}}"
      fields:
        message: "{{ .Message }}"
        namespace: "{{ .Namespace }}"
        reason: "{{ .Reason }}"
        object: "{{ .Namespace }}"
  - name: "pipe"
    webhook:
      endpoint: "http://localhost:3000"
      headers:
        X-API-KEY: "123-456-OPSGENIE-789-ABC"
        User-Agent: "kube-event-exporter 1.0"
      streamName: "applicationMetric"
      layout:
        endpoint: "localhost2"
        eventType: "kube-event"
        createdAt: "{{ .GetTimestampMs }}"
        details:
          message: "{{ .Message }}"
          reason: "{{ .Reason }}"
          tip: "{{ .Type }}"
          count: "{{ .Count }}"
          kind: "{{ .InvolvedObject.Kind }}"
          name: "{{ .InvolvedObject.Name }}"
          namespace: "{{ .Namespace }}"
          component: "{{ .Source.Component }}"
          host: "{{ .Source.Host }}"
          labels: "{{ toJson .InvolvedObject.Labels}}"
  - name: "firehose"
    firehose:
      deliveryStreamName: "kubernetes-events"
      region: "us-east-1"
      deDot: true
`;

describe('loadExporterConfig', () => {
  it("reports the example config's invalid regexes, with paths and lines", () => {
    const issues = issuesOf(() => loadExporterConfig(EXAMPLE, { env: {} }));
    expect(issues.map((i) => [i.code, i.path, i.line])).toEqual([
      ['invalid-regex', 'route.routes[1].drop[0].namespace', 15],
      ['invalid-regex', 'route.routes[1].drop[1].apiVersion', 18],
    ]);
    expect(issues[1]?.fix).toMatch(/write `beta`/);
  });

  it('loads it with the exporter\'s behaviour, expanding the environment and compiling every template', () => {
    const config = loadExporterConfig(EXAMPLE, { env: { ELASTIC_API_KEY: 'secret' }, onInvalidRegex: 'never-match' });
    expect(config.settings).toEqual({ logLevel: 'debug', logFormat: 'json', maxEventAgeSeconds: 10, kubeQPS: 60, kubeBurst: 60 });
    expect(config.receivers.map((r) => [r.name, r.sink, Object.keys(r.templates)])).toEqual([
      ['dump', 'elasticsearch', []],
      ['alert', 'opsgenie', ['message', 'alias', 'description', 'tags']],
      ['slack', 'slack', ['channel', 'message', 'fields']],
      ['pipe', 'webhook', ['layout']],
      ['firehose', 'firehose', []],
    ]);
    expect(config.receivers[0]?.config.apiKey).toBe('secret');
    const ev = testEvent({ namespace: 'prod', type: 'Warning', kind: 'Pod', count: 2 });
    const pipe = config.receivers[3];
    expect(pipe?.layout?.(ev)).toMatchObject({ eventType: 'kube-event', details: { tip: 'Warning', count: '2', labels: 'null' } });
    expect(config.receivers[2]?.templates.fields?.(ev)).toEqual({ message: ev.message, namespace: 'prod', reason: 'BackOff', object: 'prod' });

    const routes = compileExporterRoute(config);
    const receivers = (d: ReturnType<typeof routes.decide>): string[] => (d.type === 'deliver' ? d.deliveries.map((x) => x.receiver) : []);
    expect(receivers(routes.decide(ev))).toEqual(['dump', 'alert', 'pipe', 'firehose']);
    // `*test*` never matches in the exporter: test namespaces are not dropped.
    expect(receivers(routes.decide(testEvent({ namespace: 'my-test', type: 'Warning' })))).toEqual(['dump', 'alert', 'pipe', 'firehose']);
    // `*beta*` never matches either, so this Normal drop rule drops nothing: only the last route drops Normal events.
    expect(receivers(routes.decide(testEvent({ type: 'Normal', count: 9 })))).toEqual(['dump', 'alert', 'pipe']);
    expect(receivers(routes.decide(testEvent({ type: 'Normal', kind: 'Deployment' }), { labels: { version: 'dev' } }))).toEqual(['dump', 'alert', 'pipe', 'slack']);
  });

  it('expands the environment as Go os.ExpandEnv (process.env by default, or none)', () => {
    const text = 'route:\n  match:\n    - namespace: "${NS}"\n      receiver: r\nreceivers:\n  - name: r\n    stdout: {}\n';
    const routes = compileExporterRoute(loadExporterConfig(text, { env: { NS: '^prod$' } }));
    expect(routes.decide(testEvent({ namespace: 'prod' })).type).toBe('deliver');
    expect(routes.decide(testEvent({ namespace: 'preprod' })).type).toBe('unrouted');
    expect(loadExporterConfig(text, { env: false }).route.match?.[0]?.namespace).toBe('${NS}');
    process.env.KUBE_EVENTS_TEST_NS = 'kube-system';
    try {
      expect(loadExporterConfig(text.replace('${NS}', '${KUBE_EVENTS_TEST_NS}')).route.match?.[0]?.namespace).toBe('kube-system');
    } finally {
      delete process.env.KUBE_EVENTS_TEST_NS;
    }
  });

  it('reports, at load time, what the exporter gets wrong silently', () => {
    const issues = issuesOf(() =>
      loadExporterConfig(
        `
route:
  routes:
    - match:
        - namespaces: prod
          receiver: dumpp
      drop:
        - type: Normal
          receiver: dump
      rotes: []
    - match:
        - minCount: "5"
          receiver: dump
receivers:
  - name: dump
    stdout: {}
  - name: twice
    stdout: {}
    file: { path: /tmp/x }
  - name: typo
    webhok: { endpoint: x }
  - name: dump
    stdout: {}
  - name: layout
    webhook:
      endpoint: x
      layout:
        a: "{{ .InvolvedObject.Nme }}"
  - name: unsupported
    webhook:
      endpoint: x
      layout:
        b: "{{ if .Message }}x{{ end }}"
`,
        { env: false },
      ),
    );
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['unknown-key', 'route.routes[0].rotes'],
      ['invalid-value', 'route.routes[0].drop[0].receiver'],
      ['unknown-key', 'route.routes[0].match[0].namespaces'],
      ['invalid-type', 'route.routes[1].match[0].minCount'],
      ['invalid-value', 'receivers[1]'],
      ['invalid-value', 'receivers[2]'],
      ['invalid-value', 'receivers[3].name'],
      ['invalid-layout', 'receivers[4].webhook.layout.a'],
      ['unsupported', 'receivers[5].webhook.layout.b'],
      ['unknown-receiver', 'route.routes[0].match[0].receiver'],
    ]);
    expect(issues[2]?.fix).toBe('did you mean `namespace`?');
    expect(issues[4]?.message).toMatch(/several sinks \(file, stdout\); the exporter silently uses only `file`/);
    expect(issues[5]?.fix).toBe('did you mean `webhook`?');
    expect(issues[8]?.message).toMatch(/`if`/);
    expect(issues[9]?.fix).toBe('did you mean `dump`?');
    expect(issues.every((i) => i.line !== undefined)).toBe(true);
  });

  it('accepts numbers where the exporter reads strings, as yaml.v2 does', () => {
    const config = loadExporterConfig('route:\n  match:\n    - reason: 404\n      receiver: r\nreceivers:\n  - name: r\n    stdout: {}\n', { env: false, onInvalidRegex: 'error' });
    expect(config.route.match?.[0]?.reason).toBe('404');
    // `stdout:` with no settings is a nil sink in Go: no sink at all.
    expect(() => loadExporterConfig('receivers:\n  - name: r\n    stdout:\n', { env: false })).toThrow(/has no sink/);
  });
});
