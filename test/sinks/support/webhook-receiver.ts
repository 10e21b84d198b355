/**
 * A local HTTP(S) webhook receiver for the webhook sink tests: records every request (method,
 * headers, parsed JSON body) and answers 200, or a status the test queued with `failNext`.
 */
import { createServer as createHttpServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

/** One request the receiver got. */
export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: any;
  /** Whether a client certificate was presented and verified (HTTPS only). */
  readonly clientAuthorized: boolean;
}

/** A running receiver. */
export interface WebhookReceiver {
  readonly url: string;
  /** Requests answered 2xx (stored), in order. */
  readonly stored: ReceivedRequest[];
  /** Every request, including refused ones. */
  readonly requests: ReceivedRequest[];
  /** Answers the next `count` requests with `status` (and `Retry-After`), storing nothing. */
  failNext(status: number, count: number, retryAfter?: string): void;
  /** Resolves when the next request has arrived (its body read). */
  arrival(): Promise<void>;
  /** Holds every answer until `release()` is called. */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 (HTTPS when `tls` is given). */
export async function startWebhookReceiver(tls?: ServerOptions): Promise<WebhookReceiver> {
  const stored: ReceivedRequest[] = [];
  const requests: ReceivedRequest[] = [];
  const failures: { status: number; retryAfter: string | undefined }[] = [];
  let held: (() => void)[] | undefined;
  let arrivals: (() => void)[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the text
      }
      const socket = req.socket as Partial<TLSSocket>;
      const request: ReceivedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, clientAuthorized: socket.authorized === true };
      requests.push(request);
      const waiting = arrivals;
      arrivals = [];
      for (const wake of waiting) wake();
      const answer = (): void => {
        const failure = failures.shift();
        if (failure !== undefined) {
          res.writeHead(failure.status, { 'content-type': 'text/plain', ...(failure.retryAfter === undefined ? {} : { 'retry-after': failure.retryAfter }) });
          res.end(`refused with ${failure.status}`);
          return;
        }
        stored.push(request);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      };
      if (held === undefined) answer();
      else held.push(answer);
    });
  };
  const server: Server = tls === undefined ? createHttpServer(handler) : createHttpsServer(tls, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}/hook`,
    stored,
    requests,
    failNext(status, count, retryAfter) {
      for (let i = 0; i < count; i++) failures.push({ status, retryAfter });
    },
    arrival() {
      return new Promise<void>((resolve) => {
        arrivals.push(resolve);
      });
    },
    hold() {
      held ??= [];
    },
    release() {
      const waiting = held ?? [];
      held = undefined;
      for (const answer of waiting) answer();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
    },
  };
}
