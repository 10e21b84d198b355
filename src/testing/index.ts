/**
 * `kube-events/testing`: a wire-faithful Kubernetes API server for tests (under construction).
 *
 * @packageDocumentation
 */
export {};
