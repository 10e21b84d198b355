/**
 * A model of what client-go's recorders do with a sequence of events, to compare API-call costs
 * with: tools/record (EventCorrelator: aggregate, observe, spam filter — then one API call per
 * event that is not filtered) and tools/events (first POST, second PATCH, later ones local).
 * Written from events_cache.go / event.go / event_broadcaster.go, independently of
 * src/recorder, and sequential as upstream is: each call finishes before the next event.
 */

/** One occurrence, as the model sees it. */
export interface ModelEvent {
  /** `kind/namespace/name/uid/apiVersion` of the object, any stable string. */
  readonly object: string;
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  /** When it happened, in ms. */
  readonly at: number;
}

/** What client-go would have done. */
export interface ModelResult {
  /** API calls (creates + patches). */
  apiCalls: number;
  creates: number;
  patches: number;
  /** Events the spam filter skipped. */
  filtered: number;
  /** The count the server holds, per Event (by the model's name for it). */
  serverCounts: Map<string, number>;
}

/** Settings of the model; client-go's defaults in {@link CLIENT_GO_DEFAULTS}. */
export interface ModelOptions {
  burst: number;
  qps: number;
  maxEvents: number;
  maxIntervalSeconds: number;
  lruSize: number;
}

/** client-go's defaults (events_cache.go). */
export const CLIENT_GO_DEFAULTS: Readonly<ModelOptions> = { burst: 25, qps: 1 / 300, maxEvents: 10, maxIntervalSeconds: 600, lruSize: 4096 };

class Lru<V> {
  readonly #m = new Map<string, V>();
  readonly #size: number;
  constructor(size: number) {
    this.#size = size;
  }
  get(k: string): V | undefined {
    const v = this.#m.get(k);
    if (v !== undefined) {
      this.#m.delete(k);
      this.#m.set(k, v);
    }
    return v;
  }
  add(k: string, v: V): void {
    this.#m.delete(k);
    if (this.#m.size >= this.#size) this.#m.delete(this.#m.keys().next().value!);
    this.#m.set(k, v);
  }
}

/** tools/record with NewEventCorrelator's defaults (or `options`). */
export function modelClientGoRecord(events: Iterable<ModelEvent>, options: Partial<ModelOptions> = {}): ModelResult {
  const o = { ...CLIENT_GO_DEFAULTS, ...options };
  const agg = new Lru<{ keys: Set<string>; last: number }>(o.lruSize);
  const log = new Lru<{ name: string; count: number }>(o.lruSize);
  const spam = new Lru<{ tokens: number; last: number }>(o.lruSize);
  const out: ModelResult = { apiCalls: 0, creates: 0, patches: 0, filtered: 0, serverCounts: new Map() };
  let seq = 0;
  for (const e of events) {
    // EventAggregate
    const aggKey = `${e.object}|${e.type}|${e.reason}`;
    let rec = agg.get(aggKey);
    if (rec === undefined || e.at - rec.last > o.maxIntervalSeconds * 1000) rec = { keys: new Set(), last: e.at };
    rec.keys.add(e.message);
    rec.last = e.at;
    agg.add(aggKey, rec);
    let cacheKey = `${aggKey}|${e.message}`;
    if (rec.keys.size >= o.maxEvents) {
      rec.keys.delete(rec.keys.values().next().value!);
      cacheKey = aggKey;
    }
    // eventObserve
    const seen = log.get(cacheKey);
    const entry = seen === undefined ? { name: `ev-${seq++}`, count: 1 } : { name: seen.name, count: seen.count + 1 };
    log.add(cacheKey, entry);
    // filterFunc (spam key: source + object + type)
    const spamKey = `${e.object}|${e.type}`;
    const b = spam.get(spamKey) ?? { tokens: o.burst, last: e.at };
    b.tokens = Math.min(o.burst, b.tokens + ((e.at - b.last) / 1000) * o.qps);
    b.last = e.at;
    const ok = b.tokens >= 1;
    if (ok) b.tokens -= 1;
    spam.add(spamKey, b);
    if (!ok) {
      out.filtered++;
      continue;
    }
    out.apiCalls++;
    if (entry.count > 1) out.patches++;
    else out.creates++;
    out.serverCounts.set(entry.name, entry.count);
  }
  return out;
}

/** tools/events, within one burst (no 30 min refresh or 6 min finish happens). */
export function modelClientGoEventsV1(events: Iterable<ModelEvent>): ModelResult {
  const cache = new Map<string, { name: string; count: number }>();
  const out: ModelResult = { apiCalls: 0, creates: 0, patches: 0, filtered: 0, serverCounts: new Map() };
  let seq = 0;
  for (const e of events) {
    // The isomorphic key leaves the note (message) out.
    const key = `${e.object}|${e.type}|${e.reason}`;
    const c = cache.get(key);
    if (c === undefined) {
      const fresh = { name: `ev-${seq++}`, count: 1 };
      cache.set(key, fresh);
      out.apiCalls++;
      out.creates++;
      out.serverCounts.set(fresh.name, 1);
    } else {
      c.count++;
      if (c.count === 2) {
        out.apiCalls++;
        out.patches++;
        out.serverCounts.set(c.name, 2);
      }
    }
  }
  return out;
}
