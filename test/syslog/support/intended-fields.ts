/**
 * The test oracle: what each field of an encoded message must parse back to, written
 * independently of the encoder from the rules `encodeSyslog` documents.
 */
import type { SyslogMessage } from '../../../src/syslog/index.ts';
import type { ParsedSdElement } from './rfc5424-parser.ts';

/** The fields a receiver must see. `null` is the NILVALUE. */
export interface IntendedFields {
  readonly facility: number;
  readonly severity: number;
  readonly timestamp: string | null;
  readonly hostname: string | null;
  readonly appName: string | null;
  readonly procId: string | null;
  readonly msgId: string | null;
  readonly structuredData: readonly ParsedSdElement[];
  readonly msg: string | null;
}

const FACILITIES = ['kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp', 'ntp', 'audit', 'alert', 'clock', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'];
const SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];

/** How the oracle renders a message; mirrors the encoder options that change fields. */
export interface OracleOptions {
  readonly newlines?: 'keep' | 'space' | 'symbol';
  readonly now?: number;
}

/** The fields `message` must parse back to. */
export function intendedFields(message: SyslogMessage, options: OracleOptions = {}): IntendedFields {
  const newlines = options.newlines ?? 'keep';
  return {
    facility: code(message.facility ?? 'user', FACILITIES, 1),
    severity: code(message.severity, SEVERITIES, 5),
    timestamp: intendedTimestamp(message.timestamp, options.now ?? 0),
    hostname: header(message.hostname, 255),
    appName: header(message.appName, 48),
    procId: header(message.procId, 128),
    msgId: header(message.msgId, 32),
    structuredData: structuredData(message.structuredData ?? {}, newlines),
    msg: intendedMsg(message.msg ?? '', newlines),
  };
}

function code(value: string | number, names: readonly string[], fallback: number): number {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value < names.length ? value : fallback;
  const index = names.indexOf(value);
  return index === -1 ? fallback : index;
}

function header(value: string | undefined, max: number): string | null {
  let out = '';
  for (const ch of value ?? '') {
    const cp = ch.codePointAt(0)!;
    out += cp >= 0x21 && cp <= 0x7e ? ch : '_';
  }
  out = out.slice(0, max);
  return out === '' || out === '-' ? null : out;
}

function isSdNameChar(cp: number): boolean {
  return cp >= 0x21 && cp <= 0x7e && cp !== 0x3d && cp !== 0x5d && cp !== 0x22;
}

/** FNV-1a (32-bit) over UTF-8 bytes, low 24 bits as six hex digits. */
export function fnv1aHex6(value: string): string {
  let h = 2166136261;
  for (const byte of new TextEncoder().encode(value)) {
    h = Number((BigInt((h ^ byte) >>> 0) * 16777619n) % 4294967296n);
  }
  return (h % 16777216).toString(16).padStart(6, '0');
}

function sdNameFor(raw: string, used: Set<string>): string | undefined {
  let sanitized = '';
  for (const ch of raw) sanitized += isSdNameChar(ch.codePointAt(0)!) ? ch : '_';
  if (sanitized === '') sanitized = '_';
  const valid = sanitized === raw && raw.length <= 32;
  let name = valid ? raw : sanitized.length > 32 ? `${sanitized.slice(0, 25)}~${fnv1aHex6(raw)}` : sanitized;
  if (used.has(name)) {
    name = `${name.slice(0, 25)}~${fnv1aHex6(raw)}`;
    if (used.has(name)) return undefined;
  }
  used.add(name);
  return name;
}

/** The text rule for MSG and PARAM-VALUE. */
export function intendedText(value: string, newlines: 'keep' | 'space' | 'symbol'): string {
  let out = '';
  for (const ch of value.replaceAll('\r\n', '\n')) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\n') out += newlines === 'keep' ? '\n' : newlines === 'space' ? ' ' : '\u2424';
    else if (ch === '\t') out += ch;
    else if (cp < 0x20) out += String.fromCodePoint(0x2400 + cp);
    else if (cp === 0x7f) out += '\u2421';
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\ufffd';
    else out += ch;
  }
  return out;
}

function intendedMsg(value: string, newlines: 'keep' | 'space' | 'symbol'): string | null {
  const out = intendedText(value, newlines).replace(/\n+$/, '');
  return out === '' ? null : out;
}

function structuredData(sd: NonNullable<SyslogMessage['structuredData']>, newlines: 'keep' | 'space' | 'symbol'): ParsedSdElement[] {
  const ids = new Set<string>();
  const elements: ParsedSdElement[] = [];
  for (const [rawId, params] of Object.entries(sd)) {
    const id = sdNameFor(rawId, ids);
    if (id === undefined) continue;
    const names = new Set<string>();
    const out: (readonly [string, string])[] = [];
    for (const [rawName, value] of Object.entries(params)) {
      const name = sdNameFor(rawName, names);
      if (name !== undefined) out.push([name, intendedText(String(value), newlines)]);
    }
    elements.push({ id, params: out });
  }
  return elements;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** TIMESTAMP for a `Date`, epoch milliseconds, an RFC 3339 string or `null`. */
export function intendedTimestamp(value: SyslogMessage['timestamp'], now: number): string | null {
  if (value === null) return null;
  if (typeof value === 'string') {
    // Independent of the encoder: let Date.parse read it to the millisecond, add digits 4–6.
    const match = /^(.{19})(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/i.exec(value);
    if (match === null) return null;
    const digits = (match[2] ?? '').padEnd(6, '0');
    const ms = Date.parse(`${match[1]!.toUpperCase()}.${digits.slice(0, 3)}${match[3]!.toUpperCase()}`);
    if (Number.isNaN(ms)) return null;
    return `${new Date(ms).toISOString().slice(0, 23)}${digits.slice(3, 6)}Z`;
  }
  const ms = value === undefined ? now : typeof value === 'number' ? value : value.getTime();
  if (!Number.isFinite(ms)) return null;
  const d = new Date(Math.floor(ms));
  const year = d.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) return null;
  const micros = d.getUTCMilliseconds() * 1000 + Math.floor((ms - Math.floor(ms)) * 1000);
  return `${String(year).padStart(4, '0')}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}T${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${String(micros).padStart(6, '0')}Z`;
}
