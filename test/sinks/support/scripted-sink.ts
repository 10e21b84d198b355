/**
 * A sink for the runner tests: records every `send()` and answers as the test's script says,
 * optionally holding the answer until the test releases it.
 */
import type { SendContext, SendResult, Sink } from '../../../src/sinks/sink.ts';

/** One recorded `send()`. */
export interface SendCall<T> {
  readonly batch: readonly T[];
  readonly context: SendContext;
}

/** How a scripted sink answers one call. */
export type Script<T> = (batch: readonly T[], context: SendContext, call: number) => SendResult | readonly SendResult[] | Promise<SendResult | readonly SendResult[]>;

/** A scripted sink and what it saw. */
export interface ScriptedSink<T> extends Sink<T> {
  readonly calls: SendCall<T>[];
  /** Items of every call answered `delivered`, in order. */
  readonly delivered: T[];
  closed: number;
  /** Replaces the script. */
  script: Script<T>;
  /** Sends currently running. */
  running: number;
  /** The most sends that ran at once. */
  maxRunning: number;
}

/** A sink named `name` answering by `script` (default: every item delivered). */
export function scriptedSink<T>(name = 'scripted', script?: Script<T>): ScriptedSink<T> {
  const sink: ScriptedSink<T> = {
    name,
    calls: [],
    delivered: [],
    closed: 0,
    running: 0,
    maxRunning: 0,
    script: script ?? (() => ({ status: 'delivered' })),
    async send(batch, context) {
      sink.calls.push({ batch: [...batch], context });
      sink.running++;
      sink.maxRunning = Math.max(sink.maxRunning, sink.running);
      try {
        const out = await sink.script(batch, context, sink.calls.length);
        const list = Array.isArray(out) ? (out as readonly SendResult[]) : batch.map(() => out as SendResult);
        batch.forEach((item, i) => {
          if (list[i]?.status === 'delivered') sink.delivered.push(item);
        });
        return out;
      } finally {
        sink.running--;
      }
    },
    close() {
      sink.closed++;
      return Promise.resolve();
    },
  };
  return sink;
}

/** A promise with its resolve function, for holding a send open. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (err: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
