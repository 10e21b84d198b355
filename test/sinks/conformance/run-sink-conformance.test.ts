import { describe, expect, it } from 'vitest';
import { runSinkConformance } from '../../../src/sinks/conformance/run-sink-conformance.ts';
import type { SinkConformanceHarness } from '../../../src/sinks/conformance/run-sink-conformance.ts';
import { delivered, permanent, retryable } from '../../../src/sinks/sink.ts';
import type { SendResult, Sink } from '../../../src/sinks/sink.ts';
import { InvalidOptionError } from '../../../src/errors.ts';

/** An in-memory receiver with a sink in front of it; `tweak` lets a test break the sink. */
function memoryHarness(tweak: { duplicate?: boolean; reverse?: boolean; resultCount?: number; retryAsPermanent?: boolean; hangWhenAborted?: boolean } = {}): () => SinkConformanceHarness {
  return () => {
    const stored: string[] = [];
    const failures: ('retryable' | 'permanent')[] = [];
    const sink: Sink = {
      name: 'memory',
      async send(batch, { signal }) {
        if (signal.aborted) {
          if (tweak.hangWhenAborted === true) await new Promise(() => undefined);
          return retryable(new Error('aborted'));
        }
        const failure = failures.shift();
        if (failure === 'retryable') return tweak.retryAsPermanent === true ? permanent(new Error('503')) : retryable(new Error('503'), 2_000);
        if (failure === 'permanent') return permanent(new Error('400'));
        const order = tweak.reverse === true ? [...batch].reverse() : batch;
        for (const ev of order) stored.push(ev.uid);
        if (tweak.duplicate === true && batch.length > 1) stored.push(batch[0]!.uid);
        const results: SendResult[] = batch.map(() => delivered());
        return tweak.resultCount === undefined ? results : results.slice(0, tweak.resultCount);
      },
    };
    return {
      sink,
      received: () => stored,
      failNext: (kind, count) => {
        for (let i = 0; i < count; i++) failures.push(kind);
      },
    };
  };
}

const goodBadOptions = [
  () => {
    throw new InvalidOptionError('url', 'an http:// or https:// URL', 'ftp://x');
  },
];

runSinkConformance(memoryHarness(), { test: it, describe, name: 'in-memory reference sink', badOptions: goodBadOptions, retryAfter: true });

/** Collects the suite's cases instead of registering them, so a test can run one and expect it to fail. */
function collect(factory: () => SinkConformanceHarness, badOptions: readonly (() => unknown)[] = goodBadOptions): Map<string, () => Promise<void>> {
  const cases = new Map<string, () => Promise<void>>();
  runSinkConformance(factory, { test: (name, fn) => cases.set(name, fn), badOptions, retryAfter: true });
  return cases;
}

async function failureOf(cases: Map<string, () => Promise<void>>, name: string): Promise<unknown> {
  const run = cases.get(name);
  if (run === undefined) throw new Error(`no case "${name}" (have: ${[...cases.keys()].join(' | ')})`);
  return run().then(
    () => undefined,
    (err: unknown) => err,
  );
}

describe('runSinkConformance catches broken sinks', () => {
  it('registers the nine cases', () => {
    expect([...collect(memoryHarness()).keys()]).toEqual([
      'delivers every item exactly once',
      'keeps the items of one key in order',
      'is sent batches within maxItems and maxBytes',
      'answers send() with one result per item, or one for the batch',
      'retries what the receiver refuses for now, without loss, duplicates or reordering',
      'does not retry what the receiver rejects for good',
      'delivers everything held when the runner closes, then closes the sink once',
      'settles send() promptly when its signal is already aborted',
      'rejects bad options with a clear ERR_INVALID_OPTION error',
    ]);
  });

  it('a sink that stores an item twice', async () => {
    const err = await failureOf(collect(memoryHarness({ duplicate: true })), 'delivers every item exactly once');
    expect(err).toMatchObject({ code: 'ERR_SINK_CONFORMANCE', message: expect.stringMatching(/received twice/) });
  });

  it('a sink that reorders a batch', async () => {
    const err = await failureOf(collect(memoryHarness({ reverse: true })), 'keeps the items of one key in order');
    expect(err).toMatchObject({ code: 'ERR_SINK_CONFORMANCE', message: expect.stringMatching(/arrived after a later item of the same key/) });
  });

  it('a sink that answers with too few results', async () => {
    const err = await failureOf(collect(memoryHarness({ resultCount: 1 })), 'answers send() with one result per item, or one for the batch');
    expect(err).toMatchObject({ message: 'send() resolved with 1 results for a batch of 3' });
  });

  it('a sink that treats a temporary failure as permanent', async () => {
    const err = await failureOf(collect(memoryHarness({ retryAsPermanent: true })), 'retries what the receiver refuses for now, without loss, duplicates or reordering');
    expect(err).toMatchObject({ code: 'ERR_SINK_CONFORMANCE', message: expect.stringMatching(/never arrived/) });
  });

  it('a sink that ignores an aborted signal', async () => {
    const err = await failureOf(collect(memoryHarness({ hangWhenAborted: true })), 'settles send() promptly when its signal is already aborted');
    expect(err).toMatchObject({ message: 'send() with an aborted signal did not settle within 5 s' });
  }, 10_000);

  it('a factory that accepts a bad option, or throws the wrong error', async () => {
    const accepts = await failureOf(collect(memoryHarness(), [() => ({})]), 'rejects bad options with a clear ERR_INVALID_OPTION error');
    expect(accepts).toMatchObject({ message: 'badOptions[0] did not throw' });
    const wrong = await failureOf(
      collect(memoryHarness(), [
        () => {
          throw new TypeError('bad url');
        },
      ]),
      'rejects bad options with a clear ERR_INVALID_OPTION error',
    );
    expect(wrong).toMatchObject({ message: 'badOptions[0] threw TypeError: bad url, not an ERR_INVALID_OPTION error' });
  });

  it('a harness without failNext, unless failures are skipped', async () => {
    const noFail = (): SinkConformanceHarness => {
      const { sink, received } = memoryHarness()();
      return { sink, received };
    };
    const err = await failureOf(collect(noFail), 'does not retry what the receiver rejects for good');
    expect(err).toMatchObject({ message: 'the harness has no failNext(); implement it, or pass skipFailures: true' });
    const skipped: string[] = [];
    const test = Object.assign(() => undefined, { skip: (name: string) => skipped.push(name) });
    runSinkConformance(noFail, { test, badOptions: [], skipFailures: true });
    expect(skipped).toHaveLength(2);
  });
});

