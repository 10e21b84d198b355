import { describe, expect, it } from 'vitest';
import { compileExporterLayout, exporterEventJson, LayoutError, translateGoTemplate, UnsupportedGoTemplateError } from '../../../src/router/index.ts';
import { fromEventsV1Event } from '../../../src/stream/kube-event.ts';
import { testEvent } from '../support/events.ts';

const ev = testEvent({ namespace: 'prod', objectName: 'web-0', count: 3, reason: 'BackOff', message: 'Back-off <restarting> & "x"', labels: { z: '1', a: '2' } });
const involved = { labels: { version: 'dev', app: 'web' }, annotations: { owner: 'alice' } };

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

describe('Go template translation', () => {
  it('translates field access, functions, pipelines, trimming and comments', () => {
    expect(translateGoTemplate('{{ .InvolvedObject.Name }}')).toBe('{{goPrint (goField "InvolvedObject.Name")}}');
    expect(translateGoTemplate('a {{- .Reason -}} b')).toBe('a{{goPrint (goField "Reason")}}b');
    expect(translateGoTemplate('{{ .Message | lower }}')).toBe('{{goPrint (goLower (goField "Message"))}}');
    expect(translateGoTemplate('{{ index .InvolvedObject.Labels "app" }}')).toBe('{{goPrint (goIndex (goField "InvolvedObject.Labels") (goLit "617070"))}}');
    expect(translateGoTemplate('{{/* note */}}x')).toBe('x');
    expect(translateGoTemplate('C:\\{{ .Reason }}')).toBe('C:\\\\{{goPrint (goField "Reason")}}');
  });

  it('names every unsupported construct', () => {
    const cases: [string, string][] = [
      ['{{ if .Message }}x{{ end }}', 'if'],
      ['{{ range .Labels }}x{{ end }}', 'range'],
      ['{{ with .Source }}x{{ end }}', 'with'],
      ['{{ printf "%s" .Reason }}', 'printf'],
      ['{{ $x := .Reason }}', '$x'],
      ['{{ template "t" }}', 'template'],
      ['{{ .Source }}', '{{ .Source }}'],
      ['{{ . }}', '{{ . }}'],
      ['{{ .ObjectMeta.OwnerReferences.Kind }}', '.ObjectMeta.OwnerReferences.Kind'],
      ["{{ 'a' }}", "'a'"],
      ['{{ quote .Reason }}', 'quote'],
    ];
    for (const [template, construct] of cases) {
      const err = thrown(() => translateGoTemplate(template, 'details.x'));
      expect(err, template).toBeInstanceOf(UnsupportedGoTemplateError);
      expect((err as UnsupportedGoTemplateError).construct, template).toBe(construct);
      expect((err as UnsupportedGoTemplateError).code).toBe('ERR_UNSUPPORTED_GO_TEMPLATE');
      expect((err as Error).message).toMatch(/at `details\.x`/);
    }
  });

  it('rejects what Go itself rejects, saying the exporter would drop the event', () => {
    const cases: [string, RegExp][] = [
      ['{{ .InvolvedObject.Nme }}', /can't evaluate field Nme in type kube\.EnhancedObjectReference/],
      ['{{ .reason }}', /can't evaluate field reason/],
      ['{{ .Reason', /unclosed action/],
      ['{{ toJson }}', /wrong number of args for toJson/],
      ['{{ .Reason .Message }}', /can't give argument to non-function/],
      ['{{ .InvolvedObject.Labels.app.x }}', /can't evaluate field x in type string/],
      ['{{ lower .Count }}', /expected string/],
      ['{{ (.Reason }}', /unclosed left paren/],
    ];
    for (const [template, message] of cases) {
      const err = thrown(() => translateGoTemplate(template));
      expect(err, template).toBeInstanceOf(LayoutError);
      expect((err as Error).message, template).toMatch(message);
    }
    expect((thrown(() => translateGoTemplate('{{ .reason }}')) as LayoutError).fix).toBe('did you mean `Reason`? (Go field names are case-sensitive)');
  });
});

describe('compileExporterLayout', () => {
  it('renders the README "Customizing Payload" layout', () => {
    const render = compileExporterLayout({
      region: 'us-west-2',
      eventType: 'kubernetes-event',
      createdAt: '{{ .GetTimestampMs }}',
      details: {
        message: '{{ .Message }}',
        reason: '{{ .Reason }}',
        type: '{{ .Type }}',
        count: '{{ .Count }}',
        kind: '{{ .InvolvedObject.Kind }}',
        name: '{{ .InvolvedObject.Name }}',
        namespace: '{{ .Namespace }}',
        component: '{{ .Source.Component }}',
        host: '{{ .Source.Host }}',
        labels: '{{ toJson .InvolvedObject.Labels}}',
      },
    });
    expect(render(ev, { involved })).toEqual({
      region: 'us-west-2',
      eventType: 'kubernetes-event',
      createdAt: String(Date.parse('2024-05-01T10:00:00Z')),
      details: {
        message: 'Back-off <restarting> & "x"',
        reason: 'BackOff',
        type: 'Warning',
        count: '3',
        kind: 'Pod',
        name: 'web-0',
        namespace: 'prod',
        component: 'kubelet',
        host: 'node-1',
        labels: '{"app":"web","version":"dev"}',
      },
    });
  });

  it('renders the README opsgenie and kafka templates', () => {
    const opsgenie = compileExporterLayout({
      message: 'Event {{ .Reason }} for {{ .InvolvedObject.Namespace }}/{{ .InvolvedObject.Name }} on K8s cluster',
      alias: '{{ .UID }}',
      description: '<pre>{{ toPrettyJson . }}</pre>',
      tags: ['event', '{{ .Reason }}', '{{ .InvolvedObject.Kind }}', '{{ .InvolvedObject.Name }}'],
    });
    const out = opsgenie(ev, { involved }) as Record<string, unknown>;
    expect(out.message).toBe('Event BackOff for prod/web-0 on K8s cluster');
    expect(out.alias).toBe(ev.uid);
    expect(out.tags).toEqual(['event', 'BackOff', 'Pod', 'web-0']);
    const pretty = (out.description as string).slice(5, -6);
    expect(JSON.parse(pretty)).toEqual(JSON.parse(exporterEventJson(ev, involved)));
    expect(pretty).toMatch(/^\{\n {2}"kind": "Event",\n {2}"apiVersion": "v1",\n {2}"metadata": \{\n {4}"name": /);
    const kafka = compileExporterLayout({ createdAt: '{{ .GetTimestampISO8601 }}', type: '{{ .Type }}' });
    expect(kafka(ev)).toEqual({ createdAt: '2024-05-01T10:00:00.000Z', type: 'Warning' });
  });

  it('marshals `toJson .` as Go: struct order, sorted map keys, HTML-safe escaping, clusterName, enriched involvedObject', () => {
    const json = compileExporterLayout('{{ toJson . }}', { clusterName: 'eu-1' })(ev, { involved });
    expect(json).toBe(
      '{"kind":"Event","apiVersion":"v1","metadata":{"name":"web-0.17cb3c8a1e2f4b5d","namespace":"prod","uid":"0f6c1b1e-7a8b-4c3d-9e0f-1a2b3c4d5e6f","resourceVersion":"1000","creationTimestamp":null,"labels":{"a":"2","z":"1"}},' +
        '"reason":"BackOff","message":"Back-off \\u003crestarting\\u003e \\u0026 \\"x\\"","source":{"component":"kubelet","host":"node-1"},' +
        '"firstTimestamp":"2024-05-01T10:00:00Z","lastTimestamp":"2024-05-01T10:05:00Z","count":3,"type":"Warning","eventTime":null,"reportingComponent":"","reportingInstance":"",' +
        '"clusterName":"eu-1","involvedObject":{"kind":"Pod","namespace":"prod","name":"web-0","uid":"8b0a7c3e-8f5d-4f0e-9b8a-2c1d3e4f5a6b","apiVersion":"v1","labels":{"app":"web","version":"dev"},"annotations":{"owner":"alice"}}}',
    );
    expect(exporterEventJson(ev, involved, 'eu-1')).toBe(json);
  });

  it('prints as Go does: <no value>, map[...], times, zero values', () => {
    const render = compileExporterLayout({
      missing: '{{ .InvolvedObject.Labels.owner }}',
      indexed: '[{{ index .InvolvedObject.Labels "owner" }}]',
      present: '{{ .InvolvedObject.Labels.app }}',
      map: '{{ .InvolvedObject.Labels }}',
      nilMap: '{{ .InvolvedObject.Annotations }}',
      times: '{{ .FirstTimestamp }}|{{ .EventTime }}',
      zero: '[{{ .Action }}][{{ .Series | toJson }}][{{ toJson .Related }}]',
      meta: '{{ .Name }} {{ .ObjectMeta.Namespace }} {{ .Labels }} {{ .ClusterName }}',
      defaults: '{{ .InvolvedObject.Labels.owner | default "nobody" }}|{{ .Action | default "none" }}',
      cased: '{{ .Reason | upper }} {{ lower .Type }} {{ .Message | trunc 8 }}',
    });
    expect(render(ev, { involved: { labels: { app: 'web' } } })).toEqual({
      missing: '<no value>',
      indexed: '[]',
      present: 'web',
      map: 'map[app:web]',
      nilMap: 'map[]',
      times: '2024-05-01 10:00:00 +0000 UTC|0001-01-01 00:00:00 +0000 UTC',
      zero: '[][null][null]',
      meta: 'web-0.17cb3c8a1e2f4b5d prod map[a:2 z:1] ',
      defaults: 'nobody|none',
      cased: 'BACKOFF warning Back-off',
    });
  });

  it('keeps microseconds of an events.k8s.io event and falls back to eventTime for the timestamp methods', () => {
    const e = fromEventsV1Event({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'x.1', namespace: 'default' },
      eventTime: '2024-05-01T10:00:00.123456Z',
      series: { count: 4, lastObservedTime: '2024-05-01T10:10:00.500000Z' },
      regarding: { kind: 'Pod', name: 'web-0', namespace: 'default' },
      reason: 'Scheduled',
      action: 'Binding',
      note: 'assigned',
      type: 'Normal',
      reportingController: 'default-scheduler',
      reportingInstance: 'sched-1',
    });
    const render = compileExporterLayout({
      ms: '{{ .GetTimestampMs }}',
      iso: '{{ .GetTimestampISO8601 }}',
      eventTime: '{{ .EventTime }}',
      series: '{{ .Series.Count }} {{ .Series.LastObservedTime }}',
      json: '{{ toJson .Series }}',
      controller: '{{ .ReportingController }}/{{ .ReportingInstance }}',
      count: '{{ .Count }}',
    }, { sample: e });
    expect(render(e)).toEqual({
      ms: String(Date.parse('2024-05-01T10:00:00.123Z')),
      iso: '2024-05-01T10:00:00.123Z',
      eventTime: '2024-05-01 10:00:00.123456 +0000 UTC',
      series: '4 2024-05-01 10:10:00.5 +0000 UTC',
      json: '{"count":4,"lastObservedTime":"2024-05-01T10:10:00.500000Z"}',
      controller: 'default-scheduler/sched-1',
      count: '0',
    });
  });

  it("reproduces Go's GetTimestampMs of the zero time", () => {
    const e = testEvent({ firstTimestamp: null, lastTimestamp: null });
    expect(compileExporterLayout('{{ .GetTimestampMs }} {{ .GetTimestampISO8601 }}')(e)).toBe('-6795364578871 0001-01-01T00:00:00.000Z');
  });

  it('fails at load time on a nil pointer the sample event has, with the fix', () => {
    const err = thrown(() => compileExporterLayout({ related: '{{ .Related.Kind }}' }));
    expect(err).toBeInstanceOf(LayoutError);
    expect((err as LayoutError).path).toBe('related');
    expect((err as Error).message).toMatch(/nil pointer evaluating \*v1\.ObjectReference\.Kind/);
    expect((err as LayoutError).fix).toMatch(/toJson \.Related/);
  });

  it('keeps numbers and booleans of a layout (the exporter writes null for them, a bug)', () => {
    expect(compileExporterLayout({ priority: 3, urgent: true, none: null })(ev)).toEqual({ priority: 3, urgent: true, none: null });
  });
});
