/**
 * `createFileSink`: events as JSON lines in a file, rotated by size.
 *
 * @module
 */
import { open, rename, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { InvalidOptionError } from '../../errors.ts';
import type { KubeEvent } from '../../stream/kube-event.ts';
import type { SendResult, Sink } from '../sink.ts';
import { delivered, permanent, retryable } from '../sink.ts';
import { SinkWriteError } from '../sink-errors.ts';
import { eventAsJson } from './event-format.ts';

/**
 * Options of {@link createFileSink}.
 *
 * @typeParam T - The items; {@link KubeEvent} by default.
 *
 * @example
 * ```ts
 * createFileSink({ path: '/var/log/kube-events/events.jsonl', maxBytes: 50 * 1024 * 1024, maxFiles: 10, fsync: 'never' });
 * ```
 */
export interface FileSinkOptions<T = KubeEvent> {
  /** The file to append to; created if missing (its directory must exist). */
  readonly path: string;
  /**
   * The sink's name.
   * @defaultValue `'file'`
   */
  readonly name?: string;
  /**
   * What each line holds.
   * @defaultValue {@link eventAsJson}
   */
  readonly layout?: (item: T) => unknown;
  /**
   * Size past which the file is rotated: `path` becomes `path.1`, `path.1` becomes `path.2`, and
   * so on; a line is never split across files. `0` never rotates.
   * @defaultValue `104_857_600` (100 MiB)
   */
  readonly maxBytes?: number;
  /**
   * Rotated files kept (`path.1` … `path.<maxFiles>`); older ones are deleted. `0` keeps none.
   * @defaultValue `5`
   */
  readonly maxFiles?: number;
  /**
   * `always`: `fdatasync` after each batch, before it counts as delivered (a power loss does not
   * lose acknowledged events); `never`: delivered once written to the operating system.
   * @defaultValue `'always'`
   */
  readonly fsync?: 'always' | 'never';
  /**
   * Permission bits of a new file.
   * @defaultValue `0o640`
   */
  readonly mode?: number;
}

interface Settings<T> {
  readonly name: string;
  readonly path: string;
  readonly layout: (item: T) => unknown;
  readonly maxBytes: number;
  readonly maxFiles: number;
  readonly fsync: boolean;
  readonly mode: number;
}

function nonNegativeInteger(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new InvalidOptionError(option, 'an integer >= 0', value);
  return value;
}

class FileSink<T> implements Sink<T> {
  readonly name: string;
  readonly #s: Settings<T>;
  #handle: FileHandle | undefined;
  #opening: Promise<FileHandle> | undefined;
  #size = 0;

  constructor(settings: Settings<T>) {
    this.name = settings.name;
    this.#s = settings;
  }

  async send(batch: readonly T[], { signal }: { readonly signal: AbortSignal }): Promise<SendResult[]> {
    const results: SendResult[] = [];
    const lines: (Buffer | undefined)[] = [];
    for (const item of batch) {
      try {
        lines.push(Buffer.from(`${JSON.stringify(this.#s.layout(item))}\n`, 'utf8'));
        results.push(delivered());
      } catch (err) {
        lines.push(undefined);
        results.push(permanent(new SinkWriteError(this.name, err)));
      }
    }
    // Writes in chunks that each fit the current file; rotation falls between chunks.
    let start = 0;
    while (start < lines.length) {
      if (signal.aborted) return this.#failFrom(results, start, signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      const chunk: Buffer[] = [];
      let bytes = 0;
      let end = start;
      try {
        const handle = await this.#open();
        for (; end < lines.length; end++) {
          const line = lines[end];
          if (line === undefined) continue;
          const limit = this.#s.maxBytes;
          if (limit > 0 && this.#size + bytes + line.length > limit && this.#size + bytes > 0) {
            if (chunk.length > 0) break;
            await this.#rotate();
          }
          chunk.push(line);
          bytes += line.length;
        }
        if (chunk.length > 0) {
          const data = Buffer.concat(chunk, bytes);
          let written = 0;
          while (written < data.length) written += (await (this.#handle ?? handle).write(data, written)).bytesWritten;
          this.#size += data.length;
          if (this.#s.fsync) await (this.#handle ?? handle).datasync();
        }
      } catch (err) {
        await this.#closeHandle();
        return this.#failFrom(results, start, new SinkWriteError(this.name, err));
      }
      start = end;
    }
    return results;
  }

  async close(): Promise<void> {
    await this.#closeHandle();
  }

  #failFrom(results: SendResult[], from: number, error: Error): SendResult[] {
    return results.map((r, i) => (i >= from && r.status === 'delivered' ? retryable(error) : r));
  }

  async #open(): Promise<FileHandle> {
    if (this.#handle !== undefined) return this.#handle;
    // One open at a time: concurrent sends share it, so no handle is opened twice and lost.
    this.#opening ??= (async () => {
      const handle = await open(this.#s.path, 'a', this.#s.mode);
      try {
        this.#size = (await handle.stat()).size;
      } catch (err) {
        await handle.close().catch(() => undefined);
        throw err;
      }
      this.#handle = handle;
      return handle;
    })().finally(() => {
      this.#opening = undefined;
    });
    return this.#opening;
  }

  async #closeHandle(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close().catch(() => undefined);
  }

  /** `path` → `path.1` → … → `path.<maxFiles>`; the oldest is deleted. Then a fresh `path`. */
  async #rotate(): Promise<void> {
    const path = this.#s.path;
    await this.#closeHandle();
    const keep = this.#s.maxFiles;
    await rm(`${path}.${keep}`, { force: true });
    for (let i = keep - 1; i >= 1; i--) {
      try {
        await stat(`${path}.${i}`);
      } catch {
        continue;
      }
      await rename(`${path}.${i}`, `${path}.${i + 1}`);
    }
    if (keep > 0) await rename(path, `${path}.1`);
    else await rm(path, { force: true });
    await this.#open();
  }
}

/**
 * A sink appending one JSON line per item to a file, rotated by size (`maxBytes`, `maxFiles`),
 * with an fsync policy. A failed write (a full disk) is `retryable` for the items not yet
 * written; an item that cannot be serialized is `permanent`. The file is opened on the first
 * batch and reopened after an error.
 *
 * @typeParam T - The items; {@link KubeEvent} by default.
 * @param options - See {@link FileSinkOptions}.
 * @returns The sink.
 * @throws `InvalidOptionError` (from `kube-events`) for an invalid option.
 *
 * @example
 * ```ts
 * import { createFileSink, createSinkRunner } from 'kube-events/sinks';
 *
 * const runner = createSinkRunner(createFileSink({ path: '/var/log/kube-events.jsonl', maxBytes: 10 * 1024 * 1024 }));
 * await runner.enqueue(ev);
 * await runner.close();
 * ```
 */
export function createFileSink<T = KubeEvent>(options: FileSinkOptions<T>): Sink<T> {
  if (typeof options !== 'object') throw new InvalidOptionError('options', 'an object with `path`', options);
  const { path } = options;
  if (typeof path !== 'string' || path === '') throw new InvalidOptionError('path', 'a non-empty file path', path);
  const name = options.name ?? 'file';
  if (typeof name !== 'string' || name === '') throw new InvalidOptionError('name', 'a non-empty string', name);
  const layout = options.layout ?? (eventAsJson as (item: T) => unknown);
  if (typeof layout !== 'function') throw new InvalidOptionError('layout', 'a function', layout);
  const fsync: unknown = options.fsync ?? 'always';
  if (fsync !== 'always' && fsync !== 'never') throw new InvalidOptionError('fsync', "'always' or 'never'", fsync);
  const mode = options.mode ?? 0o640;
  if (!Number.isSafeInteger(mode) || mode < 0 || mode > 0o7777) throw new InvalidOptionError('mode', 'file permission bits (0 to 0o7777)', mode);
  return new FileSink({
    name,
    path,
    layout,
    maxBytes: nonNegativeInteger('maxBytes', options.maxBytes ?? 104_857_600),
    maxFiles: nonNegativeInteger('maxFiles', options.maxFiles ?? 5),
    fsync: fsync === 'always',
    mode,
  });
}
