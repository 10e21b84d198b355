/**
 * `kube-events/syslog`: an RFC 5424 encoder whose every message rsyslog and syslog-ng parse
 * field for field, and TCP (RFC 6587), TLS (RFC 5425) and UDP (RFC 5426) transports with
 * reconnect, backoff and a bounded buffer.
 *
 * @example
 * ```ts
 * import { createSyslogTransport } from 'kube-events/syslog';
 *
 * const transport = createSyslogTransport('syslog+tcp://127.0.0.1:514');
 * await transport.send({ severity: 'info', appName: 'demo', msg: 'hello' });
 * await transport.close();
 * ```
 *
 * @packageDocumentation
 */
export { SYSLOG_FACILITIES, SYSLOG_SEVERITIES } from './syslog-message.ts';
export type { SyslogFacility, SyslogMessage, SyslogParamValue, SyslogSeverity, SyslogStructuredData } from './syslog-message.ts';
export { createSyslogEncoder, encodeSyslog } from './syslog-encoder.ts';
export type { SyslogEncoder, SyslogEncoderOptions, SyslogFraming, SyslogNewlines } from './syslog-encoder.ts';
export { createSyslogTransport } from './syslog-transport.ts';
export type {
  SyslogProtocol,
  SyslogTlsOptions,
  SyslogTransport,
  SyslogTransportEvents,
  SyslogTransportOptions,
  SyslogTransportStats,
} from './syslog-transport.ts';
export type { SyslogBackoffOptions } from './backoff.ts';
export { SyslogConnectionError, SyslogDroppedError, SyslogTransportClosedError } from './syslog-errors.ts';
export type { SyslogDropReason } from './syslog-errors.ts';
export { createEventToSyslog, eventToSyslog } from './event-to-syslog.ts';
export type { EventSyslogPreset, EventToSyslogOptions } from './event-to-syslog.ts';
