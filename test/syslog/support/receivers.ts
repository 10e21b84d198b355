/**
 * rsyslog 8.2302 and syslog-ng 3.38 as test receivers, each listening on TCP, UDP and TLS
 * (mutual TLS) on 127.0.0.1 and writing every message it parsed as one JSON line. Configs follow
 * ../shared/peers/SYSLOG-RECEIVERS.md.
 */
import { open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, makeWorkDir, PeerProcess, RSYSLOGD, SYSLOG_NG, SYSLOG_NG_ROOT, tcpListening, udpBound } from './peer-process.ts';
import { parseRfc5424 } from './rfc5424-parser.ts';
import type { TestPki } from './test-certificates.ts';

/** Which input of the receiver a message came in on. */
export type ReceiverInput = 'tcp' | 'udp' | 'tls' | 'tls-ossl';

/** One message as the receiver parsed it, in its own words. */
export interface ReceivedRecord {
  readonly input: ReceiverInput;
  /** The message as received (framing removed). */
  readonly raw: string;
  readonly fields: ReceivedFields;
}

/** The receiver's parsed fields; `undefined` where it stored nothing. */
export interface ReceivedFields {
  readonly pri: number;
  readonly timestamp: string | undefined;
  readonly hostname: string | undefined;
  readonly appName: string | undefined;
  readonly procId: string | undefined;
  readonly msgId: string | undefined;
  readonly msg: string | undefined;
  readonly structuredData: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** A running receiver. */
export interface Receiver {
  readonly kind: 'rsyslog' | 'syslog-ng';
  readonly ports: Readonly<Record<ReceiverInput, number>>;
  /** Every record written so far. */
  records(): Promise<ReceivedRecord[]>;
  /** How many records have been written so far, counted without parsing them. */
  countRecords(): Promise<number>;
  /** Polls the output until `count` records from `input` have arrived (bounded by `timeoutMs`). */
  waitForRecords(input: ReceiverInput, count: number, timeoutMs?: number): Promise<ReceivedRecord[]>;
  /** Stops the daemon (SIGTERM) and waits until it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same ports and waits until it listens. */
  start(): Promise<void>;
  /** Stops it and removes its work directory. */
  close(): Promise<void>;
}

const OUTPUT = 'out.jsonl';

abstract class BaseReceiver implements Receiver {
  abstract readonly kind: 'rsyslog' | 'syslog-ng';
  readonly ports: Readonly<Record<ReceiverInput, number>>;
  protected readonly work: string;
  protected process: PeerProcess | undefined;

  constructor(work: string, ports: Record<ReceiverInput, number>) {
    this.work = work;
    this.ports = ports;
  }

  protected abstract spawn(): PeerProcess;
  protected abstract toRecord(line: Record<string, unknown>): ReceivedRecord;
  protected abstract ready(process: PeerProcess): Promise<boolean>;

  async start(): Promise<void> {
    const process = this.spawn();
    this.process = process;
    await process.waitUntil(`${this.kind} start`, () => this.ready(process));
  }

  async stop(): Promise<void> {
    await this.process?.stop();
  }

  async close(): Promise<void> {
    await this.stop();
    await rm(this.work, { recursive: true, force: true });
  }

  #counted = { offset: 0, lines: 0 };

  async countRecords(): Promise<number> {
    let file;
    try {
      file = await open(join(this.work, OUTPUT));
    } catch {
      return 0;
    }
    try {
      const chunk = Buffer.alloc(1 << 20);
      for (;;) {
        const { bytesRead } = await file.read(chunk, 0, chunk.length, this.#counted.offset);
        if (bytesRead === 0) return this.#counted.lines;
        let at = chunk.indexOf(0x0a);
        while (at !== -1 && at < bytesRead) {
          this.#counted.lines++;
          at = chunk.indexOf(0x0a, at + 1);
        }
        this.#counted.offset += bytesRead;
      }
    } finally {
      await file.close();
    }
  }

  async records(): Promise<ReceivedRecord[]> {
    let text: string;
    try {
      text = await readFile(join(this.work, OUTPUT), 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => this.toRecord(JSON.parse(line) as Record<string, unknown>));
  }

  async waitForRecords(input: ReceiverInput, count: number, timeoutMs = 15_000): Promise<ReceivedRecord[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const records = (await this.records()).filter((r) => r.input === input);
      if (records.length >= count) return records;
      if (Date.now() > deadline) {
        throw new Error(`${this.kind}: ${records.length} of ${count} records on ${input} after ${timeoutMs} ms\n${this.process?.output ?? ''}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

class Rsyslog extends BaseReceiver {
  readonly kind = 'rsyslog';

  protected spawn(): PeerProcess {
    return new PeerProcess(RSYSLOGD, ['-n', '-f', join(this.work, 'rsyslog.conf'), '-i', join(this.work, 'rsyslog.pid')]);
  }

  protected async ready(): Promise<boolean> {
    const { tcp, udp, tls } = this.ports;
    return (await tcpListening(tcp)) && (await tcpListening(tls)) && (await tcpListening(this.ports['tls-ossl'])) && (await udpBound(udp));
  }

  protected toRecord(line: Record<string, unknown>): ReceivedRecord {
    const dash = (value: unknown): string | undefined => {
      const s = str(value);
      return s === '-' ? undefined : s;
    };
    const sd = (line['$!'] as { 'rfc5424-sd'?: Record<string, Record<string, string>> } | null)?.['rfc5424-sd'] ?? {};
    return {
      input: line.inputname as ReceiverInput,
      raw: str(line.rawmsg) ?? '',
      fields: {
        pri: Number(line.pri),
        timestamp: str(line.timereported),
        hostname: dash(line.hostname),
        appName: dash(line['app-name']),
        procId: dash(line.procid),
        msgId: dash(line.msgid),
        msg: str(line.msg) === '' ? undefined : str(line.msg),
        structuredData: sd,
      },
    };
  }
}

class SyslogNg extends BaseReceiver {
  readonly kind = 'syslog-ng';

  protected spawn(): PeerProcess {
    const lib = join(SYSLOG_NG_ROOT, 'usr/lib/syslog-ng');
    return new PeerProcess(
      SYSLOG_NG,
      [`--module-path=${join(lib, '3.38')}`, '-F', '-e', '--cfgfile', join(this.work, 'syslog-ng.conf'), '--persist-file', join(this.work, 'syslog-ng.persist'),
        '--pidfile', join(this.work, 'syslog-ng.pid'), '--control', join(this.work, 'syslog-ng.ctl'), '--no-caps'],
      { LD_LIBRARY_PATH: lib },
    );
  }

  protected ready(process: PeerProcess): Promise<boolean> {
    // syslog-ng says so on stderr once every source listens.
    return Promise.resolve(process.output.includes('syslog-ng starting up'));
  }

  protected toRecord(line: Record<string, unknown>): ReceivedRecord {
    const raw = str(line.RAWMSG) ?? '';
    // syslog-ng stores params as flat `.SDATA.<SD-ID>.<PARAM-NAME>` pairs; SD-IDs and
    // PARAM-NAMEs may both hold dots, so the SD-IDs of the raw message say where to split.
    let ids: string[];
    try {
      ids = parseRfc5424(new TextEncoder().encode(raw)).structuredData.map((e) => e.id);
    } catch {
      ids = [];
    }
    const structuredData: Record<string, Record<string, string>> = {};
    for (const [key, value] of Object.entries(line)) {
      if (!key.startsWith('.SDATA.')) continue;
      const rest = key.slice('.SDATA.'.length);
      if (ids.includes(rest)) {
        // An SD-ELEMENT without params is stored as the bare `.SDATA.<SD-ID>`.
        structuredData[rest] ??= {};
        continue;
      }
      const id = ids.filter((i) => rest.startsWith(`${i}.`)).sort((a, b) => b.length - a.length)[0] ?? `?${rest}`;
      (structuredData[id] ??= {})[rest.slice(id.length + 1)] = String(value);
    }
    const source = str(line.SOURCE) ?? '';
    return {
      input: source.slice(2).replace('_', '-') as ReceiverInput,
      raw,
      fields: {
        pri: Number(line.PRI),
        timestamp: str(line.ISODATE),
        hostname: str(line.HOST),
        appName: str(line.PROGRAM),
        procId: str(line.PID),
        msgId: str(line.MSGID),
        msg: str(line.MESSAGE),
        structuredData,
      },
    };
  }
}

async function allocatePorts(): Promise<Record<ReceiverInput, number>> {
  const ports = new Set<number>();
  while (ports.size < 4) ports.add(await freePort());
  const [tcp = 0, udp = 0, tls = 0, tlsOssl = 0] = [...ports];
  return { tcp, udp, tls, 'tls-ossl': tlsOssl };
}

/**
 * Starts rsyslog with plain TCP, UDP, TLS with the GnuTLS driver and TLS with the OpenSSL
 * driver, both TLS inputs requiring a client certificate signed by the test CA.
 * `parser.escapeControlCharactersOnReceive="off"` keeps LF and TAB as sent (by default rsyslog
 * shows them as `#012` and `#011`).
 */
export async function startRsyslog(pki: TestPki): Promise<Receiver> {
  const work = await makeWorkDir('rsyslog');
  const ports = await allocatePorts();
  const tls = (name: string, driver: string, port: number): string =>
    `input(type="imtcp" address="127.0.0.1" port="${port}" ruleset="r5424" name="${name}" streamDriver.name="${driver}" streamDriver.mode="1" ` +
    `streamDriver.authMode="x509/certvalid" streamDriver.caFile="${pki.caFile}" streamDriver.certFile="${pki.server.certFile}" streamDriver.keyFile="${pki.server.keyFile}")`;
  const config = `
global(workDirectory="${work}" maxMessageSize="64k" parser.escapeControlCharactersOnReceive="off"
  defaultNetstreamDriverCAFile="${pki.caFile}" defaultNetstreamDriverCertFile="${pki.server.certFile}" defaultNetstreamDriverKeyFile="${pki.server.keyFile}")
module(load="imtcp")
module(load="imudp")
module(load="mmpstrucdata")
template(name="jm" type="string" string="%jsonmesg%\\n")
ruleset(name="r5424" parser=["rsyslog.rfc5424"]) {
  action(type="mmpstrucdata" sd_name.lowercase="off")
  action(type="omfile" file="${join(work, OUTPUT)}" template="jm")
}
input(type="imtcp" address="127.0.0.1" port="${ports.tcp}" ruleset="r5424" name="tcp")
input(type="imudp" address="127.0.0.1" port="${ports.udp}" ruleset="r5424" name="udp")
${tls('tls', 'gtls', ports.tls)}
${tls('tls-ossl', 'ossl', ports['tls-ossl'])}
`;
  await writeFile(join(work, 'rsyslog.conf'), config);
  const receiver = new Rsyslog(work, ports);
  await receiver.start();
  return receiver;
}

/** Starts syslog-ng with `syslog()` sources on TCP, UDP and TLS (mutual TLS, required-trusted). */
export async function startSyslogNg(pki: TestPki): Promise<Receiver> {
  const work = await makeWorkDir('syslog-ng');
  const ports = await allocatePorts();
  const config = `@version: 3.38
options { keep-hostname(yes); chain-hostnames(no); use-dns(no); dns-cache(no); stats-freq(0); log-msg-size(65536); frac-digits(6); };
source s_tcp { syslog(ip("127.0.0.1") port(${ports.tcp}) transport("tcp") flags(store-raw-message)); };
source s_udp { syslog(ip("127.0.0.1") port(${ports.udp}) transport("udp") flags(store-raw-message)); };
source s_tls { syslog(ip("127.0.0.1") port(${ports.tls}) transport("tls") flags(store-raw-message)
  tls(key-file("${pki.server.keyFile}") cert-file("${pki.server.certFile}") ca-file("${pki.caFile}") peer-verify(required-trusted))); };
source s_tls_ossl { syslog(ip("127.0.0.1") port(${ports['tls-ossl']}) transport("tls") flags(store-raw-message)
  tls(key-file("${pki.server.keyFile}") cert-file("${pki.server.certFile}") ca-file("${pki.caFile}") peer-verify(required-trusted))); };
destination d_json { file("${join(work, OUTPUT)}"
  template("$(format-json --scope rfc5424 --scope sdata --key ISODATE --key RAWMSG --key SOURCE --pair PRI=$PRI --key-delimiter =)\\n")); };
log { source(s_tcp); source(s_udp); source(s_tls); source(s_tls_ossl); destination(d_json); };
`;
  await writeFile(join(work, 'syslog-ng.conf'), config);
  const receiver = new SyslogNg(work, ports);
  await receiver.start();
  return receiver;
}
