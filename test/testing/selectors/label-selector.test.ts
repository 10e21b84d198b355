import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareByteOrder,
  labelSelectorFromObject,
  labelSelectorString,
  matchesLabels,
  parseLabelSelector,
  type LabelSelector,
} from '../../../src/testing/selectors/label-selector.ts';
import { InvalidLabelSelectorError } from '../../../src/testing/selectors/selector-errors.ts';

/** The message parseLabelSelector throws for `text` (fails the test if it parses). */
function parseError(text: string): string {
  try {
    parseLabelSelector(text);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidLabelSelectorError);
    expect((err as InvalidLabelSelectorError).code).toBe('ERR_INVALID_LABEL_SELECTOR');
    return (err as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(text)} not to parse`);
}

function objectError(sel: Parameters<typeof labelSelectorFromObject>[0]): string {
  try {
    labelSelectorFromObject(sel);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidLabelSelectorError);
    return (err as Error).message;
  }
  throw new Error('expected the selector object to be rejected');
}

const KEY_NAME_RULE =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_RULE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const PREFIX_RULE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe('parseLabelSelector: grammar', () => {
  it('parses every operator into sorted requirements', () => {
    const sel = parseLabelSelector('x in (foo,,baz),y,z notin (),!w,a=1,b==2,c!=3,d>4,e<5');
    expect(sel.matchesNothing).toBe(false);
    expect(sel.requirements).toEqual([
      { key: 'a', operator: '=', values: ['1'] },
      { key: 'b', operator: '==', values: ['2'] },
      { key: 'c', operator: '!=', values: ['3'] },
      { key: 'd', operator: 'gt', values: ['4'] },
      { key: 'e', operator: 'lt', values: ['5'] },
      { key: 'w', operator: '!', values: [] },
      { key: 'x', operator: 'in', values: ['', 'baz', 'foo'] },
      { key: 'y', operator: 'exists', values: [] },
      { key: 'z', operator: 'notin', values: [''] },
    ]);
  });

  it('selects everything for the empty string and for whitespace only', () => {
    for (const text of ['', ' ', '\t\r\n ']) {
      const sel = parseLabelSelector(text);
      expect(sel.requirements).toEqual([]);
      expect(matchesLabels(sel, undefined)).toBe(true);
      expect(matchesLabels(sel, { any: 'thing' })).toBe(true);
    }
  });

  it('allows spaces, tabs, CR and LF around every token', () => {
    const sel = parseLabelSelector(' a \t= b ,\r\nc  in ( x , y ) , ! d ,e notin(z)');
    expect(labelSelectorString(sel)).toBe('a=b,c in (x,y),!d,e notin (z)');
  });

  it('needs whitespace between a key and in/notin, but not between the keyword and (', () => {
    expect(parseError('ain (b)')).toBe("unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt");
    expect(parseLabelSelector('a in(b)').requirements).toEqual([{ key: 'a', operator: 'in', values: ['b'] }]);
    expect(parseLabelSelector('a notin(b)').requirements).toEqual([{ key: 'a', operator: 'notin', values: ['b'] }]);
  });

  it('reads the keywords in and notin as plain identifiers in key and value position', () => {
    expect(parseLabelSelector('in=notin').requirements).toEqual([{ key: 'in', operator: '=', values: ['notin'] }]);
    expect(parseLabelSelector('notin in (in,notin)').requirements).toEqual([{ key: 'notin', operator: 'in', values: ['in', 'notin'] }]);
    expect(parseLabelSelector('in').requirements).toEqual([{ key: 'in', operator: 'exists', values: [] }]);
  });

  it('treats a missing exact value as the empty string', () => {
    expect(parseLabelSelector('a=').requirements).toEqual([{ key: 'a', operator: '=', values: [''] }]);
    expect(parseLabelSelector('a!=,b==').requirements).toEqual([
      { key: 'a', operator: '!=', values: [''] },
      { key: 'b', operator: '==', values: [''] },
    ]);
  });

  it('handles empty members of a value set like upstream', () => {
    const values = (text: string): readonly string[] => parseLabelSelector(text).requirements[0]?.values ?? [];
    expect(values('a in ()')).toEqual(['']);
    expect(values('a in (,)')).toEqual(['']);
    expect(values('a in (,b)')).toEqual(['', 'b']);
    expect(values('a in (b,)')).toEqual(['', 'b']);
    expect(values('a in (b,,c)')).toEqual(['', 'b', 'c']);
    expect(values('a in (c,b,c)')).toEqual(['b', 'c']);
  });

  it('accepts qualified keys with a DNS subdomain prefix', () => {
    const key = `${'a'.repeat(60)}.example.com/${'N'.repeat(63)}`;
    expect(parseLabelSelector(`${key}=v`).requirements[0]?.key).toBe(key);
    expect(parseLabelSelector('app.kubernetes.io/name in (web)').requirements[0]?.key).toBe('app.kubernetes.io/name');
  });

  it('accepts values up to 63 bytes and integers for gt/lt', () => {
    expect(parseLabelSelector(`a=${'v'.repeat(63)}`).requirements[0]?.values).toEqual(['v'.repeat(63)]);
    expect(parseLabelSelector('a>9223372036854775807').requirements[0]?.values).toEqual(['9223372036854775807']);
    expect(parseLabelSelector('a<007').requirements[0]?.values).toEqual(['007']);
  });

  it('stops at a NUL character between tokens, as Go reads a 0 byte as the end', () => {
    expect(parseLabelSelector('a=b \u0000,garbage(((').requirements).toEqual([{ key: 'a', operator: '=', values: ['b'] }]);
    expect(parseError('a=b, \u0000c')).toBe("found '', expected: identifier after ','");
    // Right after an identifier or a symbol the NUL is swallowed and only ends that token.
    expect(labelSelectorString(parseLabelSelector('a=b,\u0000c'))).toBe('a=b,c');
    expect(parseError('a=b\u0000c')).toBe("found 'c', expected: ',' or 'end of string'");
  });
});

describe('parseLabelSelector: error texts', () => {
  it.each([
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['=a', "found '=', expected: !, identifier, or 'end of string'"],
    [')', "found ')', expected: !, identifier, or 'end of string'"],
    ['a,', "found '', expected: identifier after ','"],
    ['a,,b', "found ',', expected: identifier after ','"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['a in (b) c', "found 'c', expected: ',' or 'end of string'"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['!!a', "unable to parse requirement: found '!', expected: identifier"],
    ['!(', "unable to parse requirement: found '(', expected: identifier"],
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['component not in (kube-apiserver)', "unable to parse requirement: found 'not', expected: in, notin, =, ==, !=, gt, lt"],
    ['a (', "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"],
    ['a in b', "unable to parse requirement: found 'b' expected: '('"],
    ['a in', "unable to parse requirement: found '' expected: '('"],
    ['a in ((', "unable to parse requirement: found '(', expected: ',', ')' or identifier"],
    ['a in (', "unable to parse requirement: found '', expected: ',', ')' or identifier"],
    ['a in (b', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a in (b c)', "unable to parse requirement: found 'c', expected: ',' or ')'"],
    ['a in (b,(', "unable to parse requirement: found '(', expected: ',', or identifier"],
    ['a in (,', "unable to parse requirement: found '', expected: ',', or identifier"],
    ['a=(', "unable to parse requirement: found '(', expected: identifier"],
    ['a>=1', "unable to parse requirement: found '=', expected: identifier"],
    ['a!=!', "unable to parse requirement: found '!', expected: identifier"],
  ])('%j → %s', (text, message) => {
    expect(parseError(text)).toBe(message);
  });

  it('reports an invalid key with a nil field path', () => {
    expect(parseError('a$=b')).toBe(`unable to parse requirement: <nil>: Invalid value: "a$": name part ${KEY_NAME_RULE}`);
    expect(parseError('-a')).toBe(`unable to parse requirement: <nil>: Invalid value: "-a": name part ${KEY_NAME_RULE}`);
    expect(parseError(`!${'k'.repeat(64)}`)).toBe(`unable to parse requirement: <nil>: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 bytes`);
    expect(parseError(`${'k'.repeat(63)}-`)).toBe(
      `unable to parse requirement: <nil>: Invalid value: "${'k'.repeat(63)}-": name part must be no more than 63 bytes; name part ${KEY_NAME_RULE}`,
    );
  });

  it('reports invalid key prefixes and too many slashes', () => {
    expect(parseError('/a')).toBe('unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty');
    expect(parseError('/')).toBe(
      `unable to parse requirement: <nil>: Invalid value: "/": prefix part must be non-empty; name part must be non-empty; name part ${KEY_NAME_RULE}`,
    );
    expect(parseError('Example.com/a')).toBe(`unable to parse requirement: <nil>: Invalid value: "Example.com/a": prefix part ${PREFIX_RULE}`);
    const longPrefix = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}`;
    expect(parseError(`${longPrefix}/a`)).toBe(`unable to parse requirement: <nil>: Invalid value: "${longPrefix}/a": prefix part must be no more than 253 bytes`);
    expect(parseError('a/b/c')).toBe(
      `unable to parse requirement: <nil>: Invalid value: "a/b/c": a valid label key ${KEY_NAME_RULE} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    );
  });

  it('measures lengths in UTF-8 bytes and quotes values as Go does', () => {
    const value = 'é'.repeat(32); // 64 bytes
    expect(parseError(`a=${value}`)).toBe(`unable to parse requirement: values[0][a]: Invalid value: "${value}": must be no more than 63 bytes; ${VALUE_RULE}`);
    expect(parseError('a=x\u0001"')).toBe(`unable to parse requirement: values[0][a]: Invalid value: "x\\x01\\"": ${VALUE_RULE}`);
  });

  it('reports every invalid value of a set, in sorted order, in brackets', () => {
    expect(parseError('x in (b$,a$)')).toBe(
      `unable to parse requirement: [values[0][x]: Invalid value: "a$": ${VALUE_RULE}, values[1][x]: Invalid value: "b$": ${VALUE_RULE}]`,
    );
  });

  it('requires an int64 for gt and lt, and still a valid label value', () => {
    expect(parseError('x>99999999999999999999')).toBe(
      'unable to parse requirement: values[0]: Invalid value: "99999999999999999999": for \'Gt\', \'Lt\' operators, the value must be an integer',
    );
    expect(parseError('x<a$')).toBe(
      `unable to parse requirement: [values[0]: Invalid value: "a$": for 'Gt', 'Lt' operators, the value must be an integer, values[0][x]: Invalid value: "a$": ${VALUE_RULE}]`,
    );
    expect(parseError('x>-1')).toBe(`unable to parse requirement: values[0][x]: Invalid value: "-1": ${VALUE_RULE}`);
  });
});

describe('matchesLabels', () => {
  const match = (text: string, labels?: Record<string, string>): boolean => matchesLabels(parseLabelSelector(text), labels);

  it('= and == need the label with that value', () => {
    expect(match('a=1', { a: '1' })).toBe(true);
    expect(match('a==1', { a: '1' })).toBe(true);
    expect(match('a=1', { a: '2' })).toBe(false);
    expect(match('a=1', {})).toBe(false);
    expect(match('a=', { a: '' })).toBe(true);
    expect(match('a=', {})).toBe(false);
  });

  it('!= and notin match objects without the label', () => {
    expect(match('a!=1', {})).toBe(true);
    expect(match('a!=1', undefined)).toBe(true);
    expect(match('a!=1', { a: '2' })).toBe(true);
    expect(match('a!=1', { a: '1' })).toBe(false);
    expect(match('a notin (1,2)', {})).toBe(true);
    expect(match('a notin (1,2)', { a: '3' })).toBe(true);
    expect(match('a notin (1,2)', { a: '2' })).toBe(false);
  });

  it('in needs the label with one of the values', () => {
    expect(match('a in (1,2)', { a: '2' })).toBe(true);
    expect(match('a in (1,2)', { a: '3' })).toBe(false);
    expect(match('a in (1,2)', {})).toBe(false);
    expect(match('a in ()', { a: '' })).toBe(true);
  });

  it('exists and !', () => {
    expect(match('a', { a: '' })).toBe(true);
    expect(match('a', { b: 'x' })).toBe(false);
    expect(match('!a', { b: 'x' })).toBe(true);
    expect(match('!a', { a: 'x' })).toBe(false);
  });

  it('gt and lt compare int64 label values and never match a missing or non-integer label', () => {
    expect(match('a>5', { a: '6' })).toBe(true);
    expect(match('a>5', { a: '5' })).toBe(false);
    expect(match('a<5', { a: '-9223372036854775808' })).toBe(true);
    expect(match('a>5', { a: '9223372036854775808' })).toBe(false);
    expect(match('a>5', { a: 'six' })).toBe(false);
    expect(match('a>5', {})).toBe(false);
    expect(match('a<5', {})).toBe(false);
    expect(match('a>9223372036854775806', { a: '9223372036854775807' })).toBe(true);
  });

  it('ANDs the requirements', () => {
    expect(match('a=1,b', { a: '1', b: '' })).toBe(true);
    expect(match('a=1,b', { a: '1' })).toBe(false);
  });

  it('does not see inherited properties as labels', () => {
    expect(match('toString')).toBe(false);
    expect(match('!constructor', {})).toBe(true);
  });
});

describe('labelSelectorFromObject', () => {
  it('selects nothing for null or undefined and everything for an empty object', () => {
    expect(matchesLabels(labelSelectorFromObject(null), {})).toBe(false);
    expect(matchesLabels(labelSelectorFromObject(undefined), { a: '1' })).toBe(false);
    expect(matchesLabels(labelSelectorFromObject({}), {})).toBe(true);
    expect(matchesLabels(labelSelectorFromObject({ matchLabels: null, matchExpressions: null }), { a: '1' })).toBe(true);
  });

  it('converts matchLabels and every matchExpressions operator', () => {
    const sel = labelSelectorFromObject({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['front', 'edge'] },
        { key: 'env', operator: 'NotIn', values: ['prod'] },
        { key: 'team', operator: 'Exists' },
        { key: 'canary', operator: 'DoesNotExist', values: [] },
      ],
    });
    expect(sel.requirements).toEqual([
      { key: 'app', operator: '=', values: ['web'] },
      { key: 'canary', operator: '!', values: [] },
      { key: 'env', operator: 'notin', values: ['prod'] },
      { key: 'team', operator: 'exists', values: [] },
      { key: 'tier', operator: 'in', values: ['front', 'edge'] },
    ]);
    expect(matchesLabels(sel, { app: 'web', tier: 'edge', team: 'x' })).toBe(true);
    expect(matchesLabels(sel, { app: 'web', tier: 'edge', team: 'x', canary: 'y' })).toBe(false);
    expect(matchesLabels(sel, { app: 'web', tier: 'edge', team: 'x', env: 'prod' })).toBe(false);
    expect(matchesLabels(sel, { app: 'web', tier: 'back', team: 'x' })).toBe(false);
  });

  it('rejects an unknown operator', () => {
    expect(objectError({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] })).toBe('"Gt" is not a valid label selector operator');
  });

  it("reports NewRequirement's errors with its field paths", () => {
    expect(objectError({ matchExpressions: [{ key: 'a', operator: 'In' }] })).toBe(
      "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
    );
    expect(objectError({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: [] }] })).toBe(
      "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
    );
    expect(objectError({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x', 'y'] }] })).toBe(
      'values: Invalid value: []string{"x", "y"}: values set must be empty for exists and does not exist',
    );
    expect(objectError({ matchLabels: { 'a/b/c': 'ok' } })).toMatch(/^key: Invalid value: "a\/b\/c": a valid label key /);
    expect(objectError({ matchLabels: { a: 'x!' } })).toBe(`values[0][a]: Invalid value: "x!": ${VALUE_RULE}`);
    expect(objectError({ matchExpressions: [{ key: 'k', operator: 'In', values: ['ok', 'b$'] }] })).toBe(`values[1][k]: Invalid value: "b$": ${VALUE_RULE}`);
  });

  it('reports the first invalid matchLabels key in sorted order', () => {
    expect(objectError({ matchLabels: { 'z$': '1', 'b$': '2' } })).toMatch(/^key: Invalid value: "b\$"/);
  });
});

describe('labelSelectorString', () => {
  it('writes the upstream String() form', () => {
    expect(labelSelectorString(parseLabelSelector('b in (y,x), a,!c,d notin (q),e>1,f<2,g==h,i!=j,k=l'))).toBe(
      'a,b in (x,y),!c,d notin (q),e>1,f<2,g==h,i!=j,k=l',
    );
    expect(labelSelectorString(parseLabelSelector(''))).toBe('');
  });
});

describe('compareByteOrder', () => {
  it('orders by code point (UTF-8 byte order), not UTF-16 code unit', () => {
    expect(compareByteOrder('\u{1F600}', '\uFFFD')).toBe(1);
    expect(compareByteOrder('a', 'ab')).toBeLessThan(0);
    expect(compareByteOrder('b', 'a')).toBe(1);
    expect(compareByteOrder('x\u{1F600}', 'x\u{1F600}')).toBe(0);
  });
});

describe('properties', () => {
  const alnum = ['a', 'b', 'c', 'x', 'y', 'z', 'A', 'B', 'X', 'Z', '0', '1', '8', '9'];
  const name = fc
    .tuple(fc.constantFrom(...alnum), fc.string({ unit: fc.constantFrom(...alnum, '-', '_', '.'), maxLength: 20 }), fc.constantFrom(...alnum))
    .map(([a, mid, b]) => `${a}${mid}${b}`);
  const value = fc.oneof(fc.constant(''), name);
  const requirement = fc.oneof(
    fc.tuple(name, fc.constantFrom('=', '==', '!=')).chain(([k, op]) => value.map((v) => `${k}${op}${v}`)),
    fc.tuple(name, fc.constantFrom('in', 'notin'), fc.array(value, { minLength: 1, maxLength: 4 })).map(([k, op, vs]) => `${k} ${op} (${vs.join(',')})`),
    name,
    name.map((k) => `!${k}`),
    fc.tuple(name, fc.constantFrom('>', '<'), fc.nat()).map(([k, op, n]) => `${k}${op}${n}`),
  );
  const selectorText = fc.array(requirement, { maxLength: 5 }).map((rs) => rs.join(','));
  const labels = fc.dictionary(name, value, { maxKeys: 6 });

  it('parse(String(sel)) gives the same selector back', () => {
    fc.assert(
      fc.property(selectorText, (text) => {
        const sel = parseLabelSelector(text);
        expect(parseLabelSelector(labelSelectorString(sel))).toEqual(sel);
      }),
    );
  });

  it('k!=v matches exactly when k=v does not', () => {
    fc.assert(
      fc.property(name, value, labels, (k, v, ls) => {
        expect(matchesLabels(parseLabelSelector(`${k}!=${v}`), ls)).toBe(!matchesLabels(parseLabelSelector(`${k}=${v}`), ls));
        expect(matchesLabels(parseLabelSelector(`${k} notin (${v})`), ls)).toBe(!matchesLabels(parseLabelSelector(`${k} in (${v})`), ls));
        expect(matchesLabels(parseLabelSelector(`!${k}`), ls)).toBe(!matchesLabels(parseLabelSelector(k), ls));
      }),
    );
  });

  it('a comma is an AND', () => {
    fc.assert(
      fc.property(requirement, requirement, labels, (a, b, ls) => {
        const both = matchesLabels(parseLabelSelector(`${a},${b}`), ls);
        expect(both).toBe(matchesLabels(parseLabelSelector(a), ls) && matchesLabels(parseLabelSelector(b), ls));
      }),
    );
  });

  it('a value parses exactly when it is a valid label value', () => {
    const chars = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '-', '_', '.', '$', 'é', '/'), maxLength: 70 });
    fc.assert(
      fc.property(chars, (v) => {
        const valid = Buffer.byteLength(v) <= 63 && /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v);
        let parsed: LabelSelector | undefined;
        try {
          parsed = parseLabelSelector(`k=${v}`);
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidLabelSelectorError);
        }
        expect(parsed !== undefined).toBe(valid);
      }),
    );
  });

  it('never throws anything but InvalidLabelSelectorError', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '=', '!', '(', ')', ',', ' ', '<', '>', 'in', 'notin', '/', '\u0000', 'x') }), (text) => {
        try {
          parseLabelSelector(text);
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidLabelSelectorError);
        }
      }),
    );
  });
});
