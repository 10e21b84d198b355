/**
 * A test target that behaves like a small API server store: it keeps the objects the simulator
 * writes, checks every write against what a real server (and an exporter enriching Events) would
 * need, and records what it finds wrong instead of throwing.
 */
import type { JsonObject } from '../../../src/testing/json.ts';
import { isJsonObject, objectAt, stringAt } from '../../../src/testing/json.ts';
import type { SimResource, SimulatedWrite, SimulatorTarget } from '../../../src/testing/simulator/index.ts';

const RESOURCE_OF_KIND: Readonly<Record<string, SimResource>> = {
  Pod: 'pods',
  Node: 'nodes',
  Namespace: 'namespaces',
  ReplicaSet: 'replicasets',
  Deployment: 'deployments',
  Job: 'jobs',
  CronJob: 'cronjobs',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Options of {@link StoreTarget}. */
export interface StoreTargetOptions {
  /** Return the stored object, with a server-assigned resourceVersion (and uid, when `serverUids`), as a real store would. */
  readonly returnStored?: boolean;
  /** Assign uids server-side instead of keeping the client's. */
  readonly serverUids?: boolean;
}

/** A store-like target that validates what it receives. */
export class StoreTarget implements SimulatorTarget {
  readonly writes: SimulatedWrite[] = [];
  readonly problems: string[] = [];
  readonly objects = new Map<string, JsonObject>();
  /** Keys of deleted objects. */
  readonly deleted = new Set<string>();
  readonly #options: StoreTargetOptions;
  #revision = 100;
  #uids = 0;

  constructor(options: StoreTargetOptions = {}) {
    this.#options = options;
  }

  apply(write: SimulatedWrite): void {
    this.#apply(write);
  }

  /** Like {@link apply}, returning the stored object (what `returnStored` targets hand back). */
  applyReturning(write: SimulatedWrite): JsonObject | undefined {
    return this.#apply(write);
  }

  #apply(write: SimulatedWrite): JsonObject | undefined {
    const at = this.writes.length;
    this.writes.push(write);
    const problem = (text: string): void => {
      this.problems.push(`#${at} ${write.verb} ${write.resource}: ${text}`);
    };
    if (write.verb === 'delete') {
      const key = `${write.resource}/${write.namespace}/${write.name}`;
      if (!this.objects.has(key)) problem(`delete of missing ${key}`);
      this.objects.delete(key);
      this.deleted.add(key);
      return undefined;
    }
    const object = write.object;
    const metadata = objectAt(object, 'metadata');
    const name = stringAt(metadata, 'name');
    if (name === undefined) {
      problem('no metadata.name');
      return undefined;
    }
    const key = `${write.resource}/${write.namespace}/${name}`;
    if (metadata?.resourceVersion !== undefined) problem(`${key} sets metadata.resourceVersion`);
    if (metadata?.creationTimestamp !== undefined) problem(`${key} sets metadata.creationTimestamp`);
    if (stringAt(object, 'apiVersion') === undefined || stringAt(object, 'kind') === undefined) problem(`${key} lacks apiVersion/kind`);
    const namespace = stringAt(metadata, 'namespace') ?? '';
    if (namespace !== write.namespace) problem(`${key} metadata.namespace ${namespace} != ${write.namespace}`);
    if (write.verb === 'create' && this.objects.has(key)) problem(`create of existing ${key}`);
    if (write.verb === 'update' && !this.objects.has(key)) problem(`update of missing ${key}`);
    if (write.resource !== 'events') {
      const uid = stringAt(metadata, 'uid');
      if (uid === undefined || !UUID.test(uid)) problem(`${key} uid ${String(uid)} is not uuid-shaped`);
      if (write.verb === 'update' && uid !== undefined && uid !== stringAt(objectAt(this.objects.get(key), 'metadata'), 'uid')) {
        problem(`${key} update changes uid`);
      }
      for (const owner of Array.isArray(metadata?.ownerReferences) ? metadata.ownerReferences : []) {
        if (!isJsonObject(owner)) continue;
        const resource = RESOURCE_OF_KIND[stringAt(owner, 'kind') ?? ''];
        const ownerKey = `${resource ?? '?'}/${write.namespace}/${stringAt(owner, 'name') ?? ''}`;
        const stored = this.objects.get(ownerKey);
        if (write.verb === 'create' && stored === undefined) problem(`${key} owned by missing ${ownerKey}`);
        if (stored !== undefined && stringAt(objectAt(stored, 'metadata'), 'uid') !== stringAt(owner, 'uid')) problem(`${key} owner uid mismatch`);
      }
    } else {
      this.#checkEvent(write, key, problem);
    }
    const stored = structuredClone(object);
    const storedMeta = objectAt(stored, 'metadata');
    if (storedMeta !== undefined) {
      this.#revision += 1;
      if (this.#options.returnStored === true) storedMeta.resourceVersion = String(this.#revision);
      if (this.#options.serverUids === true && write.resource !== 'events') {
        storedMeta.uid = write.verb === 'create' ? `00000000-0000-4000-8000-${String(++this.#uids).padStart(12, '0')}` : (stringAt(objectAt(this.objects.get(key), 'metadata'), 'uid') ?? '');
      }
    }
    this.objects.set(key, stored);
    return this.#options.returnStored === true ? structuredClone(stored) : undefined;
  }

  #checkEvent(write: SimulatedWrite & { object: JsonObject }, key: string, problem: (text: string) => void): void {
    const event = write.object;
    const involved = objectAt(event, 'involvedObject');
    const kind = stringAt(involved, 'kind') ?? '';
    const involvedName = stringAt(involved, 'name') ?? '';
    const involvedNamespace = stringAt(involved, 'namespace') ?? '';
    const resource = RESOURCE_OF_KIND[kind];
    if (resource === undefined) {
      problem(`${key} involves unknown kind ${kind}`);
      return;
    }
    const target = this.objects.get(`${resource}/${involvedNamespace}/${involvedName}`);
    const source = objectAt(event, 'source');
    if (target === undefined) {
      problem(`${key} (${stringAt(event, 'reason') ?? ''}) involves missing ${resource}/${involvedNamespace}/${involvedName}`);
    } else {
      const uid = stringAt(objectAt(target, 'metadata'), 'uid');
      // The kubelet refers to its node by name, uid included, and without apiVersion.
      const kubeletNode = kind === 'Node' && stringAt(involved, 'apiVersion') === undefined;
      const want = kubeletNode ? involvedName : uid;
      if (stringAt(involved, 'uid') !== want) problem(`${key} involvedObject.uid ${String(stringAt(involved, 'uid'))} != ${String(want)}`);
    }
    const eventNamespace = stringAt(objectAt(event, 'metadata'), 'namespace');
    if (eventNamespace !== (involvedNamespace === '' ? 'default' : involvedNamespace)) problem(`${key} in namespace ${String(eventNamespace)}`);
    const name = stringAt(objectAt(event, 'metadata'), 'name') ?? '';
    if (!name.startsWith(`${involvedName}.`) || !/^[0-9a-f]{15,17}$/.test(name.slice(involvedName.length + 1))) problem(`${key} name is not <object>.<hex nanos>`);
    if (stringAt(event, 'reportingComponent') !== stringAt(source, 'component')) problem(`${key} reportingComponent != source.component`);
    if (stringAt(event, 'reportingInstance') !== (stringAt(source, 'host') ?? '')) problem(`${key} reportingInstance != source.host`);
    const type = stringAt(event, 'type');
    if (type !== 'Normal' && type !== 'Warning') problem(`${key} type ${String(type)}`);
    const count = event.count;
    if (typeof count !== 'number' || count < 1) problem(`${key} count ${JSON.stringify(count)}`);
    const first = stringAt(event, 'firstTimestamp') ?? '';
    const last = stringAt(event, 'lastTimestamp') ?? '';
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(first) || last < first) problem(`${key} timestamps ${first} / ${last}`);
    if (event.eventTime !== null) problem(`${key} eventTime is not null`);
    if (write.verb === 'update') {
      const before = this.objects.get(key);
      if (before !== undefined) {
        if (event.count !== (before.count as number) + 1) problem(`${key} count ${JSON.stringify(event.count)} after ${JSON.stringify(before.count)}`);
        if (stringAt(event, 'firstTimestamp') !== stringAt(before, 'firstTimestamp')) problem(`${key} firstTimestamp changed`);
        if ((stringAt(event, 'lastTimestamp') ?? '') < (stringAt(before, 'lastTimestamp') ?? '')) problem(`${key} lastTimestamp went back`);
        if (JSON.stringify(event.involvedObject) !== JSON.stringify(before.involvedObject)) problem(`${key} involvedObject changed`);
        if (stringAt(event, 'message') !== stringAt(before, 'message')) problem(`${key} message changed`);
      }
    } else if (event.count !== 1) {
      problem(`${key} created with count ${JSON.stringify(event.count)}`);
    }
  }

  /** The Event writes (creates and updates), in order. */
  events(): { readonly verb: 'create' | 'update'; readonly event: JsonObject; readonly at: number }[] {
    const out: { verb: 'create' | 'update'; event: JsonObject; at: number }[] = [];
    this.writes.forEach((w, at) => {
      if (w.resource === 'events' && w.verb !== 'delete') out.push({ verb: w.verb, event: w.object, at });
    });
    return out;
  }
}

/** A clock that moves 20 ms on each reading, from a fixed instant. */
export function steppingClock(start = Date.UTC(2024, 4, 1, 12, 0, 0), stepMs = 20): { now(): number } {
  let t = start;
  return {
    now: () => {
      t += stepMs;
      return t;
    },
  };
}
