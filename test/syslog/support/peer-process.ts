/**
 * Running real syslog receivers as test peers: installing them on demand, picking free ports,
 * starting them unprivileged in the foreground, and waiting on their output and sockets.
 * See ../shared/peers/SYSLOG-RECEIVERS.md for the facts this follows.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Where scripts/install-peers.sh unpacks syslog-ng-core (git-ignored through `.tmp/`). */
export const SYSLOG_NG_ROOT = join(REPO_ROOT, '.tmp/peers/syslog-ng');
/** The rsyslog daemon. */
export const RSYSLOGD = '/usr/sbin/rsyslogd';
/** The unpacked syslog-ng daemon. */
export const SYSLOG_NG = join(SYSLOG_NG_ROOT, 'usr/sbin/syslog-ng');
const RSYSLOG_TLS_DRIVERS = ['/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so', '/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_ossl.so'];
const NOBODY = 65534;
const POLL_MS = 20;

/** Whether peer tests that cannot run must fail rather than skip. */
export const PEERS_REQUIRED = process.env.CI === 'true';

function peersPresent(): boolean {
  return existsSync(RSYSLOGD) && existsSync(SYSLOG_NG) && RSYSLOG_TLS_DRIVERS.some((driver) => existsSync(driver));
}

let installing: Promise<string | undefined> | undefined;

/**
 * Makes sure rsyslog and syslog-ng are installed, running `scripts/install-peers.sh` if not
 * (under `flock`, as several test files may ask at once). Resolves to why they are unavailable,
 * or `undefined` when they are ready.
 */
export function ensurePeers(): Promise<string | undefined> {
  installing ??= (async () => {
    if (peersPresent()) return undefined;
    try {
      await run('flock', ['/tmp/kube-events-install-peers.lock', 'bash', join(REPO_ROOT, 'scripts/install-peers.sh')], { timeout: 600_000 });
    } catch (err) {
      return `scripts/install-peers.sh failed: ${(err as Error).message}`;
    }
    return peersPresent() ? undefined : 'rsyslog or syslog-ng is still missing after scripts/install-peers.sh';
  })();
  return installing;
}

/** A work directory under the system temp folder, owned by nobody. */
export async function makeWorkDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `kube-events-${prefix}-`));
  if (process.getuid?.() === 0) await chown(dir, NOBODY, NOBODY);
  return dir;
}

/** A port above 10000 that is free for both TCP and UDP on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  for (;;) {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const udp = createSocket('udp4');
    const udpFree = await new Promise<boolean>((resolve) => {
      udp.once('error', () => {
        resolve(false);
      });
      udp.bind(port, '127.0.0.1', () => {
        resolve(true);
      });
    });
    await new Promise<void>((resolve) => {
      udp.close(() => {
        resolve();
      });
    }).catch(() => undefined);
    await new Promise<void>((resolve) => server.close(() => {
      resolve();
    }));
    if (udpFree && port > 10_000) return port;
  }
}

/** A daemon started in the foreground, with its output kept for readiness checks and errors. */
export class PeerProcess {
  readonly child: ChildProcess;
  output = '';
  exited: { code: number | null; signal: string | null } | undefined;
  readonly #exit: Promise<void>;

  constructor(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) {
    // Unprivileged, as the peers doc says: rsyslog and syslog-ng never run as root here.
    const asNobody = process.getuid?.() === 0;
    const [file, argv] = asNobody ? ['setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', command, ...args]] : [command, [...args]];
    this.child = spawn(file, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer): void => {
      this.output += chunk.toString('utf8');
    };
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.#exit = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exited = { code, signal };
        resolve();
      });
      this.child.once('error', (err) => {
        this.output += `\n${err.message}`;
        this.exited = { code: null, signal: null };
        resolve();
      });
    });
  }

  /** Waits until `ready()` holds, failing if the process exits or `timeoutMs` passes first. */
  async waitUntil(what: string, ready: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await ready()) return;
      if (this.exited !== undefined) throw new Error(`${what}: the process exited (${JSON.stringify(this.exited)}):\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs} ms:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`; resolves once it has exited. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.exited !== undefined) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.#exit;
    clearTimeout(timer);
  }
}

function procNetHasPort(table: string, port: number, tcpListen: boolean): boolean {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return table.split('\n').some((line) => {
    const cols = line.trim().split(/\s+/);
    return cols[1] === local && (!tcpListen || cols[3] === '0A');
  });
}

/** Whether something listens on 127.0.0.1:`port` over TCP, read from /proc/net/tcp. */
export async function tcpListening(port: number): Promise<boolean> {
  return procNetHasPort(await readFile('/proc/net/tcp', 'utf8'), port, true);
}

/** Whether a UDP socket is bound to 127.0.0.1:`port`, read from /proc/net/udp. */
export async function udpBound(port: number): Promise<boolean> {
  return procNetHasPort(await readFile('/proc/net/udp', 'utf8'), port, false);
}

/** Whether nothing listens on 127.0.0.1:`port` over TCP any more. */
export async function tcpClosed(port: number): Promise<boolean> {
  return !(await tcpListening(port));
}
