import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createStdoutSink } from '../../../src/sinks/builtin/stdout-sink.ts';
import { formatEventLine } from '../../../src/sinks/builtin/event-format.ts';
import { runSinkConformance } from '../../../src/sinks/conformance/run-sink-conformance.ts';
import type { SendResult } from '../../../src/sinks/sink.ts';
import type { KubeEvent } from '../../../src/stream/kube-event.ts';
import { fromCoreV1Event } from '../../../src/stream/kube-event.ts';
import { testEvent } from '../support/test-events.ts';

/** A writable that keeps what it is given; `delay` holds each write callback. */
function capture(delay?: () => Promise<void>): Writable & { text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      if (delay === undefined) done();
      else void delay().then(() => { done(); });
    },
  });
  return Object.assign(stream, { text: () => chunks.join('') });
}

const ctx = { signal: new AbortController().signal, attempt: 1 };
const badOptions = [
  () => createStdoutSink({ format: 'yaml' as 'json' }),
  () => createStdoutSink({ format: 'text', layout: (ev: KubeEvent) => ev.uid }),
  () => createStdoutSink({ stream: {} as Writable }),
  () => createStdoutSink({ name: '' }),
];

runSinkConformance(
  () => {
    const out = capture();
    return {
      sink: createStdoutSink({ stream: out }),
      received: () =>
        out
          .text()
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l).uid as string),
    };
  },
  { test: it, describe, name: 'stdout', badOptions, skipFailures: true },
);

describe('stdout sink', () => {
  it('writes one JSON line per event, the whole batch in one write', async () => {
    const out = capture();
    const sink = createStdoutSink({ stream: out });
    const events = [testEvent(1), testEvent(2)];
    expect(await sink.send(events, ctx)).toEqual([{ status: 'delivered' }, { status: 'delivered' }]);
    expect(out.text()).toBe(`${JSON.stringify(events[0])}\n${JSON.stringify(events[1])}\n`);
    await sink.close?.();
  });

  it('writes the readable one-line form with format: text', async () => {
    const out = capture();
    const sink = createStdoutSink({ stream: out, format: 'text' });
    const ev = fromCoreV1Event({
      metadata: { name: 'web-0.1', namespace: 'default', uid: 'u1' },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-0' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container\nin pod web-0',
      type: 'Warning',
      count: 3,
      firstTimestamp: '2026-01-02T03:00:00Z',
      lastTimestamp: '2026-01-02T03:04:05Z',
    });
    await sink.send([ev], ctx);
    expect(out.text()).toBe('2026-01-02T03:04:05Z Warning BackOff Pod default/web-0: Back-off restarting failed container in pod web-0 (x3)\n');
    expect(formatEventLine(fromCoreV1Event({ metadata: { name: 'n' }, involvedObject: { kind: 'Node', name: 'node-1' } }))).toBe('- - - Node node-1: ');
  });

  it('writes a custom line and a layout', async () => {
    const out = capture();
    await createStdoutSink({ stream: out, format: (ev: KubeEvent) => `>> ${ev.uid}` }).send([testEvent(4)], ctx);
    await createStdoutSink({ stream: out, layout: (ev: KubeEvent) => ({ r: ev.reason }) }).send([testEvent(5)], ctx);
    expect(out.text()).toBe('>> ev-4\n{"r":"BackOff"}\n');
  });

  it('is delivered only once the stream has flushed the write', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const out = capture(() => gate);
    const sink = createStdoutSink({ stream: out });
    let settled = false;
    const sending = sink.send([testEvent(1)], ctx).then((r) => {
      settled = true;
      return r;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    release();
    expect(await sending).toEqual([{ status: 'delivered' }]);
  });

  it('fails an item that cannot be serialized alone, as permanent', async () => {
    const out = capture();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const sink = createStdoutSink({ stream: out, layout: (ev: KubeEvent) => (ev.uid === 'ev-2' ? cyclic : ev.uid) });
    const results = (await sink.send([testEvent(1), testEvent(2), testEvent(3)], ctx)) as SendResult[];
    expect(results.map((r) => r.status)).toEqual(['delivered', 'permanent', 'delivered']);
    expect(out.text()).toBe('"ev-1"\n"ev-3"\n');
  });

  it('fails every batch as permanent once the stream is broken', async () => {
    const out = new Writable({
      write(_chunk, _enc, done) {
        const err = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
        done(err);
      },
    });
    const sink = createStdoutSink({ stream: out });
    const first = (await sink.send([testEvent(1)], ctx)) as SendResult[];
    expect(first[0]).toMatchObject({ status: 'permanent', error: { code: 'ERR_SINK_WRITE', message: 'Sink "stdout" could not write: write EPIPE' } });
    expect(await sink.send([testEvent(2)], ctx)).toMatchObject({ status: 'permanent' });
    await sink.close?.();
  });
});
