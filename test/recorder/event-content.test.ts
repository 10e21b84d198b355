/** Validation before sending (events.go limits) and note truncation on a UTF-8 boundary. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EVENT_NOTE_MAX_BYTES, EventValidationError, NOTE_TRUNCATION_MARKER, truncateNote } from '../../src/recorder/index.ts';
import { validateEventContent } from '../../src/recorder/event-content.ts';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

describe('truncateNote', () => {
  it('leaves a message of up to 1024 bytes alone', () => {
    const exact = 'é'.repeat(512); // 1024 bytes
    expect(truncateNote(exact)).toBe(exact);
    expect(truncateNote('short')).toBe('short');
  });

  it('cuts a longer one to 1024 bytes with a visible marker, never inside a character', () => {
    const cut = truncateNote('€'.repeat(400)); // 1200 bytes, 3 per character
    expect(bytes(cut)).toBeLessThanOrEqual(EVENT_NOTE_MAX_BYTES);
    expect(cut.endsWith(NOTE_TRUNCATION_MARKER)).toBe(true);
    expect(cut.slice(0, -NOTE_TRUNCATION_MARKER.length)).toBe('€'.repeat(Math.floor((1024 - bytes(NOTE_TRUNCATION_MARKER)) / 3)));
  });

  it('always: at most 1024 bytes, a prefix of the message plus the marker, valid UTF-8 (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 1500 }), (s) => {
        const out = truncateNote(s);
        expect(bytes(out)).toBeLessThanOrEqual(EVENT_NOTE_MAX_BYTES);
        if (bytes(s) <= EVENT_NOTE_MAX_BYTES) expect(out).toBe(s);
        else {
          expect(out.endsWith(NOTE_TRUNCATION_MARKER)).toBe(true);
          const kept = out.slice(0, -NOTE_TRUNCATION_MARKER.length);
          expect(s.startsWith(kept)).toBe(true);
          expect(Buffer.from(kept, 'utf8').toString('utf8')).toBe(kept);
          // Nothing more fit: the next character would have crossed the limit.
          const next = String.fromCodePoint(s.codePointAt(kept.length) ?? 0x20);
          expect(bytes(kept + next) + bytes(NOTE_TRUNCATION_MARKER)).toBeGreaterThan(EVENT_NOTE_MAX_BYTES);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('validateEventContent (the server’s rules, checked before sending)', () => {
  it('accepts Normal and Warning with a reason and an action of up to 128 bytes', () => {
    expect(() => { validateEventContent('Normal', 'R'.repeat(128), 'A'.repeat(128)); }).not.toThrow();
    expect(() => { validateEventContent('Warning', 'OnePilotFail', undefined); }).not.toThrow();
  });

  it.each([
    ['type', () => { validateEventContent('Error', 'R', undefined); }, 'Expected `type` to be "Normal" or "Warning", got `Error` (string)'],
    ['reason', () => { validateEventContent('Normal', '', undefined); }, 'Expected `reason` to be a non-empty string such as "FailedMount", got `` (string)'],
    ['reason', () => { validateEventContent('Normal', 'é'.repeat(65), undefined); }, 'Expected `reason` to be at most 128 bytes, got 130 bytes'],
    ['action', () => { validateEventContent('Normal', 'R', 'x'.repeat(129)); }, 'Expected `action` to be at most 128 bytes, got 129 bytes'],
    ['action', () => { validateEventContent('Normal', 'R', ''); }, 'Expected `action` to be a non-empty string, got `` (string)'],
  ])('rejects a bad %s with a typed error naming it', (field, call, message) => {
    let caught: unknown;
    try {
      call();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(EventValidationError);
    expect(caught).toMatchObject({ code: 'ERR_EVENT_INVALID', field, message, statusCode: undefined });
  });
});
