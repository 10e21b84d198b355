/** JSON value types used throughout the test cluster, whose objects are plain decoded JSON. */

/** Any JSON value. */
export type Json = string | number | boolean | null | Json[] | JsonObject;

/** A JSON object. */
export interface JsonObject {
  [key: string]: Json;
}

/** True when `value` is a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy of a JSON value. */
export function cloneJson<T extends Json>(value: T): T {
  return structuredClone(value);
}

/** `obj[key]` when it is a JSON object, else undefined. */
export function objectAt(obj: JsonObject | undefined, key: string): JsonObject | undefined {
  const v = obj?.[key];
  return isJsonObject(v) ? v : undefined;
}

/** `obj[key]` when it is a string, else undefined. */
export function stringAt(obj: JsonObject | undefined, key: string): string | undefined {
  const v = obj?.[key];
  return typeof v === 'string' ? v : undefined;
}
