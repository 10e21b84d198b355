/**
 * `kube-events/sinks`: deliver events to the outside world. One small {@link Sink} interface
 * (a name, `send(batch, { signal })` with one result per item, `close()`), one runner around any
 * sink ({@link createSinkRunner}: batching, concurrency, retry with backoff and `Retry-After`,
 * order per key, a bounded buffer with `block`/`drop-oldest`/`drop-newest`/`spill` overflow, acks
 * per item, Prometheus metrics), a conformance suite every sink runs ({@link runSinkConformance})
 * and the built-in sinks: {@link createStdoutSink}, {@link createFileSink},
 * {@link createWebhookSink}.
 *
 * @example
 * ```ts
 * import { createSinkRunner, createWebhookSink } from 'kube-events/sinks';
 *
 * const runner = createSinkRunner(
 *   createWebhookSink({ url: 'https://hooks.example.com/k8s', auth: { bearer: process.env.TOKEN ?? '' } }),
 *   { overflow: 'spill', spill: { directory: '/var/lib/kube-events/spill/webhook' } },
 * );
 * for await (const ev of stream) await runner.enqueue(ev, (outcome) => checkpoints.settle(ev, outcome));
 * await runner.close();
 * ```
 *
 * @packageDocumentation
 */
export type { Sink, SendContext, SendResult, DeliveredResult, RetryableResult, PermanentResult } from './sink.ts';
export { delivered, retryable, permanent } from './sink.ts';
export { createSinkRunner } from './runner/sink-runner.ts';
export type { SinkRunner, SinkRunnerEvents, SinkRunnerStats } from './runner/sink-runner.ts';
export type { SinkRunnerOptions, BatchOptions, SpillOptions, OverflowPolicy } from './runner/runner-options.ts';
export type { RetryOptions } from './runner/retry-backoff.ts';
export type { ItemOutcome, DropReason, AckCallback } from './runner/item-outcome.ts';
export type { SpillFsyncPolicy } from './spill/spill-log.ts';
export type { SpillCodec } from './spill-codec.ts';
export { kubeEventCodec } from './spill-codec.ts';
export { eventOrderingKey, eventIdempotencyKey, estimateEventSize } from './event-keys.ts';
export { parseRetryAfter } from './retry-after.ts';
export {
  SinkRunnerClosedError,
  SinkContractError,
  SinkTimeoutError,
  SinkSendError,
  SpillError,
  SpillCorruptError,
  HttpStatusError,
  HttpRequestError,
  SinkWriteError,
  SinkConformanceError,
} from './sink-errors.ts';
export { runSinkConformance } from './conformance/run-sink-conformance.ts';
export type { SinkConformanceHarness, SinkConformanceOptions, ConformanceTestFunction } from './conformance/run-sink-conformance.ts';
export { createStdoutSink } from './builtin/stdout-sink.ts';
export type { StdoutSinkOptions } from './builtin/stdout-sink.ts';
export { createFileSink } from './builtin/file-sink.ts';
export type { FileSinkOptions } from './builtin/file-sink.ts';
export { createWebhookSink } from './builtin/webhook-sink.ts';
export type { WebhookSinkOptions, WebhookTlsOptions, WebhookAuth } from './builtin/webhook-sink.ts';
export { eventAsJson, formatEventLine } from './builtin/event-format.ts';
