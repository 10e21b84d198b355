import { describe, expect, it } from 'vitest';
import { router, DEFAULT_THROTTLE_KEY } from '../../src/router/index.ts';
import type { Duration } from '../../src/router/index.ts';
import { InvalidOptionError } from '../../src/errors.ts';
import { fakeClock, testEvent } from './support/events.ts';

const MINUTE = 60_000;

describe('route throttling', () => {
  function throttled(window: Duration = '10m', maxThrottleKeys?: number) {
    const clock = fakeClock();
    const routes = router()
      .route((r) => r.name('sched').match({ reason: 'FailedScheduling' }).throttle({ per: ['namespace', 'regarding.name'], window }).to('slack'))
      .route((r) => r.to('other'))
      .compile({ now: clock.now, ...(maxThrottleKeys === undefined ? {} : { maxThrottleKeys }) });
    return { clock, routes };
  }
  const ev = (name = 'web-0', namespace = 'prod') => testEvent({ reason: 'FailedScheduling', objectName: name, namespace });

  it('lets the first event pass, counts repeats, and attaches the count to the next one that passes', () => {
    const { clock, routes } = throttled();
    expect(routes.decide(ev())).toEqual({ type: 'deliver', deliveries: [{ receiver: 'slack', route: 'routes[0]', name: 'sched', repeats: 0 }], suppressed: [] });
    for (let i = 1; i <= 3; i++) {
      clock.advance(MINUTE);
      expect(routes.decide(ev())).toEqual({ type: 'suppressed', suppressed: [{ route: 'routes[0]', name: 'sched', receivers: ['slack'], repeats: i }] });
    }
    clock.advance(7 * MINUTE); // exactly 10 minutes after the first: the window has ended
    expect(routes.decide(ev())).toEqual({ type: 'deliver', deliveries: [{ receiver: 'slack', route: 'routes[0]', name: 'sched', repeats: 3 }], suppressed: [] });
    // A new window opened; the count starts again.
    clock.advance(MINUTE);
    expect(routes.decide(ev())).toMatchObject({ type: 'suppressed', suppressed: [{ repeats: 1 }] });
    clock.advance(10 * MINUTE);
    expect(routes.decide(ev())).toMatchObject({ type: 'deliver', deliveries: [{ repeats: 1 }] });
    clock.advance(10 * MINUTE);
    expect(routes.decide(ev())).toMatchObject({ type: 'deliver', deliveries: [{ repeats: 0 }] });
  });

  it('keys by the `per` fields', () => {
    const { routes } = throttled();
    expect(routes.decide(ev('a')).type).toBe('deliver');
    expect(routes.decide(ev('b')).type).toBe('deliver');
    expect(routes.decide(ev('a', 'dev')).type).toBe('deliver');
    expect(routes.decide(ev('a')).type).toBe('suppressed');
    // The message is not part of this key.
    expect(routes.decide(testEvent({ reason: 'FailedScheduling', objectName: 'b', namespace: 'prod', message: 'other' })).type).toBe('suppressed');
  });

  it('counts a suppressed route as matched: the next sibling is not tried', () => {
    const { routes } = throttled();
    routes.decide(ev());
    const d = routes.decide(ev());
    expect(d.type).toBe('suppressed');
  });

  it('reports suppressions beside deliveries of other routes', () => {
    const clock = fakeClock();
    const routes = router()
      .route((r) => r.throttle({ window: '1m' }).to('slack'))
      .to('archive')
      .compile({ now: clock.now });
    routes.decide(testEvent());
    expect(routes.decide(testEvent())).toEqual({
      type: 'deliver',
      deliveries: [{ receiver: 'archive', route: 'root', name: undefined, repeats: 0 }],
      suppressed: [{ route: 'routes[0]', name: undefined, receivers: ['slack'], repeats: 1 }],
    });
  });

  it('suppresses the whole subtree of a throttled route', () => {
    const clock = fakeClock();
    const routes = router()
      .route((r) => r.throttle({ window: '1m' }).to('a').route((c) => c.to('child')))
      .compile({ now: clock.now });
    expect(routes.decide(testEvent())).toMatchObject({ deliveries: [{ receiver: 'a' }, { receiver: 'child' }] });
    expect(routes.decide(testEvent()).type).toBe('suppressed');
  });

  it('defaults the key to client-go\'s correlator key', () => {
    expect(DEFAULT_THROTTLE_KEY).toEqual([
      'source.component',
      'source.host',
      'regarding.kind',
      'regarding.namespace',
      'regarding.name',
      'regarding.fieldPath',
      'regarding.uid',
      'regarding.apiVersion',
      'type',
      'reason',
      'message',
    ]);
    const clock = fakeClock();
    const routes = router()
      .route((r) => r.throttle({ window: 60_000 }).to('a'))
      .compile({ now: clock.now });
    expect(routes.decide(testEvent({ message: 'one' })).type).toBe('deliver');
    expect(routes.decide(testEvent({ message: 'two' })).type).toBe('deliver');
    expect(routes.decide(testEvent({ message: 'one' })).type).toBe('suppressed');
    expect(routes.decide(testEvent({ message: 'one', host: 'node-2' })).type).toBe('deliver');
  });

  it('tells an absent label from an empty one in keys', () => {
    const clock = fakeClock();
    const routes = router()
      .route((r) => r.throttle({ per: ['involved.labels.team'], window: '1m' }).to('a'))
      .compile({ now: clock.now });
    expect(routes.decide(testEvent(), { labels: { team: '' } }).type).toBe('deliver');
    expect(routes.decide(testEvent()).type).toBe('deliver');
    expect(routes.decide(testEvent(), { labels: {} }).type).toBe('suppressed');
  });

  it('bounds the keys it remembers, forgetting the oldest window', () => {
    const { clock, routes } = throttled('10m', 2);
    routes.decide(ev('a'));
    routes.decide(ev('a')); // a: 1 repeat
    clock.advance(1);
    routes.decide(ev('b'));
    clock.advance(1);
    routes.decide(ev('c')); // evicts a
    expect(routes.stats()).toEqual({ throttleKeys: 2, throttleEvictions: 1, lostRepeats: 1 });
    expect(routes.decide(ev('a')).type).toBe('deliver'); // a was forgotten; evicts b
    expect(routes.decide(ev('c')).type).toBe('suppressed');
    expect(routes.stats()).toMatchObject({ throttleKeys: 2, throttleEvictions: 2 });
  });

  it('forgets expired windows without repeats as new keys arrive', () => {
    const { clock, routes } = throttled('1m');
    routes.decide(ev('a'));
    routes.decide(ev('b'));
    clock.advance(2 * MINUTE);
    routes.decide(ev('c'));
    expect(routes.stats().throttleKeys).toBe(1);
  });

  it('flushes trailing repeats of ended windows', () => {
    const { clock, routes } = throttled('10m');
    routes.decide(ev('a'));
    routes.decide(ev('a'));
    routes.decide(ev('a'));
    routes.decide(ev('b'));
    expect(routes.flushSuppressed()).toEqual([]);
    clock.advance(10 * MINUTE);
    expect(routes.flushSuppressed()).toEqual([{ route: 'routes[0]', name: 'sched', receivers: ['slack'], key: ['prod', 'a'], repeats: 2 }]);
    expect(routes.flushSuppressed()).toEqual([]);
    expect(routes.stats().throttleKeys).toBe(0);
    // The flushed count is not attached again.
    expect(routes.decide(ev('a'))).toMatchObject({ deliveries: [{ repeats: 0 }] });
  });

  it('validates its options', () => {
    expect(() => router().compile({ maxThrottleKeys: 0 })).toThrow(InvalidOptionError);
    expect(() => router().compile({ now: 5 as never })).toThrow(/Expected `now` to be a function/);
  });
});
