import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const CHILD = join(import.meta.dirname, '..', 'support', 'spill-child.ts');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kube-events-kill9-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function start(mode: 'outage' | 'deliver'): { child: ChildProcess; lines: AsyncIterable<string>; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; stderr: () => string } {
  const child = spawn(process.execPath, ['--conditions=source', '--no-warnings', CHILD, mode, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve({ code, signal });
    });
  });
  return { child, lines: createInterface({ input: child.stdout }), exited, stderr: () => err };
}

describe('spill survives kill -9', () => {
  it('replays every acknowledged spilled event after a SIGKILL during an outage, in order, none duplicated', async () => {
    // 1. An outage: the process spills, and is killed mid-stream.
    const outage = start('outage');
    const acked: number[] = [];
    for await (const line of outage.lines) {
      const [what, n] = line.split(' ');
      if (what === 'spilled') acked.push(Number(n));
      else if (what === 'error') throw new Error(`outage process: ${line}`);
      if (acked.length >= 400) {
        outage.child.kill('SIGKILL');
        break;
      }
    }
    expect(await outage.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(readdirSync(dir)).toContain('LOCK'); // left behind by the killed process
    expect(acked.length).toBeGreaterThanOrEqual(400);
    // The first 10 events stayed in memory (never acknowledged); every later one was spilled, in order.
    expect(acked.slice(0, 5)).toEqual([10, 11, 12, 13, 14]);

    // 2. The peer is back: a new process opens the same directory and replays.
    const replay = start('deliver');
    const got: number[] = [];
    const errors: string[] = [];
    let done = false;
    for await (const line of replay.lines) {
      const [what, n] = line.split(' ');
      if (what === 'delivered') got.push(Number(n));
      else if (what === 'error') errors.push(line);
      else if (what === 'done') done = true;
    }
    expect(await replay.exited, replay.stderr()).toEqual({ code: 0, signal: null });
    expect(done).toBe(true);
    // At most a torn record at the tail (a write the kill cut short), never acknowledged.
    expect(errors.length).toBeLessThanOrEqual(1);
    for (const e of errors) expect(e).toMatch(/^error ERR_SPILL_CORRUPT .*torn record/);

    expect(new Set(got).size).toBe(got.length); // none duplicated
    expect(got).toEqual([...got].sort((a, b) => a - b)); // in order
    const last = got.at(-1)!;
    expect(got).toEqual(Array.from({ length: last - 9 }, (_, i) => i + 10)); // exactly what was spilled, no gap
    const lost = acked.filter((n) => !got.includes(n));
    expect(lost).toEqual([]); // every acknowledged event delivered
  }, 60_000);
});
