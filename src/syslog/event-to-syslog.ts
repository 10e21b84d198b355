/**
 * `eventToSyslog`: a {@link KubeEvent} as an RFC 5424 message, in the PKS sink format or a richer
 * default.
 *
 * @module
 */
import { InvalidOptionError } from '../errors.ts';
import type { KubeEvent } from '../stream/kube-event.ts';
import { fnv1a24, isSdName } from './field-rules.ts';
import { SYSLOG_FACILITIES, SYSLOG_SEVERITIES } from './syslog-message.ts';
import type { SyslogFacility, SyslogMessage, SyslogParamValue, SyslogSeverity } from './syslog-message.ts';

/**
 * The message layout.
 *
 * - `'pks'`: exactly what VMware PKS / TKGI sinks write for a Kubernetes event (`pks create-sink
 *   … syslog-tls://…`): HOSTNAME the node (or the cluster name), APP-NAME
 *   `k8s.event/<namespace>/<object>/` cut to 48 characters, PROCID and MSGID `-`, one SD-ELEMENT
 *   `kubernetes@47450` with `namespace_name`, `object_name` and the object's labels, MSG the
 *   event's message.
 * - `'default'`: the same, plus MSGID = the reason and, in the SD-ELEMENT, `kind`, `reason`,
 *   `type`, `count`, `uid` and `resource_version`, so a receiver can filter and de-duplicate.
 *
 * @example
 * ```ts
 * import { eventToSyslog } from 'kube-events/syslog';
 *
 * const message = eventToSyslog(event, { preset: 'pks', clusterName: 'my-cluster' });
 * ```
 */
export type EventSyslogPreset = 'default' | 'pks';

/**
 * Options of {@link eventToSyslog} and {@link createEventToSyslog}; checked when the mapper is
 * built, so a bad SD-ID or severity is a typed error up front, never mid-stream.
 *
 * @example
 * ```ts
 * import type { EventToSyslogOptions } from 'kube-events/syslog';
 *
 * const options: EventToSyslogOptions = {
 *   preset: 'default',
 *   clusterName: 'prod-eu-1',
 *   facility: 'local4',
 *   severityByReason: { BackOff: 'err', OOMKilling: 'crit' },
 * };
 * ```
 */
export interface EventToSyslogOptions {
  /**
   * The layout; see {@link EventSyslogPreset}.
   * @defaultValue `'default'`
   */
  readonly preset?: EventSyslogPreset;
  /**
   * The SD-ID of the element: an IANA-registered one or `name@PEN` (RFC 5424 §6.3.2, §7.2).
   * @defaultValue `'kubernetes@47450'` (the ID PKS sinks use; 47450 is VMware's enterprise number)
   */
  readonly sdId?: string;
  /**
   * FACILITY of every message.
   * @defaultValue `'user'` (PKS sink messages are `<14>` = user.info, `<12>` = user.warning)
   */
  readonly facility?: SyslogFacility;
  /**
   * SEVERITY by event `type`; a type not listed is written as `notice`.
   * @defaultValue `{ Warning: 'warning', Normal: 'info' }`
   */
  readonly severityByType?: Readonly<Record<string, SyslogSeverity>>;
  /** SEVERITY by event `reason`, taking precedence over the type, e.g. `{ OOMKilling: 'crit' }`. */
  readonly severityByReason?: Readonly<Record<string, SyslogSeverity>>;
  /** HOSTNAME for events no node reported (`source.host` empty and not about a Node). */
  readonly clusterName?: string;
  /**
   * The labels of the object the event is about (`regarding`), for the SD-ELEMENT; events do not
   * carry them, so look them up, e.g. in an informer's cache. Keys become PARAM-NAMEs by the
   * encoder's rule (a key over 32 characters is shortened with a hash suffix).
   * @defaultValue no labels
   */
  readonly objectLabels?: (event: KubeEvent) => Readonly<Record<string, string>> | undefined;
}

const DEFAULT_SD_ID = 'kubernetes@47450';
/** SD-IDs registered with IANA (RFC 5424 §7), the only ones allowed without `@`. */
const REGISTERED_SD_IDS = new Set(['timeQuality', 'origin', 'meta']);
// SD-NAME except '@', then '@' and a private enterprise number, e.g. `ourSDID@32473` or `x@32473.1.2`.
const PRIVATE_SD_ID = /^[\x21\x23-\x3c\x3e\x3f\x41-\x5c\x5e-\x7e]+@[1-9][0-9]*(?:\.[0-9]+)*$/;
const APP_NAME_MAX = 48;
const PRESETS: ReadonlySet<string> = new Set<EventSyslogPreset>(['default', 'pks']);
const DEFAULT_SEVERITY_BY_TYPE: Readonly<Record<string, SyslogSeverity>> = { Warning: 'warning', Normal: 'info' };

/**
 * Builds a function mapping {@link KubeEvent}s to syslog messages, checking the options once.
 *
 * @param options - See {@link EventToSyslogOptions}.
 * @returns The mapper; it never throws.
 * @throws `InvalidOptionError` (from `kube-events`) for an invalid SD-ID, facility, severity or option type.
 *
 * @example
 * ```ts
 * import { createEventToSyslog, createSyslogTransport } from 'kube-events/syslog';
 *
 * const toSyslog = createEventToSyslog({ preset: 'pks', clusterName: 'my-cluster' });
 * const transport = createSyslogTransport('syslog-tls://logs.example.com:6514', { tls: { ca } });
 * await transport.send(events.map(toSyslog));
 * ```
 */
export function createEventToSyslog(options: EventToSyslogOptions = {}): (event: KubeEvent) => SyslogMessage {
  const preset = options.preset ?? 'default';
  if (!PRESETS.has(preset)) throw new InvalidOptionError('preset', "'default' or 'pks'", preset);
  const sdId = options.sdId ?? DEFAULT_SD_ID;
  if (typeof sdId !== 'string' || !isSdName(sdId) || !(REGISTERED_SD_IDS.has(sdId) || PRIVATE_SD_ID.test(sdId))) {
    throw new InvalidOptionError('sdId', 'an SD-ID: 1-32 printable US-ASCII characters without `=`, `]`, `"` or space, `name@PEN` unless IANA-registered', sdId);
  }
  const facility = options.facility ?? 'user';
  if (!isFacility(facility)) throw new InvalidOptionError('facility', 'a facility name or a code 0-23', facility);
  const byType = { ...DEFAULT_SEVERITY_BY_TYPE, ...options.severityByType };
  for (const [type, severity] of Object.entries(byType)) {
    if (!isSeverity(severity)) throw new InvalidOptionError(`severityByType.${type}`, 'a severity name or a code 0-7', severity);
  }
  const byReason = { ...options.severityByReason };
  for (const [reason, severity] of Object.entries(byReason)) {
    if (!isSeverity(severity)) throw new InvalidOptionError(`severityByReason.${reason}`, 'a severity name or a code 0-7', severity);
  }
  const clusterName = options.clusterName ?? '';
  if (typeof clusterName !== 'string') throw new InvalidOptionError('clusterName', 'a string', clusterName);
  const objectLabels = options.objectLabels;
  if (objectLabels !== undefined && typeof objectLabels !== 'function') throw new InvalidOptionError('objectLabels', 'a function', objectLabels);
  const rich = preset === 'default';

  return (event) => {
    const { regarding } = event;
    const params: Record<string, SyslogParamValue> = { namespace_name: regarding.namespace, object_name: regarding.name };
    if (rich) {
      params.kind = regarding.kind;
      params.reason = event.reason;
      params.type = event.type;
      params.count = event.count;
      params.uid = event.uid;
      params.resource_version = event.resourceVersion;
    }
    const labels = objectLabels?.(event);
    if (labels !== undefined) addLabels(params, labels);
    const message: SyslogMessage = {
      facility,
      severity: severityOf(event, byReason, byType),
      timestamp: latestTimestamp(event),
      hostname: hostnameOf(event, clusterName),
      appName: `k8s.event/${regarding.namespace}/${regarding.name}/`.slice(0, APP_NAME_MAX),
      structuredData: { [sdId]: params },
      msg: event.message,
      ...(rich ? { msgId: event.reason } : {}),
    };
    return message;
  };
}

/**
 * Maps one {@link KubeEvent} to a syslog message (see {@link EventSyslogPreset} for the
 * layouts). Severity follows the event type (Warning → warning, Normal → info, others →
 * notice) unless `severityByReason` names the reason; TIMESTAMP is the event's latest
 * observation, to the microsecond when the event has one (`series.lastObservedTime`,
 * `lastTimestamp`, `eventTime`, `firstTimestamp`, then `creationTimestamp`). Build the mapper
 * once with {@link createEventToSyslog} when mapping many events.
 *
 * @param event - The event.
 * @param options - See {@link EventToSyslogOptions}.
 * @returns The message, ready for `encodeSyslog` or a transport.
 * @throws `InvalidOptionError` (from `kube-events`) for invalid options, never for an event.
 *
 * @example
 * ```ts
 * import { fromEventObject } from 'kube-events/stream';
 * import { encodeSyslog, eventToSyslog } from 'kube-events/syslog';
 *
 * const event = fromEventObject(watchEvent.object);
 * const bytes = encodeSyslog(eventToSyslog(event, { preset: 'pks', clusterName: 'my-cluster' }));
 * // <12>1 2024-05-01T12:00:00.000000Z node-1 k8s.event/default/web-0/ - - [kubernetes@47450 namespace_name="default" object_name="web-0"] …Back-off restarting failed container
 * ```
 */
export function eventToSyslog(event: KubeEvent, options?: EventToSyslogOptions): SyslogMessage {
  return createEventToSyslog(options)(event);
}

/**
 * Appends the labels after the fixed params. A label named like a fixed param keeps both: it is
 * written under the encoder's hashed form of its name (first 25 characters, `~`, six hex digits
 * of its FNV-1a hash), as two equal PARAM-NAMEs would otherwise collapse in every receiver.
 */
function addLabels(params: Record<string, SyslogParamValue>, labels: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(labels)) {
    if (typeof value !== 'string') continue;
    params[Object.hasOwn(params, key) ? `${key.slice(0, 25)}~${fnv1a24(key)}` : key] = value;
  }
}

function severityOf(event: KubeEvent, byReason: Readonly<Record<string, SyslogSeverity>>, byType: Readonly<Record<string, SyslogSeverity>>): SyslogSeverity {
  if (Object.hasOwn(byReason, event.reason)) return byReason[event.reason] ?? 'notice';
  if (Object.hasOwn(byType, event.type)) return byType[event.type] ?? 'notice';
  return 'notice';
}

/**
 * The node that reported the event (`source.host`, or the kubelet's `reportingInstance` in
 * events.k8s.io), the node it is about, or else the cluster name.
 */
function hostnameOf(event: KubeEvent, clusterName: string): string {
  if (event.source.host !== '') return event.source.host;
  if (event.reportingController === 'kubelet' && event.reportingInstance !== '') return event.reportingInstance;
  if (event.regarding.kind === 'Node' && event.regarding.name !== '') return event.regarding.name;
  return clusterName;
}

/**
 * The latest of the event's timestamps, as its exact text (microseconds kept): the one in the
 * latest second, preferring, within a second, `series.lastObservedTime`, then `eventTime` (both
 * MicroTimes), then `lastTimestamp`, `firstTimestamp` and `creationTimestamp`.
 */
function latestTimestamp(event: KubeEvent): string | null {
  const text = event.timestampText;
  let best: string | null = null;
  let bestSecond = Number.NEGATIVE_INFINITY;
  for (const candidate of [text.seriesLastObservedTime, text.eventTime, text.lastTimestamp, text.firstTimestamp, text.creationTimestamp]) {
    if (candidate === undefined) continue;
    const second = Math.floor(Date.parse(candidate) / 1000);
    if (second > bestSecond) {
      best = candidate;
      bestSecond = second;
    }
  }
  return best;
}

function isFacility(value: unknown): value is SyslogFacility {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= 23;
  return typeof value === 'string' && Object.hasOwn(SYSLOG_FACILITIES, value);
}

function isSeverity(value: unknown): value is SyslogSeverity {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= 7;
  return typeof value === 'string' && Object.hasOwn(SYSLOG_SEVERITIES, value);
}
