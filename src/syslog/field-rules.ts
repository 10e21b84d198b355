/**
 * The deterministic rules that turn any field value into one rsyslog and syslog-ng parse as
 * written (RFC 5424 §6). Private to the syslog part; {@link encodeSyslog} documents them.
 *
 * @module
 */

import type { SyslogNewlines } from './syslog-encoder.ts';

/** How LF inside MSG and PARAM-VALUEs is written. */
export type NewlineRule = SyslogNewlines;

const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;
const NOT_PRINTABLE_ASCII = /[^\x21-\x7e]/gu;
// SD-NAME = 1*32PRINTUSASCII except '=', SP, ']', %d34 (")  (RFC 5424 §6 ABNF)
const SD_NAME = /^[\x21\x23-\x3c\x3e-\x5c\x5e-\x7e]{1,32}$/;
const NOT_SD_NAME_CHAR = /[^\x21\x23-\x3c\x3e-\x5c\x5e-\x7e]/gu;
const SD_NAME_MAX = 32;
const HASHED_NAME_PREFIX = 25;
// Anything the text rule changes: C0 controls (TAB aside), DEL, and surrogates (lone ones are
// replaced; pairs are checked by the slow path).
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const TEXT_SPECIAL = /[\x00-\x08\x0a-\x1f\x7f\ud800-\udfff]/;
const TEXT_REPLACE =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /\r\n|[\x00-\x08\x0a-\x1f\x7f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const PARAM_VALUE_SPECIAL = /[\\"\]]/;
const PARAM_VALUE_ESCAPE = /[\\"\]]/g;

/**
 * A header field (HOSTNAME, APP-NAME, PROCID, MSGID): every code point outside printable
 * US-ASCII (`!`..`~`) becomes `_`, the result is cut to `max` characters, and empty is `-`.
 */
export function headerField(value: string | undefined, max: number): string {
  if (value === undefined || value === '') return '-';
  if (value.length <= max && PRINTABLE_ASCII.test(value)) return value;
  const ascii = value.replace(NOT_PRINTABLE_ASCII, '_');
  return ascii.length > max ? ascii.slice(0, max) : ascii;
}

/** Whether `name` is a valid SD-NAME (SD-ID or PARAM-NAME) as it stands. */
export function isSdName(name: string): boolean {
  return SD_NAME.test(name);
}

/**
 * An SD-ID or PARAM-NAME from data: code points that SD-NAME forbids (`=`, `]`, `"`, space,
 * controls, non-ASCII) become `_`, empty becomes `_`, and a name over 32 characters becomes its
 * first 25 characters, `~` and six hex digits of the FNV-1a hash of the original name's UTF-8
 * bytes. A name already `used` in the same scope takes that hashed form too; if that is also
 * taken, the result is `undefined` (the caller drops it).
 */
export function sdName(raw: string, used: ReadonlySet<string>): string | undefined {
  let name: string;
  if (SD_NAME.test(raw)) {
    name = raw;
  } else {
    const replaced = raw === '' ? '_' : raw.replace(NOT_SD_NAME_CHAR, '_');
    name = replaced.length > SD_NAME_MAX ? hashedName(replaced, raw) : replaced;
  }
  if (!used.has(name)) return name;
  const hashed = hashedName(name, raw);
  return used.has(hashed) ? undefined : hashed;
}

function hashedName(sanitized: string, raw: string): string {
  return `${sanitized.slice(0, HASHED_NAME_PREFIX)}~${fnv1a24(raw)}`;
}

const utf8 = new TextEncoder();

/** Six lower-case hex digits: the low 24 bits of the 32-bit FNV-1a hash of `text`'s UTF-8 bytes. */
export function fnv1a24(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of utf8.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash & 0xffffff).toString(16).padStart(6, '0');
}

const NEWLINE_SYMBOL = '\u2424';
const CONTROL_PICTURES_BASE = 0x2400;
const DELETE_PICTURE = '\u2421';
const REPLACEMENT_CHARACTER = '\ufffd';

/**
 * Text (MSG or PARAM-VALUE): a lone surrogate becomes U+FFFD; CR LF becomes LF; LF is kept,
 * or written as a space or as U+2424 (␤) per `newlines`; TAB is kept; every other C0 control
 * character and DEL becomes its Unicode control picture (U+2400–U+241F, U+2421), so NUL is
 * `␀` and a lone CR is `␍`.
 */
export function text(value: string, newlines: NewlineRule): string {
  if (!TEXT_SPECIAL.test(value)) return value;
  return value.replace(TEXT_REPLACE, (match) => {
    if (match.length === 2 || match === '\n') {
      if (newlines === 'keep') return '\n';
      return newlines === 'space' ? ' ' : NEWLINE_SYMBOL;
    }
    const code = match.charCodeAt(0);
    if (code === 0x7f) return DELETE_PICTURE;
    if (code < 0x20) return String.fromCharCode(CONTROL_PICTURES_BASE + code);
    return REPLACEMENT_CHARACTER;
  });
}

/** MSG: the {@link text} rule, then trailing LFs dropped (both receivers strip them). */
export function messageText(value: string, newlines: NewlineRule): string {
  const cleaned = text(value, newlines);
  return cleaned.endsWith('\n') ? trimTrailingNewlines(cleaned) : cleaned;
}

/** `value` without its trailing LFs. */
export function trimTrailingNewlines(value: string): string {
  let end = value.length;
  while (end > 0 && value.charCodeAt(end - 1) === 0x0a) end--;
  return value.slice(0, end);
}

/** A PARAM-VALUE: the {@link text} rule, then `\`, `"` and `]` escaped with `\` (RFC 5424 §6.3.3). */
export function paramValue(value: string, newlines: NewlineRule): string {
  const cleaned = text(value, newlines);
  return PARAM_VALUE_SPECIAL.test(cleaned) ? cleaned.replace(PARAM_VALUE_ESCAPE, '\\$&') : cleaned;
}
