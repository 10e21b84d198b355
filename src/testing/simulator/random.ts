/**
 * A small seeded pseudo-random number generator for the workload simulator.
 *
 * The generator is **sfc32** ("Small Fast Counting", 32-bit), Chris Doty-Humphrey's design from the
 * PractRand test suite: 128 bits of state (three mixing words and a counter that guarantees a
 * period of at least 2^32), passes PractRand and BigCrush, and needs only 32-bit integer
 * operations, so it is exact in JavaScript. The 32-bit seed is expanded into the four state words
 * with **splitmix32** (the 32-bit variant of Sebastiano Vigna's splitmix64 finaliser), and the
 * first 12 outputs are discarded, as PractRand's reference seeding does, so that nearby seeds
 * (1, 2, 3…) give unrelated streams.
 *
 * Not for cryptography: it only has to be fast, well mixed and reproducible.
 */

/** The alphabet Kubernetes uses for generated name suffixes and pod-template hashes (`k8s.io/apimachinery/pkg/util/rand`). */
export const KUBE_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

const HEX = '0123456789abcdef';

/** A reproducible stream of random numbers, seeded with a 32-bit integer. */
export class SeededRandom {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /** @param seed - Any safe integer; only its low 32 bits matter, so `seed` and `seed + 2 ** 32` give the same stream. */
  constructor(seed: number) {
    let s = seed >>> 0;
    const splitmix32 = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = splitmix32();
    this.#b = splitmix32();
    this.#c = splitmix32();
    this.#d = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer in [0, n) for n ≥ 1. */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [min, max], both inclusive. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new RangeError('pick() needs a non-empty array');
    return item;
  }

  /** One element of a non-empty array, chosen with probability proportional to `weight(item)` (weights ≥ 0, not all 0). */
  weighted<T>(items: readonly T[], weight: (item: T) => number): T {
    let total = 0;
    for (const item of items) total += Math.max(0, weight(item));
    if (!(total > 0)) return this.pick(items);
    let x = this.next() * total;
    for (const item of items) {
      x -= Math.max(0, weight(item));
      if (x < 0) return item;
    }
    // Floating-point leftovers land on the last item with a positive weight.
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i] as T;
      if (weight(item) > 0) return item;
    }
    return this.pick(items);
  }

  /** A geometric count ≥ 1 with the given mean (≥ 1). */
  geometric(mean: number): number {
    if (mean <= 1) return 1;
    const p = 1 / mean;
    return 1 + Math.floor(Math.log(1 - this.next()) / Math.log(1 - p));
  }

  /** `length` characters drawn uniformly from `alphabet`. */
  token(length: number, alphabet: string = KUBE_NAME_ALPHABET): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet.charAt(this.int(alphabet.length));
    return out;
  }

  /** `length` lowercase hex digits. */
  hex(length: number): string {
    return this.token(length, HEX);
  }

  /** A version-4-shaped UUID (`xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`), as the API server assigns to `metadata.uid`. */
  uuid(): string {
    const variant = HEX.charAt(8 + this.int(4));
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${variant}${this.hex(3)}-${this.hex(12)}`;
  }
}
