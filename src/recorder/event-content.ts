/**
 * The limits kube-apiserver puts on an Event's text fields (pkg/apis/core/validation/events.go),
 * checked before sending, and the note truncation that keeps a long message from being rejected.
 *
 * @module
 */
import { EventValidationError } from './recorder-errors.ts';

/** An Event's `reason` may be at most 128 bytes (events.go `REASON_LENGTH_LIMIT`). */
export const EVENT_REASON_MAX_BYTES = 128;
/** An Event's `action` may be at most 128 bytes (events.go `ACTION_LENGTH_LIMIT`). */
export const EVENT_ACTION_MAX_BYTES = 128;
/** An Event's note (core/v1 `message`) may be at most 1024 bytes (events.go `NOTE_LENGTH_LIMIT`). */
export const EVENT_NOTE_MAX_BYTES = 1024;
/** `reportingInstance` may be at most 128 bytes (events.go `REPORTING_INSTANCE_LENGTH_LIMIT`). */
export const REPORTING_INSTANCE_MAX_BYTES = 128;
/** What ends a message the recorder cut to {@link EVENT_NOTE_MAX_BYTES}. */
export const NOTE_TRUNCATION_MARKER = '… [truncated]';

const MARKER_BYTES = Buffer.byteLength(NOTE_TRUNCATION_MARKER, 'utf8');

/** The two Event types the API defines. */
export type EventType = 'Normal' | 'Warning';

/**
 * `message` cut to at most {@link EVENT_NOTE_MAX_BYTES} UTF-8 bytes, ending with
 * {@link NOTE_TRUNCATION_MARKER}; cut on a code point boundary, never inside a character.
 * Shorter messages are returned as they are. The recorder applies it to every message.
 *
 * @example
 * ```ts
 * import { truncateNote } from 'kube-events/recorder';
 *
 * truncateNote('€'.repeat(400)); // 336 × '€' + '… [truncated]' = 1023 bytes
 * ```
 */
export function truncateNote(message: string, maxBytes = EVENT_NOTE_MAX_BYTES): string {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: short strings need no count.
  if (message.length * 3 <= maxBytes) return message;
  const buf = Buffer.from(message, 'utf8');
  if (buf.length <= maxBytes) return message;
  let end = maxBytes - MARKER_BYTES;
  // Back up to the first byte of a character: continuation bytes are 0b10xxxxxx.
  while (end > 0 && ((buf[end] ?? 0) & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8') + NOTE_TRUNCATION_MARKER;
}

/** True when `s` is longer than `max` UTF-8 bytes (counted only when it could be). */
function overBytes(s: string, max: number): boolean {
  return s.length * 3 > max && Buffer.byteLength(s, 'utf8') > max;
}

function show(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    // JSON.stringify returns undefined for `undefined`, functions and symbols.
    const json = JSON.stringify(v) as string | undefined;
    return json ?? typeof v;
  } catch {
    return typeof v;
  }
}

/**
 * Throws {@link EventValidationError} when `type`, `reason` or `action` break the server's rules:
 * type Normal or Warning; reason and action (when given) non-empty and at most 128 bytes.
 */
export function validateEventContent(type: unknown, reason: unknown, action: unknown): void {
  if (type !== 'Normal' && type !== 'Warning') {
    throw new EventValidationError('type', `Expected \`type\` to be "Normal" or "Warning", got \`${show(type)}\` (${typeof type})`);
  }
  if (typeof reason !== 'string' || reason === '') {
    throw new EventValidationError('reason', `Expected \`reason\` to be a non-empty string such as "FailedMount", got \`${show(reason)}\` (${typeof reason})`);
  }
  if (overBytes(reason, EVENT_REASON_MAX_BYTES)) {
    throw new EventValidationError('reason', `Expected \`reason\` to be at most ${EVENT_REASON_MAX_BYTES} bytes, got ${Buffer.byteLength(reason, 'utf8')} bytes`);
  }
  if (action !== undefined) {
    if (typeof action !== 'string' || action === '') {
      throw new EventValidationError('action', `Expected \`action\` to be a non-empty string, got \`${show(action)}\` (${typeof action})`);
    }
    if (overBytes(action, EVENT_ACTION_MAX_BYTES)) {
      throw new EventValidationError('action', `Expected \`action\` to be at most ${EVENT_ACTION_MAX_BYTES} bytes, got ${Buffer.byteLength(action, 'utf8')} bytes`);
    }
  }
}
