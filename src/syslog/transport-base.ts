/**
 * What the TCP/TLS and UDP transports share: encoding, the bounded buffer, batches, counters.
 *
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import type { SyslogBackoffOptions } from './backoff.ts';
import { Batch, FrameQueue } from './frame-queue.ts';
import type { Frame } from './frame-queue.ts';
import type { SyslogEncoder } from './syslog-encoder.ts';
import { SyslogTransportClosedError } from './syslog-errors.ts';
import type { SyslogDropReason } from './syslog-errors.ts';
import type { SyslogMessage } from './syslog-message.ts';
import type { SyslogProtocol, SyslogTlsOptions, SyslogTransport, SyslogTransportEvents, SyslogTransportStats } from './syslog-transport.ts';

/** Validated settings of one transport. */
export interface TransportSettings {
  readonly url: string;
  readonly protocol: SyslogProtocol;
  readonly host: string;
  readonly port: number;
  readonly encoder: SyslogEncoder;
  readonly tls: (SyslogTlsOptions & { readonly settleTime: number }) | undefined;
  readonly connectTimeout: number;
  readonly backoff: Required<SyslogBackoffOptions>;
  readonly bufferSize: number;
  readonly maxBufferedBytes: number;
  readonly closeTimeout: number;
  readonly clock: () => number;
  readonly random: () => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** The shared half of every transport. */
export abstract class TransportBase extends EventEmitter<SyslogTransportEvents> implements SyslogTransport {
  readonly url: string;
  readonly protocol: SyslogProtocol;
  protected readonly settings: TransportSettings;
  protected readonly queue: FrameQueue;
  /** Set by `close()`: `send()` refuses from then on. */
  protected closing = false;
  /** Aborted when the transport shuts down for good. */
  protected readonly shutdown = new AbortController();
  protected connects = 0;
  #written = 0;
  #dropped = 0;
  #idleWaiters: (() => void)[] = [];
  #closed: Promise<void> | undefined;

  constructor(settings: TransportSettings) {
    super();
    this.settings = settings;
    this.url = settings.url;
    this.protocol = settings.protocol;
    this.queue = new FrameQueue(settings.bufferSize, settings.maxBufferedBytes);
  }

  send(messages: SyslogMessage | readonly SyslogMessage[]): Promise<void> {
    if (this.closing) return Promise.reject(new SyslogTransportClosedError(this.url));
    const list: readonly SyslogMessage[] = isList(messages) ? messages : [messages];
    return new Promise<void>((resolve, reject) => {
      const batch = new Batch(list.length, resolve, reject);
      let full = 0;
      for (const message of list) {
        if (!this.queue.push({ bytes: this.settings.encoder.encode(message), batch })) {
          full++;
          this.#dropped++;
          batch.dropped('buffer-full');
        }
      }
      if (full > 0) this.emit('drop', { count: full, reason: 'buffer-full' });
      this.pump();
    });
  }

  stats(): SyslogTransportStats {
    return { connected: this.connected, written: this.#written, dropped: this.#dropped, buffered: this.queue.held, inFlight: this.queue.held - this.queue.length, bufferedBytes: this.queue.heldBytes, connects: this.connects };
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.closing = true;
      await this.#idleOrTimeout();
      this.shutdown.abort();
      await this.shut();
      this.dropWaiting('closed');
      this.emit('close');
    })();
    return this.#closed;
  }

  /** Whether the transport can write now. */
  protected abstract get connected(): boolean;
  /** Writes what it can from the queue. */
  protected abstract pump(): void;
  /** After `shutdown` aborted: closes the socket (cleanly, within `closeTimeout`) and waits for the connection loop to end. */
  protected abstract shut(): Promise<void>;

  /** Frames taken from the queue were written. */
  protected markWritten(frames: readonly Frame[]): void {
    this.queue.settled(frames);
    this.#written += frames.length;
    for (const frame of frames) frame.batch.written();
    this.#checkIdle();
  }

  /** Frames taken from the queue were dropped. */
  protected markDropped(frames: readonly Frame[], reason: SyslogDropReason, cause?: unknown): void {
    if (frames.length === 0) return;
    this.queue.settled(frames);
    this.#dropped += frames.length;
    for (const frame of frames) frame.batch.dropped(reason, cause);
    this.emit('drop', { count: frames.length, reason });
    this.#checkIdle();
  }

  /** Drops every frame still waiting. */
  protected dropWaiting(reason: SyslogDropReason): void {
    const rest = this.queue.drain();
    if (rest.length === 0) return;
    this.#dropped += rest.length;
    for (const frame of rest) frame.batch.dropped(reason);
    this.emit('drop', { count: rest.length, reason });
  }

  /** Whether the transport has shut down for good. */
  protected isStopped(): boolean {
    return this.shutdown.signal.aborted;
  }

  /** Sleeps with the configured sleep; `false` if the transport shut down meanwhile. */
  protected async pause(ms: number, signal: AbortSignal = this.shutdown.signal): Promise<boolean> {
    try {
      await this.settings.sleep(ms, signal);
      return !this.shutdown.signal.aborted;
    } catch {
      return false;
    }
  }

  #checkIdle(): void {
    if (this.queue.held > 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves when nothing is held, or after `closeTimeout`. */
  async #idleOrTimeout(): Promise<void> {
    if (this.queue.held === 0) return;
    const timeout = new AbortController();
    const idle = new Promise<void>((resolve) => {
      this.#idleWaiters.push(resolve);
    }).then(() => {
      timeout.abort();
    });
    await Promise.race([idle, this.pause(this.settings.closeTimeout, timeout.signal)]);
    timeout.abort();
  }
}

function isList(messages: SyslogMessage | readonly SyslogMessage[]): messages is readonly SyslogMessage[] {
  return Array.isArray(messages);
}
