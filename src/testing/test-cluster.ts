/**
 * `startTestCluster()`: an in-process Kubernetes API server for tests, over HTTPS (and plain HTTP
 * if asked), with a kubeconfig for kubectl and a `KubeConfig` for @kubernetes/client-node.
 */
import { createServer as createHttpsServer } from 'node:https';
import type { Server as HttpsServer } from 'node:https';
import { createServer as createHttpServer } from 'node:http';
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import { EventEmitter } from 'eventemitter3';
import { InvalidOptionError } from '../errors.ts';
import { OffsetClock } from './clock.ts';
import type { TestClock } from './clock.ts';
import { Store, namespaceAndName } from './store.ts';
import { ResourceRegistry } from './resources.ts';
import type { ResourceType } from './resources.ts';
import { builtinResources } from './builtin-resources.ts';
import { Authenticator } from './auth.ts';
import type { TestUser } from './auth.ts';
import { ApiServer } from './api-server.ts';
import { FaultState } from './fault-state.ts';
import type { InjectedFailure, RequestMatch } from './fault-state.ts';
import { CustomResourceController } from './custom-resources.ts';
import { createCertificateAuthority, issueClientCertificate, issueServerCertificate } from './certificates.ts';
import type { CertificateAuthority } from './certificates.ts';
import { buildKubeconfig, toClientNodeKubeConfig, writeKubeconfig } from './kubeconfig.ts';
import type { KubeconfigOptions } from './kubeconfig.ts';
import type { JsonObject } from './json.ts';
import { pathNotFound } from './status.ts';
import { createWorkloadSimulator } from './simulator/index.ts';
import type { SimResource, SimulatorTarget, WorkloadSimulator, WorkloadSimulatorOptions } from './simulator/index.ts';

const SIM_REFS: Record<SimResource, ResourceRef> = {
  events: { apiVersion: 'v1', resource: 'events' },
  pods: { apiVersion: 'v1', resource: 'pods' },
  nodes: { apiVersion: 'v1', resource: 'nodes' },
  namespaces: { apiVersion: 'v1', resource: 'namespaces' },
  replicasets: { apiVersion: 'apps/v1', resource: 'replicasets' },
  deployments: { apiVersion: 'apps/v1', resource: 'deployments' },
  jobs: { apiVersion: 'batch/v1', resource: 'jobs' },
  cronjobs: { apiVersion: 'batch/v1', resource: 'cronjobs' },
};

/** Event TTL of kube-apiserver's `--event-ttl` default: 1 hour. */
export const DEFAULT_EVENT_TTL_MS = 60 * 60 * 1000;
/** How long changes stay watchable (etcd's default compaction interval is 5 minutes). */
export const DEFAULT_HISTORY_WINDOW_MS = 5 * 60 * 1000;
/** Watch bookmark interval: the watch cache sends bookmarks about once a minute. */
export const DEFAULT_BOOKMARK_INTERVAL_MS = 60 * 1000;
/** Watch timeout when the client sets none: kube-apiserver's `--min-request-timeout` (1800 s). */
export const DEFAULT_WATCH_TIMEOUT_SECONDS = 1800;

/** Options of {@link startTestCluster}. Every field is optional. */
export interface TestClusterOptions {
  /** Also serve plain HTTP (token auth only) on another port. @defaultValue false */
  http?: boolean;
  /** Events are deleted this many ms after their last write (kube-apiserver `--event-ttl`). @defaultValue 3_600_000 */
  eventTTL?: number;
  /** How long, in ms of cluster time, changes stay watchable; older resourceVersions get 410 Gone. @defaultValue 300_000 */
  historyWindow?: number;
  /** The most changes kept in history, whatever their age. @defaultValue 1_000_000 */
  maxHistory?: number;
  /** Interval of BOOKMARK events to watches that asked for them, in ms; 0 disables the timer. @defaultValue 60_000 */
  bookmarkInterval?: number;
  /** Watch timeout when the client sets no `timeoutSeconds`. @defaultValue 1800 */
  watchTimeoutSeconds?: number;
  /** Accept `sendInitialEvents` (the WatchList feature); false answers 422 as a server without it. @defaultValue true */
  watchList?: boolean;
  /** Extra users, e.g. one with restricted RBAC rules. The admin user always exists. @defaultValue [] */
  users?: readonly TestUser[];
  /** Namespaces to create besides default, kube-system, kube-public and kube-node-lease. @defaultValue [] */
  namespaces?: readonly string[];
  /** The first resourceVersion minus one. @defaultValue 1000 */
  initialResourceVersion?: number;
}

/** Fault controls of a {@link TestCluster}. */
export interface FaultControls {
  /** Drops every open watch connection abruptly (no final chunk), as a network failure does. */
  dropWatches(): number;
  /** Open watches (and, with `newWatches`, future ones) stop receiving bytes; the connection stays open. */
  stallWatches(options?: { newWatches?: boolean }): number;
  /** Stops stalling new watches (already stalled ones stay stalled until they end). */
  unstallNewWatches(): void;
  /** Each open watch writes half of its next event line, then its connection drops. */
  tearWatches(): number;
  /** Forgets all change history: every older resourceVersion now gets 410 Gone (watch and continue). */
  compact(): void;
  /** Restarts the server: connections dropped, watch cache lost, data kept, resourceVersion continues. */
  restart(options?: { downtimeMs?: number }): Promise<void>;
  /** The next `count` requests matching `match` fail with `status` and the real Status body. */
  injectFailures(failure: InjectedFailure): void;
  /** Adds `ms` of latency to requests matching `match`. */
  addLatency(ms: number, match?: RequestMatch): void;
  /** Removes injected failures, latency and new-watch stalling. */
  clear(): void;
}

/** Identifies a resource for the in-process client, e.g. `{ apiVersion: 'v1', resource: 'events' }`. */
export interface ResourceRef {
  /** `v1`, `apps/v1`, `events.k8s.io/v1`, … */
  apiVersion: string;
  /** The plural resource name, e.g. `events`. */
  resource: string;
}

/** Direct access to the cluster's objects with the API's semantics (validation, resourceVersions, watch events), without HTTP. */
export interface InProcessClient {
  /** Creates an object; returns it as the API would. */
  create(ref: ResourceRef, namespace: string, obj: JsonObject): JsonObject;
  /** Reads an object (throws the 404 ApiStatusError when missing). */
  get(ref: ResourceRef, namespace: string, name: string): JsonObject;
  /** Lists objects, of one namespace or (with '') all. */
  list(ref: ResourceRef, namespace?: string): JsonObject[];
  /** Replaces an object (409 on a stale resourceVersion). */
  update(ref: ResourceRef, namespace: string, obj: JsonObject): JsonObject;
  /** Patches an object; `contentType` defaults to JSON merge patch. */
  patch(ref: ResourceRef, namespace: string, name: string, patch: JsonObject | JsonObject[], contentType?: string): JsonObject;
  /** Deletes an object. */
  delete(ref: ResourceRef, namespace: string, name: string): void;
}

/** A request the cluster answered. */
export interface AnsweredRequest {
  /** The HTTP method. */
  verb: string;
  /** The path with the query string. */
  path: string;
  /** The HTTP status sent. */
  status: number;
}

/** A watch that started or ended. */
export interface WatchChange {
  /** The resource watched, e.g. `events`. */
  resource: string;
  /** How many watches are open now. */
  open: number;
}

/** Events a {@link TestCluster} emits, for tests that wait on the server rather than sleep. */
export interface TestClusterEvents {
  /** A request was answered (a watch: when it ends). */
  request: [info: AnsweredRequest];
  /** A watch started. */
  watchStart: [info: WatchChange];
  /** A watch ended. */
  watchEnd: [info: WatchChange];
}

/** A running test cluster. */
export interface TestCluster {
  /** The HTTPS URL, e.g. `https://127.0.0.1:41234`. */
  readonly url: string;
  /** The plain-HTTP URL when started with `http: true`. */
  readonly httpUrl: string | undefined;
  /** A client-node KubeConfig for the admin user. */
  readonly kubeConfig: KubeConfig;
  /** Path of a kubeconfig file for the admin user (for kubectl). */
  readonly kubeconfigPath: string;
  /** The cluster CA certificate, PEM. */
  readonly caPem: string;
  /** The admin user's bearer token. */
  readonly adminToken: string;
  /** The cluster clock. */
  readonly clock: TestClock;
  /** Fault controls. */
  readonly faults: FaultControls;
  /** In-process access to objects (no HTTP). */
  readonly api: InProcessClient;
  /** Typed events: requests answered, watches opened and closed. */
  readonly events: EventEmitter<TestClusterEvents>;
  /** The current resourceVersion (opaque to clients; here the global write counter). */
  resourceVersion(): string;
  /** The number of open watches. */
  openWatches(): number;
  /** Resolves once at least `n` watches are open. */
  waitForWatches(n: number): Promise<void>;
  /** Sends a BOOKMARK to every watch that asked for bookmarks, now. */
  sendBookmarks(): void;
  /**
   * A workload simulator writing into this cluster (in-process, with the cluster's clock): realistic,
   * seeded Events and the objects they are about. Call `start()` for a steady rate or `step(n)`.
   */
  simulate(options?: Omit<WorkloadSimulatorOptions, 'target' | 'clock'>): WorkloadSimulator;
  /** A KubeConfig for a user given in `options.users`, authenticating by token or by a client certificate. */
  kubeConfigFor(user: string, options?: { auth?: 'token' | 'certificate' }): Promise<KubeConfig>;
  /** Writes a kubeconfig file for a user and returns its path. */
  writeKubeconfigFor(user: string, options?: { auth?: 'token' | 'certificate' }): Promise<string>;
  /** Stops serving, ends every connection and timer, and removes the kubeconfig files. */
  close(): Promise<void>;
}

function nonNegative(name: string, v: number | undefined, dflt: number, min = 0): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new InvalidOptionError(name, `a finite number >= ${min}`, v);
  return v;
}

const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/**
 * Starts an in-process Kubernetes API server that speaks the real wire protocol.
 *
 * It serves core/v1 events, pods, namespaces, nodes and configmaps; events.k8s.io/v1 events;
 * apps/v1 deployments and replicasets; coordination.k8s.io/v1 leases; CRDs and their custom
 * resources — with kube-apiserver's semantics for resourceVersions, list pagination, watch
 * (bookmarks, initial events, 410 Gone), validation, event TTL and auth. Faults can be injected.
 *
 * @example
 * ```ts
 * import { CoreV1Api } from '@kubernetes/client-node';
 * import { startTestCluster } from 'kube-events/testing';
 *
 * const cluster = await startTestCluster();
 * const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
 * const events = await core.listEventForAllNamespaces();
 * cluster.faults.injectFailures({ status: 503, count: 2, match: { resource: 'events' } });
 * await cluster.close();
 * ```
 */
export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  const eventTTLMs = nonNegative('eventTTL', options.eventTTL, DEFAULT_EVENT_TTL_MS, 1);
  const historyWindowMs = nonNegative('historyWindow', options.historyWindow, DEFAULT_HISTORY_WINDOW_MS);
  const maxHistory = nonNegative('maxHistory', options.maxHistory, 1_000_000, 1);
  const bookmarkIntervalMs = nonNegative('bookmarkInterval', options.bookmarkInterval, DEFAULT_BOOKMARK_INTERVAL_MS);
  const watchTimeoutSeconds = nonNegative('watchTimeoutSeconds', options.watchTimeoutSeconds, DEFAULT_WATCH_TIMEOUT_SECONDS, 1);
  const initialResourceVersion = nonNegative('initialResourceVersion', options.initialResourceVersion, 1000);

  const clock = new OffsetClock();
  const store = new Store(clock, { historyWindowMs, maxHistory, initialResourceVersion });
  const registry = new ResourceRegistry();
  for (const t of builtinResources()) registry.add(t);
  const auth = new Authenticator();
  const adminToken = randomBytes(24).toString('base64url');
  auth.add({ name: 'kube-events:admin', groups: ['system:masters'], token: adminToken });
  const users = new Map<string, TestUser & { token: string }>();
  for (const u of options.users ?? []) {
    const withToken = { ...u, token: u.token ?? randomBytes(24).toString('base64url') };
    users.set(u.name, withToken);
    auth.add(withToken);
  }
  const faultState = new FaultState();
  const api = new ApiServer(clock, store, registry, auth, faultState, {
    eventTTLMs,
    defaultWatchTimeoutSeconds: watchTimeoutSeconds,
    watchList: options.watchList ?? true,
    tooLargeResourceVersionWaitMs: 3000,
  });
  const crds = new CustomResourceController(registry, store, () => clock.now());
  api.onCrdChange = (crd, deleted) => {
    crds.onChange(crd, deleted);
  };
  const events = new EventEmitter<TestClusterEvents>();

  // Seed namespaces.
  const nsType = registry.get('', 'v1', 'namespaces');
  if (!nsType) throw new Error('namespaces type missing');
  for (const name of [...DEFAULT_NAMESPACES, ...(options.namespaces ?? [])]) {
    api.createObject(nsType, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  }

  // TLS material.
  const ca: CertificateAuthority = await createCertificateAuthority({ commonName: 'kube-events-test-ca' });
  const serverCert = await issueServerCertificate(ca, { hosts: ['127.0.0.1', '::1', 'localhost'] });

  const sockets = new Set<Socket>();
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    // A watch the client closes never finishes; 'close' still reports it, once.
    let reported = false;
    const report = (): void => {
      if (reported) return;
      reported = true;
      events.emit('request', { verb: req.method ?? '', path: req.url ?? '', status: res.statusCode });
    };
    res.on('finish', report);
    res.on('close', report);
    void api.handle(req, res);
  };
  const track = (s: Socket): void => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const https: HttpsServer = createHttpsServer({ key: serverCert.keyPem, cert: serverCert.certPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: false }, handler);
  https.on('secureConnection', track);
  https.on('connection', track);
  let http: HttpServer | undefined;
  if (options.http === true) {
    http = createHttpServer(handler);
    http.on('connection', track);
  }
  const listen = (srv: HttpsServer | HttpServer, port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', () => {
        srv.off('error', reject);
        resolve((srv.address() as AddressInfo).port);
      });
    });
  const httpsPort = await listen(https, 0);
  const httpPort = http ? await listen(http, 0) : undefined;
  const url = `https://127.0.0.1:${httpsPort}`;
  api.serverAddress = `127.0.0.1:${httpsPort}`;

  // Watch bookkeeping for waiters.
  const originalAdd = api.watches.add.bind(api.watches);
  api.watches.add = (conn) => {
    originalAdd(conn);
    events.emit('watchStart', { resource: conn.target.type.resource, open: api.watches.size });
    conn.onClose(() => {
      queueMicrotask(() => events.emit('watchEnd', { resource: conn.target.type.resource, open: api.watches.size }));
    });
    return api.watches;
  };

  // Timers: TTL expiry and bookmarks. Never keep the process alive.
  const expiry = setInterval(() => store.expire(), 1000);
  expiry.unref();
  clock.onAdvance(() => {
    store.expire();
    store.trim();
  });
  const bookmarks = bookmarkIntervalMs > 0 ? setInterval(() => { api.sendBookmarks(); }, bookmarkIntervalMs) : undefined;
  bookmarks?.unref();

  const tmp = await mkdtemp(join(tmpdir(), 'kube-events-cluster-'));
  const kubeconfigBase = (user: KubeconfigOptions['user'], namespace?: string): KubeconfigOptions => ({
    server: url,
    caPem: ca.certPem,
    user,
    contextName: 'kube-events-test',
    ...(namespace !== undefined ? { namespace } : {}),
  });
  const adminOptions = kubeconfigBase({ token: adminToken });
  const kubeconfigPath = join(tmp, 'admin.kubeconfig');
  await writeKubeconfig(kubeconfigPath, buildKubeconfig(adminOptions));
  const kubeConfig = toClientNodeKubeConfig(adminOptions);

  const userOptions = async (name: string, auth?: 'token' | 'certificate'): Promise<KubeconfigOptions> => {
    const u = users.get(name);
    if (!u) throw new InvalidOptionError('user', `one of the users given in options.users (${[...users.keys()].join(', ')})`, name);
    if (auth === 'certificate') {
      const cert = await issueClientCertificate(ca, { commonName: u.name, organizations: [...(u.groups ?? [])] });
      return kubeconfigBase({ certPem: cert.certPem, keyPem: cert.keyPem });
    }
    return kubeconfigBase({ token: u.token });
  };

  const typeOf = (ref: ResourceRef): ResourceType => {
    const { group, version } = parseApiVersion(ref.apiVersion);
    const t = registry.get(group, version, ref.resource);
    if (!t) throw pathNotFound();
    return t;
  };
  const inProcess: InProcessClient = {
    create: (ref, ns, obj) => {
      const t = typeOf(ref);
      return t.fromStorage(api.createObject(t, t.namespaced ? ns : '', obj));
    },
    get: (ref, ns, name) => {
      const t = typeOf(ref);
      return t.fromStorage(api.getObject(t, t.namespaced ? ns : '', name));
    },
    list: (ref, ns = '') => {
      const t = typeOf(ref);
      return store.list(t.storageKey, ns === '' ? undefined : ns).map((o) => t.fromStorage(o));
    },
    update: (ref, ns, obj) => {
      const t = typeOf(ref);
      const { name } = namespaceAndName(obj);
      return t.fromStorage(api.updateObject(t, t.namespaced ? ns : '', name, obj));
    },
    patch: (ref, ns, name, patch, contentType = 'application/merge-patch+json') => {
      const t = typeOf(ref);
      return t.fromStorage(api.patchObject(t, t.namespaced ? ns : '', name, '', JSON.stringify(patch), contentType));
    },
    delete: (ref, ns, name) => {
      const t = typeOf(ref);
      api.deleteObject(t, t.namespaced ? ns : '', name, {});
    },
  };

  /** Stops accepting connections and ends every open one (watches included). */
  const stopListening = async (): Promise<void> => {
    for (const w of [...api.watches]) w.drop();
    const closed = Promise.all([https, ...(http ? [http] : [])].map((srv) => new Promise<void>((resolve) => srv.close(() => { resolve(); }))));
    for (const s of sockets) s.destroy();
    await closed;
  };
  const faults: FaultControls = {
    dropWatches: () => {
      const all = [...api.watches];
      for (const w of all) w.drop();
      return all.length;
    },
    stallWatches: (o) => {
      for (const w of api.watches) w.stalled = true;
      if (o?.newWatches === true) faultState.stallNewWatches = true;
      return api.watches.size;
    },
    unstallNewWatches: () => {
      faultState.stallNewWatches = false;
    },
    tearWatches: () => {
      for (const w of api.watches) w.tearOnNext = true;
      return api.watches.size;
    },
    compact: () => {
      store.compact();
    },
    restart: async (o) => {
      const downtime = nonNegative('downtimeMs', o?.downtimeMs, 0);
      await stopListening();
      store.compact();
      if (downtime > 0) await new Promise((r) => setTimeout(r, downtime));
      await listen(https, httpsPort);
      if (http && httpPort !== undefined) await listen(http, httpPort);
    },
    injectFailures: (f) => {
      const status = f.status;
      if (!Number.isInteger(status) || status < 400 || status > 599) throw new InvalidOptionError('status', 'an HTTP error status from 400 to 599', status);
      faultState.inject(f);
    },
    addLatency: (ms, match = {}) => {
      faultState.addLatency(nonNegative('ms', ms, 0), match);
    },
    clear: () => {
      faultState.clear();
    },
  };

  let closed = false;
  const cluster: TestCluster = {
    url,
    httpUrl: httpPort === undefined ? undefined : `http://127.0.0.1:${httpPort}`,
    kubeConfig,
    kubeconfigPath,
    caPem: ca.certPem,
    adminToken,
    clock,
    faults,
    api: inProcess,
    events,
    resourceVersion: () => String(store.resourceVersion),
    openWatches: () => api.watches.size,
    waitForWatches: (n) =>
      new Promise<void>((resolve) => {
        if (api.watches.size >= n) {
          resolve();
          return;
        }
        const on = (): void => {
          if (api.watches.size >= n) {
            events.off('watchStart', on);
            resolve();
          }
        };
        events.on('watchStart', on);
      }),
    sendBookmarks: () => {
      api.sendBookmarks();
    },
    simulate: (o = {}) => {
      const target: SimulatorTarget = {
        apply: (w) => {
          const ref = SIM_REFS[w.resource];
          if (w.verb === 'create') return inProcess.create(ref, w.namespace, w.object);
          if (w.verb === 'update') return inProcess.update(ref, w.namespace, w.object);
          inProcess.delete(ref, w.namespace, w.name);
          return undefined;
        },
      };
      return createWorkloadSimulator({ batchObjects: true, ...o, target, clock });
    },
    kubeConfigFor: async (name, o) => toClientNodeKubeConfig(await userOptions(name, o?.auth)),
    writeKubeconfigFor: async (name, o) => {
      const p = join(tmp, `${name.replace(/[^a-zA-Z0-9_.-]/g, '_')}-${o?.auth ?? 'token'}.kubeconfig`);
      await writeKubeconfig(p, buildKubeconfig(await userOptions(name, o?.auth)));
      return p;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      clearInterval(expiry);
      if (bookmarks) clearInterval(bookmarks);
      await stopListening();
      events.removeAllListeners();
      await rm(tmp, { recursive: true, force: true });
    },
  };
  return cluster;
}
