import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSink } from '../../../src/sinks/builtin/file-sink.ts';
import { runSinkConformance } from '../../../src/sinks/conformance/run-sink-conformance.ts';
import type { SendResult, Sink } from '../../../src/sinks/sink.ts';
import type { KubeEvent } from '../../../src/stream/kube-event.ts';
import { testEvent } from '../support/test-events.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kube-events-file-sink-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const ctx = { signal: new AbortController().signal, attempt: 1 };

/** Lines of `path.N` … `path.1`, `path`: oldest first. */
function allLines(path: string, maxFiles: number): string[] {
  const files = [...Array.from({ length: maxFiles }, (_, i) => `${path}.${maxFiles - i}`), path].filter((f) => existsSync(f));
  return files.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => l !== ''));
}

const badOptions = [
  () => createFileSink({ path: '' }),
  () => createFileSink({ path: '/tmp/x', maxBytes: -1 }),
  () => createFileSink({ path: '/tmp/x', maxFiles: 1.5 }),
  () => createFileSink({ path: '/tmp/x', fsync: 'sometimes' as 'always' }),
  () => createFileSink({ path: '/tmp/x', mode: 0o10000 }),
  () => createFileSink({ path: '/tmp/x', layout: 'json' as unknown as (ev: KubeEvent) => unknown }),
];

runSinkConformance(
  () => {
    const where = mkdtempSync(join(tmpdir(), 'kube-events-file-conformance-'));
    const path = join(where, 'events.jsonl');
    return {
      sink: createFileSink({ path, maxBytes: 16 * 1024, maxFiles: 100, fsync: 'never' }),
      received: () => allLines(path, 100).map((l) => JSON.parse(l).uid as string),
      close: () => {
        rmSync(where, { recursive: true, force: true });
        return Promise.resolve();
      },
    };
  },
  { test: it, describe, name: 'file', badOptions, skipFailures: true },
);

describe('file sink', () => {
  let sink: Sink | undefined;
  afterEach(async () => {
    await sink?.close?.();
    sink = undefined;
  });

  it('appends one JSON line per event to an existing file', async () => {
    const path = join(dir, 'events.jsonl');
    writeFileSync(path, '{"earlier":true}\n');
    sink = createFileSink({ path });
    await sink.send([testEvent(1), testEvent(2)], ctx);
    await sink.send([testEvent(3)], ctx);
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines[0]).toBe('{"earlier":true}');
    expect(lines.slice(1, 4).map((l) => JSON.parse(l).uid)).toEqual(['ev-1', 'ev-2', 'ev-3']);
    expect(lines[4]).toBe('');
  });

  it('creates a new file with mode 0o640 by default', async () => {
    const path = join(dir, 'new.jsonl');
    const old = process.umask(0);
    try {
      sink = createFileSink({ path, fsync: 'never' });
      await sink.send([testEvent(1)], ctx);
    } finally {
      process.umask(old);
    }
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  it('rotates by size without splitting lines, keeping maxFiles rotated files', async () => {
    const path = join(dir, 'events.jsonl');
    const line = (ev: KubeEvent): string => JSON.stringify({ uid: ev.uid, pad: 'x'.repeat(80) });
    const size = Buffer.byteLength(line(testEvent(10))) + 1;
    sink = createFileSink({ path, maxBytes: size * 3, maxFiles: 2, layout: (ev: KubeEvent) => JSON.parse(line(ev)) });
    for (let i = 10; i < 24; i += 2) await sink.send([testEvent(i), testEvent(i + 1)], ctx);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['events.jsonl', 'events.jsonl.1', 'events.jsonl.2']);
    for (const f of files) {
      expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(size * 3);
      expect(readFileSync(join(dir, f), 'utf8').endsWith('\n')).toBe(true);
    }
    // 14 events of which the oldest files were rotated away; what is kept is the newest, in order.
    const kept = allLines(path, 2).map((l) => JSON.parse(l).uid as string);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => `ev-${24 - kept.length + i}`));
    expect(kept.length).toBeGreaterThanOrEqual(7);
  });

  it('writes an event larger than maxBytes alone in a fresh file', async () => {
    const path = join(dir, 'events.jsonl');
    sink = createFileSink({ path, maxBytes: 100, maxFiles: 3 });
    await sink.send([testEvent(1, 'a', 'm'.repeat(500)), testEvent(2)], ctx);
    expect(allLines(path, 3).map((l) => JSON.parse(l).uid)).toEqual(['ev-1', 'ev-2']);
    expect(readFileSync(`${path}.1`, 'utf8').split('\n')).toHaveLength(2);
  });

  it('reports a failed write as retryable and recovers once the file can be written', async () => {
    const path = join(dir, 'missing-dir', 'events.jsonl');
    sink = createFileSink({ path });
    const failed = (await sink.send([testEvent(1)], ctx)) as SendResult[];
    expect(failed[0]).toMatchObject({ status: 'retryable', error: { code: 'ERR_SINK_WRITE' } });
    mkdirSync(join(dir, 'missing-dir'));
    expect(await sink.send([testEvent(1)], ctx)).toEqual([{ status: 'delivered' }]);
  });

  it('fails an item that cannot be serialized alone, as permanent', async () => {
    const path = join(dir, 'events.jsonl');
    sink = createFileSink({ path, layout: (ev: KubeEvent) => (ev.uid === 'ev-2' ? { n: 1n } : ev.uid) });
    const results = (await sink.send([testEvent(1), testEvent(2), testEvent(3)], ctx)) as SendResult[];
    expect(results.map((r) => r.status)).toEqual(['delivered', 'permanent', 'delivered']);
    expect(readFileSync(path, 'utf8')).toBe('"ev-1"\n"ev-3"\n');
  });
});
