import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { compileLayout, compileRouter, glob, loadRouterConfig, router } from '../../src/router/index.ts';
import type { Layout } from '../../src/router/index.ts';
import { fakeClock, testEvent } from './support/events.ts';

const text = await readFile(new URL('../../examples/routes.yaml', import.meta.url), 'utf8');

describe('examples/routes.yaml', () => {
  const config = loadRouterConfig(text);

  it('is the seed talk\'s routing, as the DSL writes it', () => {
    const dsl = router({ receivers: ['alerting', 'archive'] })
      .drop({ namespace: glob('test-*') })
      .drop({ type: 'Normal' })
      .route((r) =>
        r
          .name('prod-pod-failures')
          .match({ kind: 'Pod', namespace: 'prod', reason: glob('Failed*') })
          .throttle({ per: ['namespace', 'regarding.name', 'reason'], window: '10m' })
          .to('alerting'),
      )
      .to('archive')
      .toSpec();
    expect(config.spec).toEqual(dsl);
  });

  it('drops test namespaces and Normal events, alerts on failing prod Pods, archives everything else', () => {
    const clock = fakeClock();
    const routes = compileRouter(config.spec, { now: clock.now });
    const receivers = (fields: Parameters<typeof testEvent>[0]) => {
      const d = routes.decide(testEvent(fields));
      return d.type === 'deliver' ? d.deliveries.map((x) => x.receiver) : d.type;
    };
    expect(receivers({ namespace: 'test-payments', reason: 'FailedMount' })).toBe('dropped');
    expect(receivers({ namespace: 'prod', type: 'Normal', reason: 'Pulled' })).toBe('dropped');
    expect(receivers({ namespace: 'prod', kind: 'Pod', reason: 'FailedMount' })).toEqual(['archive', 'alerting']);
    expect(receivers({ namespace: 'prod', kind: 'Pod', reason: 'BackOff' })).toEqual(['archive']);
    expect(receivers({ namespace: 'prod', kind: 'Deployment', reason: 'FailedCreate' })).toEqual(['archive']);
    expect(receivers({ namespace: 'staging', kind: 'Pod', reason: 'FailedMount' })).toEqual(['archive']);
    // Noise-free: the same failure again within 10 minutes is counted, not alerted…
    expect(receivers({ namespace: 'prod', kind: 'Pod', reason: 'FailedMount' })).toEqual(['archive']);
    // …and the count rides on the next alert.
    clock.advance(10 * 60_000);
    expect(routes.decide(testEvent({ namespace: 'prod', kind: 'Pod', reason: 'FailedMount' }))).toMatchObject({
      deliveries: [{ receiver: 'archive', repeats: 0 }, { receiver: 'alerting', name: 'prod-pod-failures', repeats: 1 }],
    });
  });

  it('has an alerting layout that renders a structured, actionable alert', () => {
    const render = compileLayout(config.receivers.alerting?.layout as Layout);
    const ev = testEvent({ namespace: 'prod', kind: 'Pod', objectName: 'api-7', reason: 'FailedMount', message: 'MountVolume.SetUp failed for volume "config"' });
    expect(render(ev, { involved: { labels: { team: 'payments' } }, repeats: 4 })).toEqual({
      title: 'WARNING: FailedMount on Pod prod/api-7',
      text: 'MountVolume.SetUp failed for volume "config" (and 4 more since the last alert)',
      team: 'payments',
      count: '1',
      at: '2024-05-01T10:05:00.000Z',
    });
  });
});
