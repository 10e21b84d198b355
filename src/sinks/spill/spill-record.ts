/**
 * The on-disk format of spill segments. A segment starts with the 8-byte magic `KEVSPL01`, then
 * holds records back to back, each:
 *
 * | bytes | field |
 * | --- | --- |
 * | 4 | payload length, unsigned big-endian, ≥ 1 |
 * | 4 | CRC-32 (ISO-HDLC, as zlib) of the payload, unsigned big-endian |
 * | n | payload (the codec's bytes) |
 *
 * A record whose length runs past the end of the file, is 0 (file systems may extend a file with
 * zeros on a crash) or exceeds the limit, or whose checksum does not match, ends the valid part of
 * the segment.
 *
 * @module
 */
import { crc32 } from 'node:zlib';

/** The first bytes of every segment: format name and version. */
export const SEGMENT_MAGIC = Buffer.from('KEVSPL01', 'latin1');
/** Bytes before the first record of a segment. */
export const SEGMENT_HEADER_BYTES = SEGMENT_MAGIC.length;
/** Bytes before each payload. */
export const RECORD_HEADER_BYTES = 8;

/** `payload` (a string is written as UTF-8, without an intermediate copy) framed as one record. */
export function encodeRecord(payload: Uint8Array | string): Buffer {
  const length = typeof payload === 'string' ? Buffer.byteLength(payload, 'utf8') : payload.length;
  const record = Buffer.allocUnsafe(RECORD_HEADER_BYTES + length);
  if (typeof payload === 'string') record.write(payload, RECORD_HEADER_BYTES, 'utf8');
  else record.set(payload, RECORD_HEADER_BYTES);
  record.writeUInt32BE(length, 0);
  record.writeUInt32BE(crc32(record.subarray(RECORD_HEADER_BYTES)), 4);
  return record;
}

/** A record found in a buffer. */
export interface ScannedRecord {
  /** Offset of the payload in the buffer. */
  readonly payloadStart: number;
  /** Offset just past the record in the buffer. */
  readonly end: number;
}

/** What {@link scanRecords} found. */
export interface ScanResult {
  /** The complete, valid records, in order. */
  readonly records: ScannedRecord[];
  /** Offset just past the last valid record (where scanning stopped). */
  readonly end: number;
  /**
   * Why scanning stopped before the end of the buffer: `incomplete` (the next record needs more
   * bytes than the buffer has: read more, or at the end of a file a torn tail), or a corruption.
   * `undefined` when the buffer ended exactly at a record boundary.
   */
  readonly stop: 'incomplete' | 'bad-length' | 'bad-checksum' | undefined;
  /** For `incomplete`: the bytes the next record needs in full. */
  readonly needed: number;
}

/**
 * The records of `buffer` from `start`, as far as they are complete and valid.
 *
 * @param buffer - Bytes of a segment (or part of one).
 * @param start - Where the first record starts.
 * @param maxPayload - Largest payload accepted; a larger length is corruption.
 * @param limit - Stop after this many records.
 */
export function scanRecords(buffer: Buffer, start: number, maxPayload: number, limit = Number.POSITIVE_INFINITY): ScanResult {
  const records: ScannedRecord[] = [];
  let offset = start;
  while (records.length < limit) {
    const left = buffer.length - offset;
    if (left === 0) return { records, end: offset, stop: undefined, needed: 0 };
    if (left < RECORD_HEADER_BYTES) return { records, end: offset, stop: 'incomplete', needed: RECORD_HEADER_BYTES };
    const length = buffer.readUInt32BE(offset);
    if (length === 0 || length > maxPayload) return { records, end: offset, stop: 'bad-length', needed: 0 };
    const end = offset + RECORD_HEADER_BYTES + length;
    if (end > buffer.length) return { records, end: offset, stop: 'incomplete', needed: RECORD_HEADER_BYTES + length };
    const payload = buffer.subarray(offset + RECORD_HEADER_BYTES, end);
    if (crc32(payload) !== buffer.readUInt32BE(offset + 4)) return { records, end: offset, stop: 'bad-checksum', needed: 0 };
    records.push({ payloadStart: offset + RECORD_HEADER_BYTES, end });
    offset = end;
  }
  return { records, end: offset, stop: undefined, needed: 0 };
}
