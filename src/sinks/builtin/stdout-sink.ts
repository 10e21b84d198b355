/**
 * `createStdoutSink`: events as JSON lines, or readable lines, on stdout (or any writable stream).
 *
 * @module
 */
import type { Writable } from 'node:stream';
import { InvalidOptionError } from '../../errors.ts';
import type { KubeEvent } from '../../stream/kube-event.ts';
import type { SendResult, Sink } from '../sink.ts';
import { delivered, permanent, retryable } from '../sink.ts';
import { SinkWriteError } from '../sink-errors.ts';
import { eventAsJson, formatEventLine } from './event-format.ts';

/**
 * Options of {@link createStdoutSink}.
 *
 * @typeParam T - The items; {@link KubeEvent} by default.
 *
 * @example
 * ```ts
 * createStdoutSink({ format: 'text' });
 * createStdoutSink({ layout: (ev) => ({ reason: ev.reason, object: ev.regarding.name, message: ev.message }) });
 * ```
 */
export interface StdoutSinkOptions<T = KubeEvent> {
  /**
   * The sink's name.
   * @defaultValue `'stdout'`
   */
  readonly name?: string;
  /**
   * `json`: one JSON document per line (of `layout(item)`); `text`: {@link formatEventLine}
   * (KubeEvents only); a function: your own line (without the line break).
   * @defaultValue `'json'`
   */
  readonly format?: 'json' | 'text' | ((item: T) => string);
  /**
   * What a `json` line holds.
   * @defaultValue {@link eventAsJson}
   */
  readonly layout?: (item: T) => unknown;
  /**
   * Where to write. The sink never ends it.
   * @defaultValue `process.stdout`
   */
  readonly stream?: Writable;
}

/**
 * A sink writing one line per item to stdout. A batch is one `write()`; it is delivered once the
 * stream has flushed it (the write callback). A stream error (a closed pipe) fails the batch and
 * every later one as `permanent`, since a broken stream does not come back; an item that cannot
 * be serialized (a cycle) is `permanent` alone.
 *
 * @typeParam T - The items; {@link KubeEvent} by default.
 * @param options - See {@link StdoutSinkOptions}.
 * @returns The sink.
 * @throws `InvalidOptionError` (from `kube-events`) for an invalid option.
 *
 * @example
 * ```ts
 * import { createSinkRunner, createStdoutSink } from 'kube-events/sinks';
 *
 * const runner = createSinkRunner(createStdoutSink({ format: 'text' }));
 * await runner.enqueue(ev);
 * // 2026-01-02T03:04:05Z Warning BackOff Pod default/web-0: Back-off restarting failed container (x3)
 * ```
 */
export function createStdoutSink<T = KubeEvent>(options: StdoutSinkOptions<T> = {}): Sink<T> {
  const name = options.name ?? 'stdout';
  if (typeof name !== 'string' || name === '') throw new InvalidOptionError('name', 'a non-empty string', name);
  const format = options.format ?? 'json';
  if (format !== 'json' && format !== 'text' && typeof format !== 'function') {
    throw new InvalidOptionError('format', "'json', 'text' or a function", format);
  }
  const layout = options.layout ?? (eventAsJson as (item: T) => unknown);
  if (typeof layout !== 'function') throw new InvalidOptionError('layout', 'a function', layout);
  if (options.layout !== undefined && format !== 'json') throw new InvalidOptionError('layout', "absent unless format is 'json'", options.layout);
  const stream = options.stream ?? process.stdout;
  if (typeof (stream as Partial<Writable> | null)?.write !== 'function') throw new InvalidOptionError('stream', 'a writable stream', stream);
  const line: (item: T) => string =
    format === 'json' ? (item) => JSON.stringify(layout(item)) : format === 'text' ? (formatEventLine as unknown as (item: T) => string) : format;

  let broken: Error | undefined;
  const onError = (err: Error): void => {
    broken ??= new SinkWriteError(name, err);
  };
  stream.on('error', onError);

  return {
    name,
    async send(batch, { signal }) {
      if (broken !== undefined) return permanent(broken);
      if (signal.aborted) return retryable(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      const results: SendResult[] = [];
      let text = '';
      for (const item of batch) {
        try {
          text += `${line(item)}\n`;
          results.push(delivered());
        } catch (err) {
          results.push(permanent(new SinkWriteError(name, err)));
        }
      }
      if (text === '') return results;
      const error = await new Promise<Error | undefined>((resolve) => {
        stream.write(text, (err) => {
          resolve(err ?? undefined);
        });
      });
      if (error !== undefined) {
        onError(error);
        return results.map((r) => (r.status === 'delivered' ? permanent(broken ?? error) : r));
      }
      return results;
    },
    close() {
      stream.off('error', onError);
      return Promise.resolve();
    },
  };
}
