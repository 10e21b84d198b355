/**
 * What the stream remembers about each Event it has seen.
 *
 * @module
 */

/**
 * One Event the stream tracks, keyed by uid: the resourceVersion the consumer has (or will have,
 * once delivered items are committed), and its namespace and name for a deletion found by a
 * relist. `delivered` is false for an Event the stream skipped (older than `maxEventAge` on the
 * initial list, or not a valid Event): it is remembered so that it is not reported later unless it
 * changes.
 */
export interface TrackedEvent {
  /** The resourceVersion (opaque; compared for equality only). */
  readonly resourceVersion: string;
  /** `metadata.namespace`. */
  readonly namespace: string;
  /** `metadata.name`. */
  readonly name: string;
  /** False when the Event was skipped, not delivered. */
  readonly delivered: boolean;
}

/** uid → what the stream knows about that Event. */
export type TrackedEvents = Map<string, TrackedEvent>;
