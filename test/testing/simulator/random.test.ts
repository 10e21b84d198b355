import { describe, expect, it } from 'vitest';
import { KUBE_NAME_ALPHABET, SeededRandom } from '../../../src/testing/simulator/random.ts';

describe('SeededRandom', () => {
  it('repeats its stream for a seed and differs between seeds', () => {
    const a = new SeededRandom(7);
    const b = new SeededRandom(7);
    const c = new SeededRandom(8);
    const sa = Array.from({ length: 20 }, () => a.nextUint32());
    expect(Array.from({ length: 20 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 20 }, () => c.nextUint32())).not.toEqual(sa);
    expect(new SeededRandom(7 + 2 ** 32).nextUint32()).toBe(sa[0]);
  });

  it('spreads int(n) uniformly (chi-square over 10 buckets)', () => {
    const rng = new SeededRandom(123);
    const counts = new Array<number>(10).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) counts[rng.int(10)]! += 1;
    const chi = counts.reduce((sum, c) => sum + (c - n / 10) ** 2 / (n / 10), 0);
    expect(chi).toBeLessThan(27.9); // p = 0.001 for 9 degrees of freedom
  });

  it('stays in range', () => {
    const rng = new SeededRandom(5);
    for (let i = 0; i < 10_000; i++) {
      const x = rng.next();
      expect(x >= 0 && x < 1).toBe(true);
      const k = rng.between(3, 5);
      expect(k >= 3 && k <= 5).toBe(true);
      expect(rng.geometric(4)).toBeGreaterThanOrEqual(1);
    }
  });

  it('draws weighted choices in proportion', () => {
    const rng = new SeededRandom(9);
    let heavy = 0;
    for (let i = 0; i < 10_000; i++) if (rng.weighted(['a', 'b'], (x) => (x === 'a' ? 3 : 1)) === 'a') heavy += 1;
    expect(heavy / 10_000).toBeGreaterThan(0.72);
    expect(heavy / 10_000).toBeLessThan(0.78);
    expect(rng.weighted(['only'], () => 0)).toBe('only');
    expect(() => rng.pick([])).toThrow(RangeError);
  });

  it('makes uuid-shaped uids and Kubernetes name suffixes', () => {
    const rng = new SeededRandom(1);
    for (let i = 0; i < 100; i++) {
      expect(rng.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect([...rng.token(5)].every((ch) => KUBE_NAME_ALPHABET.includes(ch))).toBe(true);
    }
    expect(rng.hex(64)).toMatch(/^[0-9a-f]{64}$/);
  });
});
