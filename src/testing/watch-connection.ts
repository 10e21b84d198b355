/**
 * One open watch: a chunked HTTP response carrying one JSON watch event per line, as kube-apiserver
 * streams them. Filters by selectors (objects moving into or out of a selector become ADDED and
 * DELETED, as the watch cache does), sends bookmarks, ends at its timeout, and obeys fault controls.
 *
 * Writes respect socket backpressure: events queue (as references, rendered when written) while
 * the client is slow, so a replay of a long history streams at the client's pace. A client that
 * falls too far behind on live events is disconnected, as the watch cache drops unresponsive
 * watchers.
 */
import type { ServerResponse } from 'node:http';
import type { Change } from './store.ts';
import type { JsonObject } from './json.ts';
import type { ResourceType } from './resources.ts';
import { groupVersion } from './resources.ts';

/** What a watch delivers: converted objects, filtered. */
export interface WatchTarget {
  readonly type: ResourceType;
  /** True when the stored object passes the request's label and field selectors. */
  matches(stored: JsonObject): boolean;
  /** The object as sent on the wire, serialized (converted to the request's version; a Table when asked). */
  serialize(stored: JsonObject): string;
}

/** Events are written in chunks of about this many bytes when several are ready at once. */
const BATCH_BYTES = 64 * 1024;

/** Live events a slow client may fall behind by before the server closes its watch. */
export const MAX_LIVE_BACKLOG = 100_000;

type QueueItem = { eventType: string; stored: JsonObject; line?: undefined } | { line: string; eventType?: undefined; stored?: undefined };

/** The state of one watch, driven by the API server. */
export class WatchConnection {
  readonly #res: ServerResponse;
  readonly #target: WatchTarget;
  readonly #bookmarks: boolean;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #onClose: (() => void)[] = [];
  #queue: QueueItem[] = [];
  #head = 0;
  #waitingDrain = false;
  #endWhenFlushed = false;
  /** Fault control: write nothing (the connection stays open). */
  stalled = false;
  /** Fault control: write half of the next event, then drop the connection. */
  tearOnNext = false;
  /** Events written (for tests and benchmarks). */
  sent = 0;

  constructor(res: ServerResponse, target: WatchTarget, bookmarks: boolean, timeoutMs: number) {
    this.#res = res;
    this.#target = target;
    this.#bookmarks = bookmarks;
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    this.#timer = setTimeout(() => {
      this.end();
    }, timeoutMs);
    res.on('close', () => {
      this.#finish();
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  get target(): WatchTarget {
    return this.#target;
  }

  /** Runs `fn` once when the watch ends, however it ends. */
  onClose(fn: () => void): void {
    if (this.#closed) fn();
    else this.#onClose.push(fn);
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue = [];
    this.#head = 0;
    for (const fn of this.#onClose.splice(0)) fn();
  }

  #push(item: QueueItem, live: boolean): void {
    if (this.#closed || this.stalled) return;
    if (live && this.#waitingDrain && this.#queue.length - this.#head >= MAX_LIVE_BACKLOG) {
      this.drop();
      return;
    }
    this.#queue.push(item);
    if (!this.#waitingDrain) this.#pump();
  }

  #render(item: QueueItem): string {
    if (item.line !== undefined) return item.line;
    return `{"type":"${item.eventType}","object":${this.#target.serialize(item.stored)}}\n`;
  }

  /** Writes queued events, batched into chunks of up to ~64 KiB, until the socket asks to wait. */
  #pump(): void {
    let batch = '';
    while (this.#head < this.#queue.length && !this.#closed && !this.stalled) {
      const item = this.#queue[this.#head++];
      if (!item) break;
      const line = this.#render(item);
      if (this.tearOnNext) {
        // Half a line, flushed, then the connection drops without the terminating chunk.
        this.tearOnNext = false;
        this.stalled = true;
        this.#res.write(batch + line.slice(0, Math.max(1, Math.floor(line.length / 2))), () => {
          this.drop();
        });
        return;
      }
      this.sent++;
      batch += line;
      if (batch.length >= BATCH_BYTES) {
        const ok = this.#res.write(batch);
        batch = '';
        if (!ok) {
          this.#waitForDrain();
          return;
        }
      }
    }
    if (batch !== '' && !this.#res.write(batch)) {
      this.#waitForDrain();
      return;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    if (this.#endWhenFlushed && this.#head >= this.#queue.length) this.end();
  }

  #waitForDrain(): void {
    this.#waitingDrain = true;
    this.#res.once('drain', () => {
      this.#waitingDrain = false;
      this.#pump();
    });
  }

  /** Sends one watch event for a stored object (`live`: a new change, not a replay). */
  sendObject(eventType: string, stored: JsonObject, live = false): void {
    this.#push({ eventType, stored }, live);
  }

  /** Delivers a store change, translating it through the selectors. */
  deliver(change: Change, live = true): void {
    if (this.#closed || this.stalled) return;
    const nowMatches = this.#target.matches(change.object);
    if (change.type === 'ADDED') {
      if (nowMatches) this.sendObject('ADDED', change.object, live);
      return;
    }
    if (change.type === 'DELETED') {
      if (change.prev !== undefined && this.#target.matches(change.prev)) this.sendObject('DELETED', change.object, live);
      return;
    }
    const wasMatching = change.prev !== undefined && this.#target.matches(change.prev);
    if (wasMatching && nowMatches) this.sendObject('MODIFIED', change.object, live);
    else if (nowMatches) this.sendObject('ADDED', change.object, live);
    else if (wasMatching) this.sendObject('DELETED', change.object, live);
  }

  /** Sends a BOOKMARK at `rv` if the client asked for bookmarks (always for the initial-events end). */
  bookmark(rv: number, initialEventsEnd = false): void {
    if (!this.#bookmarks && !initialEventsEnd) return;
    const t = this.#target.type;
    const metadata: JsonObject = { resourceVersion: String(rv), creationTimestamp: null };
    if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    const obj: JsonObject = { kind: t.kind, apiVersion: groupVersion(t), metadata };
    this.#push({ line: `{"type":"BOOKMARK","object":${JSON.stringify(obj)}}\n` }, false);
  }

  /** Sends an ERROR event with a Status, then ends the watch once it is written. */
  error(status: JsonObject): void {
    this.#endWhenFlushed = true;
    this.#push({ line: `{"type":"ERROR","object":${JSON.stringify(status)}}\n` }, false);
  }

  /** Ends the watch cleanly (the last chunk is written). */
  end(): void {
    if (this.#closed) return;
    this.#res.end();
    this.#finish();
  }

  /** Drops the connection abruptly (no terminating chunk). */
  drop(): void {
    if (this.#closed) return;
    this.#res.socket?.destroy();
    this.#res.destroy();
    this.#finish();
  }
}
