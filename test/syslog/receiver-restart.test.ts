/**
 * A real receiver restarted in the middle of a TCP stream: nothing sent after the transport
 * noticed the disconnect may be lost, and what is lost must lie inside the documented window
 * (messages whose `send()` resolved before the disconnect was noticed, a contiguous run ending
 * with the last of them).
 */
import { readFile, rm } from 'node:fs/promises';
import { setImmediate } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyslogEncoder, createSyslogTransport } from '../../src/syslog/index.ts';
import type { SyslogMessage } from '../../src/syslog/index.ts';
import { ensurePeers, makeWorkDir, PEERS_REQUIRED, tcpClosed } from './support/peer-process.ts';
import { startRsyslog, startSyslogNg } from './support/receivers.ts';
import type { Receiver } from './support/receivers.ts';
import { createTestPki } from './support/test-certificates.ts';
import type { TestPki } from './support/test-certificates.ts';

const unavailable = await ensurePeers();
const encoder = createSyslogEncoder({ framing: 'octet-counting' });

/** The largest TCP socket buffer the kernel allows (the third field of net.ipv4.tcp_[rw]mem). */
async function socketBufferMax(which: 'tcp_wmem' | 'tcp_rmem'): Promise<number> {
  const fields = (await readFile(`/proc/sys/net/ipv4/${which}`, 'utf8')).trim().split(/\s+/);
  return Number(fields[2]);
}

const message = (seq: number): SyslogMessage => ({ severity: 'info', hostname: 'node-1', appName: 'restart', msgId: 'seq', structuredData: { 'seq@32473': { n: seq } }, msg: `message ${seq}` });

describe.skipIf(unavailable !== undefined && !PEERS_REQUIRED)('a receiver restart in the middle of a TCP stream', () => {
  let pki: TestPki;
  let pkiDir = '';

  beforeAll(async () => {
    if (unavailable !== undefined) throw new Error(`syslog peers unavailable with CI=true: ${unavailable}`);
    pkiDir = await makeWorkDir('restart-pki');
    pki = await createTestPki(pkiDir);
  });

  afterAll(async () => {
    if (pkiDir !== '') await rm(pkiDir, { recursive: true, force: true });
  });

  it.each([
    ['rsyslog', startRsyslog],
    ['syslog-ng', startSyslogNg],
  ] as const)('%s: loses nothing buffered after the disconnect was noticed', async (kind, start) => {
    const receiver: Receiver = await start(pki);
    const transport = createSyslogTransport(`syslog+tcp://127.0.0.1:${receiver.ports.tcp}`, { backoff: { initialDelay: 20, maxDelay: 200 } });
    try {
      const resolved: number[] = [];
      let writtenBeforeNotice: ReadonlySet<number> | undefined;
      let afterNotice = 0;
      const noticed = new Promise<void>((resolve) => {
        transport.once('disconnect', () => {
          writtenBeforeNotice = new Set(resolved);
          resolve();
        });
      });
      let next = 0;
      const pending: Promise<void>[] = [];
      const sendOne = (): Promise<void> => {
        const seq = next++;
        const sent = transport.send(message(seq)).then(() => {
          resolved.push(seq);
        });
        pending.push(sent);
        return sent;
      };
      // A steady stream: each message once the one before it is written. A write the kernel
      // takes at once confirms on the next tick, so yield to I/O between messages.
      let streaming = true;
      const stream = (async () => {
        while (streaming) {
          await sendOne();
          await setImmediate();
        }
      })();
      await receiver.waitForRecords('tcp', 300);
      await receiver.stop();
      await noticed;
      // Everything sent from here on is buffered while the receiver is down.
      for (let i = 0; i < 200; i++) {
        void sendOne();
        afterNotice++;
      }
      expect(await tcpClosed(receiver.ports.tcp)).toBe(true);
      expect(transport.stats().buffered).toBeGreaterThanOrEqual(afterNotice);
      await receiver.start();
      // Keep streaming for a while over the new connection, then stop.
      const target = next + 300;
      while (resolved.length < target) {
        await sendOne();
        await setImmediate();
      }
      streaming = false;
      await stream;
      await Promise.all(pending);
      const sent = next;

      const written = writtenBeforeNotice ?? new Set<number>();
      const mustArrive = Array.from({ length: sent }, (_, i) => i).filter((i) => !written.has(i));
      const received = new Map<number, number>();
      const deadline = Date.now() + 20_000;
      for (;;) {
        received.clear();
        for (const r of await receiver.records()) {
          const seq = Number(r.fields.structuredData['seq@32473']?.n);
          received.set(seq, (received.get(seq) ?? 0) + 1);
        }
        if (mustArrive.every((i) => received.has(i)) || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const missing = mustArrive.filter((i) => !received.has(i));
      expect(missing, 'messages sent after the disconnect was noticed, or not yet written then').toEqual([]);
      // What was lost lies in the window: written before the disconnect was noticed, and a
      // contiguous run ending with the last message written then.
      const lost = [...written].filter((i) => !received.has(i)).sort((a, b) => a - b);
      const lastWritten = Math.max(...written);
      if (lost.length > 0) {
        expect(lost.at(-1)).toBe(lastWritten);
        expect(lost).toEqual(Array.from({ length: lost.length }, (_, i) => lastWritten - lost.length + 1 + i));
      }
      // And it is no larger than what the kernel can hold between us and the receiver: our send
      // buffer plus its receive buffer, at their configured maxima.
      const lostBytes = lost.reduce((sum, seq) => sum + encoder.encode(message(seq)).length, 0);
      expect(lostBytes).toBeLessThanOrEqual((await socketBufferMax('tcp_wmem')) + (await socketBufferMax('tcp_rmem')));
      expect(transport.stats().dropped).toBe(0);
      console.info(`${kind}: ${sent} sent, ${written.size} written before the disconnect was noticed, ${lost.length} lost in the window, ${[...received.values()].filter((n) => n > 1).length} duplicated, ${lostBytes} bytes lost`);
    } finally {
      await transport.close();
      await receiver.close();
    }
  });
});
