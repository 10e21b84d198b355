import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../src/testing/json.ts';
import { applyPatch } from '../../../src/testing/patch/apply-patch.ts';
import type { PatchTarget } from '../../../src/testing/patch/apply-patch.ts';
import { ApiStatusError } from '../../../src/testing/status.ts';
import type { ApiStatus } from '../../../src/testing/status.ts';

const EVENT: PatchTarget = { group: '', version: 'v1', kind: 'Event', isCustomResource: false };
const DEPLOYMENT: PatchTarget = { group: 'apps', version: 'v1', kind: 'Deployment', isCustomResource: false };
const WIDGET: PatchTarget = { group: 'example.com', version: 'v1', kind: 'Widget', isCustomResource: true };

const SMP = 'application/strategic-merge-patch+json';
const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';

function status(fn: () => unknown): ApiStatus {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiStatusError) return err.status;
    throw err;
  }
  throw new Error('expected an ApiStatusError');
}

function failure(code: number, reason: string, message: string): ApiStatus {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

const event: JsonObject = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'web.1', namespace: 'default', labels: { a: '1' } },
  involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' },
  reason: 'BackOff',
  message: 'Back-off',
  count: 1,
  lastTimestamp: '2024-05-01T10:00:00Z',
};

describe('applyPatch: dispatch on Content-Type', () => {
  it("applies client-go's EventCorrelator patch as a strategic merge patch", () => {
    const result = applyPatch(event, '{"count":2,"lastTimestamp":"2024-05-01T10:00:05Z","message":"Back-off again"}', SMP, EVENT);
    expect(result).toEqual({ ...event, count: 2, lastTimestamp: '2024-05-01T10:00:05Z', message: 'Back-off again' });
  });

  it('ignores parameters after the media type', () => {
    expect(applyPatch(event, '{"count":3}', `${MERGE}; charset=utf-8`, EVENT)['count']).toBe(3);
    expect(applyPatch(event, '[{"op":"replace","path":"/count","value":4}]', `${JSON_PATCH};charset=UTF-8`, EVENT)['count']).toBe(4);
  });

  it('applies a merge patch, deleting with null', () => {
    const result = applyPatch(event, '{"metadata":{"labels":{"a":null,"b":"2"}},"count":5}', MERGE, EVENT);
    expect(result['metadata']).toEqual({ name: 'web.1', namespace: 'default', labels: { b: '2' } });
    expect(result['count']).toBe(5);
  });

  it('replaces lists under a merge patch but merges them under a strategic merge patch', () => {
    const deployment: JsonObject = { metadata: { name: 'd' }, spec: { template: { spec: { containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }] } } } };
    const body = '{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"a:2"}]}}}}';
    expect(applyPatch(deployment, body, MERGE, DEPLOYMENT)).toEqual({ metadata: { name: 'd' }, spec: { template: { spec: { containers: [{ name: 'a', image: 'a:2' }] } } } });
    expect(applyPatch(deployment, body, SMP, DEPLOYMENT)).toEqual({
      metadata: { name: 'd' },
      spec: { template: { spec: { containers: [{ name: 'a', image: 'a:2' }, { name: 'b', image: 'b:1' }] } } },
    });
  });

  it('applies merge and JSON patches to custom resources', () => {
    const widget: JsonObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1 } };
    expect(applyPatch(widget, '{"spec":{"size":2}}', MERGE, WIDGET)['spec']).toEqual({ size: 2 });
    expect(applyPatch(widget, '[{"op":"add","path":"/spec/color","value":"red"}]', JSON_PATCH, WIDGET)['spec']).toEqual({ size: 1, color: 'red' });
  });

  it('does not modify the original object', () => {
    const copy = structuredClone(event);
    applyPatch(event, '{"metadata":{"labels":{"a":"9"}}}', SMP, EVENT);
    applyPatch(event, '{"metadata":{"labels":{"a":"9"}}}', MERGE, EVENT);
    applyPatch(event, '[{"op":"remove","path":"/metadata/labels/a"}]', JSON_PATCH, EVENT);
    expect(event).toEqual(copy);
  });
});

describe('applyPatch: the real server\'s errors', () => {
  const builtInTypes = 'application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml';

  it.each(['application/json', 'text/plain', '', 'Application/Merge-Patch+Json', 'application/merge-patch+json ; charset=utf-8'])(
    'rejects Content-Type %j with 415',
    (contentType) => {
      expect(status(() => applyPatch(event, '{}', contentType, EVENT))).toEqual(
        failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${builtInTypes}`),
      );
    },
  );

  it('rejects a strategic merge patch of a custom resource with 415, listing what custom resources accept', () => {
    expect(status(() => applyPatch({ metadata: { name: 'w' } }, '{}', SMP, WIDGET))).toEqual(
      failure(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml'),
    );
  });

  it('answers server-side apply with 415, as a server without server-side apply does', () => {
    expect(status(() => applyPatch(event, 'count: 2', 'application/apply-patch+yaml', EVENT))).toEqual(
      failure(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json'),
    );
  });

  it.each([
    ['', 'unexpected end of JSON input'],
    ['   ', 'unexpected end of JSON input'],
    ['{"count":', 'unexpected end of JSON input'],
    ['{count: 2}', "invalid character 'c' looking for beginning of object key string"],
    ['{"count" 2}', "invalid character '2' after object key"],
    ['{"count":2 "x":1}', 'invalid character \'"\' after object key:value pair'],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['[1 2]', "invalid character '2' after array element"],
    ['{"a":1}}', "invalid character '}' after top-level value"],
    ["{'a':1}", "invalid character '\\'' looking for beginning of object key string"],
    ['-', "invalid character ' ' in numeric literal"],
    ['{"a":1.}', "invalid character '}' after decimal point in numeric literal"],
    ['{"a":1e}', "invalid character '}' in exponent of numeric literal"],
    ['{"a":tru}', "invalid character '}' in literal true (expecting 'e')"],
    ['{"a":nul', "invalid character ' ' in literal null (expecting 'l')"],
    ['{"a":"\\x"}', "invalid character 'x' in string escape code"],
    ['{"a":"\\u12g4"}', "invalid character 'g' in \\u hexadecimal character escape"],
    ['{"a":"\n"}', "invalid character '\\n' in string literal"],
    ['{"a":\u0001}', "invalid character '\\x01' looking for beginning of value"],
    ['{"a":é}', "invalid character 'Ã' looking for beginning of value"],
  ])('answers the malformed body %j with encoding/json\'s message', (body, message) => {
    expect(status(() => applyPatch(event, body, SMP, EVENT))).toEqual(failure(400, 'BadRequest', message));
    expect(status(() => applyPatch(event, body, MERGE, EVENT))).toEqual(failure(400, 'BadRequest', `error decoding patch: ${message}`));
    expect(status(() => applyPatch(event, body, JSON_PATCH, EVENT))).toEqual(failure(400, 'BadRequest', `error decoding patch: ${message}`));
  });

  it('rejects merge and strategic merge patches that are not JSON objects', () => {
    expect(status(() => applyPatch(event, '[{"op":"add"}]', MERGE, EVENT))).toEqual(
      failure(400, 'BadRequest', 'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}'),
    );
    expect(status(() => applyPatch(event, '"count"', SMP, EVENT))).toEqual(failure(400, 'BadRequest', 'json: cannot unmarshal string into Go value of type map[string]interface {}'));
    expect(status(() => applyPatch(event, 'null', MERGE, EVENT))).toEqual(failure(400, 'BadRequest', 'Invalid JSON Patch'));
    expect(applyPatch(event, 'null', SMP, EVENT)).toEqual(event);
  });

  it('answers a JSON patch that cannot be applied with the generic 422', () => {
    expect(status(() => applyPatch(event, '[{"op":"test","path":"/count","value":7}]', JSON_PATCH, EVENT))).toEqual({
      ...failure(422, 'Invalid', 'the server rejected our request due to an error in our request'),
      details: {},
    });
    expect(status(() => applyPatch(event, '[{"op":"remove","path":"/spec/missing"}]', JSON_PATCH, EVENT)).code).toBe(422);
  });

  it('answers a JSON patch that replaces the whole object with a non-object with 422 on the field patch', () => {
    const result = status(() => applyPatch(event, '[{"op":"replace","path":"","value":[1]}]', JSON_PATCH, EVENT));
    expect(result.code).toBe(422);
    expect(result.reason).toBe('Invalid');
    expect(result.message).toMatch(/^ "" is invalid: patch: Invalid value: "\[1\]": couldn't get version\/kind; json parse error: json: cannot unmarshal array into Go value of type struct/);
    expect(result.details?.causes).toEqual([expect.objectContaining({ reason: 'FieldValueInvalid', field: 'patch' })]);
  });

  it('maps strategic merge patch failures to 400, 422 and 500 as patch.go does', () => {
    const pod: JsonObject = { metadata: { name: 'p' }, spec: { containers: [{ name: 'a' }] } };
    const target: PatchTarget = { group: '', version: 'v1', kind: 'Pod', isCustomResource: false };
    expect(status(() => applyPatch(pod, '{"spec":{"$setElementOrder":[]}}', SMP, target))).toEqual(failure(400, 'BadRequest', 'invalid patch format of setElementOrder list'));
    expect(status(() => applyPatch(pod, '{"spec":{"containers":[{"image":"x"}]}}', SMP, target))).toEqual(
      failure(500, '', 'map: map[image:x] does not contain declared merge key: name'),
    );
    expect(status(() => applyPatch({ metadata: { finalizers: [['a']] } }, '{"metadata":{"finalizers":[["b"]]}}', SMP, target))).toEqual({
      ...failure(422, 'Invalid', 'the server rejected our request due to an error in our request'),
      details: {},
    });
  });
});
