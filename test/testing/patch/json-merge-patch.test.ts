import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJsonObject } from '../../../src/testing/json.ts';
import type { Json, JsonObject } from '../../../src/testing/json.ts';
import { applyJsonMergePatch } from '../../../src/testing/patch/json-merge-patch.ts';

describe('applyJsonMergePatch (RFC 7386)', () => {
  // RFC 7386 Appendix A, every row.
  const appendixA: [original: Json, patch: Json, result: Json][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];

  it.each(appendixA)('Appendix A: %j + %j = %j', (original, patch, result) => {
    expect(applyJsonMergePatch(original, patch)).toEqual(result);
  });

  it('applies the example of section 3', () => {
    const original = { title: 'Goodbye!', author: { givenName: 'John', familyName: 'Doe' }, tags: ['example', 'sample'], content: 'This will be unchanged' };
    const patch = { title: 'Hello!', phoneNumber: '+01-123-456-7890', author: { familyName: null }, tags: ['example'] };
    expect(applyJsonMergePatch(original, patch)).toEqual({
      title: 'Hello!',
      author: { givenName: 'John' },
      tags: ['example'],
      content: 'This will be unchanged',
      phoneNumber: '+01-123-456-7890',
    });
  });

  it('modifies neither argument', () => {
    const original = { a: { b: 1 }, c: [1] };
    const patch = { a: { b: null, d: 2 }, c: [2] };
    const result = applyJsonMergePatch(original, patch) as JsonObject;
    expect(original).toEqual({ a: { b: 1 }, c: [1] });
    expect(patch).toEqual({ a: { b: null, d: 2 }, c: [2] });
    (result['c'] as Json[]).push(3);
    expect(patch.c).toEqual([2]);
  });

  it('keeps nulls inside arrays, as the RFC copies non-object values as they are', () => {
    expect(applyJsonMergePatch({}, { a: [1, null, { b: null }] })).toEqual({ a: [1, null, { b: null }] });
  });

  it('treats a member named __proto__ as plain data', () => {
    const patch = JSON.parse('{"__proto__":{"polluted":true}}') as Json;
    const result = applyJsonMergePatch({}, patch) as JsonObject;
    expect(Object.hasOwn(result, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
  });
});

describe('applyJsonMergePatch with kube-apiserver null handling (evanphx/json-patch v4)', () => {
  const opts = { nulls: 'kube-apiserver' } as const;

  it('agrees with the RFC on object members', () => {
    expect(applyJsonMergePatch({ a: { b: 'c', x: 1 } }, { a: { b: 'd', x: null } }, opts)).toEqual({ a: { b: 'd' } });
    expect(applyJsonMergePatch({}, { a: { bb: { ccc: null } } }, opts)).toEqual({ a: { bb: {} } });
  });

  it('drops null array elements, and null members of objects in arrays, of values copied over absent members', () => {
    expect(applyJsonMergePatch({}, { a: [1, null, { b: null, c: 2 }] }, opts)).toEqual({ a: [1, { c: 2 }] });
    expect(applyJsonMergePatch({ a: 'x' }, { a: [null, 1] }, opts)).toEqual({ a: [1] });
  });

  it('copies an array over an object member without pruning it, as evanphx does', () => {
    expect(applyJsonMergePatch({ a: { b: 1 } }, { a: [null, 1] }, opts)).toEqual({ a: [null, 1] });
  });
});

/** The merge patch that turns `from` into `to` (RFC 7386 section 1's generation rule). */
function mergePatchBetween(from: Json, to: Json): Json {
  if (!isJsonObject(from) || !isJsonObject(to)) return to;
  const patch: JsonObject = {};
  for (const key of Object.keys(from)) if (!Object.hasOwn(to, key)) Object.defineProperty(patch, key, { value: null, enumerable: true, writable: true, configurable: true });
  for (const [key, value] of Object.entries(to)) {
    const before = Object.hasOwn(from, key) ? from[key] : undefined;
    if (before === undefined) define(patch, key, value);
    else if (JSON.stringify(before) !== JSON.stringify(value)) define(patch, key, mergePatchBetween(before, value));
  }
  return patch;
}

function define(obj: JsonObject, key: string, value: Json): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** JSON documents without null object members, which a merge patch cannot express. */
function documents(arrayItem: (value: fc.Arbitrary<Json>) => fc.Arbitrary<Json>): fc.Arbitrary<JsonObject> {
  const tree = fc.letrec<{ value: Json; object: JsonObject }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.string({ maxLength: 4 }),
      fc.integer(),
      fc.boolean(),
      fc.array(arrayItem(tie('value')), { maxLength: 3 }),
      tie('object'),
    ),
    object: fc.dictionary(fc.string({ maxLength: 3 }), tie('value'), { maxKeys: 4 }),
  }));
  return tree.object;
}

describe('applyJsonMergePatch properties', () => {
  it('applying the merge patch computed between two objects yields the second', () => {
    const docs = documents((value) => fc.oneof(fc.constant(null), value));
    fc.assert(
      fc.property(docs, docs, (a, b) => {
        expect(applyJsonMergePatch(a, mergePatchBetween(a, b))).toEqual(b);
      }),
      { numRuns: 500 },
    );
  });

  it('holds with kube-apiserver null handling too, for documents without nulls', () => {
    const docs = documents((value) => value);
    fc.assert(
      fc.property(docs, docs, (a, b) => {
        expect(applyJsonMergePatch(a, mergePatchBetween(a, b), { nulls: 'kube-apiserver' })).toEqual(b);
      }),
      { numRuns: 300 },
    );
  });
});
