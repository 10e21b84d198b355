import { describe, expect, it } from 'vitest';
import type { Json, JsonObject } from '../../../src/testing/json.ts';
import { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from '../../../src/testing/patch/json-patch.ts';
import { ApiStatusError } from '../../../src/testing/status.ts';

/** The ApiStatusError `fn` throws. */
function statusError(fn: () => unknown): ApiStatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiStatusError) return err;
    throw err;
  }
  throw new Error('expected an ApiStatusError');
}

/** The Status body kube-apiserver sends when a JSON patch cannot be applied. */
const REJECTED = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'the server rejected our request due to an error in our request',
  reason: 'Invalid',
  details: {},
  code: 422,
};

describe('applyJsonPatch: RFC 6902 Appendix A', () => {
  const succeeding: [name: string, document: JsonObject, patch: Json, result: Json][] = [
    ['A.1 adding an object member', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { baz: 'qux', foo: 'bar' }],
    ['A.2 adding an array element', { foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }], { foo: ['bar', 'qux', 'baz'] }],
    ['A.3 removing an object member', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
    ['A.4 removing an array element', { foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }], { foo: ['bar', 'baz'] }],
    ['A.5 replacing a value', { baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }], { baz: 'boo', foo: 'bar' }],
    [
      'A.6 moving a value',
      { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
      [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
    ],
    ['A.7 moving an array element', { foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }], { foo: ['all', 'cows', 'eat', 'grass'] }],
    [
      'A.8 testing a value: success',
      { baz: 'qux', foo: ['a', 2, 'c'] },
      [
        { op: 'test', path: '/baz', value: 'qux' },
        { op: 'test', path: '/foo/1', value: 2 },
      ],
      { baz: 'qux', foo: ['a', 2, 'c'] },
    ],
    ['A.10 adding a nested member object', { foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }], { foo: 'bar', child: { grandchild: {} } }],
    ['A.11 ignoring unrecognized elements', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }], { foo: 'bar', baz: 'qux' }],
    ['A.14 ~ escape ordering', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }], { '/': 9, '~1': 10 }],
    ['A.16 adding an array value', { foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], { foo: ['bar', ['abc', 'def']] }],
  ];

  it.each(succeeding)('%s', (_name, document, patch, result) => {
    expect(applyJsonPatch(document, patch)).toEqual(result);
  });

  const failing: [name: string, document: JsonObject, patch: Json][] = [
    ['A.9 testing a value: error', { baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }]],
    ['A.12 adding to a nonexistent target', { foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }]],
    // A.13's duplicate "op" decodes, as in Go, to its last value: a remove of a missing member.
    ['A.13 invalid JSON patch document', { foo: 'bar' }, JSON.parse('[{"op":"add","path":"/baz","value":"qux","op":"remove"}]') as Json],
    ['A.15 comparing strings and numbers', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }]],
  ];

  it.each(failing)('%s is answered with the real server\'s 422', (_name, document, patch) => {
    const err = statusError(() => applyJsonPatch(document, patch));
    expect(err.status).toEqual(REJECTED);
    expect(err.cause).toBeInstanceOf(Error);
  });
});

describe('applyJsonPatch: kube-apiserver behaviour', () => {
  it('leaves the document untouched and applies operations in order', () => {
    const document = { metadata: { name: 'x', labels: { a: '1' } } };
    const result = applyJsonPatch(document, [
      { op: 'add', path: '/metadata/labels/b', value: '2' },
      { op: 'copy', from: '/metadata/labels/b', path: '/metadata/labels/c' },
      { op: 'remove', path: '/metadata/labels/a' },
    ]);
    expect(result).toEqual({ metadata: { name: 'x', labels: { b: '2', c: '2' } } });
    expect(document).toEqual({ metadata: { name: 'x', labels: { a: '1' } } });
  });

  it('does not apply earlier operations when a later one fails', () => {
    const document = { a: 1 };
    statusError(() => applyJsonPatch(document, [{ op: 'replace', path: '/a', value: 2 }, { op: 'remove', path: '/missing' }]));
    expect(document).toEqual({ a: 1 });
  });

  it.each([
    ['replace of a missing member', [{ op: 'replace', path: '/nope', value: 1 }]],
    ['remove of a missing member', [{ op: 'remove', path: '/nope' }]],
    ['an index past the end', [{ op: 'add', path: '/list/5', value: 1 }]],
    ['move from a missing member', [{ op: 'move', from: '/nope', path: '/x' }]],
    ['an unknown op', [{ op: 'frobnicate', path: '/x' }]],
    ['a missing op', [{ path: '/x' }]],
    ['a missing path', [{ op: 'add', value: 1 }]],
    ['a null operation', [null]],
    ['a path without a leading slash', [{ op: 'add', path: 'x', value: 1 }]],
    ['a test against a failing value', [{ op: 'test', path: '/list/0', value: 2 }]],
  ] as [string, Json][])('rejects %s with 422', (_name, patch) => {
    expect(statusError(() => applyJsonPatch({ list: [1] }, patch)).status).toEqual(REJECTED);
  });

  it('treats a missing value as null, as evanphx/json-patch v4 does', () => {
    expect(applyJsonPatch({ a: 1 }, [{ op: 'add', path: '/b' }])).toEqual({ a: 1, b: null });
    expect(applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '/a' }])).toEqual({ a: null });
  });

  it('passes a null test of a member absent from an existing object, and fails it on a present one', () => {
    expect(applyJsonPatch({ a: {} }, [{ op: 'test', path: '/a/b', value: null }])).toEqual({ a: {} });
    expect(applyJsonPatch({ a: { b: null } }, [{ op: 'test', path: '/a/b' }])).toEqual({ a: { b: null } });
    expect(statusError(() => applyJsonPatch({ a: { b: 1 } }, [{ op: 'test', path: '/a/b', value: null }])).status.code).toBe(422);
    expect(statusError(() => applyJsonPatch({}, [{ op: 'test', path: '/a/b', value: null }])).status.code).toBe(422);
  });

  it('is a no-op for the JSON patch document null and for an empty list', () => {
    expect(applyJsonPatch({ a: 1 }, null)).toEqual({ a: 1 });
    expect(applyJsonPatch({ a: 1 }, [])).toEqual({ a: 1 });
  });

  it('does not let a patch reach Object.prototype', () => {
    const err = statusError(() => applyJsonPatch({}, [{ op: 'add', path: '/__proto__/polluted', value: true }]));
    expect(err.status.code).toBe(422);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('applyJsonPatch: decoding errors', () => {
  it.each([
    [{ op: 'add', path: '/a', value: 1 }, 'json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp'],
    ['add', 'json: cannot unmarshal string into Go value of type []handlers.jsonPatchOp'],
    [[1], 'json: cannot unmarshal number into Go value of type handlers.jsonPatchOp'],
    [[[]], 'json: cannot unmarshal array into Go value of type handlers.jsonPatchOp'],
    [[{ op: 1, path: '/a' }], 'json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string'],
    [[{ op: 'add', path: true }], 'json: cannot unmarshal bool into Go struct field jsonPatchOp.path of type string'],
    [[{ op: 'move', path: '/a', from: {} }], 'json: cannot unmarshal object into Go struct field jsonPatchOp.from of type string'],
  ] as [Json, string][])('rejects %j with 400: %s', (patch, message) => {
    const err = statusError(() => applyJsonPatch({}, patch));
    expect(err.status).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `error decoding patch: ${message}`, reason: 'BadRequest', code: 400 });
  });

  it(`refuses more than ${MAX_JSON_PATCH_OPERATIONS} operations with 413`, () => {
    const patch = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({ op: 'test', path: '/a', value: 1 }));
    const err = statusError(() => applyJsonPatch({ a: 1 }, patch));
    expect(err.status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001',
      reason: 'RequestEntityTooLarge',
      code: 413,
    });
    expect(applyJsonPatch({ a: 1 }, patch.slice(1))).toEqual({ a: 1 });
  });
});
