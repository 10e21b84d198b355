/**
 * A small JSON client for the Kubernetes API on node:https, with the TLS material and credentials
 * of a @kubernetes/client-node `KubeConfig`. The recorder sends raw JSON it formats itself:
 * client-node's typed APIs serialize `Date`s with three fraction digits, which kube-apiserver
 * refuses for `metav1.MicroTime` fields.
 *
 * @module
 */
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { RequestOptions as HttpsRequestOptions } from 'node:https';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError } from './recorder-errors.ts';

/** A decoded answer of the API server. */
export interface ApiResponse {
  /** The HTTP status. */
  readonly status: number;
  /** The decoded JSON body (the text when it is not JSON). */
  readonly body: unknown;
  /** `Retry-After`, in milliseconds, when the server sent it. */
  readonly retryAfterMs: number | undefined;
}

interface Connection {
  readonly agent: HttpsAgent | HttpAgent;
  headers: Record<string, string>;
}

const USER_AGENT = 'kube-events-recorder';

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function headersOf(opts: HttpsRequestOptions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number') out[k] = String(v);
  }
  if (typeof opts.auth === 'string' && opts.auth !== '') out.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
  return out;
}

/** The Kubernetes API of one KubeConfig's current context, spoken in JSON. */
export class KubeApiClient {
  readonly #kc: KubeConfig;
  readonly #server: URL;
  readonly #timeoutMs: number;
  readonly #inFlight = new Set<ClientRequest>();
  #connection: Promise<Connection> | undefined;
  #agent: HttpsAgent | HttpAgent | undefined;
  #closed = false;
  #requests = 0;

  /**
   * @param kc - The KubeConfig; its current cluster and user are used.
   * @param timeoutMs - Socket inactivity timeout per request.
   */
  constructor(kc: KubeConfig, timeoutMs: number) {
    const cluster = kc.getCurrentCluster();
    if (cluster === null) throw new Error('the KubeConfig has no current cluster');
    this.#kc = kc;
    this.#server = new URL(cluster.server);
    this.#timeoutMs = timeoutMs;
  }

  async #credentials(): Promise<HttpsRequestOptions> {
    const opts: HttpsRequestOptions = {};
    try {
      await this.#kc.applyToHTTPSOptions(opts);
    } catch (err) {
      // client-node refuses to build an agent for plain http without skipTLSVerify; the
      // credentials were applied before it threw, and this client makes its own agent.
      if (this.#server.protocol !== 'http:') throw err;
    }
    return opts;
  }

  async #connect(): Promise<Connection> {
    const opts = await this.#credentials();
    let agent: HttpsAgent | HttpAgent;
    if (this.#server.protocol === 'http:') agent = new HttpAgent({ keepAlive: true });
    else {
      agent = new HttpsAgent({
        keepAlive: true,
        ...(opts.ca === undefined ? {} : { ca: opts.ca }),
        ...(opts.cert === undefined ? {} : { cert: opts.cert }),
        ...(opts.key === undefined ? {} : { key: opts.key }),
        ...(opts.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: opts.rejectUnauthorized }),
        ...(opts.servername === undefined ? {} : { servername: opts.servername }),
      });
    }
    this.#agent = agent;
    if (this.#closed) agent.destroy();
    return { agent, headers: headersOf(opts) };
  }

  /**
   * Sends one request and resolves with the answer, whatever its status; rejects with a
   * {@link KubeApiError} of status 0 on a network failure. A 401 is retried once with freshly
   * read credentials (rotated service-account tokens, exec plugins).
   *
   * @param method - `GET`, `POST`, `PATCH`…
   * @param path - The path under the server URL, e.g. `/api/v1/namespaces/default/events`.
   * @param body - A JSON value to send.
   * @param contentType - The body's type. @defaultValue `application/json`
   */
  async request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<ApiResponse> {
    const conn = await (this.#connection ??= this.#connect());
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
    let res = await this.#send(conn, method, path, payload, contentType);
    if (res.status === 401) {
      conn.headers = headersOf(await this.#credentials());
      res = await this.#send(conn, method, path, payload, contentType);
    }
    return res;
  }

  #send(conn: Connection, method: string, path: string, payload: Buffer | undefined, contentType: string): Promise<ApiResponse> {
    return new Promise((resolve, reject) => {
      if (this.#closed) {
        reject(new KubeApiError(0, 'Closed', 'the event recorder was closed'));
        return;
      }
      const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': USER_AGENT, ...conn.headers };
      if (payload !== undefined) {
        headers['Content-Type'] = contentType;
        headers['Content-Length'] = String(payload.length);
      }
      const base = this.#server.pathname.replace(/\/+$/, '');
      const options = {
        protocol: this.#server.protocol,
        hostname: this.#server.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: this.#server.port,
        path: `${base}${path}`,
        method,
        headers,
        agent: conn.agent,
      };
      const onResponse = (res: IncomingMessage): void => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => {
          reject(new KubeApiError(0, 'ConnectionReset', `${method} ${path}: ${err.message}`, { cause: err }));
        });
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let decoded: unknown = text;
          try {
            decoded = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body: decoded, retryAfterMs: retryAfterOf(res.headers) });
        });
      };
      const req = this.#server.protocol === 'http:' ? httpRequest(options, onResponse) : httpsRequest(options, onResponse);
      this.#requests++;
      this.#inFlight.add(req);
      req.setTimeout(this.#timeoutMs, () => {
        req.destroy(Object.assign(new Error(`no answer within ${this.#timeoutMs} ms`), { code: 'ETIMEDOUT' }));
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        reject(new KubeApiError(0, err.code ?? 'NetworkError', `${method} ${path}: ${err.message}`, { cause: err }));
      });
      req.on('close', () => this.#inFlight.delete(req));
      req.end(payload);
    });
  }

  /** HTTP requests sent so far (a 401 resent counts twice). */
  get requests(): number {
    return this.#requests;
  }

  /** Aborts every request under way and closes every connection. */
  close(): void {
    this.#closed = true;
    for (const req of this.#inFlight) req.destroy(Object.assign(new Error('the event recorder was closed'), { code: 'Closed' }));
    this.#inFlight.clear();
    this.#agent?.destroy();
  }
}

function retryAfterOf(headers: IncomingHttpHeaders): number | undefined {
  return parseRetryAfter(headers['retry-after'], Date.now());
}
