import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSyslogEncoder } from '../../src/syslog/index.ts';
import type { SyslogFacility, SyslogFraming, SyslogMessage, SyslogSeverity } from '../../src/syslog/index.ts';
import { intendedFields, intendedText } from './support/intended-fields.ts';
import { parseRfc5424, splitLfFramed, splitOctetCounted } from './support/rfc5424-parser.ts';
import type { ParsedSyslog } from './support/rfc5424-parser.ts';

const NOW = Date.UTC(2024, 4, 1, 12, 0, 0, 7);
const RUNS = 400;

/** Any UTF-16 code unit, lone surrogates included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));
/** The characters that matter to syslog, often. */
const tricky = fc.constantFrom('\n', '\r', '\r\n', '\t', '\x00', '\x1b', '\x7f', ']', '"', '\\', '=', ' ', '-', '@', '[', '\ufeff', 'é', '日', '😀', '\ud800');
const anyText = (maxLength: number): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: codeUnit, maxLength }),
    fc.string({ unit: fc.oneof(tricky, fc.string({ maxLength: 3 })), maxLength }),
  );
const optional = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });
const facility = fc.oneof(fc.constantFrom('kern', 'user', 'local0', 'local7', 'authpriv', 'bogus'), fc.integer({ min: -2, max: 26 }));
const severity = fc.oneof(fc.constantFrom('emerg', 'warning', 'info', 'debug', 'bogus'), fc.integer({ min: -2, max: 9 }));
const timestamp = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.date({ min: new Date(-62_198_755_200_000), max: new Date(253_433_923_200_000) }), // years -0001 to 10000
  fc.integer({ min: -1e15, max: 1e15 }),
);
const sdKey = fc.oneof(anyText(40), fc.constantFrom('app.kubernetes.io/name', 'x@32473', 'kubernetes@47450', 'a'.repeat(33), 'origin'));
const structuredData = fc.dictionary(sdKey, fc.dictionary(sdKey, fc.oneof(anyText(60), fc.integer(), fc.double(), fc.boolean()), { maxKeys: 6 }), { maxKeys: 4 });

const anyMessage: fc.Arbitrary<SyslogMessage> = fc
  .record({
    facility: optional(facility),
    severity,
    timestamp,
    hostname: optional(anyText(300)),
    appName: optional(anyText(60)),
    procId: optional(anyText(140)),
    msgId: optional(anyText(40)),
    structuredData: optional(structuredData),
    msg: optional(anyText(300)),
  })
  .map((r) => {
    // exactOptionalPropertyTypes: leave absent fields out rather than `undefined`.
    const entries = Object.entries(r).filter(([key, value]) => value !== undefined || key === 'timestamp');
    return Object.fromEntries(entries) as unknown as SyslogMessage;
  });

function deframe(bytes: Uint8Array, framing: SyslogFraming): Uint8Array {
  if (framing === 'none') return bytes;
  const messages = framing === 'octet-counting' ? splitOctetCounted(bytes) : splitLfFramed(bytes);
  expect(messages).toHaveLength(1);
  return messages[0]!;
}

function fieldsOf(parsed: ParsedSyslog): Omit<ParsedSyslog, 'pri' | 'version' | 'bom'> {
  const { facility, severity, timestamp, hostname, appName, procId, msgId, structuredData, msg } = parsed;
  return { facility, severity, timestamp, hostname, appName, procId, msgId, structuredData, msg };
}

describe('encode → strict parse', () => {
  it.each([
    ['none', 'keep'],
    ['octet-counting', 'keep'],
    ['octet-counting', 'symbol'],
    ['non-transparent', 'space'],
    ['non-transparent', 'symbol'],
  ] as const)('any message re-parses to the intended fields (%s framing, newlines %s)', (framing, newlines) => {
    const encoder = createSyslogEncoder({ framing, newlines, clock: () => NOW });
    fc.assert(
      fc.property(anyMessage, (message) => {
        const parsed = parseRfc5424(deframe(encoder.encode(message), framing));
        expect(parsed.version).toBe(1);
        expect(parsed.bom).toBe(parsed.msg !== null);
        expect(fieldsOf(parsed)).toEqual(intendedFields(message, { newlines, now: NOW }));
      }),
      { numRuns: RUNS },
    );
  });

  it('valid input comes back unchanged', () => {
    const printable = (min: number, max: number): fc.Arbitrary<string> =>
      fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((n) => String.fromCharCode(n)), minLength: min, maxLength: max }).filter((s) => s !== '-');
    const sdNameArb = fc.string({ unit: fc.constantFrom(...'abcXYZ019.-_@/:'.split('')), minLength: 1, maxLength: 32 });
    const cleanText = fc.string({ unit: 'grapheme', maxLength: 200 });
    const valid = fc.record({
      facility: fc.integer({ min: 0, max: 23 }) as fc.Arbitrary<SyslogFacility & number>,
      severity: fc.integer({ min: 0, max: 7 }) as fc.Arbitrary<SyslogSeverity & number>,
      hostname: printable(1, 255),
      appName: printable(1, 48),
      procId: printable(1, 128),
      msgId: printable(1, 32),
      structuredData: fc.dictionary(sdNameArb, fc.dictionary(sdNameArb, cleanText, { maxKeys: 5 }), { maxKeys: 3 }),
      msg: cleanText.map((s) => s.replace(/\n+$/, '')),
    });
    const encoder = createSyslogEncoder({ framing: 'octet-counting' });
    fc.assert(
      fc.property(valid, (message) => {
        const parsed = parseRfc5424(splitOctetCounted(encoder.encode({ ...message, timestamp: null }))[0]!);
        expect(parsed.pri).toBe(message.facility * 8 + message.severity);
        expect([parsed.hostname, parsed.appName, parsed.procId, parsed.msgId]).toEqual([message.hostname, message.appName, message.procId, message.msgId]);
        expect(parsed.structuredData).toEqual(Object.entries(message.structuredData).map(([id, params]) => ({ id, params: Object.entries(params) })));
        expect(parsed.msg).toBe(message.msg === '' ? null : message.msg);
      }),
      { numRuns: RUNS },
    );
  });

  it('a stream of octet-counted messages splits back into the same messages', () => {
    const encoder = createSyslogEncoder({ framing: 'octet-counting', clock: () => NOW });
    fc.assert(
      fc.property(fc.array(anyMessage, { maxLength: 8 }), (messages) => {
        const frames = messages.map((m) => encoder.encode(m));
        const stream = Buffer.concat(frames);
        const split = splitOctetCounted(stream).map((m) => fieldsOf(parseRfc5424(m)));
        expect(split).toEqual(messages.map((m) => intendedFields(m, { now: NOW })));
      }),
      { numRuns: 100 },
    );
  });
});

describe('maxMessageSize', () => {
  it('never exceeds the cap, and keeps the longest MSG prefix that fits', () => {
    fc.assert(
      fc.property(anyMessage, fc.integer({ min: 480, max: 3000 }), (message, max) => {
        const encoder = createSyslogEncoder({ maxMessageSize: max, clock: () => NOW });
        const bytes = encoder.encode(message);
        expect(bytes.length).toBeLessThanOrEqual(max);
        const parsed = parseRfc5424(bytes);
        const intended = intendedFields(message, { now: NOW });
        expect(intended.structuredData.slice(0, parsed.structuredData.length)).toEqual(parsed.structuredData);
        const full = intended.msg ?? '';
        const got = parsed.msg ?? '';
        expect(full.startsWith(got)).toBe(true);
        if (got !== full) {
          // The next code point (after any LFs the cut left at the end) would not have fitted.
          const rest = full.slice(got.length);
          const lfs = /^\n*/.exec(rest)![0].length;
          const next = String.fromCodePoint(rest.codePointAt(lfs) ?? 0x0a);
          const extra = (got === '' ? 4 : 0) + lfs + Buffer.byteLength(next);
          expect(bytes.length + extra).toBeGreaterThan(max);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('TIMESTAMP', () => {
  const two = (n: number): string => String(n).padStart(2, '0');
  it('an RFC 3339 string keeps its instant to the microsecond, in UTC', () => {
    const instant = fc.integer({ min: Date.UTC(1, 0, 2), max: Date.UTC(9999, 11, 30) });
    const offset = fc.integer({ min: -1439, max: 1439 });
    const fraction = fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), maxLength: 9 });
    const encoder = createSyslogEncoder();
    fc.assert(
      fc.property(instant, offset, fraction, fc.boolean(), (utcSeconds, offsetMinutes, digits, lower) => {
        const utc = Math.floor(utcSeconds / 1000) * 1000;
        const local = new Date(utc + offsetMinutes * 60_000);
        const sign = offsetMinutes < 0 ? '-' : '+';
        const abs = Math.abs(offsetMinutes);
        const year = String(local.getUTCFullYear()).padStart(4, '0');
        const input =
          `${year}-${two(local.getUTCMonth() + 1)}-${two(local.getUTCDate())}${lower ? 't' : 'T'}` +
          `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())}` +
          `${digits === '' ? '' : `.${digits}`}${offsetMinutes === 0 && lower ? 'z' : `${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`}`;
        const iso = new Date(utc).toISOString().slice(0, 19);
        const expected = `${iso}.${digits.padEnd(6, '0').slice(0, 6)}Z`;
        expect(parseRfc5424(encoder.encode({ severity: 'info', timestamp: input })).timestamp).toBe(expected);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('text rule', () => {
  it('MSG and PARAM-VALUEs hold no C0 control other than TAB and LF, and no lone surrogate', () => {
    fc.assert(
      fc.property(anyText(200), (value) => {
        for (const rule of ['keep', 'space', 'symbol'] as const) {
          const out = intendedText(value, rule);
          // eslint-disable-next-line no-control-regex -- looking for control characters
          expect(/[\x00-\x08\x0b-\x1f\x7f]/.test(out)).toBe(false);
          expect(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(out)).toBe(false);
          if (rule !== 'keep') expect(out.includes('\n')).toBe(false);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
