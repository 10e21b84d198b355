/**
 * A strict RFC 5424 parser written from the ABNF of RFC 5424 §6, plus RFC 6587 deframers. It
 * rejects anything the ABNF or the MUSTs of §6 forbid, so a message it accepts is one every
 * conforming receiver can parse field for field.
 */

/** One SD-ELEMENT: its SD-ID and its params in order, values unescaped. */
export interface ParsedSdElement {
  readonly id: string;
  readonly params: readonly (readonly [name: string, value: string])[];
}

/** The fields of a parsed SYSLOG-MSG; NILVALUE fields are `null`. */
export interface ParsedSyslog {
  readonly pri: number;
  readonly facility: number;
  readonly severity: number;
  readonly version: number;
  readonly timestamp: string | null;
  readonly hostname: string | null;
  readonly appName: string | null;
  readonly procId: string | null;
  readonly msgId: string | null;
  readonly structuredData: readonly ParsedSdElement[];
  /** MSG without its BOM; `null` when the message has no MSG part. */
  readonly msg: string | null;
  readonly bom: boolean;
}

/** Thrown for bytes that are not a valid SYSLOG-MSG, with the offset where parsing stopped. */
export class Rfc5424SyntaxError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`${message} at byte ${offset}`);
    this.offset = offset;
  }
}

const SP = 0x20;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

class Cursor {
  pos = 0;
  readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }
  get done(): boolean {
    return this.pos >= this.bytes.length;
  }
  peek(): number | undefined {
    return this.bytes[this.pos];
  }
  fail(message: string): never {
    throw new Rfc5424SyntaxError(message, this.pos);
  }
  expect(byte: number, what: string): void {
    if (this.bytes[this.pos] !== byte) this.fail(`expected ${what}`);
    this.pos++;
  }
  digits(min: number, max: number, what: string): string {
    const start = this.pos;
    while (this.pos - start < max && isDigit(this.peek())) this.pos++;
    if (this.pos - start < min) this.fail(`expected ${what}`);
    return ascii(this.bytes, start, this.pos);
  }
}

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

function isPrintUsAscii(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 33 && byte <= 126;
}

function isSdNameChar(byte: number | undefined): boolean {
  return isPrintUsAscii(byte) && byte !== 0x3d && byte !== 0x5d && byte !== 0x22;
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}

function decodeUtf8(cursor: Cursor, start: number, end: number, what: string): string {
  try {
    return utf8.decode(cursor.bytes.subarray(start, end));
  } catch {
    cursor.pos = start;
    return cursor.fail(`${what} is not valid UTF-8`);
  }
}

/** Parses one SYSLOG-MSG (no framing). */
export function parseRfc5424(bytes: Uint8Array): ParsedSyslog {
  const c = new Cursor(bytes);
  // PRI = "<" PRIVAL ">"; PRIVAL = 1*3DIGIT, 0..191, no leading zeros
  c.expect(0x3c, '"<"');
  const prival = c.digits(1, 3, 'PRIVAL');
  if ((prival.length > 1 && prival.startsWith('0')) || Number(prival) > 191) c.fail(`invalid PRIVAL ${prival}`);
  c.expect(0x3e, '">"');
  // VERSION = NONZERO-DIGIT 0*2DIGIT
  if (!isDigit(c.peek()) || c.peek() === 0x30) c.fail('expected VERSION');
  const version = Number(c.digits(1, 3, 'VERSION'));
  c.expect(SP, 'SP after VERSION');
  const timestamp = parseTimestamp(c);
  c.expect(SP, 'SP after TIMESTAMP');
  const hostname = headerField(c, 255, 'HOSTNAME');
  c.expect(SP, 'SP after HOSTNAME');
  const appName = headerField(c, 48, 'APP-NAME');
  c.expect(SP, 'SP after APP-NAME');
  const procId = headerField(c, 128, 'PROCID');
  c.expect(SP, 'SP after PROCID');
  const msgId = headerField(c, 32, 'MSGID');
  c.expect(SP, 'SP after MSGID');
  const structuredData = parseStructuredData(c);
  let msg: string | null = null;
  let bom = false;
  if (!c.done) {
    c.expect(SP, 'SP before MSG');
    const b = c.bytes;
    bom = b[c.pos] === 0xef && b[c.pos + 1] === 0xbb && b[c.pos + 2] === 0xbf;
    const start = bom ? c.pos + 3 : c.pos;
    msg = decodeUtf8(c, start, b.length, 'MSG');
    c.pos = b.length;
  }
  const pri = Number(prival);
  return { pri, facility: pri >> 3, severity: pri & 7, version, timestamp, hostname, appName, procId, msgId, structuredData, msg, bom };
}

function headerField(c: Cursor, max: number, what: string): string | null {
  const start = c.pos;
  while (isPrintUsAscii(c.peek())) c.pos++;
  const length = c.pos - start;
  if (length === 0) c.fail(`empty ${what}`);
  if (length > max) c.fail(`${what} longer than ${max}`);
  const value = ascii(c.bytes, start, c.pos);
  return value === '-' ? null : value;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function parseTimestamp(c: Cursor): string | null {
  const start = c.pos;
  if (c.peek() === 0x2d && c.bytes[c.pos + 1] === SP) {
    c.pos++;
    return null;
  }
  const year = Number(c.digits(4, 4, 'DATE-FULLYEAR'));
  c.expect(0x2d, '"-"');
  const month = Number(c.digits(2, 2, 'DATE-MONTH'));
  c.expect(0x2d, '"-"');
  const day = Number(c.digits(2, 2, 'DATE-MDAY'));
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > days) c.fail('invalid FULL-DATE');
  c.expect(0x54, '"T"');
  const hour = Number(c.digits(2, 2, 'TIME-HOUR'));
  c.expect(0x3a, '":"');
  const minute = Number(c.digits(2, 2, 'TIME-MINUTE'));
  c.expect(0x3a, '":"');
  const second = Number(c.digits(2, 2, 'TIME-SECOND'));
  if (hour > 23 || minute > 59 || second > 59) c.fail('invalid PARTIAL-TIME');
  if (c.peek() === 0x2e) {
    c.pos++;
    c.digits(1, 6, 'TIME-SECFRAC');
    if (isDigit(c.peek())) c.fail('TIME-SECFRAC longer than 6 digits');
  }
  if (c.peek() === 0x5a) {
    c.pos++;
  } else {
    if (c.peek() !== 0x2b && c.peek() !== 0x2d) c.fail('expected TIME-OFFSET');
    c.pos++;
    const oh = Number(c.digits(2, 2, 'TIME-HOUR'));
    c.expect(0x3a, '":"');
    const om = Number(c.digits(2, 2, 'TIME-MINUTE'));
    if (oh > 23 || om > 59) c.fail('invalid TIME-NUMOFFSET');
  }
  return ascii(c.bytes, start, c.pos);
}

function sdName(c: Cursor, what: string): string {
  const start = c.pos;
  while (isSdNameChar(c.peek())) c.pos++;
  if (c.pos === start) c.fail(`empty ${what}`);
  if (c.pos - start > 32) c.fail(`${what} longer than 32`);
  return ascii(c.bytes, start, c.pos);
}

function parseStructuredData(c: Cursor): ParsedSdElement[] {
  if (c.peek() === 0x2d) {
    c.pos++;
    if (!c.done && c.peek() !== SP) c.fail('expected SP after NILVALUE STRUCTURED-DATA');
    return [];
  }
  if (c.peek() !== 0x5b) c.fail('expected STRUCTURED-DATA');
  const elements: ParsedSdElement[] = [];
  const ids = new Set<string>();
  while (c.peek() === 0x5b) {
    c.pos++;
    const id = sdName(c, 'SD-ID');
    if (ids.has(id)) c.fail(`SD-ID ${id} appears twice`);
    ids.add(id);
    const params: (readonly [string, string])[] = [];
    while (c.peek() === SP) {
      c.pos++;
      const name = sdName(c, 'PARAM-NAME');
      c.expect(0x3d, '"="');
      c.expect(0x22, 'opening quote');
      params.push([name, paramValue(c)]);
    }
    c.expect(0x5d, '"]"');
    elements.push({ id, params });
  }
  return elements;
}

function paramValue(c: Cursor): string {
  const b = c.bytes;
  const chunks: string[] = [];
  let start = c.pos;
  for (;;) {
    const byte = b[c.pos];
    if (byte === undefined) c.fail('unterminated PARAM-VALUE');
    if (byte === 0x5d) c.fail('unescaped "]" in PARAM-VALUE');
    if (byte === 0x22) break;
    if (byte === 0x5c) {
      const next = b[c.pos + 1];
      if (next === 0x22 || next === 0x5c || next === 0x5d) {
        chunks.push(decodeUtf8(c, start, c.pos, 'PARAM-VALUE'), String.fromCharCode(next));
        c.pos += 2;
        start = c.pos;
        continue;
      }
      // RFC 5424 §6.3.3: any other backslash is a literal backslash.
    }
    c.pos++;
  }
  chunks.push(decodeUtf8(c, start, c.pos, 'PARAM-VALUE'));
  c.pos++; // closing quote
  return chunks.join('');
}

/** Splits an RFC 6587 §3.4.1 octet-counted stream (`MSG-LEN SP SYSLOG-MSG`) into its messages. */
export function splitOctetCounted(stream: Uint8Array): Uint8Array[] {
  const messages: Uint8Array[] = [];
  const c = new Cursor(stream);
  while (!c.done) {
    // MSG-LEN = NONZERO-DIGIT *DIGIT
    if (c.peek() === 0x30) c.fail('MSG-LEN with a leading zero');
    const length = Number(c.digits(1, 10, 'MSG-LEN'));
    c.expect(SP, 'SP after MSG-LEN');
    if (c.pos + length > stream.length) c.fail(`MSG-LEN ${length} past the end`);
    messages.push(stream.subarray(c.pos, c.pos + length));
    c.pos += length;
  }
  return messages;
}

/** Splits an RFC 6587 §3.4.2 LF-framed stream; every message must end in LF. */
export function splitLfFramed(stream: Uint8Array): Uint8Array[] {
  const messages: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < stream.length; i++) {
    if (stream[i] === 0x0a) {
      messages.push(stream.subarray(start, i));
      start = i + 1;
    }
  }
  if (start !== stream.length) throw new Rfc5424SyntaxError('trailing bytes without LF', start);
  return messages;
}
