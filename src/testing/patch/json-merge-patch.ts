/**
 * JSON merge patch (RFC 7386, `application/merge-patch+json`).
 *
 * @module
 */
import { cloneJson, isJsonObject } from '../json.ts';
import type { Json, JsonObject } from '../json.ts';

/** Options of {@link applyJsonMergePatch}. */
export interface JsonMergePatchOptions {
  /**
   * How nulls inside inserted values are treated.
   *
   * - `rfc7386`: exactly as RFC 7386 section 2 specifies: a null member of a patch object removes
   *   the member, and a value that is not an object (an array, say) is copied as it is.
   * - `kube-apiserver`: as gopkg.in/evanphx/json-patch.v4 `MergePatch` does, which kube-apiserver
   *   uses (k8s.io/apiserver/pkg/endpoints/handlers/patch.go). It also drops null elements of
   *   arrays, and null members of objects nested in arrays, whenever it copies a patch value in
   *   over a member that is absent or not an object.
   *
   * @default 'rfc7386'
   */
  readonly nulls?: 'rfc7386' | 'kube-apiserver';
}

/**
 * Applies a JSON merge patch to `target` and returns the result; neither argument is modified.
 *
 * @example
 * ```ts
 * applyJsonMergePatch({ a: 'b', c: { d: 'e', f: 'g' } }, { a: 'z', c: { f: null } });
 * // → { a: 'z', c: { d: 'e' } }
 * ```
 */
export function applyJsonMergePatch(target: Json, patch: Json, options: JsonMergePatchOptions = {}): Json {
  if (options.nulls === 'kube-apiserver') return mergeLikeEvanphx(cloneJson(target), cloneJson(patch));
  return mergeRfc7386(cloneJson(target), patch);
}

/** RFC 7386 section 2, `MergePatch(Target, Patch)`, on a target the function may mutate. */
function mergeRfc7386(target: Json | undefined, patch: Json): Json {
  if (!isJsonObject(patch)) return cloneJson(patch);
  const result: JsonObject = isJsonObject(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      Reflect.deleteProperty(result, key);
    } else {
      setMember(result, key, mergeRfc7386(Object.hasOwn(result, key) ? result[key] : undefined, value));
    }
  }
  return result;
}

/** evanphx/json-patch v4 `merge`; both arguments are private copies it may mutate. */
function mergeLikeEvanphx(current: Json, patch: Json): Json {
  if (!isJsonObject(current)) return pruneNulls(patch);
  if (!isJsonObject(patch)) return patch;
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      Reflect.deleteProperty(current, key);
    } else {
      const existing = current[key];
      setMember(current, key, Object.hasOwn(current, key) && existing !== undefined ? mergeLikeEvanphx(existing, value) : pruneNulls(value));
    }
  }
  return current;
}

/** evanphx/json-patch v4 `pruneNulls`: drops null members and null array elements, recursively. */
function pruneNulls(value: Json): Json {
  if (Array.isArray(value)) return value.filter((item) => item !== null).map(pruneNulls);
  if (!isJsonObject(value)) return value;
  for (const [key, member] of Object.entries(value)) {
    if (member === null) Reflect.deleteProperty(value, key);
    else setMember(value, key, pruneNulls(member));
  }
  return value;
}

/** `obj[key] = value` that also works for a key named `__proto__`. */
function setMember(obj: JsonObject, key: string, value: Json): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
