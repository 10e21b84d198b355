/**
 * The PATCH verb's body handling, as k8s.io/apiserver/pkg/endpoints/handlers/patch.go does it:
 * pick the algorithm from the Content-Type, decode the body, apply it, and fail with the real
 * server's Status errors.
 *
 * @module
 */
import { isJsonObject } from '../json.ts';
import type { Json, JsonObject } from '../json.ts';
import { ApiStatusError, badRequest, invalid } from '../status.ts';
import { applyJsonMergePatch } from './json-merge-patch.ts';
import { applyJsonPatch } from './json-patch.ts';
import { patchSchemaFor } from './patch-strategies.ts';
import { applyStrategicMergePatch, StrategicMergePatchError } from './strategic-merge-patch.ts';

const JSON_PATCH = 'application/json-patch+json';
const MERGE_PATCH = 'application/merge-patch+json';
const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
const APPLY_PATCH = 'application/apply-patch+yaml';

/** The patch types kube-apiserver accepts for built-in kinds, in its order (endpoints/installer.go). */
const BUILT_IN_PATCH_TYPES = [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH] as const;
/** The patch types it accepts for custom resources (apiextensions-apiserver customresource_handler.go). */
const CUSTOM_RESOURCE_PATCH_TYPES = [JSON_PATCH, MERGE_PATCH, APPLY_PATCH] as const;

/** The resource a patch targets. */
export interface PatchTarget {
  /** The API group; `''` for the core group. */
  readonly group: string;
  /** The version the object is served at, e.g. `v1`. */
  readonly version: string;
  /** The kind, e.g. `Deployment`. */
  readonly kind: string;
  /** True for a custom resource, which has no strategic-merge-patch metadata. */
  readonly isCustomResource: boolean;
}

/**
 * Applies the body of a PATCH request to `original` and returns the patched object; `original` is
 * not modified. The algorithm is chosen by `contentType` (parameters such as `; charset=utf-8` are
 * ignored, as upstream cuts the header at its first `;`):
 *
 * - `application/json-patch+json`: RFC 6902 (`applyJsonPatch`);
 * - `application/merge-patch+json`: RFC 7386, with evanphx/json-patch's null handling;
 * - `application/strategic-merge-patch+json`: strategic merge patch with the kind's patch metadata;
 *   for a custom resource this is a 415, as upstream does not offer it there.
 *
 * Errors are the real server's `Status`es, as {@link ApiStatusError}: 415 UnsupportedMediaType for
 * any other content type (and for `application/apply-patch+yaml`: server-side apply is not
 * implemented), 400 BadRequest for a body that is not valid JSON (with encoding/json's message), and
 * the 400/413/422/500 answers of each algorithm.
 *
 * The body is decoded as when the request sets no `fieldValidation` (the default, `Warn`).
 *
 * @example
 * ```ts
 * const patched = applyPatch(event, '{"count":2,"lastTimestamp":"2024-01-01T00:00:01Z"}',
 *   'application/strategic-merge-patch+json', { group: '', version: 'v1', kind: 'Event', isCustomResource: false });
 * ```
 */
export function applyPatch(original: JsonObject, patchBody: string, contentType: string, target: PatchTarget): JsonObject {
  // patch.go: `if idx := strings.Index(contentType, ";"); idx > 0 { contentType = contentType[:idx] }`
  const semicolon = contentType.indexOf(';');
  const patchType = semicolon > 0 ? contentType.slice(0, semicolon) : contentType;
  const accepted: readonly string[] = target.isCustomResource ? CUSTOM_RESOURCE_PATCH_TYPES : BUILT_IN_PATCH_TYPES;
  if (!accepted.includes(patchType)) throw unsupportedPatchType(accepted);

  switch (patchType) {
    case JSON_PATCH: {
      const decoded = decodeJson(patchBody, 'error decoding patch: ');
      return asObject(applyJsonPatch(original, decoded));
    }
    case MERGE_PATCH: {
      const decoded = decodeJson(patchBody, 'error decoding patch: ');
      // kjson.UnmarshalStrict(body, &map[string]interface{}) first…
      if (decoded !== null && !isJsonObject(decoded)) throw badRequest(`error decoding patch: ${cannotUnmarshalIntoMap(decoded)}`);
      // …then jsonpatch.MergePatch, which rejects a null patch as errBadJSONPatch.
      if (decoded === null) throw badRequest('Invalid JSON Patch');
      return asObject(applyJsonMergePatch(original, decoded, { nulls: 'kube-apiserver' }));
    }
    case STRATEGIC_MERGE_PATCH: {
      // strategicPatchObject: `errors.NewBadRequest(err.Error())`, no prefix.
      const decoded = decodeJson(patchBody, '');
      if (decoded !== null && !isJsonObject(decoded)) throw badRequest(cannotUnmarshalIntoMap(decoded));
      try {
        return applyStrategicMergePatch(original, decoded, patchSchemaFor(target));
      } catch (err) {
        if (err instanceof StrategicMergePatchError) throw strategicMergePatchStatus(err);
        throw err;
      }
    }
    default:
      // Server-side apply needs field management, which the test cluster does not implement: it
      // answers as a server without server-side apply would.
      throw unsupportedPatchType(accepted.filter((t) => t !== APPLY_PATCH));
  }
}

/** negotiation.NewUnsupportedMediaTypeError(accepted) as a Status. */
function unsupportedPatchType(accepted: readonly string[]): ApiStatusError {
  return new ApiStatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
    reason: 'UnsupportedMediaType',
    code: 415,
  });
}

/** patch.go `interpretStrategicMergePatchError`, then `responsewriters.ErrorToAPIStatus`. */
function strategicMergePatchStatus(err: StrategicMergePatchError): ApiStatusError {
  let status: ApiStatusError;
  if (err.failure === 'BadRequest') {
    status = badRequest(err.message);
  } else if (err.failure === 'Invalid') {
    status = genericUnprocessableEntity();
  } else {
    // A plain Go error: 500 with an empty (omitted on the wire) reason and the error as message.
    status = new ApiStatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: err.message, reason: '', code: 500 });
  }
  status.cause = err;
  return status;
}

/** `errors.NewGenericServerResponse(422, "", schema.GroupResource{}, "", msg, 0, false)`. */
function genericUnprocessableEntity(): ApiStatusError {
  return new ApiStatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'the server rejected our request due to an error in our request',
    reason: 'Invalid',
    details: {},
    code: 422,
  });
}

/**
 * The patched document must decode into the kind's object; when it is not even a JSON object the
 * real server fails the decode with a 422 on the field `patch`.
 */
function asObject(result: Json): JsonObject {
  if (isJsonObject(result)) return result;
  const json = JSON.stringify(result);
  const detail = `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonKind(result)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`;
  throw invalid({ group: '', kind: '' }, '', [{ reason: 'FieldValueInvalid', field: 'patch', message: `Invalid value: ${JSON.stringify(json)}: ${detail}` }]);
}

function cannotUnmarshalIntoMap(value: Json): string {
  return `json: cannot unmarshal ${jsonKind(value)} into Go value of type map[string]interface {}`;
}

/** encoding/json's name for the JSON type of a value in `cannot unmarshal <type>` messages. */
function jsonKind(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (isJsonObject(value)) return 'object';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

/** Parses `body`, failing with a 400 whose message is `prefix` + encoding/json's syntax error. */
function decodeJson(body: string, prefix: string): Json {
  const syntaxError = goJsonSyntaxError(body);
  if (syntaxError !== undefined) throw badRequest(`${prefix}${syntaxError}`);
  return JSON.parse(body) as Json;
}

// ---------------------------------------------------------------------------------------------
// encoding/json's validity scanner (scanner.go), for its error texts.

type Step = (c: number) => void;

/**
 * The message encoding/json gives for invalid JSON, e.g. `invalid character '}' looking for
 * beginning of object key string` or `unexpected end of JSON input`; undefined when `text` is valid.
 */
function goJsonSyntaxError(text: string): string | undefined {
  const bytes = new TextEncoder().encode(text);
  const stack: ('key' | 'value' | 'array')[] = [];
  // Written by the steps; an object so that the checks below are not narrowed away.
  const scan: { error: string | undefined; endTop: boolean } = { error: undefined, endTop: false };
  let step: Step;

  const fail = (c: number, context: string): void => {
    scan.error = `invalid character ${quoteChar(c)} ${context}`;
  };
  const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
  const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
  const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

  const endValue: Step = (c) => {
    const top = stack.at(-1);
    if (top === undefined) {
      scan.endTop = true;
      step = endTopStep;
      endTopStep(c);
      return;
    }
    if (isSpace(c)) {
      step = endValue;
      return;
    }
    if (top === 'key') {
      if (c === 0x3a) {
        stack[stack.length - 1] = 'value';
        step = beginValue;
      } else {
        fail(c, 'after object key');
      }
    } else if (top === 'value') {
      if (c === 0x2c) {
        stack[stack.length - 1] = 'key';
        step = beginString;
      } else if (c === 0x7d) {
        stack.pop();
        step = endValue;
      } else {
        fail(c, 'after object key:value pair');
      }
    } else if (c === 0x2c) {
      step = beginValue;
    } else if (c === 0x5d) {
      stack.pop();
      step = endValue;
    } else {
      fail(c, 'after array element');
    }
  };
  const endTopStep: Step = (c) => {
    if (!isSpace(c)) fail(c, 'after top-level value');
  };
  const beginValue: Step = (c) => {
    if (isSpace(c)) return;
    switch (c) {
      case 0x7b: // {
        stack.push('key');
        step = beginStringOrEmpty;
        return;
      case 0x5b: // [
        stack.push('array');
        step = beginValueOrEmpty;
        return;
      case 0x22: // "
        step = inString;
        return;
      case 0x2d: // -
        step = neg;
        return;
      case 0x30: // 0
        step = zero;
        return;
      case 0x74: // t
        step = literal('true', 1);
        return;
      case 0x66: // f
        step = literal('false', 1);
        return;
      case 0x6e: // n
        step = literal('null', 1);
        return;
    }
    if (c >= 0x31 && c <= 0x39) {
      step = digits;
      return;
    }
    fail(c, 'looking for beginning of value');
  };
  const beginValueOrEmpty: Step = (c) => {
    if (isSpace(c)) return;
    if (c === 0x5d) {
      endValue(c);
      return;
    }
    beginValue(c);
  };
  const beginStringOrEmpty: Step = (c) => {
    if (isSpace(c)) return;
    if (c === 0x7d) {
      stack[stack.length - 1] = 'value';
      endValue(c);
      return;
    }
    beginString(c);
  };
  const beginString: Step = (c) => {
    if (isSpace(c)) return;
    if (c === 0x22) step = inString;
    else fail(c, 'looking for beginning of object key string');
  };
  const inString: Step = (c) => {
    if (c === 0x22) step = endValue;
    else if (c === 0x5c) step = inStringEsc;
    else if (c < 0x20) fail(c, 'in string literal');
  };
  const inStringEsc: Step = (c) => {
    if ([0x62, 0x66, 0x6e, 0x72, 0x74, 0x5c, 0x2f, 0x22].includes(c)) step = inString;
    else if (c === 0x75) step = hexEscape(4);
    else fail(c, 'in string escape code');
  };
  const hexEscape =
    (remaining: number): Step =>
    (c) => {
      if (!isHex(c)) fail(c, 'in \\u hexadecimal character escape');
      else step = remaining === 1 ? inString : hexEscape(remaining - 1);
    };
  const neg: Step = (c) => {
    if (c === 0x30) step = zero;
    else if (c >= 0x31 && c <= 0x39) step = digits;
    else fail(c, 'in numeric literal');
  };
  const digits: Step = (c) => {
    if (isDigit(c)) return;
    zero(c);
  };
  const zero: Step = (c) => {
    if (c === 0x2e) step = dot;
    else if (c === 0x65 || c === 0x45) step = exponent;
    else endValue(c);
  };
  const dot: Step = (c) => {
    if (isDigit(c)) step = dotDigits;
    else fail(c, 'after decimal point in numeric literal');
  };
  const dotDigits: Step = (c) => {
    if (isDigit(c)) return;
    if (c === 0x65 || c === 0x45) step = exponent;
    else endValue(c);
  };
  const exponent: Step = (c) => {
    if (c === 0x2b || c === 0x2d) step = exponentSign;
    else exponentSign(c);
  };
  const exponentSign: Step = (c) => {
    if (isDigit(c)) step = exponentDigits;
    else fail(c, 'in exponent of numeric literal');
  };
  const exponentDigits: Step = (c) => {
    if (!isDigit(c)) endValue(c);
  };
  const literal =
    (word: string, at: number): Step =>
    (c) => {
      const expected = word.charCodeAt(at);
      if (c !== expected) {
        fail(c, `in literal ${word} (expecting ${quoteChar(expected)})`);
        return;
      }
      step = at + 1 === word.length ? endValue : literal(word, at + 1);
    };

  step = beginValue;
  for (const c of bytes) {
    step(c);
    if (scan.error !== undefined) return scan.error;
  }
  // scanner.eof: a final space completes a top-level number; anything else unfinished is EOF.
  if (scan.endTop) return undefined;
  step(0x20);
  return errorAfterEof(scan);
}

/** The scanner's verdict once the final space of `scanner.eof` has been stepped. */
function errorAfterEof(scan: { readonly error: string | undefined; readonly endTop: boolean }): string | undefined {
  if (scan.error !== undefined) return scan.error;
  return scan.endTop ? undefined : 'unexpected end of JSON input';
}

/** encoding/json `quoteChar`: a byte as Go's strconv.Quote shows it, in single quotes. */
function quoteChar(c: number): string {
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  const escapes: Readonly<Record<number, string>> = { 0x07: '\\a', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x0b: '\\v', 0x5c: '\\\\' };
  const escaped = escapes[c];
  if (escaped !== undefined) return `'${escaped}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  // A byte >= 0x80 is shown as the rune with that code point; Latin-1 controls, NBSP and the soft
  // hyphen are not printable.
  if ((c >= 0x80 && c <= 0xa0) || c === 0xad) return `'\\u${c.toString(16).padStart(4, '0')}'`;
  return `'${String.fromCharCode(c)}'`;
}
