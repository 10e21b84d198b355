/**
 * The stream's bounded queue between the watcher and the consumer, with a commit cursor: entries
 * are delivered in order, and the consumer's committed position (the resourceVersion to resume
 * from) advances only as it commits. The committed set of Events is not kept twice: it is the
 * watcher's set with the uncommitted entries undone (each entry carries the tracking it replaced).
 *
 * @module
 */
import type { EventStreamItem } from './stream-item.ts';
import type { TrackedEvent } from './tracked-event.ts';

/**
 * One queued change of the consumer's view: an item to deliver (or none: a marker the consumer
 * never sees), the tracking change it makes, and the resume position after it.
 */
export interface QueueEntry {
  /** The item, or `undefined` for a marker. */
  readonly item: EventStreamItem | undefined;
  /** The uid whose tracking changes, `''` for none. */
  readonly uid: string;
  /** The new tracking of `uid`: an entry, `null` to forget it, `undefined` for no change. */
  readonly tracked: TrackedEvent | null | undefined;
  /** What `uid` was tracked as before this entry (when `tracked` is not `undefined`). */
  readonly previous: TrackedEvent | undefined;
  /**
   * The resume position after this entry: a resourceVersion, `null` when the view is being rebuilt
   * by a (re)list (no valid resume point), `undefined` for no change.
   */
  resourceVersion: string | null | undefined;
}

/** The consumer's committed position. */
export interface CommittedState {
  /** The resourceVersion to resume watching from; `undefined` when resuming needs a relist. */
  resourceVersion: string | undefined;
  /** The sequence number of the last committed item, -1 before any. */
  seq: number;
  /** Whether a `synced` item has been committed (or the start position was synced). */
  synced: boolean;
}

const COMPACT_AT = 1024;

/** The queue. */
export class ItemQueue {
  readonly #capacity: number;
  #entries: QueueEntry[] = [];
  /** Index of the first uncommitted entry. */
  #committed = 0;
  /** Index of the first undelivered entry. */
  #delivered = 0;
  #ended = false;
  /** Stopped: nothing more is handed out (entries are kept: the committed Events are computed from them). */
  #closed = false;
  #endError: Error | undefined = undefined;
  #nextSeq = 0;
  #spaceWaiters: (() => void)[] = [];
  #readableWaiters: (() => void)[] = [];
  /** The committed position. */
  readonly committed: CommittedState;
  /** Called after the committed position changed. */
  onCommit: () => void = () => undefined;

  /** @param capacity - The most uncommitted entries held. */
  constructor(capacity: number) {
    this.#capacity = capacity;
    this.committed = { resourceVersion: undefined, seq: -1, synced: false };
  }

  /** Sets the committed position (before anything is queued): where a checkpoint left off. */
  restore(state: { resourceVersion: string | undefined; synced: boolean }): void {
    this.committed.resourceVersion = state.resourceVersion;
    this.committed.synced = state.synced;
  }

  /**
   * What undoing the tracking changes of every entry not yet committed gives: applied to the
   * watcher's Events (which reflect every entry), the committed Events.
   *
   * @param later - Entries after the queue's (the watcher's backlog), in order.
   * @returns uid → the committed tracking (`undefined`: not tracked) for every uid that differs from `head`.
   */
  uncommittedChanges(later: readonly QueueEntry[]): Map<string, TrackedEvent | undefined> {
    const out = new Map<string, TrackedEvent | undefined>();
    // The first uncommitted change of a uid holds what the committed state had.
    const visit = (entry: QueueEntry): void => {
      if (entry.tracked !== undefined && !out.has(entry.uid)) out.set(entry.uid, entry.previous);
    };
    for (let i = this.#committed; i < this.#entries.length; i++) {
      const entry = this.#entries[i];
      if (entry) visit(entry);
    }
    for (const entry of later) visit(entry);
    return out;
  }

  /** The next sequence number for an item. */
  nextSeq(): number {
    return this.#nextSeq++;
  }

  /** Entries not yet committed. */
  get size(): number {
    return this.#entries.length - this.#committed;
  }

  /** Items handed out and not yet committed, plus entries not yet handed out. */
  get full(): boolean {
    return this.#entries.length - this.#committed >= this.#capacity;
  }

  /** True once `end()` was called. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Resolves when there is room (at once if there is), or when the queue ends or `signal` aborts. */
  waitForSpace(signal?: AbortSignal): Promise<void> {
    if (!this.full || this.#ended || signal?.aborted === true) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.#spaceWaiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Calls `fn` once when there is room (or the queue ends). */
  onSpace(fn: () => void): void {
    if (!this.full || this.#ended) fn();
    else this.#spaceWaiters.push(fn);
  }

  /** Appends an entry. A marker with no tracking change coalesces with a marker before it. */
  push(entry: QueueEntry): void {
    if (this.#ended) {
      // Kept, never delivered: its tracking change is already in the watcher's Events and must be undone for a checkpoint.
      if (entry.tracked !== undefined) this.#entries.push(entry);
      return;
    }
    if (entry.item === undefined && entry.tracked === undefined) {
      if (entry.resourceVersion === undefined) return;
      if (this.#committed === this.#entries.length) {
        this.#apply(entry);
        this.onCommit();
        return;
      }
      const last = this.#entries[this.#entries.length - 1];
      if (last !== undefined && this.#entries.length - 1 >= this.#delivered && last.item === undefined && last.tracked === undefined) {
        last.resourceVersion = entry.resourceVersion;
        return;
      }
    }
    this.#entries.push(entry);
    if (entry.item !== undefined) this.#wakeReaders();
    else if (this.#settle()) this.onCommit();
  }

  /** Replaces the last undelivered entry if it is an error item, else appends (errors never pile up). */
  pushError(entry: QueueEntry): void {
    if (this.#ended) return;
    const lastIndex = this.#entries.length - 1;
    const last = this.#entries[lastIndex];
    if (lastIndex >= this.#delivered && last?.item?.type === 'error') this.#entries[lastIndex] = entry;
    else this.#entries.push(entry);
    this.#wakeReaders();
  }

  /** The next item to deliver, or `undefined` when none is queued. */
  take(): EventStreamItem | undefined {
    if (this.#closed) return undefined;
    while (this.#delivered < this.#entries.length) {
      const entry = this.#entries[this.#delivered++];
      if (entry?.item !== undefined) return entry.item;
    }
    return undefined;
  }

  /** Resolves when an item can be taken or the queue ended. */
  waitForItem(): Promise<void> {
    if (this.#ended || this.#closed || this.#hasItem()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.#readableWaiters.push(resolve);
    });
  }

  /** The error the queue ended with, once it ended and every item was taken. */
  get endError(): Error | undefined {
    return this.#endError;
  }

  #hasItem(): boolean {
    for (let i = this.#delivered; i < this.#entries.length; i++) if (this.#entries[i]?.item !== undefined) return true;
    return false;
  }

  /**
   * Commits every delivered entry up to and including the item with sequence number `seq`.
   *
   * @returns False when no delivered item has that sequence number (already committed or not yet delivered).
   */
  commit(seq: number): boolean {
    let target = -1;
    for (let i = this.#committed; i < this.#delivered; i++) {
      const item = this.#entries[i]?.item;
      if (item?.seq === seq) {
        target = i;
        break;
      }
    }
    if (target < 0) return false;
    while (this.#committed <= target) {
      const entry = this.#entries[this.#committed++];
      if (entry) this.#apply(entry);
    }
    this.#settle();
    this.#compact();
    this.onCommit();
    this.#wakeWriters();
    return true;
  }

  /** Commits every item delivered so far. */
  commitDelivered(): void {
    if (this.#committed === this.#delivered) return;
    while (this.#committed < this.#delivered) {
      const entry = this.#entries[this.#committed++];
      if (entry) this.#apply(entry);
    }
    this.#settle();
    this.#compact();
    this.onCommit();
    this.#wakeWriters();
  }

  /** Ends the queue: readers get what is left, then `error` (if any). */
  end(error?: Error): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#endError = error;
    this.#wakeReaders();
    this.#wakeWriters();
  }

  /** Hands nothing out any more and wakes everyone (on stop); undelivered entries stay uncommitted. */
  close(): void {
    this.#closed = true;
    this.end();
  }

  /** Applies markers at the commit cursor while nothing delivered is uncommitted. */
  #settle(): boolean {
    let applied = false;
    while (this.#committed === this.#delivered && this.#delivered < this.#entries.length) {
      const entry = this.#entries[this.#delivered];
      if (!entry || entry.item !== undefined) break;
      this.#delivered++;
      this.#committed++;
      this.#apply(entry);
      applied = true;
    }
    if (applied) this.#compact();
    return applied;
  }

  #apply(entry: QueueEntry): void {
    const state = this.committed;
    if (entry.resourceVersion !== undefined) state.resourceVersion = entry.resourceVersion ?? undefined;
    if (entry.item !== undefined) {
      state.seq = entry.item.seq;
      if (entry.item.type === 'synced') state.synced = true;
    }
  }

  #compact(): void {
    if (this.#committed > COMPACT_AT && this.#committed * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#committed);
      this.#delivered -= this.#committed;
      this.#committed = 0;
    } else if (this.#committed === this.#entries.length && this.#committed > 0) {
      this.#entries = [];
      this.#delivered = 0;
      this.#committed = 0;
    }
  }

  #wakeReaders(): void {
    const waiters = this.#readableWaiters;
    if (waiters.length === 0) return;
    this.#readableWaiters = [];
    for (const w of waiters) w();
  }

  #wakeWriters(): void {
    if (this.#spaceWaiters.length === 0 || (this.full && !this.#ended)) return;
    const waiters = this.#spaceWaiters;
    this.#spaceWaiters = [];
    for (const w of waiters) w();
  }
}
