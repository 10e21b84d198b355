/**
 * The errors an EventStream emits, yields or throws. Each says whether the stream retries it by
 * itself (`retryable`).
 *
 * @module
 */
import { KubeEventsError } from '../errors.ts';

/** What the stream was doing when an error happened. */
export type StreamOperation = 'discovery' | 'list' | 'watch' | 'checkpoint-load' | 'checkpoint-save';

/** A `metav1.Status` as the API server sends it in error responses and watch `ERROR` events. */
export interface KubeStatus {
  /** Always `Status`. */
  readonly kind?: string;
  /** `Failure` for errors. */
  readonly status?: string;
  /** Human-readable text. */
  readonly message?: string;
  /** Machine-readable reason, e.g. `Expired`, `Forbidden`, `TooManyRequests`. */
  readonly reason?: string;
  /** The HTTP status code. */
  readonly code?: number;
  /** Details, e.g. `retryAfterSeconds` and `causes`. */
  readonly details?: KubeStatusDetails;
}

/** The `details` of a {@link KubeStatus}: the parts the stream reads. */
export interface KubeStatusDetails {
  /** Seconds to wait before retrying (429, 503, 504). */
  readonly retryAfterSeconds?: number;
  /** Why, e.g. `{ reason: 'ResourceVersionTooLarge' }`. */
  readonly causes?: readonly KubeStatusCause[];
}

/** One cause of a {@link KubeStatus}. */
export interface KubeStatusCause {
  /** Machine-readable reason, e.g. `ResourceVersionTooLarge`. */
  readonly reason?: string;
  /** Human-readable text. */
  readonly message?: string;
}

/**
 * The Kubernetes API server answered with an error: an HTTP error status on a list or watch, or a
 * watch `ERROR` event. Retryable (with backoff) for 5xx and 429, honouring `Retry-After`;
 * `410 Gone` is handled by the stream itself (it relists) and never surfaces as an error; other
 * 4xx (a bad selector: 400, an API the server does not serve: 404) are not retryable and end the
 * stream.
 *
 * @example
 * ```ts
 * import { KubeApiError } from 'kube-events/stream';
 *
 * stream.on('error', (err) => {
 *   if (err instanceof KubeApiError) console.warn(err.statusCode, err.reason, err.message);
 * });
 * ```
 */
export class KubeApiError extends KubeEventsError {
  /** Always `ERR_KUBE_API`. */
  readonly code = 'ERR_KUBE_API';
  /** The HTTP status (or the `code` of a watch ERROR event's Status). */
  readonly statusCode: number;
  /** The Status `reason` (`InternalError`, `TooManyRequests`, …), `''` when the body had none. */
  readonly reason: string;
  /** The Status body, when the server sent one. */
  readonly status: KubeStatus | undefined;
  /** What the stream was doing. */
  readonly operation: StreamOperation;
  /** The request path. */
  readonly path: string;
  /** `Retry-After` (or `details.retryAfterSeconds`) in milliseconds, when given. */
  readonly retryAfterMs: number | undefined;
  /** True for 5xx and 429: the stream retries with backoff. */
  readonly retryable: boolean;

  /**
   * @param statusCode - The HTTP status.
   * @param status - The Status body, if any.
   * @param operation - What the stream was doing.
   * @param path - The request path.
   * @param retryAfterMs - `Retry-After` in ms, if any.
   */
  constructor(statusCode: number, status: KubeStatus | undefined, operation: StreamOperation, path: string, retryAfterMs: number | undefined) {
    super(`${operation} ${path} failed: ${statusCode} ${status?.reason ?? ''}: ${status?.message ?? '(no Status body)'}`.replace(' : ', ': '));
    this.statusCode = statusCode;
    this.reason = status?.reason ?? '';
    this.status = status;
    this.operation = operation;
    this.path = path;
    this.retryAfterMs = retryAfterMs;
    this.retryable = statusCode >= 500 || statusCode === 429;
  }
}

/** One RBAC PolicyRule, as in a Role's `rules`. */
export interface RbacRule {
  /** `['']` for core/v1 Events, `['events.k8s.io']` for events.k8s.io/v1. */
  readonly apiGroups: readonly string[];
  /** Always `['events']` for a stream. */
  readonly resources: readonly string[];
  /** `['list', 'watch']`. */
  readonly verbs: readonly string[];
}

/**
 * The API server refused the stream's credentials: `401 Unauthorized` (the credentials are not
 * valid) or `403 Forbidden` (RBAC does not allow `list` or `watch` on `events` in the API group and
 * namespace the stream reads). The message names the denied verb and the Role rule that grants
 * what the stream needs. Retryable: the stream keeps retrying slowly (at the backoff's largest
 * delay), since access is often granted after the fact, unless `stopOnAuthError` is set.
 *
 * @example
 * ```ts
 * import { EventStreamAuthError } from 'kube-events/stream';
 *
 * stream.on('error', (err) => {
 *   if (err instanceof EventStreamAuthError) console.error(err.message, err.requiredRule);
 * });
 * ```
 */
export class EventStreamAuthError extends KubeEventsError {
  /** Always `ERR_STREAM_AUTH`. */
  readonly code = 'ERR_STREAM_AUTH';
  /** 401 or 403. */
  readonly statusCode: 401 | 403;
  /** The verb that was denied: `list` or `watch`. */
  readonly verb: 'list' | 'watch';
  /** The API group of the Events read (`''` for core/v1). */
  readonly apiGroup: string;
  /** The namespace read, `''` for all namespaces (which needs a ClusterRole). */
  readonly namespace: string;
  /** The RBAC verbs the stream needs and that were not all allowed: always `list` and `watch`. */
  readonly missingVerbs: readonly ('list' | 'watch')[];
  /** The rule a Role (or, for all namespaces, a ClusterRole) must hold. */
  readonly requiredRule: RbacRule;
  /** Always true: the stream retries slowly unless `stopOnAuthError` is set. */
  readonly retryable = true;

  /**
   * @param statusCode - 401 or 403.
   * @param verb - The denied verb.
   * @param apiGroup - `''` or `events.k8s.io`.
   * @param namespace - The namespace, `''` for all.
   * @param serverMessage - The Status message the server sent.
   */
  constructor(statusCode: 401 | 403, verb: 'list' | 'watch', apiGroup: string, namespace: string, serverMessage: string) {
    const scope = namespace === '' ? 'in all namespaces (a ClusterRole and ClusterRoleBinding)' : `in namespace "${namespace}" (a Role and RoleBinding)`;
    const why =
      statusCode === 401
        ? 'the API server rejected the credentials (401 Unauthorized)'
        : `RBAC denied "${verb}" on "events" in API group "${apiGroup}" (403 Forbidden)`;
    super(
      `EventStream: ${why}: ${serverMessage}. The stream needs the verbs "list" and "watch" on resource "events" in API group "${apiGroup}" ${scope}: ` +
        `rules: [{ apiGroups: ["${apiGroup}"], resources: ["events"], verbs: ["list", "watch"] }]`,
    );
    this.statusCode = statusCode;
    this.verb = verb;
    this.apiGroup = apiGroup;
    this.namespace = namespace;
    this.missingVerbs = statusCode === 401 ? ['list', 'watch'] : verb === 'list' ? ['list', 'watch'] : ['watch'];
    this.requiredRule = { apiGroups: [apiGroup], resources: ['events'], verbs: ['list', 'watch'] };
  }
}

/**
 * A connection to the API server could not be made or broke: refused, reset, TLS failure, or the
 * response ended in the middle of a line (a half-written watch event). Retryable: the stream
 * reconnects with backoff and resumes from the last resourceVersion it has, so nothing is lost.
 *
 * @example
 * ```ts
 * stream.on('reconnecting', ({ error, delayMs }) => {
 *   if (error.code === 'ERR_STREAM_NETWORK') console.warn(`network: ${error.message}; retry in ${delayMs} ms`);
 * });
 * ```
 */
export class EventStreamNetworkError extends KubeEventsError {
  /** Always `ERR_STREAM_NETWORK`. */
  readonly code = 'ERR_STREAM_NETWORK';
  /** What the stream was doing. */
  readonly operation: StreamOperation;
  /** Always true. */
  readonly retryable = true;

  /**
   * @param operation - What the stream was doing.
   * @param message - What happened.
   * @param options - `cause`: the socket error, if any.
   */
  constructor(operation: StreamOperation, message: string, options?: ErrorOptions) {
    super(`${operation}: ${message}`, options);
    this.operation = operation;
  }
}

/**
 * No byte (not even a bookmark) arrived for `idleTimeout` milliseconds, so the stream dropped the
 * connection: the symptom of a watch that hangs silently (a half-open TCP connection, a stalled
 * proxy). Retryable: the stream reconnects with backoff from its last resourceVersion.
 *
 * @example
 * ```ts
 * stream.on('error', (err) => {
 *   if (err.code === 'ERR_STREAM_IDLE_TIMEOUT') console.warn(err.message);
 * });
 * ```
 */
export class StreamIdleTimeoutError extends KubeEventsError {
  /** Always `ERR_STREAM_IDLE_TIMEOUT`. */
  readonly code = 'ERR_STREAM_IDLE_TIMEOUT';
  /** What the stream was doing. */
  readonly operation: StreamOperation;
  /** The idle timeout, in milliseconds. */
  readonly idleTimeoutMs: number;
  /** Always true. */
  readonly retryable = true;

  /**
   * @param operation - What the stream was doing.
   * @param idleTimeoutMs - The timeout that passed.
   */
  constructor(operation: StreamOperation, idleTimeoutMs: number) {
    super(`${operation}: no data for ${idleTimeoutMs} ms; reconnecting`);
    this.operation = operation;
    this.idleTimeoutMs = idleTimeoutMs;
  }
}

/**
 * A watch line was not a JSON watch event (`{"type": …, "object": {…}}`). The stream never
 * crashes on one: it drops the connection and resumes from the last resourceVersion it has, so
 * the server sends the event again (retryable).
 *
 * @example
 * ```ts
 * stream.on('error', (err) => {
 *   if (err.code === 'ERR_STREAM_MALFORMED_LINE') console.warn(err.message, err.line);
 * });
 * ```
 */
export class MalformedWatchLineError extends KubeEventsError {
  /** Always `ERR_STREAM_MALFORMED_LINE`. */
  readonly code = 'ERR_STREAM_MALFORMED_LINE';
  /** The line, cut to its first 200 characters. */
  readonly line: string;
  /** Always true. */
  readonly retryable = true;

  /**
   * @param line - The line.
   * @param why - What is wrong with it.
   * @param options - `cause`: the JSON parse error, if any.
   */
  constructor(line: string, why: string, options?: ErrorOptions) {
    const cut = line.length > 200 ? `${line.slice(0, 200)}…` : line;
    super(`malformed watch line (${why}): ${cut}`, options);
    this.line = cut;
  }
}

/**
 * The server sent an object that is not a valid Event (its `cause` is the
 * `InvalidEventError`). The stream skips it, remembering its resourceVersion so it is not reported
 * again, and goes on; not retryable (the object will not become valid by reading it again).
 *
 * @example
 * ```ts
 * stream.on('error', (err) => {
 *   if (err.code === 'ERR_STREAM_INVALID_OBJECT') console.warn(err.message, err.object);
 * });
 * ```
 */
export class InvalidStreamObjectError extends KubeEventsError {
  /** Always `ERR_STREAM_INVALID_OBJECT`. */
  readonly code = 'ERR_STREAM_INVALID_OBJECT';
  /** The object as received. */
  readonly object: unknown;
  /** Always false. */
  readonly retryable = false;

  /**
   * @param object - The object.
   * @param options - `cause`: the `InvalidEventError`.
   */
  constructor(object: unknown, options?: ErrorOptions) {
    const why = options?.cause instanceof Error ? options.cause.message : 'not an Event';
    super(`skipped an object that is not a valid Event: ${why}`, options);
    this.object = object;
  }
}

/**
 * Loading or saving the checkpoint failed. A failed save is retried at the next commit (and on
 * `stop()`); a failed load is retried with backoff when the store's error is retryable (a network
 * error, a 5xx), else it ends the stream: a checkpoint that cannot be read must not be silently
 * replaced by a fresh list, which would deliver everything again.
 *
 * @example
 * ```ts
 * stream.on('error', (err) => {
 *   if (err.code === 'ERR_CHECKPOINT') console.error(err.operation, err.cause);
 * });
 * ```
 */
export class CheckpointError extends KubeEventsError {
  /** Always `ERR_CHECKPOINT`. */
  readonly code = 'ERR_CHECKPOINT';
  /** `checkpoint-load` or `checkpoint-save`. */
  readonly operation: 'checkpoint-load' | 'checkpoint-save';
  /** True when the underlying error is retryable. */
  readonly retryable: boolean;

  /**
   * @param operation - Load or save.
   * @param message - What went wrong.
   * @param retryable - Whether trying again may help.
   * @param options - `cause`: the store's error.
   */
  constructor(operation: 'checkpoint-load' | 'checkpoint-save', message: string, retryable: boolean, options?: ErrorOptions) {
    super(`${operation}: ${message}`, options);
    this.operation = operation;
    this.retryable = retryable;
  }
}

/**
 * An EventStream was used in a way it does not support: iterated twice at once, iterated after
 * `start()` put it in event-emitter mode, started after `stop()`, or asked to commit an item it
 * did not hand out. Not retryable.
 *
 * @example
 * ```ts
 * import { EventStreamStateError } from 'kube-events/stream';
 *
 * try {
 *   stream.commit(item);
 * } catch (err) {
 *   if (err instanceof EventStreamStateError) console.error(err.message);
 * }
 * ```
 */
export class EventStreamStateError extends KubeEventsError {
  /** Always `ERR_STREAM_STATE`. */
  readonly code = 'ERR_STREAM_STATE';
  /** Always false. */
  readonly retryable = false;
}

/** Every error an EventStream emits or throws. */
export type EventStreamError =
  | KubeApiError
  | EventStreamAuthError
  | EventStreamNetworkError
  | StreamIdleTimeoutError
  | MalformedWatchLineError
  | InvalidStreamObjectError
  | CheckpointError
  | EventStreamStateError;
