/**
 * The API server's `Status` error bodies, built exactly as k8s.io/apimachinery/pkg/api/errors does,
 * so clients see the same messages, reasons and details as from a real kube-apiserver.
 */
import { KubeEventsError } from '../errors.ts';
import type { JsonObject } from './json.ts';

/** A `metav1.StatusCause`. */
export interface StatusCause {
  /** Machine-readable reason, e.g. `FieldValueInvalid` (absent on internal errors). */
  reason?: string;
  /** Human-readable text, e.g. `Invalid value: "x": must be Normal or Warning`. */
  message: string;
  /** The field path, e.g. `involvedObject.namespace`. */
  field?: string;
}

/** The list metadata of a Status. */
export interface ApiStatusListMeta {
  /** On 410 Expired for a paginated list: a token that continues inconsistently from the latest state. */
  continue?: string;
  /** Unused by failures; present in the type for completeness. */
  resourceVersion?: string;
}

/** The `details` of a failure Status. */
export interface ApiStatusDetails {
  /** The object's name, when one object is concerned. */
  name?: string;
  /** The API group, when not the core group. */
  group?: string;
  /** The resource (e.g. `events`) or, for 422 Invalid, the kind (e.g. `Event`). */
  kind?: string;
  /** The object's uid, when known. */
  uid?: string;
  /** Field-level causes (422 Invalid) or the internal error (500). */
  causes?: StatusCause[];
  /** Seconds to wait before retrying (429, 503, 504). */
  retryAfterSeconds?: number;
}

/** A `metav1.Status` with `status: "Failure"`, as the API server returns it. */
export interface ApiStatus {
  /** Always `Status`. */
  kind: 'Status';
  /** Always `v1`. */
  apiVersion: 'v1';
  /** List metadata: a `continue` token on 410 Expired for a paginated list. */
  metadata: ApiStatusListMeta;
  /** Always `Failure`. */
  status: 'Failure';
  /** Human-readable text, e.g. `events "x" not found`. */
  message: string;
  /** Machine-readable reason, e.g. `NotFound`, `Conflict`, `Invalid`, `Expired`. */
  reason: string;
  /** Details of the object and causes. */
  details?: ApiStatusDetails;
  /** The HTTP status code. */
  code: number;
}

/**
 * An error response from the (test) Kubernetes API server, carrying the `Status` body it sends.
 *
 * @example
 * ```ts
 * import { ApiStatusError } from 'kube-events/testing';
 *
 * try {
 *   cluster.store.get({ group: '', resource: 'events' }, 'default', 'missing');
 * } catch (err) {
 *   if (err instanceof ApiStatusError) console.log(err.status.reason); // 'NotFound'
 * }
 * ```
 */
export class ApiStatusError extends KubeEventsError {
  /** Always `ERR_API_STATUS`. */
  readonly code = 'ERR_API_STATUS';
  /** The `Status` body, as sent on the wire. */
  readonly status: ApiStatus;
  /** Extra response headers (e.g. `Retry-After`). */
  readonly headers: Readonly<Record<string, string>>;

  /**
   * @param status - The Status body.
   * @param headers - Extra response headers.
   */
  constructor(status: ApiStatus, headers: Record<string, string> = {}) {
    super(status.message);
    this.status = status;
    this.headers = headers;
  }
}

/** A group + resource, as in `schema.GroupResource`. */
export interface GroupResource {
  group: string;
  resource: string;
}

/** `events` or `deployments.apps`, as `GroupResource.String()`. */
export function qualifiedResource(gr: GroupResource): string {
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

function failure(code: number, reason: string, message: string, details?: ApiStatusDetails): ApiStatusError {
  const status: ApiStatus = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) {
    // Keep the wire order of the real server: kind, apiVersion, metadata, status, message, reason, details, code.
    const { code: c, ...rest } = status;
    return new ApiStatusError({ ...rest, details, code: c });
  }
  return new ApiStatusError(status);
}

function resourceDetails(gr: GroupResource, name?: string): ApiStatusDetails {
  const d: ApiStatusDetails = {};
  if (name !== undefined && name !== '') d.name = name;
  if (gr.group !== '') d.group = gr.group;
  d.kind = gr.resource;
  return d;
}

/** 404 NotFound: `events "x" not found`. */
export function notFound(gr: GroupResource, name: string): ApiStatusError {
  return failure(404, 'NotFound', `${qualifiedResource(gr)} "${name}" not found`, resourceDetails(gr, name));
}

/** 404 NotFound for a path that serves nothing (the real server's body for unknown URLs). */
export function pathNotFound(): ApiStatusError {
  return failure(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** 409 AlreadyExists: `events "x" already exists`. */
export function alreadyExists(gr: GroupResource, name: string): ApiStatusError {
  return failure(409, 'AlreadyExists', `${qualifiedResource(gr)} "${name}" already exists`, resourceDetails(gr, name));
}

/** The text the real server gives for an optimistic-concurrency failure. */
export const OPTIMISTIC_LOCK_ERROR_MSG = 'the object has been modified; please apply your changes to the latest version and try again';

/** 409 Conflict: `Operation cannot be fulfilled on events "x": <why>`. */
export function conflict(gr: GroupResource, name: string, why: string = OPTIMISTIC_LOCK_ERROR_MSG): ApiStatusError {
  return failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${why}`, resourceDetails(gr, name));
}

/** A group + kind, as in `schema.GroupKind`. */
export interface GroupKind {
  group: string;
  kind: string;
}

/** One field error, as k8s.io/apimachinery/pkg/util/validation/field.Error. */
export interface FieldError {
  /** `FieldValueRequired`, `FieldValueInvalid`, `FieldValueTooLong`, `FieldValueNotSupported`, `FieldValueForbidden`, … */
  reason: string;
  /** The field path, e.g. `metadata.namespace`. */
  field: string;
  /** The error text without the field, e.g. `Required value` or `Invalid value: "x": must be …`. */
  message: string;
}

/** 422 Invalid: `Event "x" is invalid: [a: Required value, b: Invalid value: …]`. */
export function invalid(gk: GroupKind, name: string, errors: readonly FieldError[]): ApiStatusError {
  const kind = gk.group === '' ? gk.kind : `${gk.kind}.${gk.group}`;
  const parts = errors.map((e) => `${e.field}: ${e.message}`);
  const joined = parts.length === 1 ? (parts[0] ?? '') : `[${parts.join(', ')}]`;
  const details: ApiStatusDetails = {};
  if (name !== '') details.name = name;
  if (gk.group !== '') details.group = gk.group;
  details.kind = gk.kind;
  details.causes = errors.map((e) => ({ reason: e.reason, message: e.message, field: e.field }));
  return failure(422, 'Invalid', `${kind} "${name}" is invalid: ${joined}`, details);
}

/** 400 BadRequest with the given message. */
export function badRequest(message: string): ApiStatusError {
  return failure(400, 'BadRequest', message);
}

/** 410 Expired (Gone), e.g. `too old resource version: 5 (120)`. */
export function expired(message: string, continueToken?: string): ApiStatusError {
  const err = failure(410, 'Expired', message);
  if (continueToken !== undefined) err.status.metadata.continue = continueToken;
  return err;
}

/** 401 Unauthorized. */
export function unauthorized(): ApiStatusError {
  return failure(401, 'Unauthorized', 'Unauthorized');
}

/** 403 Forbidden: `events is forbidden: User "u" cannot list resource "events" in API group "" in the namespace "ns"`. */
export function forbidden(gr: GroupResource, name: string, user: string, verb: string, namespace: string): ApiStatusError {
  const scope = namespace === '' ? 'at the cluster scope' : `in the namespace "${namespace}"`;
  const why = `User "${user}" cannot ${verb} resource "${gr.resource}" in API group "${gr.group}" ${scope}`;
  const subject = name === '' ? `${qualifiedResource(gr)} is forbidden` : `${qualifiedResource(gr)} "${name}" is forbidden`;
  return failure(403, 'Forbidden', `${subject}: ${why}`, resourceDetails(gr, name));
}

/** 405 MethodNotAllowed: `<verb> is not supported on resources of kind "events"`. */
export function methodNotSupported(gr: GroupResource, verb: string): ApiStatusError {
  return failure(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${qualifiedResource(gr)}"`, resourceDetails(gr));
}

/** 415 UnsupportedMediaType. */
export function unsupportedMediaType(): ApiStatusError {
  return failure(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml');
}

/** 429 TooManyRequests with `Retry-After`. */
export function tooManyRequests(retryAfterSeconds: number): ApiStatusError {
  const err = failure(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds });
  return new ApiStatusError(err.status, { 'Retry-After': String(retryAfterSeconds) });
}

/** 500 InternalError. */
export function internalError(message: string): ApiStatusError {
  return failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

/** 503 ServiceUnavailable, optionally with `Retry-After`. */
export function serviceUnavailable(message: string, retryAfterSeconds?: number): ApiStatusError {
  const err = failure(503, 'ServiceUnavailable', message);
  if (retryAfterSeconds === undefined) return err;
  return new ApiStatusError({ ...err.status, details: { retryAfterSeconds } }, { 'Retry-After': String(retryAfterSeconds) });
}

/** The body of an `ERROR` watch event carrying this status. */
export function statusObject(err: ApiStatusError): JsonObject {
  return err.status as unknown as JsonObject;
}
