import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LineSplitter } from '../../src/stream/line-splitter.ts';

function drain(s: LineSplitter): string[] {
  const out: string[] = [];
  for (let l = s.next(); l !== undefined; l = s.next()) out.push(l);
  return out;
}

describe('LineSplitter', () => {
  it('returns complete lines only, keeping a partial line for the next chunk', () => {
    const s = new LineSplitter();
    s.push('{"a":1}\n{"b"');
    expect(drain(s)).toEqual(['{"a":1}']);
    expect(s.pendingChars).toBe(4);
    s.push(':2}\r\n\n{"c":3}\n');
    expect(drain(s)).toEqual(['{"b":2}', '{"c":3}']);
    expect(s.takeRest()).toBe('');
  });

  it('keeps what is left of a line for takeRest()', () => {
    const s = new LineSplitter();
    s.push('{"a":1}\n{"type":"ADD');
    expect(drain(s)).toEqual(['{"a":1}']);
    expect(s.takeRest()).toBe('{"type":"ADD');
    expect(s.pendingChars).toBe(0);
  });

  it('gives the same lines however the text is chunked (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme', maxLength: 20 }).map((t) => t.replace(/[\r\n]/g, '')), { maxLength: 20 }),
        fc.array(fc.nat(50), { maxLength: 10 }),
        (lines, cuts) => {
          const text = lines.map((l) => `${l}\n`).join('');
          const s = new LineSplitter();
          const out: string[] = [];
          let at = 0;
          for (const c of [...cuts, text.length]) {
            const end = Math.min(text.length, at + c);
            s.push(text.slice(at, end));
            out.push(...drain(s));
            at = end;
          }
          expect(out).toEqual(lines.filter((l) => l !== ''));
        },
      ),
    );
  });
});
