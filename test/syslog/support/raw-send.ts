/** Sending already-encoded bytes over plain sockets, for tests that must not depend on the transports. */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';

/** Writes `frames` over one TCP connection to 127.0.0.1:`port` and waits until it is closed. */
export async function sendOverTcp(port: number, frames: readonly Uint8Array[]): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('close', () => {
      resolve();
    });
    socket.once('connect', () => {
      for (const frame of frames) socket.write(frame);
      socket.end();
    });
    socket.resume();
  });
}

/** Sends each datagram to 127.0.0.1:`port`. */
export async function sendOverUdp(port: number, datagrams: readonly Uint8Array[]): Promise<void> {
  const socket = createSocket('udp4');
  try {
    for (const datagram of datagrams) {
      await new Promise<void>((resolve, reject) => {
        socket.send(datagram, port, '127.0.0.1', (err) => {
          if (err) reject(err);
          else resolve();
        });
      });
    }
  } finally {
    await new Promise<void>((resolve) => {
      socket.close(() => {
        resolve();
      });
    });
  }
}
