/**
 * The runner's Prometheus metrics, through prom-client. Runners sharing a `Registry` share the
 * metric objects and tell themselves apart by the `sink` label.
 *
 * | Metric | Type | Labels |
 * | --- | --- | --- |
 * | `kube_events_sink_sent_total` | counter | `sink` |
 * | `kube_events_sink_failed_total` | counter | `sink`, `kind` (`retryable`, `permanent`) |
 * | `kube_events_sink_retried_total` | counter | `sink` |
 * | `kube_events_sink_dropped_total` | counter | `sink`, `reason` (a {@link DropReason}) |
 * | `kube_events_sink_buffered` | gauge | `sink` |
 * | `kube_events_sink_spilled_bytes` | gauge | `sink` |
 * | `kube_events_sink_send_duration_seconds` | histogram | `sink` |
 *
 * @module
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import { InvalidOptionError } from '../../errors.ts';
import { DROP_REASONS } from './item-outcome.ts';
import type { DropReason } from './item-outcome.ts';

/** What the gauges read at scrape time. */
export interface GaugeSource {
  /** Items held in memory. */
  buffered(): number;
  /** Bytes in the spill directory. */
  spilledBytes(): number;
}

interface SharedMetrics {
  readonly sent: Counter<'sink'>;
  readonly failed: Counter<'sink' | 'kind'>;
  readonly retried: Counter<'sink'>;
  readonly dropped: Counter<'sink' | 'reason'>;
  readonly buffered: Gauge<'sink'>;
  readonly spilledBytes: Gauge<'sink'>;
  readonly duration: Histogram<'sink'>;
  readonly sources: Map<string, GaugeSource>;
}

const shared = new WeakMap<Registry, SharedMetrics>();

/** Send durations, in seconds: 5 ms to 60 s. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

function metricsOf(registry: Registry): SharedMetrics {
  const existing = shared.get(registry);
  if (existing !== undefined) return existing;
  const sources = new Map<string, GaugeSource>();
  const registers = [registry];
  const metrics: SharedMetrics = {
    sent: new Counter({ name: 'kube_events_sink_sent_total', help: 'Items delivered by the sink.', labelNames: ['sink'], registers }),
    failed: new Counter({
      name: 'kube_events_sink_failed_total',
      help: 'Item send attempts that failed, by kind (retryable or permanent).',
      labelNames: ['sink', 'kind'],
      registers,
    }),
    retried: new Counter({ name: 'kube_events_sink_retried_total', help: 'Items sent again after a retryable failure.', labelNames: ['sink'], registers }),
    dropped: new Counter({ name: 'kube_events_sink_dropped_total', help: 'Items given up, by reason.', labelNames: ['sink', 'reason'], registers }),
    buffered: new Gauge({
      name: 'kube_events_sink_buffered',
      help: 'Items held in memory: waiting, being sent or waiting for a retry.',
      labelNames: ['sink'],
      registers,
      collect() {
        for (const [sink, source] of sources) this.set({ sink }, source.buffered());
      },
    }),
    spilledBytes: new Gauge({
      name: 'kube_events_sink_spilled_bytes',
      help: 'Bytes in the spill directory.',
      labelNames: ['sink'],
      registers,
      collect() {
        for (const [sink, source] of sources) this.set({ sink }, source.spilledBytes());
      },
    }),
    duration: new Histogram({
      name: 'kube_events_sink_send_duration_seconds',
      help: 'Duration of send() calls.',
      labelNames: ['sink'],
      buckets: DURATION_BUCKETS,
      registers,
    }),
    sources,
  };
  shared.set(registry, metrics);
  return metrics;
}

/** One runner's handles on the shared metrics. */
export class SinkMetrics {
  readonly #m: SharedMetrics;
  readonly #sink: string;
  readonly #sent: Counter.Internal;
  readonly #retried: Counter.Internal;
  readonly #retryableFailed: Counter.Internal;
  readonly #permanentFailed: Counter.Internal;
  readonly #duration: Histogram.Internal<'sink'>;
  readonly #dropped = new Map<DropReason, Counter.Internal>();

  /**
   * @throws `InvalidOptionError` (from `kube-events`) when a live runner of the same sink name uses `registry`.
   */
  constructor(registry: Registry, sink: string, source: GaugeSource) {
    this.#m = metricsOf(registry);
    if (this.#m.sources.has(sink)) {
      throw new InvalidOptionError('sink.name', 'unique among the open runners sharing a registry', sink);
    }
    this.#m.sources.set(sink, source);
    this.#sink = sink;
    this.#sent = this.#m.sent.labels({ sink });
    this.#retried = this.#m.retried.labels({ sink });
    this.#retryableFailed = this.#m.failed.labels({ sink, kind: 'retryable' });
    this.#permanentFailed = this.#m.failed.labels({ sink, kind: 'permanent' });
    this.#duration = this.#m.duration.labels({ sink });
    // Zero series exist from the start, so that rate() and alerts work before the first event.
    for (const counter of [this.#sent, this.#retried, this.#retryableFailed, this.#permanentFailed]) counter.inc(0);
    for (const reason of DROP_REASONS) {
      const counter = this.#m.dropped.labels({ sink, reason });
      counter.inc(0);
      this.#dropped.set(reason, counter);
    }
  }

  /** `n` items delivered. */
  sent(n: number): void {
    if (n > 0) this.#sent.inc(n);
  }

  /** `n` items failed one attempt. */
  failed(kind: 'retryable' | 'permanent', n: number): void {
    if (n > 0) (kind === 'retryable' ? this.#retryableFailed : this.#permanentFailed).inc(n);
  }

  /** `n` items are sent again. */
  retried(n: number): void {
    if (n > 0) this.#retried.inc(n);
  }

  /** `n` items dropped for `reason`. */
  dropped(reason: DropReason, n: number): void {
    if (n > 0) this.#dropped.get(reason)?.inc(n);
  }

  /** One `send()` took `seconds`. */
  observe(seconds: number): void {
    this.#duration.observe(seconds);
  }

  /** The runner closed: its gauges leave; its counters stay. */
  release(): void {
    this.#m.sources.delete(this.#sink);
    this.#m.buffered.remove({ sink: this.#sink });
    this.#m.spilledBytes.remove({ sink: this.#sink });
  }
}
