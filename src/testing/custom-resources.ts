/**
 * Serving custom resources from CustomResourceDefinitions: once a CRD is written, each served
 * version of it is registered (group, plural, kind, scope, short names, categories, status
 * subresource) and the CRD's status gets the Established and NamesAccepted conditions, as the
 * apiextensions controllers set them. Deleting the CRD stops serving it and deletes its objects.
 */
import type { JsonObject } from './json.ts';
import { objectAt, stringAt } from './json.ts';
import { defineResource } from './resources.ts';
import type { ResourceRegistry, ResourceType } from './resources.ts';
import type { Store } from './store.ts';
import { formatTime } from './clock.ts';

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The resource types a CRD serves. */
export function crdResourceTypes(crd: JsonObject): ResourceType[] {
  const spec = objectAt(crd, 'spec') ?? {};
  const names = objectAt(spec, 'names') ?? {};
  const group = stringAt(spec, 'group') ?? '';
  const plural = stringAt(names, 'plural') ?? '';
  const kind = stringAt(names, 'kind') ?? '';
  if (group === '' || plural === '' || kind === '') return [];
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  const out: ResourceType[] = [];
  for (const v of versions) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) continue;
    const version = stringAt(v, 'name');
    if (version === undefined || v.served === false) continue;
    const subs = objectAt(v, 'subresources');
    out.push(
      defineResource({
        group,
        version,
        resource: plural,
        kind,
        namespaced: stringAt(spec, 'scope') !== 'Cluster',
        singular: stringAt(names, 'singular') ?? kind.toLowerCase(),
        shortNames: strings(names.shortNames),
        categories: strings(names.categories),
        subresources: subs && objectAt(subs, 'status') ? ['status'] : [],
        custom: true,
      }),
    );
  }
  return out;
}

/** Keeps the registry in step with the stored CRDs. */
export class CustomResourceController {
  readonly #registry: ResourceRegistry;
  readonly #store: Store;
  readonly #now: () => number;
  readonly #served = new Map<string, ResourceType[]>();

  constructor(registry: ResourceRegistry, store: Store, now: () => number) {
    this.#registry = registry;
    this.#store = store;
    this.#now = now;
  }

  /** Called after a CRD is created, updated or deleted. */
  onChange(crd: JsonObject, deleted: boolean): void {
    const name = stringAt(objectAt(crd, 'metadata'), 'name') ?? '';
    for (const t of this.#served.get(name) ?? []) this.#registry.remove(t.group, t.version, t.resource);
    this.#served.delete(name);
    if (deleted) {
      const types = crdResourceTypes(crd);
      const key = types[0]?.storageKey;
      if (key !== undefined) {
        for (const obj of this.#store.list(key)) {
          const md = objectAt(obj, 'metadata');
          this.#store.delete(key, stringAt(md, 'namespace') ?? '', stringAt(md, 'name') ?? '');
        }
      }
      return;
    }
    const types = crdResourceTypes(crd);
    for (const t of types) this.#registry.add(t);
    this.#served.set(name, types);
    this.#markEstablished(crd, name);
  }

  #markEstablished(crd: JsonObject, name: string): void {
    const status = objectAt(crd, 'status') ?? {};
    const conditions = Array.isArray(status.conditions) ? status.conditions : [];
    const established = conditions.some((c) => typeof c === 'object' && c !== null && !Array.isArray(c) && c.type === 'Established' && c.status === 'True');
    if (established) return;
    const t = formatTime(this.#now());
    const names = objectAt(objectAt(crd, 'spec'), 'names') ?? {};
    const spec = objectAt(crd, 'spec') ?? {};
    const versions = Array.isArray(spec.versions) ? spec.versions : [];
    const storedVersions = versions.flatMap((v) => (typeof v === 'object' && v !== null && !Array.isArray(v) && v.storage === true && typeof v.name === 'string' ? [v.name] : []));
    this.#store.update('apiextensions.k8s.io/customresourcedefinitions', '', name, {
      ...crd,
      status: {
        conditions: [
          { type: 'NamesAccepted', status: 'True', lastTransitionTime: t, reason: 'NoConflicts', message: 'no conflicts found' },
          { type: 'Established', status: 'True', lastTransitionTime: t, reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
        ],
        acceptedNames: names,
        storedVersions,
      },
    });
  }
}
