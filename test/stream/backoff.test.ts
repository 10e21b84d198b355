import { describe, expect, it } from 'vitest';
import {
  createBackoff,
  DEFAULT_BACKOFF_FACTOR,
  DEFAULT_BACKOFF_INITIAL_DELAY_MS,
  DEFAULT_BACKOFF_JITTER,
  DEFAULT_BACKOFF_MAX_DELAY_MS,
  DEFAULT_BACKOFF_RESET_AFTER_MS,
} from '../../src/stream/index.ts';
import { InvalidOptionError } from '../../src/errors.ts';
import { ManualClock } from './stream-helpers.ts';

describe('createBackoff', () => {
  it("has client-go's reflector defaults as named constants", () => {
    expect([DEFAULT_BACKOFF_INITIAL_DELAY_MS, DEFAULT_BACKOFF_MAX_DELAY_MS, DEFAULT_BACKOFF_FACTOR, DEFAULT_BACKOFF_JITTER, DEFAULT_BACKOFF_RESET_AFTER_MS]).toEqual([
      800, 30_000, 2, 1, 120_000,
    ]);
  });

  it('doubles from 800 ms to a 30 s cap without jitter', () => {
    const clock = new ManualClock();
    const b = createBackoff({ jitter: 0 }, { clock });
    const delays = Array.from({ length: 9 }, () => b.next());
    expect(delays).toEqual([800, 1600, 3200, 6400, 12_800, 25_600, 30_000, 30_000, 30_000]);
  });

  it('stretches each delay d to d + random × d (jitter 1.0): [d, 2d), so retries settle in [30 s, 60 s)', () => {
    const clock = new ManualClock();
    let r = 0;
    const b = createBackoff({}, { clock, random: () => r });
    r = 0;
    expect(b.next()).toBe(800);
    r = 0.5;
    expect(b.next()).toBe(2400);
    r = 0.999;
    for (let i = 0; i < 10; i++) b.next();
    const capped = b.next();
    expect(capped).toBeGreaterThanOrEqual(30_000);
    expect(capped).toBeLessThan(60_000);
  });

  it('starts over once no delay was asked for during 2 minutes, and not before', () => {
    const clock = new ManualClock();
    const b = createBackoff({ jitter: 0 }, { clock });
    b.next();
    b.next();
    clock.advance(120_000);
    expect(b.next()).toBe(3200);
    clock.advance(120_001);
    expect(b.next()).toBe(800);
    b.reset();
    expect(b.next()).toBe(800);
  });

  it('rejects invalid options with the one error shape', () => {
    expect(() => createBackoff({ initialDelay: -1 })).toThrow(InvalidOptionError);
    expect(() => createBackoff({ factor: 0.5 })).toThrow('Expected `backoff.factor` to be a finite number >= 1, got `0.5` (number)');
    expect(() => createBackoff({ maxDelay: Number.NaN })).toThrow(/backoff\.maxDelay/);
  });
});
