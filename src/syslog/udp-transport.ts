/**
 * The UDP transport (RFC 5426): one message per datagram from a connected socket.
 *
 * @module
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { Backoff } from './backoff.ts';
import { SyslogConnectionError } from './syslog-errors.ts';
import { TransportBase } from './transport-base.ts';
import type { TransportSettings } from './transport-base.ts';

/** Datagrams handed to the socket and not yet reported sent; more wait in the queue. */
const MAX_IN_FLIGHT = 64;

/** UDP. */
export class UdpTransport extends TransportBase {
  #socket: Socket | undefined;
  #inFlight = 0;
  readonly #loop: Promise<void>;

  constructor(settings: TransportSettings) {
    super(settings);
    this.#loop = this.#run();
  }

  protected get connected(): boolean {
    return this.#socket !== undefined;
  }

  protected pump(): void {
    const socket = this.#socket;
    if (socket === undefined) return;
    while (this.#inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const frames = this.queue.take(0);
      const [frame] = frames;
      if (frame === undefined) return;
      this.#inFlight++;
      socket.send(frame.bytes, (err) => {
        this.#inFlight--;
        if (err === null) {
          this.markWritten(frames);
        } else {
          // Not retried: a datagram that could not be sent now is dropped, and said so.
          this.markDropped(frames, 'send-failed', err);
          this.emit('error', new SyslogConnectionError(`Could not send a datagram to ${this.url}: ${err.message}`, { cause: err }));
        }
        this.pump();
      });
    }
  }

  protected async shut(): Promise<void> {
    await this.#loop;
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket !== undefined) {
      await new Promise<void>((resolve) => {
        socket.close(() => {
          resolve();
        });
      });
    }
  }

  /** Resolves the host and connects a socket, retrying with backoff; done once ready. */
  async #run(): Promise<void> {
    const backoff = new Backoff(this.settings.backoff, this.settings.random);
    while (!this.isStopped()) {
      try {
        const socket = await this.#open();
        if (this.isStopped()) {
          socket.close();
          return;
        }
        this.#socket = socket;
        this.connects++;
        this.emit('connect');
        this.pump();
        return;
      } catch (err) {
        if (this.isStopped()) return;
        this.emit('error', new SyslogConnectionError(`Could not open a UDP socket to ${this.url}: ${(err as Error).message}`, { cause: err }));
      }
      const delay = backoff.next();
      this.emit('reconnecting', { attempt: backoff.attempt, delay });
      if (!(await this.pause(delay))) return;
    }
  }

  async #open(): Promise<Socket> {
    const { host, port } = this.settings;
    const { address, family } = await lookup(host);
    const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(port, address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    // A connected socket reports ICMP port-unreachable as an error on a later send; the send
    // callback carries it, so the socket-level event only needs a listener.
    socket.on('error', () => undefined);
    return socket;
  }
}
