import { describe, expect, it } from 'vitest';
import { parseRfc5424, Rfc5424SyntaxError, splitLfFramed, splitOctetCounted } from './support/rfc5424-parser.ts';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

// The test-side parser must be strict, or the property tests prove nothing: it has to reject
// every mistake ../shared/peers/SYSLOG-RECEIVERS.md lists as breaking rsyslog or syslog-ng.
describe('strict RFC 5424 parser', () => {
  it('parses the RFC 5424 §6.5 examples', () => {
    const one = parseRfc5424(bytes('<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \ufeff\'su root\' failed for lonvick on /dev/pts/8'));
    expect(one).toMatchObject({ facility: 4, severity: 2, hostname: 'mymachine.example.com', appName: 'su', procId: null, msgId: 'ID47', bom: true });
    const sd = parseRfc5424(
      bytes('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]'),
    );
    expect(sd.structuredData).toEqual([
      { id: 'exampleSDID@32473', params: [['iut', '3'], ['eventSource', 'Application'], ['eventID', '1011']] },
      { id: 'examplePriority@32473', params: [['class', 'high']] },
    ]);
    expect(sd.msg).toBeNull();
    expect(parseRfc5424(bytes('<0>1 - - - - - [a@1 v="\\a\\"\\\\\\]"]')).structuredData[0]?.params).toEqual([['v', '\\a"\\]']]);
  });

  it.each([
    ['PRI over 191', '<192>1 - - - - - -'],
    ['PRI with a leading zero', '<01>1 - - - - - -'],
    ['VERSION 0', '<1>0 - - - - - -'],
    ['lower-case t', '<1>1 2024-01-01t00:00:00Z - - - - -'],
    ['seven fraction digits', '<1>1 2024-01-01T00:00:00.1234567Z - - - - -'],
    ['no offset', '<1>1 2024-01-01T00:00:00 - - - - -'],
    ['February 30th', '<1>1 2024-02-30T00:00:00Z - - - - -'],
    ['a leap second', '<1>1 2016-12-31T23:59:60Z - - - - -'],
    ['an empty field', '<1>1 -  - - - -'],
    ['HOSTNAME over 255', `<1>1 - ${'h'.repeat(256)} - - - -`],
    ['APP-NAME over 48', `<1>1 - - ${'a'.repeat(49)} - - -`],
    ['PROCID over 128', `<1>1 - - - ${'p'.repeat(129)} - -`],
    ['MSGID over 32', `<1>1 - - - - ${'m'.repeat(33)} -`],
    ['non-ASCII in HOSTNAME', '<1>1 - hé - - - -'],
    ['SD-ID over 32', `<1>1 - - - - - [${'i'.repeat(33)}]`],
    ['PARAM-NAME over 32', `<1>1 - - - - - [i ${'p'.repeat(33)}="v"]`],
    ['an unescaped ] in a PARAM-VALUE', '<1>1 - - - - - [i p="a]b"]'],
    ['an unescaped " in a PARAM-VALUE', '<1>1 - - - - - [i p="a"b"]'],
    ['a repeated SD-ID', '<1>1 - - - - - [i p="1"][i p="2"]'],
    ['a space in an SD-ID', '<1>1 - - - - - [a b]'],
    ['no SP before MSG', '<1>1 - - - - - -msg'],
  ])('rejects %s', (_what, message) => {
    expect(() => parseRfc5424(bytes(message))).toThrow(Rfc5424SyntaxError);
  });

  it('rejects a BOM-marked MSG that is not UTF-8', () => {
    const head = bytes('<1>1 - - - - - - \ufeff');
    expect(() => parseRfc5424(new Uint8Array([...head, 0xc3, 0x28]))).toThrow(/not valid UTF-8/);
  });

  it('deframes octet counting by bytes, and refuses a count past the end', () => {
    const m = '<1>1 - - - - - - é';
    const framed = bytes(`${bytes(m).length} ${m}${bytes(m).length} ${m}`);
    expect(splitOctetCounted(framed).map((b) => new TextDecoder().decode(b))).toEqual([m, m]);
    expect(() => splitOctetCounted(bytes(`${m.length + 5} ${m}`))).toThrow(/past the end/);
    expect(() => splitOctetCounted(bytes(`07 ${m}`))).toThrow(/leading zero/);
    expect(() => splitLfFramed(bytes(`${m}\n${m}`))).toThrow(/without LF/);
  });
});
