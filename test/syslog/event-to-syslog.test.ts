import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.ts';
import { fromEventObject } from '../../src/stream/index.ts';
import type { KubeEvent } from '../../src/stream/index.ts';
import { createEventToSyslog, encodeSyslog, eventToSyslog } from '../../src/syslog/index.ts';
import { fnv1aHex6 } from './support/intended-fields.ts';
import { parseRfc5424 } from './support/rfc5424-parser.ts';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** A kubelet BackOff event as core/v1 JSON, as a watch delivers it. */
function backOff(overrides: Record<string, unknown> = {}): KubeEvent {
  return fromEventObject({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web-0.17c1a2b3c4d5e6f7', namespace: 'default', uid: '4b1f0c2e-1111-2222-3333-444455556666', resourceVersion: '123456' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'a1b2', apiVersion: 'v1', fieldPath: 'spec.containers{nginx}' },
    reason: 'BackOff',
    message: 'Back-off restarting failed container nginx in pod web-0_default(a1b2)',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2024-05-01T12:00:00Z',
    lastTimestamp: '2024-05-01T12:00:05Z',
    count: 7,
    type: 'Warning',
    eventTime: null,
    reportingComponent: 'kubelet',
    reportingInstance: 'node-1',
    ...overrides,
  });
}

describe('eventToSyslog', () => {
  it('pks: writes exactly the PKS sink format', () => {
    const bytes = encodeSyslog(eventToSyslog(backOff(), { preset: 'pks' }));
    expect(text(bytes)).toBe(
      '<12>1 2024-05-01T12:00:05.000000Z node-1 k8s.event/default/web-0/ - - [kubernetes@47450 namespace_name="default" object_name="web-0"] ' +
        '\ufeffBack-off restarting failed container nginx in pod web-0_default(a1b2)',
    );
  });

  it('default: adds MSGID = reason and kind, reason, type, count, uid and resource_version', () => {
    const parsed = parseRfc5424(encodeSyslog(eventToSyslog(backOff())));
    expect(parsed.msgId).toBe('BackOff');
    expect(parsed.severity).toBe(4);
    expect(parsed.structuredData).toEqual([
      {
        id: 'kubernetes@47450',
        params: [
          ['namespace_name', 'default'],
          ['object_name', 'web-0'],
          ['kind', 'Pod'],
          ['reason', 'BackOff'],
          ['type', 'Warning'],
          ['count', '7'],
          ['uid', '4b1f0c2e-1111-2222-3333-444455556666'],
          ['resource_version', '123456'],
        ],
      },
    ]);
  });

  it('takes HOSTNAME from the reporting node, the node the event is about, or the cluster name', () => {
    const controller = backOff({ source: { component: 'deployment-controller' }, reportingComponent: 'deployment-controller', reportingInstance: '' });
    expect(eventToSyslog(controller, { clusterName: 'my-cluster' }).hostname).toBe('my-cluster');
    expect(eventToSyslog(controller).hostname).toBe('');
    const aboutNode = backOff({ source: {}, reportingComponent: '', reportingInstance: '', involvedObject: { kind: 'Node', name: 'node-7' } });
    expect(eventToSyslog(aboutNode, { clusterName: 'my-cluster' }).hostname).toBe('node-7');
    const v1 = fromEventObject({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'x', namespace: 'default' },
      eventTime: '2024-05-01T12:00:00.123456Z',
      reportingController: 'kubelet',
      reportingInstance: 'node-3',
      action: 'Pulling',
      reason: 'Pulling',
      regarding: { kind: 'Pod', namespace: 'default', name: 'web-1' },
      note: 'Pulling image "nginx"',
      type: 'Normal',
    });
    expect(eventToSyslog(v1).hostname).toBe('node-3');
  });

  it('cuts APP-NAME to 48 characters', () => {
    const long = backOff({ involvedObject: { kind: 'Pod', namespace: 'kube-system', name: 'coredns-5d78c9869d-abcde-with-a-long-suffix' } });
    const message = eventToSyslog(long, { preset: 'pks' });
    expect(message.appName).toBe('k8s.event/kube-system/coredns-5d78c9869d-abcde-w');
    expect(message.appName).toHaveLength(48);
  });

  it('severity follows the type, with per-reason and per-type overrides', () => {
    expect(eventToSyslog(backOff()).severity).toBe('warning');
    expect(eventToSyslog(backOff({ type: 'Normal' })).severity).toBe('info');
    expect(eventToSyslog(backOff({ type: 'Odd' })).severity).toBe('notice');
    expect(eventToSyslog(backOff(), { severityByReason: { BackOff: 'err' } }).severity).toBe('err');
    expect(eventToSyslog(backOff({ type: 'Normal' }), { severityByType: { Normal: 'debug' } }).severity).toBe('debug');
    expect(eventToSyslog(backOff(), { facility: 'local4' }).facility).toBe('local4');
  });

  it("writes the object's labels after the fixed params, keeping both when names clash", () => {
    const labels = { app: 'web', type: 'frontend', 'app.kubernetes.io/some-really-long-label-key': 'x' };
    const parsed = parseRfc5424(encodeSyslog(eventToSyslog(backOff(), { objectLabels: () => labels })));
    const params = parsed.structuredData[0]?.params ?? [];
    expect(params.slice(8)).toEqual([
      ['app', 'web'],
      [`type~${fnv1aHex6('type')}`, 'frontend'],
      [`app.kubernetes.io/some-re~${fnv1aHex6('app.kubernetes.io/some-really-long-label-key')}`, 'x'],
    ]);
    expect(params[4]).toEqual(['type', 'Warning']);
    const pks = parseRfc5424(encodeSyslog(eventToSyslog(backOff(), { preset: 'pks', objectLabels: (e) => (e.regarding.name === 'web-0' ? { app: 'web' } : undefined) })));
    expect(pks.structuredData[0]?.params).toEqual([
      ['namespace_name', 'default'],
      ['object_name', 'web-0'],
      ['app', 'web'],
    ]);
  });

  it('keeps the microseconds of the latest timestamp', () => {
    const series = fromEventObject({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'x', namespace: 'default', creationTimestamp: '2024-05-01T11:00:00Z' },
      eventTime: '2024-05-01T12:00:00.123456Z',
      series: { count: 3, lastObservedTime: '2024-05-01T12:10:00.654321Z' },
      reportingController: 'kubelet',
      reportingInstance: 'node-3',
      action: 'Pulling',
      reason: 'Pulling',
      regarding: { kind: 'Pod', namespace: 'default', name: 'web-1' },
      note: 'Pulling image',
      type: 'Normal',
    });
    expect(parseRfc5424(encodeSyslog(eventToSyslog(series))).timestamp).toBe('2024-05-01T12:10:00.654321Z');
    const microAndTime = backOff({ eventTime: '2024-05-01T12:00:05.250000Z' });
    expect(eventToSyslog(microAndTime).timestamp).toBe('2024-05-01T12:00:05.250000Z');
    const noTimes = backOff({ firstTimestamp: null, lastTimestamp: null, eventTime: null });
    expect(eventToSyslog(noTimes).timestamp).toBeNull();
  });

  it('never throws for odd event data: the encoder makes it valid', () => {
    const odd = backOff({
      message: 'line 1\nline 2 \x00 ]"\\',
      involvedObject: { kind: 'Pod', namespace: 'nämespace', name: 'a b' },
      source: { host: 'nœud' },
    });
    const parsed = parseRfc5424(encodeSyslog(eventToSyslog(odd)));
    expect(parsed.hostname).toBe('n_ud');
    expect(parsed.appName).toBe('k8s.event/n_mespace/a_b/');
    expect(parsed.msg).toBe('line 1\nline 2 \u2400 ]"\\');
    expect(parsed.structuredData[0]?.params[0]).toEqual(['namespace_name', 'nämespace']);
  });

  it.each([
    [{ sdId: 'bad id' }, 'sdId'],
    [{ sdId: 'unregistered' }, 'sdId'],
    [{ sdId: 'x@' }, 'sdId'],
    [{ sdId: 'x@0' }, 'sdId'],
    [{ sdId: `${'x'.repeat(30)}@123` }, 'sdId'],
    [{ sdId: 'a=b@1' }, 'sdId'],
    [{ facility: 'bogus' }, 'facility'],
    [{ severityByReason: { BackOff: 'loud' } }, 'severityByReason.BackOff'],
    [{ severityByType: { Warning: 9 } }, 'severityByType.Warning'],
    [{ preset: 'fluentd' }, 'preset'],
    [{ clusterName: 5 }, 'clusterName'],
  ])('rejects %j when the mapper is built', (options, option) => {
    expect(() => createEventToSyslog(options as never)).toThrow(InvalidOptionError);
    expect(() => createEventToSyslog(options as never)).toThrow(expect.objectContaining({ option }) as Error);
  });

  it('accepts registered SD-IDs and private ones with sub-identifiers', () => {
    expect(Object.keys(eventToSyslog(backOff(), { sdId: 'origin' }).structuredData ?? {})).toEqual(['origin']);
    expect(Object.keys(eventToSyslog(backOff(), { sdId: 'k8s@32473.1.2' }).structuredData ?? {})).toEqual(['k8s@32473.1.2']);
  });
});
