/**
 * The runner's in-memory buffer: a FIFO of items waiting to be sent, from which a batch takes the
 * oldest items whose ordering key has nothing in flight.
 *
 * @module
 */
import type { AckCallback } from './item-outcome.ts';

/** One item held by the runner, from `enqueue()` (or the spill) until it is settled. */
export interface BufferEntry<T> {
  /** The item. */
  readonly item: T;
  /** Its ordering key; `undefined` orders it after nothing. */
  readonly key: string | undefined;
  /** Its size for the byte bounds. */
  readonly size: number;
  /** When it entered the buffer (runner clock), for the batching latency. */
  readonly enqueuedAt: number;
  /** Told the outcome once; `undefined` once told (or when it was acknowledged earlier, as spilled). */
  ack: AckCallback | undefined;
  /** For an item read back from the spill: its record, so that the spill can mark it consumed. */
  readonly spillRecord: number | undefined;
  /** @internal */
  prev: BufferEntry<T> | undefined;
  /** @internal */
  next: BufferEntry<T> | undefined;
}

/** A doubly linked FIFO of entries, with its count and bytes. */
export class ItemBuffer<T> {
  #head: BufferEntry<T> | undefined;
  #tail: BufferEntry<T> | undefined;
  #length = 0;
  #bytes = 0;

  /** Entries waiting. */
  get length(): number {
    return this.#length;
  }

  /** Bytes of the entries waiting. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The oldest entry waiting. */
  get head(): BufferEntry<T> | undefined {
    return this.#head;
  }

  /** Appends `entry` at the tail. */
  push(entry: BufferEntry<T>): void {
    entry.prev = this.#tail;
    entry.next = undefined;
    if (this.#tail === undefined) this.#head = entry;
    else this.#tail.next = entry;
    this.#tail = entry;
    this.#length++;
    this.#bytes += entry.size;
  }

  /** Removes and returns the oldest entry. */
  shift(): BufferEntry<T> | undefined {
    const entry = this.#head;
    if (entry !== undefined) this.#remove(entry);
    return entry;
  }

  /**
   * Takes a batch, oldest first: entries whose key is not `busy`, stopping at `maxItems` or before
   * the entry that would pass `maxBytes` (an entry larger than `maxBytes` goes alone). Entries of a
   * key skipped as busy stay, so a key's entries always leave in order.
   */
  take(maxItems: number, maxBytes: number, busy: ReadonlyMap<string, number>): BufferEntry<T>[] {
    const batch: BufferEntry<T>[] = [];
    let bytes = 0;
    let entry = this.#head;
    while (entry !== undefined && batch.length < maxItems) {
      const next = entry.next;
      if (entry.key === undefined || !busy.has(entry.key)) {
        if (batch.length > 0 && bytes + entry.size > maxBytes) break;
        this.#remove(entry);
        batch.push(entry);
        bytes += entry.size;
      }
      entry = next;
    }
    return batch;
  }

  /** Removes and returns every entry, oldest first. */
  clear(): BufferEntry<T>[] {
    const all: BufferEntry<T>[] = [];
    for (let entry = this.#head; entry !== undefined; entry = entry.next) all.push(entry);
    this.#head = undefined;
    this.#tail = undefined;
    this.#length = 0;
    this.#bytes = 0;
    return all;
  }

  #remove(entry: BufferEntry<T>): void {
    if (entry.prev === undefined) this.#head = entry.next;
    else entry.prev.next = entry.next;
    if (entry.next === undefined) this.#tail = entry.prev;
    else entry.next.prev = entry.prev;
    entry.prev = undefined;
    entry.next = undefined;
    this.#length--;
    this.#bytes -= entry.size;
  }
}
