/**
 * `kube-events/stream`: this part is not built yet; its issue in the tracker describes what it will hold.
 *
 * @packageDocumentation
 */
export {};
