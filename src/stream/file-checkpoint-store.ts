/**
 * A {@link CheckpointStore} in a file, written atomically.
 *
 * @module
 */
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { InvalidOptionError } from '../errors.ts';
import { parseCheckpoint } from './checkpoint.ts';
import type { Checkpoint, CheckpointStore } from './checkpoint.ts';
import { CheckpointError } from './stream-errors.ts';

/**
 * Creates a {@link CheckpointStore} that keeps the checkpoint as JSON in the file `path`. Each save
 * writes a temporary file next to it, `fsync`s it, renames it over `path` and `fsync`s the
 * directory, so after a crash or power loss the file holds the previous checkpoint or the new one,
 * never a torn mix. `load` returns `undefined` when the file does not exist, and throws a
 * {@link CheckpointError} (not retryable) when it is not a valid checkpoint.
 *
 * @param path - The file; its directory must exist.
 * @returns The store.
 * @throws `InvalidOptionError` (from `kube-events`) when `path` is not a non-empty string.
 *
 * @example
 * ```ts
 * import { createEventStream, createFileCheckpointStore } from 'kube-events/stream';
 *
 * const stream = createEventStream({ checkpoint: createFileCheckpointStore('/var/lib/kube-events/stream.json') });
 * ```
 */
export function createFileCheckpointStore(path: string): CheckpointStore {
  if (typeof path !== 'string' || path === '') throw new InvalidOptionError('path', 'a non-empty string', path);
  const dir = dirname(path);
  return {
    async load(): Promise<Checkpoint | undefined> {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new CheckpointError('checkpoint-load', `cannot read ${path}: ${(err as Error).message}`, false, { cause: err });
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        throw new CheckpointError('checkpoint-load', `${path} is not JSON: ${(err as Error).message}`, false, { cause: err });
      }
      return parseCheckpoint(parsed);
    },
    async save(checkpoint: Checkpoint): Promise<void> {
      const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        const file = await open(tmp, 'w', 0o600);
        try {
          await file.writeFile(JSON.stringify(checkpoint), 'utf8');
          await file.sync();
        } finally {
          await file.close();
        }
        await rename(tmp, path);
      } catch (err) {
        await unlink(tmp).catch(() => undefined);
        throw new CheckpointError('checkpoint-save', `cannot write ${path}: ${(err as Error).message}`, true, { cause: err });
      }
      // The rename is durable once the directory entry is: fsync the directory (not possible on Windows).
      if (process.platform !== 'win32') {
        const d = await open(dir, 'r').catch(() => undefined);
        if (d) {
          try {
            await d.sync().catch(() => undefined);
          } finally {
            await d.close();
          }
        }
      }
    },
  };
}
