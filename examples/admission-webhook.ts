/**
 * A mutating admission webhook (AdmissionReview `admission.k8s.io/v1`) that adds an environment
 * variable to every container of the pods it admits — and that must not block pod creation when
 * its own logic fails. Then it still allows the pod (with no patch), and reports the failure as a
 * Warning Event `OnePilotFail` on the pod's owning Deployment, through kube-events' recorder:
 * repeated failures become one Event with a rising count, never a flood, and recording never
 * delays the admission answer.
 *
 * The value comes from the ConfigMap `one-pilot` (key `endpoint`) in the pod's namespace; a
 * missing ConfigMap, or an API server that cannot be reached, is the failure.
 *
 * Run it (the API server must reach it over HTTPS; point a MutatingWebhookConfiguration at
 * `https://<host>:<port>/mutate`):
 *
 *     TLS_CERT_FILE=tls.crt TLS_KEY_FILE=tls.key PORT=8443 node --conditions=source examples/admission-webhook.ts
 *
 * RBAC for its service account: `get` on `configmaps` (core) and `replicasets` (apps), and the
 * recorder's `create`, `patch` on `events` (core and events.k8s.io).
 */
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { V1Container, V1OwnerReference, V1Pod } from '@kubernetes/client-node';
import { createEventRecorder } from 'kube-events/recorder';
import type { EventObject, EventRecorder } from 'kube-events/recorder';

/** Options of {@link startOnePilotWebhook}. */
export interface OnePilotWebhookOptions {
  /** Where to read ConfigMaps and ReplicaSets. */
  readonly kubeConfig: KubeConfig;
  /** Where failures are recorded. */
  readonly recorder: EventRecorder;
  /** The serving certificate and key, PEM. */
  readonly tls: { readonly cert: string; readonly key: string };
  /** The port; 0 picks a free one. @defaultValue 8443 */
  readonly port?: number;
  /** The address to listen on. @defaultValue `'0.0.0.0'` */
  readonly host?: string;
  /** The variable added to each container. @defaultValue `'ONE_PILOT_ENDPOINT'` */
  readonly envName?: string;
  /** The ConfigMap holding the value (key `endpoint`). @defaultValue `'one-pilot'` */
  readonly configMap?: string;
}

/** A running webhook. */
export interface OnePilotWebhook {
  /** `https://host:port`; the webhook path is `/mutate`. */
  readonly url: string;
  /** Stops serving. */
  close(): Promise<void>;
}

/** One JSONPatch operation (RFC 6902) of the admission response. */
export interface JsonPatchOp {
  readonly op: 'add';
  readonly path: string;
  readonly value: unknown;
}

interface AdmissionRequest {
  uid: string;
  kind?: { group?: string; version?: string; kind?: string };
  operation?: string;
  namespace?: string;
  object?: V1Pod;
}

/** The JSONPatch that adds `name=value` to every container that does not have `name` yet. */
export function envPatch(pod: V1Pod, name: string, value: string): JsonPatchOp[] {
  const ops: JsonPatchOp[] = [];
  const containers: V1Container[] = pod.spec?.containers ?? [];
  containers.forEach((c, i) => {
    if (c.env === undefined) ops.push({ op: 'add', path: `/spec/containers/${i}/env`, value: [{ name, value }] });
    else if (!c.env.some((e) => e.name === name)) ops.push({ op: 'add', path: `/spec/containers/${i}/env/-`, value: { name, value } });
  });
  return ops;
}

function controllerOf(refs: readonly V1OwnerReference[] | undefined): V1OwnerReference | undefined {
  return refs?.find((r) => r.controller === true);
}

function errorText(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'code' in err && 'body' in err) {
    const body = (err as { body: unknown }).body;
    try {
      const status = (typeof body === 'string' ? JSON.parse(body) : body) as { message?: unknown };
      if (typeof status.message === 'string') return status.message;
    } catch {
      // not a Status
    }
  }
  return err instanceof Error ? err.message : String(err);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Starts the webhook.
 *
 * @example
 * ```ts
 * const recorder = createEventRecorder({ kubeConfig, component: 'one-pilot.example.com/webhook' });
 * const webhook = await startOnePilotWebhook({ kubeConfig, recorder, tls: { cert, key }, port: 8443 });
 * ```
 */
export async function startOnePilotWebhook(options: OnePilotWebhookOptions): Promise<OnePilotWebhook> {
  const envName = options.envName ?? 'ONE_PILOT_ENDPOINT';
  const configMap = options.configMap ?? 'one-pilot';
  const core = options.kubeConfig.makeApiClient(CoreV1Api);
  const apps = options.kubeConfig.makeApiClient(AppsV1Api);
  const { recorder } = options;

  /** The object to report a failure on: the Deployment owning the pod's ReplicaSet, else the closest owner. */
  async function owningObject(pod: V1Pod, namespace: string): Promise<EventObject | undefined> {
    const owner = controllerOf(pod.metadata?.ownerReferences);
    if (owner === undefined) return pod.metadata?.name === undefined ? undefined : { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, namespace };
    const ownerRef = { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, namespace, uid: owner.uid };
    if (owner.kind !== 'ReplicaSet') return ownerRef;
    try {
      const rs = await apps.readNamespacedReplicaSet({ name: owner.name, namespace });
      const dep = controllerOf(rs.metadata?.ownerReferences);
      return dep === undefined ? ownerRef : { apiVersion: dep.apiVersion, kind: dep.kind, name: dep.name, namespace, uid: dep.uid };
    } catch {
      return ownerRef;
    }
  }

  async function review(request: AdmissionRequest): Promise<Record<string, unknown>> {
    const allow = { uid: request.uid, allowed: true };
    const pod = request.object;
    if (request.kind?.kind !== 'Pod' || request.operation !== 'CREATE' || pod === undefined) return allow;
    const namespace = request.namespace ?? pod.metadata?.namespace ?? 'default';
    let value: string;
    try {
      const cm = await core.readNamespacedConfigMap({ name: configMap, namespace });
      const endpoint = cm.data?.endpoint;
      if (endpoint === undefined || endpoint === '') throw new Error(`configmap "${configMap}" has no key "endpoint"`);
      value = endpoint;
    } catch (err) {
      // Fail open: the pod is admitted unchanged, and the failure is visible on its Deployment.
      const subject = await owningObject(pod, namespace);
      if (subject !== undefined) recorder.warning(subject, 'OnePilotFail', `could not inject ${envName}: ${errorText(err)}`, { action: 'InjectEnv' });
      return allow;
    }
    const ops = envPatch(pod, envName, value);
    if (ops.length === 0) return allow;
    return { ...allow, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body: unknown): void => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/mutate') {
      send(404, { error: 'POST an AdmissionReview to /mutate' });
      return;
    }
    let parsed: { apiVersion?: unknown; kind?: unknown; request?: AdmissionRequest };
    try {
      parsed = JSON.parse(await readBody(req)) as typeof parsed;
    } catch {
      send(400, { error: 'the body is not JSON' });
      return;
    }
    if (parsed.apiVersion !== 'admission.k8s.io/v1' || parsed.kind !== 'AdmissionReview' || typeof parsed.request?.uid !== 'string') {
      send(400, { error: 'expected an admission.k8s.io/v1 AdmissionReview with request.uid' });
      return;
    }
    send(200, { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: await review(parsed.request) });
  }

  const server: Server = createServer({ cert: options.tls.cert, key: options.tls.key }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8443, options.host ?? '0.0.0.0', () => {
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '0.0.0.0';
  return {
    url: `https://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

// Run as a program: `node --conditions=source examples/admission-webhook.ts`.
if (import.meta.main) {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  const recorder = createEventRecorder({ kubeConfig, component: 'one-pilot.example.com/webhook' });
  recorder.on('error', (err) => {
    console.error(`event recorder: ${err.code}: ${err.message}`);
  });
  const [cert, key] = await Promise.all([readFile(process.env.TLS_CERT_FILE ?? 'tls.crt', 'utf8'), readFile(process.env.TLS_KEY_FILE ?? 'tls.key', 'utf8')]);
  const webhook = await startOnePilotWebhook({ kubeConfig, recorder, tls: { cert, key }, port: Number(process.env.PORT ?? 8443) });
  console.log(`one-pilot webhook listening on ${webhook.url}/mutate`);
  const stop = async (): Promise<void> => {
    await webhook.close();
    await recorder.close();
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}
