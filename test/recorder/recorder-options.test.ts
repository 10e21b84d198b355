/** Options: defaults and validation, each bad option named in one error shape. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostname } from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';
import { InvalidOptionError } from '../../src/errors.ts';
import { DEFAULT_CORRELATOR_OPTIONS, DEFAULT_RETRY_POLICY, systemClock } from '../../src/recorder/index.ts';
import type { EventRecorderOptions } from '../../src/recorder/index.ts';
import { resolveRecorderOptions } from '../../src/recorder/recorder-options.ts';
import { startTestCluster } from '../../src/testing/index.ts';
import type { TestCluster } from '../../src/testing/index.ts';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster();
});
afterAll(async () => {
  await cluster.close();
});

describe('createEventRecorder options', () => {
  it('fills in client-go’s defaults', () => {
    const o = resolveRecorderOptions({ kubeConfig: cluster.kubeConfig, component: 'example.com/ctl' });
    expect(o).toMatchObject({
      component: 'example.com/ctl',
      instance: `example.com/ctl-${hostname()}`,
      api: 'auto',
      queueSize: 1000,
      concurrency: 4,
      requestTimeout: 30_000,
      correlator: DEFAULT_CORRELATOR_OPTIONS,
      retry: DEFAULT_RETRY_POLICY,
    });
    expect(o.clock).toBe(systemClock);
    expect(DEFAULT_CORRELATOR_OPTIONS).toEqual({ lruCacheSize: 4096, maxEvents: 10, maxIntervalInSeconds: 600, burstSize: 25, qps: 1 / 300 });
    expect(DEFAULT_RETRY_POLICY.maxTries).toBe(12);
  });

  it('cuts a long default instance to 128 bytes, keeps partial correlator and retry options', () => {
    const long = `${'a'.repeat(60)}.example.com/${'b'.repeat(63)}`;
    const o = resolveRecorderOptions({ kubeConfig: cluster.kubeConfig, component: long, correlator: { burstSize: 5 }, retry: { maxTries: 2 } });
    expect(Buffer.byteLength(o.instance)).toBeLessThanOrEqual(128);
    expect(`${long}-${hostname()}`.startsWith(o.instance)).toBe(true);
    expect(Buffer.byteLength(o.instance)).toBe(128);
    expect(o.correlator).toEqual({ ...DEFAULT_CORRELATOR_OPTIONS, burstSize: 5 });
    expect(o.retry).toEqual({ ...DEFAULT_RETRY_POLICY, maxTries: 2 });
  });

  it.each<[Partial<EventRecorderOptions>, string, string]>([
    [{ component: '' }, 'component', 'Expected `component` to be a qualified name such as `example.com/my-operator`, got `` (string)'],
    [{ component: 'bad name!' }, 'component', "name part must consist of alphanumeric characters, '-', '_' or '.'"],
    [{ component: 'Example.com/ctl' }, 'component', 'prefix part must be a lowercase RFC 1123 subdomain'],
    [{ component: 'c', instance: 'x'.repeat(129) }, 'instance', 'Expected `instance` to be a non-empty string of at most 128 bytes'],
    [{ component: 'c', api: 'events/v1' as never }, 'api', "Expected `api` to be one of 'core/v1', 'events.k8s.io/v1', 'auto', got `events/v1` (string)"],
    [{ component: 'c', queueSize: 0 }, 'queueSize', 'Expected `queueSize` to be an integer >= 1, got `0` (number)'],
    [{ component: 'c', concurrency: 1.5 }, 'concurrency', 'Expected `concurrency` to be an integer >= 1'],
    [{ component: 'c', correlator: { qps: -1 } }, 'correlator.qps', 'Expected `correlator.qps` to be a finite number >= 0, got `-1` (number)'],
    [{ component: 'c', retry: { jitter: 2 } }, 'retry.jitter', 'Expected `retry.jitter` to be a number >= 0 and <= 1, got `2` (number)'],
    [{ component: 'c', requestTimeout: 0 }, 'requestTimeout', 'Expected `requestTimeout` to be a finite number > 0'],
    [{ component: 'c', clock: { now: () => 0 } as never }, 'clock', 'Expected `clock` to be an object with now(), setTimeout() and clearTimeout()'],
  ])('rejects %j naming %s', (partial, option, message) => {
    let caught: unknown;
    try {
      resolveRecorderOptions({ kubeConfig: cluster.kubeConfig, ...partial } as EventRecorderOptions);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidOptionError);
    expect(caught).toMatchObject({ code: 'ERR_INVALID_OPTION', option });
    expect((caught as Error).message).toContain(message);
  });

  it('rejects a KubeConfig without a current cluster', () => {
    expect(() => resolveRecorderOptions({ kubeConfig: new KubeConfig(), component: 'c' })).toThrow(/Expected `kubeConfig` to be a KubeConfig with a current context and cluster/);
  });
});
