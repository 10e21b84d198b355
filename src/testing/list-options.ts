/**
 * Query parameters of list and watch requests, parsed and validated as kube-apiserver does
 * (k8s.io/apimachinery/pkg/apis/meta/internalversion/validation ValidateListOptions).
 */
import { badRequest, invalid } from './status.ts';
import type { FieldError } from './status.ts';

/** Parsed list/watch options. */
export interface ListOptions {
  watch: boolean;
  resourceVersion: string;
  resourceVersionMatch: string;
  limit: number;
  continueToken: string;
  labelSelector: string;
  fieldSelector: string;
  allowWatchBookmarks: boolean;
  sendInitialEvents: boolean | undefined;
  timeoutSeconds: number | undefined;
}

function boolParam(v: string | null): boolean {
  return v === 'true' || v === '1';
}

/** Parses list/watch query parameters. */
export function parseListOptions(q: URLSearchParams): ListOptions {
  const limitText = q.get('limit');
  const limit = limitText === null || limitText === '' ? 0 : Number(limitText);
  if (!Number.isInteger(limit)) throw badRequest(`unable to parse quantity's suffix: limit "${limitText ?? ''}" is not a valid integer`);
  const t = q.get('timeoutSeconds');
  const timeoutSeconds = t === null || t === '' ? undefined : Number(t);
  if (timeoutSeconds !== undefined && !Number.isFinite(timeoutSeconds)) throw badRequest(`invalid timeoutSeconds "${t ?? ''}"`);
  const sie = q.get('sendInitialEvents');
  return {
    watch: boolParam(q.get('watch')),
    resourceVersion: q.get('resourceVersion') ?? '',
    resourceVersionMatch: q.get('resourceVersionMatch') ?? '',
    limit: Math.max(0, limit),
    continueToken: q.get('continue') ?? '',
    labelSelector: q.get('labelSelector') ?? '',
    fieldSelector: q.get('fieldSelector') ?? '',
    allowWatchBookmarks: boolParam(q.get('allowWatchBookmarks')),
    sendInitialEvents: sie === null ? undefined : boolParam(sie),
    timeoutSeconds,
  };
}

const LIST_OPTIONS_KIND = { group: 'meta.k8s.io', kind: 'ListOptions' };

function forbidden(field: string, detail: string): FieldError {
  return { reason: 'FieldValueForbidden', field, message: `Forbidden: ${detail}` };
}

function notSupported(field: string, value: string, supported: string[]): FieldError {
  return { reason: 'FieldValueNotSupported', field, message: `Unsupported value: "${value}": supported values: ${supported.map((s) => `"${s}"`).join(', ')}` };
}

/**
 * Validates options as ValidateListOptions does; throws the 422 `ListOptions.meta.k8s.io "" is invalid`.
 *
 * @param watchListEnabled - whether the server accepts `sendInitialEvents` (the WatchList feature).
 */
export function validateListOptions(o: ListOptions, watchListEnabled: boolean): void {
  const errs: FieldError[] = [];
  const match = o.resourceVersionMatch;
  if (o.watch) {
    if (o.sendInitialEvents !== undefined) {
      if (match !== 'NotOlderThan') errs.push(forbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'));
      if (!watchListEnabled) errs.push(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled'));
    }
    if (match !== '') {
      if (o.sendInitialEvents === undefined) errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
      if (match !== 'NotOlderThan') errs.push(notSupported('resourceVersionMatch', match, ['NotOlderThan']));
      if (o.continueToken !== '') errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    }
  } else {
    if (match !== '') {
      if (o.resourceVersion === '') errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
      if (o.continueToken !== '') errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
      if (match !== 'Exact' && match !== 'NotOlderThan') errs.push(notSupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan', '']));
      if (match === 'Exact' && o.resourceVersion === '0') errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
    }
    if (o.sendInitialEvents !== undefined) errs.push(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  }
  if (errs.length > 0) throw invalid(LIST_OPTIONS_KIND, '', errs);
}

/** Parses a resourceVersion parameter ('' → undefined); a non-number is the real server's 400. */
export function parseResourceVersion(rv: string): number | undefined {
  if (rv === '') return undefined;
  if (!/^\d+$/.test(rv)) throw badRequest(`resourceVersion: Invalid value: "${rv}": strconv.ParseUint: parsing "${rv}": invalid syntax`);
  return Number(rv);
}

/** A continue token: the snapshot revision and the key to start after, as etcd3's encodeContinue. */
export interface ContinueToken {
  rv: number;
  start: string;
}

/** Encodes a continue token (base64url JSON, like kube-apiserver's `{"v":"meta.k8s.io/v1","rv":…,"start":…}`). */
export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: token.rv, start: token.start })).toString('base64url');
}

/** Decodes a continue token, throwing the real server's 400 for a malformed one. */
export function decodeContinue(text: string): ContinueToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('continue key is not valid: illegal base64 data at input byte 0');
  }
  if (typeof parsed !== 'object' || parsed === null) throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  const p = parsed as { v?: unknown; rv?: unknown; start?: unknown };
  if (p.v !== 'meta.k8s.io/v1') throw badRequest('continue key is not valid: server does not recognize this encoded key');
  if (typeof p.rv !== 'number' || typeof p.start !== 'string' || p.rv === 0) {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  return { rv: p.rv, start: p.start };
}
