/**
 * The spill directory's lock: a `LOCK` file holding the owner's pid, so that two runners never
 * append to one spill. A lock left by a process that no longer runs (killed) is taken over.
 *
 * @module
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { SpillError } from '../sink-errors.ts';

/** Spill directories held by runners of this process (a pid check cannot tell them apart). */
const heldHere = new Set<string>();

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock of `directory`, or throws {@link SpillError} when a live process holds it.
 *
 * @returns A function that releases it.
 */
export function lockSpillDirectory(directory: string): () => void {
  const path = join(directory, 'LOCK');
  if (heldHere.has(path)) throw new SpillError(directory, 'already in use by another runner of this process');
  for (let tries = 0; ; tries++) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || tries > 0) {
        throw new SpillError(directory, `cannot create ${path}`, { cause: err });
      }
      let owner = Number.NaN;
      try {
        owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
      } catch {
        // Unreadable: treat as stale.
      }
      if (Number.isSafeInteger(owner) && owner > 0 && owner !== process.pid && isRunning(owner)) {
        throw new SpillError(directory, `locked by running process ${owner} (${path})`);
      }
      rmSync(path, { force: true });
    }
  }
  heldHere.add(path);
  return () => {
    heldHere.delete(path);
    rmSync(path, { force: true });
  };
}
