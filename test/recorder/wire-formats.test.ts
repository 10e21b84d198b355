/** Timestamps as kube-apiserver parses them, Retry-After, and the retry delays. */
import { describe, expect, it } from 'vitest';
import { formatMicroTime, formatTime } from '../../src/recorder/kube-time.ts';
import { parseRetryAfter } from '../../src/recorder/kube-api-client.ts';
import { DEFAULT_RETRY_POLICY } from '../../src/recorder/index.ts';
import { retryDelay } from '../../src/recorder/retry-policy.ts';

const T = Date.UTC(2026, 10, 23, 10, 0, 0);

describe('timestamps', () => {
  it('metav1.Time: whole seconds, Z', () => {
    expect(formatTime(T + 999.9)).toBe('2026-11-23T10:00:00Z');
    expect(formatTime(T + 61_000)).toBe('2026-11-23T10:01:01Z');
  });

  it('metav1.MicroTime: exactly six fraction digits', () => {
    expect(formatMicroTime(T)).toBe('2026-11-23T10:00:00.000000Z');
    expect(formatMicroTime(T + 123.456)).toBe('2026-11-23T10:00:00.123456Z');
    expect(formatMicroTime(T + 5000.25)).toBe('2026-11-23T10:00:05.000250Z');
    expect(formatMicroTime(T + 0.5)).toBe('2026-11-23T10:00:00.000500Z');
  });
});

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates (RFC 9110 §10.2.3)', () => {
    expect(parseRetryAfter('7', T)).toBe(7000);
    expect(parseRetryAfter(new Date(T + 3000).toUTCString(), T)).toBe(3000);
    expect(parseRetryAfter(new Date(T - 3000).toUTCString(), T)).toBe(0);
    expect(parseRetryAfter('soon', T)).toBeUndefined();
    expect(parseRetryAfter(undefined, T)).toBeUndefined();
  });
});

describe('retryDelay', () => {
  it('doubles from initialDelay to maxDelay, less up to `jitter` of itself, never under Retry-After', () => {
    const p = DEFAULT_RETRY_POLICY;
    expect([1, 2, 3, 4, 5, 11].map((n) => retryDelay(p, n, 0, undefined))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(retryDelay(p, 1, 0.999, undefined)).toBeCloseTo(500.5);
    expect(retryDelay(p, 1, 0.5, 7000)).toBe(7000);
    expect(retryDelay({ ...p, jitter: 0 }, 3, 0.9, 100)).toBe(4000);
  });
});
