/**
 * Generic ObjectMeta handling on writes, as the generic registry's BeforeCreate/BeforeUpdate and
 * ValidateObjectMeta do (k8s.io/apiserver/pkg/registry/rest, apimachinery/pkg/api/validation).
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { FieldError } from './status.ts';
import type { JsonObject } from './json.ts';
import { objectAt, stringAt } from './json.ts';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/** The characters `generateName` suffixes are drawn from (k8s.io/apimachinery/pkg/util/rand). */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** `prefix` + 5 random characters, as names.SimpleNameGenerator. */
export function generateName(prefix: string): string {
  let s = prefix.length > 58 ? prefix.slice(0, 58) : prefix;
  for (let i = 0; i < 5; i++) s += ALPHANUMS[randomInt(ALPHANUMS.length)] ?? 'x';
  return s;
}

/** Validates metadata.name as a DNS subdomain (or label, for namespaces). */
export function validateName(name: string, generateNameSet: boolean, kind: string): FieldError[] {
  if (name === '') {
    return generateNameSet ? [] : [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }];
  }
  if (kind === 'Namespace') {
    if (name.length > 63) return [{ reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "${name}": must be no more than 63 characters` }];
    if (!DNS1123_LABEL.test(name)) return [{ reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "${name}": ${LABEL_MSG}` }];
    return [];
  }
  if (name.length > 253) return [{ reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "${name}": must be no more than 253 characters` }];
  if (!DNS1123_SUBDOMAIN.test(name)) return [{ reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "${name}": ${SUBDOMAIN_MSG}` }];
  return [];
}

/** Fills the system fields of a new object's metadata. */
export function fillCreateMetadata(obj: JsonObject, opts: { namespace: string; now: string; generation: boolean }): JsonObject {
  const md = { ...(objectAt(obj, 'metadata') ?? {}) };
  const gn = stringAt(md, 'generateName') ?? '';
  if ((stringAt(md, 'name') ?? '') === '' && gn !== '') md.name = generateName(gn);
  if (opts.namespace === '') delete md.namespace;
  else md.namespace = opts.namespace;
  md.uid = randomUUID();
  md.creationTimestamp = opts.now;
  delete md.resourceVersion;
  delete md.deletionTimestamp;
  delete md.deletionGracePeriodSeconds;
  delete md.managedFields;
  delete md.selfLink;
  if (opts.generation) md.generation = 1;
  else delete md.generation;
  return { ...obj, metadata: md };
}

/** Carries the immutable system fields over from the stored object on update. */
export function keepUpdateMetadata(next: JsonObject, old: JsonObject): JsonObject {
  const oldMd = objectAt(old, 'metadata') ?? {};
  const kept = new Set(['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'namespace', 'name']);
  const md: JsonObject = Object.fromEntries(Object.entries(objectAt(next, 'metadata') ?? {}).filter(([k]) => !kept.has(k)));
  for (const k of kept) {
    const v = oldMd[k];
    if (v !== undefined) md[k] = v;
  }
  // An unconditional update (no resourceVersion) is checked against the stored one, as the store fills it.
  if ((stringAt(md, 'resourceVersion') ?? '') === '' && oldMd.resourceVersion !== undefined) md.resourceVersion = oldMd.resourceVersion;
  delete md.managedFields;
  delete md.selfLink;
  return { ...next, metadata: md };
}
