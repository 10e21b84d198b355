/**
 * The bounded buffer shared by the transports: encoded frames waiting to be written, each tied
 * to the `send()` call that made it.
 *
 * @module
 */
import { SyslogDroppedError } from './syslog-errors.ts';
import type { SyslogDropReason } from './syslog-errors.ts';

/** The frames of one `send()` call; settles its promise once each is written or dropped. */
export class Batch {
  readonly total: number;
  #pending: number;
  #dropped = 0;
  #reason: SyslogDropReason | undefined;
  #cause: unknown;
  readonly #resolve: () => void;
  readonly #reject: (error: Error) => void;

  constructor(total: number, resolve: () => void, reject: (error: Error) => void) {
    this.total = total;
    this.#pending = total;
    this.#resolve = resolve;
    this.#reject = reject;
    if (total === 0) resolve();
  }

  /** One frame was written. */
  written(): void {
    this.#pending--;
    this.#settle();
  }

  /** One frame was dropped. */
  dropped(reason: SyslogDropReason, cause?: unknown): void {
    this.#pending--;
    this.#dropped++;
    if (this.#reason === undefined) {
      this.#reason = reason;
      this.#cause = cause;
    }
    this.#settle();
  }

  #settle(): void {
    if (this.#pending > 0) return;
    if (this.#reason === undefined) {
      this.#resolve();
    } else {
      this.#reject(new SyslogDroppedError(this.#dropped, this.total, this.#reason, this.#cause === undefined ? undefined : { cause: this.#cause }));
    }
  }
}

/** One encoded, framed message. */
export interface Frame {
  readonly bytes: Uint8Array;
  readonly batch: Batch;
}

/**
 * A FIFO of frames bounded in count and bytes, counting frames handed out and not yet
 * settled (in flight) against the same bounds.
 */
export class FrameQueue {
  readonly #maxFrames: number;
  readonly #maxBytes: number;
  #frames: Frame[] = [];
  #head = 0;
  #bytes = 0;
  #inFlightFrames = 0;
  #inFlightBytes = 0;

  constructor(maxFrames: number, maxBytes: number) {
    this.#maxFrames = maxFrames;
    this.#maxBytes = maxBytes;
  }

  /** Frames waiting to be written. */
  get length(): number {
    return this.#frames.length - this.#head;
  }

  /** Frames waiting plus frames in flight. */
  get held(): number {
    return this.length + this.#inFlightFrames;
  }

  /** Bytes waiting plus bytes in flight. */
  get heldBytes(): number {
    return this.#bytes + this.#inFlightBytes;
  }

  /** Appends `frame`, or returns `false` when it does not fit the bounds. */
  push(frame: Frame): boolean {
    if (this.held >= this.#maxFrames || this.heldBytes + frame.bytes.length > this.#maxBytes) return false;
    this.#frames.push(frame);
    this.#bytes += frame.bytes.length;
    return true;
  }

  /** Takes frames from the front, at least one and up to `maxBytes` in total, and counts them in flight. */
  take(maxBytes: number): Frame[] {
    const taken: Frame[] = [];
    let size = 0;
    while (this.#head < this.#frames.length) {
      const frame = this.#frames[this.#head];
      if (frame === undefined || (taken.length > 0 && size + frame.bytes.length > maxBytes)) break;
      taken.push(frame);
      size += frame.bytes.length;
      this.#head++;
    }
    this.#bytes -= size;
    this.#inFlightFrames += taken.length;
    this.#inFlightBytes += size;
    this.#compact();
    return taken;
  }

  /** Frames taken earlier are settled (written or dropped) and leave the bounds. */
  settled(frames: readonly Frame[]): void {
    this.#inFlightFrames -= frames.length;
    for (const frame of frames) this.#inFlightBytes -= frame.bytes.length;
  }

  /** Frames taken earlier were not written after all: they go back to the front, in order. */
  requeue(frames: readonly Frame[]): void {
    if (frames.length === 0) return;
    this.settled(frames);
    this.#frames = [...frames, ...this.#frames.slice(this.#head)];
    this.#head = 0;
    for (const frame of frames) this.#bytes += frame.bytes.length;
  }

  /** Removes and returns every waiting frame. */
  drain(): Frame[] {
    const rest = this.#frames.slice(this.#head);
    this.#frames = [];
    this.#head = 0;
    this.#bytes = 0;
    return rest;
  }

  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#frames.length) {
      this.#frames = this.#frames.slice(this.#head);
      this.#head = 0;
    }
  }
}
