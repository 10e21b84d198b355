/**
 * The test cluster's API server: the Kubernetes REST wire protocol over node:http(s) — get, list,
 * watch, create, update, patch, delete and deletecollection on every registered resource, with
 * kube-apiserver's semantics for resourceVersions, pagination, selectors, tables and errors.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import { formatTime } from './clock.ts';
import type { OffsetClock } from './clock.ts';
import type { Change, Store } from './store.ts';
import { RevisionCompactedError, namespaceAndName } from './store.ts';
import type { ResourceRegistry, ResourceType } from './resources.ts';
import { groupVersion } from './resources.ts';
import type { Json, JsonObject } from './json.ts';
import { isJsonObject, objectAt, stringAt } from './json.ts';
import {
  ApiStatusError,
  alreadyExists,
  badRequest,
  conflict,
  expired,
  forbidden,
  internalError,
  invalid,
  methodNotSupported,
  notFound,
  pathNotFound,
  unauthorized,
} from './status.ts';
import type { ApiStatus } from './status.ts';
import type { ListOptions } from './list-options.ts';
import { decodeContinue, encodeContinue, parseListOptions, parseResourceVersion, validateListOptions } from './list-options.ts';
import { parseRequestInfo } from './request-info.ts';
import type { RequestInfo } from './request-info.ts';
import type { Authenticator, UserInfo } from './auth.ts';
import { WatchConnection } from './watch-connection.ts';
import type { WatchTarget } from './watch-connection.ts';
import { coreVersionsDocument, groupDocument, groupListDocument, openApiV3GroupVersion, openApiV3Root, resourceListDocument, versionDocument } from './discovery.ts';
import { fillCreateMetadata, keepUpdateMetadata, validateName } from './object-meta.ts';
import { GENERATION_KINDS } from './builtin-resources.ts';
import { applyPatch } from './patch/apply-patch.ts';
import { matchesLabels, parseLabelSelector } from './selectors/label-selector.ts';
import type { LabelSelector } from './selectors/label-selector.ts';
import { fieldSelectorRequirements, parseFieldSelector } from './selectors/field-selector.ts';
import type { FieldSelector } from './selectors/field-selector.ts';
import {
  InvalidFieldSelectorError,
  InvalidLabelSelectorError,
  fieldLabelNotSupportedMessage,
  invalidFieldSelector,
  invalidLabelSelector,
  notAKnownFieldSelectorMessage,
  unsupportedFieldLabel,
} from './selectors/selector-errors.ts';
import type { FaultState } from './fault-state.ts';

/** Settings of the API server. */
export interface ApiServerSettings {
  eventTTLMs: number;
  defaultWatchTimeoutSeconds: number;
  watchList: boolean;
  /** How long a list/get waits for a future resourceVersion before answering 504. */
  tooLargeResourceVersionWaitMs: number;
}

/** A predicate over stored objects built from a request's selectors. */
type ObjectFilter = (stored: JsonObject) => boolean;

const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** How a response should be shaped (object, or meta.k8s.io Table). */
interface Rendering {
  table: boolean;
  includeObject: 'None' | 'Metadata' | 'Object';
}

function renderingOf(req: IncomingMessage, q: URLSearchParams): Rendering {
  const accept = req.headers.accept ?? '';
  const table = /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
  const io = q.get('includeObject');
  return { table, includeObject: io === 'None' || io === 'Object' ? io : 'Metadata' };
}

const DEFAULT_TABLE_COLUMNS: JsonObject[] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names', priority: 0 },
  { name: 'Created At', type: 'date', format: '', description: 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata', priority: 0 },
];

function sendJson(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendStatus(res: ServerResponse, err: ApiStatusError): void {
  // Go omits an empty reason (`omitempty`).
  const { reason, ...rest } = err.status;
  sendJson(res, err.status.code, reason === '' ? rest : err.status, { ...err.headers });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new ApiStatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `Request entity too large: limit is ${MAX_BODY_BYTES}`, reason: 'RequestEntityTooLarge', code: 413 });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function decodeObject(text: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
  if (!isJsonObject(parsed)) throw badRequest("couldn't get version/kind; json parse error: json: cannot unmarshal into Go value of type struct");
  return parsed;
}

/** The API server. */
export class ApiServer {
  readonly #clock: OffsetClock;
  readonly #store: Store;
  readonly #registry: ResourceRegistry;
  readonly #auth: Authenticator;
  readonly #settings: ApiServerSettings;
  readonly #faults: FaultState;
  readonly watches = new Set<WatchConnection>();
  readonly #serializations = new WeakMap<ResourceType, WeakMap<JsonObject, string>>();
  /** host:port clients use (for /api's serverAddressByClientCIDRs). */
  serverAddress = '127.0.0.1';
  /** Called after a CRD is written or deleted, so its custom resources are (un)served. */
  onCrdChange: (crd: JsonObject, deleted: boolean) => void = () => undefined;

  constructor(clock: OffsetClock, store: Store, registry: ResourceRegistry, auth: Authenticator, faults: FaultState, settings: ApiServerSettings) {
    this.#clock = clock;
    this.#store = store;
    this.#registry = registry;
    this.#auth = auth;
    this.#faults = faults;
    this.#settings = settings;
  }

  // ---------------------------------------------------------------- HTTP

  /** Handles one HTTP request; never throws. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.#handle(req, res);
    } catch (e) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendStatus(res, e instanceof ApiStatusError ? e : internalError(e instanceof Error ? e.message : String(e)));
    }
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const q = url.searchParams;
    const method = req.method ?? 'GET';
    const info = parseRequestInfo(method, url.pathname, q.get('watch') === 'true' || q.get('watch') === '1');
    if (url.pathname === '/healthz' || url.pathname === '/livez' || url.pathname === '/readyz') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('ok');
      return;
    }
    const user = this.#auth.authenticate(req);
    if (!user) throw unauthorized();
    await this.#faults.before(info, url.pathname);
    if (!info.isResource) {
      this.#discovery(res, info, url.pathname);
      return;
    }
    const type = this.#registry.get(info.group, info.version, info.resource);
    if (!type) throw pathNotFound();
    this.#checkScope(type, info);
    this.#authorize(user, info, type);
    const rendering = renderingOf(req, q);
    const ns = type.namespaced ? info.namespace : '';
    if (info.subresource !== '' && !type.subresources.includes(info.subresource)) throw pathNotFound();
    switch (info.verb) {
      case 'get': {
        const obj = this.getObject(type, ns, info.name);
        sendJson(res, 200, rendering.table ? this.#table(type, [obj], rendering, {}) : type.fromStorage(obj));
        return;
      }
      case 'list': {
        const opts = parseListOptions(q);
        validateListOptions(opts, this.#settings.watchList);
        const page = await this.#list(type, info.namespace, opts);
        sendJson(res, 200, rendering.table ? this.#table(type, page.items, rendering, page.metadata) : this.#listBody(type, page.items, page.metadata));
        return;
      }
      case 'watch': {
        const opts = parseListOptions(q);
        opts.watch = true;
        validateListOptions(opts, this.#settings.watchList);
        this.#watch(res, type, info.namespace, opts, rendering);
        return;
      }
      case 'create': {
        if (info.name !== '') throw methodNotSupported(type, 'create');
        const created = this.createObject(type, ns, decodeObject(await readBody(req)), q.get('dryRun') === 'All');
        sendJson(res, 201, type.fromStorage(created));
        return;
      }
      case 'update': {
        const updated = this.updateObject(type, ns, info.name, decodeObject(await readBody(req)), info.subresource);
        sendJson(res, 200, type.fromStorage(updated));
        return;
      }
      case 'patch': {
        const patched = this.patchObject(type, ns, info.name, info.subresource, await readBody(req), req.headers['content-type'] ?? '');
        sendJson(res, 200, type.fromStorage(patched));
        return;
      }
      case 'delete': {
        const text = await readBody(req);
        const out = this.deleteObject(type, ns, info.name, text.trim() === '' ? {} : decodeObject(text));
        sendJson(res, 200, out);
        return;
      }
      case 'deletecollection': {
        if (!type.verbs.includes('deletecollection')) throw methodNotSupported(type, 'deletecollection');
        const opts = parseListOptions(q);
        const deleted = this.deleteCollection(type, info.namespace, opts);
        sendJson(res, 200, this.#listBody(type, deleted, { resourceVersion: String(this.#store.resourceVersion) }));
        return;
      }
      default:
        throw methodNotSupported(type, info.verb);
    }
  }

  #checkScope(type: ResourceType, info: RequestInfo): void {
    // A namespaced URL for a cluster-scoped type, or a named namespaced object without a namespace.
    if (!type.namespaced && info.namespace !== '' && info.resource !== 'namespaces') throw pathNotFound();
    if (type.namespaced && info.namespace === '' && (info.name !== '' || info.verb === 'create')) throw pathNotFound();
  }

  #authorize(user: UserInfo, info: RequestInfo, type: ResourceType): void {
    const attrs = { verb: info.verb, group: type.group, resource: type.resource, subresource: info.subresource, namespace: type.namespaced ? info.namespace : '' };
    if (!this.#auth.authorize(user, attrs)) {
      throw forbidden({ group: type.group, resource: type.resource }, info.name, user.name, info.verb, attrs.namespace);
    }
  }

  #discovery(res: ServerResponse, info: RequestInfo, path: string): void {
    let doc: JsonObject | undefined;
    const p = info.parts;
    if (path === '/version' || path === '/version/') doc = versionDocument();
    else if (path === '/openapi/v3' || path === '/openapi/v3/') doc = openApiV3Root(this.#registry);
    else if (path.startsWith('/openapi/v3/')) doc = openApiV3GroupVersion(this.#registry, path.slice('/openapi/v3/'.length));
    else if (info.prefix === 'api' && p.length === 0) doc = coreVersionsDocument(this.serverAddress);
    else if (info.prefix === 'api' && p.length === 1) doc = resourceListDocument(this.#registry, '', p[0] ?? '');
    else if (info.prefix === 'apis' && p.length === 0) doc = groupListDocument(this.#registry);
    else if (info.prefix === 'apis' && p.length === 1) doc = groupDocument(this.#registry, p[0] ?? '');
    else if (info.prefix === 'apis' && p.length === 2) doc = resourceListDocument(this.#registry, p[0] ?? '', p[1] ?? '');
    if (!doc) throw pathNotFound();
    sendJson(res, 200, doc);
  }

  // ---------------------------------------------------------------- selectors

  /** A filter from label and field selectors, with the real server's errors for bad ones. */
  filterFor(type: ResourceType, labelSelector: string, fieldSelector: string): ObjectFilter | undefined {
    const checks: ObjectFilter[] = [];
    if (labelSelector !== '') {
      let sel: LabelSelector;
      try {
        sel = parseLabelSelector(labelSelector);
      } catch (e) {
        if (e instanceof InvalidLabelSelectorError) throw invalidLabelSelector(e);
        throw e;
      }
      checks.push((o) => {
        const labels = objectAt(objectAt(o, 'metadata'), 'labels') as Record<string, string> | undefined;
        return matchesLabels(sel, labels);
      });
    }
    if (fieldSelector !== '') {
      let parsed: FieldSelector;
      try {
        parsed = parseFieldSelector(fieldSelector);
      } catch (e) {
        if (e instanceof InvalidFieldSelectorError) throw invalidFieldSelector(e);
        throw e;
      }
      const reqs = fieldSelectorRequirements(parsed).map((r) => {
        const field = type.convertFieldLabel(r.field);
        if (field === undefined) throw unsupportedFieldLabel(r.field, type.hasFieldLabelConversion ? fieldLabelNotSupportedMessage : notAKnownFieldSelectorMessage);
        return { field, negate: r.operator === '!=', value: r.value };
      });
      checks.push((o) => {
        const fields = type.selectableFields(o);
        return reqs.every((r) => ((Object.hasOwn(fields, r.field) ? fields[r.field] : '') === r.value) !== r.negate);
      });
    }
    if (checks.length === 0) return undefined;
    return (o) => checks.every((c) => c(o));
  }

  // ---------------------------------------------------------------- reads

  /** The stored object, or 404. */
  getObject(type: ResourceType, ns: string, name: string): JsonObject {
    const obj = this.#store.get(type.storageKey, ns, name);
    if (!obj) throw notFound({ group: type.group, resource: type.resource }, name);
    return obj;
  }

  async #waitForResourceVersion(rv: number): Promise<void> {
    if (rv <= this.#store.resourceVersion) return;
    const deadline = Date.now() + this.#settings.tooLargeResourceVersionWaitMs;
    while (rv > this.#store.resourceVersion && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    if (rv > this.#store.resourceVersion) {
      const status: ApiStatus = {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `Timeout: Too large resource version: ${rv}, current: ${this.#store.resourceVersion}`,
        reason: 'Timeout',
        details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 },
        code: 504,
      };
      throw new ApiStatusError(status, { 'Retry-After': '1' });
    }
  }

  #tooOld(rv: number): ApiStatusError {
    return expired(`too old resource version: ${rv} (${this.#store.oldestWatchable})`);
  }

  /** A list page: items (stored form) and list metadata, with kube-apiserver's resourceVersion and paging rules. */
  async #list(type: ResourceType, namespace: string, o: ListOptions): Promise<{ items: JsonObject[]; metadata: JsonObject }> {
    const filter = this.filterFor(type, o.labelSelector, o.fieldSelector);
    const ns = namespace === '' ? undefined : namespace;
    let snapshotRv: number;
    let all: JsonObject[];
    let startAfter = '';
    if (o.continueToken !== '') {
      if (o.resourceVersion !== '' && o.resourceVersion !== '0') throw badRequest('specifying resource version is not allowed when using continue');
      const token = decodeContinue(o.continueToken);
      startAfter = token.start;
      if (token.rv < 0) {
        snapshotRv = this.#store.resourceVersion;
        all = this.#store.list(type.storageKey, ns);
      } else {
        try {
          all = this.#store.snapshot(type.storageKey, token.rv, ns);
          snapshotRv = token.rv;
        } catch (e) {
          if (!(e instanceof RevisionCompactedError)) throw e;
          throw expired(
            'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
            encodeContinue({ rv: -1, start: token.start }),
          );
        }
      }
    } else {
      const rv = parseResourceVersion(o.resourceVersion);
      if (rv !== undefined && rv > 0 && o.resourceVersionMatch === 'Exact') {
        await this.#waitForResourceVersion(rv);
        try {
          all = this.#store.snapshot(type.storageKey, rv, ns);
        } catch (e) {
          if (e instanceof RevisionCompactedError) throw this.#tooOld(rv);
          throw e;
        }
        snapshotRv = rv;
      } else {
        if (rv !== undefined && rv > 0) await this.#waitForResourceVersion(rv);
        snapshotRv = this.#store.resourceVersion;
        all = this.#store.list(type.storageKey, ns);
      }
    }
    let items = all;
    if (startAfter !== '') items = items.filter((obj) => keyOf(obj) > startAfter);
    if (filter) items = items.filter(filter);
    const metadata: JsonObject = { resourceVersion: String(snapshotRv) };
    if (o.limit > 0 && items.length > o.limit) {
      const page = items.slice(0, o.limit);
      const last = page[page.length - 1];
      metadata.continue = encodeContinue({ rv: snapshotRv, start: last ? keyOf(last) : '' });
      if (!filter) metadata.remainingItemCount = items.length - o.limit;
      items = page;
    }
    return { items, metadata };
  }

  #listBody(type: ResourceType, stored: JsonObject[], metadata: JsonObject): JsonObject {
    const items = stored.map((s) => {
      const obj = type.fromStorage(s);
      if (type.custom) return obj;
      // Typed lists carry no apiVersion/kind on their items, as the real server encodes them.
      const rest = { ...obj };
      delete rest.apiVersion;
      delete rest.kind;
      return rest;
    });
    return { kind: type.listKind, apiVersion: groupVersion(type), metadata, items };
  }

  #table(type: ResourceType, stored: JsonObject[], r: Rendering, metadata: JsonObject): JsonObject {
    const now = this.#clock.now();
    const columns = type.table ? [...type.table.columns] : DEFAULT_TABLE_COLUMNS;
    const rows = stored.map((s) => {
      const served = type.fromStorage(s);
      const md = objectAt(served, 'metadata') ?? {};
      const cells: Json[] = type.table ? type.table.cells(s, now) : [stringAt(md, 'name') ?? '', stringAt(md, 'creationTimestamp') ?? null];
      const row: JsonObject = { cells };
      if (r.includeObject === 'Object') row.object = served;
      else if (r.includeObject === 'Metadata') row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: md };
      return row;
    });
    return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata, columnDefinitions: columns as unknown as Json[], rows };
  }

  // ---------------------------------------------------------------- watch

  #watch(res: ServerResponse, type: ResourceType, namespace: string, o: ListOptions, r: Rendering): void {
    const filter = this.filterFor(type, o.labelSelector, o.fieldSelector);
    const ns = namespace === '' ? undefined : namespace;
    const rv = parseResourceVersion(o.resourceVersion);
    const target: WatchTarget = {
      type,
      matches: filter ?? (() => true),
      serialize: r.table
        ? (stored) => JSON.stringify(this.#table(type, [stored], r, { resourceVersion: stringAt(objectAt(stored, 'metadata'), 'resourceVersion') ?? '' }))
        : (stored) => this.#serialized(type, stored),
    };
    const timeoutMs = (o.timeoutSeconds ?? this.#settings.defaultWatchTimeoutSeconds) * 1000;
    const conn = new WatchConnection(res, target, o.allowWatchBookmarks, timeoutMs);
    this.watches.add(conn);
    conn.onClose(() => this.watches.delete(conn));
    this.#faults.onWatchStart(conn);
    if (conn.closed) return;
    const initial = o.sendInitialEvents === true || (o.sendInitialEvents === undefined && (rv === undefined || rv === 0));
    if (!initial && rv !== undefined && rv < this.#store.oldestWatchable) {
      conn.error(this.#tooOld(rv).status as unknown as JsonObject);
      return;
    }
    // Replay and subscribe in one synchronous step, so no change falls between them.
    if (initial) {
      for (const obj of this.#store.list(type.storageKey, ns)) if (target.matches(obj)) conn.sendObject('ADDED', obj);
      if (o.sendInitialEvents === true) conn.bookmark(this.#store.resourceVersion, true);
    } else if (rv !== undefined) {
      for (const ch of this.#store.changesSince(type.storageKey, rv)) if (ns === undefined || ch.namespace === ns) conn.deliver(ch, false);
    }
    const unlisten = this.#store.listen({ storageKey: type.storageKey, namespace: ns, onChange: (ch: Change) => { conn.deliver(ch); } });
    conn.onClose(unlisten);
  }

  /**
   * The wire form of a stored object in `type`'s version, cached: stored objects never change, and
   * every watcher of the same version sends the same bytes (the watch cache's serialization cache).
   */
  #serialized(type: ResourceType, stored: JsonObject): string {
    let cache = this.#serializations.get(type);
    if (!cache) {
      cache = new WeakMap();
      this.#serializations.set(type, cache);
    }
    let text = cache.get(stored);
    if (text === undefined) {
      text = JSON.stringify(type.fromStorage(stored));
      cache.set(stored, text);
    }
    return text;
  }

  /**
   * Serializes a freshly written object for the first type stored under its key (core/v1 for
   * events), as etcd holds objects serialized: watches then send bytes instead of re-encoding.
   */
  #preserialize(type: ResourceType, stored: JsonObject): void {
    const primary = this.#registry.byStorageKey(type.storageKey)[0] ?? type;
    this.#serialized(primary, stored);
  }

  /** Sends a BOOKMARK to every open watch that asked for them. */
  sendBookmarks(): void {
    const rv = this.#store.resourceVersion;
    for (const w of this.watches) w.bookmark(rv);
  }

  // ---------------------------------------------------------------- writes

  #checkTypeMeta(type: ResourceType, obj: JsonObject): void {
    const av = stringAt(obj, 'apiVersion') ?? '';
    const kind = stringAt(obj, 'kind') ?? '';
    const gv = groupVersion(type);
    if (av !== '' && av !== gv) throw badRequest(`the API version in the data (${av}) does not match the expected API version (${gv})`);
    if (kind !== '' && kind !== type.kind) throw badRequest(`the kind in the data (${kind}) does not match the expected kind (${type.kind})`);
  }

  #validate(type: ResourceType, stored: JsonObject, ns: string, old: JsonObject | undefined): void {
    const { name } = namespaceAndName(stored);
    const md = objectAt(stored, 'metadata');
    const errors = type.ttl === 'events' ? [] : validateName(name, (stringAt(md, 'generateName') ?? '') !== '', type.kind);
    errors.push(...type.validate(stored, { apiGroupVersion: groupVersion(type), requestNamespace: ns, ...(old ? { old } : {}) }));
    if (errors.length > 0) throw type.invalidError ? type.invalidError(name, errors) : invalid({ group: type.group, kind: type.kind }, name, errors);
  }

  #ttlFor(type: ResourceType): number | undefined {
    return type.ttl === 'events' ? this.#settings.eventTTLMs : undefined;
  }

  #requireNamespace(ns: string): void {
    if (ns !== '' && !this.#store.get('core/namespaces', '', ns)) throw notFound({ group: '', resource: 'namespaces' }, ns);
  }

  /** Creates an object (body in `type`'s version); returns the stored form. */
  createObject(type: ResourceType, ns: string, body: JsonObject, dryRun = false): JsonObject {
    this.#checkTypeMeta(type, body);
    type.checkDecodable?.(body);
    const bodyNs = stringAt(objectAt(body, 'metadata'), 'namespace') ?? '';
    if (type.namespaced && bodyNs !== '' && bodyNs !== ns) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    const withMeta = fillCreateMetadata({ ...body, apiVersion: groupVersion(type), kind: type.kind }, {
      namespace: type.namespaced ? ns : '',
      now: formatTime(this.#clock.now()),
      generation: type.custom || GENERATION_KINDS.has(type.kind),
    });
    const stored = type.toStorage(withMeta);
    this.#validate(type, stored, ns, undefined);
    this.#requireNamespace(type.namespaced ? ns : '');
    const { name } = namespaceAndName(stored);
    if (this.#store.get(type.storageKey, ns, name)) throw alreadyExists({ group: type.group, resource: type.resource }, name);
    if (dryRun) return { ...stored, metadata: { ...(objectAt(stored, 'metadata') ?? {}), resourceVersion: '' } };
    const created = this.#store.create(type.storageKey, type.namespaced ? ns : '', name, stored, this.#ttlFor(type));
    this.#preserialize(type, created);
    if (type.resource === 'customresourcedefinitions' && type.group === 'apiextensions.k8s.io') this.onCrdChange(created, false);
    return created;
  }

  /** Replaces an object (or its status subresource); returns the stored form. */
  updateObject(type: ResourceType, ns: string, name: string, body: JsonObject, subresource = ''): JsonObject {
    this.#checkTypeMeta(type, body);
    type.checkDecodable?.(body);
    const md = objectAt(body, 'metadata') ?? {};
    const bodyName = stringAt(md, 'name') ?? '';
    if (bodyName !== '' && bodyName !== name) throw badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${name})`);
    const bodyNs = stringAt(md, 'namespace') ?? '';
    if (type.namespaced && bodyNs !== '' && bodyNs !== ns) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    const old = this.getObject(type, ns, name);
    const oldRv = stringAt(objectAt(old, 'metadata'), 'resourceVersion') ?? '';
    const rv = stringAt(md, 'resourceVersion') ?? '';
    if (rv !== '' && rv !== oldRv) throw conflict({ group: type.group, resource: type.resource }, name);
    return this.#write(type, ns, name, { ...body, apiVersion: groupVersion(type), kind: type.kind }, old, subresource);
  }

  #write(type: ResourceType, ns: string, name: string, served: JsonObject, old: JsonObject, subresource: string): JsonObject {
    let next = type.toStorage(keepUpdateMetadata(served, old));
    const hasStatus = type.subresources.includes('status');
    if (hasStatus && subresource === 'status') {
      // Only status changes through /status.
      next = { ...old, status: next.status ?? {} };
      if (next.status === undefined) delete next.status;
    } else if (hasStatus && type.kind !== 'Namespace') {
      if (old.status === undefined) delete next.status;
      else next = { ...next, status: old.status };
    }
    const oldMd = objectAt(old, 'metadata') ?? {};
    const stripRv = (o: JsonObject): JsonObject => ({ ...o, metadata: { ...(objectAt(o, 'metadata') ?? {}), resourceVersion: '' } });
    if ((type.custom || GENERATION_KINDS.has(type.kind)) && subresource !== 'status' && !isDeepStrictEqual(next.spec, old.spec)) {
      const gen = typeof oldMd.generation === 'number' ? oldMd.generation : 0;
      next = { ...next, metadata: { ...(objectAt(next, 'metadata') ?? {}), generation: gen + 1 } };
    }
    this.#validate(type, next, ns, old);
    // A write that changes nothing is not written: no new resourceVersion, no watch event.
    if (isDeepStrictEqual(stripRv(next), stripRv(old))) return old;
    const finalizers = objectAt(next, 'metadata')?.finalizers;
    const deleting = oldMd.deletionTimestamp !== undefined;
    if (deleting && (!Array.isArray(finalizers) || finalizers.length === 0)) {
      this.#store.update(type.storageKey, type.namespaced ? ns : '', name, next, this.#ttlFor(type));
      return this.#store.delete(type.storageKey, type.namespaced ? ns : '', name) ?? next;
    }
    const stored = this.#store.update(type.storageKey, type.namespaced ? ns : '', name, next, this.#ttlFor(type));
    this.#preserialize(type, stored);
    if (type.resource === 'customresourcedefinitions' && type.group === 'apiextensions.k8s.io') this.onCrdChange(stored, false);
    return stored;
  }

  /** Applies a patch (JSON, merge or strategic merge); returns the stored form. */
  patchObject(type: ResourceType, ns: string, name: string, subresource: string, body: string, contentType: string): JsonObject {
    const old = this.getObject(type, ns, name);
    const current = type.fromStorage(old);
    const patched = applyPatch(current, body, contentType, { group: type.group, version: type.version, kind: type.kind, isCustomResource: type.custom });
    type.checkDecodable?.(patched);
    const oldRv = stringAt(objectAt(old, 'metadata'), 'resourceVersion') ?? '';
    const rv = stringAt(objectAt(patched, 'metadata'), 'resourceVersion') ?? '';
    if (rv !== '' && rv !== oldRv) throw conflict({ group: type.group, resource: type.resource }, name);
    const md = objectAt(patched, 'metadata') ?? {};
    const patchedName = stringAt(md, 'name') ?? name;
    if (patchedName !== name) throw badRequest(`the name of the object (${patchedName}) does not match the name on the URL (${name})`);
    return this.#write(type, ns, name, patched, old, subresource);
  }

  /** Deletes an object; returns what the real server returns (the object or a Success Status). */
  deleteObject(type: ResourceType, ns: string, name: string, options: JsonObject): JsonObject {
    const old = this.getObject(type, ns, name);
    const md = objectAt(old, 'metadata') ?? {};
    const pre = objectAt(options, 'preconditions');
    const gr = { group: type.group, resource: type.resource };
    const preUid = stringAt(pre, 'uid');
    if (preUid !== undefined && preUid !== stringAt(md, 'uid')) {
      throw conflict(gr, name, `Precondition failed: UID in precondition: ${preUid}, UID in object meta: ${stringAt(md, 'uid') ?? ''}`);
    }
    const preRv = stringAt(pre, 'resourceVersion');
    if (preRv !== undefined && preRv !== stringAt(md, 'resourceVersion')) {
      throw conflict(gr, name, `Precondition failed: ResourceVersion in precondition: ${preRv}, ResourceVersion in object meta: ${stringAt(md, 'resourceVersion') ?? ''}`);
    }
    const key = type.namespaced ? ns : '';
    const finalizers = md.finalizers;
    let result: JsonObject;
    if (Array.isArray(finalizers) && finalizers.length > 0) {
      if (md.deletionTimestamp !== undefined) return type.fromStorage(old);
      result = this.#store.update(type.storageKey, key, name, { ...old, metadata: { ...md, deletionTimestamp: formatTime(this.#clock.now()), deletionGracePeriodSeconds: 0 } });
      return type.fromStorage(result);
    }
    if (type.resource === 'namespaces' && type.group === '') this.#deleteNamespaceContents(name);
    result = this.#store.delete(type.storageKey, key, name) ?? old;
    if (type.resource === 'customresourcedefinitions' && type.group === 'apiextensions.k8s.io') this.onCrdChange(result, true);
    if (type.resource === 'pods' || type.resource === 'namespaces') {
      const served = type.fromStorage(result);
      if (type.resource === 'namespaces') return { ...served, status: { phase: 'Terminating' } };
      return served;
    }
    const details: JsonObject = { name };
    if (type.group !== '') details.group = type.group;
    details.kind = type.resource;
    details.uid = stringAt(md, 'uid') ?? '';
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
  }

  #deleteNamespaceContents(ns: string): void {
    const seen = new Set<string>();
    for (const t of this.#registry.all()) {
      if (!t.namespaced || seen.has(t.storageKey)) continue;
      seen.add(t.storageKey);
      for (const obj of this.#store.list(t.storageKey, ns)) this.#store.delete(t.storageKey, ns, namespaceAndName(obj).name);
    }
  }

  /** Deletes every object matching the selectors; returns them (stored form). */
  deleteCollection(type: ResourceType, namespace: string, o: ListOptions): JsonObject[] {
    const filter = this.filterFor(type, o.labelSelector, o.fieldSelector);
    const ns = namespace === '' ? undefined : namespace;
    const out: JsonObject[] = [];
    for (const obj of this.#store.list(type.storageKey, ns)) {
      if (filter && !filter(obj)) continue;
      const { namespace: ons, name } = namespaceAndName(obj);
      const gone = this.#store.delete(type.storageKey, ons, name);
      if (gone) out.push(gone);
    }
    return out;
  }
}

function keyOf(obj: JsonObject): string {
  const { namespace, name } = namespaceAndName(obj);
  return `${namespace}/${name}`;
}
