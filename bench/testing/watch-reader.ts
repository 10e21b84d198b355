/**
 * A raw watch reader for benchmarks, run in a worker thread so it does not compete with the server
 * on the main thread: it counts newline-terminated lines until it has `count`, then reports the time.
 */
import { Worker } from 'node:worker_threads';

const READER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const https = require('node:https');
const http = require('node:http');
const { url, ca, token, count } = workerData;
const lib = url.startsWith('https:') ? https : http;
const req = lib.request(url, { headers: token ? { Authorization: 'Bearer ' + token } : {}, ca, agent: false }, (res) => {
  let lines = 0;
  let bytes = 0;
  let start = 0;
  parentPort.postMessage({ type: 'open', status: res.statusCode });
  res.on('data', (chunk) => {
    if (start === 0) start = performance.now() + performance.timeOrigin;
    bytes += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    if (lines >= count) {
      parentPort.postMessage({ type: 'done', lines, bytes, firstByteAt: start, doneAt: performance.now() + performance.timeOrigin });
      req.destroy();
    }
  });
});
req.on('error', () => {});
req.end();
`;

/** Result of reading a watch. */
export interface ReadResult {
  lines: number;
  bytes: number;
  /** Epoch ms of the first byte and of the last line. */
  firstByteAt: number;
  doneAt: number;
}

/** Starts a reader; `opened` resolves when the response headers arrive, `done` after `count` lines. */
export function startWatchReader(url: string, opts: { ca?: string; token?: string; count: number }): { opened: Promise<void>; done: Promise<ReadResult> } {
  const worker = new Worker(READER_SOURCE, { eval: true, workerData: { url, ca: opts.ca, token: opts.token, count: opts.count } });
  let openResolve!: () => void;
  const opened = new Promise<void>((r) => (openResolve = r));
  const done = new Promise<ReadResult>((resolve, reject) => {
    worker.on('message', (m: { type: string } & ReadResult) => {
      if (m.type === 'open') openResolve();
      if (m.type === 'done') {
        resolve(m);
        void worker.terminate();
      }
    });
    worker.on('error', reject);
  });
  return { opened, done };
}
