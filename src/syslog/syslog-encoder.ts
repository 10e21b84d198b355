/**
 * The RFC 5424 encoder, with RFC 6587 framing.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { InvalidOptionError } from '../errors.ts';
import { headerField, isSdName, messageText, paramValue, sdName, trimTrailingNewlines } from './field-rules.ts';
import type { NewlineRule } from './field-rules.ts';

/**
 * How LF inside MSG and PARAM-VALUEs is written; see {@link SyslogEncoderOptions.newlines}.
 *
 * @example
 * ```ts
 * import type { SyslogNewlines } from 'kube-events/syslog';
 *
 * const newlines: SyslogNewlines = 'symbol'; // LF → ␤
 * ```
 */
export type SyslogNewlines = 'keep' | 'space' | 'symbol';
import { SYSLOG_FACILITIES, SYSLOG_SEVERITIES } from './syslog-message.ts';
import type { SyslogFacility, SyslogMessage, SyslogParamValue, SyslogSeverity, SyslogStructuredData } from './syslog-message.ts';
import { TimestampFormatter } from './timestamp.ts';

/**
 * How messages are delimited on the wire.
 *
 * - `'octet-counting'`: `MSG-LEN SP SYSLOG-MSG` (RFC 6587 §3.4.1, RFC 5425 §4.3); MSG-LEN is the
 *   UTF-8 byte length. What TCP and TLS transports use; LF inside MSG survives.
 * - `'non-transparent'`: `SYSLOG-MSG LF` (RFC 6587 §3.4.2); LF inside MSG and PARAM-VALUEs must be
 *   replaced (see {@link SyslogEncoderOptions.newlines}). Only for receivers that need it.
 * - `'none'`: the bare SYSLOG-MSG, one per UDP datagram (RFC 5426).
 *
 * @example
 * ```ts
 * import { createSyslogEncoder } from 'kube-events/syslog';
 *
 * const encoder = createSyslogEncoder({ framing: 'octet-counting' });
 * ```
 */
export type SyslogFraming = 'octet-counting' | 'non-transparent' | 'none';

/**
 * Options of {@link createSyslogEncoder} and {@link encodeSyslog}.
 *
 * @example
 * ```ts
 * import type { SyslogEncoderOptions } from 'kube-events/syslog';
 *
 * const udp: SyslogEncoderOptions = { framing: 'none', maxMessageSize: 2048 };
 * ```
 */
export interface SyslogEncoderOptions {
  /**
   * Write the UTF-8 BOM before MSG (RFC 5424 §6.4 `MSG-UTF8`), telling receivers the MSG is
   * UTF-8. syslog-ng strips it; rsyslog keeps U+FEFF at the start of its `msg` property.
   * @defaultValue `true`
   */
  readonly bom?: boolean;
  /**
   * The framing; see {@link SyslogFraming}.
   * @defaultValue `'none'`
   */
  readonly framing?: SyslogFraming;
  /**
   * The largest SYSLOG-MSG in bytes, framing not counted (an integer ≥ 480, the size every IPv4
   * receiver must accept per RFC 5426 §3.2). A longer message loses the end of its MSG, cut on a
   * UTF-8 character boundary; if the header and STRUCTURED-DATA alone are too long, whole
   * SD-ELEMENTs are dropped from the end, and then HOSTNAME is shortened.
   * @defaultValue `Infinity`
   */
  readonly maxMessageSize?: number;
  /**
   * How LF inside MSG and PARAM-VALUEs is written: `'keep'` (octet counting and UDP preserve it),
   * `'space'`, or `'symbol'` (U+2424 ␤). CR LF counts as one LF. Trailing LFs of MSG are always
   * dropped, as both receivers strip them. `'keep'` is refused with `'non-transparent'` framing.
   * @defaultValue `'space'` with `'non-transparent'` framing, otherwise `'keep'`
   */
  readonly newlines?: SyslogNewlines;
  /**
   * The UTC offset TIMESTAMPs are written in, in minutes (−1439…1439); `0` writes `Z`.
   * @defaultValue `0`
   */
  readonly utcOffsetMinutes?: number;
  /**
   * The clock for messages without a `timestamp`, in epoch milliseconds.
   * @defaultValue `Date.now`
   */
  readonly clock?: () => number;
}

/**
 * An RFC 5424 encoder with its options fixed; build one with {@link createSyslogEncoder}.
 *
 * @example
 * ```ts
 * import { createSyslogEncoder } from 'kube-events/syslog';
 *
 * const encoder = createSyslogEncoder({ framing: 'octet-counting' });
 * socket.write(encoder.encode({ severity: 'info', msg: 'hello' }));
 * ```
 */
export interface SyslogEncoder {
  /** The framing this encoder writes. */
  readonly framing: SyslogFraming;
  /** The largest SYSLOG-MSG it writes, in bytes (framing not counted). */
  readonly maxMessageSize: number;
  /**
   * Encodes one message, framed. Never throws for any `message` of the right type. Like
   * `Buffer.from`, the result may be a view into a shared 64 KiB slab; copy it to keep it apart.
   */
  encode(message: SyslogMessage): Uint8Array;
}

const HOSTNAME_MAX = 255;
const APP_NAME_MAX = 48;
const PROCID_MAX = 128;
const MSGID_MAX = 32;
const MIN_MESSAGE_SIZE = 480;
const FRAMINGS: ReadonlySet<string> = new Set<SyslogFraming>(['octet-counting', 'non-transparent', 'none']);
const NEWLINE_RULES: ReadonlySet<string> = new Set<NewlineRule>(['keep', 'space', 'symbol']);
const DEFAULT_FACILITY = SYSLOG_FACILITIES.user;
const DEFAULT_SEVERITY = SYSLOG_SEVERITIES.notice;
const BOM = '\ufeff';
const LF = 0x0a;
const SP = 0x20;

/**
 * Builds an RFC 5424 encoder. Options are checked here; an invalid one throws
 * `InvalidOptionError` (from `kube-events`), so `encode` itself never throws.
 *
 * @param options - See {@link SyslogEncoderOptions}.
 * @returns An encoder; see {@link encodeSyslog} for the rules it applies.
 * @throws `InvalidOptionError` (from `kube-events`) for an invalid option.
 *
 * @example
 * ```ts
 * import { createSyslogEncoder } from 'kube-events/syslog';
 *
 * const encoder = createSyslogEncoder({ framing: 'octet-counting', maxMessageSize: 8192 });
 * const bytes = encoder.encode({
 *   severity: 'warning',
 *   hostname: 'node-1',
 *   appName: 'kubelet',
 *   structuredData: { 'kubernetes@47450': { namespace_name: 'default' } },
 *   msg: 'Back-off restarting failed container',
 * });
 * ```
 */
export function createSyslogEncoder(options: SyslogEncoderOptions = {}): SyslogEncoder {
  const { bom = true, framing = 'none', maxMessageSize = Number.POSITIVE_INFINITY, utcOffsetMinutes = 0, clock = Date.now } = options;
  if (typeof bom !== 'boolean') throw new InvalidOptionError('bom', 'a boolean', bom);
  if (!FRAMINGS.has(framing)) {
    throw new InvalidOptionError('framing', "one of 'octet-counting', 'non-transparent' or 'none'", framing);
  }
  if (maxMessageSize !== Number.POSITIVE_INFINITY && !(Number.isSafeInteger(maxMessageSize) && maxMessageSize >= MIN_MESSAGE_SIZE)) {
    throw new InvalidOptionError('maxMessageSize', `an integer >= ${MIN_MESSAGE_SIZE} or Infinity`, maxMessageSize);
  }
  const newlines = options.newlines ?? (framing === 'non-transparent' ? 'space' : 'keep');
  if (!NEWLINE_RULES.has(newlines)) {
    throw new InvalidOptionError('newlines', "one of 'keep', 'space' or 'symbol'", newlines);
  }
  if (newlines === 'keep' && framing === 'non-transparent') {
    throw new InvalidOptionError('newlines', "'space' or 'symbol' with non-transparent framing (an LF would end the message)", newlines);
  }
  if (!Number.isInteger(utcOffsetMinutes) || Math.abs(utcOffsetMinutes) > 1439) {
    throw new InvalidOptionError('utcOffsetMinutes', 'an integer between -1439 and 1439', utcOffsetMinutes);
  }
  if (typeof clock !== 'function') throw new InvalidOptionError('clock', 'a function', clock);
  return new Rfc5424Encoder(bom, framing, maxMessageSize, newlines, new TimestampFormatter(utcOffsetMinutes), clock);
}

const defaultEncoders = new Map<SyslogFraming, SyslogEncoder>();

/**
 * Encodes one message as RFC 5424 (`framing: 'none'` unless told otherwise). Every value is made
 * valid by a deterministic rule, so rsyslog and syslog-ng parse each field as written here:
 *
 * - PRI = facility × 8 + severity; an unknown facility is written as `user`, an unknown severity
 *   as `notice`. VERSION is `1`.
 * - TIMESTAMP: microseconds (six digits, further digits truncated) and `Z` or the configured
 *   offset; `-` for `null` or an invalid time.
 * - HOSTNAME, APP-NAME, PROCID, MSGID: each code point outside printable US-ASCII becomes `_`,
 *   then the value is cut to 255, 48, 128 and 32 characters; empty is `-`.
 * - SD-ID and PARAM-NAME: characters SD-NAME forbids (`=` `]` `"` space, controls, non-ASCII)
 *   become `_`, and a name over 32 characters becomes its first 25, `~` and six hex digits of
 *   the FNV-1a hash of its UTF-8 bytes, as does a name that collides with an earlier one in the
 *   same scope (a second collision drops it). Each SD-ID appears once; an element with no
 *   params is written as `[id]`.
 * - PARAM-VALUE and MSG: UTF-8; a lone surrogate becomes U+FFFD, CR LF becomes LF, LF and TAB
 *   are kept (see {@link SyslogEncoderOptions.newlines}), every other C0 control and DEL becomes
 *   its Unicode control picture (NUL → `␀`, CR → `␍`). In PARAM-VALUE `\` `"` `]` are escaped.
 *   Trailing LFs of MSG are dropped; an empty MSG is not written at all (nor its BOM).
 *
 * @param message - The message.
 * @param options - See {@link SyslogEncoderOptions}.
 * @returns The encoded, framed bytes.
 * @throws `InvalidOptionError` (from `kube-events`) for an invalid option, never for a message.
 *
 * @example
 * ```ts
 * import { encodeSyslog } from 'kube-events/syslog';
 *
 * const bytes = encodeSyslog({
 *   facility: 'local0',
 *   severity: 'info',
 *   timestamp: new Date('2024-05-01T12:00:00Z'),
 *   hostname: 'node-1',
 *   appName: 'web',
 *   msg: 'hello',
 * });
 * new TextDecoder().decode(bytes);
 * // '<134>1 2024-05-01T12:00:00.000000Z node-1 web - - - \uFEFFhello'
 * ```
 */
export function encodeSyslog(message: SyslogMessage, options?: SyslogEncoderOptions): Uint8Array {
  if (options === undefined) return defaultEncoder('none').encode(message);
  const keys = Object.keys(options);
  if (keys.length === 0 || (keys.length === 1 && keys[0] === 'framing' && options.framing !== undefined)) {
    return defaultEncoder(options.framing ?? 'none').encode(message);
  }
  return createSyslogEncoder(options).encode(message);
}

function defaultEncoder(framing: SyslogFraming): SyslogEncoder {
  let encoder = defaultEncoders.get(framing);
  if (encoder === undefined) {
    encoder = createSyslogEncoder({ framing });
    defaultEncoders.set(framing, encoder);
  }
  return encoder;
}

/** Encoded bytes are written into slabs of this size, like Node's own Buffer pool. */
const SLAB_BYTES = 64 * 1024;
/** Messages that may need more than this many bytes take the plain `Buffer.from` path. */
const SLAB_MESSAGE_MAX = 16 * 1024;
/** Room left before a message for its octet count: up to 5 digits (< 64 KiB) and SP. */
const COUNT_GAP = 6;
/** `<PRI>1 ` for every PRI value. */
const PRI_PREFIX = Array.from({ length: 192 }, (_, pri) => `<${pri}>1 `);
/** SD names checked valid, kept with their serialized openings (cleared when full). */
const VALID_NAMES_MAX = 4096;
// Anything in a PARAM-VALUE that the text rule or the escaping changes.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const PARAM_VALUE_CHANGES = /[\x00-\x08\x0a-\x1f\x7f\ud800-\udfff\\"\]]/;

class Rfc5424Encoder implements SyslogEncoder {
  readonly framing: SyslogFraming;
  readonly maxMessageSize: number;
  readonly #bom: boolean;
  readonly #newlines: NewlineRule;
  readonly #timestamps: TimestampFormatter;
  readonly #clock: () => number;
  readonly #idOpens = new Map<string, string>();
  readonly #nameOpens = new Map<string, string>();
  #slab = Buffer.allocUnsafe(SLAB_BYTES);
  #offset = 0;

  constructor(bom: boolean, framing: SyslogFraming, maxMessageSize: number, newlines: NewlineRule, timestamps: TimestampFormatter, clock: () => number) {
    this.#bom = bom;
    this.framing = framing;
    this.maxMessageSize = maxMessageSize;
    this.#newlines = newlines;
    this.#timestamps = timestamps;
    this.#clock = clock;
  }

  encode(message: SyslogMessage): Uint8Array {
    const pri = PRI_PREFIX[facilityCode(message.facility) * 8 + severityCode(message.severity)] ?? '<13>1 ';
    const head = pri + this.#timestamps.format(message.timestamp, this.#clock) + ' ';
    const hostname = headerField(message.hostname, HOSTNAME_MAX);
    const rest = ' ' + headerField(message.appName, APP_NAME_MAX) + ' ' + headerField(message.procId, PROCID_MAX) + ' ' + headerField(message.msgId, MSGID_MAX) + ' ';
    const sd = message.structuredData === undefined ? '-' : this.#structuredData(message.structuredData);
    const msg = message.msg === undefined || message.msg === '' ? '' : messageText(message.msg, this.#newlines);
    const header = head + hostname + rest + sd;
    const worstCase = 3 * (header.length + msg.length) + 4;
    if (worstCase > SLAB_MESSAGE_MAX) return this.#encodeLarge(head, hostname, rest, sd, msg);
    if (this.#offset + worstCase + COUNT_GAP + 1 > SLAB_BYTES) {
      this.#slab = Buffer.allocUnsafe(SLAB_BYTES);
      this.#offset = 0;
    }
    // Write the header, then SP, the BOM and MSG as bytes: a BOM inside a JavaScript string
    // would make the whole string two-byte and slower to encode.
    const slab = this.#slab;
    const start = this.#offset + (this.framing === 'octet-counting' ? COUNT_GAP : 0);
    let at = start + slab.write(header, start, 'utf8');
    if (msg !== '') {
      slab[at++] = SP;
      if (this.#bom) {
        slab[at++] = 0xef;
        slab[at++] = 0xbb;
        slab[at++] = 0xbf;
      }
      at += slab.write(msg, at, 'utf8');
    }
    const length = at - start;
    if (length > this.maxMessageSize) return this.#encodeLarge(head, hostname, rest, sd, msg);
    let first = start;
    if (this.framing === 'non-transparent') {
      slab[at++] = LF;
    } else if (this.framing === 'octet-counting') {
      // MSG-LEN and SP, right-aligned in the gap left before the message.
      first = start - 1;
      slab[first] = SP;
      let rest = length;
      do {
        slab[--first] = 0x30 + (rest % 10);
        rest = Math.floor(rest / 10);
      } while (rest > 0);
    }
    this.#offset = at;
    return slab.subarray(first, at);
  }

  /** The same message built as a string (long messages, and ones over `maxMessageSize`). */
  #encodeLarge(head: string, hostname: string, rest: string, sd: string, msg: string): Uint8Array {
    const body = msg === '' ? '' : this.#bom ? ` ${BOM}${msg}` : ` ${msg}`;
    let syslogMsg = head + hostname + rest + sd + body;
    let length = Buffer.byteLength(syslogMsg);
    if (length > this.maxMessageSize) {
      syslogMsg = this.#fit(head, hostname, rest, sd === '-' ? [] : splitElements(sd), msg);
      length = Buffer.byteLength(syslogMsg);
    }
    return this.#frame(syslogMsg, length);
  }

  /**
   * `prefix + name` when `name` is a valid SD-NAME as it stands (cached, as the same names recur
   * in every message), else `undefined`.
   */
  #open(name: string, cache: Map<string, string>, prefix: string, suffix: string): string | undefined {
    const cached = cache.get(name);
    if (cached !== undefined) return cached;
    if (!isSdName(name)) return undefined;
    if (cache.size >= VALID_NAMES_MAX) cache.clear();
    const open = prefix + name + suffix;
    cache.set(name, open);
    return open;
  }

  /** STRUCTURED-DATA; names that are all valid take this path, others the collision-checked one. */
  #structuredData(data: SyslogStructuredData): string {
    let out = '';
    for (const rawId in data) {
      // Typed as records, but a JavaScript caller can pass anything; skip what is not one.
      const params = data[rawId] as SyslogStructuredData[string] | null | undefined;
      if (params === undefined || params === null || typeof params !== 'object') continue;
      const idOpen = this.#open(rawId, this.#idOpens, '[', '');
      if (idOpen === undefined) return this.#structuredDataChecked(data);
      out += idOpen;
      for (const rawName in params) {
        const value = params[rawName] as SyslogParamValue | null | undefined;
        if (value === undefined || value === null) continue;
        const nameOpen = this.#open(rawName, this.#nameOpens, ' ', '="');
        if (nameOpen === undefined) return this.#structuredDataChecked(data);
        out += nameOpen + (typeof value === 'string' ? (PARAM_VALUE_CHANGES.test(value) ? paramValue(value, this.#newlines) : value) : String(value)) + '"';
      }
      out += ']';
    }
    return out === '' ? '-' : out;
  }

  /** STRUCTURED-DATA with every name made valid and checked for collisions (see `encodeSyslog`). */
  #structuredDataChecked(data: SyslogStructuredData): string {
    let out = '';
    const ids = new Set<string>();
    for (const rawId in data) {
      const params = data[rawId] as SyslogStructuredData[string] | null | undefined;
      if (params === undefined || params === null || typeof params !== 'object') continue;
      const id = sdName(rawId, ids);
      if (id === undefined) continue;
      ids.add(id);
      let element = `[${id}`;
      const names = new Set<string>();
      for (const rawName in params) {
        const value = params[rawName] as SyslogParamValue | null | undefined;
        if (value === undefined || value === null) continue;
        const name = sdName(rawName, names);
        if (name === undefined) continue;
        names.add(name);
        element += ` ${name}="${paramValue(typeof value === 'string' ? value : String(value), this.#newlines)}"`;
      }
      out += `${element}]`;
    }
    return out === '' ? '-' : out;
  }

  /** The message cut to `maxMessageSize` bytes, by the rule on {@link SyslogEncoderOptions.maxMessageSize}. */
  #fit(head: string, hostname: string, rest: string, elements: readonly string[], msg: string): string {
    const max = this.maxMessageSize;
    let kept = elements.length;
    let header = head + hostname + rest;
    let sd = kept === 0 ? '-' : elements.join('');
    while (kept > 0 && Buffer.byteLength(header + sd) > max) {
      kept--;
      sd = kept === 0 ? '-' : elements.slice(0, kept).join('');
    }
    const fixed = Buffer.byteLength(header + sd);
    if (fixed > max) {
      // Only reachable below 508 bytes: HOSTNAME is the one field long enough to give way.
      const shortened = hostname.slice(0, hostname.length - (fixed - max));
      header = head + (shortened === '' ? '-' : shortened) + rest;
      return header + sd;
    }
    const prefix = this.#bom ? ` ${BOM}` : ' ';
    const budget = max - fixed - Buffer.byteLength(prefix);
    if (msg === '' || budget <= 0) return header + sd;
    const bytes = Buffer.from(msg);
    let cut = Math.min(budget, bytes.length);
    // Back up to the start of a UTF-8 sequence: continuation bytes are 10xxxxxx.
    while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--;
    const truncated = trimTrailingNewlines(bytes.toString('utf8', 0, cut));
    return truncated === '' ? header + sd : header + sd + prefix + truncated;
  }

  #frame(syslogMsg: string, length: number): Uint8Array {
    if (this.framing === 'none') return Buffer.from(syslogMsg);
    if (this.framing === 'non-transparent') {
      const framed = Buffer.allocUnsafe(length + 1);
      framed.write(syslogMsg, 0, 'utf8');
      framed[length] = LF;
      return framed;
    }
    const count = String(length);
    const framed = Buffer.allocUnsafe(count.length + 1 + length);
    framed.write(count, 0, 'latin1');
    framed[count.length] = SP;
    framed.write(syslogMsg, count.length + 1, 'utf8');
    return framed;
  }
}

/** Splits serialized STRUCTURED-DATA into its SD-ELEMENTs (a `]` inside a PARAM-VALUE is escaped). */
function splitElements(sd: string): string[] {
  const elements: string[] = [];
  let start = 0;
  let inValue = false;
  for (let i = 0; i < sd.length; i++) {
    const c = sd.charCodeAt(i);
    if (inValue) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inValue = false;
    } else if (c === 0x22) {
      inValue = true;
    } else if (c === 0x5d) {
      elements.push(sd.slice(start, i + 1));
      start = i + 1;
    }
  }
  return elements;
}

function facilityCode(facility: SyslogFacility | undefined): number {
  if (facility === undefined) return DEFAULT_FACILITY;
  if (typeof facility === 'number') return Number.isInteger(facility) && facility >= 0 && facility <= 23 ? facility : DEFAULT_FACILITY;
  return Object.hasOwn(SYSLOG_FACILITIES, facility) ? SYSLOG_FACILITIES[facility] : DEFAULT_FACILITY;
}

function severityCode(severity: SyslogSeverity): number {
  if (typeof severity === 'number') return Number.isInteger(severity) && severity >= 0 && severity <= 7 ? severity : DEFAULT_SEVERITY;
  return Object.hasOwn(SYSLOG_SEVERITIES, severity) ? SYSLOG_SEVERITIES[severity] : DEFAULT_SEVERITY;
}
