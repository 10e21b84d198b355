/**
 * `createWebhookSink`: events as JSON HTTP(S) requests, with headers, auth, TLS options and a
 * layout; the response status decides delivered, retryable or permanent.
 *
 * @module
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { InvalidOptionError } from '../../errors.ts';
import type { KubeEvent } from '../../stream/kube-event.ts';
import { eventIdempotencyKey } from '../event-keys.ts';
import { parseRetryAfter } from '../retry-after.ts';
import type { SendResult, Sink } from '../sink.ts';
import { delivered, permanent, retryable } from '../sink.ts';
import { HttpRequestError, HttpStatusError } from '../sink-errors.ts';
import { eventAsJson } from './event-format.ts';

/**
 * TLS settings of an `https://` webhook. Node's defaults (the system CAs, host name checks) apply
 * to what is left out.
 *
 * @example
 * ```ts
 * const tls: WebhookTlsOptions = { ca: readFileSync('/etc/hook/ca.pem'), cert: readFileSync('client.pem'), key: readFileSync('client-key.pem') };
 * ```
 */
export interface WebhookTlsOptions {
  /** CA certificates (PEM) to trust instead of the system's. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** Client certificate chain (PEM), for mutual TLS. */
  readonly cert?: string | Buffer;
  /** Client private key (PEM), for mutual TLS. */
  readonly key?: string | Buffer;
  /** Passphrase of `key`. */
  readonly passphrase?: string;
  /** The server name to check the certificate against (and send as SNI), when not the URL's host. */
  readonly servername?: string;
  /**
   * Accepts any server certificate, which lets anyone on the path read and change the events.
   * Named as kubeconfig's `insecure-skip-tls-verify`; a process warning is emitted when it is set.
   * @defaultValue `false`
   */
  readonly insecureSkipTlsVerify?: boolean;
}

/**
 * Authentication of a webhook: a bearer token or HTTP Basic credentials, sent as `Authorization`.
 *
 * @example
 * ```ts
 * const auth: WebhookAuth = { bearer: process.env.HOOK_TOKEN ?? '' };
 * const basic: WebhookAuth = { username: 'exporter', password: process.env.HOOK_PASSWORD ?? '' };
 * ```
 */
export type WebhookAuth =
  | {
      /** The token, sent as `Authorization: Bearer <token>`. */
      readonly bearer: string;
    }
  | {
      /** The user name for HTTP Basic authentication (RFC 7617). */
      readonly username: string;
      /** The password. */
      readonly password: string;
    };

/**
 * Options of {@link createWebhookSink}.
 *
 * @typeParam T - The items; {@link KubeEvent} by default.
 *
 * @example
 * ```ts
 * createWebhookSink({
 *   url: 'https://hooks.example.com/k8s-events',
 *   headers: { 'X-Cluster': 'prod-eu' },
 *   auth: { bearer: token },
 *   layout: (ev) => ({ text: `${ev.reason}: ${ev.message}`, object: `${ev.regarding.kind}/${ev.regarding.name}` }),
 * });
 * ```
 */
export interface WebhookSinkOptions<T = KubeEvent> {
  /** The `http://` or `https://` URL to send to. */
  readonly url: string;
  /**
   * The sink's name.
   * @defaultValue `'webhook'`
   */
  readonly name?: string;
  /**
   * The HTTP method.
   * @defaultValue `'POST'`
   */
  readonly method?: 'POST' | 'PUT' | 'PATCH';
  /** Extra request headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as the `Authorization` header; see {@link WebhookAuth}. */
  readonly auth?: WebhookAuth;
  /** TLS settings, for `https://` only; see {@link WebhookTlsOptions}. */
  readonly tls?: WebhookTlsOptions;
  /**
   * The request body for one item, serialized as JSON. Templated (handlebars) layouts from the
   * router plug in here as the function they compile to.
   * @defaultValue {@link eventAsJson}
   */
  readonly layout?: (item: T) => unknown;
  /**
   * `false`: one request per item, in order; the first retryable failure stops the batch (the
   * rest are retried after it, so order holds). `true`: one request per batch whose body is the
   * JSON array of the layouts; its status applies to every item.
   * @defaultValue `false`
   */
  readonly batch?: boolean;
  /**
   * The header carrying the item's idempotency key, so that a receiver can drop a retried
   * duplicate (one request per item only); `false` sends none.
   * @defaultValue `'Idempotency-Key'`
   */
  readonly idempotencyHeader?: string | false;
  /**
   * The idempotency key of an item.
   * @defaultValue {@link eventIdempotencyKey} (uid/resourceVersion)
   */
  readonly idempotencyKey?: (item: T) => string;
  /**
   * Connections kept open to the receiver.
   * @defaultValue `8`
   */
  readonly maxSockets?: number;
  /**
   * The clock, for a `Retry-After` given as an HTTP date.
   * @defaultValue `Date.now`
   */
  readonly clock?: () => number;
}

/** How much of an error response body the error keeps. */
const ERROR_BODY_BYTES = 1024;
const METHODS = new Set(['POST', 'PUT', 'PATCH']);

interface Response {
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly body: string;
}

/**
 * The result a response status means (RFC 9110 §15): 2xx delivered; 408 Request Timeout, 429 Too
 * Many Requests and 5xx retryable (with `Retry-After` when the server sent one); anything else
 * (3xx, since redirects are not followed, and the other 4xx) permanent.
 */
function resultOf(sink: string, res: Response, now: number): SendResult {
  if (res.status >= 200 && res.status < 300) return delivered();
  const error = new HttpStatusError(sink, res.status, res.body);
  if (res.status === 408 || res.status === 429 || res.status >= 500) return retryable(error, parseRetryAfter(res.retryAfter, now));
  return permanent(error);
}

class WebhookSink<T> implements Sink<T> {
  readonly name: string;
  readonly #url: URL;
  readonly #method: string;
  readonly #headers: Record<string, string>;
  readonly #layout: (item: T) => unknown;
  readonly #batch: boolean;
  readonly #idempotencyHeader: string | false;
  readonly #idempotencyKey: (item: T) => string;
  readonly #agent: HttpAgent;
  readonly #clock: () => number;

  constructor(name: string, url: URL, options: WebhookSinkOptions<T>, headers: Record<string, string>, agent: HttpAgent) {
    this.name = name;
    this.#url = url;
    this.#method = options.method ?? 'POST';
    this.#headers = headers;
    this.#layout = options.layout ?? (eventAsJson as (item: T) => unknown);
    this.#batch = options.batch ?? false;
    this.#idempotencyHeader = options.idempotencyHeader ?? 'Idempotency-Key';
    this.#idempotencyKey = options.idempotencyKey ?? (eventIdempotencyKey as unknown as (item: T) => string);
    this.#agent = agent;
    this.#clock = options.clock ?? Date.now;
  }

  async send(batch: readonly T[], { signal }: { readonly signal: AbortSignal }): Promise<SendResult | SendResult[]> {
    if (this.#batch) {
      let body: string;
      try {
        body = JSON.stringify(batch.map((item) => this.#layout(item)));
      } catch (err) {
        return permanent(new HttpRequestError(this.name, err));
      }
      return this.#post(body, undefined, signal);
    }
    const results: SendResult[] = [];
    for (const item of batch) {
      const last = results.at(-1);
      if (last?.status === 'retryable') {
        // Keep the order: nothing after a retryable item goes before it.
        results.push(last);
        continue;
      }
      let body: string;
      try {
        body = JSON.stringify(this.#layout(item));
      } catch (err) {
        results.push(permanent(new HttpRequestError(this.name, err)));
        continue;
      }
      results.push(await this.#post(body, this.#idempotencyHeader === false ? undefined : this.#idempotencyKey(item), signal));
    }
    return results;
  }

  close(): Promise<void> {
    this.#agent.destroy();
    return Promise.resolve();
  }

  async #post(body: string, idempotencyKey: string | undefined, signal: AbortSignal): Promise<SendResult> {
    const headers: Record<string, string> = { ...this.#headers, 'content-length': String(Buffer.byteLength(body)) };
    if (idempotencyKey !== undefined && this.#idempotencyHeader !== false) headers[this.#idempotencyHeader] = idempotencyKey;
    try {
      const res = await this.#request(body, headers, signal);
      return resultOf(this.name, res, this.#clock());
    } catch (err) {
      return retryable(new HttpRequestError(this.name, err));
    }
  }

  #request(body: string, headers: Record<string, string>, signal: AbortSignal): Promise<Response> {
    return new Promise<Response>((resolve, reject) => {
      const send = this.#url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(this.#url, { method: this.#method, headers, agent: this.#agent, signal }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (chunk: Buffer) => {
          if (kept < ERROR_BODY_BYTES) {
            chunks.push(chunk);
            kept += chunk.length;
          }
        });
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = status >= 200 && status < 300 ? '' : Buffer.concat(chunks).subarray(0, ERROR_BODY_BYTES).toString('utf8').trim();
          const retryAfter = res.headers['retry-after'];
          resolve({ status, retryAfter, body: text });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}

function headerRecord(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidOptionError('headers', 'an object of string values', value);
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new InvalidOptionError(`headers.${key}`, 'a string', v);
    out[key.toLowerCase()] = v;
  }
  return out;
}

function authorization(auth: unknown): string | undefined {
  if (auth === undefined) return undefined;
  if (typeof auth === 'object' && auth !== null) {
    const a = auth as Record<string, unknown>;
    if (typeof a.bearer === 'string' && a.bearer !== '' && a.username === undefined) return `Bearer ${a.bearer}`;
    if (typeof a.username === 'string' && typeof a.password === 'string' && a.bearer === undefined) {
      return `Basic ${Buffer.from(`${a.username}:${a.password}`, 'utf8').toString('base64')}`;
    }
  }
  throw new InvalidOptionError('auth', '{ bearer } with a non-empty token, or { username, password }', auth);
}

/**
 * A sink sending events to an HTTP(S) endpoint as JSON: one request per item by default (with an
 * `Idempotency-Key` header), or one JSON array per batch (`batch: true`). The response status is
 * mapped to the result: 2xx delivered; 408, 429 and 5xx retryable, honouring `Retry-After`;
 * other statuses permanent (redirects are not followed). A connection error or timeout is
 * retryable. Connections are kept alive and closed by `close()`.
 *
 * The body is `layout(item)`; the router's handlebars layouts compile to such a function.
 *
 * @typeParam T - The items; {@link KubeEvent} by default.
 * @param options - See {@link WebhookSinkOptions}.
 * @returns The sink.
 * @throws `InvalidOptionError` (from `kube-events`) for an invalid option.
 *
 * @example
 * ```ts
 * import { createSinkRunner, createWebhookSink } from 'kube-events/sinks';
 *
 * const hook = createWebhookSink({
 *   url: 'https://hooks.example.com/k8s',
 *   auth: { bearer: process.env.HOOK_TOKEN ?? '' },
 *   tls: { ca: process.env.HOOK_CA },
 * });
 * const runner = createSinkRunner(hook, { overflow: 'drop-oldest' });
 * ```
 */
export function createWebhookSink<T = KubeEvent>(options: WebhookSinkOptions<T>): Sink<T> {
  if (typeof options !== 'object') throw new InvalidOptionError('options', 'an object with `url`', options);
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new InvalidOptionError('url', 'an http:// or https:// URL', options.url);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidOptionError('url', 'an http:// or https:// URL', options.url);
  if (url.username !== '' || url.password !== '') throw new InvalidOptionError('url', 'a URL without credentials (use `auth`)', `${url.protocol}//…@${url.host}`);
  const name = options.name ?? 'webhook';
  if (typeof name !== 'string' || name === '') throw new InvalidOptionError('name', 'a non-empty string', name);
  const method = options.method ?? 'POST';
  if (!METHODS.has(method)) throw new InvalidOptionError('method', "'POST', 'PUT' or 'PATCH'", method);
  if (options.layout !== undefined && typeof options.layout !== 'function') throw new InvalidOptionError('layout', 'a function', options.layout);
  if (options.batch !== undefined && typeof options.batch !== 'boolean') throw new InvalidOptionError('batch', 'a boolean', options.batch);
  const idempotencyHeader = options.idempotencyHeader ?? 'Idempotency-Key';
  if (idempotencyHeader !== false && (typeof idempotencyHeader !== 'string' || !/^[!#$%&'*+.^_`|~0-9a-z-]+$/i.test(idempotencyHeader))) {
    throw new InvalidOptionError('idempotencyHeader', 'an HTTP header name or false', idempotencyHeader);
  }
  const maxSockets = options.maxSockets ?? 8;
  if (!Number.isSafeInteger(maxSockets) || maxSockets < 1) throw new InvalidOptionError('maxSockets', 'an integer >= 1', maxSockets);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'kube-events', ...headerRecord(options.headers) };
  const auth = authorization(options.auth);
  if (auth !== undefined) headers.authorization = auth;
  const tls = options.tls;
  let agent: HttpAgent;
  if (url.protocol === 'https:') {
    if (tls !== undefined && (typeof tls !== 'object' || (tls as unknown) === null)) throw new InvalidOptionError('tls', 'an object', tls);
    if (tls?.insecureSkipTlsVerify !== undefined && typeof tls.insecureSkipTlsVerify !== 'boolean') {
      throw new InvalidOptionError('tls.insecureSkipTlsVerify', 'a boolean', tls.insecureSkipTlsVerify);
    }
    if ((tls?.cert === undefined) !== (tls?.key === undefined)) throw new InvalidOptionError('tls.key', 'given together with tls.cert', tls?.key === undefined ? 'undefined' : '[key]');
    if (tls?.insecureSkipTlsVerify === true) {
      process.emitWarning(`Webhook sink "${name}": tls.insecureSkipTlsVerify is set; the server certificate of ${url.host} is not verified`, { code: 'KUBE_EVENTS_INSECURE_TLS' });
    }
    agent = new HttpsAgent({
      keepAlive: true,
      maxSockets,
      ...(tls?.ca === undefined ? {} : { ca: tls.ca as string | Buffer | (string | Buffer)[] }),
      ...(tls?.cert === undefined ? {} : { cert: tls.cert }),
      ...(tls?.key === undefined ? {} : { key: tls.key }),
      ...(tls?.passphrase === undefined ? {} : { passphrase: tls.passphrase }),
      ...(tls?.servername === undefined ? {} : { servername: tls.servername }),
      rejectUnauthorized: tls?.insecureSkipTlsVerify !== true,
    });
  } else {
    if (tls !== undefined) throw new InvalidOptionError('tls', 'absent unless the URL is https://', tls);
    agent = new HttpAgent({ keepAlive: true, maxSockets });
  }
  return new WebhookSink(name, url, options, headers, agent);
}
