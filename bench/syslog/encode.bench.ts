/**
 * Syslog benchmarks: RFC 5424 messages encoded per second by kube-events and by the npm syslog
 * libraries a user might pick instead (glossy, syslog-client, syslog-pro) on the same events in
 * the same run, and events per second over TCP into a real rsyslog.
 *
 * What is measured for the others: glossy's `Produce#produce` (its RFC 5424 formatter, returns a
 * string); syslog-client's `Client#buildFormattedMessage` with `rfc3164: false` (the formatter its
 * `log()` uses, returns a Buffer; it has no STRUCTURED-DATA, so its messages are shorter); and
 * syslog-pro's `RFC5424#buildMessage` (returns a Promise of a string; takes pre-formatted SD
 * strings and one HOSTNAME and APP-NAME per instance). kube-events' figure is `encode()` to framed
 * bytes, all field rules applied.
 *
 * Run: `node --conditions=source -e "import('./bench/syslog/encode.bench.ts').then(m => m.runSyslogBenchmarks()).then(r => console.table(r))"`
 */
import { createRequire } from 'node:module';
import { rm } from 'node:fs/promises';
import { setImmediate } from 'node:timers/promises';
import { createSyslogEncoder, createSyslogTransport } from '../../src/syslog/index.ts';
import type { SyslogMessage } from '../../src/syslog/index.ts';
import { ensurePeers, makeWorkDir } from '../../test/syslog/support/peer-process.ts';
import { startRsyslog } from '../../test/syslog/support/receivers.ts';
import type { Receiver } from '../../test/syslog/support/receivers.ts';
import { createTestPki } from '../../test/syslog/support/test-certificates.ts';

import type { BenchResult } from '../bench-result.ts';

const require = createRequire(import.meta.url);

interface GlossyModule {
  Produce: new (options: { type: string }) => { produce(options: Record<string, unknown>): string | false };
}
interface SyslogClientModule {
  createClient(target: string, options: Record<string, unknown>): SyslogClient;
  Transport: { Tcp: number; Udp: number };
}
interface SyslogClient {
  buildFormattedMessage(message: string, options: Record<string, unknown>): Buffer;
  log(message: string, options: Record<string, unknown>, callback: (error?: Error) => void): void;
  close(): void;
  on(event: 'error', listener: (error: Error) => void): void;
}
interface SyslogProModule {
  RFC5424: new (options: Record<string, unknown>) => { buildMessage(message: string, options: Record<string, unknown>): Promise<string> };
}

const glossy = require('glossy') as GlossyModule;
const syslogClient = require('syslog-client') as SyslogClientModule;
const syslogPro = require('syslog-pro') as SyslogProModule;

const RUNS = 7;
const RUN_MS = 250;
const EVENTS = 1000;
const K8S = 'kubernetes@47450';

/** Kubernetes-like events: a PKS-style message each, with labels, some Unicode, no `]` `"` `\`. */
function sampleEvents(): SyslogMessage[] {
  const reasons = ['BackOff', 'Pulled', 'Scheduled', 'FailedMount', 'Killing', 'Created'];
  const messages = [
    'Back-off restarting failed container nginx in pod web-0_default(8a7f)',
    'Successfully pulled image "registry.example.com/team/api:v1.42.0" in 1.2s (1.2s including waiting)',
    'Successfully assigned default/web-0 to node-3',
    'MountVolume.SetUp failed for volume "config" : configmap "app-config" not found — réessai dans 30 s',
    'Stopping container api',
    'Created container sidecar',
  ];
  return Array.from({ length: EVENTS }, (_, i) => {
    const namespace = `team-${i % 7}`;
    const object = `web-${i % 50}-${(i * 7919).toString(36)}`;
    return {
      facility: 'local0',
      severity: i % 5 === 0 ? 'warning' : 'info',
      timestamp: new Date(Date.UTC(2024, 4, 1, 12, 0, 0, i)),
      hostname: `node-${i % 12}.cluster.example.com`,
      appName: `k8s.event/${namespace}/${object}/`.slice(0, 48),
      procId: '-',
      msgId: reasons[i % reasons.length]!,
      structuredData: {
        [K8S]: {
          namespace_name: namespace,
          object_name: object,
          'app.kubernetes.io/name': 'web',
          'app.kubernetes.io/instance': `web-${i % 50}`,
          'pod-template-hash': (i * 104729).toString(16),
        },
      },
      msg: messages[i % messages.length]!,
    };
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

type Encode = (i: number) => unknown;

/** Runs `encode` over the events for RUN_MS and returns messages per second. */
async function rate(encode: Encode | ((i: number) => Promise<unknown>), isAsync: boolean): Promise<number> {
  let count = 0;
  let sink = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < RUN_MS) {
    for (let i = 0; i < EVENTS; i++) {
      const out = isAsync ? await (encode(i) as Promise<unknown>) : encode(i);
      if (out !== undefined && out !== null) sink++;
    }
    count += EVENTS;
    elapsed = performance.now() - start;
  }
  if (sink !== count) throw new Error('an encoder returned nothing');
  return (count / elapsed) * 1000;
}

async function encodeBenchmarks(): Promise<BenchResult[]> {
  const events = sampleEvents();
  const ours = createSyslogEncoder({ framing: 'octet-counting', maxMessageSize: 8192 });
  const producer = new glossy.Produce({ type: 'RFC5424' });
  const glossyInput = events.map((m) => ({
    facility: 'local0',
    severity: m.severity,
    host: m.hostname,
    appName: m.appName,
    pid: m.procId,
    msgID: m.msgId,
    date: m.timestamp,
    structuredData: m.structuredData,
    message: m.msg,
  }));
  const client = syslogClient.createClient('127.0.0.1', { rfc3164: false });
  const clientInput = events.map((m) => ({
    facility: 16,
    severity: m.severity === 'warning' ? 4 : 6,
    rfc3164: false,
    syslogHostname: m.hostname,
    appName: m.appName,
    msgid: m.msgId,
    timestamp: m.timestamp,
  }));
  const pro = new syslogPro.RFC5424({ applacationName: 'k8s.event', timestampUTC: true, timestampMS: true, encludeStructuredData: true, utf8BOM: true });
  const proSd = events.map((m) =>
    Object.entries(m.structuredData ?? {})
      .map(([id, params]) => `[${id}${Object.entries(params).map(([k, v]) => ` ${k}="${String(v)}"`).join('')}]`)
      .join(''),
  );
  // syslog-client cannot carry STRUCTURED-DATA: also time ours on the same events without it.
  const withoutSd = events.map((m) => Object.fromEntries(Object.entries(m).filter(([key]) => key !== 'structuredData')) as unknown as SyslogMessage);
  const contenders: [string, Encode, boolean][] = [
    ['kube-events encode', (i) => ours.encode(events[i]!), false],
    ['kube-events encode, no STRUCTURED-DATA', (i) => ours.encode(withoutSd[i]!), false],
    ['glossy Produce#produce', (i) => producer.produce(glossyInput[i]!), false],
    ['syslog-client buildFormattedMessage', (i) => client.buildFormattedMessage(events[i]!.msg!, clientInput[i]!), false],
    ['syslog-pro RFC5424#buildMessage', (i) => pro.buildMessage(events[i]!.msg!, { severity: 6, facility: 16, id: events[i]!.msgId, msgStructuredData: [proSd[i]!] }), true],
  ];
  const samples = new Map<string, number[]>(contenders.map(([name]) => [name, []]));
  for (const [, encode, isAsync] of contenders) await rate(encode, isAsync); // warm-up
  for (let run = 0; run < RUNS; run++) {
    // Interleaved, so that drift in the machine's speed hits everyone alike.
    for (const [name, encode, isAsync] of contenders) samples.get(name)!.push(await rate(encode, isAsync));
    await setImmediate();
  }
  const value = median(samples.get('kube-events encode')!);
  const noSd = median(samples.get('kube-events encode, no STRUCTURED-DATA')!);
  const others = contenders.slice(2).map(([name]) => [name, median(samples.get(name)!)] as const);
  const fastest = Math.max(...others.map(([, v]) => v));
  const clientValue = median(samples.get('syslog-client buildFormattedMessage')!);
  return [
    ...others.map(([name, baselineValue]) => ({
      scenario: 'RFC 5424 messages encoded (1000 Kubernetes events with labels)',
      unit: 'messages/s',
      value,
      baseline: name,
      baselineValue,
      ratio: value / baselineValue,
      ...(baselineValue === fastest ? { target: '>= 3 x the fastest', met: value >= 3 * fastest } : {}),
    })),
    {
      scenario: 'RFC 5424 messages encoded, same events without STRUCTURED-DATA (like for like)',
      unit: 'messages/s',
      value: noSd,
      baseline: 'syslog-client buildFormattedMessage',
      baselineValue: clientValue,
      ratio: noSd / clientValue,
    },
  ];
}

/** Sends `count` events and resolves once rsyslog has written them all; returns events per second. */
async function intoRsyslog(receiver: Receiver, count: number, send: (events: SyslogMessage[]) => Promise<void>): Promise<number> {
  const events = sampleEvents();
  const batch = Array.from({ length: count }, (_, i) => events[i % events.length]!);
  const before = await receiver.countRecords();
  const start = performance.now();
  await send(batch);
  for (;;) {
    if ((await receiver.countRecords()) >= before + count) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return (count / (performance.now() - start)) * 1000;
}

async function tcpBenchmarks(): Promise<BenchResult[]> {
  const unavailable = await ensurePeers();
  if (unavailable !== undefined) throw new Error(unavailable);
  const pkiDir = await makeWorkDir('bench-pki');
  const receiver = await startRsyslog(await createTestPki(pkiDir));
  const count = 50_000;
  try {
    const transport = createSyslogTransport(`syslog+tcp://127.0.0.1:${receiver.ports.tcp}`, { bufferSize: count });
    const client = syslogClient.createClient('127.0.0.1', { port: receiver.ports.tcp, transport: syslogClient.Transport.Tcp, rfc3164: false });
    client.on('error', () => undefined);
    const viaClient = (events: SyslogMessage[]): Promise<void> =>
      Promise.all(
        events.map(
          (m) =>
            new Promise<void>((resolve, reject) => {
              client.log(m.msg!, { facility: 16, severity: 6, msgid: m.msgId, timestamp: m.timestamp }, (err) => {
                if (err) reject(err);
                else resolve();
              });
            }),
        ),
      ).then(() => undefined);
    const ours: number[] = [];
    const theirs: number[] = [];
    await intoRsyslog(receiver, 5_000, (e) => transport.send(e)); // warm-up and connect
    await intoRsyslog(receiver, 5_000, viaClient);
    for (let run = 0; run < 3; run++) {
      ours.push(await intoRsyslog(receiver, count, (e) => transport.send(e)));
      theirs.push(await intoRsyslog(receiver, count, viaClient));
    }
    await transport.close();
    client.close();
    const value = median(ours);
    const baselineValue = median(theirs);
    return [
      {
        scenario: `events over TCP into rsyslog 8.2302, parsed and written (${count} per run)`,
        unit: 'events/s',
        value,
        baseline: 'syslog-client over TCP (LF framing, no STRUCTURED-DATA)',
        baselineValue,
        ratio: value / baselineValue,
      },
    ];
  } finally {
    await receiver.close();
    await rm(pkiDir, { recursive: true, force: true });
  }
}

/**
 * Runs the syslog benchmarks: encoding throughput against glossy, syslog-client and syslog-pro,
 * then end-to-end events per second into a real rsyslog (installed on demand, as in the tests).
 */
export async function runSyslogBenchmarks(): Promise<BenchResult[]> {
  return [...(await encodeBenchmarks()), ...(await tcpBenchmarks())];
}
