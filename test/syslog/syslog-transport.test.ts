/**
 * The transport conformance suite: every transport (TCP, TLS, UDP) runs the same cases against
 * an in-process receiver; stream- and TLS-specific behaviour follows.
 */
import { rm } from 'node:fs/promises';
import { connect as connectTcp, createServer } from 'node:net';
import type { Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.ts';
import { Backoff } from '../../src/syslog/backoff.ts';
import { createSyslogTransport, SyslogConnectionError, SyslogDroppedError, SyslogTransportClosedError } from '../../src/syslog/index.ts';
import type { SyslogMessage, SyslogTransport, SyslogTransportOptions } from '../../src/syslog/index.ts';
import { intendedFields } from './support/intended-fields.ts';
import { startLocalReceiver } from './support/local-receiver.ts';
import type { LocalProtocol, LocalReceiver } from './support/local-receiver.ts';
import { freePort, makeWorkDir } from './support/peer-process.ts';
import { parseRfc5424 } from './support/rfc5424-parser.ts';
import { createTestPki } from './support/test-certificates.ts';
import type { TestPki } from './support/test-certificates.ts';

let pki: TestPki;
let pkiDir = '';

beforeAll(async () => {
  pkiDir = await makeWorkDir('transport-pki');
  pki = await createTestPki(pkiDir);
});

afterAll(async () => {
  if (pkiDir !== '') await rm(pkiDir, { recursive: true, force: true });
});

const message = (i: number, extra: Partial<SyslogMessage> = {}): SyslogMessage => ({
  severity: 'info',
  timestamp: '2024-05-01T12:00:00.000001Z',
  hostname: 'node-1',
  appName: 'conformance',
  msgId: `m${i}`,
  structuredData: { 'seq@32473': { n: i } },
  msg: `message ${i} — ünïcode`,
  ...extra,
});

const seqOf = (bytes: Uint8Array): number => Number(parseRfc5424(bytes).structuredData[0]?.params[0]?.[1]);

/** A sleep that records what was asked and waits 1 ms, so backoff runs fast but in order. */
function recordingSleep(): { sleep: (ms: number, signal: AbortSignal) => Promise<void>; asked: number[] } {
  const asked: number[] = [];
  return {
    asked,
    sleep: (ms, signal) => {
      asked.push(ms);
      return delay(1, undefined, { signal });
    },
  };
}

interface Case {
  readonly protocol: LocalProtocol;
  url(port: number): string;
  options(): SyslogTransportOptions;
  start(port?: number): Promise<LocalReceiver>;
}

const CASES: readonly Case[] = [
  {
    protocol: 'tcp',
    url: (port) => `syslog+tcp://127.0.0.1:${port}`,
    options: () => ({}),
    start: (port) => startLocalReceiver('tcp', undefined, port),
  },
  {
    protocol: 'tls',
    url: (port) => `syslog-tls://127.0.0.1:${port}`,
    options: () => ({ tls: { ca: pki.ca, cert: pki.client.cert, key: pki.client.key, settleTime: 0 } }),
    start: (port) => startLocalReceiver('tls', { cert: pki.server.cert, key: pki.server.key, ca: pki.ca, requestCert: true, rejectUnauthorized: true }, port),
  },
  {
    protocol: 'udp',
    url: (port) => `syslog+udp://127.0.0.1:${port}`,
    options: () => ({}),
    start: (port) => startLocalReceiver('udp', undefined, port),
  },
];

const NETWORK_RESOURCES = new Set(['TCPSocketWrap', 'TCPWRAP', 'TLSWrap', 'UDPWrap', 'UDPWRAP', 'Timeout']);
const networkResources = (): number => process.getActiveResourcesInfo().filter((r) => NETWORK_RESOURCES.has(r)).length;

describe.each(CASES)('$protocol transport: conformance', (c) => {
  async function withTransport<T>(run: (t: SyslogTransport, r: LocalReceiver) => Promise<T>, options: SyslogTransportOptions = {}): Promise<T> {
    const receiver = await c.start();
    const transport = createSyslogTransport(c.url(receiver.port), { ...c.options(), ...options });
    try {
      return await run(transport, receiver);
    } finally {
      await transport.close();
      await receiver.stop();
    }
  }

  it('writes messages in order, each parsing to the intended fields', async () => {
    await withTransport(async (transport, receiver) => {
      const messages = Array.from({ length: 50 }, (_, i) => message(i));
      await transport.send(messages);
      const received = await receiver.waitForMessages(50);
      expect(received.map(seqOf)).toEqual(messages.map((_, i) => i));
      received.forEach((bytes, i) => {
        const p = parseRfc5424(bytes);
        const { facility, severity, timestamp, hostname, appName, procId, msgId, structuredData, msg } = p;
        expect({ facility, severity, timestamp, hostname, appName, procId, msgId, structuredData, msg }).toEqual(intendedFields(messages[i]!));
      });
    });
  });

  it('resolves send() once the messages are written, and counts them', async () => {
    await withTransport(async (transport) => {
      expect(transport.protocol).toBe(c.protocol);
      const sent = transport.send([message(1), message(2)]);
      expect(transport.stats().written).toBe(0);
      await sent;
      expect(transport.stats()).toMatchObject({ written: 2, dropped: 0, buffered: 0, bufferedBytes: 0, inFlight: 0, connected: true, connects: 1 });
      await transport.send([]);
    });
  });

  it('holds messages sent before it is connected and writes them once it is', async () => {
    await withTransport(async (transport, receiver) => {
      expect(transport.stats().connected).toBe(false);
      const connected = new Promise<void>((resolve) => transport.once('connect', resolve));
      const sent = transport.send([message(1), message(2), message(3)]);
      expect(transport.stats().buffered).toBe(3);
      await connected;
      await sent;
      expect((await receiver.waitForMessages(3)).map(seqOf)).toEqual([1, 2, 3]);
    });
  });

  it('drops what exceeds the bounded buffer, counts it, and rejects with SyslogDroppedError', async () => {
    await withTransport(
      async (transport, receiver) => {
        const drops: { count: number; reason: string }[] = [];
        transport.on('drop', (d) => drops.push(d));
        // Not connected yet: the buffer holds 3, the other 2 are dropped.
        const sent = transport.send([1, 2, 3, 4, 5].map((i) => message(i)));
        const err = await sent.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(SyslogDroppedError);
        expect(err).toMatchObject({ code: 'ERR_SYSLOG_DROPPED', dropped: 2, total: 5, reason: 'buffer-full' });
        expect(drops).toEqual([{ count: 2, reason: 'buffer-full' }]);
        expect((await receiver.waitForMessages(3)).map(seqOf)).toEqual([1, 2, 3]);
        expect(transport.stats()).toMatchObject({ written: 3, dropped: 2 });
      },
      { bufferSize: 3 },
    );
  });

  it('bounds the buffer in bytes too', async () => {
    await withTransport(
      async (transport) => {
        const err = await transport.send([message(1, { msg: 'x'.repeat(600) }), message(2, { msg: 'y'.repeat(600) })]).catch((e: unknown) => e);
        expect(err).toMatchObject({ dropped: 1, reason: 'buffer-full' });
      },
      { maxBufferedBytes: 1000 },
    );
  });

  it('refuses sends after close(), and emits close', async () => {
    await withTransport(async (transport) => {
      const closed = new Promise<void>((resolve) => transport.once('close', resolve));
      await transport.send(message(1));
      await transport.close();
      await closed;
      await expect(transport.send(message(2))).rejects.toBeInstanceOf(SyslogTransportClosedError);
      await expect(transport.send(message(2))).rejects.toMatchObject({ code: 'ERR_SYSLOG_CLOSED' });
      await transport.close();
    });
  });

  it('leaves no socket or timer behind', async () => {
    const before = networkResources();
    await withTransport(async (transport, receiver) => {
      await transport.send([message(1), message(2)]);
      await receiver.waitForMessages(2);
    });
    // Handles close asynchronously after their 'close' events; give the loop one turn.
    await delay(0);
    expect(networkResources()).toBeLessThanOrEqual(before);
  });
});

describe.each(CASES.filter((c) => c.protocol !== 'udp'))('$protocol transport: connections', (c) => {
  it('reconnects with backoff after the receiver drops the connection, losing nothing sent after the disconnect', async () => {
    const receiver = await c.start();
    const { sleep, asked } = recordingSleep();
    const transport = createSyslogTransport(c.url(receiver.port), { ...c.options(), sleep, random: () => 0.5 });
    try {
      await transport.send([message(1), message(2)]);
      await receiver.waitForMessages(2);
      const disconnected = new Promise<SyslogConnectionError>((resolve) => transport.once('disconnect', resolve));
      receiver.dropConnections();
      const err = await disconnected;
      expect(err).toBeInstanceOf(SyslogConnectionError);
      expect(err.code).toBe('ERR_SYSLOG_CONNECTION');
      await transport.send([message(3), message(4)]);
      expect(transport.stats().connects).toBe(2);
      expect((await receiver.waitForMessages(4)).map(seqOf)).toEqual([1, 2, 3, 4]);
      // client-go's first delay, 800 ms, stretched by jitter 1.0 × random 0.5.
      expect(asked[0]).toBe(1200);
    } finally {
      await transport.close();
      await receiver.stop();
    }
  });

  it('holds messages while the receiver is down and writes them when it is back', async () => {
    const port = await freePort();
    const { sleep, asked } = recordingSleep();
    const transport = createSyslogTransport(c.url(port), { ...c.options(), sleep, random: () => 0 });
    const errors: SyslogConnectionError[] = [];
    transport.on('error', (e) => errors.push(e));
    const reconnecting = new Promise<void>((resolve) => {
      transport.on('reconnecting', ({ attempt }) => {
        if (attempt === 3) resolve();
      });
    });
    const sent = transport.send([message(1), message(2)]);
    await reconnecting;
    expect(errors[0]).toBeInstanceOf(SyslogConnectionError);
    expect(errors[0]?.message).toContain('ECONNREFUSED');
    expect(transport.stats()).toMatchObject({ connected: false, buffered: 2, written: 0 });
    expect(asked.slice(0, 3)).toEqual([800, 1600, 3200]);
    const receiver = await c.start(port);
    try {
      await sent;
      expect((await receiver.waitForMessages(2)).map(seqOf)).toEqual([1, 2]);
    } finally {
      await transport.close();
      await receiver.stop();
    }
  });

  it('stops writing while the socket is full, and resumes on drain', async () => {
    const receiver = await c.start();
    const transport = createSyslogTransport(c.url(receiver.port), { ...c.options(), bufferSize: 100_000, maxBufferedBytes: 256 * 1024 * 1024 });
    try {
      await transport.send(message(0));
      await receiver.waitForMessages(1);
      receiver.pauseReading();
      const big = 'z'.repeat(7000);
      const messages = Array.from({ length: 3000 }, (_, i) => message(i + 1, { msg: big }));
      const sent = transport.send(messages);
      // Writing stops once the socket says it is full (the kernel takes what it can first):
      // the rest waits in our bounded queue, not in Node's unbounded socket buffer.
      const { buffered, inFlight } = transport.stats();
      expect(buffered).toBe(3000);
      expect(inFlight).toBeLessThan(3000);
      receiver.resumeReading();
      await sent;
      const received = await receiver.waitForMessages(3001);
      expect(received.map(seqOf)).toEqual(Array.from({ length: 3001 }, (_, i) => i));
    } finally {
      await transport.close();
      await receiver.stop();
    }
  });

  it('close() drops, counted, what it cannot write within closeTimeout', async () => {
    const port = await freePort();
    const { sleep } = recordingSleep();
    const transport = createSyslogTransport(c.url(port), { ...c.options(), sleep, closeTimeout: 5 });
    const drops: { count: number; reason: string }[] = [];
    transport.on('drop', (d) => drops.push(d));
    const sent = transport.send([message(1), message(2)]);
    await transport.close();
    await expect(sent).rejects.toMatchObject({ dropped: 2, total: 2, reason: 'closed' });
    expect(drops).toEqual([{ count: 2, reason: 'closed' }]);
    expect(transport.stats()).toMatchObject({ dropped: 2, buffered: 0 });
  });
});

describe('TLS specifics', () => {
  const serverTls = (): Parameters<typeof startLocalReceiver>[1] => ({ cert: pki.server.cert, key: pki.server.key, ca: pki.ca, requestCert: true, rejectUnauthorized: true });

  async function firstError(transport: SyslogTransport): Promise<SyslogConnectionError> {
    return new Promise((resolve) => transport.once('error', resolve));
  }

  it('rejects a server whose certificate is not from the configured CA', async () => {
    const receiver = await startLocalReceiver('tls', serverTls());
    const transport = createSyslogTransport(`syslog-tls://127.0.0.1:${receiver.port}`, { tls: { ca: pki.strangerCa, cert: pki.client.cert, key: pki.client.key }, closeTimeout: 20 });
    try {
      const sent = transport.send(message(1));
      const err = await firstError(transport);
      expect(err.message).toMatch(/certificate/i);
      expect(transport.stats()).toMatchObject({ written: 0, buffered: 1 });
      await transport.close();
      await expect(sent).rejects.toMatchObject({ reason: 'closed' });
      expect(receiver.messages).toHaveLength(0);
    } finally {
      await transport.close();
      await receiver.stop();
    }
  });

  it('rejects a server whose certificate does not name the host', async () => {
    const receiver = await startLocalReceiver('tls', serverTls());
    const transport = createSyslogTransport(`syslog-tls://127.0.0.1:${receiver.port}`, {
      tls: { ca: pki.ca, cert: pki.client.cert, key: pki.client.key, servername: 'logs.example.com' },
    });
    try {
      const err = await firstError(transport);
      expect((err.cause as { code?: string }).code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    } finally {
      await transport.close();
      await receiver.stop();
    }
  });

  it.each([
    ['no client certificate', {}],
    ['a client certificate from another CA', { cert: 'stranger' }],
  ])('writes nothing and keeps the messages when the receiver rejects %s after the handshake', async (_what, which) => {
    const receiver = await startLocalReceiver('tls', serverTls());
    const client = 'cert' in which ? { cert: pki.strangerClient.cert, key: pki.strangerClient.key } : {};
    const transport = createSyslogTransport(`syslog-tls://127.0.0.1:${receiver.port}`, { tls: { ca: pki.ca, ...client }, closeTimeout: 20 });
    try {
      transport.send(message(1)).catch(() => undefined);
      const err = await firstError(transport);
      expect(err).toBeInstanceOf(SyslogConnectionError);
      expect(transport.stats()).toMatchObject({ written: 0, buffered: 1, connects: 0 });
    } finally {
      await transport.close();
      await receiver.stop();
    }
  });

  it('refuses TLS older than 1.2', async () => {
    const receiver = await startLocalReceiver('tls', { ...serverTls(), minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' });
    const transport = createSyslogTransport(`syslog-tls://127.0.0.1:${receiver.port}`, { tls: { ca: pki.ca, cert: pki.client.cert, key: pki.client.key } });
    try {
      const err = await firstError(transport);
      expect(err.message).toMatch(/version|protocol/i);
    } finally {
      await transport.close();
      await receiver.stop();
    }
  });

  it('sends close_notify before FIN on close()', async () => {
    // A TCP proxy in front of a TLS 1.2 receiver sees the record types the client sends:
    // the last record before FIN must be an alert (content type 21), i.e. close_notify.
    const receiver = await startLocalReceiver('tls', { ...serverTls(), maxVersion: 'TLSv1.2' });
    const fromClient: Buffer[] = [];
    let upstream: Socket | undefined;
    const sawFin = new Promise<void>((resolve) => {
      const proxy = createServer((client) => {
        upstream = connectTcp(receiver.port, '127.0.0.1');
        client.on('data', (d: Buffer) => {
          fromClient.push(d);
          upstream?.write(d);
        });
        upstream.on('data', (d: Buffer) => client.write(d));
        client.on('end', () => {
          resolve();
          upstream?.end();
          client.end();
          proxy.close();
        });
      });
      proxy.listen(0, '127.0.0.1', () => {
        const address = proxy.address();
        const port = typeof address === 'object' && address !== null ? address.port : 0;
        const transport = createSyslogTransport(`syslog-tls://127.0.0.1:${port}`, {
          tls: { ca: pki.ca, cert: pki.client.cert, key: pki.client.key, servername: 'localhost', settleTime: 0 },
        });
        void transport.send(message(1)).then(() => transport.close());
      });
    });
    await sawFin;
    await receiver.waitForMessages(1);
    await receiver.stop();
    const stream = Buffer.concat(fromClient);
    const types: number[] = [];
    for (let at = 0; at + 5 <= stream.length; at += 5 + stream.readUInt16BE(at + 3)) types.push(stream[at]!);
    expect(types.at(-1)).toBe(21);
    expect(types).toContain(23);
  });
});

describe('createSyslogTransport', () => {
  it.each([
    ['http://example.com', 'url'],
    ['syslog+tcp://', 'url'],
    ['syslog+tcp://host/path', 'url'],
    ['not a url', 'url'],
  ])('rejects the URL %s', (url, option) => {
    expect(() => createSyslogTransport(url)).toThrow(InvalidOptionError);
    expect(() => createSyslogTransport(url)).toThrow(expect.objectContaining({ option }) as Error);
  });

  it.each([
    [{ framing: 'octet-counting' as const }, 'syslog+udp://127.0.0.1:9', 'framing'],
    [{ tls: {} }, 'syslog+tcp://127.0.0.1:9', 'tls'],
    [{ bufferSize: 0 }, 'syslog+tcp://127.0.0.1:9', 'bufferSize'],
    [{ connectTimeout: -1 }, 'syslog+tcp://127.0.0.1:9', 'connectTimeout'],
    [{ backoff: { initialDelay: 0 } }, 'syslog+tcp://127.0.0.1:9', 'backoff.initialDelay'],
    [{ maxMessageSize: 100 }, 'syslog+tcp://127.0.0.1:9', 'maxMessageSize'],
  ])('rejects the option %j', (options, url, option) => {
    expect(() => createSyslogTransport(url, options)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION', option }) as Error);
  });

  it('takes default ports from the scheme, and syslog:// as TCP', async () => {
    const transports = ['syslog://127.0.0.1', 'syslog-tls://[::1]', 'syslog+udp://localhost'].map((url) =>
      createSyslogTransport(url, { sleep: recordingSleep().sleep, closeTimeout: 0 }),
    );
    expect(transports.map((t) => [t.protocol, t.url])).toEqual([
      ['tcp', 'syslog://127.0.0.1'],
      ['tls', 'syslog-tls://[::1]'],
      ['udp', 'syslog+udp://localhost'],
    ]);
    await Promise.all(transports.map((t) => t.close()));
  });

  it('caps UDP datagrams at 2048 bytes by default', async () => {
    const receiver = await startLocalReceiver('udp');
    const transport = createSyslogTransport(`syslog+udp://127.0.0.1:${receiver.port}`);
    try {
      await transport.send(message(1, { msg: 'é'.repeat(3000) }));
      const [datagram] = await receiver.waitForMessages(1);
      expect(datagram!.length).toBeLessThanOrEqual(2048);
      expect(datagram!.length).toBeGreaterThan(2040);
      expect(parseRfc5424(datagram!).msg).toMatch(/^é+$/);
    } finally {
      await transport.close();
      await receiver.stop();
    }
  });
});

describe('Backoff', () => {
  it('doubles from 800 ms to a 30 s cap, adds up to 100 % jitter, and resets after a 2-minute connection', () => {
    let r = 0;
    const backoff = new Backoff({ initialDelay: 800, maxDelay: 30_000, factor: 2, jitter: 1, resetAfter: 120_000 }, () => r);
    expect(Array.from({ length: 7 }, () => backoff.next())).toEqual([800, 1600, 3200, 6400, 12_800, 25_600, 30_000]);
    r = 0.999;
    expect(backoff.next()).toBeCloseTo(59_970);
    backoff.connectionLasted(119_999);
    expect(backoff.attempt).toBe(8);
    backoff.connectionLasted(120_000);
    r = 0;
    expect(backoff.next()).toBe(800);
  });
});
