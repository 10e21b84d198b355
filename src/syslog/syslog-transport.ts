/**
 * `createSyslogTransport`: RFC 6587 TCP, RFC 5425 TLS and RFC 5426 UDP senders.
 *
 * @module
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { EventEmitter } from 'eventemitter3';
import { InvalidOptionError } from '../errors.ts';
import { DEFAULT_BACKOFF } from './backoff.ts';
import type { SyslogBackoffOptions } from './backoff.ts';
import { createSyslogEncoder } from './syslog-encoder.ts';
import type { SyslogEncoderOptions } from './syslog-encoder.ts';
import type { SyslogConnectionError, SyslogDropReason } from './syslog-errors.ts';
import type { SyslogMessage } from './syslog-message.ts';
import { StreamTransport } from './stream-transport.ts';
import { UdpTransport } from './udp-transport.ts';
import type { TransportSettings } from './transport-base.ts';

/** The wire protocol of a transport, from its URL scheme. */
export type SyslogProtocol = 'tcp' | 'tls' | 'udp';

/**
 * TLS settings of a `syslog-tls://` transport (RFC 5425).
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import type { SyslogTlsOptions } from 'kube-events/syslog';
 *
 * const mtls: SyslogTlsOptions = {
 *   ca: readFileSync('ca.crt'),
 *   cert: readFileSync('client.crt'),
 *   key: readFileSync('client.key'),
 * };
 * ```
 */
export interface SyslogTlsOptions {
  /**
   * The CA certificates (PEM) the receiver's certificate must chain to.
   * @defaultValue Node's bundled Mozilla roots
   */
  readonly ca?: string | Uint8Array | readonly (string | Uint8Array)[];
  /** The client certificate (PEM) for mutual TLS. */
  readonly cert?: string | Uint8Array;
  /** The client certificate's private key (PEM). */
  readonly key?: string | Uint8Array;
  /** The passphrase of `key`, if it is encrypted. */
  readonly passphrase?: string;
  /**
   * The name the receiver's certificate must hold, also sent as SNI.
   * @defaultValue the URL's host (an IP address is matched against the certificate's IP SANs)
   */
  readonly servername?: string;
  /**
   * Verify the receiver's certificate and name. Turning this off gives up the server
   * authentication RFC 5425 §5.1 requires; only for tests.
   * @defaultValue `true`
   */
  readonly rejectUnauthorized?: boolean;
  /**
   * The oldest TLS version to accept; RFC 5425 as updated by RFC 9662 forbids anything older than 1.2.
   * @defaultValue `'TLSv1.2'`
   */
  readonly minVersion?: 'TLSv1.2' | 'TLSv1.3';
  /**
   * Milliseconds to hold writes after the handshake, so that a receiver that rejects our client
   * certificate *after* the handshake (rsyslog with GnuTLS; any server with TLS 1.3, where the
   * client finishes first) does so before any message is written and counted as sent. A TLS 1.3
   * session ticket ends the wait early. `0` writes at once.
   * @defaultValue `250`
   */
  readonly settleTime?: number;
}

/**
 * Options of {@link createSyslogTransport}. The encoder options apply to every message sent.
 *
 * @example
 * ```ts
 * import type { SyslogTransportOptions } from 'kube-events/syslog';
 *
 * const options: SyslogTransportOptions = {
 *   bufferSize: 50_000,
 *   backoff: { initialDelay: 200 },
 *   closeTimeout: 2_000,
 * };
 * ```
 */
export interface SyslogTransportOptions extends Omit<SyslogEncoderOptions, 'framing' | 'maxMessageSize'> {
  /**
   * Framing for TCP and TLS (UDP sends one message per datagram).
   * @defaultValue `'octet-counting'`
   */
  readonly framing?: 'octet-counting' | 'non-transparent';
  /**
   * The largest message in bytes; longer ones lose the end of their MSG (see
   * {@link SyslogEncoderOptions.maxMessageSize}). 2048 is what RFC 5424 §6.1 says every receiver
   * should accept over UDP; 8192 is RFC 5425 §4.3.1's figure for TLS (and rsyslog's default
   * `maxMessageSize`).
   * @defaultValue `2048` for UDP, `8192` for TCP and TLS
   */
  readonly maxMessageSize?: number;
  /** TLS settings, for `syslog-tls://`. */
  readonly tls?: SyslogTlsOptions;
  /**
   * Milliseconds a connection attempt (TCP connect and TLS handshake) may take.
   * @defaultValue `10_000`
   */
  readonly connectTimeout?: number;
  /** Reconnect backoff; the defaults are client-go's, see {@link SyslogBackoffOptions}. */
  readonly backoff?: SyslogBackoffOptions;
  /**
   * The most messages held (waiting or being written); a message sent when it is full is
   * dropped, counted, and its `send()` rejects with {@link SyslogDroppedError}.
   * @defaultValue `10_000`
   */
  readonly bufferSize?: number;
  /**
   * The most bytes held, under the same drop rule.
   * @defaultValue `16 MiB`
   */
  readonly maxBufferedBytes?: number;
  /**
   * Milliseconds `close()` waits for held messages to be written, and then again for the
   * connection to close cleanly, before giving up on either.
   * @defaultValue `5_000`
   */
  readonly closeTimeout?: number;
  /**
   * Random numbers in [0, 1) for the backoff jitter.
   * @defaultValue `Math.random`
   */
  readonly random?: () => number;
  /**
   * Waits `ms` milliseconds, rejecting early when `signal` aborts; the transport's only timer
   * besides the socket timeout.
   * @defaultValue `setTimeout` from `node:timers/promises`
   */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * What a transport emits. `error` and `disconnect` are informational: the transport keeps
 * retrying by itself until it is closed.
 *
 * @example
 * ```ts
 * transport.on('drop', ({ count, reason }) => metrics.dropped.inc({ reason }, count));
 * transport.on('disconnect', (err) => console.warn(err.message));
 * ```
 */
export interface SyslogTransportEvents {
  /** A connection is up (TCP, TLS) or the socket is ready (UDP). */
  connect: () => void;
  /** An established connection broke; held messages wait for the next one. */
  disconnect: (error: SyslogConnectionError) => void;
  /** A connection attempt failed (or a UDP send reported an error). */
  error: (error: SyslogConnectionError) => void;
  /** The next attempt starts after `delay` milliseconds; `attempt` counts from 1. */
  reconnecting: (info: { readonly attempt: number; readonly delay: number }) => void;
  /** Messages were dropped. */
  drop: (info: { readonly count: number; readonly reason: SyslogDropReason }) => void;
  /** `close()` finished. */
  close: () => void;
}

/**
 * Counters of a transport, since it was created.
 *
 * @example
 * ```ts
 * const { written, dropped, buffered } = transport.stats();
 * ```
 */
export interface SyslogTransportStats {
  /** Whether a connection is up (UDP: the socket is ready). */
  readonly connected: boolean;
  /** Messages written to the socket. */
  readonly written: number;
  /** Messages dropped, for any reason. */
  readonly dropped: number;
  /** Messages held: waiting, or handed to the socket and not yet confirmed written. */
  readonly buffered: number;
  /** Of those, the ones handed to the socket (at most one 64 KiB chunk beyond its high-water mark, or 64 UDP datagrams). */
  readonly inFlight: number;
  /** Bytes held. */
  readonly bufferedBytes: number;
  /** Connections made (UDP: 1 once ready). */
  readonly connects: number;
}

/**
 * A syslog sender; make one with {@link createSyslogTransport}.
 *
 * `send()` resolves once every message of the call has been written to the socket, that is,
 * handed to the operating system. That is **not** proof of delivery: syslog over TCP and TLS
 * has no acknowledgements, so bytes the kernel accepted can still be lost if the receiver
 * stops before reading them. The window is exactly the messages whose `send()` resolved before
 * the transport noticed the connection was gone (the receiver's FIN or RST), at most what the
 * local socket send buffer and the receiver's receive buffer hold. Messages still waiting, or
 * written but not yet confirmed by the socket when the break is noticed, are kept and written
 * again on the next connection (so such a message can arrive twice). UDP gives no delivery
 * signal at all.
 *
 * @example
 * ```ts
 * import { createSyslogTransport } from 'kube-events/syslog';
 *
 * const transport = createSyslogTransport('syslog+tcp://127.0.0.1:514');
 * await transport.send({ severity: 'info', appName: 'demo', msg: 'hello' });
 * await transport.close();
 * ```
 */
export interface SyslogTransport extends EventEmitter<SyslogTransportEvents> {
  /** The URL it sends to. */
  readonly url: string;
  /** `'tcp'`, `'tls'` or `'udp'`. */
  readonly protocol: SyslogProtocol;
  /**
   * Encodes and sends messages, in order. Resolves when all are written; rejects with
   * {@link SyslogDroppedError} if any was dropped (the others are still written), or with
   * {@link SyslogTransportClosedError} after `close()`.
   */
  send(messages: SyslogMessage | readonly SyslogMessage[]): Promise<void>;
  /**
   * Stops taking messages, waits up to `closeTimeout` for held ones to be written, closes the
   * connection cleanly (TLS `close_notify`, then FIN) and drops, counted, what is left.
   */
  close(): Promise<void>;
  /** Current counters. */
  stats(): SyslogTransportStats;
}

const SCHEMES: Readonly<Record<string, SyslogProtocol>> = {
  'syslog:': 'tcp',
  'syslog+tcp:': 'tcp',
  'syslog-tls:': 'tls',
  'syslog+tls:': 'tls',
  'syslog+udp:': 'udp',
};
/** IANA's syslog ports: 514 for TCP and UDP (RFC 5426 §3.3, customary for TCP), 6514 for TLS (RFC 5425 §4.1). */
const DEFAULT_PORTS: Readonly<Record<SyslogProtocol, number>> = { tcp: 514, tls: 6514, udp: 514 };
const URL_EXPECTED = 'a syslog URL: syslog+tcp://, syslog-tls:// or syslog+udp:// (syslog:// means TCP), a host and an optional port';

function positive(option: string, value: number, allowZero = false): number {
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new InvalidOptionError(option, allowZero ? 'a finite number >= 0' : 'a finite number > 0', value);
  }
  return value;
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal });
}

/**
 * Creates a transport for `url`: `syslog+tcp://host[:514]` (RFC 6587, octet counting),
 * `syslog-tls://host[:6514]` (RFC 5425; the server certificate is verified against `tls.ca`
 * and the host name, a client certificate makes it mutual TLS) or `syslog+udp://host[:514]`
 * (RFC 5426, one message per datagram of at most `maxMessageSize` bytes). It connects at once
 * and reconnects with backoff whenever the connection breaks, holding messages in a bounded
 * buffer meanwhile. See {@link SyslogTransport} for what `send()` guarantees.
 *
 * @param url - Where to send; `syslog://` is taken as TCP, `syslog+tls://` as TLS.
 * @param options - See {@link SyslogTransportOptions}.
 * @returns The transport, already connecting.
 * @throws `InvalidOptionError` (from `kube-events`) for an invalid URL or option.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { createSyslogTransport } from 'kube-events/syslog';
 *
 * // The equivalent of `pks create-sink my-cluster syslog-tls://logs.example.com:6514`:
 * const transport = createSyslogTransport('syslog-tls://logs.example.com:6514', {
 *   tls: { ca: readFileSync('ca.crt'), cert: readFileSync('client.crt'), key: readFileSync('client.key') },
 * });
 * transport.on('drop', ({ count, reason }) => console.warn(`dropped ${count}: ${reason}`));
 * await transport.send({ severity: 'warning', hostname: 'node-1', appName: 'kubelet', msg: 'Back-off' });
 * await transport.close();
 * ```
 */
export function createSyslogTransport(url: string | URL, options: SyslogTransportOptions = {}): SyslogTransport {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidOptionError('url', URL_EXPECTED, String(url));
  }
  const protocol = SCHEMES[parsed.protocol];
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (protocol === undefined || host === '' || (parsed.pathname !== '' && parsed.pathname !== '/') || parsed.search !== '' || parsed.username !== '') {
    throw new InvalidOptionError('url', URL_EXPECTED, String(url));
  }
  const port = parsed.port === '' ? DEFAULT_PORTS[protocol] : Number(parsed.port);
  const framing = options.framing ?? 'octet-counting';
  if (protocol === 'udp' && options.framing !== undefined) {
    throw new InvalidOptionError('framing', 'absent for UDP (one message per datagram)', options.framing);
  }
  if (options.tls !== undefined && protocol !== 'tls') {
    throw new InvalidOptionError('tls', 'absent unless the URL is syslog-tls://', options.tls);
  }
  const { initialDelay, maxDelay, factor, jitter, resetAfter } = { ...DEFAULT_BACKOFF, ...options.backoff };
  const bufferSize = options.bufferSize ?? 10_000;
  if (!Number.isSafeInteger(bufferSize) || bufferSize < 1) throw new InvalidOptionError('bufferSize', 'an integer >= 1', bufferSize);
  const settings: TransportSettings = {
    url: `${parsed.protocol}//${parsed.host}`,
    protocol,
    host,
    port,
    encoder: createSyslogEncoder({
      ...options,
      framing: protocol === 'udp' ? 'none' : framing,
      maxMessageSize: options.maxMessageSize ?? (protocol === 'udp' ? 2048 : 8192),
    }),
    tls: protocol === 'tls' ? { ...options.tls, settleTime: positive('tls.settleTime', options.tls?.settleTime ?? 250, true) } : undefined,
    connectTimeout: positive('connectTimeout', options.connectTimeout ?? 10_000),
    backoff: {
      initialDelay: positive('backoff.initialDelay', initialDelay),
      maxDelay: positive('backoff.maxDelay', maxDelay),
      factor: positive('backoff.factor', factor),
      jitter: positive('backoff.jitter', jitter, true),
      resetAfter: positive('backoff.resetAfter', resetAfter, true),
    },
    bufferSize,
    maxBufferedBytes: positive('maxBufferedBytes', options.maxBufferedBytes ?? 16 * 1024 * 1024),
    closeTimeout: positive('closeTimeout', options.closeTimeout ?? 5_000, true),
    clock: options.clock ?? Date.now,
    random: options.random ?? Math.random,
    sleep: options.sleep ?? defaultSleep,
  };
  return protocol === 'udp' ? new UdpTransport(settings) : new StreamTransport(settings);
}
