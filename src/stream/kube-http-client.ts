/**
 * A small HTTP client for the Kubernetes API on node:http(s), with the TLS and credentials of a
 * client-node KubeConfig: the stream's list, watch, discovery and ConfigMap requests. It owns its
 * connection pool, so closing it leaves no socket open.
 *
 * @module
 */
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { Agent, ClientRequest, IncomingHttpHeaders, IncomingMessage, RequestOptions } from 'node:http';
import type { RequestOptions as HttpsRequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { EventStreamNetworkError, StreamIdleTimeoutError } from './stream-errors.ts';
import type { StreamOperation } from './stream-errors.ts';
import type { StreamClock } from './stream-clock.ts';

/** Options of one request. */
export interface KubeRequestOptions {
  /** What the request is for (named in errors). */
  readonly operation: StreamOperation;
  /** @defaultValue `GET` */
  readonly method?: string;
  /** A JSON body. */
  readonly body?: string;
  /** The body's content type. @defaultValue `application/json` */
  readonly contentType?: string;
  /** Aborts the request. */
  readonly signal?: AbortSignal;
  /** Fails the request when no byte arrives for this long (ms); 0 for never. */
  readonly idleTimeoutMs: number;
  /** The clock for the idle timer. */
  readonly clock: StreamClock;
}

/** A whole response. */
export interface KubeResponse {
  /** The HTTP status. */
  readonly statusCode: number;
  /** The response headers. */
  readonly headers: IncomingHttpHeaders;
  /** The body. */
  readonly body: Buffer;
}

/** An idle timer that is re-armed by `touch()` and can be paused. */
export interface IdleTimer {
  /** Re-arms the timer: bytes arrived. */
  touch(): void;
  /** Stops it until the next `touch()` (while the reader is paused on purpose). */
  suspend(): void;
  /** Stops it for good. */
  cancel(): void;
}

/** Arms an idle timer on `clock` that calls `onIdle` after `ms` without a `touch()`; `ms` 0 never fires. */
export function idleTimer(clock: StreamClock, ms: number, onIdle: () => void): IdleTimer {
  let cancel: (() => void) | undefined;
  let done = false;
  const arm = (): void => {
    cancel?.();
    cancel = undefined;
    if (done || ms <= 0) return;
    cancel = clock.setTimer(ms, () => {
      cancel = undefined;
      if (!done) onIdle();
    });
  };
  arm();
  return {
    touch: arm,
    suspend: () => {
      cancel?.();
      cancel = undefined;
    },
    cancel: () => {
      done = true;
      cancel?.();
      cancel = undefined;
    },
  };
}

const TLS_KEYS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const;

/** How many bytes of an error or list body the client reads at most. */
const MAX_BODY_BYTES = 256 * 1024 * 1024;

/** A request in flight: the response once its headers arrived, and the request to destroy. */
export interface OpenResponse {
  /** The response (any status). */
  readonly response: IncomingMessage;
  /** The idle timer of the request, armed until `cancel()`. */
  readonly idle: IdleTimer;
  /** Aborts the request with `error`. */
  destroy(error?: Error): void;
  /** The error the request was destroyed with by the client (idle timeout, abort), if it was. */
  readonly destroyedWith: Error | undefined;
}

/** HTTP access to the API server of a KubeConfig's current context. */
export class KubeHttpClient {
  readonly #kubeConfig: KubeConfig;
  readonly #base: string;
  readonly #secure: boolean;
  #agent: Agent | undefined;
  /** False for a proxy agent borrowed from the KubeConfig (shared; not ours to destroy). */
  #ownAgent = true;
  readonly #inFlight = new Set<ClientRequest>();
  #closed = false;

  /**
   * @param kubeConfig - The KubeConfig whose current cluster and user to use.
   * @throws Error when the KubeConfig has no current cluster.
   */
  constructor(kubeConfig: KubeConfig) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('the KubeConfig has no current cluster');
    this.#kubeConfig = kubeConfig;
    this.#base = cluster.server.replace(/\/+$/, '');
    this.#secure = !this.#base.startsWith('http:');
  }

  /** The server URL, e.g. `https://10.0.0.1:6443`. */
  get server(): string {
    return this.#base;
  }

  async #requestOptions(method: string, extraHeaders: Record<string, string>): Promise<RequestOptions & HttpsRequestOptions> {
    const applied: HttpsRequestOptions = {};
    try {
      await this.#kubeConfig.applyToHTTPSOptions(applied);
    } catch (err) {
      // client-node refuses to build an agent for an http:// server without skipTLSVerify; the
      // credentials still apply.
      if (this.#secure) throw err;
      const token = this.#kubeConfig.getCurrentUser()?.token;
      if (token !== undefined && token !== '') applied.headers = { Authorization: `Bearer ${token}` };
    }
    const proxied = this.#kubeConfig.getCurrentCluster()?.proxyUrl;
    if (!this.#agent) {
      if (proxied !== undefined && proxied !== '' && applied.agent instanceof Object) {
        this.#agent = applied.agent;
        this.#ownAgent = false;
      } else if (this.#secure) {
        const tls: Record<string, unknown> = {};
        for (const key of TLS_KEYS) if (applied[key] !== undefined) tls[key] = applied[key];
        this.#agent = new HttpsAgent({ keepAlive: true, ...tls });
      } else {
        this.#agent = new HttpAgent({ keepAlive: true });
      }
    }
    const headers: Record<string, string> = { Accept: 'application/json', ...extraHeaders };
    for (const [k, v] of Object.entries(applied.headers ?? {})) {
      if (typeof v === 'string') headers[k] = v;
      else if (typeof v === 'number') headers[k] = String(v);
    }
    const options: RequestOptions & HttpsRequestOptions = { method, headers, agent: this.#agent };
    if (applied.auth !== undefined) options.auth = applied.auth;
    return options;
  }

  /**
   * Sends a request and resolves once the response headers arrived, whatever the status. The idle
   * timer runs from the start; the caller touches it on data and cancels it when done.
   *
   * @throws {@link EventStreamNetworkError} when the connection fails, {@link StreamIdleTimeoutError}
   * when nothing arrives in time; an `AbortError` when `signal` aborts.
   */
  async open(path: string, options: KubeRequestOptions): Promise<OpenResponse> {
    if (this.#closed) throw new EventStreamNetworkError(options.operation, 'the client is closed');
    const method = options.method ?? 'GET';
    const headers: Record<string, string> = {};
    if (options.body !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(options.body));
    }
    const requestOptions = await this.#requestOptions(method, headers);
    if (options.signal?.aborted === true) throw abortError();
    const url = `${this.#base}${path}`;
    return new Promise<OpenResponse>((resolve, reject) => {
      const send = this.#secure ? httpsRequest : httpRequest;
      let settled = false;
      let destroyedWith: Error | undefined;
      const req = send(url, requestOptions);
      this.#inFlight.add(req);
      const fail = (error: Error): void => {
        idle.cancel();
        options.signal?.removeEventListener('abort', onAbort);
        if (!settled) {
          settled = true;
          reject(error);
        }
      };
      const idle = idleTimer(options.clock, options.idleTimeoutMs, () => {
        destroyedWith = new StreamIdleTimeoutError(options.operation, options.idleTimeoutMs);
        req.destroy(destroyedWith);
      });
      const onAbort = (): void => {
        destroyedWith ??= abortError();
        req.destroy(destroyedWith);
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err) => {
        fail(wrapNetworkError(options.operation, err));
      });
      req.on('close', () => {
        this.#inFlight.delete(req);
        idle.cancel();
        options.signal?.removeEventListener('abort', onAbort);
      });
      req.on('response', (response) => {
        idle.touch();
        settled = true;
        resolve({
          response,
          idle,
          destroy: (error) => {
            destroyedWith ??= error;
            req.destroy(error);
            response.destroy(error);
          },
          get destroyedWith() {
            return destroyedWith;
          },
        });
      });
      req.end(options.body);
    });
  }

  /**
   * Sends a request and reads the whole response.
   *
   * @throws As {@link KubeHttpClient.open}, and {@link EventStreamNetworkError} when the response
   * ends early.
   */
  async request(path: string, options: KubeRequestOptions): Promise<KubeResponse> {
    const open = await this.open(path, options);
    const { response } = open;
    const body = await readAll(open, options.operation);
    return { statusCode: response.statusCode ?? 0, headers: response.headers, body };
  }

  /** Aborts every request in flight and closes every pooled connection. */
  close(): void {
    this.#closed = true;
    for (const req of this.#inFlight) req.destroy(abortError());
    this.#inFlight.clear();
    if (this.#ownAgent) this.#agent?.destroy();
  }
}

/** An `AbortError`, as `fetch` and node:http raise on abort. */
export function abortError(): Error {
  return new DOMException('The operation was aborted', 'AbortError');
}

/** True for the error an aborted request fails with. */
export function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

function wrapNetworkError(operation: StreamOperation, err: Error): Error {
  if (isAbortError(err) || err instanceof StreamIdleTimeoutError || err instanceof EventStreamNetworkError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  return new EventStreamNetworkError(operation, `${code !== undefined ? `${code}: ` : ''}${err.message}`, { cause: err });
}

/**
 * Reads the rest of an open response, touching its idle timer on each chunk.
 *
 * @throws {@link EventStreamNetworkError} when the response ends early or is too large.
 */
export function readAll(open: OpenResponse, operation: StreamOperation): Promise<Buffer> {
  const { response, idle } = open;
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err: Error | undefined): void => {
      if (done) return;
      done = true;
      idle.cancel();
      if (err) reject(err);
      else resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, size));
    };
    response.on('data', (chunk: Buffer) => {
      idle.touch();
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        open.destroy();
        finish(new EventStreamNetworkError(operation, `response larger than ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => {
      finish(undefined);
    });
    response.on('error', (err) => {
      finish(open.destroyedWith ?? wrapNetworkError(operation, err));
    });
    response.on('close', () => {
      if (!response.complete) finish(open.destroyedWith ?? new EventStreamNetworkError(operation, 'the connection closed before the response ended'));
    });
  });
}

/** `Retry-After` in ms from the header (seconds) or a Status's `details.retryAfterSeconds`. */
export function retryAfterMs(headers: IncomingHttpHeaders, statusRetryAfterSeconds: number | undefined): number | undefined {
  const header = headers['retry-after'];
  if (typeof header === 'string' && /^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  if (typeof header === 'string' && header !== '') {
    const at = Date.parse(header);
    if (!Number.isNaN(at)) return Math.max(0, at - Date.now());
  }
  return statusRetryAfterSeconds !== undefined && statusRetryAfterSeconds > 0 ? statusRetryAfterSeconds * 1000 : undefined;
}
