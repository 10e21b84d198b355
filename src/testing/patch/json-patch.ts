/**
 * JSON patch (RFC 6902, `application/json-patch+json`) as kube-apiserver applies it: decoded as
 * k8s.io/apiserver/pkg/endpoints/handlers/patch.go does (`[]jsonPatchOp`, at most 10000
 * operations), applied with fast-json-patch under the rules of gopkg.in/evanphx/json-patch.v4, the
 * library the real server uses, and failing with the real server's Status errors.
 *
 * @module
 */
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { cloneJson, isJsonObject } from '../json.ts';
import type { Json, JsonObject } from '../json.ts';
import { ApiStatusError, badRequest } from '../status.ts';

/** patch.go `maxJSONPatchOperations`. */
export const MAX_JSON_PATCH_OPERATIONS = 10_000;

/**
 * Applies a decoded JSON patch document to `document` and returns the result; `document` is not
 * modified. Throws the real server's errors:
 *
 * - 400 BadRequest `error decoding patch: json: cannot unmarshal …` when the document is not a
 *   list of operation objects, or an `op`, `path` or `from` is not a string;
 * - 413 RequestEntityTooLarge for more than {@link MAX_JSON_PATCH_OPERATIONS} operations;
 * - 422 Invalid `the server rejected our request due to an error in our request` when an operation
 *   cannot be applied (a missing path, a failed `test`, an unknown `op`). The real server sends no
 *   more detail than that; the library's own message is kept as the error's `cause`.
 *
 * @example
 * ```ts
 * applyJsonPatch({ metadata: { name: 'x' } }, [{ op: 'add', path: '/metadata/labels', value: { a: 'b' } }]);
 * // → { metadata: { name: 'x', labels: { a: 'b' } } }
 * ```
 */
export function applyJsonPatch(document: JsonObject, patch: Json): Json {
  const operations = decodeOperations(patch);
  if (operations.length > MAX_JSON_PATCH_OPERATIONS) {
    // errors.NewRequestEntityTooLargeError
    throw new ApiStatusError({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${operations.length}`,
      reason: 'RequestEntityTooLarge',
      code: 413,
    });
  }
  let result: Json = cloneJson(document);
  operations.forEach((operation, index) => {
    result = applyOne(result, operation, index);
  });
  return result;
}

/** One decoded operation: the members kube-apiserver's `jsonPatchOp` reads, `null` if absent. */
interface DecodedOperation {
  readonly op: string | null;
  readonly path: string | null;
  readonly from: string | null;
  /** `undefined` when the member is absent. */
  readonly value: Json | undefined;
}

/**
 * Decodes as `kjson.UnmarshalStrict(body, &[]jsonPatchOp)` does, reporting the first type error in
 * document order with encoding/json's wording.
 */
function decodeOperations(patch: Json): DecodedOperation[] {
  if (patch === null) return [];
  if (!Array.isArray(patch)) throw decodeError(`json: cannot unmarshal ${jsonKind(patch)} into Go value of type []handlers.jsonPatchOp`);
  return patch.map((element) => {
    if (element === null) return { op: null, path: null, from: null, value: undefined };
    if (!isJsonObject(element)) throw decodeError(`json: cannot unmarshal ${jsonKind(element)} into Go value of type handlers.jsonPatchOp`);
    for (const [key, member] of Object.entries(element)) {
      if ((key === 'op' || key === 'path' || key === 'from') && member !== null && typeof member !== 'string') {
        throw decodeError(`json: cannot unmarshal ${jsonKind(member)} into Go struct field jsonPatchOp.${key} of type string`);
      }
    }
    const stringMember = (key: string): string | null => {
      const member = element[key];
      return typeof member === 'string' ? member : null;
    };
    return { op: stringMember('op'), path: stringMember('path'), from: stringMember('from'), value: Object.hasOwn(element, 'value') ? cloneJson(element['value'] ?? null) : undefined };
  });
}

function decodeError(message: string): ApiStatusError {
  return badRequest(`error decoding patch: ${message}`);
}

/** encoding/json's name for the JSON type of a value in `cannot unmarshal <type>` messages. */
function jsonKind(value: Json): string {
  if (Array.isArray(value)) return 'array';
  if (isJsonObject(value)) return 'object';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

/** Applies one operation with fast-json-patch, under evanphx/json-patch v4's rules. */
function applyOne(document: Json, operation: DecodedOperation, index: number): Json {
  const { op, path, from } = operation;
  if (op === null) throw unprocessable(new Error(`operation ${index}: Unexpected kind: unknown`));
  if (path === null) throw unprocessable(new Error(`operation ${index}: operation missing path field`));
  // evanphx v4 treats a missing `value` as JSON null for add, replace and test.
  const value = operation.value ?? null;
  if (op === 'test' && value === null && resolvesToMissingMember(document, path)) {
    // evanphx v4: testing a member that is absent from an existing object against null passes.
    return document;
  }
  const candidate: Record<string, unknown> = { op, path, value };
  if (from !== null) candidate['from'] = from;
  try {
    return fastJsonPatch.applyOperation(document, candidate as unknown as Operation, true, true, true, index).newDocument;
  } catch (err) {
    throw unprocessable(err);
  }
}

/** True when `path` names a member that is absent from an object that does exist. */
function resolvesToMissingMember(document: Json, path: string): boolean {
  if (path === '') return false;
  const tokens = path.split('/').slice(1).map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
  const last = tokens.pop();
  if (last === undefined) return false;
  let parent: Json | undefined = document;
  for (const token of tokens) {
    if (Array.isArray(parent)) parent = /^\d+$/.test(token) ? parent[Number(token)] : undefined;
    else if (isJsonObject(parent)) parent = Object.hasOwn(parent, token) ? parent[token] : undefined;
    else return false;
  }
  return isJsonObject(parent) && !Object.hasOwn(parent, last);
}

/**
 * The 422 that patch.go returns when the patch cannot be applied:
 * `errors.NewGenericServerResponse(422, "", schema.GroupResource{}, "", err.Error(), 0, false)`,
 * which keeps none of the library's text.
 */
function unprocessable(cause: unknown): ApiStatusError {
  const err = new ApiStatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'the server rejected our request due to an error in our request',
    reason: 'Invalid',
    details: {},
    code: 422,
  });
  err.cause = cause;
  return err;
}
