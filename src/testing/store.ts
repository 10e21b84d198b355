/**
 * Generic versioned object storage, as etcd + the watch cache give kube-apiserver: one global,
 * monotonically increasing resourceVersion bumped by every write, a bounded history of changes
 * (for watches and consistent paginated lists from an older resourceVersion), and TTLs.
 */
import type { JsonObject } from './json.ts';
import { objectAt, stringAt } from './json.ts';
import type { TestClock } from './clock.ts';

/** The type of a watch event caused by a write. */
export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One write, as the watch cache records it. */
export interface Change {
  readonly rv: number;
  readonly type: ChangeType;
  readonly storageKey: string;
  readonly namespace: string;
  readonly name: string;
  /** The object after the write; for DELETED, the last state with the deletion's resourceVersion. */
  readonly object: JsonObject;
  /** The object before the write (absent for ADDED). */
  readonly prev: JsonObject | undefined;
  /** Cluster clock time of the write, in ms. */
  readonly time: number;
}

/** Receives every change to one storage key (optionally one namespace), synchronously. */
export interface StoreListener {
  readonly storageKey: string;
  readonly namespace: string | undefined;
  onChange(change: Change): void;
}

/** Store options. */
export interface StoreOptions {
  /** How long changes stay watchable, in ms of cluster time. */
  historyWindowMs: number;
  /** The most changes kept, whatever their age. */
  maxHistory: number;
  /** The resourceVersion of the first write minus one. */
  initialResourceVersion: number;
}

interface Entry {
  object: JsonObject;
  expiresAt?: number;
}

/** Thrown by {@link Store.snapshot} when the requested revision is compacted away. */
export class RevisionCompactedError extends Error {
  readonly requested: number;
  readonly oldest: number;
  constructor(requested: number, oldest: number) {
    super(`revision ${requested} compacted (oldest available ${oldest})`);
    this.requested = requested;
    this.oldest = oldest;
  }
}

function objectKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** Versioned storage with history and listeners. */
export class Store {
  readonly #clock: TestClock;
  readonly #options: StoreOptions;
  readonly #collections = new Map<string, Map<string, Entry>>();
  readonly #sortedKeys = new Map<string, string[]>();
  #history: Change[] = [];
  #historyStart = 0; // index of the first live entry in #history (trimmed lazily)
  #rv: number;
  /** Changes with rv <= floor are gone: a watch or snapshot from an rv below it is too old. */
  #floor: number;
  readonly #listeners = new Set<StoreListener>();
  /** Expiry order equals write order (TTL is constant and the clock only moves forward). */
  readonly #expiry = new Map<string, { storageKey: string; namespace: string; name: string; at: number }>();

  constructor(clock: TestClock, options: StoreOptions) {
    this.#clock = clock;
    this.#options = options;
    this.#rv = options.initialResourceVersion;
    this.#floor = options.initialResourceVersion;
  }

  /** The current (latest) resourceVersion. */
  get resourceVersion(): number {
    return this.#rv;
  }

  /** The oldest resourceVersion a watch can start from (changes after it are all kept). */
  get oldestWatchable(): number {
    this.trim();
    return this.#floor;
  }

  #collection(storageKey: string): Map<string, Entry> {
    let c = this.#collections.get(storageKey);
    if (!c) {
      c = new Map();
      this.#collections.set(storageKey, c);
    }
    return c;
  }

  get(storageKey: string, namespace: string, name: string): JsonObject | undefined {
    return this.#collections.get(storageKey)?.get(objectKey(namespace, name))?.object;
  }

  /** Current objects in key order (namespace, then name), optionally of one namespace. */
  list(storageKey: string, namespace?: string): JsonObject[] {
    const c = this.#collections.get(storageKey);
    if (!c) return [];
    let keys = this.#sortedKeys.get(storageKey);
    if (!keys) {
      keys = [...c.keys()].sort();
      this.#sortedKeys.set(storageKey, keys);
    }
    const out: JsonObject[] = [];
    const prefix = namespace === undefined ? undefined : `${namespace}/`;
    for (const k of keys) {
      if (prefix !== undefined && !k.startsWith(prefix)) continue;
      const e = c.get(k);
      if (e) out.push(e.object);
    }
    return out;
  }

  /** Number of objects stored under a key. */
  count(storageKey: string): number {
    return this.#collections.get(storageKey)?.size ?? 0;
  }

  /**
   * The objects as they were at revision `rv`, in key order.
   *
   * @throws RevisionCompactedError when changes after `rv` are no longer all kept.
   */
  snapshot(storageKey: string, rv: number, namespace?: string): JsonObject[] {
    this.trim();
    if (rv < this.#floor) throw new RevisionCompactedError(rv, this.#floor);
    if (rv >= this.#rv) return this.list(storageKey, namespace);
    const state = new Map<string, JsonObject>();
    const c = this.#collections.get(storageKey);
    if (c) for (const [k, e] of c) state.set(k, e.object);
    for (let i = this.#history.length - 1; i >= this.#historyStart; i--) {
      const ch = this.#history[i];
      if (!ch || ch.rv <= rv) break;
      if (ch.storageKey !== storageKey) continue;
      const k = objectKey(ch.namespace, ch.name);
      if (ch.prev === undefined) state.delete(k);
      else state.set(k, ch.prev);
    }
    const prefix = namespace === undefined ? undefined : `${namespace}/`;
    return [...state.keys()]
      .filter((k) => prefix === undefined || k.startsWith(prefix))
      .sort()
      .map((k) => state.get(k))
      .filter((o): o is JsonObject => o !== undefined);
  }

  /** Changes to `storageKey` with rv > `after`, oldest first. The caller checks `oldestWatchable` first. */
  changesSince(storageKey: string, after: number): Change[] {
    const out: Change[] = [];
    // Binary search for the first change with rv > after.
    let lo = this.#historyStart;
    let hi = this.#history.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const ch = this.#history[mid];
      if (ch && ch.rv <= after) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.#history.length; i++) {
      const ch = this.#history[i];
      if (ch?.storageKey === storageKey) out.push(ch);
    }
    return out;
  }

  #nextRv(): number {
    this.#rv += 1;
    return this.#rv;
  }

  #record(change: Change): void {
    this.#history.push(change);
    this.trim();
    for (const l of this.#listeners) {
      if (l.storageKey !== change.storageKey) continue;
      if (l.namespace !== undefined && l.namespace !== change.namespace) continue;
      l.onChange(change);
    }
  }

  #touchExpiry(storageKey: string, namespace: string, name: string, ttlMs: number | undefined): void {
    const k = `${storageKey}\u0000${objectKey(namespace, name)}`;
    this.#expiry.delete(k);
    if (ttlMs !== undefined) this.#expiry.set(k, { storageKey, namespace, name, at: this.#clock.now() + ttlMs });
  }

  /**
   * Writes a new object. `build` receives the new resourceVersion and returns the object to store
   * (with metadata.resourceVersion set by the caller's convention: this store sets it).
   */
  create(storageKey: string, namespace: string, name: string, obj: JsonObject, ttlMs?: number): JsonObject {
    const c = this.#collection(storageKey);
    const key = objectKey(namespace, name);
    const rv = this.#nextRv();
    const stored = withResourceVersion(obj, rv);
    c.set(key, { object: stored });
    this.#sortedKeys.delete(storageKey);
    this.#touchExpiry(storageKey, namespace, name, ttlMs);
    this.#record({ rv, type: 'ADDED', storageKey, namespace, name, object: stored, prev: undefined, time: this.#clock.now() });
    return stored;
  }

  /** Replaces an existing object. */
  update(storageKey: string, namespace: string, name: string, obj: JsonObject, ttlMs?: number): JsonObject {
    const c = this.#collection(storageKey);
    const key = objectKey(namespace, name);
    const prev = c.get(key)?.object;
    const rv = this.#nextRv();
    const stored = withResourceVersion(obj, rv);
    c.set(key, { object: stored });
    if (!prev) this.#sortedKeys.delete(storageKey);
    this.#touchExpiry(storageKey, namespace, name, ttlMs);
    this.#record({ rv, type: prev ? 'MODIFIED' : 'ADDED', storageKey, namespace, name, object: stored, prev, time: this.#clock.now() });
    return stored;
  }

  /** Deletes an object; returns its last state with the deletion's resourceVersion. */
  delete(storageKey: string, namespace: string, name: string): JsonObject | undefined {
    const c = this.#collections.get(storageKey);
    const key = objectKey(namespace, name);
    const prev = c?.get(key)?.object;
    if (!c || !prev) return undefined;
    c.delete(key);
    this.#sortedKeys.delete(storageKey);
    this.#expiry.delete(`${storageKey}\u0000${key}`);
    const rv = this.#nextRv();
    const gone = withResourceVersion(prev, rv);
    this.#record({ rv, type: 'DELETED', storageKey, namespace, name, object: gone, prev, time: this.#clock.now() });
    return gone;
  }

  /** Deletes every object whose TTL has passed on the cluster clock; returns how many. */
  expire(): number {
    const now = this.#clock.now();
    let n = 0;
    for (const [k, e] of this.#expiry) {
      if (e.at > now) break;
      this.#expiry.delete(k);
      if (this.delete(e.storageKey, e.namespace, e.name)) n++;
    }
    return n;
  }

  /** Registers a listener; returns the function that removes it. */
  listen(listener: StoreListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Drops history older than the window (or beyond the maximum size). */
  trim(): void {
    const cutoff = this.#clock.now() - this.#options.historyWindowMs;
    const maxStart = this.#history.length - this.#options.maxHistory;
    let i = this.#historyStart;
    while (i < this.#history.length) {
      const ch = this.#history[i];
      if (!ch || (ch.time >= cutoff && i >= maxStart)) break;
      this.#floor = ch.rv;
      i++;
    }
    this.#historyStart = i;
    if (this.#historyStart > 1024 && this.#historyStart * 2 > this.#history.length) {
      this.#history = this.#history.slice(this.#historyStart);
      this.#historyStart = 0;
    }
  }

  /** Forgets all history: every resourceVersion before now becomes too old (etcd compaction). */
  compact(): void {
    this.#history = [];
    this.#historyStart = 0;
    this.#floor = this.#rv;
  }

  /** Every storage key with objects. */
  storageKeys(): string[] {
    return [...this.#collections.keys()];
  }
}

function withResourceVersion(obj: JsonObject, rv: number): JsonObject {
  const md = objectAt(obj, 'metadata') ?? {};
  return { ...obj, metadata: { ...md, resourceVersion: String(rv) } };
}

/** metadata.namespace and metadata.name of an object ('' when absent). */
export function namespaceAndName(obj: JsonObject): { namespace: string; name: string } {
  const md = objectAt(obj, 'metadata');
  return { namespace: stringAt(md, 'namespace') ?? '', name: stringAt(md, 'name') ?? '' };
}
