/**
 * The checkpoint: what an EventStream saves so that, after a restart, it delivers no Event twice
 * and misses none.
 *
 * @module
 */
import { CheckpointError } from './stream-errors.ts';
import type { TrackedEvent, TrackedEvents } from './tracked-event.ts';

/**
 * One tracked Event in a checkpoint: `[uid, resourceVersion, namespace, name, delivered]`
 * (`delivered` is `0` for an Event the stream skipped, e.g. older than `maxEventAge`).
 */
export type CheckpointEvent = readonly [uid: string, resourceVersion: string, namespace: string, name: string, delivered: 0 | 1];

/**
 * The committed position of an EventStream, as saved by a {@link CheckpointStore}.
 *
 * It holds two things, and both are needed:
 *
 * - `resourceVersion`: where the consumer's view stands in the server's order of changes. When the
 *   server still has the changes after it, the stream resumes with a watch from there and gets
 *   exactly what it missed. `null` when the view was being (re)built by a list when the checkpoint
 *   was saved (a list's items have no order to resume from).
 * - `events`: every Event the consumer has been given (its uid, resourceVersion, namespace and
 *   name). When `resourceVersion` is `null` or too old for the server (410 Gone: etcd compacted
 *   the history, the API server restarted), the stream lists the current state and compares it
 *   with this set: an Event whose resourceVersion is unchanged is not delivered again, a changed
 *   one is delivered once at its current version, a new one as added, and one that is gone as
 *   deleted. So a resourceVersion alone is not enough; the set makes resuming exact.
 *
 * The set holds only Events that still exist: the stream drops an entry when it sees the Event
 * deleted (a watch `DELETED`, or its absence from a relist), and kube-apiserver deletes Events
 * `--event-ttl` (1 hour by default) after their last update; so its size is bounded by the number
 * of live Events the stream matches (about 100 bytes each in JSON).
 *
 * @example
 * ```ts
 * import type { Checkpoint } from 'kube-events/stream';
 *
 * const cp: Checkpoint = {
 *   version: 1,
 *   scope: 'namespace=prod labelSelector= fieldSelector=type=Warning',
 *   resourceVersion: '48213',
 *   synced: true,
 *   events: [['b2c7…', '48190', 'prod', 'web-1.17f1a2b3c4d5e6f7', 1]],
 *   savedAt: '2026-11-23T10:05:00.000Z',
 * };
 * ```
 */
export interface Checkpoint {
  /** The format version: `1`. */
  readonly version: 1;
  /**
   * What the stream reads: namespace and selectors. A checkpoint of another scope is not resumed
   * from by watch; the stream relists and compares with `events` instead.
   */
  readonly scope: string;
  /** The resourceVersion to resume watching from, or `null` when resuming needs a list. */
  readonly resourceVersion: string | null;
  /** Whether the initial list had completed (`maxEventAge` applies only before). */
  readonly synced: boolean;
  /** The Events the consumer has been given (and those the stream skipped). */
  readonly events: readonly CheckpointEvent[];
  /** When it was saved (ISO 8601). */
  readonly savedAt: string;
}

/**
 * Where an EventStream keeps its {@link Checkpoint}: `load` returns the last one saved (or
 * `undefined` when there is none), `save` replaces it. The stream calls `save` one at a time,
 * debounced, and once more on `stop()`. A store should make `save` atomic: a crash in the middle
 * must leave the previous checkpoint or the new one, never a mix.
 *
 * @example
 * ```ts
 * import type { Checkpoint, CheckpointStore } from 'kube-events/stream';
 *
 * // A store in Redis.
 * const store: CheckpointStore = {
 *   async load() {
 *     const text = await redis.get('kube-events:checkpoint');
 *     return text === null ? undefined : (JSON.parse(text) as Checkpoint);
 *   },
 *   async save(checkpoint) {
 *     await redis.set('kube-events:checkpoint', JSON.stringify(checkpoint));
 *   },
 * };
 * ```
 */
export interface CheckpointStore {
  /** The last checkpoint saved, or `undefined`. */
  load(): Promise<Checkpoint | undefined>;
  /** Saves a checkpoint, replacing the previous one. */
  save(checkpoint: Checkpoint): Promise<void>;
}

/**
 * A {@link CheckpointStore} in memory: it survives stopping and recreating a stream in the same
 * process (and lets tests see what was saved), not a process restart.
 *
 * @example
 * ```ts
 * import { createEventStream, createMemoryCheckpointStore } from 'kube-events/stream';
 *
 * const checkpoint = createMemoryCheckpointStore();
 * const stream = createEventStream({ checkpoint });
 * ```
 */
export interface MemoryCheckpointStore extends CheckpointStore {
  /** The checkpoint saved last, or `undefined`. */
  readonly current: Checkpoint | undefined;
  /** How many times `save` was called. */
  readonly saves: number;
}

/**
 * Creates an in-memory {@link CheckpointStore}.
 *
 * @param initial - A checkpoint to start with.
 * @returns The store.
 *
 * @example
 * ```ts
 * import { createMemoryCheckpointStore } from 'kube-events/stream';
 *
 * const store = createMemoryCheckpointStore();
 * await store.load(); // undefined
 * ```
 */
export function createMemoryCheckpointStore(initial?: Checkpoint): MemoryCheckpointStore {
  let current = initial;
  let saves = 0;
  return {
    get current() {
      return current;
    },
    get saves() {
      return saves;
    },
    load: () => Promise.resolve(current),
    save: (checkpoint) => {
      current = checkpoint;
      saves++;
      return Promise.resolve();
    },
  };
}

function fail(why: string): never {
  throw new CheckpointError('checkpoint-load', `not a valid kube-events checkpoint: ${why}`, false);
}

/**
 * Validates decoded JSON as a {@link Checkpoint}.
 *
 * @param value - The decoded JSON.
 * @returns The checkpoint.
 * @throws {@link CheckpointError} naming what is wrong.
 *
 * @example
 * ```ts
 * import { parseCheckpoint } from 'kube-events/stream';
 *
 * const cp = parseCheckpoint(JSON.parse(text));
 * ```
 */
export function parseCheckpoint(value: unknown): Checkpoint {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('expected an object');
  const v = value as Record<string, unknown>;
  if (v.version !== 1) fail(`unsupported version ${JSON.stringify(v.version)}`);
  if (typeof v.scope !== 'string') fail('`scope` must be a string');
  if (v.resourceVersion !== null && typeof v.resourceVersion !== 'string') fail('`resourceVersion` must be a string or null');
  if (typeof v.synced !== 'boolean') fail('`synced` must be a boolean');
  if (typeof v.savedAt !== 'string') fail('`savedAt` must be a string');
  if (!Array.isArray(v.events)) fail('`events` must be an array');
  const events = v.events as unknown[];
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (
      !Array.isArray(e) ||
      e.length !== 5 ||
      typeof e[0] !== 'string' ||
      typeof e[1] !== 'string' ||
      typeof e[2] !== 'string' ||
      typeof e[3] !== 'string' ||
      (e[4] !== 0 && e[4] !== 1)
    ) {
      fail(`events[${i}] must be [uid, resourceVersion, namespace, name, 0 | 1]`);
    }
  }
  return {
    version: 1,
    scope: v.scope,
    resourceVersion: v.resourceVersion,
    synced: v.synced,
    events: events as CheckpointEvent[],
    savedAt: v.savedAt,
  };
}

/** The tracked Events of a checkpoint. */
export function checkpointEvents(checkpoint: Checkpoint): TrackedEvents {
  const out: TrackedEvents = new Map();
  for (const [uid, resourceVersion, namespace, name, delivered] of checkpoint.events) {
    out.set(uid, { resourceVersion, namespace, name, delivered: delivered === 1 });
  }
  return out;
}

/**
 * A checkpoint of the committed Events: `head` (the watcher's Events) with `changes` applied (uid →
 * its committed tracking, `undefined` for none), the uncommitted changes undone.
 */
export function makeCheckpoint(
  scope: string,
  resourceVersion: string | undefined,
  synced: boolean,
  head: ReadonlyMap<string, TrackedEvent>,
  changes: ReadonlyMap<string, TrackedEvent | undefined>,
  now: number,
): Checkpoint {
  const list: CheckpointEvent[] = [];
  const add = (uid: string, t: TrackedEvent): void => {
    list.push([uid, t.resourceVersion, t.namespace, t.name, t.delivered ? 1 : 0]);
  };
  for (const [uid, t] of head) {
    if (!changes.has(uid)) add(uid, t);
  }
  for (const [uid, t] of changes) if (t !== undefined) add(uid, t);
  return { version: 1, scope, resourceVersion: resourceVersion ?? null, synced, events: list, savedAt: new Date(now).toISOString() };
}
