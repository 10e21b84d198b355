/**
 * The process the kill -9 test starts (`node --conditions=source spill-child.ts <mode> <dir>`):
 * - `outage`: the receiver is down; enqueues events for ever under `overflow: 'spill'` and prints
 *   `spilled <n>` once event n is acknowledged as spilled, until the test kills it.
 * - `deliver`: the receiver is up; prints `delivered <n>` for every event delivered (the replay of
 *   what the killed process spilled), then `done`.
 * Errors the runner reports print as `error <code> <message>`.
 */
import { createSinkRunner } from '../../../src/sinks/runner/sink-runner.ts';
import { delivered, retryable } from '../../../src/sinks/sink.ts';
import type { Sink } from '../../../src/sinks/sink.ts';
import { eventNumber, testEvent } from './test-events.ts';

const [mode, directory] = process.argv.slice(2);
if ((mode !== 'outage' && mode !== 'deliver') || directory === undefined) throw new Error('usage: spill-child.ts outage|deliver <dir>');

const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

const sink: Sink = {
  name: 'peer',
  send(batch) {
    if (mode === 'outage') return Promise.resolve(retryable(new Error('connection refused')));
    for (const ev of batch) print(`delivered ${eventNumber(ev)}`);
    return Promise.resolve(delivered());
  },
};

const runner = createSinkRunner(sink, {
  overflow: 'spill',
  spill: { directory, segmentBytes: 64 * 1024, fsync: 'always' },
  bufferSize: 10,
  concurrency: 1,
  batch: { maxItems: 5, maxLatency: 0 },
  retry: { initialDelay: 50, maxDelay: 200 },
  closeTimeout: 0,
});
runner.on('error', (err) => {
  print(`error ${(err as Error & { code?: string }).code ?? ''} ${err.message}`);
});

if (mode === 'outage') {
  for (let i = 0; ; i++) {
    await runner.enqueue(testEvent(i, `pod-${i % 5}`), (outcome) => {
      if (outcome.status === 'spilled') print(`spilled ${i}`);
    });
  }
} else {
  await runner.drain();
  await runner.close();
  print('done');
}
