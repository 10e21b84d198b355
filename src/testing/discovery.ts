/**
 * Discovery documents (/version, /api, /api/v1, /apis, /apis/<group>, /apis/<group>/<version>) as
 * kube-apiserver serves them, built from the registry so custom resources appear once their CRD
 * exists. Aggregated discovery is not served: clients fall back to these legacy documents.
 */
import type { ResourceRegistry, ResourceType } from './resources.ts';
import { groupVersion } from './resources.ts';
import type { JsonObject } from './json.ts';

/** The Kubernetes version the test cluster reports. */
export const SERVED_KUBERNETES_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0' };

/** `/version`. */
export function versionDocument(): JsonObject {
  return {
    major: SERVED_KUBERNETES_VERSION.major,
    minor: SERVED_KUBERNETES_VERSION.minor,
    gitVersion: `${SERVED_KUBERNETES_VERSION.gitVersion}+kube-events-testing`,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.23.0',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

/** `/api`. */
export function coreVersionsDocument(serverAddress: string): JsonObject {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(group: string, versions: string[]): JsonObject {
  const vs = versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { name: group, versions: vs, preferredVersion: vs[0] ?? null };
}

function groupsOf(registry: ResourceRegistry): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const { group, version } of registry.groupVersions()) {
    if (group === '') continue;
    const list = groups.get(group) ?? [];
    if (!list.includes(version)) list.push(version);
    groups.set(group, list);
  }
  return groups;
}

/** `/apis`. */
export function groupListDocument(registry: ResourceRegistry): JsonObject {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: [...groupsOf(registry)].map(([g, vs]) => groupEntry(g, vs)) };
}

/** `/apis/<group>`, or undefined when the group is not served. */
export function groupDocument(registry: ResourceRegistry, group: string): JsonObject | undefined {
  const versions = groupsOf(registry).get(group);
  return versions ? { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group, versions) } : undefined;
}

function resourceEntries(t: ResourceType): JsonObject[] {
  const main: JsonObject = { name: t.resource, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: [...t.verbs] };
  if (t.shortNames.length > 0) main.shortNames = [...t.shortNames];
  if (t.categories.length > 0) main.categories = [...t.categories];
  const subs = t.subresources.map((s) => ({ name: `${t.resource}/${s}`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: s === 'finalize' ? ['update'] : ['get', 'patch', 'update'] }));
  return [main, ...subs];
}

/** `/api/v1` or `/apis/<group>/<version>`, or undefined when not served. */
export function resourceListDocument(registry: ResourceRegistry, group: string, version: string): JsonObject | undefined {
  const types = registry.all().filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  const first = types[0];
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: first ? groupVersion(first) : version,
    resources: types.flatMap(resourceEntries),
  };
}

function gvPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/**
 * `/openapi/v3`: the index of per-group-version documents. The documents declare, for every kind,
 * the PATCH operation with its `fieldValidation` query parameter — what kubectl looks for to use
 * server-side field validation instead of downloading schemas. Schemas themselves are not served
 * (kubectl then computes apply patches from its built-in types, as it does for any server whose
 * OpenAPI lacks them).
 */
export function openApiV3Root(registry: ResourceRegistry): JsonObject {
  const paths: JsonObject = {};
  for (const { group, version } of registry.groupVersions()) {
    const p = gvPath(group, version);
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hashOf(registry, group, version)}` };
  }
  return { paths };
}

function hashOf(registry: ResourceRegistry, group: string, version: string): string {
  const names = registry
    .all()
    .filter((t) => t.group === group && t.version === version)
    .map((t) => `${t.resource}:${t.kind}`)
    .join(',');
  let h = 0x811c9dc5;
  for (let i = 0; i < names.length; i++) h = Math.imul(h ^ names.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).toUpperCase().padStart(8, '0');
}

/** `/openapi/v3/api/v1` or `/openapi/v3/apis/<group>/<version>`, or undefined when not served. */
export function openApiV3GroupVersion(registry: ResourceRegistry, path: string): JsonObject | undefined {
  const gv = registry.groupVersions().find(({ group, version }) => gvPath(group, version) === path);
  if (!gv) return undefined;
  const paths: JsonObject = {};
  for (const t of registry.all()) {
    if (t.group !== gv.group || t.version !== gv.version) continue;
    const base = `/${gvPath(t.group, t.version)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.resource}/{name}`;
    const gvk = { group: t.group, version: t.version, kind: t.kind };
    const op = (action: string): JsonObject => ({
      operationId: `${action}${t.kind}`,
      parameters: [
        { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
        { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
        { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
      ],
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
    });
    paths[base] = { put: op('replace'), patch: op('patch') };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: SERVED_KUBERNETES_VERSION.gitVersion }, paths };
}
