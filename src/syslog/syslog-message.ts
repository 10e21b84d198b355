/**
 * The fields of one RFC 5424 syslog message, before encoding.
 *
 * @module
 */

/**
 * Facility codes of RFC 5424 §6.2.1, by their conventional names (the ones rsyslog and
 * syslog-ng print).
 *
 * @example
 * ```ts
 * import { SYSLOG_FACILITIES } from 'kube-events/syslog';
 *
 * SYSLOG_FACILITIES.local0; // 16
 * ```
 */
export const SYSLOG_FACILITIES = {
  /** Kernel messages. */
  kern: 0,
  /** User-level messages. */
  user: 1,
  /** Mail system. */
  mail: 2,
  /** System daemons. */
  daemon: 3,
  /** Security/authorization messages. */
  auth: 4,
  /** Messages generated internally by syslogd. */
  syslog: 5,
  /** Line printer subsystem. */
  lpr: 6,
  /** Network news subsystem. */
  news: 7,
  /** UUCP subsystem. */
  uucp: 8,
  /** Clock daemon (cron). */
  cron: 9,
  /** Security/authorization messages (private). */
  authpriv: 10,
  /** FTP daemon. */
  ftp: 11,
  /** NTP subsystem. */
  ntp: 12,
  /** Log audit. */
  audit: 13,
  /** Log alert. */
  alert: 14,
  /** Clock daemon (note 2 of RFC 5424). */
  clock: 15,
  /** Local use 0. */
  local0: 16,
  /** Local use 1. */
  local1: 17,
  /** Local use 2. */
  local2: 18,
  /** Local use 3. */
  local3: 19,
  /** Local use 4. */
  local4: 20,
  /** Local use 5. */
  local5: 21,
  /** Local use 6. */
  local6: 22,
  /** Local use 7. */
  local7: 23,
} as const;

/**
 * Severity codes of RFC 5424 §6.2.1, by their conventional names.
 *
 * @example
 * ```ts
 * import { SYSLOG_SEVERITIES } from 'kube-events/syslog';
 *
 * SYSLOG_SEVERITIES.warning; // 4
 * ```
 */
export const SYSLOG_SEVERITIES = {
  /** Emergency: system is unusable. */
  emerg: 0,
  /** Alert: action must be taken immediately. */
  alert: 1,
  /** Critical conditions. */
  crit: 2,
  /** Error conditions. */
  err: 3,
  /** Warning conditions. */
  warning: 4,
  /** Normal but significant condition. */
  notice: 5,
  /** Informational messages. */
  info: 6,
  /** Debug-level messages. */
  debug: 7,
} as const;

/**
 * A facility: its name (`'local0'`) or its code (0–23).
 *
 * @example
 * ```ts
 * import type { SyslogFacility } from 'kube-events/syslog';
 *
 * const facility: SyslogFacility = 'daemon'; // or 3
 * ```
 */
export type SyslogFacility = keyof typeof SYSLOG_FACILITIES | (typeof SYSLOG_FACILITIES)[keyof typeof SYSLOG_FACILITIES];

/**
 * A severity: its name (`'warning'`) or its code (0–7).
 *
 * @example
 * ```ts
 * import type { SyslogSeverity } from 'kube-events/syslog';
 *
 * const severity: SyslogSeverity = 'info'; // or 6
 * ```
 */
export type SyslogSeverity = keyof typeof SYSLOG_SEVERITIES | (typeof SYSLOG_SEVERITIES)[keyof typeof SYSLOG_SEVERITIES];

/**
 * A PARAM-VALUE before encoding; numbers and booleans are written with `String(value)`.
 *
 * @example
 * ```ts
 * import type { SyslogParamValue } from 'kube-events/syslog';
 *
 * const count: SyslogParamValue = 3;
 * ```
 */
export type SyslogParamValue = string | number | boolean;

/**
 * STRUCTURED-DATA: SD-ID → PARAM-NAME → PARAM-VALUE, written in insertion order.
 *
 * @example
 * ```ts
 * import type { SyslogStructuredData } from 'kube-events/syslog';
 *
 * const sd: SyslogStructuredData = { 'kubernetes@47450': { namespace_name: 'default' } };
 * ```
 */
export type SyslogStructuredData = Readonly<Record<string, Readonly<Record<string, SyslogParamValue>>>>;

/**
 * One syslog message. Every field is *data*: whatever it holds, the encoder writes a message
 * that rsyslog and syslog-ng parse, by the rules documented on {@link encodeSyslog}.
 *
 * @example
 * ```ts
 * import type { SyslogMessage } from 'kube-events/syslog';
 *
 * const message: SyslogMessage = {
 *   facility: 'user',
 *   severity: 'warning',
 *   timestamp: '2024-05-01T12:00:00.123456Z',
 *   hostname: 'node-1',
 *   appName: 'k8s.event/default/web-0/',
 *   structuredData: { 'kubernetes@47450': { namespace_name: 'default', object_name: 'web-0' } },
 *   msg: 'Back-off restarting failed container',
 * };
 * ```
 */
export interface SyslogMessage {
  /**
   * FACILITY; an unknown code is written as `user`.
   * @defaultValue `'user'`
   */
  readonly facility?: SyslogFacility;
  /** SEVERITY; an unknown code is written as `notice`. */
  readonly severity: SyslogSeverity;
  /**
   * TIMESTAMP: a `Date`, epoch milliseconds, or an RFC 3339 string (its fraction is kept to the
   * microsecond, e.g. a Kubernetes `MicroTime`). `null` writes the NILVALUE `-`; a value that is
   * not a valid time between years 0000 and 9999 also writes `-`.
   * @defaultValue the encoder's clock, now
   */
  readonly timestamp?: Date | number | string | null;
  /** HOSTNAME (≤ 255 printable US-ASCII characters); absent or empty writes `-`. */
  readonly hostname?: string;
  /** APP-NAME (≤ 48 printable US-ASCII characters); absent or empty writes `-`. */
  readonly appName?: string;
  /** PROCID (≤ 128 printable US-ASCII characters); absent or empty writes `-`. */
  readonly procId?: string;
  /** MSGID (≤ 32 printable US-ASCII characters); absent or empty writes `-`. */
  readonly msgId?: string;
  /** STRUCTURED-DATA; absent or empty writes `-`. */
  readonly structuredData?: SyslogStructuredData;
  /** MSG, written as UTF-8 (after a BOM unless the encoder's `bom` is `false`); absent or empty writes no MSG. */
  readonly msg?: string;
}
