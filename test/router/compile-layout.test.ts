import { describe, expect, it } from 'vitest';
import { compileLayout, LayoutError, sampleEvent } from '../../src/router/index.ts';
import { fromEventsV1Event } from '../../src/stream/kube-event.ts';
import { testEvent } from './support/events.ts';

function layoutError(fn: () => unknown): LayoutError {
  try {
    fn();
  } catch (err) {
    if (err instanceof LayoutError) return err;
    throw err;
  }
  throw new Error('expected a LayoutError');
}

describe('compileLayout', () => {
  const ev = testEvent({ namespace: 'prod', objectName: 'web-0', reason: 'BackOff', count: 7, message: 'Back-off <restarting> "x" & y' });

  it('renders event fields without HTML escaping', () => {
    const render = compileLayout('{{type}} {{reason}} on {{regarding.kind}} {{namespace}}/{{regarding.name}}: {{message}} (x{{count}}) from {{source.component}}@{{source.host}}');
    expect(render(ev)).toBe('Warning BackOff on Pod prod/web-0: Back-off <restarting> "x" & y (x7) from kubelet@node-1');
  });

  it('renders nested layouts, keeping non-string leaves', () => {
    const render = compileLayout({
      region: 'us-west-2',
      priority: 3,
      enabled: true,
      nothing: null,
      details: { reason: '{{reason}}', tags: ['k8s', '{{lower regarding.kind}}'], deeper: { ns: '{{namespace}}' } },
    });
    expect(render(ev)).toEqual({
      region: 'us-west-2',
      priority: 3,
      enabled: true,
      nothing: null,
      details: { reason: 'BackOff', tags: ['k8s', 'pod'], deeper: { ns: 'prod' } },
    });
  });

  it('provides toJson, toPrettyJson, timestamps, case, default, truncate', () => {
    const render = compileLayout({
      json: '{{toJson regarding}}',
      pretty: '{{toPrettyJson source}}',
      ms: '{{timestampMs}}',
      iso: '{{timestampIso}}',
      firstMs: '{{timestampMs firstTimestamp}}',
      firstIso: '{{timestampIso firstTimestamp}}',
      upper: '{{upper reason}}',
      lower: '{{lower type}}',
      def: '{{default action "none"}}',
      kept: '{{default reason "none"}}',
      cut: '{{truncate message 10}}',
      cutSuffix: '{{truncate message 10 "..."}}',
      short: '{{truncate reason 100}}',
      noEventTime: '{{default (timestampIso eventTime) "n/a"}}',
    });
    expect(render(ev)).toEqual({
      json: JSON.stringify(ev.regarding),
      pretty: JSON.stringify(ev.source, null, 2),
      ms: String(Date.parse('2024-05-01T10:05:00Z')),
      iso: '2024-05-01T10:05:00.000Z',
      firstMs: String(Date.parse('2024-05-01T10:00:00Z')),
      firstIso: '2024-05-01T10:00:00.000Z',
      upper: 'BACKOFF',
      lower: 'warning',
      def: 'none',
      kept: 'BackOff',
      cut: 'Back-off …',
      cutSuffix: 'Back-of...',
      short: 'BackOff',
      noEventTime: 'n/a',
    });
  });

  it('truncates by characters, not UTF-16 units', () => {
    const render = compileLayout('{{truncate message 3 ""}}');
    expect(render(testEvent({ message: '😀😀😀😀' }))).toBe('😀😀😀');
  });

  it('gives access to labels: the Event\'s, the involved object\'s, with fallbacks', () => {
    const render = compileLayout({
      team: '{{label "team"}}',
      owner: '{{label "owner" "unowned"}}',
      ann: '{{annotation "note" "-"}}',
      direct: '{{default involved.labels.team "none"}}',
      lookup: '{{lookup involved.labels "team"}}',
      own: '{{default labels.app "-"}}',
    });
    expect(render(ev, { involved: { labels: { team: 'payments' }, annotations: { note: 'n' } } })).toEqual({
      team: 'payments',
      owner: 'unowned',
      ann: 'n',
      direct: 'payments',
      lookup: 'payments',
      own: '-',
    });
    expect(render(ev)).toMatchObject({ team: '', owner: 'unowned', direct: 'none' });
  });

  it('renders the delivery context and the whole context as JSON', () => {
    const render = compileLayout('{{receiver}} {{route}} {{repeats}}');
    expect(render(ev, { receiver: 'slack', route: 'routes[0]', repeats: 3 })).toBe('slack routes[0] 3');
    expect(render(ev)).toBe('  0');
    const all = JSON.parse(compileLayout('{{toJson this}}')(ev) as string);
    expect(all).toMatchObject({ reason: 'BackOff', regarding: { name: 'web-0' }, involved: { labels: {} }, repeats: 0, raw: { kind: 'Event' } });
  });

  it('supports if/each/with blocks and @root', () => {
    const render = compileLayout('{{#if repeats}}+{{repeats}}{{else}}first{{/if}}|{{#each involved.ownerReferences}}{{kind}}/{{name}}({{@root.namespace}}){{/each}}|{{#with regarding}}{{kind}}{{/with}}');
    expect(render(ev)).toBe('first||Pod');
    expect(render(ev, { repeats: 2, involved: { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'u' }] } })).toBe('+2|ReplicaSet/web-1(prod)|Pod');
  });

  it('reads events.k8s.io events the same way', () => {
    const e = fromEventsV1Event({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'x.1', namespace: 'default' },
      eventTime: '2024-05-01T10:00:00.123456Z',
      regarding: { kind: 'Pod', name: 'web-0', namespace: 'default' },
      reason: 'Scheduled',
      action: 'Binding',
      note: 'assigned',
      type: 'Normal',
      reportingController: 'default-scheduler',
      reportingInstance: 'sched-1',
    });
    expect(compileLayout('{{reason}} {{action}} {{message}} {{timestampIso}} {{timestampText.eventTime}} {{related.kind}}.')(e)).toBe(
      'Scheduled Binding assigned 2024-05-01T10:00:00.123Z 2024-05-01T10:00:00.123456Z .',
    );
  });

  describe('errors at load time, with the layout path and a fix', () => {
    it('rejects unknown fields, suggesting the right one', () => {
      const err = layoutError(() => compileLayout({ details: { reason: '{{reson}}' } }));
      expect(err.code).toBe('ERR_ROUTER_LAYOUT');
      expect(err.path).toBe('details.reason');
      expect(err.message).toMatch(/unknown field `reson`/);
      expect(err.fix).toMatch(/did you mean `reason`/);
      expect(layoutError(() => compileLayout(['ok', '{{regarding.nme}}'])).fix).toMatch(/regarding\.name/);
      expect(layoutError(() => compileLayout('{{reason.length}}')).message).toMatch(/has no field `length`/);
    });

    it('explains Go-template and exporter-style field names', () => {
      expect(layoutError(() => compileLayout('{{involvedObject.name}}')).fix).toMatch(/regarding/);
      expect(layoutError(() => compileLayout('{{Reason}}')).fix).toMatch(/camelCase.*loadExporterConfig/);
    });

    it('rejects prototype paths', () => {
      expect(layoutError(() => compileLayout('{{constructor}}')).message).toMatch(/unknown field `constructor`/);
      expect(layoutError(() => compileLayout('{{regarding.__proto__}}')).message).toMatch(/unknown field/);
      // `lookup` reads own properties only.
      expect(compileLayout('[{{lookup this "constructor"}}][{{lookup regarding "__proto__"}}][{{lookup regarding "kind"}}]')(ev)).toBe('[][][Pod]');
    });

    it('rejects unknown helpers, partials and syntax errors', () => {
      expect(layoutError(() => compileLayout('{{shout reason}}')).message).toMatch(/unknown helper `shout`/);
      expect(layoutError(() => compileLayout('{{> header}}')).message).toMatch(/partials are not supported/);
      expect(layoutError(() => compileLayout({ a: { b: '{{#if reason}}x' } })).path).toBe('a.b');
      expect(layoutError(() => compileLayout('{{log reason}}')).message).toMatch(/unknown helper `log`/);
    });

    it('rejects a label read without a fallback when the sample lacks it', () => {
      const err = layoutError(() => compileLayout({ team: '{{involved.labels.team}}' }));
      expect(err.path).toBe('team');
      expect(err.message).toMatch(/`team` is absent/);
      expect(err.fix).toMatch(/default labels\.team/);
    });

    it('accepts it when the sample has it, and then fails loudly on an event without it', () => {
      const render = compileLayout('{{involved.labels.team}}', { sampleContext: { involved: { labels: { team: 'a' } } } });
      expect(render(ev, { involved: { labels: { team: 'b' } } })).toBe('b');
      const err = layoutError(() => render(ev));
      expect(err.message).toMatch(/rendering event prod\/web-0\.17cb3c8a1e2f4b5d failed/);
    });

    it('rejects values that are not JSON', () => {
      expect(layoutError(() => compileLayout({ n: Number.NaN }))).toBeInstanceOf(LayoutError);
      expect(layoutError(() => compileLayout({ f: (() => 1) as never }))).toBeInstanceOf(LayoutError);
    });
  });

  it('has a sample event that every documented field renders on', () => {
    const e = sampleEvent();
    expect(e.reason).toBe('BackOff');
    expect(Object.keys(e.labels)).toHaveLength(0);
  });
});

describe('compileLayout refuses to print objects', () => {
  it('rejects {{regarding}}, {{labels}}, {{this}} as text, suggesting toJson', () => {
    for (const t of ['{{regarding}}', '{{labels}}', '{{involved.labels}}', '{{this}}', '{{source}}']) {
      expect(() => compileLayout(t), t).toThrow(/would print an object.*toJson/s);
    }
    expect(compileLayout('{{toJson labels}} {{#with regarding}}{{kind}}{{/with}}')(testEvent())).toBe('{} Pod');
  });
});
