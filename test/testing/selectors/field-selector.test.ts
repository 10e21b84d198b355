import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  escapeFieldValue,
  fieldSelectorExactMatch,
  fieldSelectorRequirements,
  fieldSelectorString,
  matchesFields,
  parseFieldSelector,
  unescapeFieldValue,
} from '../../../src/testing/selectors/field-selector.ts';
import { InvalidFieldSelectorError } from '../../../src/testing/selectors/selector-errors.ts';

function parseError(text: string): string {
  try {
    parseFieldSelector(text);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidFieldSelectorError);
    expect((err as InvalidFieldSelectorError).code).toBe('ERR_INVALID_FIELD_SELECTOR');
    return (err as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(text)} not to parse`);
}

describe('parseFieldSelector: grammar', () => {
  it('parses =, == and != terms, sorted by their text', () => {
    expect(fieldSelectorRequirements(parseFieldSelector('type!=Normal,involvedObject.kind==Pod,reason=Started'))).toEqual([
      { field: 'involvedObject.kind', operator: '=', value: 'Pod' },
      { field: 'reason', operator: '=', value: 'Started' },
      { field: 'type', operator: '!=', value: 'Normal' },
    ]);
  });

  it('selects everything for the empty string, empty terms and bare operators', () => {
    for (const text of ['', ',', ',,', '=', '==', '!=', '=,!=']) {
      const sel = parseFieldSelector(text);
      expect(sel.requirements).toEqual([]);
      expect(matchesFields(sel, {})).toBe(true);
    }
    expect(parseFieldSelector('a=b,,').requirements).toEqual([{ field: 'a', operator: '=', value: 'b' }]);
  });

  it('keeps a term with an empty field or an empty value', () => {
    expect(parseFieldSelector('=x').requirements).toEqual([{ field: '', operator: '=', value: 'x' }]);
    expect(parseFieldSelector('a=').requirements).toEqual([{ field: 'a', operator: '=', value: '' }]);
    expect(parseFieldSelector('a==').requirements).toEqual([{ field: 'a', operator: '=', value: '' }]);
  });

  it('splits at the first operator: != before ==, == before =', () => {
    expect(parseFieldSelector('a!=b').requirements).toEqual([{ field: 'a', operator: '!=', value: 'b' }]);
    expect(parseFieldSelector('a==b').requirements).toEqual([{ field: 'a', operator: '=', value: 'b' }]);
    expect(parseFieldSelector('a!b=c').requirements).toEqual([{ field: 'a!b', operator: '=', value: 'c' }]);
    expect(parseFieldSelector('a=!x').requirements).toEqual([{ field: 'a', operator: '=', value: '!x' }]);
    expect(parseFieldSelector('a==\\=x').requirements).toEqual([{ field: 'a', operator: '=', value: '=x' }]);
  });

  it('does not trim whitespace', () => {
    expect(parseFieldSelector(' a = b ').requirements).toEqual([{ field: ' a ', operator: '=', value: ' b ' }]);
  });

  it('unescapes \\\\, \\, and \\= in values and keeps an escaped comma inside its term', () => {
    expect(parseFieldSelector('a=x\\,y\\=z\\\\,b!=\\\\').requirements).toEqual([
      { field: 'a', operator: '=', value: 'x,y=z\\' },
      { field: 'b', operator: '!=', value: '\\' },
    ]);
  });

  it('does not unescape the field', () => {
    expect(parseFieldSelector('a\\,b=c').requirements).toEqual([{ field: 'a\\,b', operator: '=', value: 'c' }]);
  });
});

describe('parseFieldSelector: error texts', () => {
  it.each([
    ['foo', "invalid selector: 'foo'; can't understand 'foo'"],
    ['a=b,foo', "invalid selector: 'a=b,foo'; can't understand 'foo'"],
    ['a!b', "invalid selector: 'a!b'; can't understand 'a!b'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a!==b', 'invalid field selector: unescaped character in value: 61'],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\!', 'invalid field selector: invalid escape sequence: \\!'],
    ['a=b\\\u{1F600}', 'invalid field selector: invalid escape sequence: \\\u{1F600}'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
    ['a=\\\\\\', 'invalid field selector: invalid escape sequence: \\'],
  ])('%j → %s', (text, message) => {
    expect(parseError(text)).toBe(message);
  });

  it('reports the first bad term in sorted order', () => {
    expect(parseError('z,b=1=2')).toBe('invalid field selector: unescaped character in value: 61');
    expect(parseError('zz,aa')).toBe("invalid selector: 'zz,aa'; can't understand 'aa'");
  });

  it('reports an unescaped comma given straight to unescapeFieldValue as rune 44', () => {
    expect(() => unescapeFieldValue('a,b')).toThrow(new InvalidFieldSelectorError('invalid field selector: unescaped character in value: 44'));
  });
});

describe('matchesFields', () => {
  it('= needs the field to equal the value', () => {
    const sel = parseFieldSelector('involvedObject.name=web');
    expect(matchesFields(sel, { 'involvedObject.name': 'web' })).toBe(true);
    expect(matchesFields(sel, { 'involvedObject.name': 'db' })).toBe(false);
    expect(matchesFields(sel, {})).toBe(false);
  });

  it('!= matches a different value, and a missing field (which reads as "")', () => {
    const sel = parseFieldSelector('type!=Normal');
    expect(matchesFields(sel, { type: 'Warning' })).toBe(true);
    expect(matchesFields(sel, {})).toBe(true);
    expect(matchesFields(sel, { type: 'Normal' })).toBe(false);
    expect(matchesFields(parseFieldSelector('type!='), {})).toBe(false);
    expect(matchesFields(parseFieldSelector('type='), {})).toBe(true);
  });

  it('ANDs the terms', () => {
    const sel = parseFieldSelector('a=1,b!=2');
    expect(matchesFields(sel, { a: '1', b: '3' })).toBe(true);
    expect(matchesFields(sel, { a: '1', b: '2' })).toBe(false);
    expect(matchesFields(sel, { a: '0', b: '3' })).toBe(false);
  });

  it('does not see inherited properties as fields', () => {
    expect(matchesFields(parseFieldSelector('toString='), {})).toBe(true);
  });
});

describe('fieldSelectorExactMatch and fieldSelectorString', () => {
  it('finds the value an = term requires', () => {
    const sel = parseFieldSelector('metadata.namespace!=x,metadata.name==web');
    expect(fieldSelectorExactMatch(sel, 'metadata.name')).toBe('web');
    expect(fieldSelectorExactMatch(sel, 'metadata.namespace')).toBeUndefined();
    expect(fieldSelectorExactMatch(sel, 'spec.nodeName')).toBeUndefined();
  });

  it('writes the upstream String() form with escaped values', () => {
    expect(fieldSelectorString(parseFieldSelector('b!=x\\,y,a==1'))).toBe('a=1,b!=x\\,y');
    expect(fieldSelectorString(parseFieldSelector(''))).toBe('');
  });

  it('returns copies of the requirements', () => {
    const sel = parseFieldSelector('a=1');
    const reqs = fieldSelectorRequirements(sel);
    reqs.pop();
    expect(fieldSelectorRequirements(sel)).toHaveLength(1);
  });
});

describe('escaping', () => {
  it('escapes backslash, comma and equals only', () => {
    expect(escapeFieldValue('a\\b,c=d!e')).toBe('a\\\\b\\,c\\=d!e');
  });

  it('unescape(escape(v)) is v for any value', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (v) => {
        expect(unescapeFieldValue(escapeFieldValue(v))).toBe(v);
      }),
    );
  });

  it('for any value, escape then parse gives the value back, with every operator', () => {
    const special = fc.string({ unit: fc.constantFrom('\\', ',', '=', '!', 'a', ' ', 'é', '\u{1F600}') });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), special), fc.constantFrom('=', '==', '!='), (v, op) => {
        expect(parseFieldSelector(`f${op}${escapeFieldValue(v)}`).requirements).toEqual([{ field: 'f', operator: op === '!=' ? '!=' : '=', value: v }]);
      }),
    );
  });

  it('escaped values stay in their own term among several', () => {
    const special = fc.string({ unit: fc.constantFrom('\\', ',', '=', '!', 'x') });
    fc.assert(
      fc.property(special, special, (v1, v2) => {
        const sel = parseFieldSelector(`b!=${escapeFieldValue(v2)},a=${escapeFieldValue(v1)}`);
        expect(sel.requirements).toEqual([
          { field: 'a', operator: '=', value: v1 },
          { field: 'b', operator: '!=', value: v2 },
        ]);
        expect(parseFieldSelector(fieldSelectorString(sel))).toEqual(sel);
      }),
    );
  });

  it('f!=v matches exactly when f=v does not', () => {
    fc.assert(
      fc.property(fc.string(), fc.dictionary(fc.constantFrom('f', 'g'), fc.string()), (v, fields) => {
        const eq = matchesFields(parseFieldSelector(`f=${escapeFieldValue(v)}`), fields);
        expect(matchesFields(parseFieldSelector(`f!=${escapeFieldValue(v)}`), fields)).toBe(!eq);
      }),
    );
  });
});
