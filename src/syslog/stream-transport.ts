/**
 * The TCP (RFC 6587) and TLS (RFC 5425) transport: one connection at a time, reconnecting with
 * backoff, writing frames in order with socket backpressure.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { connect as connectTcp, isIP } from 'node:net';
import type { Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { Backoff } from './backoff.ts';
import type { Frame } from './frame-queue.ts';
import { SyslogConnectionError } from './syslog-errors.ts';
import { TransportBase } from './transport-base.ts';
import type { TransportSettings } from './transport-base.ts';

/** Frames are written in chunks of up to this many bytes (one `write` per chunk). */
const CHUNK_BYTES = 64 * 1024;
/** TCP keep-alive probes start after this long idle, so a vanished receiver is noticed. */
const KEEPALIVE_MS = 30_000;

interface Connection {
  readonly socket: Socket;
  /** `write` returned false; waiting for `drain`. */
  blocked: boolean;
  /** Chunks written whose callback has not confirmed them yet, in write order. */
  readonly inFlight: Set<readonly Frame[]>;
  /** `close()` ended it on purpose. */
  ending: boolean;
}

/** TCP or TLS. */
export class StreamTransport extends TransportBase {
  #connection: Connection | undefined;
  #closed: Promise<void> | undefined;
  readonly #loop: Promise<void>;

  constructor(settings: TransportSettings) {
    super(settings);
    this.#loop = this.#run();
  }

  protected get connected(): boolean {
    return this.#connection !== undefined;
  }

  protected pump(): void {
    const connection = this.#connection;
    if (connection === undefined) return;
    while (!connection.blocked && this.queue.length > 0) {
      const frames = this.queue.take(CHUNK_BYTES);
      connection.inFlight.add(frames);
      const [first] = frames;
      const data = frames.length === 1 && first !== undefined ? first.bytes : Buffer.concat(frames.map((f) => f.bytes));
      const ok = connection.socket.write(data, (err) => {
        // On error the chunk stays in flight; the disconnect puts it back in the queue.
        if (err === undefined || err === null) {
          if (connection.inFlight.delete(frames)) this.markWritten(frames);
        }
      });
      if (!ok) connection.blocked = true;
    }
  }

  protected async shut(): Promise<void> {
    const connection = this.#connection;
    const closed = this.#closed;
    if (connection !== undefined && closed !== undefined) {
      connection.ending = true;
      // end() flushes what is written, then sends TLS close_notify and FIN; a receiver that
      // does not close its side in time is cut off.
      connection.socket.end();
      const timeout = new AbortController();
      const closedInTime = await Promise.race([closed.then(() => true), this.pause(this.settings.closeTimeout, timeout.signal).then(() => false)]);
      timeout.abort();
      if (!closedInTime) connection.socket.destroy();
      await closed;
    }
    await this.#loop;
  }

  async #run(): Promise<void> {
    const backoff = new Backoff(this.settings.backoff, this.settings.random);
    const { clock } = this.settings;
    while (!this.isStopped()) {
      let socket: Socket | undefined;
      try {
        socket = await this.#connect();
      } catch (err) {
        if (this.isStopped()) break;
        this.emit('error', err instanceof SyslogConnectionError ? err : new SyslogConnectionError(`Could not connect to ${this.url}`, { cause: err }));
      }
      if (socket !== undefined) {
        const since = clock();
        this.connects++;
        this.emit('connect');
        const broke = await this.#serve(socket);
        backoff.connectionLasted(clock() - since);
        if (broke !== undefined) this.emit('disconnect', broke);
      }
      if (this.isStopped()) break;
      const delay = backoff.next();
      this.emit('reconnecting', { attempt: backoff.attempt, delay });
      if (!(await this.pause(delay))) break;
    }
  }

  /** Connects (and, for TLS, shakes hands and lets the receiver settle), or throws why not. */
  #connect(): Promise<Socket> {
    const { host, port, tls, connectTimeout } = this.settings;
    const signal = this.shutdown.signal;
    return new Promise<Socket>((resolve, reject) => {
      const tlsSocket: TLSSocket | undefined =
        tls === undefined
          ? undefined
          : connectTls({
              host,
              port,
              ...(tls.ca === undefined ? {} : { ca: tls.ca as string | Buffer | (string | Buffer)[] }),
              ...(tls.cert === undefined ? {} : { cert: tls.cert as string | Buffer }),
              ...(tls.key === undefined ? {} : { key: tls.key as string | Buffer }),
              ...(tls.passphrase === undefined ? {} : { passphrase: tls.passphrase }),
              ...(tls.servername !== undefined ? { servername: tls.servername } : isIP(host) === 0 ? { servername: host } : {}),
              rejectUnauthorized: tls.rejectUnauthorized ?? true,
              minVersion: tls.minVersion ?? 'TLSv1.2',
            });
      const socket: Socket = tlsSocket ?? connectTcp({ host, port });
      let done = false;
      const settle = new AbortController();
      const fail = (err: unknown): void => {
        if (done) return;
        done = true;
        settle.abort();
        cleanup();
        socket.destroy();
        reject(new SyslogConnectionError(`Could not connect to ${this.url}: ${err instanceof Error ? err.message : String(err)}`, { cause: err }));
      };
      const onError = (err: Error): void => {
        fail(err);
      };
      const onEnd = (): void => {
        fail(new Error('the receiver closed the connection during the handshake'));
      };
      const onAbort = (): void => {
        fail(new Error('the transport was closed'));
      };
      const onTimeout = (): void => {
        fail(new Error(`no connection within ${connectTimeout} ms`));
      };
      const cleanup = (): void => {
        socket.off('error', onError);
        socket.off('end', onEnd);
        socket.off('close', onEnd);
        socket.off('timeout', onTimeout);
        signal.removeEventListener('abort', onAbort);
      };
      socket.on('error', onError);
      socket.on('end', onEnd);
      socket.on('close', onEnd);
      socket.on('timeout', onTimeout);
      socket.setTimeout(connectTimeout);
      signal.addEventListener('abort', onAbort, { once: true });
      const up = async (): Promise<void> => {
        socket.setTimeout(0);
        if (tls !== undefined && tlsSocket !== undefined && tls.settleTime > 0) {
          // A TLS 1.3 session ticket means the server has processed our Finished (and our
          // certificate); otherwise give a rejecting receiver settleTime to say so.
          tlsSocket.once('session', () => {
            if (tlsSocket.getProtocol() === 'TLSv1.3') settle.abort();
          });
          await this.pause(tls.settleTime, AbortSignal.any([settle.signal, signal]));
        }
        if (done) return;
        if (this.isStopped()) {
          onAbort();
          return;
        }
        done = true;
        cleanup();
        socket.setNoDelay(true);
        socket.setKeepAlive(true, KEEPALIVE_MS);
        resolve(socket);
      };
      socket.once(tls === undefined ? 'connect' : 'secureConnect', () => {
        void up();
      });
    });
  }

  /** Writes the queue over `socket` until it breaks (resolving why) or `close()` ends it (`undefined`). */
  #serve(socket: Socket): Promise<SyslogConnectionError | undefined> {
    const connection: Connection = { socket, blocked: false, inFlight: new Set(), ending: false };
    return new Promise<SyslogConnectionError | undefined>((resolve) => {
      let finished = false;
      this.#closed = new Promise<void>((closed) => {
        socket.once('close', () => {
          closed();
        });
      });
      const finish = (reason: string, cause?: unknown): void => {
        if (finished) return;
        finished = true;
        this.#connection = undefined;
        // Chunks the socket never confirmed go back to the front of the queue, in order.
        this.queue.requeue([...connection.inFlight].flat());
        connection.inFlight.clear();
        if (!connection.ending) socket.destroy();
        resolve(connection.ending ? undefined : new SyslogConnectionError(`${reason} (${this.url})`, cause === undefined ? undefined : { cause }));
      };
      socket.on('error', (err) => {
        finish(`The connection broke: ${err.message}`, err);
      });
      socket.on('end', () => {
        finish('The receiver closed the connection');
      });
      socket.on('close', () => {
        finish('The connection closed');
      });
      socket.on('drain', () => {
        connection.blocked = false;
        this.pump();
      });
      // Receivers send nothing; read and discard anyway so a chatty one cannot stall us.
      socket.on('data', () => undefined);
      this.#connection = connection;
      this.pump();
    });
  }
}
