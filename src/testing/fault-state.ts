/**
 * Fault controls of the test cluster: injected error responses, added latency and stalled watches.
 * The API server consults this before serving each request.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { RequestInfo } from './request-info.ts';
import type { WatchConnection } from './watch-connection.ts';
import { ApiStatusError, internalError, serviceUnavailable, tooManyRequests } from './status.ts';

/** Which requests a fault applies to; every field given must match. */
export interface RequestMatch {
  /** Verbs: `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`. */
  verbs?: readonly string[];
  /** API group (`''` for core). */
  group?: string;
  /** Resource, e.g. `events`. */
  resource?: string;
  /** Namespace in the URL. */
  namespace?: string;
  /** A test on the request path. */
  path?: RegExp;
}

/** Options of an injected failure. */
export interface InjectedFailure {
  /** The HTTP status to answer with: 500, 503, 429 (with `Retry-After`), or any other error code. */
  status: number;
  /** How many matching requests fail. @defaultValue 1 */
  count?: number;
  /** `Retry-After` seconds for 429 and 503. @defaultValue 1 for 429, none for 503 */
  retryAfterSeconds?: number;
  /** Which requests. @defaultValue all resource requests */
  match?: RequestMatch;
}

interface Injection {
  status: number;
  remaining: number;
  retryAfterSeconds: number | undefined;
  match: RequestMatch;
}

function matches(m: RequestMatch, info: RequestInfo, path: string): boolean {
  if (m.verbs !== undefined && !m.verbs.includes(info.verb)) return false;
  if (m.group !== undefined && (m.group !== info.group || !info.isResource)) return false;
  if (m.resource !== undefined && m.resource !== info.resource) return false;
  if (m.namespace !== undefined && m.namespace !== info.namespace) return false;
  if (m.path !== undefined && !m.path.test(path)) return false;
  return true;
}

function failureFor(status: number, retryAfterSeconds: number | undefined): ApiStatusError {
  if (status === 429) return tooManyRequests(retryAfterSeconds ?? 1);
  if (status === 503) return serviceUnavailable('the server is currently unable to handle the request', retryAfterSeconds);
  if (status === 500) return internalError('injected fault');
  return new ApiStatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `injected fault (${status})`, reason: 'InternalError', code: status });
}

/** Mutable fault state shared by the API server and the public fault controls. */
export class FaultState {
  #injections: Injection[] = [];
  #latency: { ms: number; match: RequestMatch }[] = [];
  /** New watches start stalled. */
  stallNewWatches = false;
  /** Requests that failed by injection. */
  injected = 0;

  inject(f: InjectedFailure): void {
    this.#injections.push({ status: f.status, remaining: f.count ?? 1, retryAfterSeconds: f.retryAfterSeconds, match: f.match ?? {} });
  }

  addLatency(ms: number, match: RequestMatch): void {
    this.#latency.push({ ms, match });
  }

  clear(): void {
    this.#injections = [];
    this.#latency = [];
    this.stallNewWatches = false;
  }

  /** Runs before a request is served: waits out latency, then throws an injected failure if one matches. */
  async before(info: RequestInfo, path: string): Promise<void> {
    const wait = this.#latency.filter((l) => matches(l.match, info, path)).reduce((a, l) => a + l.ms, 0);
    if (wait > 0) await delay(wait);
    const inj = this.#injections.find((i) => i.remaining > 0 && matches(i.match, info, path));
    if (!inj) return;
    inj.remaining--;
    this.#injections = this.#injections.filter((i) => i.remaining > 0);
    this.injected++;
    throw failureFor(inj.status, inj.retryAfterSeconds);
  }

  onWatchStart(conn: WatchConnection): void {
    if (this.stallNewWatches) conn.stalled = true;
  }
}
