import { describe, expect, it } from 'vitest';
import { estimateEventSize, eventIdempotencyKey, eventOrderingKey } from '../../src/sinks/event-keys.ts';
import { parseRetryAfter } from '../../src/sinks/retry-after.ts';
import { fromCoreV1Event } from '../../src/stream/kube-event.ts';
import { testEvent } from './support/test-events.ts';

describe('event keys', () => {
  it('orders by the involved object: its uid, else kind/namespace/name', () => {
    expect(eventOrderingKey(testEvent(1, 'web-0'))).toBe('pod-web-0');
    expect(eventOrderingKey(fromCoreV1Event({ metadata: { name: 'a' }, involvedObject: { kind: 'Node', name: 'node-1' } }))).toBe('Node//node-1');
  });

  it('identifies one version of one Event by uid/resourceVersion', () => {
    expect(eventIdempotencyKey(testEvent(5))).toBe('ev-5/1005');
  });

  it('estimates the JSON size within a factor of two of the real one', () => {
    const ev = testEvent(1, 'web-0', 'x'.repeat(300));
    const real = Buffer.byteLength(JSON.stringify(ev));
    const estimate = estimateEventSize(ev);
    expect(estimate).toBeGreaterThan(real / 2);
    expect(estimate).toBeLessThan(real * 2);
  });
});

describe('parseRetryAfter (RFC 9110 §10.2.3)', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    ['120', 120_000],
    ['0', 0],
    [' 5 ', 5_000],
    ['Thu, 01 Jan 2026 00:00:30 GMT', 30_000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
    ['Thursday, 01-Jan-26 00:01:00 GMT', 60_000],
    ['1.5', undefined],
    ['-1', undefined],
    ['soon', undefined],
    ['', undefined],
  ])('%j → %s', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });
  it('takes the first of repeated headers, and nothing', () => {
    expect(parseRetryAfter(['3', '9'], now)).toBe(3_000);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
