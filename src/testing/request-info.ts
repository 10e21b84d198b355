/**
 * Parses a request path the way kube-apiserver's RequestInfoFactory does
 * (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go).
 */

/** What a request addresses. */
export interface RequestInfo {
  /** True for /api/... and /apis/... resource requests; false for discovery and other paths. */
  isResource: boolean;
  /** get, list, watch, create, update, patch, delete, deletecollection (resource requests). */
  verb: string;
  /** 'api' or 'apis' ('' otherwise). */
  prefix: string;
  group: string;
  version: string;
  namespace: string;
  resource: string;
  name: string;
  subresource: string;
  /** The path split into segments after the prefix (for discovery requests). */
  parts: string[];
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** Parses `method` + `path` (without the query) + whether `watch=true` was asked. */
export function parseRequestInfo(method: string, path: string, watchParam: boolean): RequestInfo {
  const segments = path.split('/').filter((s) => s !== '').map(decodeURIComponent);
  const info: RequestInfo = { isResource: false, verb: method.toLowerCase(), prefix: '', group: '', version: '', namespace: '', resource: '', name: '', subresource: '', parts: segments };
  const head = segments[0];
  if (head !== 'api' && head !== 'apis') return info;
  info.prefix = head;
  let parts = segments.slice(1);
  if (head === 'apis') {
    if (parts.length < 3) {
      info.parts = parts;
      return info; // /apis, /apis/<group>, /apis/<group>/<version>
    }
    info.group = parts[0] ?? '';
    info.version = parts[1] ?? '';
    parts = parts.slice(2);
  } else {
    if (parts.length < 2) {
      info.parts = parts;
      return info; // /api, /api/v1
    }
    info.version = parts[0] ?? '';
    parts = parts.slice(1);
  }
  info.isResource = true;
  let legacyWatch = false;
  if (parts[0] === 'watch') {
    legacyWatch = true;
    parts = parts.slice(1);
  }
  if (parts[0] === 'namespaces' && parts.length > 1) {
    info.namespace = parts[1] ?? '';
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2] ?? '')) parts = parts.slice(2);
  }
  info.resource = parts[0] ?? '';
  info.name = parts[1] ?? '';
  info.subresource = parts[2] ?? '';
  info.parts = parts;
  switch (method) {
    case 'GET':
    case 'HEAD':
      info.verb = legacyWatch || watchParam ? 'watch' : info.name === '' ? 'list' : 'get';
      break;
    case 'POST':
      info.verb = 'create';
      break;
    case 'PUT':
      info.verb = 'update';
      break;
    case 'PATCH':
      info.verb = 'patch';
      break;
    case 'DELETE':
      info.verb = info.name === '' ? 'deletecollection' : 'delete';
      break;
    default:
      info.verb = method.toLowerCase();
  }
  return info;
}
