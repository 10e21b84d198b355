/**
 * The tricky-event corpus against real rsyslog and syslog-ng: first as encoded bytes over plain
 * sockets (octet counting over TCP, one datagram each over UDP), then through
 * `createSyslogTransport` over TCP, mutual TLS and UDP. Every field each receiver parsed must
 * equal what we intended, and what the strict test parser reads.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromEventObject } from '../../src/stream/index.ts';
import { createEventToSyslog, createSyslogEncoder, createSyslogTransport } from '../../src/syslog/index.ts';
import type { SyslogTransportOptions } from '../../src/syslog/index.ts';
import { CORPUS } from './support/corpus.ts';
import { intendedFields } from './support/intended-fields.ts';
import type { IntendedFields } from './support/intended-fields.ts';
import { ensurePeers, makeWorkDir, PEERS_REQUIRED } from './support/peer-process.ts';
import { sendOverTcp, sendOverUdp } from './support/raw-send.ts';
import { expectReceived, fieldsOfRaw } from './support/receiver-views.ts';
import { startRsyslog, startSyslogNg } from './support/receivers.ts';
import type { Receiver, ReceiverInput } from './support/receivers.ts';
import { createTestPki } from './support/test-certificates.ts';
import type { TestPki } from './support/test-certificates.ts';

const unavailable = await ensurePeers();
const decoder = new TextDecoder();
const uncapped = createSyslogEncoder();

describe.skipIf(unavailable !== undefined && !PEERS_REQUIRED)('the corpus on real receivers', () => {
  const receivers: Partial<Record<Receiver['kind'], Receiver>> = {};
  let pkiDir = '';
  let pki: TestPki;

  beforeAll(async () => {
    if (unavailable !== undefined) throw new Error(`syslog peers unavailable with CI=true: ${unavailable}`);
    pkiDir = await makeWorkDir('pki');
    pki = await createTestPki(pkiDir);
    [receivers.rsyslog, receivers['syslog-ng']] = await Promise.all([startRsyslog(pki), startSyslogNg(pki)]);
  });

  afterAll(async () => {
    await Promise.all(Object.values(receivers).map((r) => r.close()));
    if (pkiDir !== '') await rm(pkiDir, { recursive: true, force: true });
  });

  it('pins agree with the oracle', () => {
    for (const c of CORPUS) expect(intendedFields(c.message), c.name).toMatchObject(c.pins ?? {});
  });

  describe.each(['rsyslog', 'syslog-ng'] as const)('%s', (kind) => {
    it.each([
      ['tcp', createSyslogEncoder({ framing: 'octet-counting', maxMessageSize: 8192 })],
      ['udp', createSyslogEncoder({ framing: 'none', maxMessageSize: 2048 })],
    ] as const)('parses every corpus message sent over %s as intended', async (input, encoder) => {
      const receiver = receivers[kind]!;
      const encoded = CORPUS.map((c) => encoder.encode(c.message));
      const from = Date.now();
      if (input === 'tcp') await sendOverTcp(receiver.ports.tcp, encoded);
      else await sendOverUdp(receiver.ports.udp, encoded);
      const records = await receiver.waitForRecords(input, CORPUS.length);
      const to = Date.now();
      expect(records).toHaveLength(CORPUS.length);
      CORPUS.forEach((c, i) => {
        const bytes = encoded[i]!;
        const raw = input === 'tcp' ? decoder.decode(bytes.subarray(bytes.indexOf(0x20) + 1)) : decoder.decode(bytes);
        const record = records.find((r) => r.raw === raw);
        expect(record, `${c.name}: no record with the raw message we sent`).toBeDefined();
        let intended: IntendedFields = intendedFields(c.message);
        if (input === 'udp' && uncapped.encode(c.message).length > 2048) {
          // Cut to the datagram cap: MSG is a prefix of the intended one, cut on a character
          // boundary no more than 3 bytes short of the cap.
          const cut = fieldsOfRaw(raw).msg ?? '';
          expect(intended.msg?.startsWith(cut), c.name).toBe(true);
          expect(bytes.length).toBeLessThanOrEqual(2048);
          expect(bytes.length).toBeGreaterThanOrEqual(2045);
          intended = { ...intended, msg: cut };
        }
        expectReceived(kind, record!, intended, true, { from, to });
      });
    });
  });
  describe.each(['rsyslog', 'syslog-ng'] as const)('%s through createSyslogTransport', (kind) => {
    const inputs: readonly { input: ReceiverInput; url: (port: number) => string; options: () => SyslogTransportOptions }[] = [
      { input: 'tcp', url: (port) => `syslog+tcp://127.0.0.1:${port}`, options: () => ({}) },
      { input: 'udp', url: (port) => `syslog+udp://127.0.0.1:${port}`, options: () => ({}) },
      // Mutual TLS; rsyslog's first TLS input uses GnuTLS, the second OpenSSL.
      { input: 'tls', url: (port) => `syslog-tls://127.0.0.1:${port}`, options: () => ({ tls: { ca: pki.ca, cert: pki.client.cert, key: pki.client.key } }) },
      {
        input: 'tls-ossl',
        url: (port) => `syslog-tls://127.0.0.1:${port}`,
        options: () => ({ tls: { ca: pki.ca, cert: pki.client.cert, key: pki.client.key, servername: 'localhost', minVersion: 'TLSv1.3' } }),
      },
    ];

    it.each(inputs)('parses every corpus message sent over $input as intended', async ({ input, url, options }) => {
      const receiver = receivers[kind]!;
      const before = (await receiver.records()).filter((r) => r.input === input).length;
      const transport = createSyslogTransport(url(receiver.ports[input]), options());
      const from = Date.now();
      try {
        await transport.send(CORPUS.map((c) => c.message));
        expect(transport.stats()).toMatchObject({ written: CORPUS.length, dropped: 0 });
      } finally {
        await transport.close();
      }
      const records = (await receiver.waitForRecords(input, before + CORPUS.length)).slice(before);
      const to = Date.now();
      expect(records).toHaveLength(CORPUS.length);
      const cap = input === 'udp' ? 2048 : 8192;
      records.forEach((record, i) => {
        const c = CORPUS[i]!;
        let intended = intendedFields(c.message);
        const rawBytes = Buffer.byteLength(record.raw);
        expect(rawBytes).toBeLessThanOrEqual(cap);
        if (uncapped.encode(c.message).length > cap) {
          const cut = fieldsOfRaw(record.raw).msg ?? '';
          expect(intended.msg?.startsWith(cut), c.name).toBe(true);
          expect(rawBytes).toBeGreaterThanOrEqual(cap - 3);
          intended = { ...intended, msg: cut };
        }
        expectReceived(kind, record, intended, true, { from, to });
      });
    });

    it.each(['tls', 'tls-ossl'] as const)('over %s, refuses a client certificate from another CA without writing or losing anything', async (input) => {
      const receiver = receivers[kind]!;
      const before = (await receiver.records()).length;
      const transport = createSyslogTransport(`syslog-tls://127.0.0.1:${receiver.ports[input]}`, {
        tls: { ca: pki.ca, cert: pki.strangerClient.cert, key: pki.strangerClient.key },
        closeTimeout: 0,
      });
      const sent = transport.send(CORPUS[0]!.message);
      const error = await new Promise<Error>((resolve) => transport.once('error', resolve));
      expect(error).toMatchObject({ code: 'ERR_SYSLOG_CONNECTION' });
      expect(transport.stats()).toMatchObject({ written: 0, buffered: 1, connects: 0 });
      await transport.close();
      await expect(sent).rejects.toMatchObject({ code: 'ERR_SYSLOG_DROPPED', reason: 'closed' });
      expect(await receiver.records()).toHaveLength(before);
    });
  });
  it.each(['rsyslog', 'syslog-ng'] as const)('%s receives PKS-preset events over mutual TLS (the create-sink syslog-tls:// equivalent)', async (kind) => {
    const receiver = receivers[kind]!;
    const before = (await receiver.records()).filter((r) => r.input === 'tls').length;
    const toSyslog = createEventToSyslog({ preset: 'pks', clusterName: 'my-cluster', objectLabels: () => ({ app: 'web', 'app.kubernetes.io/managed-by': 'Helm' }) });
    const event = fromEventObject({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web-0.1', namespace: 'default', uid: 'u1', resourceVersion: '9' },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-0' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container',
      source: { component: 'kubelet', host: 'node-1' },
      lastTimestamp: '2024-05-01T12:00:05Z',
      count: 3,
      type: 'Warning',
    });
    const transport = createSyslogTransport(`syslog-tls://127.0.0.1:${receiver.ports.tls}`, { tls: { ca: pki.ca, cert: pki.client.cert, key: pki.client.key } });
    try {
      await transport.send(toSyslog(event));
    } finally {
      await transport.close();
    }
    const [record] = (await receiver.waitForRecords('tls', before + 1)).slice(before);
    expect(record?.fields).toMatchObject({
      pri: 12,
      hostname: 'node-1',
      appName: 'k8s.event/default/web-0/',
      procId: undefined,
      msgId: undefined,
      structuredData: { 'kubernetes@47450': { namespace_name: 'default', object_name: 'web-0', app: 'web', 'app.kubernetes.io/managed-by': 'Helm' } },
    });
    expect(record?.fields.msg?.replace(/^\ufeff/, '')).toBe('Back-off restarting failed container');
  });
});
