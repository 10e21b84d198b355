/**
 * The errors the syslog transports reject with or emit.
 *
 * @module
 */
import { KubeEventsError } from '../errors.ts';

/** Why a message was dropped instead of written. */
export type SyslogDropReason = 'buffer-full' | 'closed' | 'send-failed';

/**
 * Some messages of one `send()` call were dropped instead of written: the bounded buffer was
 * full (`'buffer-full'`), the transport was closed before they could be written (`'closed'`), or
 * the datagram could not be sent (`'send-failed'`, UDP only). The other messages of the call
 * were written. Not retryable by the transport; the caller may send them again.
 *
 * @example
 * ```ts
 * import { SyslogDroppedError } from 'kube-events/syslog';
 *
 * try {
 *   await transport.send(messages);
 * } catch (err) {
 *   if (err instanceof SyslogDroppedError) console.warn(`${err.dropped} of ${err.total} dropped: ${err.reason}`);
 * }
 * ```
 */
export class SyslogDroppedError extends KubeEventsError {
  /** Always `ERR_SYSLOG_DROPPED`. */
  readonly code = 'ERR_SYSLOG_DROPPED';
  /** How many messages of the call were dropped. */
  readonly dropped: number;
  /** How many messages the call had. */
  readonly total: number;
  /** Why the first of them was dropped. */
  readonly reason: SyslogDropReason;

  /**
   * @param dropped - Messages dropped.
   * @param total - Messages in the call.
   * @param reason - Why.
   * @param options - `cause`, for `'send-failed'`.
   */
  constructor(dropped: number, total: number, reason: SyslogDropReason, options?: ErrorOptions) {
    super(`${dropped} of ${total} syslog messages were dropped (${reason})`, options);
    this.dropped = dropped;
    this.total = total;
    this.reason = reason;
  }
}

/**
 * `send()` was called after `close()`. Nothing of the call was written.
 *
 * @example
 * ```ts
 * import { SyslogTransportClosedError } from 'kube-events/syslog';
 *
 * await transport.close();
 * await transport.send(message).catch((err: unknown) => {
 *   if (err instanceof SyslogTransportClosedError) console.error(err.code); // 'ERR_SYSLOG_CLOSED'
 * });
 * ```
 */
export class SyslogTransportClosedError extends KubeEventsError {
  /** Always `ERR_SYSLOG_CLOSED`. */
  readonly code = 'ERR_SYSLOG_CLOSED';

  /** @param url - The transport's URL. */
  constructor(url: string) {
    super(`The syslog transport to ${url} is closed`);
  }
}

/**
 * Connecting to the receiver failed, or an established connection broke; emitted as `error`
 * (connecting) or with `disconnect`. The transport retries with backoff by itself, keeping
 * messages in its buffer meanwhile; `cause` holds the socket or TLS error.
 *
 * @example
 * ```ts
 * import { createSyslogTransport } from 'kube-events/syslog';
 *
 * const transport = createSyslogTransport('syslog-tls://logs.example.com:6514', { tls: { ca } });
 * transport.on('error', (err) => console.warn(err.code, err.message)); // 'ERR_SYSLOG_CONNECTION'
 * ```
 */
export class SyslogConnectionError extends KubeEventsError {
  /** Always `ERR_SYSLOG_CONNECTION`. */
  readonly code = 'ERR_SYSLOG_CONNECTION';
}
