/**
 * The two sinks: how one write of a core/v1 or an events.k8s.io/v1 Event goes on the wire, as
 * client-go's `recordEvent` functions do it (tools/record/event.go, tools/events/event_broadcaster.go).
 * One call is one try; retrying is the recorder's job.
 *
 * @module
 */
import type { KubeApiClient } from './kube-api-client.ts';
import { KubeApiError } from './recorder-errors.ts';
import type { CoreEventState, EventSource } from './event-correlator.ts';
import type { SeriesEventState } from './event-series.ts';
import { seriesCount } from './event-series.ts';
import { formatMicroTime, formatTime } from './kube-time.ts';

/** The two Event APIs. */
export type EventApi = 'core/v1' | 'events.k8s.io/v1';

/** What one write did. */
export type WriteOutcome =
  /** Written: `object` is the server's answer, `occurrences` the occurrences it added. */
  | { readonly kind: 'written'; readonly verb: 'create' | 'patch'; readonly object: Readonly<Record<string, unknown>>; readonly occurrences: number }
  /** Nothing to write, or core/v1's 409 AlreadyExists, which client-go skips. */
  | { readonly kind: 'skipped' }
  /** The server refused; `conflict` marks events.k8s.io/v1's 409 on a series create, which client-go retries. */
  | { readonly kind: 'failed'; readonly verb: 'create' | 'patch'; readonly error: KubeApiError; readonly conflict: boolean };

const SMP = 'application/strategic-merge-patch+json';

function errorOf(status: number, body: unknown, retryAfterMs: number | undefined, what: string): KubeApiError {
  const b = typeof body === 'object' && body !== null ? (body as Partial<Record<string, unknown>>) : {};
  const reason = typeof b.reason === 'string' ? b.reason : `HTTP${status}`;
  const message = typeof b.message === 'string' ? b.message : `${what}: HTTP ${status}`;
  let wait = retryAfterMs;
  const details = b.details;
  if (wait === undefined && typeof details === 'object' && details !== null) {
    const s = (details as Partial<Record<string, unknown>>).retryAfterSeconds;
    if (typeof s === 'number') wait = s * 1000;
  }
  return new KubeApiError(status, reason, message, { body, retryAfterMs: wait });
}

function ok(status: number): boolean {
  return status >= 200 && status < 300;
}

function asObject(body: unknown): Readonly<Record<string, unknown>> {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

function withOptional<T extends Record<string, unknown>>(base: T, extra: Record<string, unknown>): T {
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) (base as Record<string, unknown>)[k] = v;
  return base;
}

/** Writes core/v1 Events: create, or a strategic-merge PATCH of count, lastTimestamp and message. */
export class CoreV1Writer {
  /** Which API. */
  readonly api = 'core/v1' as const;
  readonly #client: KubeApiClient;
  readonly #source: EventSource;

  /**
   * @param client - The API client.
   * @param source - `source` / `reportingComponent` / `reportingInstance` of every Event.
   */
  constructor(client: KubeApiClient, source: EventSource) {
    this.#client = client;
    this.#source = source;
  }

  /** The full Event, as created (client-go `makeEvent` + `generateEvent`). */
  body(state: CoreEventState): Record<string, unknown> {
    const metadata = withOptional({ name: state.name, namespace: state.namespace }, { annotations: state.annotations });
    return withOptional(
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata,
        involvedObject: state.involvedObject,
        reason: state.reason,
        message: state.message,
        source: { component: this.#source.component, host: this.#source.host },
        firstTimestamp: formatTime(state.firstTimestamp),
        lastTimestamp: formatTime(state.lastTimestamp),
        count: state.count,
        type: state.type,
        reportingComponent: this.#source.component,
        reportingInstance: this.#source.host,
      },
      { action: state.action, related: state.related },
    );
  }

  /**
   * One try: a PATCH when the server holds the Event (a 404 falls through to a create, as the
   * Event may have expired), else a POST. A 409 on POST is skipped, as client-go does.
   */
  async write(state: CoreEventState): Promise<WriteOutcome> {
    const count = state.count;
    const base = `/api/v1/namespaces/${encodeURIComponent(state.namespace)}/events`;
    if (state.created) {
      // What client-go's CreateTwoWayMergePatch yields from its zeroed copy: exactly these three.
      const patch = { count, lastTimestamp: formatTime(state.lastTimestamp), message: state.message };
      const res = await this.#client.request('PATCH', `${base}/${encodeURIComponent(state.name)}`, patch, SMP);
      if (ok(res.status)) return this.#written(state, 'patch', res.body, count);
      if (res.status !== 404) return { kind: 'failed', verb: 'patch', error: errorOf(res.status, res.body, res.retryAfterMs, 'PATCH event'), conflict: false };
      state.created = false;
    }
    const res = await this.#client.request('POST', base, this.body(state));
    if (ok(res.status)) return this.#written(state, 'create', res.body, count);
    if (res.status === 409) {
      state.created = true;
      return { kind: 'skipped' };
    }
    return { kind: 'failed', verb: 'create', error: errorOf(res.status, res.body, res.retryAfterMs, 'POST event'), conflict: false };
  }

  #written(state: CoreEventState, verb: 'create' | 'patch', body: unknown, count: number): WriteOutcome {
    const occurrences = count - state.sentCount;
    state.created = true;
    state.sentCount = Math.max(state.sentCount, count);
    return { kind: 'written', verb, object: asObject(body), occurrences };
  }
}

/** Writes events.k8s.io/v1 Events: create, then strategic-merge PATCHes of `series`. */
export class EventsV1Writer {
  /** Which API. */
  readonly api = 'events.k8s.io/v1' as const;
  readonly #client: KubeApiClient;
  readonly #source: EventSource;

  /**
   * @param client - The API client.
   * @param source - `reportingController` (component) and `reportingInstance` (host).
   */
  constructor(client: KubeApiClient, source: EventSource) {
    this.#client = client;
    this.#source = source;
  }

  /** The full Event, with its series when it has one (client-go `makeEvent`). */
  body(state: SeriesEventState): Record<string, unknown> {
    const metadata = withOptional({ name: state.name, namespace: state.namespace }, { annotations: state.annotations });
    const series = state.series === undefined ? undefined : { count: state.series.count, lastObservedTime: formatMicroTime(state.series.lastObservedTime) };
    return withOptional(
      {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata,
        eventTime: formatMicroTime(state.eventTime),
        reportingController: this.#source.component,
        reportingInstance: this.#source.host,
        action: state.action,
        reason: state.reason,
        regarding: state.regarding,
        note: state.note,
        type: state.type,
      },
      { related: state.related, series },
    );
  }

  /**
   * One try: a series PATCH when the server holds the Event (404 → create), else a POST (with the
   * series, if there is one by now). A 409 on a series create is retried, as client-go does.
   */
  async write(state: SeriesEventState): Promise<WriteOutcome> {
    state.writingCount = seriesCount(state);
    try {
      return await this.#write(state);
    } finally {
      state.writingCount = 0;
    }
  }

  async #write(state: SeriesEventState): Promise<WriteOutcome> {
    const count = seriesCount(state);
    const base = `/apis/events.k8s.io/v1/namespaces/${encodeURIComponent(state.namespace)}/events`;
    if (state.created) {
      if (state.series === undefined) return { kind: 'skipped' };
      const patch = { series: { count, lastObservedTime: formatMicroTime(state.series.lastObservedTime) } };
      const res = await this.#client.request('PATCH', `${base}/${encodeURIComponent(state.name)}`, patch, SMP);
      if (ok(res.status)) return this.#written(state, 'patch', res.body, count);
      if (res.status !== 404) return { kind: 'failed', verb: 'patch', error: errorOf(res.status, res.body, res.retryAfterMs, 'PATCH event'), conflict: false };
      state.created = false;
    }
    const res = await this.#client.request('POST', base, this.body(state));
    if (ok(res.status)) return this.#written(state, 'create', res.body, count);
    if (res.status === 409) {
      state.created = true;
      if (state.series === undefined) return { kind: 'skipped' };
      return { kind: 'failed', verb: 'create', error: errorOf(res.status, res.body, res.retryAfterMs, 'POST event'), conflict: true };
    }
    return { kind: 'failed', verb: 'create', error: errorOf(res.status, res.body, res.retryAfterMs, 'POST event'), conflict: false };
  }

  #written(state: SeriesEventState, verb: 'create' | 'patch', body: unknown, count: number): WriteOutcome {
    const occurrences = count - state.sentCount;
    state.created = true;
    state.sentCount = Math.max(state.sentCount, count);
    return { kind: 'written', verb, object: asObject(body), occurrences };
  }
}
