/**
 * The "Writing your own sink" example of src/sinks/README-section.md, verbatim (imports aside),
 * run through the conformance suite against a local receiver, so that the README shows code that
 * compiles and works.
 */
import { describe, it } from 'vitest';
import { delivered, eventIdempotencyKey, parseRetryAfter, permanent, retryable, runSinkConformance } from '../../src/sinks/index.ts';
import type { Sink } from '../../src/sinks/index.ts';
import { startWebhookReceiver } from './support/webhook-receiver.ts';
import { InvalidOptionError } from '../../src/errors.ts';

// --- README example, from here ---
/** Posts each batch to an HTTP endpoint as JSON lines (NDJSON). */
export function createNdjsonSink(url: string): Sink {
  return {
    name: 'ndjson',
    async send(batch, { signal }) {
      const body = batch.map((ev) => JSON.stringify({ id: eventIdempotencyKey(ev), uid: ev.uid, reason: ev.reason, message: ev.message })).join('\n');
      try {
        const res = await fetch(url, { method: 'POST', body, signal, headers: { 'content-type': 'application/x-ndjson' } });
        await res.arrayBuffer(); // read the body so that the connection is reused
        if (res.ok) return delivered();
        const error = new Error(`HTTP ${res.status}`);
        if (res.status === 408 || res.status === 429 || res.status >= 500) return retryable(error, parseRetryAfter(res.headers.get('retry-after'), Date.now()));
        return permanent(error);
      } catch (err) {
        return retryable(err instanceof Error ? err : new Error(String(err))); // network error: try again later
      }
    },
  };
}
// --- to here ---


runSinkConformance(
  async () => {
    const receiver = await startWebhookReceiver();
    return {
      sink: createNdjsonSink(receiver.url),
      // The receiver parses a one-line body as JSON; a longer NDJSON body stays text.
      received: () =>
        receiver.stored.flatMap((r) =>
          typeof r.body === 'string'
            ? r.body
                .split('\n')
                .filter((l) => l !== '')
                .map((l) => (JSON.parse(l) as { uid: string }).uid)
            : [r.body.uid as string],
        ),
      failNext: (kind, count, retryAfterMs) => {
        receiver.failNext(kind === 'retryable' ? 503 : 400, count, retryAfterMs === undefined ? undefined : String(retryAfterMs / 1000));
      },
      close: () => receiver.close(),
    };
  },
  {
    test: it,
    describe,
    name: 'README example (NDJSON over fetch)',
    retryAfter: true,
    badOptions: [
      () => {
        throw new InvalidOptionError('url', 'an http:// or https:// URL', 'nope');
      },
    ],
  },
);
