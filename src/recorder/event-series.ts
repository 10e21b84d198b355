/**
 * The events.k8s.io/v1 de-duplication of client-go's tools/events (event_broadcaster.go): events
 * with the same isomorphic key form a series — the first is created, the second turns it into a
 * series `{count: 2, lastObservedTime}`, later ones are counted locally and written when the
 * series is refreshed (every 30 min) or finished (6 min after its last occurrence).
 *
 * @module
 */
import { LruCache } from './lru-cache.ts';
import type { EventNamer } from './event-name.ts';
import type { EventObjectReference } from './object-reference.ts';
import { referenceKey } from './object-reference.ts';

/** Series are re-written this often to keep them from expiring (client-go `refreshTime`: 30 min). */
export const SERIES_REFRESH_INTERVAL_MS = 30 * 60 * 1000;
/** A series with no occurrence for this long is finished (client-go `finishTime`: 6 min). */
export const SERIES_FINISH_AFTER_MS = 6 * 60 * 1000;

/** One or more identical occurrences, as they reach the series cache. */
export interface SeriesEventDraft {
  readonly regarding: EventObjectReference;
  readonly related: EventObjectReference | undefined;
  readonly type: string;
  readonly reason: string;
  readonly action: string;
  readonly note: string;
  readonly annotations: Readonly<Record<string, string>> | undefined;
  readonly firstTs: number;
  readonly lastTs: number;
}

/** What the recorder knows of one events.k8s.io/v1 Event it writes. */
export interface SeriesEventState {
  /** The isomorphic key. */
  readonly key: string;
  readonly name: string;
  readonly namespace: string;
  readonly regarding: EventObjectReference;
  readonly related: EventObjectReference | undefined;
  readonly type: string;
  readonly reason: string;
  readonly action: string;
  /** The note of the first occurrence (isomorphic events differ at most in their note). */
  readonly note: string;
  readonly annotations: Readonly<Record<string, string>> | undefined;
  readonly eventTime: number;
  /** Set from the second occurrence on. */
  series: { count: number; lastObservedTime: number } | undefined;
  /** True once the server is known to hold it. */
  created: boolean;
  /** The count the server holds: 1 for a created singleton, the series count after a series write. */
  sentCount: number;
  /** The count the write under way carries (0 when none is). */
  writingCount: number;
}

/** The occurrences `state` stands for. */
export function seriesCount(state: SeriesEventState): number {
  return state.series?.count ?? 1;
}

/** True when `state` counts occurrences that neither the server nor a write under way has. */
export function seriesDirty(state: SeriesEventState): boolean {
  return seriesCount(state) > Math.max(state.sentCount, state.writingCount);
}

/**
 * client-go's `eventCache` keyed by `getKey` (type, action, reason, reporting controller and
 * instance, regarding, related). Upstream's map is unbounded and emptied only by `finishSeries`;
 * this one is also an LRU of `capacity` entries.
 */
export class SeriesCache {
  readonly #cache: LruCache<SeriesEventState>;
  readonly #namer: EventNamer;

  /**
   * @param capacity - The most events kept.
   * @param namer - Names new Events.
   */
  constructor(capacity: number, namer: EventNamer) {
    this.#cache = new LruCache(capacity);
    this.#namer = namer;
  }

  /**
   * Counts `occurrences` isomorphic events: returns the state, and whether a write is due now —
   * the first occurrence (create) and the one that starts the series; later ones only count.
   */
  observe(draft: SeriesEventDraft, occurrences: number): { state: SeriesEventState; write: boolean } {
    const key = `${draft.type}\u0000${draft.action}\u0000${draft.reason}\u0000${referenceKey(draft.regarding)}\u0000${draft.related === undefined ? '' : referenceKey(draft.related)}`;
    const cached = this.#cache.get(key);
    if (cached === undefined) {
      const state: SeriesEventState = {
        key,
        name: this.#namer.name(draft.regarding.name, draft.firstTs),
        namespace: draft.regarding.namespace ?? 'default',
        regarding: draft.regarding,
        related: draft.related,
        type: draft.type,
        reason: draft.reason,
        action: draft.action,
        note: draft.note,
        annotations: draft.annotations,
        eventTime: draft.firstTs,
        series: occurrences > 1 ? { count: occurrences, lastObservedTime: draft.lastTs } : undefined,
        created: false,
        sentCount: 0,
        writingCount: 0,
      };
      this.#cache.set(key, state);
      return { state, write: true };
    }
    if (cached.series === undefined) {
      cached.series = { count: 1 + occurrences, lastObservedTime: draft.lastTs };
      return { state: cached, write: true };
    }
    cached.series.count += occurrences;
    cached.series.lastObservedTime = Math.max(cached.series.lastObservedTime, draft.lastTs);
    return { state: cached, write: false };
  }

  /** Every cached event, least recently used first. */
  all(): SeriesEventState[] {
    return this.#cache.entries().map(([, v]) => v);
  }

  /** Forgets `state` (a finished series or an old singleton). */
  delete(state: SeriesEventState): void {
    this.#cache.delete(state.key);
  }

  /** How many events are cached. */
  get size(): number {
    return this.#cache.size;
  }
}
