/**
 * The backoff wrapper around a recover-only attempt (the watcher): runs it again at once when it
 * returns, and after a backoff delay when it fails with a retryable error — as kube-rs composes
 * `watcher(…).default_backoff()` and client-go runs `ListAndWatch` under `wait.BackoffUntil`.
 *
 * @module
 */
import type { Backoff } from './backoff.ts';

/** What to do about a failed attempt. */
export type RetryDecision =
  | { readonly retry: false }
  | {
      readonly retry: true;
      /** Wait at least this long (e.g. `Retry-After`), in ms. */
      readonly minDelayMs?: number | undefined;
      /** Retry slowly: wait at least the backoff's largest delay (for 401/403). */
      readonly slow?: boolean;
    };

/** Settings of {@link runWithBackoff}. */
export interface BackoffLoopOptions {
  /** The delays. */
  readonly backoff: Backoff;
  /** Waits `ms`, or less when `signal` aborts. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Ends the loop. */
  readonly signal: AbortSignal;
  /** Decides whether an error is retried. */
  readonly classify: (error: unknown) => RetryDecision;
  /** Told about each retry before the wait. */
  readonly onRetry: (error: unknown, delayMs: number, failures: number) => void;
}

/**
 * Runs `attempt` until `signal` aborts: again at once when it returns, again after a backoff delay
 * when it throws a retryable error.
 *
 * @param attempt - One attempt; it must not sleep.
 * @param options - Backoff, sleep, classification.
 * @throws The first error `classify` says not to retry.
 */
export async function runWithBackoff(attempt: (signal: AbortSignal) => Promise<void>, options: BackoffLoopOptions): Promise<void> {
  const { backoff, sleep, signal, classify, onRetry } = options;
  let failures = 0;
  while (!signal.aborted) {
    try {
      await attempt(signal);
      failures = 0;
    } catch (err) {
      if (aborted(signal)) return;
      const decision = classify(err);
      if (!decision.retry) throw err;
      failures++;
      let delay = backoff.next();
      if (decision.slow === true) delay = Math.max(delay, backoff.maxDelay);
      if (decision.minDelayMs !== undefined) delay = Math.max(delay, decision.minDelayMs);
      onRetry(err, delay, failures);
      await sleep(delay, signal);
    }
  }
}

function aborted(signal: AbortSignal): boolean {
  return signal.aborted;
}
