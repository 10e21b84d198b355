import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.ts';
import { createSyslogEncoder, encodeSyslog } from '../../src/syslog/index.ts';
import type { SyslogMessage } from '../../src/syslog/index.ts';
import { fnv1aHex6 } from './support/intended-fields.ts';
import { parseRfc5424, splitLfFramed, splitOctetCounted } from './support/rfc5424-parser.ts';

const decoder = new TextDecoder();
const text = (bytes: Uint8Array): string => decoder.decode(bytes);
const at = new Date('2024-05-01T12:00:00.123Z');

describe('encodeSyslog', () => {
  it('writes every header field, SD and a BOM-prefixed MSG', () => {
    const bytes = encodeSyslog({
      facility: 'local0',
      severity: 'info',
      timestamp: at,
      hostname: 'node-1',
      appName: 'web',
      procId: '42',
      msgId: 'ID47',
      structuredData: { 'ex@32473': { a: '1', b: 2, c: true } },
      msg: 'hello',
    });
    expect(text(bytes)).toBe('<134>1 2024-05-01T12:00:00.123000Z node-1 web 42 ID47 [ex@32473 a="1" b="2" c="true"] \ufeffhello');
  });

  it('writes PRI 0 for kern.emerg and NILVALUEs for absent fields, with no MSG part', () => {
    expect(text(encodeSyslog({ facility: 'kern', severity: 'emerg', timestamp: null }))).toBe('<0>1 - - - - - -');
    expect(text(encodeSyslog({ facility: 23, severity: 7, timestamp: null, msg: '' }))).toBe('<191>1 - - - - - -');
  });

  it('falls back to user and notice for codes outside the ranges', () => {
    const odd = { facility: 99, severity: -1, timestamp: null } as unknown as SyslogMessage;
    expect(text(encodeSyslog(odd))).toBe('<13>1 - - - - - -');
    const named = { facility: 'nope', severity: 'loud', timestamp: null } as unknown as SyslogMessage;
    expect(text(encodeSyslog(named))).toBe('<13>1 - - - - - -');
  });

  it('omits the BOM when told to', () => {
    expect(text(encodeSyslog({ severity: 'info', timestamp: null, msg: 'x' }, { bom: false }))).toBe('<14>1 - - - - - - x');
  });

  it('keeps a MicroTime string to the microsecond and converts its offset to UTC', () => {
    const out = parseRfc5424(encodeSyslog({ severity: 'info', timestamp: '2024-01-02T03:04:05.1234567+05:30' }));
    expect(out.timestamp).toBe('2024-01-01T21:34:05.123456Z');
    expect(parseRfc5424(encodeSyslog({ severity: 'info', timestamp: '2024-01-02t03:04:05z' })).timestamp).toBe('2024-01-02T03:04:05.000000Z');
  });

  it('writes the NILVALUE for times it cannot represent', () => {
    for (const timestamp of ['2024-02-30T00:00:00Z', '2016-12-31T23:59:60Z', 'yesterday', new Date(Number.NaN), Date.UTC(10000, 0, 1), -62198755200000]) {
      expect(parseRfc5424(encodeSyslog({ severity: 'info', timestamp })).timestamp).toBeNull();
    }
  });

  it('writes TIMESTAMPs in the configured offset and takes the clock for absent ones', () => {
    const encoder = createSyslogEncoder({ utcOffsetMinutes: -150, clock: () => Date.UTC(2024, 0, 1, 0, 0, 0, 5) });
    expect(parseRfc5424(encoder.encode({ severity: 'info' })).timestamp).toBe('2023-12-31T21:30:00.005000-02:30');
    expect(parseRfc5424(encoder.encode({ severity: 'info', timestamp: '2024-06-01T00:00:00.000001Z' })).timestamp).toBe('2024-05-31T21:30:00.000001-02:30');
  });

  it('cuts header fields to their RFC 5424 lengths and replaces non-printable characters', () => {
    const out = parseRfc5424(
      encodeSyslog({ severity: 'info', hostname: 'h'.repeat(256), appName: 'a'.repeat(49), procId: 'p'.repeat(129), msgId: 'm'.repeat(33) }),
    );
    expect([out.hostname?.length, out.appName?.length, out.procId?.length, out.msgId?.length]).toEqual([255, 48, 128, 32]);
    const odd = parseRfc5424(encodeSyslog({ severity: 'info', hostname: 'nœud 1', appName: 'a\tb', msgId: '😀' }));
    expect([odd.hostname, odd.appName, odd.msgId]).toEqual(['n_ud_1', 'a_b', '_']);
  });

  it('escapes \\ " and ] in PARAM-VALUEs and keeps unicode', () => {
    const bytes = encodeSyslog({ severity: 'info', timestamp: null, structuredData: { 'x@1': { v: 'a\\b"c]d[é' } } });
    expect(text(bytes)).toBe('<14>1 - - - - - [x@1 v="a\\\\b\\"c\\]d[é"]');
    expect(parseRfc5424(bytes).structuredData).toEqual([{ id: 'x@1', params: [['v', 'a\\b"c]d[é']] }]);
  });

  it('makes over-long and invalid SD names valid with a hash suffix', () => {
    const longKey = 'app.kubernetes.io/a-very-long-label-name-indeed';
    const out = parseRfc5424(
      encodeSyslog({ severity: 'info', structuredData: { 'bad id': { [longKey]: '1', 'a=b': '2', a_b: '3', '': '4', ok: '5' }, 'x@1': {} } }),
    );
    expect(out.structuredData).toEqual([
      {
        id: 'bad_id',
        params: [
          [`app.kubernetes.io/a-very-~${fnv1aHex6(longKey)}`, '1'],
          ['a_b', '2'],
          [`a_b~${fnv1aHex6('a_b')}`, '3'],
          ['_', '4'],
          ['ok', '5'],
        ],
      },
      { id: 'x@1', params: [] },
    ]);
  });

  it('hashes with 32-bit FNV-1a (published test vectors)', () => {
    // FNV-1a 32 of "a" is 0xe40c292c and of "foobar" 0xbf9cf968 (draft-eastlake-fnv, appendix C).
    expect(fnv1aHex6('a')).toBe('0c292c');
    expect(fnv1aHex6('foobar')).toBe('9cf968');
    const out = parseRfc5424(encodeSyslog({ severity: 'info', structuredData: { 'x@1': { ['a'.repeat(33)]: 'v' } } }));
    expect(out.structuredData[0]?.params[0]?.[0]).toBe(`${'a'.repeat(25)}~${fnv1aHex6('a'.repeat(33))}`);
  });

  it('turns control characters into control pictures and keeps LF and TAB', () => {
    const out = parseRfc5424(encodeSyslog({ severity: 'info', msg: 'a\x00b\x07c\x1bd\x7fe\r\nf\tg\rh\n\n', structuredData: { 'x@1': { v: 'l1\nl2\x00' } } }));
    expect(out.msg).toBe('a\u2400b\u2407c\u241bd\u2421e\nf\tg\u240dh');
    expect(out.structuredData[0]?.params).toEqual([['v', 'l1\nl2\u2400']]);
  });

  it('writes lone surrogates as U+FFFD', () => {
    const out = parseRfc5424(encodeSyslog({ severity: 'info', msg: 'a\ud800b\udc00c😀' }));
    expect(out.msg).toBe('a\ufffdb\ufffdc😀');
  });

  it('writes no MSG for a message of only line breaks', () => {
    expect(parseRfc5424(encodeSyslog({ severity: 'info', msg: '\n\r\n' })).msg).toBeNull();
  });
});

describe('framing', () => {
  const message: SyslogMessage = { severity: 'info', timestamp: null, msg: 'héllo\nwörld' };

  it('octet counting prefixes the UTF-8 byte length', () => {
    const bytes = encodeSyslog(message, { framing: 'octet-counting' });
    const bare = encodeSyslog(message);
    expect(text(bytes)).toBe(`${bare.length} ${text(bare)}`);
    expect(bare.length).toBeGreaterThan(text(bare).length);
    expect(splitOctetCounted(bytes).map(text)).toEqual([text(bare)]);
  });

  it('non-transparent framing ends with LF and writes LF inside as a space by default', () => {
    const bytes = encodeSyslog(message, { framing: 'non-transparent' });
    expect(splitLfFramed(bytes).map((m) => parseRfc5424(m).msg)).toEqual(['héllo wörld']);
    const symbol = encodeSyslog(message, { framing: 'non-transparent', newlines: 'symbol' });
    expect(parseRfc5424(splitLfFramed(symbol)[0]!).msg).toBe('héllo\u2424wörld');
  });
});

describe('maxMessageSize', () => {
  it('cuts MSG on a UTF-8 boundary to fit', () => {
    const encoder = createSyslogEncoder({ maxMessageSize: 480 });
    const bytes = encoder.encode({ severity: 'info', timestamp: null, msg: 'é'.repeat(1000) });
    expect(bytes.length).toBeLessThanOrEqual(480);
    expect(bytes.length).toBeGreaterThanOrEqual(479);
    const out = parseRfc5424(bytes);
    expect(out.msg).toBe('é'.repeat(out.msg!.length));
  });

  it('drops trailing SD-ELEMENTs, then shortens HOSTNAME, when the header alone does not fit', () => {
    // With a numeric offset the header at its longest is 507 bytes for PRI 14.
    const encoder = createSyslogEncoder({ maxMessageSize: 480, utcOffsetMinutes: 60 });
    const big = {
      severity: 'info',
      timestamp: at,
      hostname: 'h'.repeat(255),
      appName: 'a'.repeat(48),
      procId: 'p'.repeat(128),
      msgId: 'm'.repeat(32),
      structuredData: { 'a@1': { v: 'x' }, 'b@1': { v: 'y'.repeat(300) } },
      msg: 'hello',
    } as const;
    const bytes = encoder.encode(big);
    expect(bytes.length).toBe(480);
    const out = parseRfc5424(bytes);
    expect(out.structuredData).toEqual([]);
    expect(out.msg).toBeNull();
    expect(out.hostname).toBe('h'.repeat(255 - (507 - 480)));
    const fits = parseRfc5424(createSyslogEncoder({ maxMessageSize: 700, utcOffsetMinutes: 60 }).encode(big));
    expect(fits.structuredData.map((e) => e.id)).toEqual(['a@1']);
    expect(fits.msg).toBe('hello');
  });
});

describe('createSyslogEncoder options', () => {
  it.each([
    [{ bom: 'yes' }, 'bom'],
    [{ framing: 'lf' }, 'framing'],
    [{ maxMessageSize: 100 }, 'maxMessageSize'],
    [{ maxMessageSize: 1000.5 }, 'maxMessageSize'],
    [{ newlines: 'drop' }, 'newlines'],
    [{ framing: 'non-transparent', newlines: 'keep' }, 'newlines'],
    [{ utcOffsetMinutes: 1440 }, 'utcOffsetMinutes'],
    [{ clock: 5 }, 'clock'],
  ])('rejects %j', (options, option) => {
    expect(() => createSyslogEncoder(options as never)).toThrow(InvalidOptionError);
    try {
      createSyslogEncoder(options as never);
    } catch (err) {
      expect((err as InvalidOptionError).option).toBe(option);
      expect((err as InvalidOptionError).code).toBe('ERR_INVALID_OPTION');
    }
  });
});
