/**
 * A least-recently-used cache with a fixed capacity (groupcache's `lru.Cache`, which client-go's
 * EventCorrelator uses for each of its three caches).
 *
 * @module
 */

/** A bounded map that evicts its least recently used entry when full. */
export class LruCache<V> {
  readonly #capacity: number;
  readonly #map = new Map<string, V>();

  /** @param capacity - The most entries kept (≥ 1). */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** The number of entries. */
  get size(): number {
    return this.#map.size;
  }

  /** The value for `key`, marking it most recently used. */
  get(key: string): V | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }

  /** Sets `key`, marking it most recently used; evicts the least recently used entry when full. */
  set(key: string, value: V): void {
    if (this.#map.has(key)) this.#map.delete(key);
    else if (this.#map.size >= this.#capacity) {
      const oldest = this.#map.keys().next();
      if (oldest.done !== true) this.#map.delete(oldest.value);
    }
    this.#map.set(key, value);
  }

  /** Removes `key`. */
  delete(key: string): void {
    this.#map.delete(key);
  }

  /** The entries, least recently used first (a snapshot). */
  entries(): [string, V][] {
    return [...this.#map.entries()];
  }
}
