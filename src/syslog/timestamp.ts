/**
 * RFC 5424 TIMESTAMP formatting: always six fraction digits and an explicit offset.
 *
 * @module
 */

const NIL = '-';
// RFC 3339 date-time, with `t`/`z` in either case and a space separator accepted on input.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
const ISO_LENGTH = 24; // `YYYY-MM-DDTHH:MM:SS.mmmZ`; other lengths mean a year outside 0000–9999.
const MINUTE_MS = 60_000;

/** A TIMESTAMP renderer for one UTC offset, remembering the last second it formatted. */
export class TimestampFormatter {
  readonly #offsetMinutes: number;
  readonly #suffix: string;
  #lastSecond = Number.NaN;
  #lastPrefix = '';

  /** @param offsetMinutes - The UTC offset to write, in minutes; 0 writes `Z`. */
  constructor(offsetMinutes: number) {
    this.#offsetMinutes = offsetMinutes;
    this.#suffix = offsetSuffix(offsetMinutes);
  }

  /** The TIMESTAMP for `value` (see `SyslogMessage.timestamp`), `now` standing in for `undefined`. */
  format(value: Date | number | string | null | undefined, now: () => number): string {
    if (value === null) return NIL;
    if (value === undefined) return this.#formatMs(now(), 0);
    if (typeof value === 'string') {
      const parsed = parseRfc3339(value);
      return parsed === undefined ? NIL : this.#formatMs(parsed.ms, parsed.micros);
    }
    return this.#formatMs(typeof value === 'number' ? value : value.getTime(), 0);
  }

  #formatMs(ms: number, micros: number): string {
    if (!Number.isFinite(ms)) return NIL;
    const whole = Math.floor(ms);
    const second = Math.floor(whole / 1000);
    const millis = whole - second * 1000;
    const extraMicros = micros + Math.floor((ms - whole) * 1000);
    let prefix: string;
    if (second === this.#lastSecond) {
      prefix = this.#lastPrefix;
    } else {
      const shifted = second * 1000 + this.#offsetMinutes * MINUTE_MS;
      if (Math.abs(shifted) > 8.64e15) return NIL;
      const iso = new Date(shifted).toISOString();
      if (iso.length !== ISO_LENGTH) return NIL;
      prefix = iso.slice(0, 20); // `YYYY-MM-DDTHH:MM:SS.`
      this.#lastSecond = second;
      this.#lastPrefix = prefix;
    }
    return prefix + (THREE_DIGITS[millis] ?? '000') + (THREE_DIGITS[extraMicros] ?? '000') + this.#suffix;
  }
}

/** `000` … `999`. */
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

function offsetSuffix(offsetMinutes: number): string {
  if (offsetMinutes === 0) return 'Z';
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hours = String(Math.floor(abs / 60)).padStart(2, '0');
  const minutes = String(abs % 60).padStart(2, '0');
  return `${sign}${hours}:${minutes}`;
}

/** An instant as whole epoch milliseconds plus 0–999 microseconds. */
interface Instant {
  readonly ms: number;
  readonly micros: number;
}

/**
 * Parses an RFC 3339 date-time (fraction up to nine digits, truncated to microseconds);
 * `undefined` when it is not one, names an impossible date or time, or is a leap second
 * (RFC 5424 §6.2.3.1 forbids `60`).
 */
export function parseRfc3339(value: string): Instant | undefined {
  const match = RFC3339.exec(value);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '', zulu, sign, offsetHours, offsetMinutes] = match;
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const h = Number(hour);
  const mi = Number(minute);
  const s = Number(second);
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  if (date.getUTCDate() !== d) return undefined; // e.g. February 30th rolled over
  const digits = fraction.padEnd(6, '0');
  const fractionMs = Number(digits.slice(0, 3));
  const micros = Number(digits.slice(3, 6));
  let offset = 0;
  if (zulu === undefined) {
    const oh = Number(offsetHours);
    const om = Number(offsetMinutes);
    if (oh > 23 || om > 59) return undefined;
    offset = (sign === '-' ? -1 : 1) * (oh * 60 + om);
  }
  date.setUTCHours(h, mi, s, fractionMs);
  return { ms: date.getTime() - offset * MINUTE_MS, micros };
}
