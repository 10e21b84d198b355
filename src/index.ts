/**
 * kube-events: Kubernetes Events for TypeScript.
 *
 * The root entry exports only the shared error hierarchy; each part has its own subpath:
 * `kube-events/recorder`, `kube-events/stream`, `kube-events/router`, `kube-events/syslog`,
 * `kube-events/sinks`, `kube-events/exporter` and `kube-events/testing`.
 *
 * @example
 * ```ts
 * import { KubeEventsError } from 'kube-events';
 * import { startTestCluster } from 'kube-events/testing';
 * ```
 *
 * @packageDocumentation
 */
export { InvalidOptionError, KubeEventsError } from './errors.ts';
