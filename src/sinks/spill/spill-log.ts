/**
 * The spill: an append-only log of records in numbered segment files, read back in order, with a
 * cursor file naming the first record not yet consumed. See `spill-record.ts` for the format.
 *
 * Directory layout: `00000000000000000001.seg`, `…02.seg`, … (20-digit segment numbers), `cursor`
 * (`{"segment":n,"offset":m}`, replaced atomically by rename), `LOCK` (the owner's pid).
 *
 * @module
 */
import { closeSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { SpillCorruptError, SpillError } from '../sink-errors.ts';
import { lockSpillDirectory } from './spill-lock.ts';
import { encodeRecord, scanRecords, SEGMENT_HEADER_BYTES, SEGMENT_MAGIC } from './spill-record.ts';

/**
 * When the spill calls `fsync`:
 * - `always`: after every write (writes made in the same turn of the event loop are grouped into
 *   one), before the items are acknowledged as `spilled`. Survives a power loss.
 * - `interval`: every `fsyncInterval` milliseconds; items are acknowledged after the `fsync` that
 *   covers them. Survives a power loss, acknowledges later.
 * - `never`: items are acknowledged once written to the operating system. Survives a crash or
 *   `kill -9` of the process, not a power loss or kernel panic.
 */
export type SpillFsyncPolicy = 'always' | 'interval' | 'never';

/** Validated settings of a spill. */
export interface SpillSettings {
  readonly directory: string;
  readonly maxBytes: number;
  readonly segmentBytes: number;
  readonly fsync: SpillFsyncPolicy;
  readonly fsyncInterval: number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** What the spill tells its owner. */
export interface SpillListener {
  /** A write (or fsync) finished: records may be readable now. */
  written(): void;
  /** Something failed that the owner should report. */
  error(error: Error): void;
  /** `records` records (a lower bound: at least 1) were lost to corruption. */
  corrupt(error: SpillCorruptError, records: number): void;
}

/** One record read back. */
export interface SpilledRecord {
  /** Pass to `consumed()` once the item is settled. */
  readonly id: number;
  /** The codec's bytes. */
  readonly payload: Buffer;
}

/** The result of `append()`. */
export type AppendResult = 'ok' | 'full' | 'closed';

interface PendingGroup {
  readonly segment: number;
  readonly records: Buffer[];
  bytes: number;
  readonly done: ((error: Error | undefined) => void)[];
}

interface Outstanding {
  readonly segment: number;
  readonly end: number;
  done: boolean;
}

interface Cursor {
  readonly segment: number;
  readonly offset: number;
}

const SEGMENT_NAME = /^(\d{20})\.seg$/;
const READ_CHUNK = 1024 * 1024;

/** Writes `buffers` (`total` bytes) at `position`, going on after a short write; no concatenated copy. */
async function writeAllAt(handle: FileHandle, buffers: readonly Buffer[], total: number, position: number): Promise<void> {
  let rest = buffers;
  let written = 0;
  while (written < total) {
    const { bytesWritten } = await handle.writev(rest, position + written);
    written += bytesWritten;
    if (written >= total) return;
    // A short write: skip the buffers written in full, cut the one written in part.
    let skip = bytesWritten;
    const next: Buffer[] = [];
    for (const b of rest) {
      if (skip >= b.length) {
        skip -= b.length;
        continue;
      }
      next.push(skip > 0 ? b.subarray(skip) : b);
      skip = 0;
    }
    rest = next;
  }
}

function segmentName(id: number): string {
  return `${String(id).padStart(20, '0')}.seg`;
}

/** An open spill directory. */
export class SpillLog {
  readonly #s: SpillSettings;
  readonly #listener: SpillListener;
  readonly #unlock: () => void;
  /** Startup findings, reported by `reportStartup()` once the owner can listen. */
  #startup: { error: SpillCorruptError; records: number }[] = [];

  /** Segments that exist and the reader may see, ascending. */
  #segments: number[] = [];
  /** Valid (written) bytes of each segment. */
  readonly #sizes = new Map<number, number>();
  /** Bytes of all segments plus pending writes. */
  #diskBytes = 0;

  #writeSegment: number | undefined;
  #assigned = 0;
  #nextSegment = 1;
  #pending: PendingGroup[] = [];
  #pendingBytes = 0;
  #flushing: Promise<void> | undefined;
  #writeHandle: FileHandle | undefined;
  #writeHandleSegment = 0;
  #unsynced: ((error: Error | undefined) => void)[] = [];
  #syncTimer: Promise<void> | undefined;
  readonly #stop = new AbortController();

  #readSegment: number;
  #readOffset: number;
  #readHandle: FileHandle | undefined;
  #readHandleSegment = 0;
  #reading = false;

  #outstanding: Outstanding[] = [];
  #outstandingHead = 0;
  #firstOutstandingId = 0;
  #nextRecordId = 0;
  #cursor: Cursor;
  #cursorDirty = false;
  #cursorWriting: Promise<void> | undefined;
  #closed = false;

  /**
   * Opens (creating it if needed) and locks `settings.directory`, deletes consumed segments and
   * truncates a torn tail of the newest one. Synchronous, so that a runner is usable at once.
   *
   * @throws {@link SpillError} when the directory is locked by a live process, is not a spill, or
   * cannot be read.
   */
  constructor(settings: SpillSettings, listener: SpillListener) {
    this.#s = settings;
    this.#listener = listener;
    const dir = settings.directory;
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new SpillError(dir, 'cannot create the directory', { cause: err });
    }
    this.#unlock = lockSpillDirectory(dir);
    try {
      const ids: number[] = [];
      for (const name of readdirSync(dir)) {
        const m = SEGMENT_NAME.exec(name);
        if (m?.[1] !== undefined) ids.push(Number(m[1]));
      }
      ids.sort((a, b) => a - b);
      rmSync(join(dir, 'cursor.tmp'), { force: true });
      const cursor = this.#readCursorFile() ?? { segment: ids[0] ?? 0, offset: SEGMENT_HEADER_BYTES };
      for (const id of ids) {
        if (id < cursor.segment) {
          rmSync(this.#path(id), { force: true });
          continue;
        }
        this.#segments.push(id);
        this.#sizes.set(id, this.#checkSegment(id, id === ids.at(-1)));
      }
      for (const size of this.#sizes.values()) this.#diskBytes += size;
      const last = this.#segments.at(-1);
      if (last !== undefined) {
        this.#writeSegment = last;
        this.#assigned = this.#sizes.get(last) ?? SEGMENT_HEADER_BYTES;
      }
      this.#nextSegment = Math.max(last ?? 0, cursor.segment) + 1;
      const cursorSize = this.#sizes.get(cursor.segment);
      const offset = cursorSize === undefined ? SEGMENT_HEADER_BYTES : Math.min(Math.max(cursor.offset, SEGMENT_HEADER_BYTES), cursorSize);
      this.#cursor = { segment: cursor.segment, offset };
      this.#readSegment = cursor.segment;
      this.#readOffset = offset;
    } catch (err) {
      this.#unlock();
      if (err instanceof SpillError) throw err;
      throw new SpillError(dir, 'cannot open the spill', { cause: err });
    }
  }

  /** Bytes on disk, including writes under way. */
  get bytes(): number {
    return this.#diskBytes;
  }

  /** Bytes handed to `append()` and not yet written. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /** Whether records were appended that have not been read back yet (including writes under way). */
  hasUnread(): boolean {
    if (this.#pendingBytes > 0) return true;
    for (const id of this.#segments) {
      if (id < this.#readSegment) continue;
      const size = this.#sizes.get(id) ?? 0;
      if (size > (id === this.#readSegment ? this.#readOffset : SEGMENT_HEADER_BYTES)) return true;
    }
    return false;
  }

  /** Reports what opening found (torn tails), now that the owner listens. */
  reportStartup(): void {
    const found = this.#startup;
    this.#startup = [];
    for (const { error, records } of found) this.#listener.corrupt(error, records);
  }

  /**
   * Appends one record; `done` is called once it is durable under the fsync policy, or with the
   * write error.
   *
   * @returns `full` (nothing written) when it would take the spill past `maxBytes`.
   */
  append(payload: Uint8Array | string, done: (error: Error | undefined) => void): AppendResult {
    if (this.#closed) return 'closed';
    const record = encodeRecord(payload);
    const rotate = this.#writeSegment === undefined || (this.#assigned + record.length > this.#s.segmentBytes && this.#assigned > SEGMENT_HEADER_BYTES);
    const extra = rotate ? SEGMENT_HEADER_BYTES : 0;
    if (this.#diskBytes + extra + record.length > this.#s.maxBytes) return 'full';
    if (rotate) {
      this.#writeSegment = this.#nextSegment++;
      this.#assigned = SEGMENT_HEADER_BYTES;
      this.#diskBytes += SEGMENT_HEADER_BYTES;
    }
    const segment = this.#writeSegment as number;
    let group = this.#pending.at(-1);
    if (group?.segment !== segment) {
      group = { segment, records: [], bytes: 0, done: [] };
      this.#pending.push(group);
    }
    group.records.push(record);
    group.bytes += record.length;
    group.done.push(done);
    this.#assigned += record.length;
    this.#diskBytes += record.length;
    this.#pendingBytes += record.length;
    // Grouped: every append of this turn of the event loop goes into one write.
    this.#flushing ??= Promise.resolve().then(() => this.#flush());
    return 'ok';
  }

  /**
   * Reads the next records, in order, up to `maxRecords`; only records whose write finished. Skips
   * (and reports) corrupt parts of segments.
   */
  async read(maxRecords: number): Promise<SpilledRecord[]> {
    if (this.#reading) throw new Error('SpillLog.read() is already running');
    this.#reading = true;
    try {
      return await this.#read(maxRecords);
    } finally {
      this.#reading = false;
    }
  }

  /** The record `id` (from `read()`) is settled: delivered or given up. */
  consumed(id: number): void {
    const entry = this.#outstanding[this.#outstandingHead + (id - this.#firstOutstandingId)];
    if (entry === undefined || entry.done) return;
    entry.done = true;
    this.#advanceCursor();
  }

  /** Finishes writes, saves the cursor, closes files and releases the lock. Records not consumed stay for the next runner. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#flushing;
    this.#stop.abort();
    await this.#syncTimer;
    if (this.#unsynced.length > 0) await this.#syncNow();
    await this.#cursorWriting;
    try {
      await this.#writeCursor();
    } catch (err) {
      this.#listener.error(new SpillError(this.#s.directory, 'cannot save the cursor', { cause: err }));
    }
    await this.#writeHandle?.close().catch(() => undefined);
    await this.#readHandle?.close().catch(() => undefined);
    this.#writeHandle = undefined;
    this.#readHandle = undefined;
    this.#unlock();
  }

  // --- opening ------------------------------------------------------------------------------

  #path(id: number): string {
    return join(this.#s.directory, segmentName(id));
  }

  #readCursorFile(): Cursor | undefined {
    let text: string;
    try {
      text = readFileSync(join(this.#s.directory, 'cursor'), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const parsed = JSON.parse(text) as { segment?: unknown; offset?: unknown };
      if (Number.isSafeInteger(parsed.segment) && Number.isSafeInteger(parsed.offset)) {
        return { segment: parsed.segment as number, offset: parsed.offset as number };
      }
    } catch {
      // Fall through: an unreadable cursor replays everything (at least once beats never).
    }
    this.#startup.push({ error: new SpillCorruptError('cursor', 0, text.length, 'unreadable cursor, replaying every segment'), records: 0 });
    return undefined;
  }

  /** Checks a segment's magic; for the newest, also scans its records and truncates a torn tail. Returns its valid size. */
  #checkSegment(id: number, newest: boolean): number {
    const path = this.#path(id);
    const size = statSync(path).size;
    const fd = openSync(path, newest ? 'r+' : 'r');
    try {
      const head = Buffer.alloc(SEGMENT_HEADER_BYTES);
      const got = readSync(fd, head, 0, SEGMENT_HEADER_BYTES, 0);
      if (got < SEGMENT_HEADER_BYTES && newest && SEGMENT_MAGIC.subarray(0, got).equals(head.subarray(0, got))) {
        // Torn while being created: write the header again.
        ftruncateSync(fd, 0);
        writeSync(fd, SEGMENT_MAGIC, 0, SEGMENT_HEADER_BYTES, 0);
        if (this.#s.fsync !== 'never') fsyncSync(fd);
        return SEGMENT_HEADER_BYTES;
      }
      if (got < SEGMENT_HEADER_BYTES || !head.equals(SEGMENT_MAGIC)) {
        throw new SpillError(this.#s.directory, `${segmentName(id)} is not a kube-events spill segment (bad magic)`);
      }
      if (!newest) return size;
      const bytes = Buffer.allocUnsafe(size);
      readSync(fd, bytes, 0, size, 0);
      const scan = scanRecords(bytes, SEGMENT_HEADER_BYTES, this.#s.maxBytes);
      if (scan.end < size) {
        ftruncateSync(fd, scan.end);
        if (this.#s.fsync !== 'never') fsyncSync(fd);
        const detail = scan.stop === 'incomplete' ? 'torn record (crash mid-write)' : scan.stop === 'bad-length' ? 'bad record length' : 'bad record checksum';
        this.#startup.push({ error: new SpillCorruptError(segmentName(id), scan.end, size - scan.end, `${detail}, truncated`), records: 1 });
      }
      return scan.end;
    } finally {
      closeSync(fd);
    }
  }

  // --- writing ------------------------------------------------------------------------------

  async #flush(): Promise<void> {
    while (this.#pending.length > 0) {
      const group = this.#pending.shift() as PendingGroup;
      const at = this.#sizes.get(group.segment) ?? SEGMENT_HEADER_BYTES;
      let handle: FileHandle | undefined;
      try {
        handle = await this.#handleFor(group.segment);
        await writeAllAt(handle, group.records, group.bytes, at);
        if (this.#s.fsync === 'always') await handle.datasync();
        this.#sizes.set(group.segment, at + group.bytes);
        this.#pendingBytes -= group.bytes;
        if (this.#s.fsync === 'interval') {
          this.#unsynced.push(...group.done);
          this.#syncTimer ??= this.#syncLater();
        } else {
          for (const done of group.done) done(undefined);
        }
      } catch (err) {
        this.#pendingBytes -= group.bytes;
        this.#diskBytes -= group.bytes;
        if (group.segment === this.#writeSegment) this.#assigned -= group.bytes;
        // Positional writes go to the valid end next time anyway; truncating keeps the file clean.
        await handle?.truncate(at).catch(() => undefined);
        const error = new SpillError(this.#s.directory, `cannot write to ${segmentName(group.segment)}`, { cause: err });
        this.#listener.error(error);
        for (const done of group.done) done(error);
      }
      this.#listener.written();
    }
    this.#flushing = undefined;
  }

  /** The write handle of `segment`, creating the file (with its header) when it is new. */
  async #handleFor(segment: number): Promise<FileHandle> {
    if (this.#writeHandle !== undefined && this.#writeHandleSegment === segment) return this.#writeHandle;
    const previous = this.#writeHandle;
    if (previous !== undefined) {
      // Unset first, so that an interval fsync does not pick up a handle being closed.
      this.#writeHandle = undefined;
      if (this.#s.fsync !== 'never') await previous.datasync();
      await previous.close();
    }
    const exists = this.#sizes.has(segment);
    const handle = await open(this.#path(segment), exists ? 'r+' : 'w');
    if (!exists) {
      try {
        await handle.write(SEGMENT_MAGIC, 0, SEGMENT_HEADER_BYTES, 0);
        if (this.#s.fsync !== 'never') {
          await handle.datasync();
          await this.#syncDirectory();
        }
      } catch (err) {
        await handle.close();
        throw err;
      }
      this.#sizes.set(segment, SEGMENT_HEADER_BYTES);
      this.#segments.push(segment);
    }
    this.#writeHandle = handle;
    this.#writeHandleSegment = segment;
    return handle;
  }

  async #syncDirectory(): Promise<void> {
    const dir = await open(this.#s.directory, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  async #syncLater(): Promise<void> {
    try {
      await this.#s.sleep(this.#s.fsyncInterval, this.#stop.signal);
    } catch {
      // Closing: close() syncs what is left.
      this.#syncTimer = undefined;
      return;
    }
    this.#syncTimer = undefined;
    await this.#syncNow();
  }

  async #syncNow(): Promise<void> {
    const waiting = this.#unsynced;
    this.#unsynced = [];
    let error: Error | undefined;
    try {
      await this.#writeHandle?.datasync();
    } catch (err) {
      error = new SpillError(this.#s.directory, 'fsync failed', { cause: err });
      this.#listener.error(error);
    }
    for (const done of waiting) done(error);
    this.#listener.written();
  }

  // --- reading ------------------------------------------------------------------------------

  async #read(maxRecords: number): Promise<SpilledRecord[]> {
    const out: SpilledRecord[] = [];
    let chunk = READ_CHUNK;
    while (out.length < maxRecords && !this.#closed) {
      const segment = this.#readSegment;
      const end = this.#sizes.get(segment);
      if (end === undefined || this.#readOffset >= end) {
        const next = this.#segments.find((id) => id > segment);
        if (next === undefined) break;
        await this.#closeReadHandle();
        this.#readSegment = next;
        this.#readOffset = SEGMENT_HEADER_BYTES;
        continue;
      }
      const handle = await this.#readHandleFor(segment);
      const want = Math.min(end - this.#readOffset, chunk);
      const buffer = Buffer.allocUnsafe(want);
      const { bytesRead } = await handle.read(buffer, 0, want, this.#readOffset);
      const scan = scanRecords(buffer.subarray(0, bytesRead), 0, this.#s.maxBytes, maxRecords - out.length);
      const base = this.#readOffset;
      for (const r of scan.records) {
        out.push({ id: this.#nextRecordId++, payload: buffer.subarray(r.payloadStart, r.end) });
        this.#outstanding.push({ segment, end: base + r.end, done: false });
      }
      this.#readOffset = base + scan.end;
      chunk = READ_CHUNK;
      if (scan.records.length > 0 || scan.stop === undefined) continue;
      if (scan.stop === 'incomplete' && base + scan.needed <= end && bytesRead === want && scan.needed > want) {
        chunk = scan.needed; // one record larger than a chunk
        continue;
      }
      // A record runs past the valid end, or fails its checks: skip the rest of this segment.
      const detail = scan.stop === 'incomplete' ? 'record runs past the end of the segment' : scan.stop === 'bad-length' ? 'bad record length' : 'bad record checksum';
      const error = new SpillCorruptError(segmentName(segment), base, end - base, `${detail}, rest of segment skipped`);
      this.#readOffset = end;
      this.#outstanding.push({ segment, end, done: true });
      this.#nextRecordId++;
      this.#advanceCursor();
      this.#listener.corrupt(error, 1);
    }
    return out;
  }

  async #readHandleFor(segment: number): Promise<FileHandle> {
    if (this.#readHandle !== undefined && this.#readHandleSegment === segment) return this.#readHandle;
    await this.#closeReadHandle();
    this.#readHandle = await open(this.#path(segment), 'r');
    this.#readHandleSegment = segment;
    return this.#readHandle;
  }

  async #closeReadHandle(): Promise<void> {
    const handle = this.#readHandle;
    this.#readHandle = undefined;
    await handle?.close();
  }

  // --- cursor -------------------------------------------------------------------------------

  #advanceCursor(): void {
    let moved = false;
    while (this.#outstandingHead < this.#outstanding.length) {
      const head = this.#outstanding[this.#outstandingHead] as Outstanding;
      if (!head.done) break;
      this.#cursor = { segment: head.segment, offset: head.end };
      this.#outstandingHead++;
      this.#firstOutstandingId++;
      moved = true;
    }
    if (this.#outstandingHead > 1024 && this.#outstandingHead * 2 > this.#outstanding.length) {
      this.#outstanding = this.#outstanding.slice(this.#outstandingHead);
      this.#outstandingHead = 0;
    }
    if (!moved || this.#closed) return;
    if (this.#cursorWriting !== undefined) {
      this.#cursorDirty = true;
      return;
    }
    this.#cursorWriting = this.#cursorLoop();
  }

  async #cursorLoop(): Promise<void> {
    try {
      do {
        this.#cursorDirty = false;
        await this.#writeCursor();
      } while (this.#moreToSave());
    } catch (err) {
      this.#listener.error(new SpillError(this.#s.directory, 'cannot save the cursor', { cause: err }));
    } finally {
      this.#cursorWriting = undefined;
    }
  }

  /** A method, so that type narrowing does not assume the flag cannot change across an await. */
  #moreToSave(): boolean {
    return this.#cursorDirty && !this.#closed;
  }

  /** Saves the cursor (write, fsync, rename), then deletes the segments wholly before it. */
  async #writeCursor(): Promise<void> {
    const cursor = this.#cursor;
    const tmp = join(this.#s.directory, 'cursor.tmp');
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(`${JSON.stringify(cursor)}\n`);
      if (this.#s.fsync !== 'never') await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(tmp, join(this.#s.directory, 'cursor'));
    if (this.#s.fsync !== 'never') await this.#syncDirectory();
    while (this.#segments.length > 0 && (this.#segments[0] as number) < cursor.segment) {
      const id = this.#segments.shift() as number;
      if (this.#readHandle !== undefined && this.#readHandleSegment === id) await this.#closeReadHandle();
      this.#diskBytes -= this.#sizes.get(id) ?? 0;
      this.#sizes.delete(id);
      await rm(this.#path(id), { force: true });
    }
  }
}
