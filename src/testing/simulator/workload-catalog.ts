/** The workloads the simulated cluster runs: Deployments, CronJobs and bare pods, with realistic images. */
import type { ContainerShape } from './kube-objects.ts';

/** A Deployment the cluster may run, before per-deployment choices (pull policy). */
export interface AppTemplate {
  readonly name: string;
  readonly container: Omit<ContainerShape, 'imagePullPolicy'>;
}

/** Deployments, by app name. Web's container is `app` so messages read like `failed container app in pod web-…`. */
export const APPS: readonly AppTemplate[] = [
  { name: 'web', container: { name: 'app', image: 'nginx:1.25', port: 80, cpu: '100m', memory: '128Mi', probePath: '/' } },
  {
    name: 'api',
    container: { name: 'app', image: 'ghcr.io/acme/api:v2.14.1', port: 8080, cpu: '250m', memory: '256Mi', probePath: '/healthz', configMap: 'api-config' },
  },
  {
    name: 'checkout',
    container: {
      name: 'app',
      image: 'registry.example.com/shop/checkout:3.2.0',
      port: 8080,
      cpu: '200m',
      memory: '384Mi',
      probePath: '/healthz',
      configMap: 'checkout-config',
    },
  },
  {
    name: 'cart',
    container: { name: 'app', image: 'registry.example.com/shop/cart:1.9.3', port: 8080, cpu: '200m', memory: '256Mi', probePath: '/ready', configMap: 'cart-config' },
  },
  { name: 'frontend', container: { name: 'app', image: 'ghcr.io/acme/frontend:v5.0.3', port: 3000, cpu: '100m', memory: '192Mi', probePath: '/' } },
  {
    name: 'auth',
    container: { name: 'app', image: 'ghcr.io/acme/auth:v1.8.0', port: 8080, cpu: '100m', memory: '128Mi', probePath: '/healthz', configMap: 'auth-config' },
  },
  { name: 'worker', container: { name: 'worker', image: 'ghcr.io/acme/worker:v2.14.1', port: 0, cpu: '500m', memory: '512Mi', configMap: 'worker-config' } },
  { name: 'redis', container: { name: 'redis', image: 'redis:7.2.4', port: 6379, cpu: '100m', memory: '256Mi' } },
  { name: 'grafana', container: { name: 'grafana', image: 'grafana/grafana:10.4.2', port: 3000, cpu: '100m', memory: '256Mi', probePath: '/api/health' } },
  {
    name: 'prometheus',
    container: { name: 'prometheus', image: 'quay.io/prometheus/prometheus:v2.51.2', port: 9090, cpu: '500m', memory: '2Gi', probePath: '/-/ready' },
  },
  {
    name: 'search',
    container: { name: 'app', image: 'registry.example.com/shop/search:0.14.2', port: 8080, cpu: '300m', memory: '512Mi', probePath: '/healthz' },
  },
  {
    name: 'notifications',
    container: { name: 'app', image: 'ghcr.io/acme/notifications:v1.2.7', port: 8080, cpu: '100m', memory: '128Mi', probePath: '/healthz' },
  },
];

/** A CronJob the cluster runs, one per namespace in turn. */
export interface CronJobTemplate {
  readonly name: string;
  readonly schedule: string;
  readonly container: ContainerShape;
}

/** CronJobs. */
export const CRON_JOBS: readonly CronJobTemplate[] = [
  {
    name: 'backup',
    schedule: '0 * * * *',
    container: { name: 'backup', image: 'ghcr.io/acme/backup:1.4.0', port: 0, cpu: '200m', memory: '256Mi', imagePullPolicy: 'IfNotPresent' },
  },
  {
    name: 'report',
    schedule: '*/15 * * * *',
    container: { name: 'report', image: 'ghcr.io/acme/reporter:2.1.0', port: 0, cpu: '100m', memory: '128Mi', imagePullPolicy: 'IfNotPresent' },
  },
  {
    name: 'cleanup',
    schedule: '*/5 * * * *',
    container: {
      name: 'cleanup',
      image: 'busybox:1.36',
      port: 0,
      cpu: '50m',
      memory: '32Mi',
      imagePullPolicy: 'IfNotPresent',
      command: ['sh', '-c', 'find /data/tmp -mtime +7 -delete'],
    },
  },
  {
    name: 'sync',
    schedule: '*/10 * * * *',
    container: { name: 'sync', image: 'ghcr.io/acme/sync:0.9.3', port: 0, cpu: '100m', memory: '128Mi', imagePullPolicy: 'IfNotPresent' },
  },
];

/** A pod created directly by a client (a CI runner, a debug shell), not by a controller. */
export interface BarePodTemplate {
  readonly prefix: string;
  readonly container: ContainerShape;
}

/** Bare pods. */
export const BARE_PODS: readonly BarePodTemplate[] = [
  {
    prefix: 'ci-runner',
    container: { name: 'runner', image: 'ghcr.io/actions/actions-runner:2.316.1', port: 0, cpu: '1', memory: '2Gi', imagePullPolicy: 'IfNotPresent' },
  },
  {
    prefix: 'debug',
    container: { name: 'debug', image: 'busybox:1.36', port: 0, cpu: '10m', memory: '16Mi', imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] },
  },
  {
    prefix: 'kaniko-build',
    container: { name: 'kaniko', image: 'gcr.io/kaniko-project/executor:v1.23.0', port: 0, cpu: '1', memory: '1Gi', imagePullPolicy: 'IfNotPresent' },
  },
];

/** The namespaces a simulator uses unless told otherwise. */
export const DEFAULT_NAMESPACES: readonly string[] = ['prod', 'staging', 'dev', 'monitoring'];

/** Zones nodes are spread over. */
export const ZONES: readonly string[] = ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'];

/** `nginx:1.25` → `nginx:1.26`, `ghcr.io/acme/api:v2.14.1` → `ghcr.io/acme/api:v2.14.2`: the next release of an image. */
export function nextRelease(image: string): string {
  const colon = image.lastIndexOf(':');
  if (colon <= image.lastIndexOf('/')) return `${image}:v2`;
  const tag = image.slice(colon + 1);
  const match = /^(.*?)(\d+)(\D*)$/.exec(tag);
  if (match === null) return `${image}-1`;
  const [, head = '', digits = '0', tail = ''] = match;
  return `${image.slice(0, colon + 1)}${head}${String(Number(digits) + 1)}${tail}`;
}
