/**
 * What the runner tells upstream about each item, exactly once: {@link ItemOutcome}.
 *
 * @module
 */

/**
 * Why the runner gave up on items:
 * - `buffer-full`: the buffer was full under `drop-oldest` (the oldest waiting item) or
 *   `drop-newest` (the new item), or more callers were blocked than the buffer holds (`block`).
 * - `spill-full`: the spill reached `spill.maxBytes`.
 * - `spill-failed`: writing to the spill failed (the `error` event has the cause).
 * - `permanent`: the sink rejected the item (a `permanent` result), or broke its contract.
 * - `retries-exhausted`: the item was still `retryable` after `retry.maxAttempts` attempts.
 * - `closed`: `close()` timed out with the item not yet delivered.
 * - `corrupt`: a spilled record failed its checksum or could not be decoded on reading back.
 */
export type DropReason = 'buffer-full' | 'spill-full' | 'spill-failed' | 'permanent' | 'retries-exhausted' | 'closed' | 'corrupt';

/** Every {@link DropReason}, in a fixed order (metrics, stats). */
export const DROP_REASONS: readonly DropReason[] = ['buffer-full', 'spill-full', 'spill-failed', 'permanent', 'retries-exhausted', 'closed', 'corrupt'];

/**
 * What became of one enqueued item, told once through its `ack` callback. `delivered` and
 * `spilled` are safe to checkpoint: the item is at the receiver, or on disk (under the spill's
 * fsync policy) and will be delivered by this process or the next one that opens the spill
 * directory. `dropped` items are gone, counted with their reason; an exporter may checkpoint past
 * them too, since resending would not help (`permanent`) or was given up on purpose.
 *
 * @example
 * ```ts
 * await runner.enqueue(ev, (outcome) => {
 *   if (outcome.status === 'dropped') console.warn(outcome.reason, outcome.error?.message);
 *   else checkpoint.done(ev.resourceVersion);
 * });
 * ```
 */
export type ItemOutcome =
  | {
      /** At the receiver. */
      readonly status: 'delivered';
    }
  | {
      /** On disk in the spill, to be delivered from there. */
      readonly status: 'spilled';
    }
  | {
      /** Given up. */
      readonly status: 'dropped';
      /** Why. */
      readonly reason: DropReason;
      /** The cause, when there is one (the sink's error for `permanent` and `retries-exhausted`). */
      readonly error?: Error;
    };

/** Called once with the item's outcome. */
export type AckCallback = (outcome: ItemOutcome) => void;
