import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpillLog } from '../../../src/sinks/spill/spill-log.ts';
import type { SpillFsyncPolicy, SpillListener } from '../../../src/sinks/spill/spill-log.ts';
import { encodeRecord, SEGMENT_HEADER_BYTES } from '../../../src/sinks/spill/spill-record.ts';
import { SpillCorruptError, SpillError } from '../../../src/sinks/sink-errors.ts';
import { defaultSleep } from '../../../src/sinks/runner/runner-options.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kube-events-spill-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Recorder extends SpillListener {
  errors: Error[];
  corrupt: SpillListener['corrupt'] & { found: { error: SpillCorruptError; records: number }[] };
}

function recorder(): Recorder {
  const found: { error: SpillCorruptError; records: number }[] = [];
  const corrupt = Object.assign((error: SpillCorruptError, records: number) => found.push({ error, records }), { found });
  const errors: Error[] = [];
  return { written: () => undefined, error: (e) => errors.push(e), corrupt, errors };
}

function open(listener: SpillListener = recorder(), opts: { segmentBytes?: number; maxBytes?: number; fsync?: SpillFsyncPolicy } = {}): SpillLog {
  return new SpillLog({ directory: dir, maxBytes: opts.maxBytes ?? 1 << 20, segmentBytes: opts.segmentBytes ?? 1 << 16, fsync: opts.fsync ?? 'always', fsyncInterval: 5, sleep: defaultSleep }, listener);
}

function append(log: SpillLog, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const r = log.append(Buffer.from(text), (err) => {
      if (err) reject(err);
      else resolve();
    });
    if (r !== 'ok') reject(new Error(r));
  });
}

async function readAll(log: SpillLog, consume = true): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const records = await log.read(7);
    if (records.length === 0) return out;
    for (const r of records) {
      out.push(r.payload.toString());
      if (consume) log.consumed(r.id);
    }
  }
}

const segments = (): string[] => readdirSync(dir).filter((n) => n.endsWith('.seg')).sort();

describe('SpillLog', () => {
  it.each(['always', 'interval', 'never'] as const)('reads back what was appended, in order, across segments (fsync %s)', async (fsync) => {
    const log = open(recorder(), { segmentBytes: 256, fsync });
    const texts = Array.from({ length: 50 }, (_, i) => `record ${i} ${'x'.repeat(i % 13)}`);
    await Promise.all(texts.map((t) => append(log, t)));
    expect(segments().length).toBeGreaterThan(3);
    expect(log.hasUnread()).toBe(true);
    expect(await readAll(log)).toEqual(texts);
    expect(log.hasUnread()).toBe(false);
    await log.close();
  });

  it('replays unconsumed records after reopening and deletes consumed segments', async () => {
    const texts = Array.from({ length: 30 }, (_, i) => `r${i}-${'y'.repeat(20)}`);
    let log = open(recorder(), { segmentBytes: 200 });
    await Promise.all(texts.map((t) => append(log, t)));
    const first = await log.read(12);
    for (const r of first) log.consumed(r.id);
    await log.close();
    const before = segments().length;

    log = open(recorder(), { segmentBytes: 200 });
    expect(await readAll(log)).toEqual(texts.slice(12));
    await log.close();
    expect(segments().length).toBeLessThan(before);
    expect(segments()).toHaveLength(1); // only the segment the writer is on
    log = open();
    expect(log.hasUnread()).toBe(false);
    await log.close();
  });

  it('keeps a record consumed out of order until everything before it is consumed', async () => {
    let log = open();
    for (const t of ['a', 'b', 'c']) await append(log, t);
    const [a, , c] = await log.read(3);
    log.consumed(c!.id);
    log.consumed(a!.id);
    await log.close();
    log = open();
    // b is not consumed, so b and c come back (at least once); a does not.
    expect(await readAll(log, false)).toEqual(['b', 'c']);
    await log.close();
  });

  it('truncates a torn record at the tail of the newest segment and reports it', async () => {
    let log = open();
    for (const t of ['one', 'two', 'three']) await append(log, t);
    await log.close();
    const seg = join(dir, segments()[0]!);
    const good = statSync(seg).size;
    // A crash in the middle of an append: the header and half the payload made it.
    appendFileSync(seg, encodeRecord(Buffer.from('four, torn')).subarray(0, 12));
    const rec = recorder();
    log = open(rec);
    expect(statSync(seg).size).toBe(good);
    log.reportStartup();
    expect(rec.corrupt.found).toHaveLength(1);
    expect(rec.corrupt.found[0]!.error).toBeInstanceOf(SpillCorruptError);
    expect(rec.corrupt.found[0]!.error.message).toContain('torn record');
    expect(rec.corrupt.found[0]!.error.bytes).toBe(12);
    expect(await readAll(log)).toEqual(['one', 'two', 'three']);
    await append(log, 'five');
    expect(await readAll(log)).toEqual(['five']);
    await log.close();
  });

  it('truncates a zero-filled tail (a file system extended the file on a crash)', async () => {
    let log = open();
    await append(log, 'kept');
    await log.close();
    const seg = join(dir, segments()[0]!);
    appendFileSync(seg, Buffer.alloc(64));
    const rec = recorder();
    log = open(rec);
    log.reportStartup();
    expect(rec.corrupt.found[0]?.error.message).toContain('bad record length');
    expect(await readAll(log)).toEqual(['kept']);
    await log.close();
  });

  it('detects a flipped byte by checksum', async () => {
    let log = open();
    for (const t of ['alpha', 'beta']) await append(log, t);
    await log.close();
    const seg = join(dir, segments()[0]!);
    const bytes = readFileSync(seg);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 2) ^ 0xff, bytes.length - 2); // inside "beta"
    writeFileSync(seg, bytes);
    const rec = recorder();
    log = open(rec);
    log.reportStartup();
    expect(rec.corrupt.found[0]?.error.message).toContain('bad record checksum');
    expect(await readAll(log)).toEqual(['alpha']);
    await log.close();
  });

  it('skips the damaged rest of an older segment and goes on with the next', async () => {
    // 8 bytes of header + 3 records of 8 + 4 bytes: three records per segment.
    let log = open(recorder(), { segmentBytes: 44 });
    for (const t of ['s1-a', 's1-b', 's1-c', 's2-a', 's2-b', 's2-c', 's3-a']) await append(log, t);
    await log.close();
    const names = segments();
    expect(names).toHaveLength(3);
    const first = join(dir, names[0]!);
    // Damage the second record of the first segment.
    const bytes = readFileSync(first);
    const second = SEGMENT_HEADER_BYTES + 8 + 4;
    bytes.writeUInt8(bytes.readUInt8(second + 8) ^ 0x01, second + 8);
    writeFileSync(first, bytes);
    const rec = recorder();
    log = open(rec, { segmentBytes: 44 });
    expect(await readAll(log)).toEqual(['s1-a', 's2-a', 's2-b', 's2-c', 's3-a']);
    expect(rec.corrupt.found).toHaveLength(1);
    expect(rec.corrupt.found[0]!.error.message).toContain('rest of segment skipped');
    await log.close();
  });

  it('rewrites a header torn while a segment was being created', async () => {
    writeFileSync(join(dir, '00000000000000000001.seg'), 'KEVS');
    const log = open();
    await append(log, 'after');
    expect(await readAll(log)).toEqual(['after']);
    await log.close();
  });

  it('refuses a directory whose segment is not a spill segment', () => {
    writeFileSync(join(dir, '00000000000000000001.seg'), 'something else entirely');
    expect(() => open()).toThrow(SpillError);
    expect(() => open()).toThrow('bad magic');
  });

  it('refuses an append past maxBytes', async () => {
    const log = open(recorder(), { maxBytes: 1024, segmentBytes: 1024 });
    const big = 'z'.repeat(300);
    await append(log, big);
    await append(log, big);
    await append(log, big);
    expect(log.append(Buffer.from(big), () => undefined)).toBe('full');
    expect(log.bytes).toBeLessThanOrEqual(1024);
    await log.close();
  });

  it('is locked against a second runner, and takes over a lock left by a dead process', async () => {
    const log = open();
    expect(() => open()).toThrow('already in use by another runner of this process');
    await log.close();
    writeFileSync(join(dir, 'LOCK'), '999999999\n'); // no such pid
    const again = open();
    expect(readFileSync(join(dir, 'LOCK'), 'utf8')).toBe(`${process.pid}\n`);
    await again.close();
    expect(readdirSync(dir)).not.toContain('LOCK');
  });

  it('treats an unreadable cursor as "replay everything" and says so', async () => {
    let log = open();
    for (const t of ['a', 'b']) await append(log, t);
    const records = await log.read(2);
    for (const r of records) log.consumed(r.id);
    await log.close();
    writeFileSync(join(dir, 'cursor'), 'garbage');
    const rec = recorder();
    log = open(rec);
    log.reportStartup();
    expect(rec.corrupt.found[0]?.error.message).toContain('unreadable cursor');
    expect(await readAll(log)).toEqual(['a', 'b']);
    await log.close();
  });

  it('writes a zero-length tail file safely: a truncated segment of only its header reads as empty', async () => {
    let log = open();
    await append(log, 'x');
    await log.close();
    truncateSync(join(dir, segments()[0]!), SEGMENT_HEADER_BYTES);
    log = open();
    expect(log.hasUnread()).toBe(false);
    expect(await readAll(log)).toEqual([]);
    await log.close();
  });
});
