/**
 * A scriptable in-process syslog receiver (TCP, TLS or UDP) for the transport conformance
 * suite: it deframes what arrives and can drop connections, stop reading, stop and restart.
 */
import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { EventEmitter, once } from 'node:events';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { TlsOptions } from 'node:tls';

/** What one local receiver speaks. */
export type LocalProtocol = 'tcp' | 'tls' | 'udp';

/** A running local receiver. */
export interface LocalReceiver {
  readonly protocol: LocalProtocol;
  readonly port: number;
  /** Every message received so far (octet counting removed), in arrival order. */
  readonly messages: Uint8Array[];
  /** Connections accepted so far (TCP and TLS). */
  readonly connections: number;
  /** Resolves once `count` messages in total have arrived. */
  waitForMessages(count: number): Promise<Uint8Array[]>;
  /** Resolves once `count` connections in total have been accepted. */
  waitForConnections(count: number): Promise<void>;
  /** Destroys every open connection. */
  dropConnections(): void;
  /** Stops reading from connections (TCP and TLS), so that the sender's buffers fill. */
  pauseReading(): void;
  resumeReading(): void;
  /** Stops listening and drops connections; `start()` listens again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** Splits an octet-counted stream incrementally. */
class OctetDeframer {
  #buffer = Buffer.alloc(0);
  push(chunk: Buffer, out: (message: Uint8Array) => void): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const space = this.#buffer.indexOf(0x20);
      if (space <= 0) return;
      const length = Number(this.#buffer.subarray(0, space).toString('latin1'));
      if (!Number.isSafeInteger(length)) throw new Error(`bad MSG-LEN ${this.#buffer.subarray(0, space).toString('latin1')}`);
      if (this.#buffer.length < space + 1 + length) return;
      out(this.#buffer.subarray(space + 1, space + 1 + length));
      this.#buffer = this.#buffer.subarray(space + 1 + length);
    }
  }
}

class Local extends EventEmitter implements LocalReceiver {
  readonly protocol: LocalProtocol;
  port = 0;
  readonly messages: Uint8Array[] = [];
  connections = 0;
  readonly #sockets = new Set<Socket>();
  readonly #tls: TlsOptions | undefined;
  #server: Server | undefined;
  #udp: UdpSocket | undefined;
  #paused = false;

  constructor(protocol: LocalProtocol, tls: TlsOptions | undefined) {
    super();
    this.protocol = protocol;
    this.#tls = tls;
  }

  #received(message: Uint8Array): void {
    this.messages.push(message);
    this.emit('message');
  }

  async start(): Promise<void> {
    if (this.protocol === 'udp') {
      const udp = createSocket('udp4');
      udp.on('message', (message) => {
        this.#received(message);
      });
      udp.bind(this.port, '127.0.0.1');
      await once(udp, 'listening');
      this.port = udp.address().port;
      this.#udp = udp;
      return;
    }
    const onSocket = (socket: Socket): void => {
      this.connections++;
      this.#sockets.add(socket);
      const deframer = new OctetDeframer();
      socket.on('data', (chunk: Buffer) => {
        deframer.push(chunk, (m) => {
          this.#received(m);
        });
      });
      socket.on('error', () => undefined);
      socket.on('close', () => this.#sockets.delete(socket));
      if (this.#paused) socket.pause();
      this.emit('connection');
    };
    const server = this.protocol === 'tls' ? createTlsServer(this.#tls ?? {}, onSocket) : createServer(onSocket);
    server.on('tlsClientError', () => undefined);
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    this.port = typeof address === 'object' && address !== null ? address.port : 0;
    this.#server = server;
  }

  waitForMessages(count: number): Promise<Uint8Array[]> {
    return this.#until('message', () => this.messages.length >= count).then(() => this.messages);
  }

  waitForConnections(count: number): Promise<void> {
    return this.#until('connection', () => this.connections >= count);
  }

  #until(event: string, done: () => boolean): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (!done()) return;
        this.off(event, check);
        resolve();
      };
      this.on(event, check);
    });
  }

  dropConnections(): void {
    for (const socket of this.#sockets) socket.destroy();
  }

  pauseReading(): void {
    this.#paused = true;
    for (const socket of this.#sockets) socket.pause();
  }

  resumeReading(): void {
    this.#paused = false;
    for (const socket of this.#sockets) socket.resume();
  }

  async stop(): Promise<void> {
    this.dropConnections();
    const server = this.#server;
    this.#server = undefined;
    if (server !== undefined) {
      await new Promise<void>((resolve) => server.close(() => {
        resolve();
      }));
    }
    const udp = this.#udp;
    this.#udp = undefined;
    if (udp !== undefined) {
      await new Promise<void>((resolve) => {
        udp.close(() => {
          resolve();
        });
      });
    }
  }
}

/** Starts a local receiver on 127.0.0.1:`port` (0: an ephemeral one). */
export async function startLocalReceiver(protocol: LocalProtocol, tls?: TlsOptions, port = 0): Promise<LocalReceiver> {
  const receiver = new Local(protocol, tls);
  receiver.port = port;
  await receiver.start();
  return receiver;
}
