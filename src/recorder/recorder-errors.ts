/**
 * The errors of the event recorder: thrown at the call for what the caller passed, emitted as
 * `error` (and carried by `dropped`) for what the API answered.
 *
 * @module
 */
import { KubeEventsError } from '../errors.ts';

/** The parts of an object reference the recorder cannot do without. */
export type MissingReferenceField = 'apiVersion' | 'kind' | 'name';

/**
 * The object passed to `normal()` / `warning()` / `event()` (or as `extra.related`) cannot be
 * referenced: it lacks `apiVersion`, `kind` or `metadata.name` (`name` for an ObjectReference).
 * Thrown at the call; nothing is recorded.
 *
 * Objects read through @kubernetes/client-node's list calls carry no `apiVersion`/`kind` (the
 * API server sets them on the list, not on its items): set them, or pass an ObjectReference.
 *
 * @example
 * ```ts
 * import { InvalidEventObjectError } from 'kube-events/recorder';
 *
 * try {
 *   recorder.warning({ metadata: { name: 'web' } }, 'OnePilotFail', 'no sidecar');
 * } catch (err) {
 *   if (err instanceof InvalidEventObjectError) console.error(err.missing); // ['apiVersion', 'kind']
 * }
 * ```
 */
export class InvalidEventObjectError extends KubeEventsError {
  /** Always `ERR_INVALID_EVENT_OBJECT`. */
  readonly code = 'ERR_INVALID_EVENT_OBJECT';
  /** Which of `apiVersion`, `kind`, `name` are missing or not non-empty strings. */
  readonly missing: readonly MissingReferenceField[];
  /** Which argument: `object` (the event's subject) or `related`. */
  readonly argument: 'object' | 'related';

  /**
   * @param argument - `object` or `related`.
   * @param missing - The missing fields.
   */
  constructor(argument: 'object' | 'related', missing: readonly MissingReferenceField[]) {
    const fields = missing.map((f) => (f === 'name' ? '`metadata.name` (or `name` in an ObjectReference)' : `\`${f}\``)).join(', ');
    super(
      `Cannot record an Event about this ${argument}: ${fields} missing. Pass a Kubernetes object with \`apiVersion\`, \`kind\` and ` +
        '`metadata.name` (e.g. `{ ...pod, apiVersion: "v1", kind: "Pod" }` — items of a client-node list have no apiVersion/kind), ' +
        'or an ObjectReference `{ apiVersion, kind, name, namespace }`',
    );
    this.missing = missing;
    this.argument = argument;
  }
}

/**
 * An Event field is invalid: thrown at the call when what was passed breaks a rule the API server
 * enforces (`type` other than Normal/Warning, `reason` or `action` empty or over 128 bytes), or
 * emitted (as `error`, and on `dropped` with reason `'invalid'`) when the server answered
 * 422 Invalid — `field` then names the first field it rejected, e.g. `metadata.annotations`.
 * Not retryable.
 *
 * @example
 * ```ts
 * import { EventValidationError } from 'kube-events/recorder';
 *
 * recorder.on('error', (err) => {
 *   if (err instanceof EventValidationError) console.error(`fix ${err.field}: ${err.message}`);
 * });
 * ```
 */
export class EventValidationError extends KubeEventsError {
  /** Always `ERR_EVENT_INVALID`. */
  readonly code = 'ERR_EVENT_INVALID';
  /** The field, as the API server names it: `type`, `reason`, `action`, `metadata.annotations`, … */
  readonly field: string;
  /** The HTTP status: 422 from the server, or undefined when found before sending. */
  readonly statusCode: number | undefined;

  /**
   * @param field - The invalid field.
   * @param message - What is wrong with it.
   * @param options - `cause` (the server's answer) and `statusCode`.
   */
  constructor(field: string, message: string, options?: ErrorOptions & { statusCode?: number }) {
    super(message, options);
    this.field = field;
    this.statusCode = options?.statusCode;
  }
}

/** One RBAC PolicyRule, as it goes in a Role or ClusterRole. */
export interface RecorderPolicyRule {
  /** `['']` for core/v1 Events, `['events.k8s.io']` for events.k8s.io/v1. */
  readonly apiGroups: readonly string[];
  /** Always `['events']`. */
  readonly resources: readonly string[];
  /** Always `['create', 'patch']`: a recorder creates Events, then patches their count or series. */
  readonly verbs: readonly string[];
}

/**
 * The API server answered 403 Forbidden: the recorder's identity may not write Events. Emitted
 * once per API group and verb (the writes themselves are dropped with reason `'forbidden'` each
 * time); `rule` is the RBAC rule to grant, and the message shows it as YAML. Not retryable.
 *
 * @example
 * ```ts
 * import { EventForbiddenError } from 'kube-events/recorder';
 *
 * recorder.on('error', (err) => {
 *   if (err instanceof EventForbiddenError) console.error(err.message); // …rules: - apiGroups: [""] …
 * });
 * ```
 */
export class EventForbiddenError extends KubeEventsError {
  /** Always `ERR_EVENT_FORBIDDEN`. */
  readonly code = 'ERR_EVENT_FORBIDDEN';
  /** The verb refused: `create` or `patch`. */
  readonly verb: string;
  /** The namespace the write was for. */
  readonly namespace: string;
  /** The rule the recorder needs. */
  readonly rule: RecorderPolicyRule;

  /**
   * @param verb - `create` or `patch`.
   * @param namespace - The Event's namespace.
   * @param rule - The rule needed.
   * @param serverMessage - The server's message.
   * @param options - `cause`.
   */
  constructor(verb: string, namespace: string, rule: RecorderPolicyRule, serverMessage: string, options?: ErrorOptions) {
    const q = (xs: readonly string[]): string => `[${xs.map((x) => `"${x}"`).join(', ')}]`;
    super(
      `${serverMessage}. The event recorder needs this RBAC rule, in a Role in namespace "${namespace}" (or a ClusterRole, ` +
        `for every namespace), bound to its identity:\n` +
        `rules:\n- apiGroups: ${q(rule.apiGroups)}\n  resources: ${q(rule.resources)}\n  verbs: ${q(rule.verbs)}`,
      options,
    );
    this.verb = verb;
    this.namespace = namespace;
    this.rule = rule;
  }
}

/**
 * The API server refused an Event write for a reason retrying cannot fix (a 4xx other than 403,
 * 409 and 422, e.g. 404 when the namespace does not exist). The write is dropped with reason
 * `'rejected'`. Not retryable.
 *
 * @example
 * ```ts
 * import { EventRejectedError } from 'kube-events/recorder';
 *
 * recorder.on('error', (err) => {
 *   if (err instanceof EventRejectedError) console.error(err.statusCode, err.message);
 * });
 * ```
 */
export class EventRejectedError extends KubeEventsError {
  /** Always `ERR_EVENT_REJECTED`. */
  readonly code = 'ERR_EVENT_REJECTED';
  /** The HTTP status. */
  readonly statusCode: number;

  /**
   * @param statusCode - The HTTP status.
   * @param message - The server's message.
   * @param options - `cause`.
   */
  constructor(statusCode: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.statusCode = statusCode;
  }
}

/**
 * An Event write still failed after the retry policy's last try (network errors, 5xx, 429), or
 * was abandoned by `close()` at its timeout. The write is dropped with reason `'failed'`
 * (`'closed'` when abandoned); `cause` holds the last failure.
 *
 * @example
 * ```ts
 * import { EventWriteFailedError } from 'kube-events/recorder';
 *
 * recorder.on('error', (err) => {
 *   if (err instanceof EventWriteFailedError) console.error(`gave up after ${err.tries} tries`, err.cause);
 * });
 * ```
 */
export class EventWriteFailedError extends KubeEventsError {
  /** Always `ERR_EVENT_WRITE_FAILED`. */
  readonly code = 'ERR_EVENT_WRITE_FAILED';
  /** How many tries were made. */
  readonly tries: number;

  /**
   * @param tries - Tries made.
   * @param reason - Why the recorder stopped trying.
   * @param options - `cause`: the last failure.
   */
  constructor(tries: number, reason: string, options?: ErrorOptions) {
    super(`Could not write an Event after ${tries} ${tries === 1 ? 'try' : 'tries'}: ${reason}`, options);
    this.tries = tries;
  }
}

/**
 * An answer of the Kubernetes API other than success, or a transport failure (`statusCode` 0):
 * the `cause` of the recorder's other errors. `retryable` tells whether the recorder retries it.
 *
 * @example
 * ```ts
 * import { KubeApiError } from 'kube-events/recorder';
 *
 * recorder.on('error', (err) => {
 *   if (err.cause instanceof KubeApiError) console.error(err.cause.statusCode, err.cause.reason);
 * });
 * ```
 */
export class KubeApiError extends KubeEventsError {
  /** Always `ERR_KUBE_API`. */
  readonly code = 'ERR_KUBE_API';
  /** The HTTP status; 0 for a network failure. */
  readonly statusCode: number;
  /** The `reason` of the server's `Status` (`Invalid`, `Forbidden`, …), or the network error's code. */
  readonly reason: string;
  /** The decoded `Status` body, if any. */
  readonly body: unknown;
  /** Milliseconds the server asked to wait (`Retry-After`), if it did. */
  readonly retryAfterMs: number | undefined;

  /**
   * @param statusCode - HTTP status, 0 for a network failure.
   * @param reason - Status reason or network error code.
   * @param message - The message.
   * @param details - `body`, `retryAfterMs` and `cause`.
   */
  constructor(statusCode: number, reason: string, message: string, details: { body?: unknown; retryAfterMs?: number | undefined; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.statusCode = statusCode;
    this.reason = reason;
    this.body = details.body;
    this.retryAfterMs = details.retryAfterMs;
  }

  /** True for what the recorder retries: network failures, 429 and 5xx. */
  get retryable(): boolean {
    return this.statusCode === 0 || this.statusCode === 429 || this.statusCode >= 500;
  }
}
